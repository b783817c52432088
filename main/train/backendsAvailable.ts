/**
 * The training backends this machine may have, best first, and the two ways to use them: probing each
 * in isolation for `vskd doctor` (TensorFlow.js's active backend stays as it is) and activating one for
 * training (backend.ts). Every attempt runs under a time limit: one that fails or hangs reports why
 * instead of taking the caller down.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { BackendName } from '../shared/trainSettings.ts';
import { loadNativeKernels } from './kernels/nativeKernels.ts';
import { registerBackendKernels } from './kernels/register.ts';
import { vulkanDriverListed } from './vulkanDrivers.ts';

export interface BackendStatus {
  /** 'tfjs-node-gpu', 'tfjs-node', 'webgpu', 'wasm', 'cpu' */
  name: string;
  available: boolean;
  /** the version or device when available, else why not */
  detail: string;
}

export interface BackendCandidate {
  /** the package or backend as `vskd doctor` names it */
  name: string;
  /** the TensorFlow.js backend it provides */
  backend: BackendName;
  /** Checks that the backend can start, leaving the active backend as it is; resolves to the version or device. */
  probe(): Promise<string>;
  /**
   * Makes it TensorFlow.js's active backend; resolves to the version or device. A software GPU (a
   * CPU emulating one, e.g. SwiftShader) is refused unless `software` allows it: it trains far slower
   * than wasm on the same CPU, so only an explicit choice gets it.
   */
  activate(options?: { software?: boolean }): Promise<string>;
}

export const ATTEMPT_TIMEOUT_MS = 30_000;

export class AttemptTimeout extends Error {}

/** Imports a package by a name the type checker need not know (optional packages may be absent). */
function importOptional(name: string): Promise<Record<string, unknown>> {
  return import(name) as Promise<Record<string, unknown>>;
}

async function setActive(backend: BackendName): Promise<void> {
  // tfjs logs the cause of a failed initialisation as a warning and answers false
  if (!(await tf.setBackend(backend))) throw new Error(`TensorFlow.js could not initialise the ${backend} backend`);
}

/** Starts an instance of a registered backend through its factory, without registering it, and frees it. */
async function startInIsolation(backend: BackendName, pkg: string): Promise<void> {
  const factory = tf.findBackendFactory(backend);
  if (!factory) throw new Error(`${pkg} registered no '${backend}' backend`);
  (await factory()).dispose();
}

/** tfjs-node(-gpu): the native TensorFlow binding loads on import and registers 'tensorflow'. */
function tfjsNode(pkg: string): BackendCandidate {
  const load = async () => {
    const node = await importOptional(pkg);
    return `TensorFlow.js ${(node.version as Record<string, string> | undefined)?.['tfjs-core'] ?? 'loaded'}`;
  };
  return {
    name: pkg.replace('@tensorflow/', ''),
    backend: 'tensorflow',
    probe: load,
    activate: async () => {
      const detail = await load();
      await setActive('tensorflow');
      return detail;
    },
  };
}

/** one Dawn instance per thread: the one whose adapter was checked is the one tfjs is handed */
let dawn: GPU | undefined;

/** Dawn (the `webgpu` package) asked for an adapter; throws when there is none. */
async function webgpuAdapter(): Promise<{ gpu: GPU; globals: object; detail: string; software: boolean }> {
  if (!vulkanDriverListed()) throw new Error('no Vulkan driver (no ICD manifest in vulkan/icd.d, VK_DRIVER_FILES unset)');
  const { create, globals } = await import('webgpu');
  dawn ??= create([]);
  const adapter = await dawn.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new Error('no adapter (no GPU, or no Vulkan/Metal/D3D12 driver)');
  const { vendor, architecture, description } = adapter.info;
  const software = (adapter.info as { isFallbackAdapter?: boolean }).isFallbackAdapter === true;
  const detail = [vendor, architecture, description].filter(Boolean).join(' ') || 'adapter found';
  return { gpu: dawn, globals, detail: software ? `${detail} (software)` : detail, software };
}

/**
 * tfjs-backend-webgpu expects a browser: it registers only if `navigator.gpu` exists when it is first
 * imported, and uses the WebGPU constants (GPUBufferUsage, ...) as globals.
 */
function exposeWebgpu(gpu: GPU, globals: object): void {
  for (const [key, value] of Object.entries(globals)) {
    if (!(key in globalThis)) Object.defineProperty(globalThis, key, { value, configurable: true, writable: true });
  }
  const navigator = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (navigator?.gpu) return;
  // Node 21+ has a navigator without gpu, and globalThis.navigator is a getter there: plain assignment fails
  if (navigator) Object.defineProperty(navigator, 'gpu', { value: gpu, configurable: true });
  else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
}

const webgpu: BackendCandidate = {
  name: 'webgpu',
  backend: 'webgpu',
  probe: async () => (await webgpuAdapter()).detail,
  activate: async ({ software = true } = {}) => {
    const { gpu, globals, detail, software: isSoftware } = await webgpuAdapter();
    if (isSoftware && !software) throw new Error(`only a software adapter (${detail}), slower than wasm: choose the webgpu backend to use it anyway`);
    exposeWebgpu(gpu, globals);
    await import('@tensorflow/tfjs-backend-webgpu');
    if (!tf.findBackendFactory('webgpu')) throw new Error('@tensorflow/tfjs-backend-webgpu was loaded before navigator.gpu existed and registered nothing');
    await registerBackendKernels('webgpu');
    await setActive('webgpu');
    return detail;
  },
};

/** wasm's version and whether the native kernels (nativeKernels.ts) compute its convolutions and BatchNorms */
function wasmDetail(): string {
  const native = loadNativeKernels();
  return `TensorFlow.js ${tf.version_core}, ${native.addon ? `native kernels (${native.version})` : `no native kernels: ${native.reason}`}`;
}

const wasm: BackendCandidate = {
  name: 'wasm',
  backend: 'wasm',
  probe: async () => {
    await import('@tensorflow/tfjs-backend-wasm');
    await startInIsolation('wasm', '@tensorflow/tfjs-backend-wasm');
    return wasmDetail();
  },
  activate: async () => {
    // loaded on demand: a broken wasm package then fails this attempt, not the import of this module
    const { setWasmPaths } = await import('@tensorflow/tfjs-backend-wasm');
    // the .wasm binaries as a file path: Node has no URL to fetch them from
    setWasmPaths(`${dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'))}/`);
    await registerBackendKernels('wasm');
    await setActive('wasm');
    return wasmDetail();
  },
};

const cpu: BackendCandidate = {
  name: 'cpu',
  backend: 'cpu',
  probe: async () => {
    await import('@tensorflow/tfjs-backend-cpu');
    await startInIsolation('cpu', '@tensorflow/tfjs-backend-cpu');
    return `TensorFlow.js ${tf.version_core}`;
  },
  activate: async () => {
    await import('@tensorflow/tfjs-backend-cpu');
    await setActive('cpu');
    return `TensorFlow.js ${tf.version_core}`;
  },
};

/** Best first: native TensorFlow (GPU build, then CPU build), WebGPU, wasm, plain JavaScript. */
export const BACKEND_CANDIDATES: readonly BackendCandidate[] = [tfjsNode('@tensorflow/tfjs-node-gpu'), tfjsNode('@tensorflow/tfjs-node'), webgpu, wasm, cpu];

/** Why an attempt failed, in one line. */
export function failureReason(err: unknown): string {
  const code = (err as { code?: string } | null)?.code;
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return 'not installed';
  return (err instanceof Error ? err.message : String(err)).split('\n')[0];
}

/** `work`, or an AttemptTimeout after `timeoutMs` (the work itself cannot be stopped and is left to settle). */
export async function withTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AttemptTimeout(`did not answer within ${timeoutMs / 1000} s`)), timeoutMs);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Probes each backend in turn (one at a time: they share TensorFlow.js's global registry). */
export async function probeBackends({ timeoutMs = ATTEMPT_TIMEOUT_MS }: { timeoutMs?: number } = {}): Promise<BackendStatus[]> {
  const statuses: BackendStatus[] = [];
  for (const { name, probe } of BACKEND_CANDIDATES) {
    try {
      statuses.push({ name, available: true, detail: await withTimeout(probe(), timeoutMs) });
    } catch (err) {
      statuses.push({ name, available: false, detail: failureReason(err) });
    }
  }
  return statuses;
}
