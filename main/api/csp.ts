/**
 * The studio's Content-Security-Policy, the same for the Electron window and the web mode:
 * only the studio's own scripts; connections only to the page's own origin (`extraConnect` adds the
 * web mode's WebSocket on that same host); no frames, forms or plugins. Media comes from the page's
 * origin (web mode: /media/<id>) or Electron's studio-media: scheme. renderer/index.html carries the
 * same policy as a meta tag, without frame-ancestors, which only a header can set (test/api/csp.test.ts).
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
    "frame-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
