/**
 * What a training job is, what it reports while it runs and what it returns. The job crosses a
 * worker boundary (structured clone), so everything here is plain data.
 */
import type { GafMethod, GafVariant } from '../shared/gaf.ts';
import type { SignalAugmentation } from './augment.ts';
import type { MethodName } from '../shared/lossMethods.ts';
import type { BackendChoice, BackendName, optimiserNames, scheduleNames, teacherInputs } from '../shared/trainSettings.ts';

export interface StudentSettings {
  /** width multiplier of ResNet18 (0.25: wearable-sized) */
  width: number;
  /** GAF image side */
  gafSize: number;
  gafMethod: GafMethod;
  gafVariant: GafVariant;
}

export interface TeacherSettings {
  inputs: (typeof teacherInputs)[number][];
  segments: number;
  /** side of the decoded frames (frames input) */
  frameSize: number;
}

export interface OptimiserSettings {
  optimiser: (typeof optimiserNames)[number];
  learningRate: number;
  weightDecay: number;
  /** cosine decays to 0 over the epochs; step halves every `stepEvery` epochs */
  schedule: (typeof scheduleNames)[number];
  stepEvery?: number;
}

export interface TrainJob {
  projectPath: string;
  runId: number;
  datasetId: number;
  kind: 'teacher' | 'student';
  /** student: the distillation method; teacher: always 'baseline' (cross-entropy) */
  method: MethodName;
  /** student runs that distil: the teacher run whose best weights teach */
  teacherRunId: number | null;
  seed: number;
  epochs: number;
  batchSize: number;
  /** epochs without a better validation accuracy before stopping (0 = never stop early) */
  patience: number;
  backend: BackendChoice;
  optimiser: OptimiserSettings;
  student: StudentSettings;
  /**
   * the threads a student's step runs on, each with a shard of the batch (trainingPeers.ts; wasm and
   * cpu only); absent (runs before it existed): one
   */
  threads?: number | 'auto';
  /** the student's training signals, redrawn each epoch before their GAF; absent (runs before it existed): none */
  augment?: SignalAugmentation;
  teacher: TeacherSettings;
  /** loss weights and options (alpha, beta, gamma, temperature, ...) */
  loss: Record<string, number | string>;
  /** a tfjs weights directory (our format) to initialise from, when the user has one */
  initFrom: string | null;
}

export interface TrainProgress {
  runId: number;
  epoch: number;
  epochs: number;
  step: number;
  steps: number;
  /** mean of each loss term over the epoch so far (unweighted), and the weighted total */
  terms: Record<string, number>;
  trainAccuracy: number;
  samplesPerSecond: number;
  etaSeconds: number;
  /** set at the end of an epoch */
  valAccuracy?: number;
  backend: BackendName;
  /** the threads each step runs on */
  threads: number;
}

/** Before the first epoch: inputs being read or computed (GAF images, poses, video frames, teacher outputs). */
export interface TrainPreparation {
  runId: number;
  /** e.g. 'GAF images' */
  what: string;
  done: number;
  total: number;
}

/** What the training worker reports to the studio. */
export type TrainUpdate = { type: 'step'; progress: TrainProgress } | { type: 'preparing'; preparation: TrainPreparation };

export interface TrainResult {
  runId: number;
  status: 'done' | 'cancelled';
  backend: BackendName;
  /** the threads its steps ran on */
  threads: number;
  bestEpoch: number;
  bestValAccuracy: number;
  epochsRun: number;
  seconds: number;
}
