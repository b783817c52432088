/**
 * `npm run bench`: runs every bench/*.bench.ts in turn (or those whose name contains an argument)
 * and prints its figures. Each module's default export is an async function that prints.
 * Real UTD-MHAD data is used when ../shared/data/utd-mhad is present.
 */
import { readdirSync } from 'node:fs';
import { arch, cpus, loadavg, platform, totalmem } from 'node:os';

const dir = new URL('./', import.meta.url);
const filters = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

console.log(
  `machine: ${cpus()[0]?.model ?? 'unknown cpu'} × ${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${platform()} ${arch()}, node ${process.version}, load average ${loadavg()[0].toFixed(1)}`,
);
for (const file of files) {
  console.log(`\n## ${file.replace('.bench.ts', '')}`);
  const { default: run } = (await import(new URL(file, dir).href)) as { default: () => Promise<void> };
  await run();
}
