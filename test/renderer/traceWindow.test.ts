/**
 * What a trace plot shows of a loaded stream: per-pixel min and max exactly those of the samples in
 * each pixel's time range, the rows themselves once zoomed in, and buffers kept from view to view.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildPyramid } from '../../renderer/src/lib/minmaxPyramid.ts';
import { TraceWindow } from '../../renderer/src/lib/traceWindow.ts';

const RATE = 100;
const ROWS = 60 * RATE;
/** channel c at row r, as float32 */
const synthetic = (r: number, c: number) => Math.fround(Math.sin((2 * Math.PI * r) / (50 + 17 * c)) * (c + 1) + (r % 7 === 0 ? 0.5 : 0));
const regular = { rows: ROWS, rate: RATE, times: null };
const pyramids = [0, 1, 2].map((c) => buildPyramid(Float32Array.from({ length: ROWS }, (_, r) => synthetic(r, c))));

describe('trace window', () => {
  it('over two rows a pixel: each pixel the min and max of the rows in its time range, NaN off the stream', () => {
    const window = new TraceWindow();
    const [start, end, pixels] = [-5, 65, 300];
    window.update(regular, pyramids, start, end, pixels);
    assert.equal(window.mode, 'minmax');
    const width = (end - start) / pixels;
    let [lo, hi] = [Infinity, -Infinity];
    for (let p = 0; p < pixels; p++) {
      const rows: number[] = [];
      for (let r = 0; r < ROWS; r++) {
        const t = r / RATE;
        if (t >= start + p * width - 1e-9 && (p === pixels - 1 ? t < end : t < start + (p + 1) * width - 1e-9)) rows.push(r);
      }
      for (let c = 0; c < 3; c++) {
        const [min, max] = [window.min[c * pixels + p], window.max[c * pixels + p]];
        if (rows.length === 0) {
          assert.ok(Number.isNaN(min) && Number.isNaN(max), `pixel ${p} before or after the stream is empty`);
          continue;
        }
        const values = rows.map((r) => synthetic(r, c));
        assert.equal(min, Math.min(...values), `min of pixel ${p}, channel ${c}`);
        assert.equal(max, Math.max(...values), `max of pixel ${p}, channel ${c}`);
        [lo, hi] = [Math.min(lo, min), Math.max(hi, max)];
      }
    }
    assert.deepEqual([window.lo, window.hi], [lo, hi], 'the range in view over every channel');
  });

  it('at two rows a pixel or fewer: the rows in view and one more on each side', () => {
    const window = new TraceWindow();
    window.update(regular, [pyramids[2]], 10.005, 10.503, 400);
    assert.equal(window.mode, 'raw');
    assert.deepEqual([window.first, window.end], [1000, 1052], 'from the row before 10.005 s to the row after 10.503 s');
    const values = Array.from({ length: 52 }, (_, k) => synthetic(1000 + k, 2));
    assert.deepEqual([window.lo, window.hi], [Math.min(...values), Math.max(...values)]);

    window.update(regular, [pyramids[0]], 59.9, 70, 400);
    assert.deepEqual([window.first, window.end], [5989, ROWS], 'never past the last row');
  });

  it('cuts an irregular stream by its own times', () => {
    const times = Float64Array.from({ length: 200 }, (_, r) => (r * r) / 2000);
    const window = new TraceWindow();
    window.update({ rows: 200, rate: 100, times }, [buildPyramid(Float32Array.from(times))], 1, 2, 100);
    assert.equal(window.mode, 'raw', 'few rows: raw');
    assert.ok(times[window.first] < 1 && times[window.first + 1] >= 1, 'starts one row before 1 s');
    assert.ok(times[window.end - 1] > 2 && times[window.end - 2] <= 2, 'ends one row after 2 s');
  });

  it('keeps its buffers when the view changes within their size', () => {
    const window = new TraceWindow();
    window.update(regular, pyramids, 0, 60, 800);
    const [bounds, min, max] = [window.bounds, window.min, window.max];
    window.update(regular, pyramids, 0, 30, 600);
    window.update(regular, pyramids, 20, 21, 800);
    assert.ok(window.bounds === bounds && window.min === min && window.max === max, 'zooming allocates no buffer');
  });
});
