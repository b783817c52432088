import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StudioError } from '../../main/shared/errors.ts';
import { fitAnchors } from '../../main/shared/anchors.ts';
import { videoToSensor } from '../../main/shared/clockModel.ts';

const close = (actual: number, expected: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} is not within ${tolerance} of ${expected}`);

function invalidAt(field: string, message: RegExp) {
  return (err: StudioError) => {
    assert.equal(err.code, 'INVALID_ARGUMENT');
    assert.equal(err.detail.field, field);
    assert.match(err.message, message);
    return true;
  };
}

describe('anchor fit', () => {
  it('recovers an exact model with zero residuals', () => {
    const truth = { offset: 2.5, drift: 250e-6 };
    const anchors = [1.2, 45, 130.7, 301].map((video) => ({ video, sensor: videoToSensor(truth, video) }));
    const fit = fitAnchors(anchors);
    close(fit.model.offset, 2.5, 1e-9, 'offset');
    close(fit.model.drift, 250e-6, 1e-12, 'drift');
    assert.equal(fit.residuals.length, 4);
    for (const r of fit.residuals) close(r, 0, 1e-9, 'residual');
    close(fit.rms, 0, 1e-9, 'rms');
    assert.equal(fit.driftFitted, true);
  });

  it('fits the least-squares line and reports what it cannot explain', () => {
    // sensor − video = 1, 3, 2 at video 0, 1, 2: the line 1.5 + 0.5 t, residuals −0.5, +1, −0.5
    const fit = fitAnchors([
      { video: 0, sensor: 1 },
      { video: 1, sensor: 4 },
      { video: 2, sensor: 4 },
    ]);
    close(fit.model.offset, 1.5, 1e-12, 'offset');
    close(fit.model.drift, 0.5, 1e-12, 'drift');
    [-0.5, 1, -0.5].forEach((r, i) => close(fit.residuals[i], r, 1e-12, `residual ${i}`));
    close(fit.rms, Math.sqrt(0.5), 1e-12, 'rms');
  });

  it('takes the two anchors of the command-line example', () => {
    const fit = fitAnchors([
      { video: 1.2, sensor: 3.71 },
      { video: 45.0, sensor: 47.52 },
    ]);
    close(fit.model.drift, 0.01 / 43.8, 1e-12, 'drift'); // 228.3 ppm
    close(fit.model.offset, 3.71 - 1.2 * (1 + 0.01 / 43.8), 1e-12, 'offset');
    for (const r of fit.residuals) close(r, 0, 1e-12, 'residual');
  });

  it('fits the offset only from one anchor, and says so', () => {
    const fit = fitAnchors([{ video: 10, sensor: 7.5 }]);
    assert.deepEqual(fit.model, { offset: -2.5, drift: 0 });
    assert.deepEqual(fit.residuals, [0]);
    assert.equal(fit.driftFitted, false);
  });

  it('refuses no anchors, non-finite times and repeated video times, naming the anchor', () => {
    assert.throws(() => fitAnchors([]), invalidAt('anchors', /at least one/));
    assert.throws(
      () =>
        fitAnchors([
          { video: 1, sensor: 2 },
          { video: NaN, sensor: 3 },
        ]),
      invalidAt('anchors[1]', /video time .* NaN/),
    );
    assert.throws(() => fitAnchors([{ video: 1, sensor: Infinity }]), invalidAt('anchors[0]', /sensor time/));
    assert.throws(
      () =>
        fitAnchors([
          { video: 1, sensor: 2 },
          { video: 5, sensor: 6 },
          { video: 1, sensor: 2.1 },
        ]),
      invalidAt('anchors[2]', /repeats anchors\[0\]/),
    );
  });

  it('refuses anchors that would make the sensor clock run backwards', () => {
    assert.throws(
      () =>
        fitAnchors([
          { video: 0, sensor: 10 },
          { video: 10, sensor: 5 },
        ]),
      invalidAt('anchors', /runs backwards/),
    );
  });
});
