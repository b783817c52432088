/**
 * Where the page finds a video stream's file; no Node imports, the renderer bundles it.
 * Media is addressed by stream id only, so no URL can name an arbitrary path.
 */

/** Electron's privileged scheme: studio-media://media/<streamId> (main/index.ts) */
export const mediaScheme = 'studio-media';

/**
 * The fixed host of the scheme's URLs: a standard scheme parses a bare number as an IPv4 host
 * (studio-media://12 → 0.0.0.12), so the id goes in the path.
 */
export const mediaHost = 'media';

export function electronMediaUrl(streamId: number): string {
  return `${mediaScheme}://${mediaHost}/${streamId}`;
}

/** the web mode's route (main/web/server.ts); a <video> cannot send headers, so the token rides in the query */
export function webMediaUrl(origin: string, streamId: number, token: string): string {
  return `${origin}/media/${streamId}?token=${encodeURIComponent(token)}`;
}
