import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { mulberry32 } from '../../main/random.ts';
import { StudioError } from '../../main/shared/errors.ts';
import { gafFromRows } from '../../main/shared/gaf.ts';
import { closeProject, openProject } from '../../main/store/project.ts';
import { getRun, listRuns, runEpochs } from '../../main/store/runs.ts';
import { augmentAxes, augments, checkAugmentation, noAugmentation, rotationMatrix } from '../../main/train/augment.ts';
import { gafImagesOf } from '../../main/train/gafImages.ts';
import { defaultJob, prepareRun } from '../../main/train/runs.ts';
import { trainRun } from '../../main/train/trainer.ts';
import { tempDir } from '../helpers/tmp.ts';
import { tinyProject } from './tinyProject.ts';

/** A rows × cols window of three distinct smooth axes (and a fourth column that must never be read). */
function window(rows: number, cols = 4): Float64Array {
  const data = new Float64Array(rows * cols);
  for (let t = 0; t < rows; t++) {
    data[t * cols] = Math.sin(t / 7);
    data[t * cols + 1] = Math.cos(t / 11) * 2 + 1;
    data[t * cols + 2] = (t / rows) ** 2 - 0.5;
    if (cols > 3) data[t * cols + 3] = 1e9;
  }
  return data;
}

const column = (data: Float64Array, rows: number, c: number) => Array.from({ length: rows }, (_, t) => data[t * 3 + c]);
const sd = (v: number[]) => {
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  return Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
};

describe('signal augmentation', () => {
  it('leaves the window as it is when off, reading only the three axes', () => {
    assert.equal(augments(noAugmentation), false);
    const out = augmentAxes(window(50), 50, 4, noAugmentation, mulberry32(1));
    assert.equal(out.rows, 50);
    assert.deepEqual(Array.from(out.data), Array.from(window(50, 3)));
  });

  it('crops a contiguous stretch of at least crop × the length, a different one per draw', () => {
    const rows = 200;
    const source = window(rows, 3);
    const rng = mulberry32(7);
    const lengths = new Set<number>();
    const starts = new Set<number>();
    for (let k = 0; k < 50; k++) {
      const out = augmentAxes(source, rows, 3, { crop: 0.7, jitter: 0, rotate: 0 }, rng);
      assert.ok(out.rows >= 140 && out.rows <= rows, `length ${out.rows}`);
      // the stretch is the source's rows from some start, unchanged
      const start = Array.from({ length: rows - out.rows + 1 }, (_, s) => s).find((s) => source[s * 3] === out.data[0] && source[s * 3 + 1] === out.data[1]);
      assert.ok(start !== undefined, 'the stretch starts at a source row');
      assert.deepEqual(Array.from(out.data), Array.from(source.subarray(start * 3, (start + out.rows) * 3)));
      lengths.add(out.rows);
      starts.add(start);
    }
    assert.ok(lengths.size > 10 && starts.size > 10, `${lengths.size} lengths, ${starts.size} starts`);
  });

  it('rotates every row by the same rotation, of at most the given angle', () => {
    const r = rotationMatrix(0, 0, 1, Math.PI / 2);
    const expected = [0, -1, 0, 1, 0, 0, 0, 0, 1];
    r.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-12, `R[${i}] = ${v}`));
    const rows = 40;
    const source = window(rows, 3);
    const rng = mulberry32(3);
    let largest = 0;
    for (let k = 0; k < 30; k++) {
      const out = augmentAxes(source, rows, 3, { crop: 1, jitter: 0, rotate: 20 }, rng).data;
      for (let t = 0; t < rows; t++) {
        const a = source.subarray(t * 3, t * 3 + 3);
        const b = out.subarray(t * 3, t * 3 + 3);
        const na = Math.hypot(...a);
        assert.ok(Math.abs(Math.hypot(...b) - na) < 1e-9 * (1 + na), 'a rotation keeps lengths');
        const cos = (a[0] * b[0] + a[1] * b[1] + a[2] * b[2]) / (na * na);
        largest = Math.max(largest, (Math.acos(Math.min(1, cos)) * 180) / Math.PI);
      }
    }
    assert.ok(largest <= 20 + 1e-6 && largest > 5, `largest turn ${largest}°`);
  });

  it("adds noise of jitter × each axis' standard deviation", () => {
    const rows = 20_000;
    const source = window(rows, 3);
    const out = augmentAxes(source, rows, 3, { crop: 1, jitter: 0.1, rotate: 0 }, mulberry32(5)).data;
    for (let c = 0; c < 3; c++) {
      const noise = column(out, rows, c).map((v, t) => v - source[t * 3 + c]);
      const ratio = sd(noise) / (0.1 * sd(column(source, rows, c)));
      assert.ok(Math.abs(ratio - 1) < 0.03, `axis ${c}: noise sd ${ratio} × the expected`);
    }
  });

  it('draws the same for the same generator, and changes the GAF image only through augmentation', () => {
    const a = { crop: 0.8, jitter: 0.05, rotate: 15 };
    assert.deepEqual(augmentAxes(window(90), 90, 4, a, mulberry32(9)), augmentAxes(window(90), 90, 4, a, mulberry32(9)));
    const windows = [{ rows: 90, data: window(90, 3) }];
    const settings = { ...defaultJob.student, gafSize: 16 };
    const plain = gafImagesOf(windows, settings);
    const rng = mulberry32(2);
    const augmented = gafImagesOf(windows, settings, (w) => augmentAxes(w.data, w.rows, 3, a, rng));
    assert.notDeepEqual(Array.from(augmented), Array.from(plain));
    assert.ok(augmented.every((v) => v >= -1 && v <= 1));
    // the GAF min-max scales each axis: scaling or shifting an axis cannot change it (why no amplitude scaling)
    const scaled = windows[0].data.map((v, i) => (i % 3 === 1 ? 3 * v - 2 : v));
    assert.deepEqual(
      Array.from(gafFromRows(scaled, 90, 3, [1], { size: 16, method: 'summation' })),
      Array.from(gafFromRows(windows[0].data, 90, 3, [1], { size: 16, method: 'summation' })),
    );
  });

  it('refuses settings out of range, naming the setting', () => {
    for (const [bad, field] of [
      [{ crop: 0, jitter: 0, rotate: 0 }, 'crop'],
      [{ crop: 1.5, jitter: 0, rotate: 0 }, 'crop'],
      [{ crop: 1, jitter: -1, rotate: 0 }, 'jitter'],
      [{ crop: 1, jitter: 0, rotate: 200 }, 'rotate'],
    ] as const) {
      assert.throws(
        () => checkAugmentation(bad),
        (err: unknown) => err instanceof StudioError && err.code === 'INVALID_ARGUMENT' && err.message.includes(field),
      );
    }
  });

  it('trains on images redrawn each epoch: the same run repeats, and differs from one without augmentation', { timeout: 180_000 }, async () => {
    const { path } = await tinyProject(tempDir());
    const base = { ...defaultJob, backend: 'wasm' as const, epochs: 2, batchSize: 4, student: { ...defaultJob.student, gafSize: 16, width: 0.125 } };
    const request = { ...base, dataset: 'tiny', kind: 'student' as const, method: 'baseline' as const, teacherRunId: null };
    const hooks = { onProgress: () => undefined, isCancelled: () => false, log: () => undefined };
    const crossEntropies = async (augment: typeof defaultJob.augment) => {
      const job = await prepareRun(path, { ...request, augment });
      await trainRun(job, hooks);
      const p = await openProject(path);
      try {
        return (await runEpochs(p.db, job.runId)).map((e) => e.metrics.crossEntropy);
      } finally {
        await closeProject(p);
      }
    };
    const augment = { crop: 0.5, jitter: 0.1, rotate: 30 };
    const first = await crossEntropies(augment);
    assert.deepEqual(await crossEntropies(augment), first);
    const plain = await crossEntropies(noAugmentation);
    assert.notEqual(plain[0], first[0]);
  });

  it('takes its settings from vskd train student, records them with the run, and refuses one out of range', { timeout: 120_000 }, async () => {
    const { path } = await tinyProject(tempDir());
    const bin = new URL('../../bin/vskd.js', import.meta.url).pathname;
    const vskd = (...args: string[]) =>
      spawnSync(
        process.execPath,
        [
          bin,
          'train',
          'student',
          path,
          '--dataset',
          'tiny',
          '--epochs',
          '1',
          '--batch',
          '4',
          '--backend',
          'wasm',
          '--width',
          '0.125',
          '--gaf-size',
          '16',
          ...args,
        ],
        { encoding: 'utf8' },
      );
    const bad = vskd('--crop', '0');
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /augmentCrop/);
    const good = vskd('--crop', '0.5', '--rotate', '10');
    assert.equal(good.status, 0, good.stderr);
    const p = await openProject(path);
    try {
      assert.equal((await listRuns(p.db)).length, 1, 'the refused run was not stored');
      const run = await getRun(p.db, 1);
      assert.deepEqual(run.config.augment, { crop: 0.5, jitter: defaultJob.augment.jitter, rotate: 10 });
    } finally {
      await closeProject(p);
    }
  });
});
