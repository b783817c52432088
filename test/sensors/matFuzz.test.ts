import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { deflateSync, inflateSync } from 'node:zlib';
import { mulberry32, type Rng } from '../../main/random.ts';
import { StudioError } from '../../main/shared/errors.ts';
import { parseMat, readMatDims } from '../../main/sensors/mat.ts';
import { fixtures, tempDir } from '../helpers/tmp.ts';

const dir = tempDir('vskd-mat-fuzz-');
const mini = join(fixtures, 'utd-mhad-mini');
const originals = ['Inertial/a1_s1_t1_inertial.mat', 'Skeleton/a1_s1_t1_skeleton.mat', 'Depth/a1_s1_t1_depth.mat'].map((f) => readFileSync(join(mini, f)));

const at = (random: Rng, length: number): number => Math.floor(random() * length);

/** Rewrites the one compressed element's inflated array with `edit`: a well-formed stream of hostile content. */
function editInflated(bytes: Buffer, edit: (inflated: Buffer) => void): Buffer {
  const length = bytes.readUInt32LE(132);
  const inflated = inflateSync(bytes.subarray(136, 136 + length));
  edit(inflated);
  const deflated = deflateSync(inflated);
  const tag = Buffer.alloc(8);
  tag.writeUInt32LE(15, 0);
  tag.writeUInt32LE(deflated.length, 4);
  return Buffer.concat([bytes.subarray(0, 128), tag, deflated]);
}

/** One corrupt, truncated or hostile variant of a MAT-file. */
function mutate(random: Rng, good: Buffer): Buffer {
  const bytes = Buffer.from(good);
  switch (at(random, 5)) {
    case 0:
      return bytes.subarray(0, at(random, bytes.length));
    case 1: {
      const flips = 1 + at(random, 6);
      for (let i = 0; i < flips; i++) bytes[at(random, bytes.length)] ^= 1 << at(random, 8);
      return bytes;
    }
    case 2: // a size field in the header part of the file made huge or odd
      bytes.writeUInt32LE(Math.floor(random() * 2 ** 32), 128 + 4 * at(random, 4));
      return bytes;
    case 3: // a word of the inflated array header (flags, dims, name length) made hostile
      return editInflated(bytes, (inflated) => {
        const word = 4 * at(random, 14);
        inflated.writeUInt32LE([0x7fffffff, 0xffffffff, 0, 1, 33_000_000, Math.floor(random() * 2 ** 32)][at(random, 6)]!, word);
      });
    default: // the inflated data cut short or grown, in a valid stream
      return editInflated(bytes, (inflated) => inflated.writeUInt32LE(inflated.readUInt32LE(4) + (random() < 0.5 ? -8 : 4096), 4));
  }
}

describe('MAT-file fuzzing', () => {
  it('every corrupt, truncated or hostile MAT-file is read or refused with a one-line BAD_INPUT, quickly', async () => {
    const random = mulberry32(18);
    const file = join(dir, 'mutant.mat');
    let refused = 0;
    const runs = 400;
    const started = performance.now();
    for (let run = 0; run < runs; run++) {
      const bytes = mutate(random, originals[run % originals.length]!);
      writeFileSync(file, bytes);
      for (const read of [() => parseMat(bytes, file), () => readMatDims(file)]) {
        try {
          await read();
        } catch (err) {
          const why = `run ${run}: ${err instanceof Error ? err.message : String(err)}`;
          assert.ok(err instanceof StudioError, `a StudioError, not a crash: ${why}`);
          assert.equal(err.code, 'BAD_INPUT', why);
          assert.ok(err.message.startsWith(file) && !err.message.includes('\n') && err.message.length < 400, why);
          refused++;
        }
      }
    }
    assert.ok(refused > runs, `most variants are refused (${refused} of ${2 * runs} reads)`);
    assert.ok(performance.now() - started < 30_000, `took ${Math.round(performance.now() - started)} ms`);
  });
});
