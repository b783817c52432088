/**
 * A minimal Protocol Buffers writer: what an ONNX file needs and nothing more. Three kinds of field
 * (protobuf.dev "Encoding"): varints (int32/int64/enum, wire type 0), length-delimited bytes and
 * strings (wire type 2), and nested messages, which are length-delimited bytes of their own encoding.
 * Chunks are kept by reference and joined once by finish(), so nesting copies nothing.
 */
import { StudioError } from '../shared/errors.ts';

const VARINT = 0;
const LENGTH_DELIMITED = 2;
const MAX_FIELD = 2 ** 29 - 1;

export class ProtoWriter {
  private readonly chunks: Uint8Array[] = [];
  private size = 0;

  /** An int32, int64 or enum field. Negative values take ten bytes (two's complement over 64 bits), as protobuf does. */
  int(field: number, value: number | bigint): this {
    this.key(field, VARINT);
    this.varint(value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  bytes(field: number, value: Uint8Array): this {
    this.key(field, LENGTH_DELIMITED);
    this.varint(value.length);
    this.push(value);
    return this;
  }

  /** A nested message: `message`'s bytes, length-prefixed. */
  message(field: number, message: ProtoWriter): this {
    this.key(field, LENGTH_DELIMITED);
    this.varint(message.size);
    for (const chunk of message.chunks) this.push(chunk);
    return this;
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, at);
      at += chunk.length;
    }
    return out;
  }

  private key(field: number, wireType: number): void {
    if (!Number.isInteger(field) || field < 1 || field > MAX_FIELD) {
      throw new StudioError('INVALID_ARGUMENT', `protobuf field number must be an integer in [1, ${MAX_FIELD}], got ${field}`, { field: 'field' });
    }
    // field × 8 + wire type; field < 2^29 keeps this inside a safe integer
    this.varint(field * 8 + wireType);
  }

  private varint(value: number | bigint): void {
    if (typeof value === 'number' && !Number.isSafeInteger(value)) {
      throw new StudioError('INVALID_ARGUMENT', `protobuf varint must be a safe integer, got ${value}`, { field: 'value' });
    }
    let v = BigInt.asUintN(64, BigInt(value));
    const bytes: number[] = [];
    while (v >= 0x80n) {
      bytes.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    bytes.push(Number(v));
    this.push(Uint8Array.from(bytes));
  }

  private push(chunk: Uint8Array): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
  }
}
