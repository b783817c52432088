import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gafChannel, gafFromRows, gafImage, minMaxScale, paa, resampleLinear, type GafOptions } from '../../main/shared/gaf.ts';
import { invalidArgument } from '../helpers/errors.ts';

const TOL = 1e-5;
const COS30 = Math.cos(Math.PI / 6);

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = TOL, what = 'value'): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let k = 0; k < expected.length; k++) {
    const diff = Math.abs(actual[k] - expected[k]);
    assert.ok(diff <= tol, `${what}[${k}]: ${actual[k]} vs ${expected[k]} (diff ${diff})`);
  }
}

/** Deterministic pseudo-random series (mulberry32), so failures reproduce. */
function randomSeries(n: number, seed: number): Float64Array {
  let a = seed >>> 0;
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[k] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 20 - 7;
  }
  return out;
}

/** Direct (slow) definition: PAA by exact floor(k·n/size) bounds, φ = arccos, cos(φi+φj) / sin(φi−φj). */
type Method = GafOptions['method'];

function referenceGaf(x: ArrayLike<number>, size: number, method: Method, range: [number, number] = [-1, 1]): number[] {
  const n = x.length;
  const values: number[] = [];
  if (size >= n) values.push(...Array.from(x));
  else {
    for (let k = 0; k < size; k++) {
      const start = Math.floor((k * n) / size);
      const end = Math.floor(((k + 1) * n) / size);
      let sum = 0;
      for (let t = start; t < end; t++) sum += x[t];
      values.push(sum / (end - start));
    }
  }
  const min = Math.min(...values);
  const max = Math.max(...values);
  const scaled = values.map((v) => ((v - min) / (max - min)) * (range[1] - range[0]) + range[0]);
  const phi = scaled.map((v) => Math.acos(Math.max(-1, Math.min(1, v))));
  const image: number[] = [];
  for (const pi of phi) for (const pj of phi) image.push(method === 'summation' ? Math.cos(pi + pj) : Math.sin(pi - pj));
  return image;
}

/** 2-D bilinear resize of an n×n image with half-pixel centres, pixel by pixel. */
function bilinearResize(image: readonly number[], n: number, size: number): number[] {
  const sample = (d: number): [number, number, number] => {
    const src = Math.min(n - 1, Math.max(0, ((d + 0.5) * n) / size - 0.5));
    const i0 = Math.min(Math.floor(src), n - 1);
    const i1 = Math.min(i0 + 1, n - 1);
    return [i0, i1, src - i0];
  };
  const resized: number[] = [];
  for (let r = 0; r < size; r++) {
    const [r0, r1, tr] = sample(r);
    for (let q = 0; q < size; q++) {
      const [q0, q1, tq] = sample(q);
      const top = image[r0 * n + q0] * (1 - tq) + image[r0 * n + q1] * tq;
      const bottom = image[r1 * n + q0] * (1 - tq) + image[r1 * n + q1] * tq;
      resized.push(top * (1 - tr) + bottom * tr);
    }
  }
  return resized;
}

/** The vskd variant the slow way: full n×n, rescale to [0, 1], GADF negated, 2-D bilinear resize. */
function referenceVskd(x: ArrayLike<number>, size: number, method: Method, range: [number, number] = [-1, 1]): number[] {
  const n = x.length;
  const raw = referenceGaf(x, n, method, range).map((v) => (method === 'difference' ? -v : v));
  const min = Math.min(...raw);
  const max = Math.max(...raw);
  // a range of rounding noise (e.g. sin(π) for a two-valued series) counts as a constant image
  if (max - min < 1e-9) return new Array<number>(size * size).fill(0.5);
  return bilinearResize(
    raw.map((v) => (v - min) / (max - min)),
    n,
    size,
  );
}

describe('paa', () => {
  it('averages equal windows when size divides n (9 → 3)', () => {
    assertClose(paa([0, 1, 2, 3, 4, 5, 6, 7, 8], 3), [1, 4, 7]);
  });

  it('uses floor(linspace(0, n, size + 1)) bounds when size does not divide n', () => {
    // n = 7: bounds [0, 2, 4, 7]; n = 10: bounds [0, 3, 6, 10]
    assertClose(paa([0, 1, 2, 3, 4, 5, 6], 3), [0.5, 2.5, 5]);
    assertClose(paa([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 3), [1, 4, 7.5]);
  });

  it('uses equal, shifted windows when overlapping', () => {
    // n = 10, size 3: w = 4, shifts floor(linspace(0, 2, 3)) = [0, 1, 2] → [0,4), [3,7), [6,10)
    assertClose(paa([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 3, true), [1.5, 4.5, 7.5]);
    assertClose(paa([0, 1, 2, 3, 4, 5, 6, 7, 8], 3, true), [1, 4, 7]);
  });

  it('leaves the series unchanged when size ≥ n', () => {
    const x = [3, -1, 4, 1.5];
    assertClose(paa(x, 4), x, 0);
    assertClose(paa(x, 10), x, 0);
    assertClose(paa(x, 10, true), x, 0);
  });

  it('rejects a bad size, an empty series and NaN', () => {
    assert.throws(() => paa([1, 2], 0), invalidArgument('size'));
    assert.throws(() => paa([1, 2], 1.5), invalidArgument('size'));
    assert.throws(() => paa([], 2), invalidArgument('x'));
    assert.throws(() => paa([1, NaN, 2], 2), invalidArgument('x', /x\[1\] is NaN/));
  });
});

describe('minMaxScale', () => {
  it('maps the extremes onto the range and a constant series onto its midpoint', () => {
    assertClose(minMaxScale(Float64Array.from([2, 4, 3]), -1, 1), [-1, 1, 0], 0);
    assertClose(minMaxScale(Float64Array.from([5, 5, 5]), -1, 1), [0, 0, 0], 0);
    assertClose(minMaxScale(Float64Array.from([5, 5]), 0, 1), [0.5, 0.5], 0);
  });
});

describe('gafChannel golden vectors (pyts)', () => {
  const gasf = [1, 0, -1, 0, -1, 0, -1, 0, 1];
  const gadf = [0, 1, 0, -1, 0, 1, 0, -1, 0];

  it('x = [-1, 0, 1], size 3', () => {
    assertClose(gafChannel([-1, 0, 1], { size: 3, method: 'summation' }), gasf);
    assertClose(gafChannel([-1, 0, 1], { size: 3, method: 'difference' }), gadf);
  });

  it('x = 0…8, size 3, overlapping or not', () => {
    const x = [0, 1, 2, 3, 4, 5, 6, 7, 8];
    for (const overlapping of [false, true]) {
      assertClose(gafChannel(x, { size: 3, method: 'summation', overlapping }), gasf);
      assertClose(gafChannel(x, { size: 3, method: 'difference', overlapping }), gadf);
    }
  });

  it('sampleRange (0, 1)', () => {
    const opts = { size: 3, sampleRange: [0, 1] as [number, number] };
    assertClose(gafChannel([-1, 0, 1], { ...opts, method: 'summation' }), [-1, -COS30, 0, -COS30, -0.5, 0.5, 0, 0.5, 1]);
    assertClose(gafChannel([-1, 0, 1], { ...opts, method: 'difference' }), [0, 0.5, 1, -0.5, 0, COS30, -1, -COS30, 0]);
  });
});

describe('gafChannel on random data', () => {
  const cases: [number, number][] = [
    [200, 64],
    [50, 7],
    [37, 37],
    [10, 3],
  ];
  for (const [n, size] of cases) {
    it(`matches the arccos/cos definition (n = ${n}, size = ${size})`, () => {
      const x = randomSeries(n, n * 31 + size);
      for (const method of ['summation', 'difference'] as const) {
        assertClose(gafChannel(x, { size, method }), referenceGaf(x, size, method), TOL, method);
        assertClose(gafChannel(x, { size, method, sampleRange: [-0.5, 0.8] }), referenceGaf(x, size, method, [-0.5, 0.8]), TOL, `${method} in [-0.5, 0.8]`);
      }
    });
  }

  it('resizes the n×n image up when there are fewer samples than size (pyts raises here)', () => {
    const n = 30;
    const x = randomSeries(n, 5);
    for (const method of ['summation', 'difference'] as const) {
      const upsampled = gafChannel(x, { size: 77, method });
      assertClose(upsampled, bilinearResize(referenceGaf(x, n, method), n, 77), TOL, method);
      for (const v of upsampled) assert.ok(v >= -1 && v <= 1);
    }
  });

  it('GASF is symmetric, GADF antisymmetric, all values in [-1, 1]', () => {
    const x = randomSeries(200, 7);
    const size = 64;
    const gasf = gafChannel(x, { size, method: 'summation' });
    const gadf = gafChannel(x, { size, method: 'difference' });
    for (let i = 0; i < size; i++) {
      assert.equal(gadf[i * size + i], 0);
      for (let j = 0; j < size; j++) {
        assert.equal(gasf[i * size + j], gasf[j * size + i]);
        assert.ok(gadf[i * size + j] === -gadf[j * size + i], `gadf[${i}, ${j}]`);
      }
    }
    for (const v of [...gasf, ...gadf]) assert.ok(v >= -1 && v <= 1, `${v} outside [-1, 1]`);
  });

  it('returns a Float32Array of size²', () => {
    const image = gafChannel(randomSeries(30, 1), { size: 8, method: 'summation' });
    assert.ok(image instanceof Float32Array);
    assert.equal(image.length, 64);
  });
});

describe('constant channel', () => {
  it('scales to the midpoint of sampleRange: GASF cos(2φ), GADF 0', () => {
    const x = [4, 4, 4, 4, 4, 4];
    // midpoint 0 → φ = π/2 → GASF = cos π = −1
    assertClose(gafChannel(x, { size: 3, method: 'summation' }), new Array(9).fill(-1));
    assertClose(gafChannel(x, { size: 3, method: 'difference' }), new Array(9).fill(0));
    // midpoint 0.5 → φ = π/3 → GASF = cos(2π/3) = −0.5
    assertClose(gafChannel(x, { size: 2, method: 'summation', sampleRange: [0, 1] }), [-0.5, -0.5, -0.5, -0.5]);
  });

  it('becomes 0.5 everywhere in the vskd variant', () => {
    const x = new Array(20).fill(-3);
    for (const method of ['summation', 'difference'] as const) {
      assertClose(gafChannel(x, { size: 5, method, variant: 'vskd' }), new Array(25).fill(0.5), 0);
    }
  });
});

describe('gafImage and gafFromRows', () => {
  const signal = [randomSeries(200, 1), randomSeries(200, 2), randomSeries(200, 3)];

  it('stacks channels channel-major (C × N × N)', () => {
    const opts: GafOptions = { size: 16, method: 'summation' };
    const image = gafImage(signal, opts);
    assert.equal(image.length, 3 * 16 * 16);
    signal.forEach((x, ch) => assert.deepEqual(image.subarray(ch * 256, (ch + 1) * 256), gafChannel(x, opts)));
  });

  it('renders many images into one reusable buffer', () => {
    const opts: GafOptions = { size: 8, method: 'difference' };
    const perImage = 3 * 8 * 8;
    const batch = new Float32Array(2 * perImage).fill(99);
    const first = gafImage(signal, opts, batch, 0);
    const second = gafImage([signal[2], signal[1], signal[0]], opts, batch, perImage);
    assert.equal(first.buffer, batch.buffer);
    assert.equal(second.byteOffset, perImage * 4);
    assert.deepEqual(batch.subarray(0, perImage), gafImage(signal, opts));
    assert.deepEqual(batch.subarray(perImage), gafImage([signal[2], signal[1], signal[0]], opts));
    // a second render into the same place overwrites every value
    gafImage(signal, opts, batch, perImage);
    assert.deepEqual(batch.subarray(perImage), batch.subarray(0, perImage));
  });

  it('writes one channel at an offset and returns a view of it', () => {
    const out = new Float32Array(100).fill(7);
    const view = gafChannel([-1, 0, 1], { size: 3, method: 'summation' }, out, 10);
    assert.equal(view.length, 9);
    assert.equal(view.byteOffset, 40);
    assert.equal(out[9], 7);
    assert.equal(out[19], 7);
    assertClose(view, [1, 0, -1, 0, -1, 0, -1, 0, 1]);
  });

  it('reads selected columns of a row-major matrix like gafImage', () => {
    const rows = 200;
    const cols = 6;
    const data = new Float64Array(rows * cols);
    for (let t = 0; t < rows; t++) for (let c = 0; c < cols; c++) data[t * cols + c] = c < 3 ? signal[c][t] : -t;
    for (const variant of ['pyts', 'vskd'] as const) {
      const opts: GafOptions = { size: 24, method: 'difference', variant };
      assert.deepEqual(gafFromRows(data, rows, cols, [0, 1, 2], opts), gafImage(signal, opts));
      const single = Float32Array.from(signal[2]);
      assert.deepEqual(gafFromRows(Float32Array.from(data), rows, cols, [2], opts), gafImage([single], opts));
    }
  });
});

describe('vskd variant', () => {
  it('equals the slow definition (full n×n, rescale, negated GADF, bilinear resize)', () => {
    for (const [n, size] of [
      [120, 64],
      [40, 96],
      [50, 50],
    ] as const) {
      const x = randomSeries(n, n + size);
      for (const method of ['summation', 'difference'] as const) {
        const image = gafChannel(x, { size, method, variant: 'vskd' });
        assertClose(image, referenceVskd(x, size, method), TOL, `${method} ${n}→${size}`);
      }
    }
  });

  it('finds the full image range exactly (small series, many seeds, other sample ranges)', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const n = 2 + (seed % 11);
      const x = randomSeries(n, seed);
      const range: [number, number] = seed % 3 === 0 ? [-1, 1] : seed % 3 === 1 ? [0, 1] : [-0.9, 0.3];
      for (const method of ['summation', 'difference'] as const) {
        const image = gafChannel(x, { size: n, method, variant: 'vskd', sampleRange: range });
        assertClose(image, referenceVskd(x, n, method, range), TOL, `seed ${seed} ${method}`);
      }
    }
  });

  it('spans exactly [0, 1] and negates GADF relative to pyts', () => {
    const n = 40;
    const x = randomSeries(n, 11);
    for (const method of ['summation', 'difference'] as const) {
      const vskd = gafChannel(x, { size: n, method, variant: 'vskd' });
      const pyts = gafChannel(x, { size: n, method });
      assert.equal(Math.min(...vskd), 0);
      assert.equal(Math.max(...vskd), 1);
      // vskd = (±g − min) / (max − min), with GADF negated
      const signed = Array.from(pyts, (g) => (method === 'difference' ? -g : g));
      const [lo, hi] = [Math.min(...signed), Math.max(...signed)];
      assertClose(
        vskd,
        signed.map((g) => (g - lo) / (hi - lo)),
        TOL,
        method,
      );
    }
    const vskdGadf = gafChannel([-1, 0, 1], { size: 3, method: 'difference', variant: 'vskd' });
    // pyts GADF [[0, 1, 0], [-1, 0, 1], [0, -1, 0]] negated and mapped from [-1, 1] to [0, 1]
    assertClose(vskdGadf, [0.5, 0, 0.5, 1, 0.5, 0, 0.5, 1, 0.5]);
  });

  it('stays within [0, 1] after resizing up and down', () => {
    for (const [n, size] of [
      [326, 224],
      [107, 224],
    ] as const) {
      const channels = [randomSeries(n, 1), randomSeries(n, 2), randomSeries(n, 3)];
      const image = gafImage(channels, { size, method: 'difference', variant: 'vskd' });
      let min = Infinity;
      let max = -Infinity;
      for (const v of image) {
        if (v < min) min = v;
        if (v > max) max = v;
      }
      assert.ok(min >= 0 && max <= 1, `[${min}, ${max}]`);
    }
  });

  it('accepts fewer samples than size (it resizes)', () => {
    assert.equal(gafChannel([1, 2, 3], { size: 10, method: 'summation', variant: 'vskd' }).length, 100);
  });

  it('resamples a vector bilinearly with half-pixel centres', () => {
    assertClose(resampleLinear(Float64Array.from([0, 1]), 4), [0, 0.25, 0.75, 1]);
    assertClose(resampleLinear(Float64Array.from([0, 1, 2, 3]), 2), [0.5, 2.5]);
  });
});

describe('invalid arguments', () => {
  const x = [1, 2, 3, 4];
  it('names the option at fault', () => {
    assert.throws(() => gafChannel(x, { size: 0, method: 'summation' }), invalidArgument('size'));
    assert.throws(() => gafChannel(x, { size: 2.5, method: 'summation' }), invalidArgument('size'));
    assert.throws(() => gafChannel(x, { size: 2, method: 'sum' as never }), invalidArgument('method'));
    assert.throws(() => gafChannel(x, { size: 2, method: 'summation', variant: 'matlab' as never }), invalidArgument('variant'));
    assert.throws(() => gafChannel(x, { size: 2, method: 'summation', sampleRange: [1, -1] }), invalidArgument('sampleRange'));
    assert.throws(() => gafChannel(x, { size: 2, method: 'summation', sampleRange: [-2, 1] }), invalidArgument('sampleRange'));
    assert.throws(() => gafChannel(x, { size: 2, method: 'summation', sampleRange: [0, NaN] }), invalidArgument('sampleRange'));
  });

  it('rejects empty series and channel lists', () => {
    assert.throws(() => gafChannel([], { size: 1, method: 'summation' }), invalidArgument('x', /x has no samples/));
    assert.throws(() => gafImage([x, []], { size: 3, method: 'summation' }), invalidArgument('channels', /channels\[1\] has no samples/));
    assert.throws(() => gafImage([], { size: 3, method: 'summation' }), invalidArgument('channels'));
  });

  it('rejects non-finite samples naming the channel and sample', () => {
    assert.throws(() => gafChannel([1, 2, Infinity], { size: 2, method: 'summation' }), invalidArgument('x', /x\[2\] is Infinity/));
    assert.throws(
      () => gafImage([x, [1, 2, 3, 4, 5, NaN, 7]], { size: 2, method: 'difference', variant: 'vskd' }),
      invalidArgument('channels', /channels\[1\]\[5\] is NaN/),
    );
    const out = new Float32Array(2 * 4).fill(7);
    assert.throws(() => gafImage([x, [1, NaN]], { size: 2, method: 'summation' }, out), invalidArgument('channels'));
    assert.deepEqual(out, new Float32Array(8).fill(7), 'a rejected call writes nothing');
    const data = Float64Array.from({ length: 20 * 4 }, (_, k) => k);
    data[17 * 4 + 2] = NaN;
    assert.throws(() => gafFromRows(data, 20, 4, [0, 2], { size: 4, method: 'summation' }), invalidArgument('data', /row 17, column 2 is NaN/));
  });

  it('rejects a bad matrix shape, column or output buffer', () => {
    const data = new Float64Array(12);
    const opts: GafOptions = { size: 2, method: 'summation' };
    assert.throws(() => gafFromRows(data, 5, 3, [0], opts), invalidArgument('data'));
    assert.throws(() => gafFromRows(data, 4, 3, [3], opts), invalidArgument('columns'));
    assert.throws(() => gafFromRows(data, 4, 3, [], opts), invalidArgument('columns'));
    assert.throws(() => gafFromRows(data, 0, 3, [0], opts), invalidArgument('rows'));
    assert.throws(() => gafImage([x, x], opts, new Float32Array(7)), invalidArgument('out'));
    assert.throws(() => gafImage([x], opts, new Float32Array(8), 5), invalidArgument('out'));
    assert.throws(() => gafImage([x], opts, new Float64Array(8) as never), invalidArgument('out'));
    assert.throws(() => gafImage([x], opts, new Float32Array(8), -1), invalidArgument('outOffset'));
  });
});
