import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { exportAnnotations, importAnnotations } from '../../main/annotations/transfer.ts';
import { mulberry32, type Rng } from '../../main/random.ts';
import { StudioError } from '../../main/shared/errors.ts';
import { createAnnotation, listAnnotations } from '../../main/store/annotations.ts';
import type { Database } from '../../main/store/db.ts';
import { createLabel, listLabels } from '../../main/store/labels.ts';
import { closeProject } from '../../main/store/project.ts';
import { tempDir } from '../helpers/tmp.ts';
import { annotatedProject } from './fixture.ts';

const dir = tempDir('vskd-eaf-fuzz-');

const pick = <T>(random: Rng, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const at = (random: Rng, bytes: Buffer): number => Math.floor(random() * bytes.length);

/** Hostile pieces an .eaf from elsewhere might carry. */
const HOSTILE = [
  '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>',
  '<!ENTITY xxe SYSTEM "file:///etc/passwd">',
  '&xxe;',
  '&lol2;',
  '&#0;',
  '&#x110000;',
  '<a>'.repeat(500),
  '</HEADER>',
  ']]>',
  '<![CDATA[',
  '<!--',
  '<?xml version="1.0"?>',
  ' TIME_VALUE="-5"',
  ' TIME_VALUE="1e400"',
  ' TIME_VALUE="NaN"',
  ' TIME_SLOT_REF1="ts999"',
  ' __proto__="x"',
  ' constructor="y"',
  '<ALIGNABLE_ANNOTATION/>',
  '<ANNOTATION></ANNOTATION>',
  `<ANNOTATION_VALUE>${'x'.repeat(100_000)}</ANNOTATION_VALUE>`,
  '\u0000',
  '\uFFFE',
];

/** One corrupt, truncated or hostile variant of `good`. */
function mutate(random: Rng, good: Buffer): Buffer {
  const bytes = Buffer.from(good);
  switch (Math.floor(random() * 7)) {
    case 0: // truncated
      return bytes.subarray(0, at(random, bytes));
    case 1: {
      // bytes flipped
      const flips = 1 + Math.floor(random() * 8);
      for (let i = 0; i < flips; i++) bytes[at(random, bytes)] ^= 1 << Math.floor(random() * 8);
      return bytes;
    }
    case 2: {
      // a hostile piece inserted anywhere
      const i = at(random, bytes);
      return Buffer.concat([bytes.subarray(0, i), Buffer.from(pick(random, HOSTILE)), bytes.subarray(i)]);
    }
    case 3: {
      // a chunk removed
      const i = at(random, bytes);
      return Buffer.concat([bytes.subarray(0, i), bytes.subarray(i + 1 + Math.floor(random() * 200))]);
    }
    case 4: {
      // a chunk repeated
      const i = at(random, bytes);
      const chunk = bytes.subarray(i, i + 1 + Math.floor(random() * 300));
      return Buffer.concat([bytes.subarray(0, i), chunk, chunk, bytes.subarray(i)]);
    }
    case 5: // not UTF-8
      bytes[at(random, bytes)] = pick(random, [0xff, 0xc3, 0xe2, 0x80]);
      return bytes;
    default: {
      // a number made odd
      const text = bytes.toString('utf8');
      const numbers = [...text.matchAll(/"(\d+)"/g)];
      if (numbers.length === 0) return bytes;
      const number = pick(random, numbers);
      const odd = pick(random, ['-1', '1e309', '0x10', '', ' 5', '99999999999999999999', '1.5.2']);
      return Buffer.from(text.slice(0, number.index + 1) + odd + text.slice(number.index + 1 + number[1]!.length));
    }
  }
}

async function snapshot(db: Database): Promise<string> {
  return JSON.stringify([await listAnnotations(db), await listLabels(db)]);
}

describe('ELAN import fuzzing', () => {
  it('every corrupt, truncated or hostile .eaf gets a one-line error and leaves the project as it was', { timeout: 60_000 }, async () => {
    const { project, recA } = await annotatedProject(dir, 'source.vskd');
    const wave = (await createLabel(project.db, { name: 'wave' })).id;
    await createAnnotation(project.db, { recordingId: recA, labelId: wave, start: 1, end: 2.5, note: 'a "note" & more' });
    await createAnnotation(project.db, { recordingId: recA, labelId: wave, start: 4, end: 6, timeBase: 'sensor' });
    const good = join(dir, 'rec_a.eaf');
    await exportAnnotations(project.db, { format: 'eaf', path: good, recordingIds: [recA] });
    await closeProject(project);
    const original = readFileSync(good);

    const { project: target } = await annotatedProject(dir, 'target.vskd');
    const random = mulberry32(1018);
    const mutant = join(dir, 'rec_a_mutant.eaf');
    let refused = 0;
    const runs = 300;
    for (let run = 0; run < runs; run++) {
      const bytes = mutate(random, original);
      writeFileSync(mutant, bytes);
      const before = await snapshot(target.db);
      try {
        await importAnnotations(target.db, { path: mutant });
        continue; // the change left a valid file: its annotations may be stored
      } catch (err) {
        const why = `run ${run}: ${err instanceof Error ? err.message.slice(0, 300) : String(err)}`;
        assert.ok(err instanceof StudioError, `a StudioError, not a crash: ${why}`);
        assert.ok(['BAD_INPUT', 'NOT_FOUND', 'CONFLICT'].includes(err.code), `${err.code}: ${why}`);
        assert.ok(!err.message.includes('\n'), `one line: ${why}`);
        assert.ok(err.message.length < 600, `short: ${why}`);
        assert.ok(err.message.startsWith(mutant), `names the file: ${why}`);
        refused++;
      }
      assert.equal(await snapshot(target.db), before, `run ${run}: a refused import changed the project`);
    }
    assert.ok(refused > runs / 2, `most variants are refused (${refused} of ${runs})`);
    await closeProject(target);
  });
});
