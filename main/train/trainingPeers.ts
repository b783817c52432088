/**
 * The other threads of a student run that trains on several (dataParallel.ts), seen from the run's
 * first thread: started with a copy of the training data and the model's and optimiser's state, then
 * told each epoch and step, in lockstep with the first thread through the collective.
 */
import { availableParallelism } from 'node:os';
import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads';
import { StudioError, type StudioErrorJSON } from '../shared/errors.ts';
import type { BackendName } from '../shared/trainSettings.ts';
import { startWorker, workerEntry } from '../workerThread.ts';
import { Collective, CollectiveAborted, createCollectiveBuffers, type CollectiveBuffers } from './collective.ts';
import type { Shard } from './dataParallel.ts';
import type { TrainJob } from './job.ts';
import { encodeCheckpoint } from './checkpoint.ts';
import { resnetMacs } from './models/resnet.ts';
import { studentTraining, type StudentTraining, type StudentTrainingData } from './studentTraining.ts';

/** What a peer thread starts from (its workerData). */
export interface PeerStart {
  job: TrainJob;
  backend: BackendName;
  rank: number;
  buffers: CollectiveBuffers;
  data: StudentTrainingData;
  /** the model's and optimiser's state to start from (checkpoint.ts's encoding) */
  state: Uint8Array;
  port: MessagePort;
}

/** first thread → peer */
export type PeerCommand = { type: 'epoch'; epoch: number } | { type: 'step'; rows: number[] } | { type: 'stop' };
/** peer → first thread */
export type PeerReport = { type: 'ready' } | { type: 'error'; error: StudioErrorJSON };

/** the most threads one run trains on; more gain little at the student's batch sizes */
const MAX_THREADS = 4;
/** the fewest rows a thread computes when `auto` picks the count */
const MIN_SHARD_ROWS = 8;
/**
 * the least forward-pass work (multiply-accumulates) a thread's rows take when `auto` picks the count:
 * each step's exchanges cost about 40 ms on 2 cores (docs/PERFORMANCE.md), which rows of less work
 * than this do not win back (×0.25 at 32²: 35 M a row; ×0.125 at 16², the demo's: 2.2 M)
 */
const MIN_SHARD_MACS = 2e8;
/** the peers' start (a backend and the training set each) */
const START_TIMEOUT_MS = 300_000;

/**
 * The threads a run trains on: what the job asks (absent: one, as runs before threads existed), on
 * the backends that compute on one thread (wasm, cpu); `auto`: the machine's cores, up to 4, while
 * each thread keeps at least 8 of the batch's rows and enough work to pay for its exchanges.
 */
export function trainingThreads(job: TrainJob, backend: BackendName, log: (line: string) => void): number {
  const asked = job.threads ?? 1;
  if (backend !== 'wasm' && backend !== 'cpu') {
    if (typeof asked === 'number' && asked > 1) log(`the ${backend} backend trains on one thread (it uses the machine's cores itself)`);
    return 1;
  }
  if (asked !== 'auto') return Math.min(asked, job.batchSize);
  const rowMacs = resnetMacs({ classes: 1, inputSize: job.student.gafSize, width: job.student.width });
  let threads = Math.min(availableParallelism(), MAX_THREADS, Math.floor(job.batchSize / MIN_SHARD_ROWS));
  while (threads > 1 && (job.batchSize / threads) * rowMacs < MIN_SHARD_MACS) threads--;
  return Math.max(1, threads);
}

export class TrainingPeers {
  /** a peer that crashed outside its own error handling (seen when this thread's event loop runs) */
  private crash: StudioError | null = null;

  private constructor(
    private readonly workers: { worker: Worker; port: MessagePort }[],
    private readonly collective: Collective,
  ) {
    workers.forEach(({ worker }, k) =>
      worker.on('error', (err) => {
        this.crash ??= new StudioError('INTERNAL', `training thread ${k + 2} crashed: ${err.message}`);
        collective.abort();
      }),
    );
  }

  /** The first thread's shard of the group, before any peer starts. */
  static shard(world: number): Shard & { buffers: CollectiveBuffers } {
    const buffers = createCollectiveBuffers(world);
    return { rank: 0, world, collective: new Collective(buffers, 0), buffers };
  }

  /** Starts the shard's other threads and waits until each holds the model and data. */
  static async start(
    job: TrainJob,
    backend: BackendName,
    shard: Shard & { buffers: CollectiveBuffers },
    data: StudentTrainingData,
    state: Uint8Array,
  ): Promise<TrainingPeers> {
    const script = workerEntry(import.meta.url, './peer.ts', './trainPeer.js');
    const workers = Array.from({ length: shard.world - 1 }, (_, k) => {
      const { port1, port2 } = new MessageChannel();
      const start: PeerStart = { job, backend, rank: k + 1, buffers: shard.buffers, data, state, port: port2 };
      return { worker: startWorker(script, start, [port2]), port: port1 };
    });
    const peers = new TrainingPeers(workers, shard.collective);
    try {
      await Promise.all(workers.map(({ worker, port }, k) => peerReady(worker, port, k + 2)));
    } catch (err) {
      peers.stop();
      throw err;
    }
    return peers;
  }

  epoch(epoch: number): void {
    this.post({ type: 'epoch', epoch });
  }

  step(rows: number[]): void {
    this.post({ type: 'step', rows });
  }

  /**
   * What stopped the group: a peer's own error in place of the collective's abort it caused, when the
   * peer reported one; else `err` itself.
   */
  explain(err: unknown): unknown {
    if (!(err instanceof CollectiveAborted)) return err;
    for (const { port } of this.workers) {
      for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
        const report = m.message as PeerReport;
        if (report.type === 'error') return StudioError.fromJSON(report.error);
      }
    }
    return this.crash ?? err;
  }

  /** Ends every peer (one blocked in a collective call too). */
  stop(): void {
    this.collective.abort();
    for (const { worker, port } of this.workers) {
      port.postMessage({ type: 'stop' } satisfies PeerCommand);
      port.close();
      void worker.terminate();
    }
  }

  private post(command: PeerCommand): void {
    for (const { port } of this.workers) port.postMessage(command);
  }
}

/** Resolves when the peer reports ready; rejects with its error, or when it dies or takes too long. */
function peerReady(worker: Worker, port: MessagePort, thread: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => fail(new StudioError('INTERNAL', `training thread ${thread} did not start within ${START_TIMEOUT_MS / 1000} s`)),
      START_TIMEOUT_MS,
    );
    const settle = (then: () => void) => {
      clearTimeout(timer);
      port.off('message', onReport);
      worker.off('error', onError);
      worker.off('exit', onExit);
      then();
    };
    const fail = (error: StudioError) => settle(() => reject(error));
    const onReport = (report: PeerReport) => (report.type === 'ready' ? settle(resolve) : fail(StudioError.fromJSON(report.error)));
    const onError = (err: Error) => fail(new StudioError('INTERNAL', `training thread ${thread} crashed: ${err.message}`));
    const onExit = (code: number) => fail(new StudioError('INTERNAL', `training thread ${thread} exited with code ${code} before it started`));
    port.on('message', onReport);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}

/** `training` (the first thread's) driving `peers` in lockstep: each epoch and step is theirs too, and disposing it ends them. */
export function withPeers(training: StudentTraining, peers: TrainingPeers): StudentTraining {
  return {
    ...training,
    startEpoch(epoch) {
      peers.epoch(epoch);
      training.startEpoch(epoch);
    },
    forwardLoss(rows) {
      peers.step(rows);
      return training.forwardLoss(rows);
    },
    explain: (err) => peers.explain(err),
    dispose() {
      peers.stop();
      training.dispose();
    },
  };
}

/**
 * The student's training on `threads` threads from its initial weights and a fresh optimiser (the
 * bench's and the tests' way in; a run starts its peers after restoring its checkpoint).
 */
export async function threadedStudentTraining(job: TrainJob, backend: BackendName, data: StudentTrainingData, threads: number): Promise<StudentTraining> {
  if (threads === 1) return studentTraining(job, data);
  const shard = TrainingPeers.shard(threads);
  const training = studentTraining(job, data, shard);
  try {
    const state = encodeCheckpoint({ weights: await training.model.getWeights(), optimiser: {}, state: {} });
    return withPeers(training, await TrainingPeers.start(job, backend, shard, data, state));
  } catch (err) {
    training.dispose();
    throw err;
  }
}
