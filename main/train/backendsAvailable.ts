/**
 * Which training backends this machine can use, each probed in isolation with a time limit: a probe
 * that fails or hangs reports why instead of taking the caller down. Nothing here changes TensorFlow.js's
 * active backend.
 */

export interface BackendStatus {
  /** 'tfjs-node-gpu', 'tfjs-node', 'webgpu', 'wasm', 'cpu' */
  name: string;
  available: boolean;
  /** the version or device when available, else why not */
  detail: string;
}

interface Probe {
  name: string;
  /** resolves to the detail on success; throws (or hangs) otherwise */
  run: () => Promise<string>;
}

const PROBE_TIMEOUT_MS = 15_000;

/** Imports a package by a name the type checker need not know (optional packages may be absent). */
function importOptional(name: string): Promise<Record<string, unknown>> {
  return import(name) as Promise<Record<string, unknown>>;
}

/** tfjs-node(-gpu): the native TensorFlow binding loads on import. */
function tfjsNodeProbe(pkg: string): Probe {
  return {
    name: pkg.replace('@tensorflow/', ''),
    run: async () => {
      const tf = await importOptional(pkg);
      return `TensorFlow.js ${(tf.version as Record<string, string> | undefined)?.['tfjs-core'] ?? 'loaded'}`;
    },
  };
}

/** A tfjs-core backend, initialised through its factory without becoming the active backend. */
function tfjsBackendProbe(name: 'wasm' | 'cpu', pkg: string): Probe {
  return {
    name,
    run: async () => {
      const tf = await import('@tensorflow/tfjs-core');
      await importOptional(pkg);
      const factory = tf.findBackendFactory(name);
      if (!factory) throw new Error(`${pkg} registered no '${name}' backend`);
      const backend = await factory();
      backend.dispose();
      return `TensorFlow.js ${tf.version_core}`;
    },
  };
}

const webgpuProbe: Probe = {
  name: 'webgpu',
  run: async () => {
    const { create } = await import('webgpu');
    const adapter = await create([]).requestAdapter();
    if (!adapter) throw new Error('no adapter (no GPU, or no Vulkan/Metal/D3D12 driver)');
    const { vendor, architecture, description } = adapter.info;
    return [vendor, architecture, description].filter(Boolean).join(' ') || 'adapter found';
  },
};

function firstLine(err: unknown): string {
  const code = (err as { code?: string } | null)?.code;
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return 'not installed';
  return (err instanceof Error ? err.message : String(err)).split('\n')[0];
}

async function runProbe(probe: Probe, timeoutMs: number): Promise<BackendStatus> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not answer within ${timeoutMs / 1000} s`)), timeoutMs);
  });
  try {
    return { name: probe.name, available: true, detail: await Promise.race([probe.run(), timeout]) };
  } catch (err) {
    return { name: probe.name, available: false, detail: firstLine(err) };
  } finally {
    clearTimeout(timer);
  }
}

/** Probes each backend in turn (one at a time: they share TensorFlow.js's global registry). */
export async function probeBackends({ timeoutMs = PROBE_TIMEOUT_MS }: { timeoutMs?: number } = {}): Promise<BackendStatus[]> {
  const probes = [
    tfjsNodeProbe('@tensorflow/tfjs-node-gpu'),
    tfjsNodeProbe('@tensorflow/tfjs-node'),
    webgpuProbe,
    tfjsBackendProbe('wasm', '@tensorflow/tfjs-backend-wasm'),
    tfjsBackendProbe('cpu', '@tensorflow/tfjs-backend-cpu'),
  ];
  const statuses: BackendStatus[] = [];
  for (const probe of probes) statuses.push(await runProbe(probe, timeoutMs));
  return statuses;
}
