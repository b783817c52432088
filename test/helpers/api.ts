import assert from 'node:assert/strict';
import type { MethodArgs, MethodName, MethodResult } from '../../main/shared/contract.ts';
import type { Dispatch } from '../../main/api/dispatch.ts';
import { unwrap } from '../../main/shared/envelope.ts';
import type { StudioErrorJSON } from '../../main/shared/errors.ts';

/** Typed calls through a dispatcher: `call` unwraps a result, `failure` expects and returns an error. */
export function apiCaller(dispatch: Dispatch) {
  return {
    call: async <M extends MethodName>(method: M, args: MethodArgs<M>) => unwrap(await dispatch(method, args)) as MethodResult<M>,
    failure: async (method: string, args: unknown): Promise<StudioErrorJSON> => {
      const envelope = await dispatch(method, args);
      assert.ok(!envelope.ok, `${method} ${JSON.stringify(args)} fails`);
      return envelope.error;
    },
  };
}
