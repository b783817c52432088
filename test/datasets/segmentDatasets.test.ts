/**
 * Segment datasets: windows cut through the clock model from irregular timestamps, splits by lists,
 * ranges and held-out subjects, what is left out and counted, and the stored dataset read back.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planDataset } from '../../main/datasets/datasetPlan.ts';
import { cutSensor, type SensorSeries } from '../../main/datasets/sensorCut.ts';
import { windowsIn } from '../../main/datasets/segmentWindows.ts';
import { splitByRule } from '../../main/datasets/splits.ts';
import { videoToSensor } from '../../main/shared/clockModel.ts';
import type { StudioError } from '../../main/shared/errors.ts';
import { createDataset, listDatasets } from '../../main/store/datasets.ts';
import { closeProject, openProject } from '../../main/store/project.ts';
import { loadSplits, sensorRows } from '../../main/train/inputs.ts';
import { tempDir } from '../helpers/tmp.ts';
import { CLOCK, RATE, SEGMENTS, segmentProject } from './segmentProject.ts';

describe('sensor windows', () => {
  it('are the samples at the clock-mapped times, resampled from irregular timestamps to the nominal rate', () => {
    // two channels linear in time (2t + 1, −t): linear interpolation must give them exactly
    const rate = 100;
    const timestamps = Float64Array.from({ length: 1000 }, (_, k) => (k + 0.4 * Math.sin(k * 1.7)) / rate);
    const data = new Float64Array(2000);
    timestamps.forEach((t, k) => ((data[2 * k] = 2 * t + 1), (data[2 * k + 1] = -t)));
    const series: SensorSeries = { rows: 1000, cols: 2, rate, data, timestamps };
    const clock = { offset: 0.75, drift: 250e-6 };
    const cut = cutSensor(series, clock, { start: 2, end: 4 }, null);
    const start = 2 * (1 + 250e-6) + 0.75;
    assert.equal(cut.rows, Math.round((4 - 2) * (1 + 250e-6) * rate));
    for (let k = 0; k < cut.rows; k++) {
      const t = start + k / rate;
      assert.ok(Math.abs(cut.data[2 * k] - (2 * t + 1)) < 1e-9, `row ${k}: ${cut.data[2 * k]} ≠ ${2 * t + 1}`);
      assert.ok(Math.abs(cut.data[2 * k + 1] + t) < 1e-9);
    }
    // identity clock instead: another stretch entirely
    assert.ok(Math.abs(cutSensor(series, { offset: 0, drift: 0 }, { start: 2, end: 4 }, null).data[0] - 5) < 1e-9);
  });

  it('clips to ±clip and counts what lay beyond', () => {
    const series: SensorSeries = { rows: 4, cols: 1, rate: 1, data: Float64Array.from([1, 26.5, -9, 2]), timestamps: null };
    const cut = cutSensor(series, { offset: 0, drift: 0 }, null, 8);
    assert.deepEqual([...cut.data], [1, 8, -8, 2]);
    assert.deepEqual([cut.beyondClip, cut.largest], [2, 26.5]);
  });

  it('windows a segment by length and stride, never past its end', () => {
    assert.deepEqual(windowsIn(1, 4.5, { seconds: 2, stride: 1 }), [
      { start: 1, end: 3 },
      { start: 2, end: 4 },
    ]);
    assert.deepEqual(windowsIn(0, 1.5, { seconds: 2, stride: 1 }), []);
    assert.deepEqual(windowsIn(0, 1.5, null), [{ start: 0, end: 1.5 }]);
    assert.equal(windowsIn(0, 0.3 * 10, { seconds: 0.1, stride: 0.1 }).length, 30, 'k · stride does not lose the last window to rounding');
  });
});

describe('splits by rule', () => {
  const grid = Array.from({ length: 16 }, (_, i) => ({
    id: i + 1,
    name: `a${(i % 2) + 1}_s${Math.floor(i / 2) + 1}_t1`,
    subject: `S0${Math.floor(i / 2) + 1}`,
    trial: (i % 4) + 1,
    label: `a${(i % 2) + 1}`,
  }));
  const subjectsOf = (members: { recordingId: number; split: string }[], split: string) => [
    ...new Set(members.filter((m) => m.split === split).map((m) => grid[m.recordingId - 1].subject)),
  ];

  it('takes lists and ranges, holds out validation subjects, and gives the rest to the unlisted split', () => {
    const { members, unlisted } = splitByRule(grid, { by: 'subject', train: '1-4,6', test: '5,7-8', valSubjects: '2' }, { valFraction: 0, seed: 1 });
    assert.deepEqual(subjectsOf(members, 'train'), ['S01', 'S03', 'S04', 'S06']);
    assert.deepEqual(subjectsOf(members, 'val'), ['S02']);
    assert.deepEqual(subjectsOf(members, 'test'), ['S05', 'S07', 'S08']);
    assert.equal(unlisted, 0);
    const rest = splitByRule(grid, { by: 'subject', test: '8' }, { valFraction: 0, seed: 1 });
    assert.deepEqual(subjectsOf(rest.members, 'test'), ['S08']);
    assert.equal(subjectsOf(rest.members, 'train').length, 7);
    const both = splitByRule(grid, { by: 'trial', train: '1', test: '3', val: '2' }, { valFraction: 0, seed: 1 });
    assert.equal(both.unlisted, 4, 'trial 4 is in no list');
    assert.equal(both.members.filter((m) => m.split === 'val').length, 4);
    const byRecording = splitByRule(grid, { by: 'recording', train: '1-8', test: 'a1_s8_t1' }, { valFraction: 0, seed: 1 });
    assert.deepEqual(
      byRecording.members.filter((m) => m.split === 'test').map((m) => m.recordingId),
      [15],
    );
  });

  it('refuses a subject listed twice, a backwards range, and validation given two ways', () => {
    assert.throws(
      () => splitByRule(grid, { by: 'subject', train: '1-4', test: '4-8' }, { valFraction: 0, seed: 1 }),
      (err: StudioError) => err.detail.field === 'split.test' && /subject S04 .* both train and test/.test(err.message),
    );
    assert.throws(() => splitByRule(grid, { by: 'subject', train: '4-1' }, { valFraction: 0, seed: 1 }), /split.train: the range 4-1 runs backwards/);
    assert.throws(() => splitByRule(grid, { by: 'subject', train: '1', val: '2', valSubjects: '2' }, { valFraction: 0, seed: 1 }), /not both/);
  });
});

describe('segment datasets', () => {
  it('cut every segment into windows of one split, leave out and count what has no segment, and warn beyond the clip', async () => {
    const path = await segmentProject(tempDir());
    const project = await openProject(path);
    try {
      const recipe = {
        split: { by: 'subject' as const, train: '1-3', test: '5', valSubjects: '3' },
        seed: 1,
        samples: 'segments' as const,
        window: { seconds: 2, stride: 1 },
        clip: 8,
      };
      const plan = await planDataset(project.db, recipe);
      const { preview } = plan;
      assert.deepEqual(preview.subjects, ['s1', 's2', 's3', 's4', 's5', 's99']);
      assert.equal(preview.description, 'by subject: train 1-3 · val subjects 3 · test 5 · windows 2 s, stride 1 s · clip ±8');
      // each 4.2 s segment gives 3 windows of 2 s every 1 s: 18 per session
      assert.deepEqual(preview.splits.train, { total: 36, recordings: 2, perClass: { slow: 18, fast: 18 } });
      assert.deepEqual(preview.splits.val, { total: 18, recordings: 1, perClass: { slow: 9, fast: 9 } });
      assert.deepEqual(preview.splits.test.total, 18);
      assert.deepEqual(preview.leftOut, [
        { reason: 'recordings without annotated segments', count: 1 },
        { reason: 'recordings in no split', count: 1 },
      ]);
      assert.match(preview.warnings.join('\n'), /\d sensor values in 2 samples lay beyond ±8 \(largest \d+(\.\d+)?\): clipped/);
      const splitOf = new Map(plan.members.map((m) => [m.recordingId, m.split]));
      const splitsOfSegment = new Map<number, Set<string>>();
      for (const w of plan.windows) splitsOfSegment.set(w.annotationId!, (splitsOfSegment.get(w.annotationId!) ?? new Set()).add(splitOf.get(w.recordingId)!));
      assert.ok(
        [...splitsOfSegment.values()].every((s) => s.size === 1),
        'the windows of a segment share one split',
      );

      const short = await planDataset(project.db, { ...recipe, window: undefined, minSeconds: 5 });
      assert.deepEqual(short.preview.leftOut.at(-1), { reason: 'segments shorter than 5 s', count: 24 });
      assert.equal(short.preview.splits.train.total, 0);
      const noVal = await planDataset(project.db, { split: { by: 'subject', train: '1-4' }, seed: 1, samples: 'segments' });
      assert.match(noVal.preview.warnings.join('\n'), /no validation set: runs have no validation score/);
      assert.deepEqual(noVal.preview.splits.test.total, 6, 'whole segments of subject 5 (99 has none)');

      const byProtocol = await planDataset(project.db, { protocol: 'cross-subject', valFraction: 0, seed: 1, samples: 'segments' });
      assert.deepEqual(
        [byProtocol.preview.splits.train.recordings, byProtocol.preview.splits.test.recordings],
        [3, 2],
        'odd subjects train (99 has no segments)',
      );
      assert.equal(byProtocol.preview.description, 'cross-subject: odd subjects train, even subjects test · segments');
      const whole = await planDataset(project.db, { split: { by: 'subject', train: '1-5' }, seed: 1, samples: 'recordings' });
      assert.deepEqual(
        whole.preview.leftOut,
        [{ reason: 'recordings without a label', count: 6 }],
        'sessions have no label of their own: counted, not an error',
      );

      const id = await createDataset(project.db, {
        name: 'windows',
        protocol: plan.protocol,
        config: plan.config,
        members: plan.members,
        windows: plan.windows,
      });
      const stored = (await listDatasets(project.db)).find((d) => d.id === id)!;
      assert.deepEqual(stored.counts, { train: 36, val: 18, test: 18 });
      assert.equal(stored.description, preview.description);
      const data = await loadSplits(project.db, id);
      assert.deepEqual(data.classes, ['slow', 'fast']);
      // the first training window: the first 'slow' segment's start, on the sensor clock through the model
      const [first] = data.splits.train.recordings;
      assert.equal(first.label, 'slow');
      const rows = await sensorRows(project.db)(first);
      const sensorStart = videoToSensor(CLOCK, first.window!.start);
      assert.ok(Math.abs(sensorStart - SEGMENTS[0][0]) < 1e-9, `window starts at sensor ${sensorStart} s`);
      assert.equal(rows.rows, Math.round(2 * (1 + CLOCK.drift) * RATE));
      for (let k = 0; k < rows.rows; k++) assert.ok(Math.abs(10 * rows.data[k * 4 + 3] - (sensorStart + k / RATE)) < 1e-9, `row ${k} at the mapped time`);
      assert.ok(data.splits.train.recordings.every((s) => s.cut.clip === 8 && s.window !== null));
    } finally {
      await closeProject(project);
    }
  });
});
