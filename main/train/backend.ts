/**
 * Picks the TensorFlow.js backend a training run uses and makes it the active one (in the process or
 * worker thread that trains: every thread has its own TensorFlow.js engine).
 */
import * as tf from '@tensorflow/tfjs-core';
import { StudioError } from '../shared/errors.ts';
import { ATTEMPT_TIMEOUT_MS, AttemptTimeout, BACKEND_CANDIDATES, failureReason, withTimeout, type BackendCandidate } from './backendsAvailable.ts';
import type { BackendChoice, BackendName } from '../shared/trainSettings.ts';

export interface BackendFallback {
  backend: BackendName;
  reason: string;
}

export interface BackendSelection {
  /** the active backend now (tf.getBackend()) */
  backend: BackendName;
  /** the better backends tried first, and why each could not be used */
  fallbacks: BackendFallback[];
}

/**
 * 'auto': the best backend that starts (tensorflow, webgpu on a real GPU, wasm, cpu), logging why each
 * better one could not. An explicit choice that cannot start is an UNAVAILABLE error, never a quiet fallback.
 */
export async function selectBackend(choice: BackendChoice, log: (line: string) => void): Promise<BackendSelection> {
  const candidates = choice === 'auto' ? BACKEND_CANDIDATES : BACKEND_CANDIDATES.filter((c) => c.backend === choice);
  if (candidates.length === 0) throw new StudioError('INVALID_ARGUMENT', `unknown backend "${choice}"`, { field: 'backend' });
  const fallbacks: BackendFallback[] = [];
  for (const candidate of candidates) {
    try {
      const detail = await activate(candidate, choice !== 'auto');
      log(`training on ${candidate.backend} (${detail})`);
      return { backend: candidate.backend, fallbacks };
    } catch (err) {
      const reason = candidate.name === candidate.backend ? failureReason(err) : `${candidate.name}: ${failureReason(err)}`;
      fallbacks.push({ backend: candidate.backend, reason });
      log(`backend ${candidate.backend} unavailable (${reason})`);
    }
  }
  const reasons = fallbacks.map((f) => (choice === 'auto' ? `${f.backend}: ${f.reason}` : f.reason)).join('; ');
  const what = choice === 'auto' ? 'no training backend could start' : `the ${choice} backend is unavailable`;
  throw new StudioError('UNAVAILABLE', `${what}: ${reasons}`, { field: 'backend' });
}

async function activate(candidate: BackendCandidate, software: boolean): Promise<string> {
  try {
    return await withTimeout(candidate.activate({ software }), ATTEMPT_TIMEOUT_MS);
  } catch (err) {
    // a hung initialisation could still finish later and take over the engine: unregister it
    if (err instanceof AttemptTimeout && tf.findBackendFactory(candidate.backend)) tf.removeBackend(candidate.backend);
    throw err;
  }
}
