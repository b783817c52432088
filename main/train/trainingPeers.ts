/**
 * The other threads of a student run that trains on several (dataParallel.ts), seen from the run's
 * first thread: started with a copy of the training data and the model's and optimiser's state, then
 * told each epoch and step, in lockstep with the first thread through the collective.
 */
import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads';
import { StudioError, type StudioErrorJSON } from '../shared/errors.ts';
import type { BackendName } from '../shared/trainSettings.ts';
import { startWorker, workerEntry } from '../workerThread.ts';
import { Collective, CollectiveAborted, CollectiveTimeout, createCollectiveBuffers, type CollectiveBuffers } from './collective.ts';
import type { Shard } from './dataParallel.ts';
import type { TrainJob } from './job.ts';
import { encodeCheckpoint } from './checkpoint.ts';
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
export type PeerCommand = { type: 'epoch'; epoch: number } | { type: 'step'; rows: number[] };
/** peer → first thread */
export type PeerReport = { type: 'ready' } | { type: 'error'; error: StudioErrorJSON };

/** the peers' start (a backend and the training set each) */
const START_TIMEOUT_MS = 300_000;

/** One peer: its thread, the port it is told and reports through, and its start. */
interface Peer {
  worker: Worker;
  port: MessagePort;
  ready: Promise<void>;
}

export class TrainingPeers {
  private readonly peers: Peer[] = [];
  /** the first error a peer reported, or its crash, as soon as this thread's event loop has seen it */
  private failure: StudioError | null = null;
  private stopping = false;

  private constructor(private readonly collective: Collective) {}

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
    const group = new TrainingPeers(shard.collective);
    try {
      for (let rank = 1; rank < shard.world; rank++) group.startPeer({ job, backend, rank, buffers: shard.buffers, data, state });
      await Promise.all(group.peers.map((peer) => peer.ready));
    } catch (err) {
      group.stop();
      throw err;
    }
    return group;
  }

  epoch(epoch: number): void {
    this.post({ type: 'epoch', epoch });
  }

  step(rows: number[]): void {
    this.post({ type: 'step', rows });
  }

  /**
   * What stopped the group: a peer's own error in place of the collective's abort or timeout it
   * caused, when the peer reported one (or crashed); else `err` itself.
   */
  explain(err: unknown): unknown {
    if (!(err instanceof CollectiveAborted || err instanceof CollectiveTimeout)) return err;
    // this thread was blocked in the collective: what the peers posted meanwhile is still queued
    for (const { port } of this.peers) {
      for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) this.heard(m.message as PeerReport);
    }
    return this.failure ?? err;
  }

  /** Ends every peer (one blocked in a collective call too). */
  stop(): void {
    this.stopping = true;
    this.collective.abort();
    for (const { worker, port } of this.peers) {
      port.close();
      void worker.terminate();
    }
  }

  private startPeer(start: Omit<PeerStart, 'port'>): void {
    const thread = start.rank + 1;
    const { port1, port2 } = new MessageChannel();
    const worker = startWorker(workerEntry(import.meta.url, './peer.ts', './trainPeer.js'), { ...start, port: port2 } satisfies PeerStart, [port2]);
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => fail(new StudioError('INTERNAL', `training thread ${thread} did not start within ${START_TIMEOUT_MS / 1000} s`)),
        START_TIMEOUT_MS,
      );
      const fail = (error: StudioError) => {
        clearTimeout(timer);
        this.failure ??= error;
        this.collective.abort();
        reject(this.failure);
      };
      port1.on('message', (report: PeerReport) => {
        if (report.type === 'ready') {
          clearTimeout(timer);
          resolve();
        } else fail(StudioError.fromJSON(report.error));
      });
      worker.on('error', (err) => fail(new StudioError('INTERNAL', `training thread ${thread} crashed: ${err.message}`)));
      worker.on('exit', (code) => this.stopping || fail(new StudioError('INTERNAL', `training thread ${thread} exited (code ${code})`)));
    });
    // Promise.all in start() takes the first rejection only: the others end here
    ready.catch(() => undefined);
    this.peers.push({ worker, port: port1, ready });
  }

  private heard(report: PeerReport): void {
    if (report.type === 'error') this.failure ??= StudioError.fromJSON(report.error);
  }

  private post(command: PeerCommand): void {
    for (const { port } of this.peers) port.postMessage(command);
  }
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
