/**
 * Draws a pose of the motion model into an RGB frame: a room (wall, floor), the figure's shadow,
 * its limbs (right side orange, left side blue, so a viewer can tell which arm wears the sensor)
 * and the sensor itself, a small dark box on the right wrist.
 */
import { copyCanvas, createCanvas, drawLine, fillCircle, fillEllipse, fillRect, type Canvas, type Point, type Rgb } from './raster.ts';
import { randomUniform, type Rng } from '../../random.ts';
import type { Joint, Pose, Vec2 } from './skeleton.ts';

/** Where the camera puts the world: metres → pixels. */
export interface View {
  width: number;
  height: number;
  /** pixels per metre */
  scale: number;
  /** the pixel column of x = 0 */
  originX: number;
  /** the pixel row of the floor (y = 0) */
  floorY: number;
  wall: Rgb;
  floor: Rgb;
}

/** A camera placement with some per-recording variation: distance (scale), sideways position, room colour. */
export function makeView(width: number, height: number, rng: Rng): View {
  const floorY = height * randomUniform(rng, 0.9, 0.94);
  // the tallest reach (hands overhead, about 2.3 m for a tall subject) stays in the frame
  const scale = (floorY / 2.35) * randomUniform(rng, 0.85, 1);
  const shade = Math.round(randomUniform(rng, -12, 12));
  return {
    width,
    height,
    scale,
    originX: width * randomUniform(rng, 0.42, 0.58),
    floorY,
    wall: [218 + shade, 214 + shade, 204 + shade],
    floor: [150 + shade, 132 + shade, 112 + shade],
  };
}

export function toPixel(view: View, p: Vec2): Point {
  return [view.originX + p[0] * view.scale, view.floorY - p[1] * view.scale];
}

const COLORS = {
  trunk: [70, 76, 90],
  right: [232, 120, 40],
  left: [50, 110, 200],
  skin: [200, 140, 100],
  shadow: [0, 0, 0],
  sensor: [30, 30, 30],
} satisfies Record<string, Rgb>;

/** The room without anyone in it, drawn once per recording. */
export function renderBackground(view: View): Canvas {
  const canvas = createCanvas(view.width, view.height, view.wall);
  fillRect(canvas, 0, Math.round(view.floorY), view.width, view.height, view.floor);
  return canvas;
}

const LIMBS: [Joint, Joint, keyof typeof COLORS][] = [
  ['leftHip', 'leftKnee', 'left'],
  ['leftKnee', 'leftAnkle', 'left'],
  ['leftAnkle', 'leftFoot', 'left'],
  ['rightHip', 'rightKnee', 'right'],
  ['rightKnee', 'rightAnkle', 'right'],
  ['rightAnkle', 'rightFoot', 'right'],
  ['leftShoulder', 'leftElbow', 'left'],
  ['leftElbow', 'leftWrist', 'left'],
  ['rightShoulder', 'rightElbow', 'right'],
  ['rightElbow', 'rightWrist', 'right'],
];

/** One RGB frame (row-major, interleaved) of the pose in front of `background`. */
export function renderPose(pose: Pose, view: View, background: Canvas, headRadius: number): Uint8Array {
  const canvas = copyCanvas(background);
  const px = (joint: Joint) => toPixel(view, pose[joint]);
  const limb = Math.max(1.5, 0.055 * view.scale);

  // a soft shadow under the figure, half-blended into the floor
  const [shadowX, shadowY] = toPixel(view, [pose.pelvis[0], 0]);
  fillEllipse(canvas, [shadowX, shadowY + 1], 0.32 * view.scale, 0.05 * view.scale, blend(view.floor, COLORS.shadow, 0.35));

  drawLine(canvas, px('rightHip'), px('leftHip'), limb, COLORS.trunk);
  drawLine(canvas, px('pelvis'), px('neck'), 1.8 * limb, COLORS.trunk);
  drawLine(canvas, px('rightShoulder'), px('leftShoulder'), limb, COLORS.trunk);
  for (const [from, to, color] of LIMBS) drawLine(canvas, px(from), px(to), limb, COLORS[color]);
  for (const wrist of ['leftWrist', 'rightWrist'] as const) fillCircle(canvas, px(wrist), 0.8 * limb, COLORS.skin);
  fillCircle(canvas, px('head'), headRadius * view.scale, COLORS.skin);

  // the wrist-worn sensor: a short dark band across the forearm just above the wrist
  const [wx, wy] = px('rightWrist');
  const [ex, ey] = px('rightElbow');
  const along = Math.hypot(ex - wx, ey - wy) || 1;
  const [cx, cy] = [wx + ((ex - wx) / along) * limb * 1.1, wy + ((ey - wy) / along) * limb * 1.1];
  drawLine(
    canvas,
    [cx - ((ey - wy) / along) * limb * 0.7, cy + ((ex - wx) / along) * limb * 0.7],
    [cx + ((ey - wy) / along) * limb * 0.7, cy - ((ex - wx) / along) * limb * 0.7],
    limb * 0.8,
    COLORS.sensor,
  );
  return canvas.data;
}

function blend(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}
