/**
 * Annotations as ELAN .eaf files (EAF 3.0), one file per recording.
 *
 * Written as ELAN writes them: a HEADER whose MEDIA_DESCRIPTOR links the recording's video file, a
 * TIME_ORDER of TIME_SLOTs in milliseconds of video time (ELAN plays the video), one tier "actions"
 * holding every annotation with its label as the value (labels are the project's one label set,
 * also written as the controlled vocabulary "actions"), a dependent tier "notes" when annotations
 * carry notes, then LINGUISTIC_TYPEs, LANGUAGE, the four standard CONSTRAINTs and the vocabulary.
 *
 * Milliseconds of video time would lose a sensor-clock annotation's clock and its sub-millisecond
 * times, so HEADER PROPERTYs keep them: "vskd:clock" (offset drift), and per annotation
 * "vskd:<ANNOTATION_ID>" (time base, start, end in seconds). Reading takes those exact times only
 * when they still give the annotation's time slots, so a segment moved in ELAN is read where ELAN put it.
 * "vskd:recording" names the recording.
 *
 * Reading takes the time-aligned annotations of every top-level tier (label = value, video time),
 * and the values of Symbolic_Association child tiers as notes of their parent annotations.
 */
import { randomUUID } from 'node:crypto';
import { extname, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { badInput, StudioError } from '../shared/errors.ts';
import { bothClocks, timeBases, type TimeBase } from '../store/annotations.ts';
import type { Label } from '../store/labels.ts';
import type { ClockModel } from '../shared/clockModel.ts';
import type { ExportedAnnotation, ImportedSegment } from './segments.ts';
import { childNamed, childrenNamed, escapeXml, parseXml, type XmlElement } from './xml.ts';

export const ACTION_TIER = 'actions';
const NOTE_TIER = 'notes';

const CONSTRAINTS: [string, string][] = [
  ['Time_Subdivision', "Time subdivision of parent annotation's time interval, no time gaps allowed within this interval"],
  ['Symbolic_Subdivision', 'Symbolic subdivision of a parent annotation. Annotations refering to the same parent are ordered'],
  ['Symbolic_Association', '1-1 association with a parent annotation'],
  ['Included_In', "Time alignable annotations within the parent annotation's time interval, gaps are allowed"],
];

const MIME_TYPES: Record<string, string> = {
  '.mp4': 'video/mp4',
  '.m4v': 'video/mp4',
  '.mov': 'video/quicktime',
  '.mpg': 'video/mpeg',
  '.mpeg': 'video/mpeg',
  '.avi': 'video/x-msvideo',
  '.webm': 'video/webm',
  '.mkv': 'video/x-matroska',
  '.wav': 'audio/x-wav',
};

export interface EafDocument {
  recording: string;
  /** the recording's video file (its video stream's meta.path), if it has one */
  mediaPath: string | null;
  /** the folder the .eaf is written to: RELATIVE_MEDIA_URL is relative to it */
  eafDir: string;
  clock: ClockModel;
  /** the label set, in order: the controlled vocabulary */
  labels: Label[];
  /** this recording's annotations */
  annotations: ExportedAnnotation[];
  date: Date;
}

/** The segment's time slots: whole milliseconds of video time, at least 1 ms apart. */
function slotsOf(clock: ClockModel, start: number, end: number, timeBase: TimeBase): [number, number] {
  const video = bothClocks(clock, start, end, timeBase);
  const from = Math.round(video.startVideo * 1000);
  return [from, Math.max(Math.round(video.endVideo * 1000), from + 1)];
}

function attributes(attrs: Record<string, string | number | undefined>): string {
  return Object.entries(attrs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
    .join('');
}

function relativeUrl(from: string, to: string): string | undefined {
  const path = relative(from, to);
  if (path === '' || /^[a-zA-Z]:/.test(path) || path.startsWith(sep)) return undefined; // another drive: no relative path
  const url = path.split(sep).map(encodeURIComponent).join('/');
  return url.startsWith('..') ? url : `./${url}`;
}

export function writeEaf(doc: EafDocument): string {
  const slots: { id: string; ms: number }[] = [];
  const annotations = doc.annotations.map((a, i) => {
    if (a.startVideo < -0.0005) {
      throw new StudioError(
        'INVALID_ARGUMENT',
        `annotation ${a.id} of ${doc.recording} starts at ${a.startVideo.toFixed(3)} s of video time, before the video: an .eaf cannot hold it (export CSV instead)`,
        { field: 'format' },
      );
    }
    const [from, to] = slotsOf(doc.clock, a.start, a.end, a.timeBase);
    const refs = [from, to].map((ms) => {
      slots.push({ id: '', ms });
      return slots[slots.length - 1];
    });
    return { annotation: a, id: `a${i + 1}`, refs };
  });
  // ELAN expects the slots numbered in time order
  [...slots].sort((x, y) => x.ms - y.ms).forEach((slot, i) => (slot.id = `ts${i + 1}`));
  const noted = annotations.filter((a) => a.annotation.note !== '');
  const cveIds = new Map(doc.labels.map((l, i) => [l.name, `cveid${i}`]));

  const out: string[] = [];
  out.push('<?xml version="1.0" encoding="UTF-8"?>');
  out.push(
    `<ANNOTATION_DOCUMENT${attributes({
      AUTHOR: '',
      DATE: doc.date.toISOString(),
      FORMAT: '3.0',
      VERSION: '3.0',
      'xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance',
      'xsi:noNamespaceSchemaLocation': 'http://www.mpi.nl/tools/elan/EAFv3.0.xsd',
    })}>`,
  );
  out.push(`    <HEADER${attributes({ MEDIA_FILE: '', TIME_UNITS: 'milliseconds' })}>`);
  if (doc.mediaPath) {
    const mime = MIME_TYPES[extname(doc.mediaPath).toLowerCase()] ?? 'video/*';
    out.push(
      `        <MEDIA_DESCRIPTOR${attributes({
        MEDIA_URL: pathToFileURL(doc.mediaPath).href,
        MIME_TYPE: mime,
        RELATIVE_MEDIA_URL: relativeUrl(doc.eafDir, doc.mediaPath),
      })}/>`,
    );
  }
  const property = (name: string, value: string | number) => out.push(`        <PROPERTY${attributes({ NAME: name })}>${escapeXml(String(value))}</PROPERTY>`);
  property('URN', `urn:nl-mpi-tools-elan-eaf:${randomUUID()}`);
  property('lastUsedAnnotationId', annotations.length + noted.length);
  property('vskd:recording', doc.recording);
  property('vskd:clock', `${doc.clock.offset} ${doc.clock.drift}`);
  for (const { annotation: a, id } of annotations) property(`vskd:${id}`, `${a.timeBase} ${a.start} ${a.end}`);
  out.push('    </HEADER>');

  out.push('    <TIME_ORDER>');
  for (const slot of [...slots].sort((x, y) => x.ms - y.ms)) out.push(`        <TIME_SLOT${attributes({ TIME_SLOT_ID: slot.id, TIME_VALUE: slot.ms })}/>`);
  out.push('    </TIME_ORDER>');

  out.push(`    <TIER${attributes({ LINGUISTIC_TYPE_REF: 'action', TIER_ID: ACTION_TIER })}>`);
  for (const { annotation: a, id, refs } of annotations) {
    out.push('        <ANNOTATION>');
    out.push(
      `            <ALIGNABLE_ANNOTATION${attributes({ ANNOTATION_ID: id, CVE_REF: cveIds.get(a.label), TIME_SLOT_REF1: refs[0].id, TIME_SLOT_REF2: refs[1].id })}>`,
    );
    out.push(`                <ANNOTATION_VALUE>${escapeXml(a.label)}</ANNOTATION_VALUE>`);
    out.push('            </ALIGNABLE_ANNOTATION>');
    out.push('        </ANNOTATION>');
  }
  out.push('    </TIER>');
  if (noted.length) {
    out.push(`    <TIER${attributes({ LINGUISTIC_TYPE_REF: 'note', PARENT_REF: ACTION_TIER, TIER_ID: NOTE_TIER })}>`);
    noted.forEach(({ annotation: a, id }, i) => {
      out.push('        <ANNOTATION>');
      out.push(`            <REF_ANNOTATION${attributes({ ANNOTATION_ID: `a${annotations.length + i + 1}`, ANNOTATION_REF: id })}>`);
      out.push(`                <ANNOTATION_VALUE>${escapeXml(a.note)}</ANNOTATION_VALUE>`);
      out.push('            </REF_ANNOTATION>');
      out.push('        </ANNOTATION>');
    });
    out.push('    </TIER>');
  }

  out.push(
    `    <LINGUISTIC_TYPE${attributes({ CONTROLLED_VOCABULARY_REF: ACTION_TIER, GRAPHIC_REFERENCES: 'false', LINGUISTIC_TYPE_ID: 'action', TIME_ALIGNABLE: 'true' })}/>`,
  );
  if (noted.length) {
    out.push(
      `    <LINGUISTIC_TYPE${attributes({ CONSTRAINTS: 'Symbolic_Association', GRAPHIC_REFERENCES: 'false', LINGUISTIC_TYPE_ID: 'note', TIME_ALIGNABLE: 'false' })}/>`,
    );
  }
  out.push(`    <LANGUAGE${attributes({ LANG_DEF: 'http://cdb.iso.org/lg/CDB-00130975-001', LANG_ID: 'und', LANG_LABEL: 'undetermined (und)' })}/>`);
  for (const [stereotype, description] of CONSTRAINTS) out.push(`    <CONSTRAINT${attributes({ DESCRIPTION: description, STEREOTYPE: stereotype })}/>`);
  out.push(`    <CONTROLLED_VOCABULARY${attributes({ CV_ID: ACTION_TIER })}>`);
  out.push(`        <DESCRIPTION${attributes({ LANG_REF: 'und' })}>the VSKD Studio project's labels</DESCRIPTION>`);
  for (const label of doc.labels) {
    out.push(`        <CV_ENTRY_ML${attributes({ CVE_ID: cveIds.get(label.name) })}>`);
    out.push(`            <CVE_VALUE${attributes({ DESCRIPTION: label.description, LANG_REF: 'und' })}>${escapeXml(label.name)}</CVE_VALUE>`);
    out.push('        </CV_ENTRY_ML>');
  }
  out.push('    </CONTROLLED_VOCABULARY>');
  out.push('</ANNOTATION_DOCUMENT>');
  return `${out.join('\n')}\n`;
}

export interface ParsedEaf {
  /** the "vskd:recording" property, when the file has one */
  recording: string | null;
  /** the linked media files' URLs */
  media: string[];
  segments: Omit<ImportedSegment, 'recording'>[];
}

function required(element: XmlElement, attribute: string, file: string): string {
  const value = element.attributes[attribute];
  if (value === undefined || value === '') throw badInput(file, `<${element.name}> has no ${attribute}`, { line: element.line, field: attribute });
  return value;
}

/** "sensor 1.25 3.5" → its parts, or null when it is not one of ours. */
function exactTimes(text: string | undefined): { timeBase: TimeBase; start: number; end: number } | null {
  const [base, start, end, ...rest] = (text ?? '').trim().split(/\s+/);
  const times = [Number(start), Number(end)];
  if (rest.length || !timeBases.includes(base as TimeBase) || !times.every(Number.isFinite)) return null;
  return { timeBase: base as TimeBase, start: times[0], end: times[1] };
}

export function parseEaf(text: string, file: string): ParsedEaf {
  const root = parseXml(text, file);
  if (root.name !== 'ANNOTATION_DOCUMENT')
    throw badInput(file, `not an ELAN file: the root element is <${root.name}>, not <ANNOTATION_DOCUMENT>`, { line: root.line });
  const header = childNamed(root, 'HEADER');
  if (!header) throw badInput(file, '<ANNOTATION_DOCUMENT> has no <HEADER>', { line: root.line, field: 'HEADER' });
  const units = header.attributes.TIME_UNITS;
  if (units !== undefined && units !== 'milliseconds') {
    throw badInput(file, `<HEADER> TIME_UNITS is ${JSON.stringify(units)}; only milliseconds are supported`, { line: header.line, field: 'TIME_UNITS' });
  }
  const properties = new Map(childrenNamed(header, 'PROPERTY').map((p) => [p.attributes.NAME ?? '', p.text.trim()]));
  const timeOrder = childNamed(root, 'TIME_ORDER');
  if (!timeOrder) throw badInput(file, '<ANNOTATION_DOCUMENT> has no <TIME_ORDER>', { line: root.line, field: 'TIME_ORDER' });
  const slots = new Map<string, number | null>();
  for (const slot of childrenNamed(timeOrder, 'TIME_SLOT')) {
    const id = required(slot, 'TIME_SLOT_ID', file);
    const raw = slot.attributes.TIME_VALUE;
    const ms = raw === undefined ? null : Number(raw);
    if (ms !== null && (raw!.trim() === '' || !Number.isFinite(ms) || ms < 0)) {
      throw badInput(file, `TIME_SLOT ${id}: TIME_VALUE ${JSON.stringify(raw)} is not a number of milliseconds ≥ 0`, { line: slot.line, field: 'TIME_VALUE' });
    }
    slots.set(id, ms);
  }
  const typeConstraints = new Map(childrenNamed(root, 'LINGUISTIC_TYPE').map((t) => [t.attributes.LINGUISTIC_TYPE_ID, t.attributes.CONSTRAINTS ?? null]));
  const clockParts = (properties.get('vskd:clock') ?? '').split(/\s+/).map(Number);
  const fileClock = clockParts.length === 2 && clockParts.every(Number.isFinite) ? { offset: clockParts[0], drift: clockParts[1] } : null;

  const segments: ParsedEaf['segments'] = [];
  const byId = new Map<string, ParsedEaf['segments'][number]>();
  const notes: { ref: string; value: string }[] = [];
  for (const tier of childrenNamed(root, 'TIER')) {
    const tierId = required(tier, 'TIER_ID', file);
    const parent = tier.attributes.PARENT_REF;
    const noteTier = parent !== undefined && typeConstraints.get(tier.attributes.LINGUISTIC_TYPE_REF) === 'Symbolic_Association';
    // other child tiers (subdivisions, inclusions) describe parts of their parents, not actions
    if (parent !== undefined && !noteTier) continue;
    for (const wrapper of childrenNamed(tier, 'ANNOTATION')) {
      const element = wrapper.children[0];
      if (!element) throw badInput(file, `an empty <ANNOTATION> in tier ${tierId}`, { line: wrapper.line, field: 'ANNOTATION' });
      const id = required(element, 'ANNOTATION_ID', file);
      const text = childNamed(element, 'ANNOTATION_VALUE')?.text ?? '';
      if (noteTier) {
        if (element.name === 'REF_ANNOTATION') notes.push({ ref: required(element, 'ANNOTATION_REF', file), value: text });
        continue;
      }
      const value = text.trim();
      if (element.name !== 'ALIGNABLE_ANNOTATION') {
        throw badInput(file, `tier ${tierId}: annotation ${id} is a <${element.name}> in a top-level tier`, { line: element.line, field: element.name });
      }
      const where = `ANNOTATION ${id} in tier ${tierId}`;
      const [from, to] = ['TIME_SLOT_REF1', 'TIME_SLOT_REF2'].map((attr) => {
        const ref = required(element, attr, file);
        if (!slots.has(ref)) throw badInput(file, `${where}: ${attr} ${ref} is not a TIME_SLOT`, { line: element.line, field: attr });
        const ms = slots.get(ref);
        if (ms === null)
          throw badInput(file, `${where}: time slot ${ref} has no TIME_VALUE (only time-aligned annotations can be read)`, { line: element.line, field: attr });
        return ms as number;
      });
      if (to <= from) throw badInput(file, `${where}: ends (${to} ms) no later than it starts (${from} ms)`, { line: element.line, field: 'TIME_SLOT_REF2' });
      if (value === '') throw badInput(file, `${where}: the value (the label) is empty`, { line: element.line, field: 'ANNOTATION_VALUE' });
      const exact = fileClock ? exactTimes(properties.get(`vskd:${id}`)) : null;
      const stillThere = exact !== null && slotsOf(fileClock!, exact.start, exact.end, exact.timeBase).every((ms, i) => ms === [from, to][i]);
      const segment = {
        label: value,
        ...(stillThere ? exact : { timeBase: 'video' as const, start: from / 1000, end: to / 1000 }),
        note: '',
        source: { file, line: element.line, element: where },
      };
      segments.push(segment);
      byId.set(id, segment);
    }
  }
  for (const note of notes) {
    const segment = byId.get(note.ref);
    if (!segment) continue; // a note on an annotation we did not read (in a child tier)
    segment.note = segment.note ? `${segment.note}\n${note.value}` : note.value;
  }
  return {
    recording: properties.get('vskd:recording') || null,
    media: childrenNamed(header, 'MEDIA_DESCRIPTOR').flatMap((m) => (m.attributes.MEDIA_URL ? [m.attributes.MEDIA_URL] : [])),
    segments,
  };
}
