import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { DEPTH_VIDEO, depthFrameToGray, depthGray, transcodeDepth } from '../../main/datasets/utdDepthVideo.ts';
import { depthVideoPath, importUtdMhad } from '../../main/datasets/utdMhad.ts';
import type { StudioError } from '../../main/shared/errors.ts';
import { sha256 } from '../../main/files/checksum.ts';
import { decodeFrames } from '../../main/media/frames.ts';
import { probeVideo } from '../../main/media/probe.ts';
import { parseMat, requireVariable } from '../../main/sensors/mat.ts';
import { createProject } from '../../main/store/project.ts';
import { listRecordings } from '../../main/store/recordings.ts';
import { addStreams } from '../../main/store/streams.ts';
import { mediaDir } from '../../main/store/media.ts';
import { fixtures, tempDir } from '../helpers/tmp.ts';
import { utdMhadCopies } from '../helpers/utdMhadCopies.ts';

const mini = join(fixtures, 'utd-mhad-mini');
const dir = tempDir();
let n = 0;
const fresh = () => createProject(join(dir, `v${n++}.vskd`));

describe('UTD-MHAD depth as video', () => {
  it('maps depth to gray: near bright, far dark, no reading black', () => {
    assert.equal(depthGray(DEPTH_VIDEO.nearMm), 255);
    assert.equal(depthGray(DEPTH_VIDEO.farMm), DEPTH_VIDEO.farGray);
    assert.equal(depthGray(500), 255);
    assert.equal(depthGray(9000), DEPTH_VIDEO.farGray);
    assert.ok(depthGray(2500) > depthGray(3000), 'nearer is brighter');
    for (const hole of [0, -1, NaN]) assert.equal(depthGray(hole), 0);
    assert.ok(DEPTH_VIDEO.farGray - DEPTH_VIDEO.holeGray >= 40, 'holes stay distinct from the farthest reading');
  });

  it('reads MATLAB column-major frames into row-major pixels', () => {
    // 2 rows × 3 columns × 2 frames, column-major: value = 2000 + 100 × (row + 2 × column) + 1000 × frame
    const depth = Float64Array.from({ length: 12 }, (_, i) => 2000 + 100 * (i % 6) + 1000 * Math.floor(i / 6));
    depth[6 + 5] = 0; // frame 1, row 1, column 2: a hole
    const out = new Uint8Array(6);
    depthFrameToGray(depth, 2, 3, 1, out);
    const expected = [3000, 3200, 3400, 3100, 3300, 0].map(depthGray);
    assert.deepEqual([...out], expected);
  });

  it('transcodes a fixture sequence to H.264 at 30 fps with every frame, holes black', async () => {
    const mat = join(mini, 'Depth', 'a1_s1_t1_depth.mat');
    const depth = requireVariable(parseMat(readFileSync(mat), mat), 'd_depth', mat);
    const [height, width, frames] = depth.dims;
    const out = join(dir, 'a1_s1_t1.mp4');
    assert.deepEqual(await transcodeDepth(mat, out), { width, height, frames });
    const info = await probeVideo(out);
    assert.deepEqual([info.width, info.height, info.frameCount, info.fps, info.codec], [320, 240, frames, 30, 'h264']);
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.includes('partial')),
      [],
    );

    const f = 20;
    const [decoded] = [await decodeFrames(out, [f], { width, height, channels: 1 })];
    const reading = (r: number, c: number) => depth.data[r + height * (c + width * f)];
    // the top-left corner is background the camera got no reading for
    assert.equal(reading(5, 5), 0);
    assert.ok(decoded[5 * width + 5] <= 4, `hole decodes to ${decoded[5 * width + 5]}`);
    // a pixel well inside the body decodes close to its gray level
    let body: [number, number] | undefined;
    for (let r = 100; r < 140 && !body; r++) {
      for (let c = 3; c < width - 3 && !body; c++) {
        let inside = true;
        for (let dr = -3; dr <= 3; dr++) for (let dc = -3; dc <= 3; dc++) inside &&= reading(r + dr, c + dc) > 0;
        if (inside) body = [r, c];
      }
    }
    assert.ok(body, 'the fixture has a body in rows 100..140');
    const [r, c] = body;
    assert.ok(Math.abs(decoded[r * width + c] - depthGray(reading(r, c))) <= 8, `body pixel ${decoded[r * width + c]} vs ${depthGray(reading(r, c))}`);
    assert.ok(decoded[r * width + c] > DEPTH_VIDEO.farGray, 'a reading is brighter than a hole');
  });

  it('imports with --with-video: a video stream per recording, in the media folder', async () => {
    const project = await fresh();
    const report = await importUtdMhad(project, mini, { withVideo: true, videoConcurrency: 2 });
    assert.deepEqual(report.videos, { made: 4, reused: 0, failed: [] });
    for (const recording of await listRecordings(project.db)) {
      const video = recording.streams.find((s) => s.kind === 'video')!;
      const depth = recording.streams.find((s) => s.kind === 'depth')!;
      const path = depthVideoPath(project.path, recording.name);
      assert.equal(path, join(dir, `v${n - 1}.media`, 'depth', `${recording.name}.mp4`));
      assert.equal(video.length, depth.length);
      assert.equal(video.rate, 30);
      assert.deepEqual(
        { ...video.meta, duration: undefined },
        { path, width: 320, height: 240, codec: 'h264', duration: undefined, sourceVariable: 'd_depth', depthRangeMm: [2000, 4000], holeGray: 0 },
      );
      const source = await project.db.get<{ sha256: string }>("SELECT sha256 FROM sources WHERE recording_id = ? AND role = 'video'", [recording.id]);
      assert.equal(source?.sha256, sha256(readFileSync(path)));
    }
    // a second run has nothing left to do
    const again = await importUtdMhad(project, mini, { withVideo: true });
    assert.deepEqual(again.videos, { made: 0, reused: 0, failed: [] });
    const recordings = await listRecordings(project.db);
    assert.deepEqual(
      recordings.map((r) => r.streams.filter((s) => s.kind === 'video').length),
      [1, 1, 1, 1],
    );
    await assert.rejects(
      addStreams(project.db, recordings[0].id, [], [{ kind: 'video', name: 'video', rate: 30, length: 1 }]),
      (err: StudioError) => err.code === 'CONFLICT' && /already has a stream named video/.test(err.message),
    );
  });

  it('adds the missing videos to recordings imported without, reusing finished files', async () => {
    const project = await fresh();
    await importUtdMhad(project, mini);
    assert.ok(
      (await listRecordings(project.db)).every((r) => r.streams.every((s) => s.kind !== 'video')),
      'no video yet',
    );
    // an earlier run finished one video and was killed while another was incomplete
    const finished = depthVideoPath(project.path, 'a1_s2_t1');
    mkdirSync(dirname(finished), { recursive: true });
    await transcodeDepth(join(mini, 'Depth', 'a1_s2_t1_depth.mat'), finished);
    const before = readFileSync(finished);
    const garbage = depthVideoPath(project.path, 'a2_s1_t1');
    writeFileSync(garbage, before.subarray(0, 500));

    const report = await importUtdMhad(project, mini, { withVideo: true });
    assert.equal(report.imported, 0);
    assert.deepEqual(report.videos, { made: 3, reused: 1, failed: [] });
    assert.deepEqual(readFileSync(finished), before);
    assert.equal(
      (await probeVideo(garbage)).frameCount,
      (await listRecordings(project.db, { search: 'a2_s1_t1' }))[0].streams.find((s) => s.kind === 'depth')!.length,
    );
  });

  it('keeps the recordings and the finished videos when cancelled during the videos; importing again adds the rest', async () => {
    const copies = utdMhadCopies(join(tempDir(), 'utd'), 2);
    const project = await fresh();
    const stop = new AbortController();
    // cancelled as the first video is done, while ffmpeg makes the second
    const onVideoProgress = () => stop.abort();
    await assert.rejects(importUtdMhad(project, copies, { withVideo: true, videoConcurrency: 2, signal: stop.signal, onVideoProgress }), (err: StudioError) => {
      assert.equal(err.code, 'CANCELLED');
      assert.match(
        err.message,
        /^depth videos cancelled with \d of 8 done: the recordings and the finished videos are kept; importing again with video adds the other \d$/,
      );
      return true;
    });
    const recordings = await listRecordings(project.db);
    assert.equal(recordings.length, 8, 'the recordings, written before the videos, stay');
    const withVideo = recordings.filter((r) => r.streams.some((s) => s.kind === 'video'));
    assert.ok(withVideo.length >= 1 && withVideo.length < 8, `${withVideo.length} of 8 videos kept`);
    // every file in the media folder is a registered, complete video: the one in flight was killed and removed
    const files = readdirSync(join(mediaDir(project.path), 'depth')).sort();
    assert.deepEqual(files, withVideo.map((r) => `${r.name}.mp4`).sort());
    for (const r of withVideo) {
      const video = r.streams.find((s) => s.kind === 'video')!;
      assert.equal(
        (await probeVideo(video.meta.path as string)).frameCount,
        r.streams.find((s) => s.kind === 'depth')!.length,
        `${r.name}'s video is complete`,
      );
    }

    const again = await importUtdMhad(project, copies, { withVideo: true });
    assert.deepEqual([again.imported, again.videos], [0, { made: 8 - withVideo.length, reused: 0, failed: [] }]);
    assert.ok(
      (await listRecordings(project.db)).every((r) => r.streams.some((s) => s.kind === 'video')),
      'every recording has its video now',
    );
  });

  it('leaves no video behind for a depth file it cannot read; --skip-bad carries on', async () => {
    const copy = join(tempDir(), 'utd');
    cpSync(mini, copy, { recursive: true });
    const project = await fresh();
    await importUtdMhad(project, copy);
    // keep the header (so the import's frame count still reads) but break the compressed data
    const bad = join(copy, 'Depth', 'a2_s1_t1_depth.mat');
    const bytes = readFileSync(bad);
    bytes.fill(0x55, bytes.length - 4000);
    writeFileSync(bad, bytes);

    await assert.rejects(importUtdMhad(project, copy, { withVideo: true }), (err: StudioError) => err.code === 'BAD_INPUT' && err.message.includes(bad));
    const folder = join(dir, `v${n - 1}.media`, 'depth');
    assert.ok(!readdirSync(folder).some((f) => f.startsWith('a2_s1_t1')), readdirSync(folder).join(', '));

    const report = await importUtdMhad(project, copy, { withVideo: true, skipBad: true });
    assert.deepEqual(
      report.videos?.failed.map((f) => f.name),
      ['a2_s1_t1'],
    );
    assert.ok(!existsSync(depthVideoPath(project.path, 'a2_s1_t1')), 'no video for the bad sequence');
    const withVideo = (await listRecordings(project.db)).filter((r) => r.streams.some((s) => s.kind === 'video')).map((r) => r.name);
    assert.deepEqual(withVideo, ['a1_s1_t1', 'a1_s2_t1', 'a2_s2_t1']);
  });
});
