import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ensureDemoProject } from '../../main/datasets/demoProject.ts';
import { closeProject, openProject } from '../../main/store/project.ts';
import { projectSummary } from '../../main/store/summary.ts';
import { tempDir } from '../helpers/tmp.ts';

describe('the embedded demo project', () => {
  it('is generated and imported once, then reused', { timeout: 240_000 }, async () => {
    const cache = tempDir();
    const lines: string[] = [];
    const path = await ensureDemoProject(cache, (line) => lines.push(line));
    assert.equal(path, join(cache, 'demo.vskd'));
    assert.ok(
      lines.some((l) => l.includes('generating the demo dataset')),
      `log: ${lines.join('; ')}`,
    );
    assert.ok(!existsSync(`${path}.building`), 'no half-built project left');
    const project = await openProject(path);
    const summary = await projectSummary(project.db);
    await closeProject(project);
    assert.ok(summary.recordings >= 10, `recordings: ${summary.recordings}`);
    assert.equal(summary.streams.video, summary.streams.sensor, `streams: ${JSON.stringify(summary.streams)}`);
    const again: string[] = [];
    assert.equal(await ensureDemoProject(cache, (line) => again.push(line)), path);
    assert.deepEqual(again, []);
  });
});
