/**
 * How many threads a run trains on: inside each kernel where the native kernels run (their own threads,
 * nativeKernels.ts), else, for a student, over shards of each batch (trainingPeers.ts starts them).
 */
import { availableParallelism } from 'node:os';
import type { BackendName } from '../shared/trainSettings.ts';
import type { TrainJob } from './job.ts';
import { resnetMacs } from './models/resnet.ts';

/** the most threads `auto` picks; more gain little at the student's batch sizes */
const MAX_AUTO_THREADS = 4;
/** the fewest rows a thread computes when `auto` picks the count */
const MIN_SHARD_ROWS = 8;
/**
 * the least forward-pass work (multiply-accumulates) a thread's rows take when `auto` picks the count:
 * each step's exchanges cost about 40 ms on 2 cores (docs/PERFORMANCE.md), which rows of less work
 * than this do not win back (×0.25 at 32²: 35 M a row; ×0.125 at 16², the demo's: 2.2 M)
 */
const MIN_SHARD_MACS = 2e8;

/**
 * The threads a run of `trainRows` training rows trains on: what the job asks (absent: one, as runs
 * before threads existed), on the backends that compute on one thread (wasm, cpu); `auto`: the
 * machine's cores, up to 4, while each thread keeps at least 8 of the batch's rows and enough work to
 * pay for its exchanges. Never more than the smallest batch has rows: every thread needs one of each.
 * Each thread holds its own copy of the training set.
 */
export function trainingThreads(job: TrainJob, backend: BackendName, trainRows: number, log: (line: string) => void): number {
  const asked = job.threads ?? 1;
  if (backend !== 'wasm' && backend !== 'cpu') {
    if (typeof asked === 'number' && asked > 1) log(`the ${backend} backend trains on one thread (it uses the machine's cores itself)`);
    return 1;
  }
  // the trainer drops a last batch of one row (BatchNorm needs two)
  const last = trainRows % job.batchSize;
  const smallestBatch = Math.max(1, last >= 2 ? last : Math.min(job.batchSize, trainRows));
  if (asked !== 'auto') {
    if (asked > smallestBatch) log(`training on ${smallestBatch} threads, not ${asked}: the smallest batch has ${smallestBatch} rows`);
    return Math.min(asked, smallestBatch);
  }
  const rowMacs = resnetMacs({ classes: 1, inputSize: job.student.gafSize, width: job.student.width });
  let threads = Math.min(availableParallelism(), MAX_AUTO_THREADS, Math.floor(job.batchSize / MIN_SHARD_ROWS), smallestBatch);
  while (threads > 1 && (job.batchSize / threads) * rowMacs < MIN_SHARD_MACS) threads--;
  return Math.max(1, threads);
}

/**
 * The threads the native kernels use inside each convolution and BatchNorm (nativeKernels.ts): what
 * the job asks (absent: one); `auto`: the machine's cores, up to 4. No exchanges between threads, so
 * no least work per thread, and the teacher trains on them as the student does.
 */
export function kernelThreads(job: TrainJob): number {
  const asked = job.threads ?? 1;
  return asked === 'auto' ? Math.max(1, Math.min(availableParallelism(), MAX_AUTO_THREADS)) : asked;
}
