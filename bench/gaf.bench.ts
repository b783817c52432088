/**
 * GAF throughput: 3×N×N images per second for N = 64, 128, 224, one image per UTD-MHAD inertial
 * sequence in turn (acc x, y, z, full length), or generated signals without the dataset.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { gafFromRows, type GafMethod } from '../main/shared/gaf.ts';
import { readMatFile, requireVariable, toRowMajor2D } from '../main/sensors/mat.ts';
import { rate, utdMhadDir } from './data.ts';

interface Sequence {
  rows: number;
  cols: number;
  data: Float64Array;
}

async function realSequences(dir: string): Promise<Sequence[]> {
  const folder = join(dir, 'Inertial');
  const files = (await readdir(folder)).filter((f) => f.endsWith('_inertial.mat')).sort();
  return Promise.all(
    files.map(async (f) => {
      const path = join(folder, f);
      return toRowMajor2D(requireVariable(await readMatFile(path, { only: ['d_iner'] }), 'd_iner', path));
    }),
  );
}

/** Smooth random 3-axis signals of UTD-MHAD-like lengths (107–326 samples). */
function generatedSequences(count: number): Sequence[] {
  let seed = 1;
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  return Array.from({ length: count }, () => {
    const rows = 107 + Math.floor(random() * 220);
    const data = new Float64Array(rows * 3);
    for (let c = 0; c < 3; c++) {
      const f = 0.5 + random() * 3;
      for (let r = 0; r < rows; r++) data[r * 3 + c] = Math.sin((2 * Math.PI * f * r) / 50 + c) + 0.1 * random();
    }
    return { rows, cols: 3, data };
  });
}

export default async function benchGaf(): Promise<void> {
  const dir = utdMhadDir();
  const sequences = dir ? await realSequences(dir) : generatedSequences(861);
  console.log(
    `data: ${dir ? `${sequences.length} UTD-MHAD inertial sequences (${dir})` : `${sequences.length} generated signals (no ../shared/data/utd-mhad)`}`,
  );
  for (const variant of ['pyts', 'vskd'] as const) {
    for (const size of [64, 128, 224]) {
      for (const method of ['summation', 'difference'] as GafMethod[]) {
        const out = new Float32Array(3 * size * size);
        let next = 0;
        const perSecond = await rate(() => {
          const s = sequences[next++ % sequences.length];
          gafFromRows(s.data, s.rows, s.cols, [0, 1, 2], { size, method, variant }, out);
        });
        console.log(
          `gaf ${variant.padEnd(4)} ${method.padEnd(10)} N=${String(size).padEnd(3)} ${perSecond.toFixed(0).padStart(7)} images/s (3×${size}×${size})`,
        );
      }
    }
  }
}
