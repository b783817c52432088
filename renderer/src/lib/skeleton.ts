/**
 * Drawing skeleton frames. UTD-MHAD's joints are in the Kinect (v1) camera space, in metres; they
 * land on its 320×240 depth image, which is what the depth video shows, through the SDK's pinhole
 * model (about 285.63 px focal length at that size, centre 160, 120). That projection is
 * approximate, but it is the video's own camera. Other skeletons (the demo's world metres) have no
 * known camera: they are drawn orthographically, x right and y up, fitted to their extent.
 */
import type { MethodResult } from '../../../main/shared/contract.ts';
import { float32s } from './floats.ts';

export type SkeletonData = Omit<MethodResult<'skeleton.get'>, 'data'> & { data: Float32Array };

export const decodeSkeleton = (raw: MethodResult<'skeleton.get'>): SkeletonData => ({ ...raw, data: float32s(raw.data) });

export type Point = [number, number];

const KINECT = { width: 320, height: 240, focal: 285.63 };

/** a Kinect camera-space point on the depth image (pixels), or null behind the camera */
function kinectToDepth(x: number, y: number, z: number): Point | null {
  if (!(z > 0.1)) return null;
  return [KINECT.width / 2 + (KINECT.focal * x) / z, KINECT.height / 2 - (KINECT.focal * y) / z];
}

/** the Kinect projection onto a canvas of the video's picture, `width` × `height` pixels */
export function kinectOnto(width: number, height: number): (x: number, y: number, z: number) => Point | null {
  return (x, y, z) => {
    const p = kinectToDepth(x, y, z);
    return p && [(p[0] * width) / KINECT.width, (p[1] * height) / KINECT.height];
  };
}

/** the frame shown at `time` seconds on the skeleton's clock (the video's) */
export const frameAt = (s: SkeletonData, time: number) => Math.max(0, Math.min(s.frames - 1, Math.floor(time * s.rate + 1e-6)));

/** x right, y up, every frame inside a `width` × `height` canvas with a margin */
export function orthographicOnto(s: SkeletonData, width: number, height: number, margin = 12): (x: number, y: number) => Point {
  let [minX, maxX, minY, maxY] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i < s.data.length; i += 3) {
    minX = Math.min(minX, s.data[i]);
    maxX = Math.max(maxX, s.data[i]);
    minY = Math.min(minY, s.data[i + 1]);
    maxY = Math.max(maxY, s.data[i + 1]);
  }
  const scale = Math.min((width - 2 * margin) / Math.max(maxX - minX, 1e-6), (height - 2 * margin) / Math.max(maxY - minY, 1e-6));
  const [cx, cy] = [(minX + maxX) / 2, (minY + maxY) / 2];
  return (x, y) => [width / 2 + (x - cx) * scale, height / 2 - (y - cy) * scale];
}

const sideColor = (name: string) => (name.startsWith('left') ? '#4f8cff' : name.startsWith('right') ? '#ff922b' : '#dee2e6');

/** One frame's bones and joints; the left side blue, the right orange. */
export function drawSkeleton(
  ctx: CanvasRenderingContext2D,
  s: SkeletonData,
  frame: number,
  place: (x: number, y: number, z: number) => Point | null,
  size: number,
): void {
  const base = frame * s.joints * 3;
  const points = Array.from({ length: s.joints }, (_, j) => place(s.data[base + j * 3], s.data[base + j * 3 + 1], s.data[base + j * 3 + 2]));
  ctx.lineCap = 'round';
  ctx.lineWidth = size;
  for (const [a, b] of s.bones) {
    const [pa, pb] = [points[a], points[b]];
    if (!pa || !pb) continue;
    // a bone takes the colour of its outer joint's side
    ctx.strokeStyle = sideColor(s.jointNames[b]);
    ctx.beginPath();
    ctx.moveTo(pa[0], pa[1]);
    ctx.lineTo(pb[0], pb[1]);
    ctx.stroke();
  }
  points.forEach((p, j) => {
    if (!p) return;
    ctx.fillStyle = sideColor(s.jointNames[j]);
    ctx.beginPath();
    ctx.arc(p[0], p[1], size * 0.9, 0, 2 * Math.PI);
    ctx.fill();
  });
}
