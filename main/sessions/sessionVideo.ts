/**
 * A recording's video as its 'video' stream: the original file, referenced with its SHA-256 and
 * decoded for training as it is, described by ffprobe. Its width and height are as shown (upright);
 * the stored ones and the rotation are kept beside them. needsProxy marks a video Chromium cannot
 * play until its proxy (main/media/proxy.ts) is made and set as meta.playbackPath.
 */
import { probeVideo, displaySize, type VideoInfo } from '../media/probe.ts';
import { proxyNeed, type ProxyNeed } from '../media/proxy.ts';
import type { SourceInput, StreamInput } from '../store/recordings.ts';
import { sha256File } from '../files/checksum.ts';

export const VIDEO_ROLE = 'video';

export interface VideoRead {
  info: VideoInfo;
  need: ProxyNeed;
  source: SourceInput;
  stream: StreamInput;
}

/** The probe alone: what a preview shows. */
export async function probeSessionVideo(path: string, signal?: AbortSignal): Promise<{ info: VideoInfo; need: ProxyNeed }> {
  const info = await probeVideo(path, { signal });
  return { info, need: proxyNeed(path, info) };
}

export async function readSessionVideo(path: string, signal?: AbortSignal): Promise<VideoRead> {
  const { info, need } = await probeSessionVideo(path, signal);
  const shown = displaySize(info);
  return {
    info,
    need,
    source: { role: VIDEO_ROLE, path, ...(await sha256File(path, signal)) },
    stream: {
      kind: 'video',
      name: 'video',
      rate: info.fps,
      length: info.frameCount,
      meta: {
        path,
        width: shown.width,
        height: shown.height,
        codedWidth: info.width,
        codedHeight: info.height,
        rotation: info.rotation,
        codec: info.codec,
        pixFmt: info.pixFmt,
        duration: info.duration,
        startTime: info.startTime,
        needsProxy: need !== 'none',
      },
      sourceRole: VIDEO_ROLE,
    },
  };
}
