import assert from 'node:assert/strict';
import { StudioError } from '../../main/shared/errors.ts';

/** For assert.throws/rejects: an INVALID_ARGUMENT StudioError naming `field` (and matching `message`). */
export function invalidArgument(field: string, message?: RegExp) {
  return (err: unknown): boolean => {
    assert.ok(err instanceof StudioError, `expected a StudioError, got ${String(err)}`);
    assert.equal(err.code, 'INVALID_ARGUMENT');
    assert.equal(err.detail.field, field);
    if (message) assert.match(err.message, message);
    return true;
  };
}
