/** vskd export-dataset: a dataset's splits as NumPy files (GAF images, raw sensor windows, video frames) with a manifest. */
import { exportDataset, type DatasetPart } from '../../export/datasetExport.ts';
import type { Split } from '../../store/datasets.ts';
import { defaultJob } from '../../train/runs.ts';
import { optionalNumber, requireString, UsageError, type Command, type OptionValues } from '../command.ts';

const DEFAULT_FRAME_SIZE = 112;

function listOf<T extends string>(values: OptionValues, name: string, allowed: readonly T[]): T[] | null {
  const value = values[name];
  if (value === undefined) return null;
  const items = String(value).split(',').map((s) => s.trim()).filter(Boolean);
  if (items.length === 0 || items.some((i) => !(allowed as readonly string[]).includes(i))) throw new UsageError(`--${name} lists ${allowed.join(', ')}`);
  // in the canonical order, once each: the export does not depend on how the list was typed
  return allowed.filter((a) => items.includes(a));
}

function wholeNumber(values: OptionValues, name: string, fallback: number): number {
  const n = optionalNumber(values, name) ?? fallback;
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} takes a whole number ≥ 1`);
  return n;
}

export const exportDatasetCommand: Command = {
  path: ['export-dataset'],
  summary: 'export a dataset as NumPy files per split (GAF images, raw sensor windows, video frames) with a manifest',
  usage: 'vskd export-dataset <project.vskd> --dataset NAME --out <dir> [--split train,val,test] [--what gaf,raw,frames] [--gaf-size N]',
  help: [
    '  --dataset NAME      the dataset (vskd dataset list)',
    '  --out DIR           <split>/labels.npy int64 [N], gaf.npy float32 [N, 3, S, S], raw.npy float32 [N, T, C]',
    '                      (zero-padded) + raw_lengths.npy int64 [N], frames.npy uint8 [N, K, H, W, 3]; manifest.json',
    '  --split LIST        splits to export (default train,val,test)',
    '  --what LIST         gaf, raw, frames (default gaf,raw, and frames when every recording has a video)',
    `  --gaf-size N        GAF image side (default ${defaultJob.student.gafSize})    --gaf-method summation|difference    --gaf-variant pyts|vskd`,
    `  --segments K        frames per recording, at the segment centres (default ${defaultJob.teacher.segments})`,
    `  --frame-size N      side of the frames (default ${DEFAULT_FRAME_SIZE})`,
    '',
    'Rerunning into the same folder keeps the files whose inputs and checksums are unchanged (resume).',
  ].join('\n'),
  positionals: 1,
  options: {
    dataset: { type: 'string' },
    out: { type: 'string' },
    split: { type: 'string' },
    what: { type: 'string' },
    'gaf-size': { type: 'string' },
    'gaf-method': { type: 'string' },
    'gaf-variant': { type: 'string' },
    segments: { type: 'string' },
    'frame-size': { type: 'string' },
  },
  async run([file], values, io) {
    const dataset = requireString(values, 'dataset');
    const out = requireString(values, 'out');
    const method = (values['gaf-method'] as string | undefined) ?? defaultJob.student.gafMethod;
    if (method !== 'summation' && method !== 'difference') throw new UsageError('--gaf-method is summation or difference');
    const variant = (values['gaf-variant'] as string | undefined) ?? defaultJob.student.gafVariant;
    if (variant !== 'pyts' && variant !== 'vskd') throw new UsageError('--gaf-variant is pyts or vskd');
    const result = await exportDataset({
      projectPath: file,
      dataset,
      outDir: out,
      splits: listOf<Split>(values, 'split', ['train', 'val', 'test']) ?? ['train', 'val', 'test'],
      what: listOf<DatasetPart>(values, 'what', ['gaf', 'raw', 'frames']),
      gaf: { size: wholeNumber(values, 'gaf-size', defaultJob.student.gafSize), method, variant },
      frames: { segments: wholeNumber(values, 'segments', defaultJob.teacher.segments), size: wholeNumber(values, 'frame-size', DEFAULT_FRAME_SIZE) },
      log: (line) => io.err(line),
    });
    const splits = Object.entries(result.manifest.splits).map(([split, s]) => `${split} ${s.recordings.length}`);
    io.out(`exported dataset ${result.manifest.dataset.name} (${splits.join(', ')} recordings) to ${out}: ${result.written.length} files written, ${result.kept.length} kept`);
  },
};
