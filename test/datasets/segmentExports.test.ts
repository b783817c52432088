/**
 * What reads a segment dataset besides training: `export-dataset` writes each window's sensor rows
 * as training cuts them, and the student bundle's input description says how the windows were cut.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { planDataset } from '../../main/datasets/datasetPlan.ts';
import { sensorFacts } from '../../main/export/bundleManifest.ts';
import { exportDataset } from '../../main/export/datasetExport.ts';
import { decodeNpy } from '../../main/formats/npy.ts';
import { videoToSensor } from '../../main/shared/clockModel.ts';
import { setAlignment } from '../../main/store/alignment.ts';
import { createDataset } from '../../main/store/datasets.ts';
import { closeProject, openProject } from '../../main/store/project.ts';
import { frameRange, loadSplits } from '../../main/train/inputs.ts';
import { tempDir } from '../helpers/tmp.ts';
import { CLOCK, RATE, segmentProject } from './segmentProject.ts';

async function windowDataset(dir: string): Promise<string> {
  const path = await segmentProject(dir, 3);
  const project = await openProject(path);
  const plan = await planDataset(project.db, {
    split: { by: 'subject', train: '1-2', test: '3' },
    seed: 1,
    samples: 'segments',
    window: { seconds: 2, stride: 1 },
    clip: 8,
  });
  await createDataset(project.db, { name: 'windows', protocol: plan.protocol, config: plan.config, members: plan.members, windows: plan.windows });
  await closeProject(project);
  return path;
}

describe('segment datasets, exported', () => {
  it('export-dataset writes each window as training cuts it, with the windows and the cut in the manifest', async () => {
    const dir = tempDir();
    const path = await windowDataset(dir);
    const out = join(dir, 'npy');
    const options = {
      projectPath: path,
      dataset: 'windows',
      splits: ['train', 'test'] as const,
      outDir: out,
      what: ['raw'] as const,
      gaf: { size: 16, method: 'summation', variant: 'pyts' } as const,
      frames: { segments: 4, size: 16 },
      log: () => undefined,
    };
    const { manifest } = await exportDataset(options);
    assert.equal(manifest.dataset.description, 'by subject: train 1-2 · test 3 · windows 2 s, stride 1 s · clip ±8');
    assert.deepEqual(manifest.settings.samples, {
      kind: 'segments',
      window: { seconds: 2, stride: 1 },
      clip: [-8, 8],
      timing:
        'a window is in video seconds; its sensor rows are cut on the sensor clock through the recording clock model (sensor = video × (1 + drift) + offset)',
    });
    const entries = manifest.splits.train!.recordings as { window: { start: number; end: number }; label: string }[];
    assert.equal(entries.length, 36);
    const raw = decodeNpy(readFileSync(join(out, 'train', 'raw.npy')));
    assert.ok(raw.data instanceof Float32Array);
    const rows = Math.round(2 * (1 + CLOCK.drift) * RATE);
    assert.deepEqual(raw.shape, [36, rows, 4]);
    // column 3 holds a tenth of the sensor time: each window starts where the clock model maps its video start
    for (const [n, entry] of entries.entries()) {
      const start = videoToSensor(CLOCK, entry.window.start);
      assert.ok(Math.abs(10 * raw.data[n * rows * 4 + 3] - start) < 1e-4, `window ${n} starts at sensor ${start} s`);
    }
    assert.ok(Math.max(...Array.from(raw.data, Math.abs)) <= 8, 'clipped to ±8');

    assert.ok((await exportDataset(options)).kept.includes('train/raw.npy'), 'unchanged: kept');
    // a new alignment moves every sensor window: the file is made anew
    const project = await openProject(path);
    await setAlignment(project.db, 1, { offset: 1.6, drift: 0, method: 'manual' });
    await closeProject(project);
    assert.ok((await exportDataset(options)).written.includes('train/raw.npy'), 'realigned: rewritten');
  });

  it('describes the windows, their stride, rate and clip in the student bundle', async () => {
    const path = await windowDataset(tempDir());
    const project = await openProject(path);
    try {
      const data = await loadSplits(project.db, 1);
      const facts = sensorFacts([...data.splits.train.recordings, ...data.splits.test.recordings]);
      assert.deepEqual(facts.cut, { samples: 'segments', window: { seconds: 2, stride: 1 }, clip: 8 });
      assert.deepEqual(facts.ratesHz, [RATE]);
      assert.deepEqual(facts.samples, { min: 100, median: 100, max: 100 });
      assert.deepEqual(
        facts.channels.map((c) => c.name),
        ['x', 'y', 'z'],
      );
    } finally {
      await closeProject(project);
    }
  });

  it("takes the teacher's frames from the window's video time", () => {
    assert.deepEqual(frameRange(300, 30, null), { first: 0, count: 300 });
    assert.deepEqual(frameRange(300, 30, { start: 2, end: 4, annotationId: 1 }), { first: 60, count: 60 });
    assert.deepEqual(frameRange(300, 30, { start: 9.99, end: 12, annotationId: 1 }), { first: 299, count: 1 }, 'past the end: the last frame');
  });
});
