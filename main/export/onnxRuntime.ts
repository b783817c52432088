/**
 * onnxruntime-node, loaded on demand: it checks an exported model (logits, latency). The package is
 * optional: without it an export still writes its .onnx files and reports why nothing was measured.
 * Only the few calls used here are typed (the package's own types need not be installed).
 */
import { StudioError } from '../shared/errors.ts';
import { failureReason } from '../train/backendsAvailable.ts';
import { ONNX_INPUT, ONNX_OUTPUT } from './studentOnnx.ts';

interface OrtTensor {
  readonly data: unknown;
  readonly dims: readonly number[];
}

interface OrtSession {
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}

interface OrtModule {
  InferenceSession: {
    create(
      model: Uint8Array,
      options: { executionProviders: string[]; intraOpNumThreads: number; interOpNumThreads: number; logSeverityLevel: number },
    ): Promise<OrtSession>;
  };
  Tensor: new (type: 'float32', data: Float32Array, dims: number[]) => OrtTensor;
  env: { versions: { node?: string } };
}

const PACKAGE = 'onnxruntime-node';

/** The package, or UNAVAILABLE saying why not (not installed, or its native binding failed to load). */
export async function loadOnnxRuntime(): Promise<OrtModule & { version: string }> {
  try {
    // a variable specifier: the type checker must not require the optional package
    const name: string = PACKAGE;
    const ort = (await import(name)) as OrtModule;
    // a copy: a module namespace cannot take a property under plain Node (the Electron build), only under tsx
    return { ...ort, version: ort.env.versions.node ?? 'unknown version' };
  } catch (err) {
    throw new StudioError('UNAVAILABLE', `${PACKAGE} could not be loaded: ${failureReason(err)}`, { field: PACKAGE });
  }
}

/** One exported student in an onnxruntime CPU session. */
export class OnnxStudent {
  private constructor(
    private readonly ort: OrtModule,
    private readonly session: OrtSession,
    private readonly size: number,
  ) {}

  /** `threads`: intra-op threads (1 makes latencies comparable with single-threaded tfjs wasm). */
  static async open(ort: OrtModule, model: Uint8Array, size: number, threads = 1): Promise<OnnxStudent> {
    const session = await ort.InferenceSession.create(model, {
      executionProviders: ['cpu'],
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      logSeverityLevel: 3,
    });
    return new OnnxStudent(ort, session, size);
  }

  /** Logits [rows, classes] for NCHW images [rows, 3, S, S]. */
  async logits(images: Float32Array, rows: number): Promise<Float32Array> {
    const input = new this.ort.Tensor('float32', images, [rows, 3, this.size, this.size]);
    const out = (await this.session.run({ [ONNX_INPUT]: input }))[ONNX_OUTPUT];
    if (!(out?.data instanceof Float32Array) || out.dims[0] !== rows) {
      throw new StudioError('INTERNAL', `onnxruntime returned no float32 ${ONNX_OUTPUT} for ${rows} rows`, { field: ONNX_OUTPUT });
    }
    return out.data;
  }

  release(): Promise<void> {
    return this.session.release();
  }
}
