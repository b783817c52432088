/**
 * The studio's Content-Security-Policy, the same for the Electron window and the web mode:
 * only the studio's own scripts; `extraConnect` adds the web mode's WebSocket origin. Media comes
 * from the page's origin (web mode: /media/<id>) or Electron's studio-media: scheme.
 */
import { mediaScheme } from '../shared/mediaUrl.ts';

export function contentSecurityPolicy(extraConnect: string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    `media-src 'self' blob: ${mediaScheme}:`,
    ["connect-src 'self'", ...extraConnect].join(' '),
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
