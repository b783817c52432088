import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compilePattern, defaultNameTemplate, fillTemplate, patternWord } from '../../main/sessions/pattern.ts';
import type { StudioError } from '../../main/shared/errors.ts';

describe('filename patterns', () => {
  it('take each placeholder as few characters as let the rest match, a trial only digits', () => {
    const p = compilePattern('acc_{subject}_{label}_{trial}.txt');
    assert.deepEqual(p.match('acc_s1_walk_fast_3.txt'), { subject: 's1', label: 'walk_fast', trial: '3' });
    assert.deepEqual(p.match('ACC_s1_2_10.TXT'), { subject: 's1', label: '2', trial: '10' }, 'letters in any case');
    assert.equal(p.match('acc_s1_2_x.txt'), null);
    assert.equal(p.match('sub/acc_s1_2_1.txt'), null, 'a placeholder stays within one folder name');
    assert.deepEqual(compilePattern('{subject}/*_{trial}.csv').match('p3/run_2.csv'), { subject: 'p3', trial: '2' });
  });

  it('refuse unknown or repeated placeholders and literal-only patterns, naming the field', () => {
    const refused = (text: string, message: RegExp) =>
      assert.throws(
        () => compilePattern(text, 'patterns[1]'),
        (err: StudioError) => err.detail.field === 'patterns[1]' && message.test(err.message),
      );
    refused('acc_{subjet}.txt', /unknown placeholder \{subjet\}/);
    refused('{trial}_{trial}.txt', /\{trial\} appears twice/);
    refused('acc.txt', /has no placeholder/);
    refused('acc_{subject.txt', /unmatched brace/);
  });

  it('name recordings without extension, {sensor} and *, folders joined by _', () => {
    assert.equal(defaultNameTemplate('{name}_{sensor}.csv'), '{name}_');
    assert.equal(fillTemplate(defaultNameTemplate('{subject}/*_{label}_{trial}.txt'), { subject: 'p1', label: 'run', trial: '2' }), 'p1_run_2');
    assert.equal(fillTemplate('{subject}-{label}-{trial}', { subject: 's1', trial: '4' }), 's1-4', 'a missing value takes its separator with it');
    assert.equal(patternWord('acc_{subject}_{label}_{trial}.txt'), 'acc');
    assert.equal(patternWord('{name}_{sensor}.csv'), '');
  });
});
