/**
 * Collective operations between the threads that train one batch together (dataParallel.ts): every
 * thread contributes its part and all of them get everyone's parts, through shared memory. The calls
 * block (Atomics.wait), so they work inside a synchronous forward pass; every thread must make the
 * same calls in the same order. Sums are taken in thread order by each thread, so all of them hold
 * bit-identical results.
 */
import { StudioError } from '../shared/errors.ts';

/** floats per thread per exchange round; a longer part travels in several rounds */
const SLOT_FLOATS = 1 << 20;
/** control words: arrivals at the barrier, its generation, abort (0: none, else the thread's rank + 1) */
const ARRIVED = 0;
const GENERATION = 1;
const ABORTED = 2;
const CONTROL_WORDS = 3;
/**
 * how long a thread waits at a barrier before concluding another one stopped answering (a thread that
 * dies outside its own error handling cannot abort: the others learn it here). Between two barriers
 * lies at most one layer of a step, seconds even at full width.
 */
const BARRIER_TIMEOUT_MS = 120_000;
/** how often a waiting thread looks at the abort word */
const POLL_MS = 200;

/** The shared memory of one group of threads: created by the first thread, handed to the others. */
export interface CollectiveBuffers {
  world: number;
  control: SharedArrayBuffer;
  /** each part's whole length, per buffer set and thread (written in a part's first round) */
  lengths: SharedArrayBuffer;
  /** two sets (alternating rounds) of one slot per thread */
  data: SharedArrayBuffer;
}

export function createCollectiveBuffers(world: number): CollectiveBuffers {
  return {
    world,
    control: new SharedArrayBuffer(CONTROL_WORDS * 4),
    lengths: new SharedArrayBuffer(2 * world * 4),
    data: new SharedArrayBuffer(2 * world * SLOT_FLOATS * 4),
  };
}

/** Thrown by a thread that waited at a barrier for longer than BARRIER_TIMEOUT_MS. */
export class CollectiveTimeout extends StudioError {
  constructor() {
    super('INTERNAL', `a training thread stopped answering for ${BARRIER_TIMEOUT_MS / 1000} s`);
  }
}

/** Thrown in every thread once one of them aborted the group. */
export class CollectiveAborted extends StudioError {
  constructor(readonly rank: number) {
    super('INTERNAL', `training thread ${rank + 1} stopped`);
  }
}

export class Collective {
  readonly world: number;
  private readonly control: Int32Array;
  private readonly lengths: Int32Array;
  private readonly data: Float32Array;
  /** rounds taken so far: its parity picks the buffer set */
  private round = 0;

  constructor(
    buffers: CollectiveBuffers,
    readonly rank: number,
  ) {
    this.world = buffers.world;
    this.control = new Int32Array(buffers.control);
    this.lengths = new Int32Array(buffers.lengths);
    this.data = new Float32Array(buffers.data);
  }

  /** Every thread's part, in thread order (this thread's own is `local` itself). */
  allGather(local: Float32Array): Float32Array[] {
    const parts = Array.from({ length: this.world }, (_, r) => (r === this.rank ? local : new Float32Array(0)));
    let lengths: number[] = [];
    let offset = 0;
    do {
      const set = this.round % 2;
      const count = Math.max(0, Math.min(SLOT_FLOATS, local.length - offset));
      this.slot(set, this.rank).set(local.subarray(offset, offset + count));
      if (offset === 0) this.lengths[set * this.world + this.rank] = local.length;
      this.barrier();
      if (offset === 0) {
        lengths = Array.from({ length: this.world }, (_, r) => this.lengths[set * this.world + r]);
        lengths.forEach((n, r) => r !== this.rank && (parts[r] = new Float32Array(n)));
      }
      for (let r = 0; r < this.world; r++) {
        if (r === this.rank) continue;
        const n = Math.min(SLOT_FLOATS, lengths[r] - offset);
        if (n > 0) parts[r].set(this.slot(set, r).subarray(0, n), offset);
      }
      this.round++;
      offset += SLOT_FLOATS;
    } while (offset < Math.max(...lengths));
    return parts;
  }

  /** The element-wise sum of every thread's `local` (all the same length), summed in thread order. */
  allReduceSum(local: Float32Array): Float32Array {
    const parts = this.allGather(local);
    const sum = Float32Array.from(parts[0]);
    for (let r = 1; r < parts.length; r++) {
      const part = parts[r];
      if (part.length !== sum.length) throw new StudioError('INTERNAL', `training threads disagree on a sum's length (${sum.length}, ${part.length})`);
      for (let k = 0; k < sum.length; k++) sum[k] += part[k];
    }
    return sum;
  }

  /** Makes every thread's next or current collective call throw (this thread failed or was told to stop). */
  abort(): void {
    Atomics.compareExchange(this.control, ABORTED, 0, this.rank + 1);
    Atomics.add(this.control, GENERATION, 1);
    Atomics.notify(this.control, GENERATION);
  }

  private slot(set: number, rank: number): Float32Array {
    const start = (set * this.world + rank) * SLOT_FLOATS;
    return this.data.subarray(start, start + SLOT_FLOATS);
  }

  /**
   * Waits until every thread arrived. Two rounds use different buffer sets, so one barrier a round is
   * enough: a thread writing round k + 1 knows every other thread has finished writing round k, and
   * it cannot reach round k + 2 before they have all finished reading round k.
   */
  private barrier(): void {
    this.throwIfAborted();
    const generation = Atomics.load(this.control, GENERATION);
    if (Atomics.add(this.control, ARRIVED, 1) === this.world - 1) {
      Atomics.store(this.control, ARRIVED, 0);
      Atomics.add(this.control, GENERATION, 1);
      Atomics.notify(this.control, GENERATION);
      return;
    }
    const deadline = Date.now() + BARRIER_TIMEOUT_MS;
    while (Atomics.load(this.control, GENERATION) === generation) {
      Atomics.wait(this.control, GENERATION, generation, POLL_MS);
      this.throwIfAborted();
      if (Date.now() > deadline) {
        this.abort();
        throw new CollectiveTimeout();
      }
    }
    this.throwIfAborted();
  }

  private throwIfAborted(): void {
    const aborted = Atomics.load(this.control, ABORTED);
    if (aborted !== 0) throw new CollectiveAborted(aborted - 1);
  }
}
