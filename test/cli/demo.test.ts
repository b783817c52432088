/**
 * `vskd demo`, reduced (fewer clips, one seed): the real generator, import, segment dataset and
 * training on wasm. The student must learn the actions from the wrist alone, far above chance.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { demoVerdict } from '../../main/cli/commands/demo.ts';
import { main } from '../../main/cli/main.ts';
import { tempDir } from '../helpers/tmp.ts';

/** The mean accuracy (%) of a row of the report's markdown table. */
function accuracyOf(out: string[], method: string): number {
  const table = out.flatMap((text) => text.split('\n'));
  const row = table.find((line) => line.startsWith(`| ${method} |`));
  assert.ok(row, `no ${method} row in\n${table.join('\n')}`);
  return Number(row.split('|')[2].trim().split(' ')[0]);
}

describe('vskd demo', () => {
  it('trains a teacher and a student that beat chance (20 %) by a wide margin', { timeout: 300_000 }, async () => {
    const out: string[] = [];
    const err: string[] = [];
    const dir = join(tempDir(), 'demo');
    const code = await main(['demo', '--out', dir, '--per-class', '20', '--seeds', '1'], {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      interactive: false,
    });
    assert.equal(code, 0, err.join('\n'));
    // the dataset is the clips' annotated segments, split by subject
    assert.ok(
      out.some((l) => /^dataset cross-subject \(.*segments.*\): \d+ train, \d+ val, 50 test samples$/.test(l)),
      out.filter((l) => l.startsWith('dataset')).join('\n'),
    );
    const teacher = accuracyOf(out, 'teacher (pose)');
    const baseline = accuracyOf(out, 'baseline');
    assert.ok(teacher >= 80, `teacher ${teacher} %`);
    assert.ok(baseline >= 50, `baseline student ${baseline} %: chance is 20 %`);
    // one seed gives no spread, and the command says so
    assert.ok(out.includes('one seed per method: no spread to judge the difference by (use --seeds 3)'), out.slice(-3).join('\n'));
  });
});

describe('the demo verdict', () => {
  const row = (method: string, mean: number, std: number, seeds = 3) => ({ method, accuracy: { mean, std }, seeds });

  it('names a weak teacher, a spread too wide and a difference that holds', () => {
    assert.deepEqual(demoVerdict([row('teacher (pose)', 0.6, 0.1), row('baseline', 0.8, 0.02), row('dask', 0.81, 0.02)]), [
      'the teacher is too weak to conclude (60.0 % < 90.0 %): it has little to pass on',
      "the spread is too wide to conclude: DASK − baseline = 1.0 points, within the seeds' spread (±4.0) over 3 seeds",
    ]);
    assert.deepEqual(demoVerdict([row('teacher (pose)', 0.99, 0.01), row('baseline', 0.8, 0.01), row('dask', 0.86, 0.01)]), [
      'DASK beats the baseline by 6.0 points over 3 seeds (spread ±2.0)',
    ]);
    assert.deepEqual(demoVerdict([row('teacher (pose)', 0.99, 0.01), row('baseline', 0.8, 0.01)]), ['not every run finished: no comparison']);
  });
});
