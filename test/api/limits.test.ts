import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type * as z from 'zod';
import { createDispatcher } from '../../main/api/dispatch.ts';
import { createStudioService } from '../../main/api/service.ts';
import { maxPathLength, maxResampleHz, maxSampleRows, methods } from '../../main/shared/contract.ts';
import { apiCaller } from '../helpers/api.ts';
import { eventLog, resultOf } from '../helpers/events.ts';
import { tempDir } from '../helpers/tmp.ts';

interface Def {
  type: string;
  checks?: { _zod: { def: { check: string } } }[];
  [key: string]: unknown;
}
const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: Def } })._zod.def;
const checksOf = (def: Def) => (def.checks ?? []).map((c) => c._zod.def.check);

/** The paths of every string and array in an argument schema that has no upper bound. */
function unbounded(schema: z.ZodType, at: string): string[] {
  const def = defOf(schema);
  const inner = (key: string, path = at) => unbounded(def[key] as z.ZodType, path);
  switch (def.type) {
    case 'string':
      // a pattern (a colour '#rrggbb') bounds it too
      return (schema as z.ZodString).maxLength === null && !checksOf(def).includes('string_format') ? [at] : [];
    case 'array': {
      const bounded = checksOf(def).some((c) => c === 'max_length' || c === 'length_equals');
      return [...(bounded ? [] : [at]), ...inner('element', `${at}[]`)];
    }
    case 'object':
      return Object.entries(def.shape as Record<string, z.ZodType>).flatMap(([key, value]) => unbounded(value, `${at}.${key}`));
    case 'record':
      // its count is bounded by a refinement (Object.keys(..).length)
      return [...(checksOf(def).length ? [] : [`${at}{count}`]), ...inner('keyType', `${at}{key}`), ...inner('valueType', `${at}{value}`)];
    case 'union':
      return (def.options as z.ZodType[]).flatMap((option) => unbounded(option, at));
    case 'tuple':
      return (def.items as z.ZodType[]).flatMap((item, i) => unbounded(item, `${at}[${i}]`));
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
      return inner('innerType');
    case 'pipe':
      return inner('in');
    default:
      return []; // numbers, booleans, enums, literals
  }
}

function studio() {
  const log = eventLog();
  const service = createStudioService({ version: '0.0.0-test', emit: log.emit });
  return { ...apiCaller(createDispatcher(service.handlers)), log, service };
}
type Studio = ReturnType<typeof studio>;

/** A headerless sensor file of `rows` rows at `rate` Hz (three columns), imported; its stream's id. */
async function importSensor(s: Studio, dir: string, rows: number, rate: number): Promise<number> {
  const file = join(dir, `acc-${rows}.txt`);
  writeFileSync(file, Array.from({ length: rows }, (_, i) => `${Math.sin(i / 10).toFixed(4)} ${(i % 7) / 7} 1`).join('\n'));
  const { job } = await s.call('import.sensor', { file, options: { rate, name: `acc-${rows}` } });
  const recording = resultOf(await s.log.ended(job), 'import.sensor').recordings![0];
  const found = await s.call('recordings.find', { ref: recording.name });
  return found.streams[0].id;
}

describe('API limits: every size a call can ask for is bounded', () => {
  it("leaves no string or array in any method's arguments without an upper bound", () => {
    const found = Object.entries(methods).flatMap(([name, { args }]) => unbounded(args, name));
    assert.deepEqual(found, []);
  });

  it('refuses an oversized argument by its field, in a one-line message that does not quote it', async () => {
    const s = studio();
    const long = (n: number) => 'x'.repeat(n);
    const many = <T>(n: number, item: T) => Array.from({ length: n }, () => item);
    const cases: [string, unknown, string][] = [
      ['project.open', { path: `/tmp/${long(maxPathLength)}` }, 'path'],
      ['import.sensor', { file: '/tmp/a.csv', options: { cols: many(1025, 0) } }, 'options.cols'],
      ['import.sensor', { file: '/tmp/a.csv', options: { fullScale: Object.fromEntries(many(65, 0).map((_, i) => [`u${i}`, 1])) } }, 'options.fullScale'],
      ['import.sensor', { file: '/tmp/a.csv', options: { label: long(201) } }, 'options.label'],
      ['streams.samples', { streamId: 1, resampleHz: 1e6 }, 'resampleHz'],
      ['media.frames', { video: '/tmp/v.mp4', size: 100_000 }, 'size'],
      ['recordings.list', { search: long(201) }, 'search'],
      ['alignment.set', { recordingId: 1, method: 'anchors', anchors: many(10_001, { video: 1, sensor: 1 }) }, 'anchors'],
      ['annotations.create', { recordingId: 1, labelId: 1, start: 0, end: 1, note: long(10_001) }, 'note'],
      ['annotations.export', { format: 'csv', path: '/tmp/a.csv', recordingIds: many(10_001, 1) }, 'recordingIds'],
      ['labels.create', { name: long(201) }, 'name'],
      ['runs.report', { datasets: many(1001, 'd') }, 'datasets'],
      ['jobs.cancel', { job: long(201) }, 'job'],
      ['demo.generate', { out: '/tmp/demo', classes: many(101, 'wave') }, 'classes'],
    ];
    for (const [method, args, field] of cases) {
      const error = await s.failure(method, args);
      assert.equal(error.code, 'INVALID_ARGUMENT', `${method} ${field}: ${error.message}`);
      assert.equal(error.field, field, `${method}: ${error.message}`);
      assert.ok(!error.message.includes('\n') && error.message.length < 200, `${method}: a short line: ${error.message.slice(0, 300)}`);
    }
    await s.service.dispose();
  });

  describe('streams.samples', () => {
    let s: Studio;
    const dir = tempDir();
    before(async () => {
      s = studio();
      await s.call('project.create', { path: join(dir, 'limits.vskd') });
    });
    after(() => s.service.dispose());

    it(`refuses a rate above ${maxResampleHz} Hz (the 1 MHz request of issue 18) before reading anything`, async () => {
      const started = performance.now();
      const error = await s.failure('streams.samples', { streamId: 1, resampleHz: 1e6 });
      assert.equal(error.field, 'resampleHz');
      assert.match(error.message, new RegExp(`${maxResampleHz}`));
      assert.ok(performance.now() - started < 1000);
    });

    it(`refuses an answer beyond ${maxSampleRows} rows, naming the rate and the limit, and answers below it`, async () => {
      // 60 s at 50 Hz: 10 kHz would be 600 001 rows
      const streamId = await importSensor(s, dir, 3000, 50);
      const error = await s.failure('streams.samples', { streamId, resampleHz: maxResampleHz });
      assert.equal(error.code, 'INVALID_ARGUMENT');
      assert.equal(error.field, 'resampleHz');
      assert.match(error.message, /^streams\.samples: resampleHz: 10000 Hz over 59\.98 s would answer 599801 rows, over the limit of 500000/);
      const fine = await s.call('streams.samples', { streamId, resampleHz: 100 });
      assert.equal(fine.rows, 5999);
      assert.equal(fine.data.length, fine.rows * fine.cols);
    });

    it('refuses a stored stream longer than the budget unless it is resampled lower', async () => {
      const streamId = await importSensor(s, dir, maxSampleRows + 1, 1000);
      const error = await s.failure('streams.samples', { streamId });
      assert.equal(error.field, 'streamId');
      assert.match(error.message, new RegExp(`stream ${streamId} would answer ${maxSampleRows + 1} rows, over the limit of ${maxSampleRows}`));
      const lower = await s.call('streams.samples', { streamId, resampleHz: 10 });
      assert.equal(lower.rows, 5001);
    });
  });
});
