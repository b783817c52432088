/**
 * UTD-MHAD depth (d_depth: H×W×F millimetres, class double, 0 = no reading) as a grayscale H.264
 * video a browser can play: near is bright, far is dark, and a pixel without a reading is black,
 * darker than any reading, so holes stay distinct after compression.
 */
import { badInput } from '../shared/errors.ts';
import { encodeVideo } from '../media/ffmpeg.ts';
import { probeVideo, type VideoInfo } from '../media/probe.ts';
import { parseMat, readMatBytes, requireVariable, type MatData } from '../sensors/mat.ts';

export const DEPTH_VIDEO = {
  /** the fixed range mapped to gray; UTD-MHAD's readings lie within it (about 2030–3980 mm) */
  nearMm: 2000,
  farMm: 4000,
  nearGray: 255,
  farGray: 48,
  holeGray: 0,
  fps: 30,
} as const;

/** One depth reading (mm) as a gray level. */
export function depthGray(mm: number): number {
  const { nearMm, farMm, nearGray, farGray, holeGray } = DEPTH_VIDEO;
  if (!(mm > 0)) return holeGray; // 0 and NaN: no reading
  const clamped = Math.min(farMm, Math.max(nearMm, mm));
  return Math.round(nearGray + ((clamped - nearMm) / (farMm - nearMm)) * (farGray - nearGray));
}

/** Frame `frame` of a column-major H×W×F array as row-major gray pixels, into `out` (H×W bytes). */
export function depthFrameToGray(depth: MatData, height: number, width: number, frame: number, out: Uint8Array): void {
  const base = frame * width * height;
  for (let c = 0; c < width; c++) {
    const column = base + c * height; // MATLAB order: rows run fastest
    for (let r = 0; r < height; r++) {
      out[r * width + c] = depthGray(depth[column + r]);
    }
  }
}

export interface DepthVideoInfo {
  width: number;
  height: number;
  frames: number;
}

/** Writes `matPath`'s d_depth to `out` (an .mp4); the file appears only once complete. */
export async function transcodeDepth(matPath: string, out: string, opts: { signal?: AbortSignal } = {}): Promise<DepthVideoInfo> {
  const bytes = await readMatBytes(matPath);
  const depth = requireVariable(parseMat(bytes, matPath, { only: ['d_depth'] }), 'd_depth', matPath, { rank: 3 });
  const [height, width, frames] = depth.dims;
  if (frames < 1) throw badInput(matPath, 'd_depth has no frames', { field: 'd_depth' });
  await encodeVideo(
    out,
    { width, height, fps: DEPTH_VIDEO.fps, pixFmt: 'gray', codec: 'h264' },
    async (write) => {
      for (let f = 0; f < frames; f++) {
        // a fresh buffer each frame: the pipe to ffmpeg holds on to what it was given
        const frame = new Uint8Array(width * height);
        depthFrameToGray(depth.data, height, width, f, frame);
        await write(frame);
      }
    },
    { signal: opts.signal },
  );
  return { width, height, frames };
}

/** `out`'s description when it is already a finished transcoding of the expected size (for resuming), else null. */
export async function existingDepthVideo(out: string, expected: DepthVideoInfo): Promise<VideoInfo | null> {
  const info = await probeVideo(out).catch(() => null); // missing or unreadable: make it again
  return info && info.width === expected.width && info.height === expected.height && info.frameCount === expected.frames ? info : null;
}
