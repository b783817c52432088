/**
 * A sensor stream's channels fetched whole, once, each with its min/max pyramid. The trace and the
 * GAF of a recording view share them: a channel asked by both is fetched once.
 */
import type { RowClock } from '../../../main/shared/rowClock.ts';
import { float32s, float64s } from './floats.ts';
import { buildPyramid, type MinMaxPyramid } from './minmaxPyramid.ts';
import type { StudioClient } from './studio.ts';

export interface TraceChannels {
  clock: RowClock;
  /** by channel index */
  pyramids: Map<number, MinMaxPyramid>;
}

async function fetchChannels(client: StudioClient, streamId: number, channels: number[]): Promise<TraceChannels> {
  const trace = await client.call('streams.trace', { streamId, channels });
  const values = float32s(trace.values);
  const rows = trace.rows;
  return {
    clock: { rows, rate: trace.rate, times: trace.times === null ? null : float64s(trace.times) },
    pyramids: new Map(trace.channels.map((channel, c) => [channel, buildPyramid(values.subarray(c * rows, (c + 1) * rows))])),
  };
}

/** The channels one view has asked for, by stream: those not yet asked are fetched in one call. */
export class StreamChannels {
  private readonly asked = new Map<string, Promise<{ clock: RowClock; pyramid: MinMaxPyramid }>>();

  constructor(private readonly client: StudioClient) {}

  load(streamId: number, channels: number[]): Promise<TraceChannels> {
    if (channels.length === 0) return Promise.reject(new Error(`no channels asked of stream ${streamId}`));
    const key = (c: number) => `${streamId}:${c}`;
    const missing = channels.filter((c) => !this.asked.has(key(c)));
    if (missing.length > 0) {
      const fetched = fetchChannels(this.client, streamId, missing);
      for (const c of missing) {
        const one = fetched.then(({ clock, pyramids }) => ({ clock, pyramid: pyramids.get(c)! }));
        // a failed fetch is asked again next time
        one.catch(() => this.asked.get(key(c)) === one && this.asked.delete(key(c)));
        this.asked.set(key(c), one);
      }
    }
    return Promise.all(channels.map((c) => this.asked.get(key(c))!)).then((loaded) => ({
      clock: loaded[0].clock,
      pyramids: new Map(channels.map((c, k) => [c, loaded[k].pyramid])),
    }));
  }
}
