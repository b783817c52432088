import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StudioError } from '../../main/shared/errors.ts';
import { gafChannel } from '../../main/shared/gaf.ts';
import { gafWindow, sampleWindow, type SampledChannels } from '../../main/shared/gafWindow.ts';

/** 10 Hz rows of (t, −2t): a ramp and its mirror */
function ramp(rows: number, times: Float64Array | null = null): SampledChannels {
  const t = (row: number) => (times ? times[row] : row / 10);
  return { rows, rate: 10, times, channels: 2, at: (row, c) => (c === 0 ? t(row) : -2 * t(row)) };
}

const close = (actual: ArrayLike<number>, expected: number[], tolerance = 1e-9) =>
  expected.forEach((v, k) => assert.ok(Math.abs(actual[k] - v) <= tolerance, `[${k}]: ${actual[k]} against ${v}`));

describe('gafWindow', () => {
  it('samples the window at the centres of its steps, interpolating between rows and holding the edge rows', () => {
    close(sampleWindow(ramp(20), 0.5, 0.1, 3), [0.55, -1.1, 0.65, -1.3, 0.75, -1.5]);
    // before the first row and after the last (row 19 at 1.9 s)
    close(sampleWindow(ramp(20), -1, 1, 1), [0, 0]);
    close(sampleWindow(ramp(20), 1.9, 1, 2), [1.9, -3.8, 1.9, -3.8]);
    // rows with their own timestamps: 0, 1, 3 s
    close(sampleWindow(ramp(3, Float64Array.from([0, 1, 3])), 1.5, 1, 1), [2, -4]);
  });

  it('is the GAF of the seconds around the centre, one sample per period of the stream', () => {
    const g = gafWindow(ramp(100), 3, 2, 8, 'summation');
    assert.deepEqual([g.start, g.end, g.samples], [2, 4, 20]);
    assert.equal(g.values.length, 2 * 8 * 8);
    const window = Array.from({ length: 20 }, (_, k) => 2 + (k + 0.5) * 0.1);
    close(g.values.subarray(0, 64), [...gafChannel(window, { size: 8, method: 'summation' })], 1e-6);
    close(
      g.values.subarray(64),
      [
        ...gafChannel(
          window.map((v) => -2 * v),
          { size: 8, method: 'summation' },
        ),
      ],
      1e-6,
    );
  });

  it('refuses a stream with no rows', () => {
    assert.throws(
      () => gafWindow(ramp(0), 1, 1, 4, 'difference'),
      (err) => err instanceof StudioError && err.code === 'BAD_INPUT' && /no samples/.test(err.message),
    );
  });
});
