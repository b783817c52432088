/**
 * Which pages are the studio's own: only they may call the API or stay loaded in its windows.
 * Pages come from the built renderer folder (file://) or, during development, the Vite dev server.
 */
import { pathToFileURL } from 'node:url';

export interface AppOrigins {
  /** out/renderer, the built renderer's folder */
  rendererDir: string;
  /** ELECTRON_RENDERER_URL while developing */
  devServerUrl?: string;
}

export function isAppUrl(url: string, origins: AppOrigins): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (origins.devServerUrl) {
    const dev = new URL(origins.devServerUrl);
    if (parsed.origin === dev.origin) return true;
  }
  if (parsed.protocol !== 'file:') return false;
  const dir = pathToFileURL(origins.rendererDir).href.replace(/\/?$/, '/');
  return parsed.href.startsWith(dir) && !parsed.pathname.includes('/../');
}
