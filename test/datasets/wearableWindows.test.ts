/**
 * A segment dataset over a recording with two wearables at their own clocks: each wearable's windows
 * are cut at its own mapped times, and a single-wearable recording still through its recording's model.
 * Every channel holds its stream's own sensor time, so a cut reads back where it was taken.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { planDataset } from '../../main/datasets/datasetPlan.ts';
import { cutSensor } from '../../main/datasets/sensorCut.ts';
import { sensorClock } from '../../main/datasets/sensorClock.ts';
import { videoToSensor, type ClockModel } from '../../main/shared/clockModel.ts';
import { setAlignment, setStreamAlignment } from '../../main/store/alignment.ts';
import { createAnnotation } from '../../main/store/annotations.ts';
import { createDataset } from '../../main/store/datasets.ts';
import { ensureLabels } from '../../main/store/labels.ts';
import { closeProject, createProject } from '../../main/store/project.ts';
import { addRecordings, listRecordings } from '../../main/store/recordings.ts';
import { readSamples } from '../../main/store/samples.ts';
import { loadSplits, sensorRows } from '../../main/train/inputs.ts';
import { tempDir } from '../helpers/tmp.ts';

const RATE = 50;
const SECONDS = 20;
const WRIST: ClockModel = { offset: 1.5, drift: 300e-6 };
const ANKLE: ClockModel = { offset: 3.25, drift: -200e-6 };
/** the recording-level model: what the single wearable follows, and what the two must not */
const RECORDING: ClockModel = { offset: 0.4, drift: 50e-6 };

/** one channel whose value is its own sensor time */
const clockTrace = (name: string) => {
  const rows = SECONDS * RATE;
  const data = Float64Array.from({ length: rows }, (_, k) => k / RATE);
  return {
    kind: 'sensor' as const,
    name,
    rate: RATE,
    length: rows,
    channels: [{ name: 't', unit: 's' }],
    samples: { rows, cols: 1, data },
    dtype: 'f8' as const,
  };
};

describe('segment windows of several wearables', () => {
  it("cut each wearable through its own clock model, and a single wearable through its recording's", async () => {
    const project = await createProject(join(tempDir('vskd-wearable-windows-'), 'w.vskd'));
    try {
      const { db } = project;
      const [two, one] = await addRecordings(db, [
        { name: 'two wearables', subject: 's1', sources: [], streams: [clockTrace('wrist'), clockTrace('ankle')] },
        { name: 'one wearable', subject: 's2', sources: [], streams: [clockTrace('acc')] },
      ]);
      const streams = new Map((await listRecordings(db)).flatMap((r) => r.streams.map((s) => [s.name, s.id])));
      await setAlignment(db, two, { ...RECORDING, method: 'manual' });
      await setAlignment(db, one, { ...RECORDING, method: 'manual' });
      await setStreamAlignment(db, streams.get('wrist')!, { ...WRIST, method: 'manual' });
      await setStreamAlignment(db, streams.get('ankle')!, { ...ANKLE, method: 'manual' });
      const labels = await ensureLabels(db, [{ name: 'step' }]);
      for (const recordingId of [two, one]) await createAnnotation(db, { recordingId, labelId: labels.get('step')!, start: 4, end: 10 });

      const plan = await planDataset(db, { split: { by: 'subject', train: '1', test: '2' }, seed: 1, samples: 'segments', window: { seconds: 2, stride: 2 } });
      assert.deepEqual(
        plan.windows.map((w) => [w.recordingId, w.start, w.end]),
        [two, one].flatMap((id) => [4, 6, 8].map((start) => [id, start, start + 2])),
      );
      const id = await createDataset(db, { name: 'wearables', protocol: plan.protocol, config: plan.config, members: plan.members, windows: plan.windows });
      const data = await loadSplits(db, id);
      const rowsOf = sensorRows(db);
      /** the cut's rows must read start, start + 1/RATE, ... on the wearable's own clock */
      const assertAt = (cut: { rows: number; data: Float64Array }, clock: ClockModel, window: { start: number; end: number }, what: string) => {
        const start = videoToSensor(clock, window.start);
        assert.equal(cut.rows, Math.round((videoToSensor(clock, window.end) - start) * RATE), `${what}: rows`);
        for (let k = 0; k < cut.rows; k++)
          assert.ok(Math.abs(cut.data[k] - (start + k / RATE)) < 1e-9, `${what}: row ${k} reads ${cut.data[k]}, not ${start + k / RATE}`);
      };

      const ankleSamples = await readSamples(db, streams.get('ankle')!);
      const ankle = { ...ankleSamples, rate: RATE, timestamps: null };
      const ankleClock = await sensorClock(db, two, streams.get('ankle')!);
      assert.deepEqual([await sensorClock(db, two, streams.get('wrist')!), ankleClock], [WRIST, ANKLE]);
      assert.equal(data.splits.train.recordings.length, 3);
      for (const sample of data.splits.train.recordings) {
        assertAt(await rowsOf(sample), WRIST, sample.window!, `wrist window at ${sample.window!.start} s`);
        assertAt(cutSensor(ankle, ankleClock, sample.window, null), ANKLE, sample.window!, `ankle window at ${sample.window!.start} s`);
      }
      const [single] = data.splits.test.recordings;
      assert.deepEqual(await sensorClock(db, one, streams.get('acc')!), RECORDING);
      assertAt(await rowsOf(single), RECORDING, single.window!, 'single wearable');
      await assert.rejects(sensorClock(db, one, streams.get('wrist')!), /not a stream of recording/);
    } finally {
      await closeProject(project);
    }
  });
});
