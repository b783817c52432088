import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sensorTimes, STANDARD_GRAVITY, synthesizeAccelerometer, toVideoTime, type ClockRelation } from '../../main/datasets/demo/accelerometer.ts';
import { planDemo, planSessions } from '../../main/datasets/demo/generate.ts';
import { actionWeight, DEMO_CLASSES, makeBody, JOINTS, makeMotion, poseAt, type DemoClass, type Motion } from '../../main/datasets/demo/skeleton.ts';
import type { StudioError } from '../../main/shared/errors.ts';
import { mulberry32 } from '../../main/random.ts';

const SECONDS = 4;

function motionOf(action: DemoClass, seed = 11): Motion {
  const rng = mulberry32(seed);
  return makeMotion(action, makeBody(rng), SECONDS, rng);
}

/** A clip's one action. */
const actionOf = (m: Motion) => m.segments[0];

/** The middle of the action, where its weight is 1. */
const middle = (m: Motion) => (actionOf(m).start + actionOf(m).end) / 2;

/** The extreme of `value` over the action's full-weight part, sampled at 100 Hz. */
function extreme(m: Motion, value: (t: number) => number, pick: (a: number, b: number) => number): number {
  const { start, end, ramp } = actionOf(m);
  let best = value(start + ramp);
  for (let t = start + ramp; t <= end - ramp; t += 0.01) best = pick(best, value(t));
  return best;
}

describe('demo motion model', () => {
  it('is deterministic per seed and differs between seeds', () => {
    assert.deepEqual(planDemo({ seed: 4, perClass: 2 }), planDemo({ seed: 4, perClass: 2 }));
    const a = planDemo({ seed: 4, perClass: 2 });
    const b = planDemo({ seed: 5, perClass: 2 });
    assert.notDeepEqual(a[0].motion, b[0].motion);
    assert.notEqual(a[0].clock.offset, b[0].clock.offset);
    assert.deepEqual(poseAt(a[3].motion, 1.7), poseAt(planDemo({ seed: 4, perClass: 2 })[3].motion, 1.7));
  });

  it('keeps a recording the same when more recordings are asked for', () => {
    const few = planDemo({ seed: 9, perClass: 1 });
    const more = planDemo({ seed: 9, perClass: 3 });
    assert.deepEqual(few[0], more[0]);
    assert.deepEqual(
      few.map((p) => p.name),
      DEMO_CLASSES.map((c) => `${c}_s1_c1`),
    );
  });

  it('gives each clip a clock within the asked bounds and subjects that repeat with their body', () => {
    const plans = planDemo({ seed: 2, perClass: 6, subjects: 3, maxOffset: 2, maxDrift: 200e-6 });
    for (const p of plans) assert.ok(Math.abs(p.clock.offset) <= 2 && Math.abs(p.clock.drift) <= 200e-6, JSON.stringify(p.clock));
    const bySubject = plans.filter((p) => p.subject === 's2');
    assert.equal(bySubject.length, 10);
    for (const p of bySubject) assert.deepEqual(p.motion.body, bySubject[0].motion.body);
    assert.notDeepEqual(plans.find((p) => p.subject === 's1')!.motion.body, bySubject[0].motion.body);
  });

  it('rests before and after the action, and moves during it', () => {
    for (const action of DEMO_CLASSES) {
      const m = motionOf(action);
      const { start, end } = actionOf(m);
      assert.equal(m.segments.length, 1);
      assert.ok(start >= 0.1 * SECONDS && start <= 0.2 * SECONDS && end >= 0.8 * SECONDS && end <= 0.9 * SECONDS, `${action}: ${start}..${end}`);
      assert.equal(actionWeight(m, 0.1), 0);
      assert.equal(actionWeight(m, SECONDS - 0.1), 0);
      assert.equal(actionWeight(m, middle(m)), 1);
      const speed = (t: number) =>
        Math.hypot(
          poseAt(m, t + 0.005).rightWrist[0] - poseAt(m, t - 0.005).rightWrist[0],
          poseAt(m, t + 0.005).rightWrist[1] - poseAt(m, t - 0.005).rightWrist[1],
        ) / 0.01;
      // only the small jitter moves the wrist at rest
      assert.ok(speed(0.2) < 0.05, `${action} at rest: ${speed(0.2)} m/s`);
    }
  });

  it('makes the classes look different', () => {
    const rest = poseAt(motionOf('idle'), 0.1);
    const wave = motionOf('wave');
    const waveHand = extreme(wave, (t) => poseAt(wave, t).rightWrist[1] - poseAt(wave, t).head[1], Math.min);
    assert.ok(waveHand > 0, `waving: the right hand stays above the head (lowest ${waveHand} m above)`);
    const waveOther = extreme(wave, (t) => poseAt(wave, t).leftWrist[1], Math.max);
    assert.ok(waveOther < rest.pelvis[1], `waving: the left hand stays down (${waveOther} m)`);
    const clap = motionOf('clap');
    const clapHigh = extreme(clap, (t) => Math.min(poseAt(clap, t).rightWrist[1], poseAt(clap, t).leftWrist[1]) - poseAt(clap, t).head[1], Math.max);
    assert.ok(clapHigh > 0, `clapping: both hands go above the head (${clapHigh} m)`);
    const clapGap = extreme(clap, (t) => poseAt(clap, t).leftWrist[0] - poseAt(clap, t).rightWrist[0], Math.min);
    assert.ok(clapGap < 0.15, `clapping: the hands come together (${clapGap} m apart)`);
    const punch = motionOf('punch');
    const reach = punch.body.halfShoulder + punch.body.upperArm + punch.body.forearm;
    const fist = extreme(punch, (t) => poseAt(punch, t).rightWrist[0], Math.min);
    assert.ok(fist < -0.85 * reach, `punching: the right fist goes out sideways (x ${fist} m, reach ${reach} m)`);
    const squat = motionOf('squat');
    const low = extreme(squat, (t) => poseAt(squat, t).pelvis[1], Math.min);
    assert.ok(low < poseAt(squat, 0.1).pelvis[1] - 0.15, `squatting: the pelvis drops (to ${low} m)`);
    const idle = motionOf('idle');
    const idleHands = extreme(idle, (t) => Math.max(poseAt(idle, t).rightWrist[1], poseAt(idle, t).leftWrist[1]), Math.max);
    assert.ok(idleHands < rest.pelvis[1], `idle: the hands stay down (${idleHands} m)`);
  });
});

describe('demo sessions', () => {
  it('plans actions apart with rests between, every class once per round, and a drift that matters', () => {
    const [plan] = planSessions({ seed: 3, sessionSeconds: 150 });
    assert.equal(plan.name, 'session1_s1');
    assert.deepEqual([plan.view.width, plan.view.height], [160, 120]);
    const { segments } = plan.motion;
    assert.ok(segments.length >= 12, `${segments.length} actions in 150 s`);
    assert.ok(segments[0].start >= 1.5 && segments.at(-1)!.end <= 150 - 1.5, `${segments[0].start}..${segments.at(-1)!.end}`);
    segments.forEach((g, i) => {
      assert.ok(g.end - g.start >= 4 && g.end - g.start <= 8, `action ${i} lasts ${g.end - g.start} s`);
      if (i > 0) assert.ok(g.start - segments[i - 1].end >= 1.5, `rest before action ${i}: ${g.start - segments[i - 1].end} s`);
    });
    assert.deepEqual(
      segments
        .slice(0, DEMO_CLASSES.length)
        .map((g) => g.action)
        .sort(),
      [...DEMO_CLASSES].sort(),
    );
    const drift = Math.abs(plan.clock.drift);
    assert.ok(drift >= 100e-6 && drift <= 300e-6 && Math.abs(plan.clock.offset) <= 2, JSON.stringify(plan.clock));
    // the same seed gives the same session, whatever the clips around it
    assert.deepEqual(planSessions({ seed: 3, perClass: 2, sessions: 2, sessionSeconds: 150 })[0], plan);
    assert.equal(planSessions({ seed: 3, sessions: 2 })[1].subject, 's2');
    assert.notDeepEqual(planSessions({ seed: 4 })[0].motion.segments, segments);
    assert.deepEqual(planSessions({ sessions: 0 }), []);
    assert.deepEqual(planSessions({ sessionSeconds: 0 }), []);
    assert.throws(
      () => planSessions({ sessionSeconds: 5 }),
      (err: StudioError) => err.code === 'INVALID_ARGUMENT' && err.detail.field === 'sessionSeconds',
    );
  });

  it('moves continuously through the whole session, resting between actions', () => {
    const [plan] = planSessions({ seed: 3, classes: ['punch', 'squat'], sessionSeconds: 40 });
    const m = plan.motion;
    const step = 0.001;
    let biggest = 0;
    for (let t = 0; t < 40; t += step) {
      const [a, b] = [poseAt(m, t), poseAt(m, t + step)];
      for (const joint of JOINTS) biggest = Math.max(biggest, Math.hypot(b[joint][0] - a[joint][0], b[joint][1] - a[joint][1]));
    }
    // a fist punches at up to about 8 m/s, under 1 cm a millisecond; a switch between an action and rest would jump by tens of cm
    assert.ok(biggest < 0.05, `largest move of a joint in ${step} s: ${biggest} m`);
    m.segments.forEach((g, i) => {
      assert.equal(actionWeight(m, (g.start + g.end) / 2), 1, `the middle of action ${i}`);
      if (i > 0) assert.equal(actionWeight(m, (m.segments[i - 1].end + g.start) / 2), 0, `the rest before action ${i}`);
    });
  });
});

describe('demo accelerometer', () => {
  const quiet = { rate: 50, noise: 0, margin: 1 };

  it('samples whole multiples of 1/rate on the sensor clock, covering the video with the margin', () => {
    const clock: ClockRelation = { offset: -1.234, drift: 150e-6 };
    const t = sensorTimes(clock, SECONDS, 50, 1);
    assert.ok(t[0] <= clock.offset - 1 + 0.02 && t[0] >= clock.offset - 1, `first ${t[0]}`);
    assert.ok(t[t.length - 1] >= SECONDS * (1 + clock.drift) + clock.offset + 1 - 0.02, `last ${t[t.length - 1]}`);
    for (const v of t) assert.ok(Math.abs(v * 50 - Math.round(v * 50)) < 1e-9, `${v} is off the 50 Hz grid`);
  });

  it("saturates at a ±16 g part's full scale, as the default demo's sessions reach it", () => {
    // the default session's jumps between actions pass 16 g on the wrist path; a real part reads ±16 g there
    const [plan] = planSessions();
    const trace = synthesizeAccelerometer(plan.motion, plan.clock, 60, quiet, mulberry32(1));
    const magnitudes = Array.from(trace.acc, Math.abs);
    assert.equal(Math.max(...magnitudes), 16);
    assert.ok(magnitudes.filter((m) => m === 16).length < magnitudes.length / 100, 'only the jumps saturate');
  });

  it('equals the differentiated wrist path plus gravity, at the video times the clock maps to', () => {
    const m = motionOf('wave', 3);
    const clock: ClockRelation = { offset: 0.73, drift: 180e-6 };
    const trace = synthesizeAccelerometer(m, clock, SECONDS, quiet, mulberry32(1));
    const h = 1 / 400; // a different step from the generator's, so this is an independent estimate
    let checked = 0;
    let peak = 0;
    for (let i = 0; i < trace.t.length; i++) {
      const tv = (trace.t[i] - 0.73) / (1 + 180e-6);
      const [p0, p1, p2] = [tv - h, tv, tv + h].map((t) => poseAt(m, t).rightWrist);
      const ax = (p0[0] - 2 * p1[0] + p2[0]) / (h * h) / STANDARD_GRAVITY;
      const ay = (p0[1] - 2 * p1[1] + p2[1]) / (h * h) / STANDARD_GRAVITY + 1;
      assert.ok(Math.abs(trace.acc[3 * i] - ax) < 0.02, `x at ${trace.t[i]}: ${trace.acc[3 * i]} vs ${ax}`);
      assert.ok(Math.abs(trace.acc[3 * i + 1] - ay) < 0.02, `y at ${trace.t[i]}: ${trace.acc[3 * i + 1]} vs ${ay}`);
      assert.ok(trace.acc[3 * i + 2] === 0, 'z is 0 without noise');
      peak = Math.max(peak, Math.abs(ax));
      checked++;
    }
    assert.ok(checked > 5 * 50, `${checked} samples`);
    assert.ok(peak > 0.5, `waving should reach well over 0.5 g, got ${peak}`);
    // at rest the sensor feels 1 g up
    assert.ok(Math.abs(trace.acc[1] - 1) < 0.03 && Math.abs(trace.acc[0]) < 0.03, `at rest: ${trace.acc.subarray(0, 3)}`);
    // a strap rolled by α turns y into z: y' = y cos α, z' = −y sin α
    const tilted = synthesizeAccelerometer(m, clock, SECONDS, { ...quiet, tilt: 0.5 }, mulberry32(1));
    for (let i = 0; i < trace.t.length; i += 7) {
      assert.ok(Math.abs(tilted.acc[3 * i] - trace.acc[3 * i]) < 1e-12, 'x stays');
      assert.ok(
        Math.abs(tilted.acc[3 * i + 1] - trace.acc[3 * i + 1] * Math.cos(0.5)) < 1e-12 &&
          Math.abs(tilted.acc[3 * i + 2] + trace.acc[3 * i + 1] * Math.sin(0.5)) < 1e-12,
        `y, z at ${i}`,
      );
    }
  });

  it('puts the acceleration peak where the video shows it, shifted by the offset', () => {
    const m = motionOf('punch', 8);
    const fps = 30;
    // the video's peak of what a turning sensor still measures alike, the specific force's magnitude |a + 1 g up|:
    // from the wrist's second difference over frames
    let videoPeak = 0;
    let best = -1;
    const dt2 = 1 / (fps * fps);
    // one cycle at full weight: each cycle peaks alike, so a longer search could pick a different one on each side
    const { start, ramp, frequency } = actionOf(m);
    const inCycle = (t: number) => t >= start + ramp && t < start + ramp + 1 / frequency;
    for (let f = 1; f < SECONDS * fps - 1; f++) {
      if (!inCycle(f / fps)) continue;
      const [a, b, c] = [f - 1, f, f + 1].map((k) => poseAt(m, k / fps).rightWrist);
      const magnitude = Math.hypot((a[0] - 2 * b[0] + c[0]) / dt2 / STANDARD_GRAVITY, (a[1] - 2 * b[1] + c[1]) / dt2 / STANDARD_GRAVITY + 1);
      if (magnitude > best) {
        best = magnitude;
        videoPeak = f / fps;
      }
    }
    const sensorPeak = (clock: ClockRelation) => {
      const trace = synthesizeAccelerometer(m, clock, SECONDS, quiet, mulberry32(1));
      let at = 0;
      let most = -1;
      for (let i = 0; i < trace.t.length; i++) {
        if (!inCycle(toVideoTime(clock, trace.t[i]))) continue;
        const magnitude = Math.hypot(trace.acc[3 * i], trace.acc[3 * i + 1], trace.acc[3 * i + 2]);
        if (magnitude > most) {
          most = magnitude;
          at = trace.t[i];
        }
      }
      return at;
    };
    assert.ok(Math.abs(sensorPeak({ offset: 0, drift: 0 }) - videoPeak) <= 1.5 / fps, `sensor ${sensorPeak({ offset: 0, drift: 0 })} s, video ${videoPeak} s`);
    const shifted = { offset: 1.25, drift: 0 };
    assert.ok(Math.abs(toVideoTime(shifted, sensorPeak(shifted)) - videoPeak) <= 1.5 / fps, 'the clock maps the peak back');
    assert.ok(Math.abs(sensorPeak(shifted) - 1.25 - videoPeak) <= 1.5 / fps, `shifted peak ${sensorPeak(shifted)} s`);
  });

  it('adds Gaussian noise of the asked size', () => {
    const m = motionOf('idle');
    const clean = synthesizeAccelerometer(m, { offset: 0, drift: 0 }, SECONDS, quiet, mulberry32(1));
    const noisy = synthesizeAccelerometer(m, { offset: 0, drift: 0 }, SECONDS, { ...quiet, noise: 0.05 }, mulberry32(1));
    let sum = 0;
    for (let i = 0; i < clean.acc.length; i++) sum += (noisy.acc[i] - clean.acc[i]) ** 2;
    const sd = Math.sqrt(sum / clean.acc.length);
    assert.ok(Math.abs(sd - 0.05) < 0.006, `noise sd ${sd}`);
  });
});
