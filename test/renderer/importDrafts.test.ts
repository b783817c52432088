import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptyFolder, emptySession, folderArgs, labelMap, sessionArgs, sortDropped } from '../../renderer/src/components/import/importDrafts.ts';

describe('the Import panel forms', () => {
  it('reads a session: the name from the video, a stream per sensor file', () => {
    const draft = {
      ...emptySession(),
      video: '/d/walk.MOV',
      sensors: [
        { file: '/d/wrist.csv', stream: '' },
        { file: '/d/ankle.csv', stream: 'ankle' },
      ],
      trial: '3',
      rate: '31.1',
    };
    assert.deepEqual(sessionArgs(draft), {
      args: {
        video: '/d/walk.MOV',
        sensors: [
          { file: '/d/wrist.csv', stream: 'wrist', options: { rate: 31.1 } },
          { file: '/d/ankle.csv', stream: 'ankle', options: { rate: 31.1 } },
        ],
        name: 'walk',
        trial: 3,
      },
    });
    assert.deepEqual(sessionArgs(emptySession()), { problem: 'Give a video, a sensor file, or both' });
    assert.deepEqual(sessionArgs({ ...draft, trial: 'two' }), { problem: 'Trial: two is not a whole number' });
    assert.deepEqual(
      sessionArgs({
        ...draft,
        sensors: [
          { file: '/a/wrist.csv', stream: '' },
          { file: '/b/wrist.csv', stream: '' },
        ],
      }),
      {
        problem: 'Sensors: two streams are named wrist: name each wearable',
      },
    );
  });

  it('reads a folder: patterns a line, label codes as code=name', () => {
    const draft = { ...emptyFolder(), dir: '/d', patterns: 'acc_{subject}_{label}_{trial}.txt\n\n', labels: '1=walk, 2 = run fast', rate: '31' };
    assert.deepEqual(folderArgs(draft), {
      args: { dir: '/d', patterns: ['acc_{subject}_{label}_{trial}.txt'], labels: { '1': 'walk', '2': 'run fast' }, options: { rate: 31 } },
    });
    assert.deepEqual(folderArgs({ ...draft, patterns: ' ' }), { problem: 'Patterns: give at least one, e.g. acc_{subject}_{label}_{trial}.txt' });
    assert.deepEqual(labelMap('walk'), { problem: 'Label codes: walk is not code=name' });
    assert.deepEqual(folderArgs({ ...draft, rate: '-1' }), { problem: 'Rate: -1 is not a positive number of Hz' });
  });

  it('sorts dropped files into videos, sensor files and the rest', () => {
    assert.deepEqual(sortDropped(['/a/clip.webm', '/a/acc.TXT', '/a/notes.pdf', '/a/x.mat']), {
      videos: ['/a/clip.webm'],
      sensors: ['/a/acc.TXT', '/a/x.mat'],
      others: ['/a/notes.pdf'],
    });
  });
});
