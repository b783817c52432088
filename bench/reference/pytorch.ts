/**
 * The PyTorch reference of `npm run bench -- models`: runs bench/reference/step.py (one thread) for one
 * case and returns its samples/s, or why it cannot run (no python3 with torch on this machine).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export type ReferenceCase =
  { model: 'student'; width: number; size: number; batch: number; steps: number } | { model: 'teacher'; batch: number; steps: number };

const SCRIPT = fileURLToPath(new URL('./step.py', import.meta.url));
/** Debian's python3-torch lives in the system python, which a pyenv shim on PATH may hide */
const PYTHONS = ['/usr/bin/python3', 'python3'];

let python: string | null | undefined;

function pythonWithTorch(): string | null {
  python ??=
    PYTHONS.find((candidate) => {
      try {
        execFileSync(candidate, ['-c', 'import torch'], { stdio: 'ignore' });
        return true;
      } catch {
        return false;
      }
    }) ?? null;
  return python;
}

/** Samples/s of PyTorch's step on one thread, or a string saying why there is none. */
export function referenceSamplesPerSecond(reference: ReferenceCase): number | string {
  const interpreter = pythonWithTorch();
  if (!interpreter) return 'no python3 with torch';
  const out = execFileSync(interpreter, [SCRIPT, JSON.stringify([reference])], { encoding: 'utf8' });
  return (JSON.parse(out.trim().split('\n').at(-1)!) as { samplesPerSecond: number }).samplesPerSecond;
}
