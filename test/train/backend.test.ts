import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { StudioError } from '../../main/shared/errors.ts';
import { selectBackend } from '../../main/train/backend.ts';
import { AttemptTimeout, BACKEND_CANDIDATES, failureReason, probeBackends, withTimeout } from '../../main/train/backendsAvailable.ts';

// what this machine has, by the same probes as `vskd doctor` (here: no tfjs-node, no WebGPU adapter)
const statuses = await probeBackends();
const status = (name: string) => statuses.find((s) => s.name === name)!;

function studioError(code: string, more: (err: StudioError) => void) {
  return (err: unknown) => {
    assert.ok(err instanceof StudioError, `expected a StudioError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    more(err);
    return true;
  };
}

describe('selectBackend', () => {
  it("'auto' takes the best backend that starts and lists the better ones with the reason each failed", async () => {
    const lines: string[] = [];
    const selection = await selectBackend('auto', (line) => lines.push(line));
    // a software GPU (SwiftShader) is probed as available, but only an explicit choice takes it
    const first = statuses.findIndex((s) => s.available && !s.detail.endsWith('(software)'));
    assert.equal(selection.backend, BACKEND_CANDIDATES[first].backend);
    assert.equal(tf.getBackend(), selection.backend);
    assert.deepEqual(
      selection.fallbacks.map((f) => f.backend),
      BACKEND_CANDIDATES.slice(0, first).map((c) => c.backend),
    );
    for (const [k, fallback] of selection.fallbacks.entries()) {
      const { name, detail } = statuses[k];
      assert.ok(fallback.reason.includes(detail), `${name}: "${fallback.reason}" should give the probe's reason "${detail}"`);
      assert.ok(
        lines.some((l) => l.includes(fallback.reason)),
        `the log should give ${name}'s reason: ${lines.join(' | ')}`,
      );
    }
    assert.ok(lines.at(-1)?.startsWith(`training on ${selection.backend}`), `last log line: ${lines.at(-1)}`);
  });

  it('names the tfjs-node packages that are not installed', async (t) => {
    if (status('tfjs-node-gpu').available || status('tfjs-node').available) return t.skip('tfjs-node is installed here');
    await assert.rejects(
      selectBackend('tensorflow', () => {}),
      studioError('UNAVAILABLE', (err) => {
        assert.equal(err.message, 'the tensorflow backend is unavailable: tfjs-node-gpu: not installed; tfjs-node: not installed');
        assert.equal(err.detail.field, 'backend');
      }),
    );
  });

  it("an explicit 'webgpu' that cannot start is UNAVAILABLE with the reason, not a fallback", async (t) => {
    const webgpu = status('webgpu');
    if (webgpu.available) return t.skip(`this machine has a WebGPU adapter (${webgpu.detail})`);
    const lines: string[] = [];
    await assert.rejects(
      selectBackend('webgpu', (line) => lines.push(line)),
      studioError('UNAVAILABLE', (err) => assert.equal(err.message, `the webgpu backend is unavailable: ${webgpu.detail}`)),
    );
    assert.ok(!lines.some((l) => l.startsWith('training on')), `nothing else was chosen: ${lines.join(' | ')}`);
  });

  it("'cpu' gives cpu", async () => {
    assert.deepEqual(await selectBackend('cpu', () => {}), { backend: 'cpu', fallbacks: [] });
    assert.equal(tf.getBackend(), 'cpu');
  });

  it("'wasm' gives wasm with our gradient kernels", async () => {
    assert.deepEqual(await selectBackend('wasm', () => {}), { backend: 'wasm', fallbacks: [] });
    assert.equal(tf.getBackend(), 'wasm');
    assert.ok(tf.getKernel('Conv2DBackpropFilter', 'wasm'), 'Conv2DBackpropFilter is registered for wasm');
  });
});

describe('backend attempts', () => {
  it('give up on an attempt that hangs', async () => {
    const started = performance.now();
    await assert.rejects(withTimeout(new Promise(() => {}), 50), (err) => err instanceof AttemptTimeout && /within 0.05 s/.test(err.message));
    assert.ok(performance.now() - started < 2000, 'the time limit held');
  });

  it('report a missing package as not installed', async () => {
    const err = await import('@tensorflow/no-such-package' as string).catch((e: unknown) => e);
    assert.equal(failureReason(err), 'not installed');
  });
});
