import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StudioError } from '../../main/shared/errors.ts';
import { autoSync } from '../../main/sync/autoSync.ts';
import { gaussian, random, syntheticRecording } from './synthetic.ts';

const FRAME = 1 / 30;

function refused(message: RegExp, field?: string) {
  return (err: StudioError) => {
    assert.equal(err.code, 'BAD_INPUT');
    assert.match(err.message, message);
    if (field) assert.equal(err.detail.field, field);
    return true;
  };
}

describe('automatic alignment', () => {
  it('recovers the offset of a one-minute clip within a video frame, drift left at 0', () => {
    const result = autoSync(syntheticRecording({ duration: 60, truth: { offset: 3.217, drift: 0 }, seed: 1 }));
    assert.ok(Math.abs(result.model.offset - 3.217) < FRAME, `offset ${result.model.offset}`);
    assert.equal(result.model.drift, 0);
    assert.equal(result.driftEstimated, false);
    assert.deepEqual(result.windows, []);
    assert.ok(result.ncc > 0.8, `ncc ${result.ncc}`);
    assert.ok(result.confidence > 0.2 && result.confidence <= result.ncc, `confidence ${result.confidence}`);
  });

  it('keeps the sign convention: offset = the sensor clock at video time 0', () => {
    // the sensor reads 2.5 s when the video starts: it started first
    const early = autoSync(syntheticRecording({ duration: 30, truth: { offset: 2.5, drift: 0 }, seed: 2 }));
    assert.ok(Math.abs(early.model.offset - 2.5) < FRAME, `offset ${early.model.offset}`);
    // the sensor started 1.5 s after the video: it reads −1.5 s at video time 0
    const late = autoSync(syntheticRecording({ duration: 30, truth: { offset: -1.5, drift: 0 }, seed: 3 }));
    assert.ok(Math.abs(late.model.offset + 1.5) < FRAME, `offset ${late.model.offset}`);
  });

  it('counts where each signal starts on its clock', () => {
    const rec = syntheticRecording({ duration: 30, truth: { offset: 2, drift: 0 }, seed: 4 });
    // drop the first 0.6 s of sensor rows and the first 0.5 s of motion, and say so
    const result = autoSync({ ...rec, accel: rec.accel.subarray(30 * 3), accelStart: 0.6, motion: rec.motion.subarray(15), motionStart: 0.5 });
    assert.ok(Math.abs(result.model.offset - 2) < FRAME, `offset ${result.model.offset}`);
  });

  it('estimates drift along a ten-minute recording', () => {
    const truth = { offset: 3.217, drift: 150e-6 };
    const result = autoSync(syntheticRecording({ duration: 600, truth, seed: 5 }));
    assert.equal(result.driftEstimated, true);
    assert.ok(Math.abs(result.model.offset - truth.offset) < FRAME, `offset ${result.model.offset}`);
    assert.ok(Math.abs(result.model.drift - truth.drift) < 20e-6, `drift ${result.model.drift * 1e6} ppm`);
    const used = result.windows.filter((w) => w.used);
    assert.ok(used.length >= 30, `${used.length} windows used`);
    // the local offset grows by drift × time: 90 ms over the recording
    const first = used[0];
    const last = used[used.length - 1];
    const growth = (last.offset as number) - (first.offset as number);
    const expected = truth.drift * ((last.start + last.end) / 2 - (first.start + first.end) / 2);
    assert.ok(Math.abs(growth - expected) < 0.02, `grew ${growth} s, expected ${expected} s`);
  });

  it('refuses to estimate drift over a short clip', () => {
    const rec = syntheticRecording({ duration: 60, truth: { offset: 1, drift: 0 }, seed: 6 });
    assert.throws(() => autoSync({ ...rec, estimateDrift: true }), refused(/drift is not observable/, 'estimateDrift'));
  });

  it('searches only within maxOffset', () => {
    const rec = syntheticRecording({ duration: 60, truth: { offset: 3.217, drift: 0 }, seed: 1 });
    assert.ok(Math.abs(autoSync({ ...rec, maxOffset: 5 }).model.offset - 3.217) < FRAME);
    assert.throws(() => autoSync({ ...rec, maxOffset: 1 }), refused(/no distinct match/));
  });

  it('refuses a still video or a still sensor, naming which', () => {
    const rec = syntheticRecording({ duration: 20, truth: { offset: 1, drift: 0 }, seed: 7 });
    assert.throws(() => autoSync({ ...rec, motion: new Float64Array(rec.motion.length).fill(3) }), refused(/no usable motion in the video/, 'motion'));
    const still = Float64Array.from({ length: rec.accel.length }, (_, i) => [0.1, 0.2, 9.8][i % 3]);
    assert.throws(() => autoSync({ ...rec, accel: still }), refused(/no usable motion in the sensor/, 'accel'));
  });

  it('refuses a sensor that only reads noise', () => {
    const rec = syntheticRecording({ duration: 20, truth: { offset: 1, drift: 0 }, seed: 8 });
    const rand = random(99);
    const noise = Float64Array.from({ length: rec.accel.length }, (_, i) => (i % 3 === 2 ? 9.81 : 0) + 0.05 * gaussian(rand));
    assert.throws(() => autoSync({ ...rec, accel: noise }), refused(/no usable motion/));
  });

  it('refuses a video and a sensor that saw different movements', () => {
    const video = syntheticRecording({ duration: 120, truth: { offset: 1, drift: 0 }, seed: 9 });
    const sensor = syntheticRecording({ duration: 120, truth: { offset: 1, drift: 0 }, seed: 10 });
    assert.throws(() => autoSync({ ...video, accel: sensor.accel }), refused(/no distinct match/));
  });

  it('refuses malformed input naming the field', () => {
    const rec = syntheticRecording({ duration: 10, truth: { offset: 0, drift: 0 }, seed: 11 });
    const invalid = (field: string) => (err: StudioError) => err.code === 'INVALID_ARGUMENT' && err.detail.field === field;
    assert.throws(() => autoSync({ ...rec, accel: rec.accel.subarray(1) }), invalid('accel'));
    const motion = rec.motion.slice();
    motion[7] = NaN;
    assert.throws(
      () => autoSync({ ...rec, motion }),
      (err: StudioError) => invalid('motion')(err) && /\[7\]/.test(err.message),
    );
    assert.throws(() => autoSync({ ...rec, motionRate: 0 }), invalid('motionRate'));
  });
});
