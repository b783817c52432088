/**
 * Leases in a real project file: refused while a live process holds the resource (another process
 * for real: a child node that takes the lease and stays), taken over once that process is killed,
 * and a lease of another host counted as alive.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { StudioError } from '../../main/shared/errors.ts';
import { acquireLease, describeLease, leaseHolder, releaseLease } from '../../main/store/leases.ts';
import { closeProject, createProject, type Project } from '../../main/store/project.ts';
import { holderProcess } from '../helpers/holderProcess.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir();
let n = 0;
const fresh = () => createProject(join(dir, `p${n++}.vskd`));

const host = hostname().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const refused = (pattern: RegExp) => (err: unknown) => err instanceof StudioError && err.code === 'CONFLICT' && pattern.test(err.message);

describe('leases', () => {
  it('are refused while this process holds one, and free again once released', async () => {
    const project: Project = await fresh();
    const lease = await acquireLease(project.db, 'run 3', 'the studio');
    assert.deepEqual({ ...lease, since: undefined }, { resource: 'run 3', holder: 'the studio', pid: process.pid, host: hostname(), since: undefined });
    assert.ok(Math.abs(Date.parse(lease.since) - Date.now()) < 60_000, `since ${lease.since} is now`);
    const message = `^run 3 is held by the studio \\(pid ${process.pid} on host ${host}\\) since \\d\\d:\\d\\d:\\d\\d: wait for it or stop that process$`;
    await assert.rejects(acquireLease(project.db, 'run 3', 'vskd train student'), refused(new RegExp(message)));
    assert.equal((await acquireLease(project.db, 'run 4', 'the studio')).resource, 'run 4', 'another resource is free');
    assert.deepEqual(await leaseHolder(project.db, 'run 3'), lease);
    assert.match(describeLease(lease), new RegExp(`^the studio \\(pid ${process.pid} on host ${host}\\) since \\d\\d:\\d\\d:\\d\\d$`));
    assert.equal(await releaseLease(project.db, 'run 3'), true);
    assert.equal(await releaseLease(project.db, 'run 3'), false, 'nothing left to release');
    assert.equal(await leaseHolder(project.db, 'run 3'), null);
    assert.equal((await acquireLease(project.db, 'run 3', 'vskd train student')).holder, 'vskd train student');
    await closeProject(project);
  });

  it('are refused while another process holds one, naming its pid, and taken over once it is killed', async () => {
    const project = await fresh();
    const child = await holderProcess(project.path, 'run 3', 'vskd train student');
    await assert.rejects(
      acquireLease(project.db, 'run 3', 'the studio'),
      refused(new RegExp(`^run 3 is held by vskd train student \\(pid ${child.pid} on host ${host}\\) since `)),
    );
    assert.equal((await leaseHolder(project.db, 'run 3'))?.pid, child.pid);
    assert.equal(await releaseLease(project.db, 'run 3'), false, 'release leaves another process lease alone');
    assert.equal((await leaseHolder(project.db, 'run 3'))?.holder, 'vskd train student');

    child.kill('SIGKILL');
    await once(child, 'exit');
    assert.equal(await leaseHolder(project.db, 'run 3'), null, 'a killed holder is no holder');
    const taken = await acquireLease(project.db, 'run 3', 'the studio');
    assert.deepEqual([taken.holder, taken.pid], ['the studio', process.pid]);
    assert.equal((await project.db.all('SELECT * FROM leases')).length, 1, 'the stale row was replaced');
    await closeProject(project);
  });

  it('count a lease of another host as alive, since its process cannot be checked', async () => {
    const project = await fresh();
    await project.db.run('INSERT INTO leases (resource, holder, pid, host, since) VALUES (?, ?, ?, ?, ?)', [
      'import /data/a',
      'vskd import',
      1,
      'lab-pc',
      '2026-01-02T03:04:05.000Z',
    ]);
    await assert.rejects(
      acquireLease(project.db, 'import /data/a', 'the studio'),
      refused(/^import \/data\/a is held by vskd import \(pid 1 on host lab-pc\) since 2026-01-0\d \d\d:\d\d:05: /),
    );
    assert.equal((await leaseHolder(project.db, 'import /data/a'))?.host, 'lab-pc');
    assert.equal(await releaseLease(project.db, 'import /data/a'), false);
    await closeProject(project);
  });
});
