import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StudioError } from '../../main/shared/errors.ts';
import { checkClockModel, identityClock, sensorToVideo, videoToSensor } from '../../main/shared/clockModel.ts';

describe('clock model', () => {
  it('reads the offset off the sensor clock at video time 0', () => {
    // the sensor clock reads 2.5 s when the video shows t = 0
    const model = { offset: 2.5, drift: 0 };
    assert.equal(videoToSensor(model, 0), 2.5);
    assert.equal(videoToSensor(model, 10), 12.5);
    assert.equal(sensorToVideo(model, 2.5), 0);
  });

  it('lets a fast sensor clock gain drift × video time', () => {
    const model = { offset: -1, drift: 150e-6 };
    assert.ok(Math.abs(videoToSensor(model, 600) - (600 + 0.09 - 1)) < 1e-9);
  });

  it('maps back exactly what it maps forward', () => {
    for (const model of [
      { offset: 3.217, drift: 150e-6 },
      { offset: -12.5, drift: -0.02 },
      { offset: 0, drift: 0.5 },
    ]) {
      for (const t of [-3, 0, 0.033, 47.52, 3600]) {
        assert.ok(Math.abs(sensorToVideo(model, videoToSensor(model, t)) - t) < 1e-9, `${JSON.stringify(model)} at ${t}`);
        assert.ok(Math.abs(videoToSensor(model, sensorToVideo(model, t)) - t) < 1e-9);
      }
    }
  });

  it('has an identity model that changes nothing and cannot be changed', () => {
    assert.equal(videoToSensor(identityClock, 12.34), 12.34);
    assert.equal(sensorToVideo(identityClock, 12.34), 12.34);
    assert.throws(() => ((identityClock as { offset: number }).offset = 1), TypeError);
  });

  it('refuses models that cannot be inverted', () => {
    checkClockModel({ offset: 1, drift: -0.5 });
    const refused = (model: { offset: number; drift: number }, field: string) =>
      assert.throws(
        () => checkClockModel(model),
        (err: StudioError) => err.code === 'INVALID_ARGUMENT' && err.detail.field === field,
      );
    refused({ offset: NaN, drift: 0 }, 'model.offset');
    refused({ offset: 0, drift: Infinity }, 'model.drift');
    refused({ offset: 0, drift: -1 }, 'model.drift');
  });
});
