import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { main } from '../../main/cli/main.ts';
import { generateDemo } from '../../main/datasets/demo/generate.ts';
import { importDemo } from '../../main/datasets/demoImport.ts';
import { getAlignment } from '../../main/store/alignment.ts';
import { closeProject, createProject, openProject } from '../../main/store/project.ts';
import { addRecordings, listRecordings } from '../../main/store/recordings.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir();
const project = join(dir, 'p.vskd');

async function vskd(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l), interactive: false });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function alignmentOf(name: string) {
  const opened = await openProject(project);
  try {
    const [recording] = (await listRecordings(opened.db)).filter((r) => r.name === name);
    return { recording, alignment: await getAlignment(opened.db, recording.id) };
  } finally {
    await closeProject(opened);
  }
}

const sensorOnly = (name: string) => ({
  name,
  sources: [],
  streams: [
    {
      kind: 'sensor' as const,
      name: 'acc',
      rate: 50,
      length: 2,
      channels: ['x', 'y', 'z'].map((c) => ({ name: c, unit: 'g' })),
      samples: { rows: 2, cols: 3, data: new Float64Array(6) },
    },
  ],
});

describe('vskd sync', () => {
  before(async () => {
    const created = await createProject(project);
    await addRecordings(created.db, [sensorOnly('watch'), sensorOnly('spare')]);
    await closeProject(created);
  });

  it('fits anchors, prints each residual and stores the result', async () => {
    const run = await vskd('sync', project, 'watch', '--anchor', '1.20=3.71', '--anchor', '45.0=47.52', '--anchor', '100=102.54');
    assert.equal(run.code, 0, run.err);
    // sensor − video = 2.51, 2.52, 2.54 s: a clock gaining about 306 ppm, with millisecond residuals
    assert.match(run.out, /offset\s+\+2\.5084 s/);
    assert.match(run.out, /drift\s+\+306\.2 ppm/);
    assert.deepEqual(run.out.match(/residual [+-]\d\.\d{4} s/g), ['residual +0.0012 s', 'residual -0.0022 s', 'residual +0.0010 s']);
    assert.match(run.out, /rms\s+0\.0016 s/);
    assert.match(run.out, /stored as the alignment of watch/);
    const { alignment } = await alignmentOf('watch');
    assert.equal(alignment.method, 'anchors');
    assert.equal(alignment.detail.anchors?.length, 3);
    assert.ok(Math.abs(alignment.model.offset - 2.5084) < 1e-4);
    const shown = await vskd('sync', project, 'watch');
    assert.match(shown.out, /method\s+anchors/);
  });

  it('stores nothing with --dry-run, and takes a recording by id', async () => {
    const { recording } = await alignmentOf('spare');
    const dry = await vskd('sync', project, String(recording.id), '--offset=-1.5', '--drift-ppm', '80', '--dry-run');
    assert.equal(dry.code, 0, dry.err);
    assert.match(dry.out, /offset\s+-1\.5000 s/);
    assert.match(dry.out, /not stored/);
    assert.equal((await alignmentOf('spare')).alignment.method, 'none');
    const json = JSON.parse((await vskd('sync', project, 'spare', '--offset=-1.5', '--drift-ppm', '80', '--json')).out);
    assert.equal(json.stored, true);
    const { alignment } = await alignmentOf('spare');
    assert.equal(alignment.method, 'manual');
    assert.ok(Math.abs(alignment.model.drift - 80e-6) < 1e-12);
  });

  it('explains what it cannot do', async () => {
    const noVideo = await vskd('sync', project, 'watch', '--auto');
    assert.equal(noVideo.code, 1);
    assert.match(noVideo.err, /watch has no video: auto-sync matches a video's motion/);
    const unknown = await vskd('sync', project, 'nobody', '--offset', '1');
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /no recording named \(or with id\) nobody/);
    const badAnchor = await vskd('sync', project, 'watch', '--anchor', '1.2:3.7');
    assert.equal(badAnchor.code, 2);
    assert.match(badAnchor.err, /--anchor takes VIDEO=SENSOR/);
    const both = await vskd('sync', project, 'watch', '--auto', '--anchor', '1=2');
    assert.equal(both.code, 2);
    const repeated = await vskd('sync', project, 'watch', '--anchor', '1=2', '--anchor', '1=2.5');
    assert.equal(repeated.code, 1);
    assert.match(repeated.err, /anchors\[1\]: video time 1 s repeats anchors\[0\]/);
  });

  it('aligns a rendered video with its wrist accelerometer (--auto)', async () => {
    const data = join(dir, 'demo');
    const manifest = await generateDemo(data, { classes: ['wave'], perClass: 1, seconds: 4 });
    const opened = await openProject(project);
    await importDemo(opened, data);
    await closeProject(opened);
    const [entry] = manifest.recordings;
    const run = await vskd('sync', project, entry.name, '--auto');
    assert.equal(run.code, 0, run.err);
    assert.match(run.out, /confidence\s+0\.\d\d \(peak NCC 0\.\d\d/);
    const { recording, alignment } = await alignmentOf(entry.name);
    // the model's sensor time counts from the stream's first sample; demo.json's from the file's clock
    const startTime = recording.streams.find((s) => s.kind === 'sensor')!.meta.startTime as number;
    const truth = entry.offset - startTime;
    assert.equal(alignment.method, 'auto');
    assert.ok(Math.abs(alignment.model.offset - truth) < 1 / 30, `offset ${alignment.model.offset}, truth ${truth}`);
  });
});
