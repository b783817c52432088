/**
 * One front door: every `vskd` command goes through the studio's dispatcher (the calls it made are
 * recorded by main()'s onCall), so nothing the API checks can be skipped from the command line; the
 * checks the CLI used to skip are refused here; and the CLI's code opens no project file itself.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { commands, main } from '../../main/cli/main.ts';
import { closeProject, openProject } from '../../main/store/project.ts';
import { createRun, markRunEnded } from '../../main/store/runs.ts';
import { holderProcess } from '../helpers/holderProcess.ts';
import { fixtures, tempDir } from '../helpers/tmp.ts';
import { importsOf } from '../helpers/imports.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = tempDir('vskd-front-door-');
const mini = join(fixtures, 'utd-mhad-mini');
const project = join(dir, 'mini.vskd');
const demoData = join(dir, 'demo-data');

/** Runs a command line in this process: its exit code, what it printed, and the methods it called. */
async function vskd(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const calls: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l), interactive: false }, { onCall: (m) => calls.push(m) });
  return { code, out: out.join('\n'), err: err.join('\n'), calls };
}

async function succeeds(methods: string[], ...argv: string[]) {
  const result = await vskd(...argv);
  assert.equal(result.code, 0, `vskd ${argv.join(' ')}: ${result.err}`);
  for (const method of methods)
    assert.ok(result.calls.includes(method), `vskd ${argv.slice(0, 2).join(' ')} called ${method} (it called ${result.calls.join(', ')})`);
  return result;
}

const small = ['--epochs', '1', '--batch', '2', '--backend', 'wasm'];
const student = [...small, '--width', '0.125', '--gaf-size', '16'];

describe('vskd through the one front door', { timeout: 600_000 }, () => {
  /** the commands each test below has run */
  const ran = new Set<string>();
  const run = async (methods: string[], ...argv: string[]) => {
    ran.add(commands.find((c) => c.path.every((w, i) => argv[i] === w))!.path.join(' '));
    return succeeds(methods, ...argv);
  };

  before(async () => {
    await run(['demo.generate'], 'demo-data', '--out', demoData, '--per-class', '1', '--seconds', '2', '--sessions', '0', '--classes', 'wave,squat');
  });

  it('imports, describes and aligns through the API', async () => {
    await run(['project.open', 'import.utdMhad'], 'import', 'utd-mhad', mini, '--project', project);
    await run(
      ['project.open', 'import.sensor', 'recordings.find'],
      'import',
      'sensor',
      join(fixtures, 'sensors', 'watch.tsv'),
      '--project',
      join(dir, 's.vskd'),
      '--trial',
      '2',
    );
    const demo = join(dir, 'demo.vskd');
    await run(['import.demo'], 'import', 'demo', demoData, '--project', demo);
    const info = await run(['project.open', 'labels.list'], 'info', project);
    assert.match(info.out, /recordings\s+4/);
    const [clip] = readdirSync(join(demoData, 'videos')).map((f) => f.replace(/\.mp4$/, ''));
    await run(['recordings.find', 'alignment.set'], 'sync', demo, clip, '--offset', '0.5', '--drift-ppm', '20');
    await run(['recordings.find', 'alignment.get'], 'sync', demo, clip);
    await run(['gaf.file'], 'gaf', join(mini, 'Inertial', 'a1_s1_t1_inertial.mat'), '--size', '16', '--method', 'summation', '--out', join(dir, 'g.npy'));
    await run(['media.frames'], 'frames', join(demoData, 'videos', `${clip}.mp4`), '--segments', '2', '--size', '8', '--out', join(dir, 'f.npy'));
    await run(['app.doctor'], 'doctor');
    const csv = join(dir, 'a.csv');
    await run(['annotations.export'], 'annotations', 'export', demo, '--format', 'csv', '--out', csv);
    await run(['annotations.import'], 'annotations', 'import', demo, csv, '--dry-run');
    await run(['recordings.list'], 'annotations', 'list', demo);
    const sensorProject = join(dir, 's.vskd');
    const set = await run(['recordings.find', 'recordings.update'], 'recording', 'set', sensorProject, 'watch', '--label', 'wave', '--subject', '3');
    assert.match(set.out, /after {3}watch \(id \d+\): label wave, subject 3, trial 2/);
    const dry = await run(['recordings.delete'], 'recording', 'delete', sensorProject, 'watch');
    assert.match(dry.out, /nothing stored: add --yes/);
    await run(['recordings.delete'], 'recording', 'delete', sensorProject, 'watch', '--yes');
    assert.equal((await vskd('info', sensorProject, '--json')).out.includes('"recordings": 0'), true);
    const windows = await run(
      ['datasets.preview'],
      'dataset',
      'create',
      demo,
      '--by',
      'recording',
      '--train',
      '1',
      '--window',
      '0.5',
      '--stride',
      '0.25',
      '--clip',
      '8',
      '--dry-run',
    );
    assert.match(windows.out, /^would create: by recording: train 1 · test the rest · windows 0.5 s, stride 0.25 s · clip ±8\nsubjects: s1/);
    assert.match(windows.out, /train +[1-9]\d* windows \(1 recordings\)/);
    // a teacher reads the poses and frames of each segment's own video time
    await run(['datasets.create'], 'dataset', 'create', demo, '--by', 'recording', '--test', '2', '--segments', '--name', 'segments');
    await run(['runs.start'], 'train', 'teacher', demo, '--dataset', 'segments', '--inputs', 'pose,frames', '--segments', '2', '--frame-size', '16', ...small);
  });

  it('imports your own session and folder through the API', async () => {
    const [clip] = readdirSync(join(demoData, 'videos'));
    const own = join(dir, 'own.vskd');
    const sensors = ['--sensor', `wrist=${join(fixtures, 'sensors', 'phone_acc_ms.csv')}`, '--sensor', join(fixtures, 'sensors', 'watch.tsv')];
    const about = ['--name', 'walk 1', '--subject', 'p1', '--trial', '3'];
    const video = ['--video', join(demoData, 'videos', clip)];
    const session = await run(['project.open', 'import.session', 'recordings.find'], 'import', 'session', '--project', own, ...video, ...sensors, ...about);
    assert.match(session.out, /imported 1 recording/);
    assert.match(session.out, /sensor wrist: /);
    assert.match(session.out, /sensor watch: /);
    const synced = await run(['recordings.find', 'alignment.set'], 'sync', own, 'walk 1', '--sensor', 'watch', '--offset', '1.2');
    assert.match(synced.out, /sensor +watch \(id \d+\)[\s\S]*offset +\+1\.2000 s[\s\S]*stored as the alignment of sensor watch of walk 1/);
    const folder = join(dir, 'own-folder');
    mkdirSync(folder);
    for (const name of ['acc_1_1.csv', 'acc_1_2.csv', 'acc_2_1.csv']) copyFileSync(join(fixtures, 'sensors', 'phone_acc_ms.csv'), join(folder, name));
    const byPattern = ['--pattern', 'acc_{subject}_{label}.csv', '--labels', '1=walk,2=run'];
    const dry = await run(['import.folder.preview'], 'import', 'folder', folder, '--project', join(dir, 'never.vskd'), ...byPattern, '--dry-run');
    assert.match(dry.out, /3 files → 3 recordings \(3 new/);
    assert.ok(!existsSync(join(dir, 'never.vskd')), 'a dry run creates no project');
    const imported = await run(['import.folder'], 'import', 'folder', folder, '--project', own, ...byPattern);
    assert.match(imported.out, /imported 3 recordings/);
  });

  it('trains, distils, evaluates, reports and exports through the API, refusing what the API refuses', async () => {
    await run(['datasets.create'], 'dataset', 'create', project, '--protocol', 'cross-subject', '--val', '0');
    await run(['datasets.create'], 'dataset', 'create', project, '--protocol', 'subject-specific', '--val', '0');
    const bySubject = await run(
      ['datasets.create'],
      'dataset',
      'create',
      project,
      '--by',
      'subject',
      '--train',
      '1',
      '--test',
      '2',
      '--min-seconds',
      '1',
      '--name',
      'subjects',
    );
    assert.match(bySubject.out, /^dataset subjects: by subject: train 1 · test 2 · min 1 s\nsubjects: s?1, s?2/);
    const both = await vskd('dataset', 'create', project, '--protocol', 'cross-subject', '--by', 'subject');
    assert.equal(both.code, 2, both.err);
    const listed = await run(['datasets.list'], 'dataset', 'list', project);
    assert.match(listed.out, /subjects +train 2, val 0, test 2 +by subject: train 1 · test 2/);
    await run(['runs.start', 'runs.get'], 'train', 'teacher', project, '--dataset', 'cross-subject', ...small);
    await run(['runs.start'], 'train', 'student', project, '--dataset', 'cross-subject', ...student);
    await run(['runs.start'], 'distill', project, '--dataset', 'cross-subject', '--teacher', '1', '--method', 'st', ...student);
    await run(['runs.get'], 'eval', project, '2');
    await run(['runs.report'], 'report', project);
    await run(['runs.export'], 'export', project, '2', '--format', 'onnx', '--runs', '1', '--out', join(dir, 'bundle'));
    await run(['datasets.export'], 'export-dataset', project, '--dataset', 'cross-subject', '--what', 'gaf', '--out', join(dir, 'npy'));

    // a teacher of another dataset may have seen this dataset's test recordings
    const leak = await vskd('distill', project, '--dataset', 'subject-specific', '--teacher', '1', '--method', 'st', ...student);
    assert.equal(leak.code, 1);
    assert.match(leak.err, /teacherRunId: teacher run 1 was trained on another dataset than subject-specific/);

    // an unfinished run is not exported
    const opened = await openProject(project);
    const unfinished = await createRun(opened.db, { datasetId: 1, kind: 'student', method: 'baseline', config: {} });
    await closeProject(opened);
    const early = await vskd('export', project, String(unfinished), '--format', 'onnx', '--out', join(dir, 'never'));
    assert.equal(early.code, 1);
    assert.match(early.err, new RegExp(`run ${unfinished} has not finished \\(status created\\)`));
    assert.ok(!existsSync(join(dir, 'never')), 'nothing written for it');
  });

  it('refuses to resume a run that another process trains, naming that process', async () => {
    const copy = join(dir, 'held.vskd');
    copyFileSync(project, copy);
    const opened = await openProject(copy);
    const runId = await createRun(opened.db, { datasetId: 1, kind: 'student', method: 'baseline', config: {} });
    await markRunEnded(opened.db, runId, 'cancelled');
    await closeProject(opened);
    const child = await holderProcess(copy, `run ${runId}`, 'vskd train student');
    const resumed = await vskd('train', 'student', copy, '--resume', String(runId));
    assert.equal(resumed.code, 1);
    assert.match(resumed.err, new RegExp(`run ${runId} is held by vskd train student \\(pid ${child.pid} on host .*\\) since`));
    assert.ok(resumed.calls.includes('runs.resume'));
  });

  it('runs the whole demo through the API', async () => {
    const out = join(dir, 'whole-demo');
    const demo = await run(
      ['demo.generate', 'import.demo', 'datasets.create', 'runs.start', 'runs.report'],
      'demo',
      '--out',
      out,
      '--per-class',
      '2',
      '--epochs',
      '1',
      '--seeds',
      '1',
    );
    assert.match(demo.out, /\| dask \|/);
  });

  it('ran every command', () => {
    assert.deepEqual([...ran].sort(), commands.map((c) => c.path.join(' ')).sort());
  });

  it('has no CLI code that opens a project file or reads the store itself', () => {
    const cli = join(root, 'main', 'cli');
    const sources = (d: string): string[] =>
      readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(d, e.name)) : [join(d, e.name)]));
    const offenders = sources(cli).flatMap((file) =>
      importsOf(readFileSync(file, 'utf8'))
        .filter((spec) => /\/store\//.test(spec))
        .map((spec) => `${relative(root, file)} imports ${spec}`),
    );
    assert.deepEqual(offenders, []);
  });
});
