import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createDispatcher } from '../../main/api/dispatch.ts';
import { unwrap } from '../../main/shared/envelope.ts';
import { createStudioService } from '../../main/api/service.ts';
import { recentProjects, rememberProject } from '../../main/store/recent.ts';
import { tempDir } from '../helpers/tmp.ts';

describe('recent projects', () => {
  it('keep the latest first, once each, and only files that still exist', async () => {
    const dir = tempDir();
    const file = join(dir, 'cache', 'recent.json');
    const [a, b] = [join(dir, 'a.vskd'), join(dir, 'b.vskd')];
    writeFileSync(a, '');
    writeFileSync(b, '');
    assert.deepEqual(await recentProjects(file), []);
    await rememberProject(file, a);
    await rememberProject(file, b);
    assert.deepEqual(await rememberProject(file, a), [a, b]);
    writeFileSync(file, JSON.stringify([join(dir, 'gone.vskd'), b, 42]));
    assert.deepEqual(await recentProjects(file), [b]);
    writeFileSync(file, 'not json');
    assert.deepEqual(await recentProjects(file), []);
  });

  it('are remembered by the studio when a project is created or opened', async () => {
    const dir = tempDir();
    const recentFile = join(dir, 'recent.json');
    const service = createStudioService({ version: 'test', emit: () => undefined, recentFile });
    const dispatch = createDispatcher(service.handlers);
    const path = join(dir, 'p.vskd');
    unwrap(await dispatch('project.create', { path }));
    assert.deepEqual(unwrap(await dispatch('projects.recent', {})), [path]);
    await service.dispose();
    const forgetful = createDispatcher(createStudioService({ version: 'test', emit: () => undefined }).handlers);
    assert.deepEqual(unwrap(await forgetful('projects.recent', {})), []);
  });
});
