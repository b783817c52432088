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
    const { recording, warnings, seconds } = await importSensorFile(project, join(fixtures, 'sensors', 'phone_acc_ms.csv'), { label: 'walk' });
    assert.deepEqual(warnings, []);
    assert.ok(Math.abs(seconds - 0.06) < 1e-9, `${seconds} s: 6 samples at 100 Hz`);
    assert.equal(recording.name, 'phone_acc_ms');
    assert.equal(recording.label, 'walk');
    const [stream] = recording.streams;
    assert.deepEqual(
      stream.channels.map((c) => c.name),
      ['acc_x', 'acc_y', 'acc_z'],
    );
    assert.ok(Math.abs(stream.rate - 100) < 1e-6, `rate ${stream.rate}`);
    const samples = await readSamples(project.db, stream.id);
    assert.equal(samples.timestamps, null);
    assert.ok(Math.abs(samples.data[0] - 0.01) < 1e-6);
  });

  it('keeps irregular timestamps', async () => {
    const project = await fresh();
    const { recording } = await importSensorFile(project, join(fixtures, 'sensors', 'irregular.csv'));
    const samples = await readSamples(project.db, recording.streams[0].id);
    assert.ok(samples.timestamps);
    assert.equal(samples.timestamps.length, samples.rows);
    assert.equal(recording.streams[0].meta.regular, false);
    assert.equal(recording.streams[0].meta.timeColumn, 't');
    assert.equal(recording.streams[0].meta.rateEstimate, recording.streams[0].rate);
    assert.ok(Number(recording.streams[0].meta.jitter) > 0);
  });

  it('imports a headerless ax ay az + unix time file with a trial: the time is no channel, the clock is in the meta', async () => {
    const file = join(dir, 'a03_s2_t4.txt');
    const start = 1_700_000_000;
    // 40 samples at ~31 Hz; a 26.5 g spike on az at sample 9
    const rows = Array.from(
      { length: 40 },
      (_, i) => `${(i % 5) / 100} ${-(i % 3) / 100} ${i === 9 ? 26.5 : 0.98} ${(start + i * 0.032 + (i % 2) * 0.001).toFixed(3)}`,
    );
    writeFileSync(file, rows.join('\n') + '\n');
    for (const rate of [undefined, 31]) {
      const project = await fresh();
      const { recording, warnings } = await importSensorFile(project, file, { rate, trial: 4, subject: 's2', label: 'a03', units: ['g', 'g', 'g'] });
      assert.deepEqual([recording.name, recording.subject, recording.trial, recording.label], ['a03_s2_t4', 's2', 4, 'a03']);
      const [stream] = recording.streams;
      assert.deepEqual(
        stream.channels,
        ['col0', 'col1', 'col2'].map((name) => ({ name, unit: 'g' })),
      );
      assert.ok(Math.abs(Number(stream.meta.rateEstimate) - 1 / 0.032) < 0.1, `estimate ${stream.meta.rateEstimate}`);
      assert.equal(stream.rate, rate ?? stream.meta.rateEstimate);
      assert.equal(stream.meta.timeColumn, 'col3');
      assert.equal(stream.meta.startTime, start);
      assert.ok(Number(stream.meta.jitter) > 0 && Number(stream.meta.jitter) < 0.002);
      const samples = await readSamples(project.db, stream.id);
      assert.equal(samples.cols, 3);
      assert.ok(
        samples.data.every((v) => v < 30),
        'no timestamp stored as a value',
      );
      assert.deepEqual(warnings, [
        `${file}: column "col2" reaches 26.5 g at sample 9 (${(rate ? 9 / 31 : 0.289).toFixed(3)} s), beyond the full scale of ±16 g (1 value beyond it)`,
      ]);
    }
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
    await assert.rejects(
      importSensorFile(project, join(dir, 'missing.csv')),
      (err: StudioError) => err.code === 'NOT_FOUND' && /missing\.csv/.test(err.message),
    );
    assert.equal((await projectSummary(project.db)).recordings, 0);
  });

  it('refuses a Latin-1 file, a folder and a bad trial, and writes nothing', async () => {
    const project = await fresh();
    const latin1 = join(dir, 'latin1.csv');
    writeFileSync(latin1, Buffer.from('t,temp_\xB0C\n0,20\n1,21\n2,22\n', 'latin1'));
    await assert.rejects(
      importSensorFile(project, latin1),
      (err: StudioError) => err.message === `${latin1}:1: not UTF-8 text (byte 0xB0 at offset 7): save it as UTF-8`,
    );
    await assert.rejects(
      importSensorFile(project, dir),
      (err: StudioError) => err.code === 'BAD_INPUT' && err.message === `${dir}: is a directory, not a sensor file`,
    );
    const good = join(fixtures, 'sensors', 'phone_acc_ms.csv');
    for (const trial of [-1, 1.5]) {
      await assert.rejects(importSensorFile(project, good, { trial }), (err: StudioError) => err.code === 'INVALID_ARGUMENT' && err.detail.field === 'trial');
    }
    await assert.rejects(
      importSensorFile(project, good, { maxFileBytes: 10 }),
      (err: StudioError) => err.code === 'BAD_INPUT' && /maxFileBytes/.test(err.message),
    );
    assert.equal((await projectSummary(project.db)).recordings, 0);
  });
});
