/**
 * The demo dataset's motion model: a 2-D stick figure seen from the front, posed by joint angles
 * that are smooth functions of time, so that the same motion yields both the video (drawn) and
 * the wrist accelerometer (differentiated).
 *
 * Coordinates are metres: x to the right of the image, y up, the floor at y = 0, the feet centred
 * on x = 0. The figure faces the camera, so its right side is on the image's left (x < 0).
 */
import { randomGaussian, randomInt, randomUniform, type Rng } from '../../random.ts';

export const DEMO_CLASSES = ['idle', 'wave', 'clap', 'punch', 'squat'] as const;
export type DemoClass = (typeof DEMO_CLASSES)[number];

export const DEMO_CLASS_DESCRIPTIONS: Record<DemoClass, string> = {
  idle: 'standing, shifting weight',
  wave: 'right hand raised, waving',
  clap: 'clapping overhead with straight arms',
  punch: 'punching sideways with the right fist',
  squat: 'squatting with arms out',
};

export type Vec2 = [number, number];

export const JOINTS = [
  'head',
  'neck',
  'pelvis',
  'rightShoulder',
  'rightElbow',
  'rightWrist',
  'leftShoulder',
  'leftElbow',
  'leftWrist',
  'rightHip',
  'rightKnee',
  'rightAnkle',
  'rightFoot',
  'leftHip',
  'leftKnee',
  'leftAnkle',
  'leftFoot',
] as const;
export type Joint = (typeof JOINTS)[number];
export type Pose = Record<Joint, Vec2>;

/** Segment lengths and heights in metres. */
export interface Body {
  height: number;
  headRadius: number;
  neck: number;
  /** pelvis to the base of the neck */
  trunk: number;
  halfShoulder: number;
  halfHip: number;
  upperArm: number;
  forearm: number;
  thigh: number;
  shin: number;
  ankleHeight: number;
}

/** One action within a motion. Times are seconds on the video clock. */
export interface ActionSegment {
  action: DemoClass;
  /** the action blends in from `start` and out until `end`, over `ramp` seconds each way */
  start: number;
  end: number;
  ramp: number;
  /** cycles per second of the action */
  frequency: number;
  /** scales the action's excursions (1 = typical) */
  amplitude: number;
}

/** The timing and style of one recording's motion. */
export interface Motion {
  body: Body;
  /** in time order and apart (each ends before the next starts): between them the figure rests */
  segments: ActionSegment[];
  /** small smooth wobble of each angle, as sinusoids */
  jitter: Wobble[][];
}

interface Wobble {
  amplitude: number;
  frequency: number;
  phase: number;
}

/** Angles in radians, measured from straight down, positive away from the body's midline. */
interface Posture {
  rightUpper: number;
  rightFore: number;
  leftUpper: number;
  leftFore: number;
  /** trunk tilt, positive toward the image's right */
  lean: number;
  /** sideways shift of the pelvis (m) */
  shift: number;
  /** how far the pelvis is lowered (m) */
  drop: number;
}

const ANGLE_KEYS = ['rightUpper', 'rightFore', 'leftUpper', 'leftFore', 'lean'] as const;
const deg = (d: number) => (d * Math.PI) / 180;

/** Typical frequencies (Hz) of each action, before per-recording variation. */
const BASE_FREQUENCY: Record<DemoClass, number> = { idle: 0.35, wave: 2.2, clap: 1.3, punch: 1.2, squat: 0.55 };

/** Body proportions from height (ratios after Drillis & Contini), varied per subject. */
export function makeBody(rng: Rng): Body {
  const height = randomUniform(rng, 1.55, 1.9);
  const vary = (ratio: number) => ratio * height * (1 + 0.04 * randomGaussian(rng));
  const ankleHeight = 0.039 * height;
  const kneeHeight = vary(0.285);
  const hipHeight = vary(0.53);
  return {
    height,
    headRadius: vary(0.062),
    neck: vary(0.05),
    trunk: vary(0.288),
    halfShoulder: vary(0.129),
    halfHip: vary(0.095),
    upperArm: vary(0.186),
    forearm: vary(0.146),
    thigh: hipHeight - kneeHeight,
    shin: kneeHeight - ankleHeight,
    ankleHeight,
  };
}

function makeSegment(action: DemoClass, start: number, end: number, rng: Rng): ActionSegment {
  return {
    action,
    start,
    end,
    ramp: Math.min(0.6, (end - start) / 4),
    frequency: BASE_FREQUENCY[action] * randomUniform(rng, 0.8, 1.25),
    amplitude: randomUniform(rng, 0.8, 1.2),
  };
}

function makeJitter(rng: Rng): Wobble[][] {
  return ANGLE_KEYS.map(() =>
    [0, 1].map(() => ({ amplitude: deg(randomUniform(rng, 0.2, 0.6)), frequency: randomUniform(rng, 0.1, 0.8), phase: randomUniform(rng, 0, 2 * Math.PI) })),
  );
}

/**
 * A clip's motion: the action over most of the clip (some 70 %), a short rest before and after, so
 * that a clip is mostly its action while its ground-truth segment still has edges to find.
 */
export function makeMotion(action: DemoClass, body: Body, seconds: number, rng: Rng): Motion {
  const start = seconds * randomUniform(rng, 0.1, 0.2);
  const end = seconds * randomUniform(rng, 0.8, 0.9);
  const segment = makeSegment(action, start, end, rng);
  return { body, segments: [segment], jitter: makeJitter(rng) };
}

/** A session's rests between actions and its actions' lengths (s): drawn uniformly from these ranges. */
const SESSION_REST_S = [1.5, 4] as const;
const SESSION_ACTION_S = [4, 8] as const;
/** the shortest session: long enough for at least one action between rests */
export const MIN_SESSION_SECONDS = SESSION_REST_S[1] + SESSION_ACTION_S[1] + SESSION_REST_S[0];

/**
 * A session's motion: `seconds` of actions separated by rests, starting and ending at rest. The
 * actions go round in rounds, each a fresh shuffle of `actions`, so every action recurs evenly.
 */
export function makeSessionMotion(actions: readonly DemoClass[], body: Body, seconds: number, rng: Rng): Motion {
  const segments: ActionSegment[] = [];
  let round: DemoClass[] = [];
  let start = randomUniform(rng, ...SESSION_REST_S);
  for (;;) {
    const end = start + randomUniform(rng, ...SESSION_ACTION_S);
    if (end > seconds - SESSION_REST_S[0]) break;
    if (round.length === 0) round = shuffled(actions, rng);
    segments.push(makeSegment(round.pop() as DemoClass, start, end, rng));
    start = end + randomUniform(rng, ...SESSION_REST_S);
  }
  return { body, segments, jitter: makeJitter(rng) };
}

/** A Fisher–Yates shuffle of a copy. */
function shuffled<T>(items: readonly T[], rng: Rng): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(rng, i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** 0 → 0, 1 → 1 with zero first and second derivatives at both ends, so accelerations stay continuous. */
function smootherstep(x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  return x * x * x * (x * (6 * x - 15) + 10);
}

function segmentWeight(segment: ActionSegment, t: number): number {
  const { start, end, ramp } = segment;
  return Math.min(smootherstep((t - start) / ramp), smootherstep((end - t) / ramp));
}

/** How much of an action is in the pose at time t: 0 at rest, 1 in the middle of one. */
export function actionWeight(motion: Motion, t: number): number {
  // the segments are apart, so at most one weighs in
  return motion.segments.reduce((sum, segment) => sum + segmentWeight(segment, t), 0);
}

const REST: Posture = { rightUpper: deg(8), rightFore: deg(4), leftUpper: deg(8), leftFore: deg(4), lean: 0, shift: 0, drop: 0.004 };

/** A fast extension and a slower return, once per cycle, as a smooth 0..1 pulse. */
function punchPulse(cycles: number): number {
  const phase = cycles - Math.floor(cycles);
  return phase < 0.3 ? smootherstep(phase / 0.3) : 1 - smootherstep((phase - 0.3) / 0.7);
}

/** The posture the action asks for at `cycles` cycles since its start. */
function actionPosture(segment: ActionSegment, body: Body, cycles: number): Posture {
  const a = segment.amplitude;
  const wave = Math.sin(2 * Math.PI * cycles);
  const rise = (1 - Math.cos(2 * Math.PI * cycles)) / 2; // 0 → 1 → 0 each cycle
  switch (segment.action) {
    case 'idle':
      return { ...REST, shift: 0.03 * a * wave, lean: deg(-2 * a * wave), rightFore: deg(4 + 6 * a * rise) };
    case 'wave':
      return { ...REST, rightUpper: deg(100), rightFore: deg(160 + 25 * a * wave) };
    case 'clap': {
      // straight arms swing past the vertical until the hands are about 8 cm apart overhead
      const reach = body.upperArm + body.forearm;
      const together = Math.PI + Math.asin(Math.min(1, (body.halfShoulder - 0.04) / reach));
      const apart = together - deg(55 * a);
      const upper = apart + (together - apart) * rise;
      return { ...REST, rightUpper: upper, rightFore: upper - deg(5), leftUpper: upper, leftFore: upper - deg(5) };
    }
    case 'punch': {
      const out = Math.min(1, a) * punchPulse(cycles);
      return {
        ...REST,
        rightUpper: deg(30 + 60 * out),
        rightFore: deg(-150 + 240 * out),
        leftUpper: deg(30),
        leftFore: deg(-150),
      };
    }
    case 'squat':
      return {
        ...REST,
        drop: 0.004 + 0.3 * a * rise,
        rightUpper: deg(8 + 60 * rise),
        rightFore: deg(4 + 70 * rise),
        leftUpper: deg(8 + 60 * rise),
        leftFore: deg(4 + 70 * rise),
      };
  }
}

const POSTURE_KEYS = Object.keys(REST) as (keyof Posture)[];

function postureAt(motion: Motion, t: number): Posture {
  const posture = { ...REST };
  // apart segments blend in and out of rest one at a time, so the pose stays smooth across them
  for (const segment of motion.segments) {
    const w = segmentWeight(segment, t);
    if (w === 0) continue;
    const target = actionPosture(segment, motion.body, (t - segment.start) * segment.frequency);
    for (const key of POSTURE_KEYS) posture[key] += w * (target[key] - REST[key]);
  }
  ANGLE_KEYS.forEach((key, i) => {
    for (const { amplitude, frequency, phase } of motion.jitter[i]) posture[key] += amplitude * Math.sin(2 * Math.PI * frequency * t + phase);
  });
  return posture;
}

const add = (p: Vec2, length: number, angle: number, side: number): Vec2 => [p[0] + side * length * Math.sin(angle), p[1] - length * Math.cos(angle)];

/** The knee of a two-segment leg from hip to ankle, bending outward (toward `side`). */
function knee(hip: Vec2, ankle: Vec2, thigh: number, shin: number, side: number): Vec2 {
  const dx = ankle[0] - hip[0];
  const dy = ankle[1] - hip[1];
  const reach = Math.hypot(dx, dy);
  // a leg cannot stretch past straight: then the knee sits on the line
  const d = Math.min(reach, thigh + shin - 1e-9);
  const along = (thigh * thigh - shin * shin + d * d) / (2 * d);
  const across = Math.sqrt(Math.max(0, thigh * thigh - along * along));
  const ux = dx / reach;
  const uy = dy / reach;
  // of the two perpendiculars (-uy, ux) and (uy, -ux), take the one pointing to `side`
  const sign = Math.sign(-uy) === Math.sign(side) ? 1 : -1;
  return [hip[0] + along * ux - sign * across * uy, hip[1] + along * uy + sign * across * ux];
}

/** The figure's joints at video time t (seconds). */
export function poseAt(motion: Motion, t: number): Pose {
  const b = motion.body;
  const p = postureAt(motion, t);
  const pelvis: Vec2 = [p.shift, b.thigh + b.shin + b.ankleHeight - p.drop];
  // up the trunk is "down" by a negative length; a lean to the right turns the shoulder line clockwise
  const neck = add(pelvis, -b.trunk, -p.lean, 1);
  const shoulder = (side: number): Vec2 => [neck[0] + side * b.halfShoulder * Math.cos(p.lean), neck[1] - side * b.halfShoulder * Math.sin(p.lean)];
  const head = add(neck, -(b.neck + b.headRadius), -p.lean, 1);
  const rightShoulder = shoulder(-1);
  const leftShoulder = shoulder(1);
  const rightElbow = add(rightShoulder, b.upperArm, p.rightUpper, -1);
  const leftElbow = add(leftShoulder, b.upperArm, p.leftUpper, 1);
  const hip = (side: number): Vec2 => [pelvis[0] + side * b.halfHip, pelvis[1]];
  // the feet stay planted a little wider than the hips
  const ankle = (side: number): Vec2 => [side * b.halfHip * 1.15, b.ankleHeight];
  const foot = (side: number): Vec2 => [side * (b.halfHip * 1.15 + 0.05), 0];
  return {
    head,
    neck,
    pelvis,
    rightShoulder,
    rightElbow,
    rightWrist: add(rightElbow, b.forearm, p.rightFore, -1),
    leftShoulder,
    leftElbow,
    leftWrist: add(leftElbow, b.forearm, p.leftFore, 1),
    rightHip: hip(-1),
    rightKnee: knee(hip(-1), ankle(-1), b.thigh, b.shin, -1),
    rightAnkle: ankle(-1),
    rightFoot: foot(-1),
    leftHip: hip(1),
    leftKnee: knee(hip(1), ankle(1), b.thigh, b.shin, 1),
    leftAnkle: ankle(1),
    leftFoot: foot(1),
  };
}
