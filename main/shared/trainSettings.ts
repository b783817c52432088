/**
 * The names a training run's settings choose from, declared once for the contract, the CLI's options and
 * help, the trainer's types and the run form.
 */

export const backendNames = ['tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
export type BackendName = (typeof backendNames)[number];
/** auto: the fastest backend this machine has (main/train/backend.ts) */
export const backendChoices = ['auto', ...backendNames] as const;
export type BackendChoice = (typeof backendChoices)[number];

/** the most threads a student run may split its batches over (trainingPeers.ts) */
export const maxTrainingThreads = 16;

export const optimiserNames = ['adam', 'sgd'] as const;
export const scheduleNames = ['cosine', 'step', 'constant'] as const;
export const gafMethods = ['summation', 'difference'] as const;
export const gafVariants = ['pyts', 'vskd'] as const;
export const teacherInputs = ['pose', 'frames'] as const;

/**
 * The student's default signal augmentation (main/train/augment.ts), chosen on validation splits of
 * both UTD-MHAD protocols (docs/RESULTS.md, issue 16): the shortest crop share, noise over each axis'
 * standard deviation, the largest rotation in degrees.
 */
export const defaultAugmentation = { crop: 0.8, jitter: 0, rotate: 30 } as const;
