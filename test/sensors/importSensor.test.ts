import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { StudioError } from '../../main/shared/errors.ts';
import { importSensorFile } from '../../main/sensors/importSensor.ts';
import { createProject } from '../../main/store/project.ts';
import { readSamples } from '../../main/store/samples.ts';
import { projectSummary } from '../../main/store/summary.ts';
import { fixtures, tempDir } from '../helpers/tmp.ts';

const dir = tempDir();
let n = 0;
const fresh = () => createProject(join(dir, `s${n++}.vskd`));

describe('sensor file import', () => {
  it('stores a regular file without timestamps, at its detected rate', async () => {
    const project = await fresh();
    const recording = await importSensorFile(project, join(fixtures, 'sensors', 'phone_acc_ms.csv'), { label: 'walk' });
    assert.equal(recording.name, 'phone_acc_ms');
    assert.equal(recording.label, 'walk');
    const [stream] = recording.streams;
    assert.deepEqual(stream.channels.map((c) => c.name), ['acc_x', 'acc_y', 'acc_z']);
    assert.ok(Math.abs(stream.rate - 100) < 1e-6, `rate ${stream.rate}`);
    const samples = await readSamples(project.db, stream.id);
    assert.equal(samples.timestamps, null);
    assert.ok(Math.abs(samples.data[0] - 0.01) < 1e-6);
  });

  it('keeps irregular timestamps', async () => {
    const project = await fresh();
    const recording = await importSensorFile(project, join(fixtures, 'sensors', 'irregular.csv'));
    const samples = await readSamples(project.db, recording.streams[0].id);
    assert.ok(samples.timestamps);
    assert.equal(samples.timestamps.length, samples.rows);
    assert.equal(recording.streams[0].meta.regular, false);
  });

  it('writes nothing when cancelled', async () => {
    const project = await fresh();
    const file = join(fixtures, 'sensors', 'phone_acc_ms.csv');
    await assert.rejects(importSensorFile(project, file, { signal: AbortSignal.abort() }), (err: StudioError) => {
      assert.equal(err.code, 'CANCELLED');
      assert.equal(err.message, `import of ${file} cancelled: nothing was written`);
      return true;
    });
    assert.equal((await projectSummary(project.db)).recordings, 0);
  });

  it('writes nothing for a bad file, and names the file', async () => {
    const project = await fresh();
    const bad = join(dir, 'nan.csv');
    writeFileSync(bad, 't,x,y,z\n0,1,2,3\n0.01,1,NaN,3\n0.02,1,2,3\n');
    await assert.rejects(importSensorFile(project, bad, { name: 'x' }), (err: StudioError) => err.code === 'BAD_INPUT' && err.message.includes(bad));
    await assert.rejects(importSensorFile(project, join(dir, 'missing.csv')), (err: StudioError) => err.code === 'NOT_FOUND' && /missing\.csv/.test(err.message));
    assert.equal((await projectSummary(project.db)).recordings, 0);
  });
});
