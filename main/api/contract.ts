/**
 * The one API contract between the renderer and the studio's main side.
 * Every method has a runtime schema for its arguments (checked before a handler runs) and one
 * for its result; every event stream has one for its payload. The same contract serves the
 * Electron preload bridge and the web mode's HTTP/WebSocket bridge.
 */
import { z } from 'zod';
import type { EventName, MethodName } from './channels.ts';

export { eventNames, isMethodName, methodNames, type EventName, type MethodName } from './channels.ts';

const id = z.number().int().positive();
const path = z.string().min(1, 'a path is required');

const channel = z.object({ name: z.string(), unit: z.string() });

const streamSummary = z.object({
  id,
  kind: z.enum(['sensor', 'video', 'depth', 'skeleton']),
  name: z.string(),
  rate: z.number(),
  length: z.number().int(),
  channels: z.array(channel),
  meta: z.record(z.string(), z.unknown()),
});

const recordingSummary = z.object({
  id,
  name: z.string(),
  subject: z.string().nullable(),
  trial: z.number().int().nullable(),
  label: z.string().nullable(),
  createdAt: z.string(),
  streams: z.array(streamSummary),
});

const projectSummary = z.object({
  path: z.string(),
  schemaVersion: z.number().int(),
  recordings: z.number().int(),
  subjects: z.number().int(),
  labels: z.number().int(),
  streams: z.record(z.string(), z.number().int()),
  sensorSamples: z.number().int(),
  aligned: z.number().int(),
  annotations: z.number().int(),
  datasets: z.number().int(),
  runs: z.number().int(),
});

const label = z.object({ id, name: z.string(), description: z.string(), color: z.string().nullable(), position: z.number().int() });

const importReport = z.object({
  imported: z.number().int(),
  skipped: z.array(z.object({ name: z.string(), reason: z.string() })),
  missing: z.array(z.string()),
  seconds: z.number(),
});

const sensorImportOptions = z
  .object({
    name: z.string().min(1).optional(),
    label: z.string().min(1).optional(),
    subject: z.string().min(1).optional(),
    rate: z.number().positive().optional(),
    timeCol: z.union([z.string(), z.number().int().nonnegative()]).optional(),
    timeUnit: z.enum(['s', 'ms']).optional(),
    cols: z.array(z.union([z.string(), z.number().int().nonnegative()])).min(1).optional(),
    units: z.array(z.string()).optional(),
    delimiter: z.string().min(1).optional(),
    header: z.boolean().optional(),
  })
  .strict();

const sensorStream = z.object({
  streamId: id,
  channels: z.array(channel),
  rows: z.number().int(),
  cols: z.number().int(),
  rate: z.number(),
  data: z.array(z.number()),
  timestamps: z.array(z.number()).nullable(),
});

function method<A extends z.ZodType, R extends z.ZodType>(args: A, result: R) {
  return { args, result };
}

export const methods = {
  'app.version': method(z.object({}).strict(), z.object({ version: z.string(), schemaVersion: z.number().int() })),
  'project.create': method(z.object({ path }).strict(), projectSummary),
  'project.open': method(z.object({ path }).strict(), projectSummary),
  'project.close': method(z.object({}).strict(), z.null()),
  'project.summary': method(z.object({}).strict(), projectSummary),
  'recordings.list': method(
    z
      .object({
        label: z.string().optional(),
        subject: z.string().optional(),
        trial: z.number().int().optional(),
        search: z.string().optional(),
      })
      .strict(),
    z.array(recordingSummary),
  ),
  'labels.list': method(z.object({}).strict(), z.array(label)),
  'streams.samples': method(z.object({ streamId: id, resampleHz: z.number().positive().optional() }).strict(), sensorStream),
  'import.utdMhad': method(z.object({ dir: path, skipBad: z.boolean().optional() }).strict(), importReport),
  'import.sensor': method(z.object({ file: path, options: sensorImportOptions.optional() }).strict(), recordingSummary),
} as const satisfies Record<MethodName, { args: z.ZodType; result: z.ZodType }>;

/** Event streams from main to renderer. */
export const events = {
  'job.progress': z.object({
    job: z.string(),
    done: z.number().int().nonnegative(),
    total: z.number().int().nonnegative(),
    message: z.string(),
  }),
} as const satisfies Record<EventName, z.ZodType>;

export type MethodArgs<M extends MethodName> = z.input<(typeof methods)[M]['args']>;
export type MethodResult<M extends MethodName> = z.output<(typeof methods)[M]['result']>;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

/** What a handler set must implement: one async function per method. */
export type StudioHandlers = { [M in MethodName]: (args: z.output<(typeof methods)[M]['args']>) => Promise<MethodResult<M>> };

