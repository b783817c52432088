/**
 * The training worker thread's entry (runInWorker.ts starts it). In the Electron build it is bundled as
 * out/main/trainWorker.js.
 */
import { serveTraining } from './runInWorker.ts';
import { trainRun } from './trainer.ts';

await serveTraining(trainRun);
