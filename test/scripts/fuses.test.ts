import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { applyFuses, fusesToFlip } from '../../scripts/fuses.js';
import { electronBinary } from '../../scripts/electronWindow.js';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir('vskd-fuses-');
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
/** Electron 45's wire as it ships: RunAsNode, cookie encryption, NODE_OPTIONS, inspect, asar integrity, asar only, v8 snapshot, file:// privileges */
const SHIPPED = '10110001';

/** A file laid out as an Electron binary around its fuse wire (sentinel, version 1, length, one byte a fuse). */
function binaryWithWire(name: string, wire: string): { path: string; bytes: Buffer; at: number } {
  const before = randomBytes(4096);
  const bytes = Buffer.concat([before, Buffer.from(SENTINEL), Buffer.from([1, wire.length]), Buffer.from(wire), randomBytes(4096)]);
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return { path, bytes, at: before.length + SENTINEL.length + 2 };
}

const wireOf = (path: string, at: number, length: number) =>
  readFileSync(path)
    .subarray(at, at + length)
    .toString('latin1');

describe("Electron's fuses", () => {
  it("sets the window's fuses, and all of them for a packaged studio, touching no other byte", async () => {
    const window = binaryWithWire('electron', SHIPPED);
    assert.deepEqual(await fusesToFlip(window.path, false), [
      'RunAsNode: 1 (want 0)',
      'EnableCookieEncryption: 0 (want 1)',
      'EnableNodeOptionsEnvironmentVariable: 1 (want 0)',
    ]);
    assert.equal((await applyFuses(window.path)).length, 3);
    // inspect arguments stay on: the window test drives Electron through them
    assert.equal(wireOf(window.path, window.at, SHIPPED.length), '01010001');
    const after = readFileSync(window.path);
    assert.ok(after.subarray(0, window.at).equals(window.bytes.subarray(0, window.at)), 'the bytes before the wire are unchanged');
    assert.ok(after.subarray(window.at + SHIPPED.length).equals(window.bytes.subarray(window.at + SHIPPED.length)), 'and those after it');
    assert.deepEqual(await applyFuses(window.path), [], 'a second run flips nothing');

    const packaged = binaryWithWire('packaged', SHIPPED);
    await applyFuses(packaged.path, { packaged: true });
    assert.equal(wireOf(packaged.path, packaged.at, SHIPPED.length), '01001101');
    assert.deepEqual(await fusesToFlip(packaged.path, true), []);
  });

  it('refuses a file with no fuse wire, or one too short, in one line naming it', async () => {
    const plain = join(dir, 'not-electron');
    writeFileSync(plain, randomBytes(1000));
    await assert.rejects(applyFuses(plain), (err: Error) => err.message.startsWith(`${plain}: cannot read its Electron fuses`) && !err.message.includes('\n'));
    const short = binaryWithWire('short', '101');
    await assert.rejects(applyFuses(short.path, { packaged: true }), (err: Error) => err.message.includes(short.path) && !err.message.includes('\n'));
    assert.equal(wireOf(short.path, short.at, 3), '101', 'nothing flipped');
  });

  it("the installed Electron's wire is the studio's window set", { skip: electronBinary().reason ?? false }, async () => {
    // npm start sets them before it opens the window (scripts/start.js)
    const { binary } = electronBinary();
    await applyFuses(binary!);
    assert.deepEqual(await fusesToFlip(binary!, false), []);
  });
});
