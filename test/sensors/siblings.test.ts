/** Recordings far shorter than the others of one import. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseDelimited } from '../../main/sensors/delimited.ts';
import { shortSiblings, tableSeconds } from '../../main/sensors/siblings.ts';

describe('short siblings', () => {
  const files = [6.1, 5.8, 6.4, 1.2, 5.9, 2.1, 6.0].map((seconds, i) => ({ file: `a${i + 1}_s1_t1.txt`, seconds, id: i }));

  it('flags the files under a third of the median length, naming each and the median', () => {
    const flagged = shortSiblings(files);
    assert.deepEqual(
      flagged.map((f) => f.item.id),
      [3],
    );
    assert.equal(flagged[0].warning, 'a4_s1_t1.txt: 1.20 s long, under 33% of the median 5.90 s of the 7 files imported with it (cut short?)');
  });

  it('takes another fraction', () => {
    assert.deepEqual(
      shortSiblings(files, 0.5).map((f) => f.item.id),
      [3, 5],
    );
    assert.deepEqual(shortSiblings(files, 0.1), []);
  });

  it('flags nothing in a set too small to have a usual length, or of equal lengths', () => {
    assert.deepEqual(shortSiblings(files.slice(2, 4)), []);
    assert.deepEqual(shortSiblings([1, 1, 1, 1].map((seconds, i) => ({ file: String(i), seconds }))), []);
    // an even count: the median is the mean of the middle two (3 and 9 → 6)
    assert.deepEqual(
      shortSiblings([1.9, 3, 9, 10].map((seconds, i) => ({ file: String(i), seconds }))).map((f) => f.item.file),
      ['0'],
    );
  });

  it('measures a table by its timestamps or by its rate', () => {
    const timed = parseDelimited('t,acc_x\n0,1\n0.02,1\n0.04,1\n0.07,1\n', 't.csv');
    assert.ok(timed.timestamps);
    assert.ok(Math.abs(tableSeconds(timed) - (0.07 + 1 / timed.rate)) < 1e-12);
    assert.equal(tableSeconds(parseDelimited('1\n2\n3\n4\n', 'r.txt', { rate: 2 })), 2);
  });
});
