import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { before, describe, it } from 'node:test';
import { main } from '../../main/cli/main.ts';
import type { CliIO } from '../../main/cli/command.ts';
import { exportDataset, type DatasetExportOptions, type DatasetManifest } from '../../main/export/datasetExport.ts';
import { sha256 } from '../../main/files/checksum.ts';
import { decodeNpy } from '../../main/formats/npy.ts';
import { gafFromRows } from '../../main/shared/gaf.ts';
import { decodeFrames } from '../../main/media/frames.ts';
import { segmentIndices } from '../../main/media/segments.ts';
import { mulberry32 } from '../../main/random.ts';
import { createDataset } from '../../main/store/datasets.ts';
import { closeProject, createProject } from '../../main/store/project.ts';
import { addRecordings, type RecordingInput } from '../../main/store/recordings.ts';
import { tempDir } from '../helpers/tmp.ts';
import { makeClip } from '../media/clips.ts';
import { tinyProject } from '../train/tinyProject.ts';

const dir = tempDir();

/** 2 actions × 3 recordings of different lengths, each with a 4-channel sensor stream and a video; train 4, val 1, test 1. */
async function videoProject(): Promise<string> {
  const clips = [
    await makeClip(dir, 'walk.mp4', { seconds: 1, fps: 10, width: 64, height: 48 }),
    await makeClip(dir, 'wave.mp4', { seconds: 1.5, fps: 10, width: 64, height: 48 }),
  ];
  const path = join(dir, 'video.vskd');
  const project = await createProject(path);
  const rng = mulberry32(5);
  const recordings: RecordingInput[] = [];
  for (let a = 0; a < 2; a++) {
    for (let t = 1; t <= 3; t++) {
      const rows = 30 + 7 * t + a;
      const data = Float64Array.from({ length: rows * 4 }, (_, k) => Math.fround(Math.sin(k * (a + 1) * 0.1) + 0.1 * rng()));
      recordings.push({
        name: `a${a}_t${t}`,
        subject: '1',
        trial: t,
        label: { name: a ? 'wave' : 'walk' },
        sources: [],
        streams: [
          {
            kind: 'sensor',
            name: 'sensor',
            rate: 50,
            length: rows,
            channels: ['x', 'y', 'z', 't'].map((name) => ({ name, unit: 'g' })),
            samples: { rows, cols: 4, data },
          },
          { kind: 'video', name: 'video', rate: 10, length: a ? 15 : 10, meta: { path: clips[a] } },
        ],
      });
    }
  }
  const ids = await addRecordings(project.db, recordings);
  const split = (t: number, a: number) => (t === 3 ? (a ? 'test' : 'val') : 'train');
  await createDataset(project.db, {
    name: 'clips',
    protocol: 'custom',
    members: recordings.map((r, i) => ({ recordingId: ids[i], split: split(r.trial!, i < 3 ? 0 : 1) })),
  });
  await closeProject(project);
  return path;
}

/** Every file under `root` (relative path → bytes). */
function snapshot(root: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else files.set(relative(root, full), readFileSync(full));
    }
  };
  walk(root);
  return files;
}

const npy = (root: string, path: string) => decodeNpy(readFileSync(join(root, path)), path);

describe('vskd export-dataset', () => {
  let project = '';
  const options = (outDir: string, more: Partial<DatasetExportOptions> = {}): DatasetExportOptions => ({
    projectPath: project,
    dataset: 'clips',
    splits: ['train', 'val', 'test'],
    outDir,
    what: null,
    gaf: { size: 8, method: 'summation', variant: 'pyts' },
    frames: { segments: 3, size: 16 },
    log: () => undefined,
    ...more,
  });

  before(async () => {
    project = await videoProject();
  });

  it('is deterministic: two exports are byte-identical', { timeout: 120_000 }, async () => {
    await exportDataset(options(join(dir, 'a')));
    await exportDataset(options(join(dir, 'b')));
    const a = snapshot(join(dir, 'a'));
    const b = snapshot(join(dir, 'b'));
    assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort());
    assert.equal(a.size, 3 * 5 + 1, 'five files per split (frames included: every recording has a video) and the manifest');
    for (const [path, bytes] of a) assert.ok(bytes.equals(b.get(path)!), `${path} identical`);
  });

  it('writes what the manifest says: shapes, dtypes, checksums, labels, padding, GAF images and frames', async () => {
    const root = join(dir, 'a');
    const manifest = JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8')) as DatasetManifest;
    assert.deepEqual(manifest.classes, ['walk', 'wave']);
    assert.deepEqual(Object.keys(manifest.splits), ['train', 'val', 'test']);
    assert.deepEqual(
      manifest.splits.train!.recordings.map((r) => r.name),
      ['a0_t1', 'a0_t2', 'a1_t1', 'a1_t2'],
    );
    assert.deepEqual(
      manifest.splits.val!.recordings.map((r) => r.name),
      ['a0_t3'],
    );
    for (const split of Object.values(manifest.splits)) {
      for (const f of Object.values(split!.files)) {
        const bytes = readFileSync(join(root, f.path));
        assert.equal(sha256(bytes), f.sha256, `${f.path} checksum`);
        assert.equal(bytes.length, f.bytes, `${f.path} size`);
        const array = decodeNpy(bytes, f.path);
        assert.deepEqual([array.dtype, array.shape], [f.dtype, f.shape], `${f.path} dtype and shape`);
      }
    }
    const labels = npy(root, 'train/labels.npy');
    assert.deepEqual([...(labels.data as BigInt64Array)], [0n, 0n, 1n, 1n]);
    // raw: [N, T, C], zeros after each recording's end; lengths give each one back
    const raw = npy(root, 'train/raw.npy');
    const lengths = [...(npy(root, 'train/raw_lengths.npy').data as BigInt64Array)].map(Number);
    assert.deepEqual(lengths, [37, 44, 38, 45]);
    assert.deepEqual(raw.shape, [4, 45, 4]);
    const first = raw.data.subarray(0, 45 * 4) as Float32Array;
    assert.ok(
      first.subarray(0, 37 * 4).some((v) => v !== 0),
      'samples of recording 0',
    );
    assert.ok(
      first.subarray(37 * 4).every((v) => v === 0),
      'zero padding after its 37 samples',
    );
    assert.equal(first[0], Math.fround(Math.sin(0) + 0.1 * mulberry32(5)()), 'the first sample, exactly');
    // GAF: NCHW, the images gafFromRows makes of the first three channels
    const gaf = npy(root, 'train/gaf.npy');
    assert.deepEqual(gaf.shape, [4, 3, 8, 8]);
    const rows = 45;
    const expected = gafFromRows(Float64Array.from(raw.data.subarray(3 * rows * 4, 4 * rows * 4) as Float32Array), rows, 4, [0, 1, 2], {
      size: 8,
      method: 'summation',
    });
    assert.deepEqual(gaf.data.subarray(3 * 192, 4 * 192), expected, 'recording 3 (the longest: no padding in its window)');
    // frames: [N, K, H, W, 3] at the segment centres
    const frames = npy(root, 'test/frames.npy');
    assert.deepEqual(frames.shape, [1, 3, 16, 16, 3]);
    const clip = join(dir, 'wave.mp4');
    assert.deepEqual(frames.data, await decodeFrames(clip, segmentIndices(15, 3, 'eval'), { width: 16, height: 16, channels: 3 }));
    assert.deepEqual((manifest.settings.gaf as { layout: string }).layout, 'NCHW');
  });

  it('resumes: keeps finished files, rewrites missing, tampered or out-of-date ones', { timeout: 120_000 }, async () => {
    const root = join(dir, 'a');
    const before = snapshot(root);
    const again = await exportDataset(options(root));
    assert.deepEqual(again.written, [], 'nothing to redo');
    assert.equal(again.kept.length, 15);

    rmSync(join(root, 'val/gaf.npy'));
    writeFileSync(join(root, 'train/frames.npy'), 'not the frames');
    writeFileSync(join(root, 'test/raw.npy.partial'), 'an interrupted write');
    const resumed = await exportDataset(options(root));
    assert.deepEqual(resumed.written.sort(), ['train/frames.npy', 'val/gaf.npy']);
    for (const [path, bytes] of before) assert.ok(bytes.equals(readFileSync(join(root, path))), `${path} as before`);

    const resized = await exportDataset(options(root, { gaf: { size: 12, method: 'summation', variant: 'pyts' } }));
    assert.deepEqual(resized.written.sort(), ['test/gaf.npy', 'train/gaf.npy', 'val/gaf.npy'], 'only the GAF files depend on the GAF size');
    assert.deepEqual(npy(root, 'val/gaf.npy').shape, [1, 3, 12, 12]);
  });

  it('writes files numpy loads (python3 with numpy)', async (t) => {
    const probe = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' });
    if (probe.status !== 0) return t.skip(`python3 with numpy is not available: ${(probe.error?.message ?? probe.stderr).trim()}`);
    const root = join(dir, 'b');
    const manifest = JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8')) as DatasetManifest;
    const files = Object.values(manifest.splits).flatMap((s) => Object.values(s!.files));
    const script = [
      'import json, sys, numpy as np',
      'out = {}',
      'for path in sys.argv[2:]:',
      '    a = np.load(sys.argv[1] + "/" + path, allow_pickle=False)',
      '    out[path] = [str(a.dtype), list(a.shape), float(a.astype(np.float64).sum())]',
      'print(json.dumps(out))',
    ].join('\n');
    const run = spawnSync('python3', ['-c', script, root, ...files.map((f) => f.path)], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const loaded = JSON.parse(run.stdout) as Record<string, [string, number[], number]>;
    for (const f of files) {
      const [dtype, shape, sum] = loaded[f.path];
      assert.deepEqual([dtype, shape], [f.dtype, f.shape], `${f.path} as numpy reads it`);
      const ours = npy(root, f.path).data;
      const expected = ours instanceof BigInt64Array ? ours.reduce((s, v) => s + Number(v), 0) : (ours as Float32Array).reduce((s, v) => s + v, 0);
      assert.ok(Math.abs(sum - expected) <= 1e-6 * Math.max(1, Math.abs(expected)), `${f.path}: numpy sums ${sum}, we sum ${expected}`);
    }
  });

  it('leaves frames out without videos, and names the recording when they are asked for', { timeout: 60_000 }, async () => {
    const tiny = await tinyProject(tempDir());
    const out = join(dir, 'tiny');
    const io: CliIO & { lines: string[]; errors: string[] } = {
      lines: [],
      errors: [],
      out: (l) => io.lines.push(l),
      err: (l) => io.errors.push(l),
      interactive: false,
    };
    assert.equal(
      await main(['export-dataset', tiny.path, '--dataset', 'tiny', '--out', out, '--split', 'test', '--gaf-size', '8'], io),
      0,
      io.errors.join('\n'),
    );
    assert.deepEqual(readdirSync(join(out, 'test')).sort(), ['gaf.npy', 'labels.npy', 'raw.npy', 'raw_lengths.npy']);
    assert.ok(!existsSync(join(out, 'train')), 'only the split asked for');
    assert.match(io.lines.join('\n'), /test 8 recordings.*4 files written, 0 kept/);
    const frames = await main(['export-dataset', tiny.path, '--dataset', 'tiny', '--out', out, '--what', 'frames'], io);
    assert.equal(frames, 1);
    assert.match(io.errors.join('\n'), /recording a1_s1_t1 has no video/);
    assert.equal(await main(['export-dataset', tiny.path, '--dataset', 'tiny', '--out', out, '--what', 'gaf,depth'], io), 2);
  });
});
