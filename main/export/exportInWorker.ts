/**
 * The student export in a worker thread (worker.ts), so that scoring the test split and timing the
 * models never block the studio's main thread.
 */
import { runInWorker, workerEntry } from '../workerThread.ts';
import type { StudentExport, StudentExportOptions } from './exportStudent.ts';

/** what the worker is given: the options without their callbacks, which cannot cross threads */
export type StudentExportJob = Omit<StudentExportOptions, 'log' | 'onProgress'>;

/** one of exportStudent's onProgress calls */
export interface ExportStep {
  done: number;
  total: number;
  message: string;
}

/** exportStudent(job) in a worker thread; rejects with its StudioError as it was thrown. */
export function runExportWorker(job: StudentExportJob, onStep: (step: ExportStep) => void): Promise<StudentExport> {
  return runInWorker<StudentExportJob, ExportStep, StudentExport>(job, {
    name: 'export',
    script: workerEntry(import.meta.url, './worker.ts', './exportWorker.js'),
    onProgress: onStep,
    // the steps carry what the log says, and the report keeps every note
    onLog: () => undefined,
  });
}
