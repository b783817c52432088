/** What the annotation file formats write and read. */
import type { Annotation, TimeBase } from '../store/annotations.ts';

/** An annotation with its recording's name, as exported. */
export interface ExportedAnnotation extends Annotation {
  recording: string;
}

/** Where in an input file a segment came from. */
export interface SegmentSource {
  file: string;
  /** 1-based line (of the row; of the annotation's element in an .eaf) */
  line: number;
  /** in an .eaf: which annotation, e.g. "ANNOTATION a3 in tier actions" */
  element?: string;
}

/** One segment read from a file, before it is matched against the project. */
export interface ImportedSegment {
  recording: string;
  label: string;
  start: number;
  end: number;
  timeBase: TimeBase;
  note: string;
  source: SegmentSource;
}
