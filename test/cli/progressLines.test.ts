/** `vskd train`'s progress lines: an epoch a line, and step lines within a long epoch (followRun). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { progressLines } from '../../main/cli/commands/train.ts';
import type { EventPayload } from '../../main/shared/contract.ts';

type Progress = EventPayload<'train.progress'>;

const step = (n: number, over: Partial<Progress> = {}): Progress => ({
  runId: 1,
  epoch: 2,
  epochs: 30,
  step: n,
  steps: 120,
  epochEnd: false,
  terms: { ce: 1.25 },
  trainAccuracy: 0.5,
  valAccuracy: null,
  samplesPerSecond: 12.34,
  etaSeconds: 4321.4,
  backend: 'wasm',
  threads: 1,
  ...over,
});

describe('progressLines', () => {
  it('prints a step line once the interval passed without a line, and every epoch end', () => {
    const lines: string[] = [];
    let clock = 0;
    const report = progressLines(
      (l) => lines.push(l),
      30_000,
      () => clock,
    );
    for (const [time, n] of [
      [0, 1],
      [10_000, 10],
      [29_999, 20],
    ] as const) {
      clock = time;
      report(step(n));
    }
    assert.deepEqual(lines, [], 'nothing before the interval');
    clock = 30_000;
    report(step(30));
    assert.deepEqual(lines, ['epoch 2/30  step 30/120  12.3 samples/s  eta 4321 s']);
    clock = 45_000;
    report(step(40));
    assert.equal(lines.length, 1, 'the interval counts from the last line');
    clock = 50_000;
    report(step(120, { epochEnd: true, valAccuracy: 0.625 }));
    assert.equal(lines.length, 2);
    assert.equal(lines[1], 'epoch 2/30  ce 1.2500  train acc 50.0%  val acc 62.5%  12.3 samples/s  eta 4321 s  [wasm]');
    clock = 79_999;
    report(step(5, { epoch: 3 }));
    assert.equal(lines.length, 2, 'an epoch line restarts the interval');
    clock = 80_000;
    report(step(6, { epoch: 3, samplesPerSecond: null, etaSeconds: null }));
    assert.equal(lines.at(-1), 'epoch 3/30  step 6/120', 'no speed or eta before they are known');
    report(step(120, { epoch: 3, epochEnd: true, threads: 2 }));
    const epochLine: string = lines[lines.length - 1];
    assert.ok(epochLine.endsWith('  [wasm, 2 threads]'), `the threads a batch is split over: ${epochLine}`);
  });
});
