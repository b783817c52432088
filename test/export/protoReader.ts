/** A minimal protobuf reader for the tests: the fields of one message, nested ones left as bytes. */
import assert from 'node:assert/strict';

export interface Field {
  field: number;
  wire: number;
  /** varint fields */
  int?: bigint;
  /** length-delimited fields (bytes, strings, nested messages) */
  bytes?: Uint8Array;
}

function varint(bytes: Uint8Array, at: number): [bigint, number] {
  let value = 0n;
  for (let shift = 0n; ; shift += 7n) {
    assert.ok(at < bytes.length, 'varint runs past the end of the message');
    const b = bytes[at++];
    value |= BigInt(b & 0x7f) << shift;
    if (b < 0x80) return [value, at];
  }
}

export function readFields(bytes: Uint8Array): Field[] {
  const fields: Field[] = [];
  for (let at = 0; at < bytes.length;) {
    const [key, next] = varint(bytes, at);
    const field = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (wire === 0) {
      const [int, after] = varint(bytes, next);
      fields.push({ field, wire, int });
      at = after;
    } else if (wire === 2) {
      const [length, start] = varint(bytes, next);
      const end = start + Number(length);
      assert.ok(end <= bytes.length, `field ${field}: ${length} bytes run past the end of the message`);
      fields.push({ field, wire, bytes: bytes.subarray(start, end) });
      at = end;
    } else assert.fail(`wire type ${wire} (field ${field}) is not one the writer uses`);
  }
  return fields;
}

/** Every occurrence of field `n`. */
export function all(bytes: Uint8Array, n: number): Field[] {
  return readFields(bytes).filter((f) => f.field === n);
}

/** The one occurrence of length-delimited field `n`. */
export function message(bytes: Uint8Array, n: number): Uint8Array {
  const found = all(bytes, n);
  assert.equal(found.length, 1, `field ${n} occurs ${found.length} times`);
  assert.ok(found[0].bytes, `field ${n} is not length-delimited`);
  return found[0].bytes;
}

export function text(bytes: Uint8Array, n: number): string {
  return new TextDecoder().decode(message(bytes, n));
}

export function int(bytes: Uint8Array, n: number): bigint {
  const found = all(bytes, n);
  assert.equal(found.length, 1, `field ${n} occurs ${found.length} times`);
  assert.ok(found[0].int !== undefined, `field ${n} is not a varint`);
  return found[0].int;
}
