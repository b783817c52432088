/**
 * The training worker thread's entry (runInWorker.ts starts it). In the Electron build it is bundled as
 * out/main/trainWorker.js.
 */
import { serveInWorker } from '../workerThread.ts';
import { trainRun } from './trainer.ts';

await serveInWorker(trainRun);
