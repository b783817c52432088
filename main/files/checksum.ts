import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export async function sha256File(path: string): Promise<{ sha256: string; bytes: number }> {
  const bytes = await readFile(path);
  return { sha256: sha256(bytes), bytes: bytes.byteLength };
}
