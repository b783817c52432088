import { clipText, StudioError, toStudioError } from '../shared/errors.ts';

/** the longest error message a call answers with */
const MAX_MESSAGE = 1000;
import { isMethodName, methods, type StudioHandlers } from '../shared/contract.ts';
import type { Envelope } from '../shared/envelope.ts';

export interface DispatcherOptions {
  /** told of every call whose method exists, before its arguments are checked (tests see what a CLI command called) */
  onCall?: (method: string) => void;
}

/** Checks a call's arguments against the contract, then runs its handler; never throws. */
export function createDispatcher(handlers: StudioHandlers, { onCall }: DispatcherOptions = {}) {
  return async function dispatch(method: string, args: unknown): Promise<Envelope<unknown>> {
    try {
      if (!isMethodName(method)) throw new StudioError('INVALID_ARGUMENT', `unknown method ${JSON.stringify(method)}`, { field: 'method' });
      onCall?.(method);
      const parsed = methods[method].args.safeParse(args ?? {});
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const field = issue.path.join('.') || 'args';
        throw new StudioError('INVALID_ARGUMENT', `${method}: ${field}: ${issue.message}`, { field });
      }
      const handler = handlers[method] as (a: unknown) => Promise<unknown>;
      return { ok: true, value: await handler(parsed.data) };
    } catch (err) {
      const error = toStudioError(err).toJSON();
      // one readable line, whatever a file or a library put in the message
      return { ok: false, error: { ...error, message: clipText(error.message, MAX_MESSAGE) } };
    }
  };
}

export type Dispatch = ReturnType<typeof createDispatcher>;
