/** A sensor stream's channels fetched whole, once, each with its min/max pyramid for the trace. */
import type { RowClock } from '../../../main/media/rowClock.ts';
import { float32s, float64s } from './floats.ts';
import { buildPyramid, type MinMaxPyramid } from './minmaxPyramid.ts';
import type { StudioClient } from './studio.ts';

export interface TraceChannels {
  clock: RowClock;
  /** by channel index */
  pyramids: Map<number, MinMaxPyramid>;
}

export async function loadTraceChannels(client: StudioClient, streamId: number, channels: number[]): Promise<TraceChannels> {
  const trace = await client.call('streams.trace', { streamId, channels });
  const values = float32s(trace.values);
  const rows = trace.rows;
  return {
    clock: { rows, rate: trace.rate, times: trace.times === null ? null : float64s(trace.times) },
    pyramids: new Map(trace.channels.map((channel, c) => [channel, buildPyramid(values.subarray(c * rows, (c + 1) * rows))])),
  };
}
