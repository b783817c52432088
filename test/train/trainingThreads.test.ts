import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { describe, it } from 'node:test';
import type { BackendName } from '../../main/shared/trainSettings.ts';
import type { TrainJob } from '../../main/train/job.ts';
import { defaultJob, detachedStudentJob } from '../../main/train/runs.ts';
import { kernelThreads, trainingThreads } from '../../main/train/trainingThreads.ts';

const job = detachedStudentJob({ batchSize: 16 });

describe('training threads', () => {
  it('picks the threads a run asks for, or as many cores as pay on the backends that compute on one thread', () => {
    const cores = Math.min(availableParallelism(), 4);
    const logged: string[] = [];
    const at = (changes: Partial<TrainJob>, trainRows = 160, backend: BackendName = 'wasm') =>
      trainingThreads({ ...job, ...changes }, backend, trainRows, (line) => logged.push(line));
    const student = (width: number, gafSize: number) => ({ student: { ...defaultJob.student, width, gafSize } });
    assert.equal(at({ threads: 3 }), 3);
    assert.equal(at({ threads: undefined }), 1, 'a run from before threads existed');
    assert.equal(at({ threads: 2 }, 160, 'webgpu'), 1);
    assert.match(logged.at(-1) ?? '', /webgpu backend trains on one thread/);
    // the default student (×0.25, 32², batch 16): 8 rows of 35 M multiply-accumulates each
    assert.equal(at({ threads: 'auto', ...student(0.25, 32) }), Math.min(cores, 2));
    assert.equal(at({ threads: 'auto', batchSize: 64, ...student(0.25, 32) }, 640), cores);
    // the demo's student (×0.125, 16²): too little work for a thread's exchanges
    assert.equal(at({ threads: 'auto', ...student(0.125, 16) }), 1);
    assert.equal(at({ threads: 'auto', batchSize: 8, ...student(0.25, 64) }), 1, 'fewer than 8 rows a thread');
  });

  it('never starts more threads than the smallest batch has rows', () => {
    const logged: string[] = [];
    const at = (threads: number, batchSize: number, trainRows: number) =>
      trainingThreads({ ...job, threads, batchSize }, 'wasm', trainRows, (l) => logged.push(l));
    assert.equal(at(16, 4, 40), 4, 'a batch of 4 rows');
    assert.equal(at(4, 16, 34), 2, 'the last batch has 2 rows');
    assert.equal(at(4, 16, 33), 4, 'a last batch of one row is dropped: 16 rows is the smallest');
    assert.equal(at(4, 16, 3), 3, 'three rows in all');
    assert.match(logged[0], /^training on 4 threads, not 16: the smallest batch has 4 rows$/);
  });

  it("with the native kernels, takes what the run asks or, for auto, the cores (up to 4), whatever the model's size", () => {
    const cores = Math.max(1, Math.min(availableParallelism(), 4));
    assert.equal(kernelThreads({ ...job, threads: 3 }), 3);
    assert.equal(kernelThreads({ ...job, threads: undefined }), 1, 'a run from before threads existed');
    assert.equal(kernelThreads({ ...job, threads: 'auto' }), cores);
    // the demo's student, which shards of the batch would keep on one thread
    assert.equal(kernelThreads({ ...job, threads: 'auto', batchSize: 4, student: { ...defaultJob.student, width: 0.125, gafSize: 16 } }), cores);
  });
});
