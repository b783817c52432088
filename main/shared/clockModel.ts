/**
 * How a recording's sensor clock relates to its video clock:
 *
 *   sensor_time = video_time × (1 + drift) + offset
 *
 * Both times are seconds from the start of their own stream. `offset` is what the sensor clock
 * reads when the video shows t = 0 (sensor started 2.5 s before the video → offset = +2.5);
 * `drift` is how much faster the sensor clock runs (150 ppm → 150e-6).
 * Every consumer (views, dataset builder, exporters) maps times through these two functions.
 */
import { StudioError } from './errors.ts';

export interface ClockModel {
  /** seconds on the sensor clock at video time 0 */
  offset: number;
  /** relative rate error of the sensor clock (dimensionless; 1e-6 = 1 ppm) */
  drift: number;
}

/** Both clocks agree: what a recording has until it is aligned. */
export const identityClock: Readonly<ClockModel> = Object.freeze({ offset: 0, drift: 0 });

export function videoToSensor(model: ClockModel, videoTime: number): number {
  return videoTime * (1 + model.drift) + model.offset;
}

export function sensorToVideo(model: ClockModel, sensorTime: number): number {
  return (sensorTime - model.offset) / (1 + model.drift);
}

/** Refuses a model that cannot be inverted or stored: non-finite, or a clock that stops or runs backwards. */
export function checkClockModel(model: ClockModel, field = 'model'): void {
  if (!Number.isFinite(model.offset)) {
    throw new StudioError('INVALID_ARGUMENT', `${field}.offset must be a finite number of seconds, got ${model.offset}`, { field: `${field}.offset` });
  }
  if (!Number.isFinite(model.drift) || model.drift <= -1) {
    throw new StudioError('INVALID_ARGUMENT', `${field}.drift must be finite and > -1 (the sensor clock must run forwards), got ${model.drift}`, {
      field: `${field}.drift`,
    });
  }
}
