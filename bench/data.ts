import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** ../shared/data/utd-mhad beside the project, when this machine has it. */
export function utdMhadDir(): string | null {
  const dir = fileURLToPath(new URL('../../shared/data/utd-mhad', import.meta.url));
  return existsSync(dir) ? dir : null;
}

/** Runs `work` repeatedly for at least `seconds`; returns calls per second. */
export async function rate(work: () => unknown, seconds = 1.5): Promise<number> {
  await work(); // warm-up
  let calls = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) {
    await work();
    calls++;
  }
  return calls / ((performance.now() - start) / 1000);
}
