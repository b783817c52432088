/**
 * Auto-sync against the demo dataset's ground truth, through `vskd sync --auto`: a long session
 * must give the offset within one video frame and the drift within 100 ppm; a clip the offset.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { createStudioClient } from '../../main/cli/client.ts';
import { syncCommand } from '../../main/cli/commands/sync.ts';
import { main } from '../../main/cli/main.ts';
import { generateDemo, type DemoOptions } from '../../main/datasets/demo/generate.ts';
import type { DemoManifest } from '../../main/datasets/demo/manifest.ts';
import { importDemo } from '../../main/datasets/demoImport.ts';
import type { StudioError } from '../../main/shared/errors.ts';
import { mulberry32, randomGaussian } from '../../main/random.ts';
import { closeProject, createProject, openProject } from '../../main/store/project.ts';
import { addRecordings, listRecordings } from '../../main/store/recordings.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir();
const FPS = 30;

interface Demo {
  data: string;
  project: string;
  manifest: DemoManifest;
}

/** A demo dataset with one 150 s session, imported with its session into a project of its own. */
async function makeDemo(name: string, opts: DemoOptions): Promise<Demo> {
  const data = join(dir, name);
  const project = join(dir, `${name}.vskd`);
  const manifest = await generateDemo(data, { ...opts, perClass: 1, sessions: 1, sessionSeconds: 150 });
  const created = await createProject(project);
  try {
    await importDemo(created, data, { sessions: true });
  } finally {
    await closeProject(created);
  }
  return { data, project, manifest };
}

/** `vskd sync <project> <name> --auto --json`: the estimate, and the true model on the same clocks. */
async function autoSync(demo: Demo, name: string, truth: { offset: number; drift: number }) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['sync', demo.project, name, '--auto', '--json'], { out: (l) => out.push(l), err: (l) => err.push(l), interactive: false });
  assert.equal(code, 0, err.join('\n'));
  const estimate = JSON.parse(out.join('\n')) as { offset: number; drift: number };
  const opened = await openProject(demo.project);
  try {
    const [recording] = (await listRecordings(opened.db)).filter((r) => r.name === name);
    // the model's sensor time counts from the stream's first sample; demo.json's from the file's clock
    const startTime = recording.streams.find((s) => s.kind === 'sensor')!.meta.startTime as number;
    return { estimate, truth: { offset: truth.offset - startTime, drift: truth.drift } };
  } finally {
    await closeProject(opened);
  }
}

describe('auto-sync on the demo dataset', () => {
  let pair: Demo;
  let standard: Demo;

  before(async () => {
    pair = await makeDemo('pair', { classes: ['wave', 'clap'] });
    // the session `vskd demo-data` makes by default (sessions do not depend on the clips)
    standard = await makeDemo('standard', {});
  });

  for (const which of ['pair', 'standard'] as const) {
    it(`recovers a session's offset within one frame and its drift within 100 ppm (${which === 'pair' ? 'wave and clap' : 'the default classes'})`, async (t) => {
      const demo = which === 'pair' ? pair : standard;
      const [session] = demo.manifest.sessions;
      assert.ok(Math.abs(session.drift) >= 100e-6, `the true drift ${session.drift} must be large enough that ignoring it fails`);
      const { estimate, truth } = await autoSync(demo, session.name, session);
      const report = `offset ${estimate.offset.toFixed(4)} s (true ${truth.offset.toFixed(4)}), drift ${(estimate.drift * 1e6).toFixed(1)} ppm (true ${(truth.drift * 1e6).toFixed(1)})`;
      t.diagnostic(report);
      assert.ok(Math.abs(estimate.offset - truth.offset) <= 1 / FPS, report);
      assert.ok(Math.abs(estimate.drift - truth.drift) <= 100e-6, report);
    });
  }

  it("recovers a clip's offset within one frame", async (t) => {
    const [clip] = pair.manifest.recordings;
    const { estimate, truth } = await autoSync(pair, clip.name, clip);
    const report = `offset ${estimate.offset.toFixed(4)} s (true ${truth.offset.toFixed(4)})`;
    t.diagnostic(report);
    assert.ok(Math.abs(estimate.offset - truth.offset) <= 1 / FPS, report);
    assert.equal(estimate.drift, 0);
  });

  it('refuses a sensor that did not move, exactly still or noisy', async () => {
    // a clip's video with a sensor that lay still: gravity only, then gravity plus the demo's noise
    const [clip] = pair.manifest.recordings;
    const rows = 6 * 50;
    const rng = mulberry32(7);
    const still = (noise: number) => Float64Array.from({ length: rows * 3 }, (_, i) => (i % 3 === 1 ? 1 : 0) + noise * randomGaussian(rng));
    const recording = (name: string, data: Float64Array) => ({
      name,
      sources: [],
      streams: [
        {
          kind: 'sensor' as const,
          name: 'sensor',
          rate: 50,
          length: rows,
          channels: ['acc_x', 'acc_y', 'acc_z'].map((c) => ({ name: c, unit: 'g' })),
          samples: { rows, cols: 3, data },
        },
        { kind: 'video' as const, name: 'video', rate: FPS, length: clip.frames, meta: { path: join(pair.data, clip.video) } },
      ],
    });
    const opened = await openProject(pair.project);
    try {
      await addRecordings(opened.db, [recording('still', still(0)), recording('noisy', still(pair.manifest.sensor.noise))]);
    } finally {
      await closeProject(opened);
    }
    const io = { out: () => {}, err: () => {}, interactive: false };
    // exactly still is caught up front; noise alone matches the video nowhere distinctly
    const refusals = { still: /no usable motion in the sensor: the accelerometer reads a constant/, noisy: /no usable motion/ };
    for (const [name, message] of Object.entries(refusals)) {
      const studio = createStudioClient({ holder: 'test' });
      await assert.rejects(
        syncCommand.run([pair.project, name], { auto: true }, io, studio),
        (err: StudioError) => err.code === 'BAD_INPUT' && message.test(err.message),
        `${name}: refused`,
      );
      await studio.close();
    }
  });
});
