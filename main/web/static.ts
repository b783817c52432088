/** The built renderer's files, and nothing outside their folder. */
import { readFile, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

export type StaticFile = { status: 200; body: Buffer; contentType: string } | { status: 400 | 403 | 404; message: string };

/**
 * Finds the file a URL path names inside `rootDir`. The path is decoded here, not by a URL parser,
 * so that an encoded `%2e%2e` is caught as the traversal it is.
 */
export async function readStaticFile(rootDir: string, rawPath: string): Promise<StaticFile> {
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    return { status: 400, message: `path ${JSON.stringify(rawPath)} is not valid percent-encoding` };
  }
  if (path.includes('\0')) return { status: 400, message: 'path: contains a NUL byte' };
  if (path.endsWith('/')) path += 'index.html';
  const root = resolve(rootDir);
  const file = resolve(root, `.${path}`);
  if (!file.startsWith(root + sep)) return { status: 403, message: `path ${JSON.stringify(rawPath)} leaves the renderer folder` };
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) return { status: 404, message: `no file ${JSON.stringify(path)}` };
  return { status: 200, body: await readFile(file), contentType: contentTypes[extname(file).toLowerCase()] ?? 'application/octet-stream' };
}
