/**
 * The export worker thread's entry (exportInWorker.ts starts it). In the Electron build it is bundled
 * as out/main/exportWorker.js.
 */
import { serveInWorker } from '../workerThread.ts';
import type { ExportStep, StudentExportJob } from './exportInWorker.ts';
import { exportStudent, type StudentExport } from './exportStudent.ts';

await serveInWorker<StudentExportJob, ExportStep, StudentExport>((job, hooks) =>
  exportStudent({ ...job, log: hooks.log, onProgress: (done, total, message) => hooks.onProgress({ done, total, message }) }),
);
