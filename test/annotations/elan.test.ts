import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { parseEaf, writeEaf, type EafDocument } from '../../main/annotations/elan.ts';
import type { ExportedAnnotation } from '../../main/annotations/segments.ts';
import { childNamed, childrenNamed, parseXml, type XmlElement } from '../../main/annotations/xml.ts';
import type { StudioError } from '../../main/shared/errors.ts';
import { bothClocks, type TimeBase } from '../../main/store/annotations.ts';
import type { Label } from '../../main/store/labels.ts';
import { clockA } from './fixture.ts';

const labels: Label[] = [
  { id: 1, name: 'wave', description: 'one hand', color: null, position: 0 },
  { id: 2, name: 'clap & cheer', description: '', color: '#ff0000', position: 1 },
];

let nextId = 1;
function annotation(label: string, start: number, end: number, timeBase: TimeBase, note = ''): ExportedAnnotation {
  const labelId = labels.find((l) => l.name === label)!.id;
  return { id: nextId++, recordingId: 1, recording: 'rec_a', labelId, label, start, end, timeBase, note, ...bothClocks(clockA, start, end, timeBase) };
}

function document(annotations: ExportedAnnotation[]): EafDocument {
  return {
    recording: 'rec_a',
    mediaPath: '/data/videos/rec_a take.mp4',
    eafDir: '/data/eaf',
    clock: clockA,
    labels,
    annotations,
    date: new Date('2025-01-02T03:04:05Z'),
  };
}

/** EAF 3.0's order of ANNOTATION_DOCUMENT's children (each may repeat, later ones may be absent). */
const ORDER = ['HEADER', 'TIME_ORDER', 'TIER', 'LINGUISTIC_TYPE', 'LOCALE', 'LANGUAGE', 'CONSTRAINT', 'CONTROLLED_VOCABULARY'];

/** Checks what ELAN needs of a document; returns its time slots (id → ms). */
function checkEaf(root: XmlElement): Map<string, number> {
  assert.equal(root.name, 'ANNOTATION_DOCUMENT', 'the root element');
  assert.equal(root.attributes.FORMAT, '3.0', 'FORMAT');
  assert.equal(root.attributes.VERSION, '3.0', 'VERSION');
  assert.equal(root.attributes['xsi:noNamespaceSchemaLocation'], 'http://www.mpi.nl/tools/elan/EAFv3.0.xsd', 'schema location');
  assert.ok(!Number.isNaN(Date.parse(root.attributes.DATE)), `DATE is a date: ${root.attributes.DATE}`);
  const order = root.children.map((c) => ORDER.indexOf(c.name));
  assert.ok(
    order.every((o, i) => o >= 0 && (i === 0 || o >= order[i - 1])),
    `children in schema order: ${root.children.map((c) => c.name).join(' ')}`,
  );
  assert.equal(root.children[0].name, 'HEADER', 'HEADER comes first');
  assert.equal(root.children[1].name, 'TIME_ORDER', 'TIME_ORDER comes second');

  const header = root.children[0];
  assert.equal(header.attributes.TIME_UNITS, 'milliseconds', 'TIME_UNITS');
  for (const property of childrenNamed(header, 'PROPERTY')) assert.ok(property.attributes.NAME, `PROPERTY on line ${property.line} has a NAME`);

  const slots = new Map<string, number>();
  let previous = -1;
  for (const slot of childrenNamed(root.children[1], 'TIME_SLOT')) {
    const ms = Number(slot.attributes.TIME_VALUE);
    assert.ok(Number.isInteger(ms) && ms >= 0, `TIME_VALUE ${slot.attributes.TIME_VALUE} is whole milliseconds`);
    assert.ok(ms >= previous, `TIME_SLOTs in time order at ${slot.attributes.TIME_SLOT_ID}`);
    assert.ok(!slots.has(slot.attributes.TIME_SLOT_ID), `TIME_SLOT_ID ${slot.attributes.TIME_SLOT_ID} is unique`);
    slots.set(slot.attributes.TIME_SLOT_ID, ms);
    previous = ms;
  }

  const types = new Map(childrenNamed(root, 'LINGUISTIC_TYPE').map((t) => [t.attributes.LINGUISTIC_TYPE_ID, t]));
  const stereotypes = new Set(childrenNamed(root, 'CONSTRAINT').map((c) => c.attributes.STEREOTYPE));
  assert.deepEqual([...stereotypes], ['Time_Subdivision', 'Symbolic_Subdivision', 'Symbolic_Association', 'Included_In'], 'the four CONSTRAINTs');
  const languages = new Set(childrenNamed(root, 'LANGUAGE').map((l) => l.attributes.LANG_ID));
  const vocabularies = new Map(childrenNamed(root, 'CONTROLLED_VOCABULARY').map((cv) => [cv.attributes.CV_ID, cv]));
  for (const type of types.values()) {
    if (type.attributes.CONSTRAINTS) assert.ok(stereotypes.has(type.attributes.CONSTRAINTS), `type ${type.attributes.LINGUISTIC_TYPE_ID}'s constraint exists`);
    if (type.attributes.CONTROLLED_VOCABULARY_REF) assert.ok(vocabularies.has(type.attributes.CONTROLLED_VOCABULARY_REF), 'the vocabulary exists');
  }
  const entries = new Set<string>();
  for (const cv of vocabularies.values()) {
    for (const entry of childrenNamed(cv, 'CV_ENTRY_ML')) {
      entries.add(entry.attributes.CVE_ID);
      for (const value of childrenNamed(entry, 'CVE_VALUE')) assert.ok(languages.has(value.attributes.LANG_REF), `CVE_VALUE's LANG_REF is a LANGUAGE`);
    }
  }

  const tiers = new Set(childrenNamed(root, 'TIER').map((t) => t.attributes.TIER_ID));
  const ids = new Set<string>();
  const refs: string[] = [];
  for (const tier of childrenNamed(root, 'TIER')) {
    assert.ok(types.has(tier.attributes.LINGUISTIC_TYPE_REF), `tier ${tier.attributes.TIER_ID}'s LINGUISTIC_TYPE exists`);
    if (tier.attributes.PARENT_REF) assert.ok(tiers.has(tier.attributes.PARENT_REF), `tier ${tier.attributes.TIER_ID}'s parent exists`);
    for (const wrapper of childrenNamed(tier, 'ANNOTATION')) {
      assert.equal(wrapper.children.length, 1, 'one annotation per ANNOTATION');
      const a = wrapper.children[0];
      assert.ok(!ids.has(a.attributes.ANNOTATION_ID), `ANNOTATION_ID ${a.attributes.ANNOTATION_ID} is unique`);
      ids.add(a.attributes.ANNOTATION_ID);
      assert.ok(childNamed(a, 'ANNOTATION_VALUE'), `${a.attributes.ANNOTATION_ID} has an ANNOTATION_VALUE`);
      if (a.name === 'ALIGNABLE_ANNOTATION') {
        const [from, to] = [slots.get(a.attributes.TIME_SLOT_REF1), slots.get(a.attributes.TIME_SLOT_REF2)];
        assert.ok(from !== undefined && to !== undefined && to > from, `${a.attributes.ANNOTATION_ID} spans existing slots forwards`);
        if (a.attributes.CVE_REF) assert.ok(entries.has(a.attributes.CVE_REF), `${a.attributes.ANNOTATION_ID}'s CVE_REF is an entry`);
      } else {
        assert.equal(a.name, 'REF_ANNOTATION', 'an annotation is alignable or a reference');
        refs.push(a.attributes.ANNOTATION_REF);
      }
    }
  }
  for (const ref of refs) assert.ok(ids.has(ref), `ANNOTATION_REF ${ref} exists`);
  const lastUsed = childrenNamed(header, 'PROPERTY').find((p) => p.attributes.NAME === 'lastUsedAnnotationId');
  assert.equal(Number(lastUsed?.text), ids.size, 'lastUsedAnnotationId counts the annotations');
  return slots;
}

function badInFile(pattern: RegExp, line?: number) {
  return (err: StudioError) => {
    assert.equal(err.code, 'BAD_INPUT', err.message);
    assert.equal(err.detail.file, 'in.eaf');
    if (line !== undefined) assert.equal(err.detail.line, line, `line of: ${err.message}`);
    assert.match(err.message, pattern);
    return true;
  };
}

describe('ELAN .eaf', () => {
  it('writes a well-formed EAF 3.0 document: media link, ms slots of video time, the label tier, vocabulary', () => {
    const wave = annotation('wave', 1.2345, 2.5, 'video');
    const sensorClap = annotation('clap & cheer', 5, 6.5, 'sensor', 'loud\nand "clear"');
    const text = writeEaf(document([wave, sensorClap]));
    const root = parseXml(text, 'out.eaf');
    const slots = checkEaf(root);

    const media = childNamed(root.children[0], 'MEDIA_DESCRIPTOR')!;
    assert.equal(media.attributes.MEDIA_URL, pathToFileURL('/data/videos/rec_a take.mp4').href);
    assert.equal(media.attributes.MEDIA_URL, 'file:///data/videos/rec_a%20take.mp4');
    assert.equal(media.attributes.RELATIVE_MEDIA_URL, '../videos/rec_a%20take.mp4');
    assert.equal(media.attributes.MIME_TYPE, 'video/mp4');

    const [actions, notes] = childrenNamed(root, 'TIER');
    assert.equal(actions.attributes.TIER_ID, 'actions');
    const values = childrenNamed(actions, 'ANNOTATION').map((w) => {
      const a = w.children[0];
      return [childNamed(a, 'ANNOTATION_VALUE')!.text, slots.get(a.attributes.TIME_SLOT_REF1), slots.get(a.attributes.TIME_SLOT_REF2)];
    });
    // sensor 5 s → video (5 − 2.5) / 1.00015 = 2.49963 s
    assert.deepEqual(values, [
      ['wave', 1235, 2500],
      ['clap & cheer', 2500, 3999],
    ]);
    assert.equal(notes.attributes.PARENT_REF, 'actions');
    assert.equal(childNamed(childrenNamed(notes, 'ANNOTATION')[0].children[0], 'ANNOTATION_VALUE')!.text, 'loud\nand "clear"');
  });

  it('reads its own files back exactly: clock, sub-millisecond times and notes', () => {
    const written = [annotation('wave', 1.2345678, 2.5, 'video'), annotation('clap & cheer', 5.0001, 6.5, 'sensor', '  spaced note ')];
    const parsed = parseEaf(writeEaf(document(written)), 'in.eaf');
    assert.equal(parsed.recording, 'rec_a');
    assert.deepEqual(parsed.media, ['file:///data/videos/rec_a%20take.mp4']);
    assert.deepEqual(
      parsed.segments.map(({ label, start, end, timeBase, note }) => ({ label, start, end, timeBase, note })),
      written.map(({ label, start, end, timeBase, note }) => ({ label, start, end, timeBase, note })),
    );
    assert.match(parsed.segments[1].source.element!, /ANNOTATION a2 in tier actions/);
  });

  it('reads where ELAN moved a segment, not the stale exact times', () => {
    // sensor 5 s is video 2.49963 s: slot 2500 ms
    const text = writeEaf(document([annotation('wave', 3.7345678, 5, 'sensor')]));
    const moved = text.replace(/TIME_VALUE="2500"/, 'TIME_VALUE="2600"');
    assert.notEqual(moved, text, 'the end slot was edited');
    const [segment] = parseEaf(moved, 'in.eaf').segments;
    assert.deepEqual([segment.timeBase, segment.end], ['video', 2.6]);
  });

  it('refuses to write a segment that starts before the video', () => {
    // sensor 1 s is video −1.5 s on rec_a's clock
    assert.throws(
      () => writeEaf(document([annotation('wave', 1, 3, 'sensor')])),
      (err: StudioError) => err.code === 'INVALID_ARGUMENT' && /before the video.*export CSV/.test(err.message),
    );
  });

  it('reads other tools’ files: every top-level tier, notes from association tiers, subdivisions ignored', () => {
    const foreign = `<?xml version="1.0" encoding="UTF-8"?>
<ANNOTATION_DOCUMENT FORMAT="2.8" VERSION="2.8">
  <HEADER MEDIA_FILE="" TIME_UNITS="milliseconds"><MEDIA_DESCRIPTOR MEDIA_URL="file:///v/take1.mp4" MIME_TYPE="video/mp4"/></HEADER>
  <TIME_ORDER>
    <TIME_SLOT TIME_SLOT_ID="ts1" TIME_VALUE="100"/><TIME_SLOT TIME_SLOT_ID="ts2" TIME_VALUE="900"/>
    <TIME_SLOT TIME_SLOT_ID="ts3" TIME_VALUE="1500"/><TIME_SLOT TIME_SLOT_ID="ts4" TIME_VALUE="2250"/>
    <TIME_SLOT TIME_SLOT_ID="ts5"/>
  </TIME_ORDER>
  <TIER LINGUISTIC_TYPE_REF="default-lt" TIER_ID="left hand">
    <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a1" TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="ts2"><ANNOTATION_VALUE> wave </ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
  </TIER>
  <TIER LINGUISTIC_TYPE_REF="default-lt" TIER_ID="right hand">
    <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a2" TIME_SLOT_REF1="ts3" TIME_SLOT_REF2="ts4"><ANNOTATION_VALUE>point</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
  </TIER>
  <TIER LINGUISTIC_TYPE_REF="comment" PARENT_REF="left hand" TIER_ID="comments">
    <ANNOTATION><REF_ANNOTATION ANNOTATION_ID="a3" ANNOTATION_REF="a1"><ANNOTATION_VALUE>fast</ANNOTATION_VALUE></REF_ANNOTATION></ANNOTATION>
  </TIER>
  <TIER LINGUISTIC_TYPE_REF="phase" PARENT_REF="right hand" TIER_ID="phases">
    <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a4" TIME_SLOT_REF1="ts3" TIME_SLOT_REF2="ts5"><ANNOTATION_VALUE>lift</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
  </TIER>
  <LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="default-lt" TIME_ALIGNABLE="true"/>
  <LINGUISTIC_TYPE CONSTRAINTS="Symbolic_Association" LINGUISTIC_TYPE_ID="comment" TIME_ALIGNABLE="false"/>
  <LINGUISTIC_TYPE CONSTRAINTS="Time_Subdivision" LINGUISTIC_TYPE_ID="phase" TIME_ALIGNABLE="true"/>
</ANNOTATION_DOCUMENT>`;
    const parsed = parseEaf(foreign, 'in.eaf');
    assert.equal(parsed.recording, null);
    assert.deepEqual(parsed.media, ['file:///v/take1.mp4']);
    assert.deepEqual(
      parsed.segments.map((s) => [s.label, s.start, s.end, s.timeBase, s.note, s.source.line]),
      [
        ['wave', 0.1, 0.9, 'video', 'fast', 10],
        ['point', 1.5, 2.25, 'video', '', 13],
      ],
    );
  });

  it('refuses bad files naming the file and the element or line', () => {
    const wrap = (body: string, header = '<HEADER TIME_UNITS="milliseconds"/>') =>
      `<ANNOTATION_DOCUMENT>\n${header}\n<TIME_ORDER><TIME_SLOT TIME_SLOT_ID="ts1" TIME_VALUE="10"/><TIME_SLOT TIME_SLOT_ID="ts2" TIME_VALUE="20"/><TIME_SLOT TIME_SLOT_ID="ts3"/></TIME_ORDER>\n<TIER TIER_ID="t" LINGUISTIC_TYPE_REF="x">\n${body}\n</TIER>\n</ANNOTATION_DOCUMENT>`;
    const alignable = (refs: string, value = 'wave') =>
      `<ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a1" ${refs}><ANNOTATION_VALUE>${value}</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>`;
    assert.throws(() => parseEaf('<TEI/>', 'in.eaf'), badInFile(/not an ELAN file.*<TEI>/, 1));
    assert.throws(
      () => parseEaf('<ANNOTATION_DOCUMENT>\n<HEADER>\n</ANNOTATION_DOCUMENT>', 'in.eaf'),
      badInFile(/malformed XML: Expected closing tag 'HEADER'/, 3),
    );
    assert.throws(() => parseEaf(wrap('', '<HEADER TIME_UNITS="NTSC-frames"/>'), 'in.eaf'), badInFile(/TIME_UNITS is "NTSC-frames"/, 2));
    assert.throws(
      () => parseEaf(wrap(alignable('TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="ts9"')), 'in.eaf'),
      badInFile(/ANNOTATION a1 in tier t: TIME_SLOT_REF2 ts9 is not a TIME_SLOT/, 5),
    );
    assert.throws(() => parseEaf(wrap(alignable('TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="ts3"')), 'in.eaf'), badInFile(/time slot ts3 has no TIME_VALUE/, 5));
    assert.throws(
      () => parseEaf(wrap(alignable('TIME_SLOT_REF1="ts2" TIME_SLOT_REF2="ts1"')), 'in.eaf'),
      badInFile(/ends \(10 ms\) no later than it starts/, 5),
    );
    assert.throws(() => parseEaf(wrap(alignable('TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="ts2"', ' ')), 'in.eaf'), badInFile(/value \(the label\) is empty/, 5));
    assert.throws(() => parseEaf(wrap(alignable('TIME_SLOT_REF1="ts1"')), 'in.eaf'), badInFile(/<ALIGNABLE_ANNOTATION> has no TIME_SLOT_REF2/, 5));
  });
});
