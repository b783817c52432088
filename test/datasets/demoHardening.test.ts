import assert from 'node:assert/strict';
import { cpSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { generateDemo } from '../../main/datasets/demo/generate.ts';
import { importDemo } from '../../main/datasets/demoImport.ts';
import { resolveFfmpeg, fileInput, runTool } from '../../main/media/ffmpeg.ts';
import { resolveMediaFile } from '../../main/media/mediaRoute.ts';
import { StudioError } from '../../main/shared/errors.ts';
import { parseMat, requireVariable } from '../../main/sensors/mat.ts';
import { writeMat } from '../../main/sensors/matWriter.ts';
import { closeProject, createProject } from '../../main/store/project.ts';
import { listRecordings } from '../../main/store/recordings.ts';
import { projectSummary } from '../../main/store/summary.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir('vskd-demo-hard-');
const demo = join(dir, 'demo');
let n = 0;

/** A copy of the generated dataset, to break. */
function copyOfDemo(): string {
  const copy = join(dir, `copy${n++}`);
  cpSync(demo, copy, { recursive: true });
  return copy;
}

function editManifest(folder: string, edit: (json: { recordings: Record<string, unknown>[] }) => void): void {
  const file = join(folder, 'demo.json');
  const json = JSON.parse(readFileSync(file, 'utf8'));
  edit(json);
  writeFileSync(file, JSON.stringify(json));
}

/** Imports `folder` into a fresh project, expects a one-line error matching `problem`, and an unchanged project. */
async function refusedImport(folder: string, code: string, problem: RegExp): Promise<StudioError> {
  const project = await createProject(join(dir, `p${n++}.vskd`));
  try {
    const err = await importDemo(project, folder).then(
      () => assert.fail('the import should have been refused'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof StudioError, String(err));
    assert.equal(err.code, code, err.message);
    assert.ok(!err.message.includes('\n'), `one line: ${err.message}`);
    assert.match(err.message, problem);
    assert.equal((await projectSummary(project.db)).recordings, 0, 'nothing stored');
    return err;
  } finally {
    await closeProject(project);
  }
}

describe('demo import, hardened', () => {
  before(async () => {
    await generateDemo(demo, { seed: 5, classes: ['wave', 'clap'], perClass: 1, seconds: 2, sessions: 0 });
  });

  it('refuses manifest paths that leave the dataset folder, without reading them', async () => {
    for (const path of ['../../../../../etc/passwd', '/etc/passwd', 'videos/../../x.mp4']) {
      const copy = copyOfDemo();
      editManifest(copy, (json) => (json.recordings[0]!.sensor = path));
      const err = await refusedImport(copy, 'BAD_INPUT', /recordings\[0\]\.sensor \(.*\) is not a path inside the dataset folder/);
      assert.ok(!err.message.includes('root:'), err.message);
    }
  });

  it('refuses a listed file that is a symlink leading out of the folder, never printing its content', async () => {
    const copy = copyOfDemo();
    const sensor = join(copy, 'sensors', 'wave_s1_c1.csv');
    rmSync(sensor);
    symlinkSync('/etc/passwd', sensor);
    const err = await refusedImport(copy, 'BAD_INPUT', /wave_s1_c1\.csv: leads outside the dataset folder \(to \/etc\/passwd\)/);
    assert.ok(!err.message.includes('root:'), err.message);
  });

  it('refuses a truncated, a half-length and a bit-flipped video, naming it', async () => {
    const { ffmpeg } = await resolveFfmpeg();
    const cases: [RegExp, (video: string) => Promise<void>][] = [
      [/does not decode cleanly/, async (video) => writeFileSync(video, readFileSync(video).subarray(0, Math.floor(readFileSync(video).length * 0.6)))],
      [
        /decodes to \d+ frames, expected 60/,
        async (video) => {
          // a whole, valid file of the first 30 of its 60 frames
          await runTool(ffmpeg, ['-v', 'error', '-i', fileInput(video), '-frames:v', '30', '-c', 'copy', '-y', fileInput(`${video}.half.mp4`)], {
            timeoutMs: 30_000,
          });
          renameSync(`${video}.half.mp4`, video);
        },
      ],
      [
        /does not decode cleanly \(corrupt\?\): \[h264/,
        async (video) => {
          const bytes = readFileSync(video);
          for (let i = Math.floor(bytes.length * 0.3); i < bytes.length * 0.3 + 64; i++) bytes[i] ^= 0x5a;
          writeFileSync(video, bytes);
        },
      ],
    ];
    for (const [problem, damage] of cases) {
      const copy = copyOfDemo();
      const video = join(copy, 'videos', 'clap_s1_c1.mp4');
      await damage(video);
      await refusedImport(copy, 'BAD_INPUT', new RegExp(`clap_s1_c1\\.mp4: ${problem.source}`));
    }
  });

  it('refuses a skeleton with NaN joints', async () => {
    const copy = copyOfDemo();
    const file = join(copy, 'skeletons', 'wave_s1_c1_skeleton.mat');
    const skel = requireVariable(parseMat(readFileSync(file), file), 'd_skel', file);
    const data = Float64Array.from(skel.data, () => NaN);
    writeFileSync(file, writeMat([{ name: 'd_skel', className: 'double', dims: skel.dims, data }]));
    await refusedImport(copy, 'BAD_INPUT', /wave_s1_c1_skeleton\.mat: d_skel has a non-finite value \(NaN\) at joint 1, frame 1/);
  });

  it('serves an imported video until it is replaced by a symlink to another file', async () => {
    const copy = copyOfDemo();
    const project = await createProject(join(dir, `p${n++}.vskd`));
    assert.equal((await importDemo(project, copy)).imported, 2);
    const recording = (await listRecordings(project.db)).find((r) => r.name === 'wave_s1_c1')!;
    const stream = recording.streams.find((s) => s.kind === 'video')!;
    const video = join(copy, 'videos', 'wave_s1_c1.mp4');
    assert.equal((await resolveMediaFile(project.db, stream.id)).path, video);
    rmSync(video);
    symlinkSync('/etc/passwd', video);
    await assert.rejects(resolveMediaFile(project.db, stream.id), (err: StudioError) => {
      assert.equal(err.code, 'FORBIDDEN');
      assert.match(err.message, /wave_s1_c1\.mp4: not served as the video of stream \d+: it now leads to \/etc\/passwd/);
      return true;
    });
    await closeProject(project);
  });
});
