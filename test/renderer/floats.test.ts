/** The renderer's decoding of the API's base64 floats, by hand where the runtime has no Uint8Array.fromBase64 (Node 22). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { float32s, float64s } from '../../renderer/src/lib/floats.ts';

describe('base64 floats', () => {
  it('reads back what the server encodes', () => {
    const singles = Float32Array.from([0, -1.5, 3.25, NaN, Infinity, 1e-30]);
    const doubles = Float64Array.from([0, Math.PI, -1e300, 1 / 3]);
    assert.deepEqual(float32s(Buffer.from(singles.buffer).toString('base64')), singles);
    assert.deepEqual(float64s(Buffer.from(doubles.buffer).toString('base64')), doubles);
    assert.equal(float32s('').length, 0, 'nothing to decode');
  });
});
