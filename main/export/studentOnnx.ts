/**
 * The student (ResNet18 over GAF images) as an ONNX graph, opset 13, IR version 7.
 *
 * Input `gaf`: float32 [batch, 3, S, S], NCHW: channels accelerometer x, y, z, each an S×S GAF image,
 * exactly the channel-major image gafFromRows writes (so a device feeds it as is, no transpose).
 * Output `logits`: float32 [batch, classes].
 * Graph: every Conv carries its BatchNorm folded into its weights and bias (inference statistics),
 * then Relu; each basic block ends in Add (residual) and Relu; the head is GlobalAveragePool,
 * Flatten and Gemm. The 'imagenet' stem adds a MaxPool.
 * Precisions: float32; float16 (every parameter stored as float16 and Cast to float32 when the
 * session loads, so all arithmetic stays float32, which onnxruntime's CPU kernels support);
 * int8 (weight-only: Conv and Gemm weights as int8 per output channel, DequantizeLinear to
 * float32, biases float32).
 */
import { version } from '../cli/version.ts';
import { StudioError } from '../shared/errors.ts';
import type { WeightMap } from '../train/models/parameters.ts';
import type { ResNet18 } from '../train/models/resnet.ts';
import { DataType, encodeModel, type OnnxNode, type OnnxTensor } from './onnx.ts';
import { quantizeInt8PerChannel, toFloat16Bytes } from './quantize.ts';

export const ONNX_OPSET = 13;
/** the IR version that came with opset 13 (ONNX 1.8) */
export const ONNX_IR_VERSION = 7;
export const ONNX_INPUT = 'gaf';
export const ONNX_OUTPUT = 'logits';

export type OnnxPrecision = 'float32' | 'float16' | 'int8';

/** must equal BN_EPSILON in train/models/layers.ts (the equivalence test would catch a drift) */
const BN_EPSILON = 1e-5;

export interface StudentOnnxOptions {
  precision: OnnxPrecision;
  /** class names, in logit order: stored in the model's metadata */
  classes: readonly string[];
  /** more metadata (e.g. the GAF settings), each value a string */
  metadata?: Record<string, string>;
}

/** The .onnx file of the model's current weights. */
export async function studentOnnx(model: ResNet18, options: StudentOnnxOptions): Promise<Uint8Array> {
  const { config } = model;
  if (config.inChannels !== 3)
    throw new StudioError('INVALID_ARGUMENT', `the export expects 3 input channels (x, y, z), the model has ${config.inChannels}`, { field: 'inChannels' });
  if (options.classes.length !== config.classes) {
    throw new StudioError('INVALID_ARGUMENT', `${options.classes.length} class names for a model with ${config.classes} outputs`, { field: 'classes' });
  }
  const graph = new GraphBuilder(await model.getWeights(), options.precision);
  let h = graph.convBn(ONNX_INPUT, 'stem/conv', 'stem/bn', config.stem === 'imagenet' ? 2 : 1);
  h = graph.node('Relu', 'stem/relu', [h]);
  if (config.stem === 'imagenet') h = graph.node('MaxPool', 'stem/maxpool', [h], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] });
  for (let s = 1; graph.has(`stage${s}/block1/conv1/kernel`); s++) {
    for (let b = 1; graph.has(`stage${s}/block${b}/conv1/kernel`); b++) {
      const block = `stage${s}/block${b}`;
      // every stage but the first halves the spatial size in its first block (trunk.ts)
      const stride = s > 1 && b === 1 ? 2 : 1;
      const h1 = graph.node('Relu', `${block}/relu1`, [graph.convBn(h, `${block}/conv1`, `${block}/bn1`, stride)]);
      const h2 = graph.convBn(h1, `${block}/conv2`, `${block}/bn2`, 1);
      const identity = graph.has(`${block}/shortcut/conv/kernel`) ? graph.convBn(h, `${block}/shortcut/conv`, `${block}/shortcut/bn`, stride) : h;
      h = graph.node('Relu', `${block}/relu`, [graph.node('Add', `${block}/add`, [h2, identity])]);
    }
  }
  const pooled = graph.node('GlobalAveragePool', 'pool', [h]);
  const feature = graph.node('Flatten', 'feature', [pooled], { axis: 1 });
  graph.fc(feature);

  return encodeModel({
    irVersion: ONNX_IR_VERSION,
    opset: ONNX_OPSET,
    producerName: 'vskd-studio',
    producerVersion: version,
    doc: `VSKD Studio student: ResNet18 (width ${config.width}, ${config.stem} stem) over ${config.inputSize}×${config.inputSize} GAF images; parameters ${options.precision}`,
    graph: {
      name: 'vskd_student_resnet18',
      nodes: graph.nodes,
      initializers: graph.initializers,
      inputs: [
        {
          name: ONNX_INPUT,
          elemType: DataType.FLOAT,
          shape: ['batch', 3, config.inputSize, config.inputSize],
          doc: 'NCHW float32: channels = GAF images of accelerometer x, y, z (see manifest.json for the preprocessing)',
        },
      ],
      outputs: [
        {
          name: ONNX_OUTPUT,
          elemType: DataType.FLOAT,
          shape: ['batch', config.classes],
          doc: 'unnormalised class scores, in the order of the labels metadata',
        },
      ],
    },
    metadata: { labels: JSON.stringify(options.classes), input_layout: 'NCHW', precision: options.precision, ...options.metadata },
  });
}

class GraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];

  constructor(
    private readonly weights: WeightMap,
    private readonly precision: OnnxPrecision,
  ) {}

  has(name: string): boolean {
    return name in this.weights;
  }

  /** Appends a node whose one output carries the node's name; returns that name. */
  node(op: string, name: string, inputs: string[], attributes?: OnnxNode['attributes']): string {
    this.nodes.push({ op, name, inputs, outputs: [name], attributes });
    return name;
  }

  /** Conv (square kernel, padding ⌊k/2⌋ on every side, as layers.ts Conv2d) with `bn` folded in; the output is named after the BatchNorm. */
  convBn(input: string, conv: string, bn: string, stride: number): string {
    const kernel = this.weight(`${conv}/kernel`);
    const [k, , inChannels, outChannels] = kernel.shape; // HWIO
    const gamma = this.weight(`${bn}/gamma`).data;
    const beta = this.weight(`${bn}/beta`).data;
    const mean = this.weight(`${bn}/runningMean`).data;
    const variance = this.weight(`${bn}/runningVariance`).data;
    // BN(conv(x)) = conv(x)·scale + (beta − mean·scale), scale = gamma / √(variance + ε): both into the conv
    const w = new Float32Array(kernel.data.length);
    const bias = new Float32Array(outChannels);
    for (let o = 0; o < outChannels; o++) {
      const scale = gamma[o] / Math.sqrt(variance[o] + BN_EPSILON);
      bias[o] = beta[o] - mean[o] * scale;
      for (let i = 0; i < inChannels; i++) {
        for (let y = 0; y < k; y++) {
          for (let x = 0; x < k; x++) w[((o * inChannels + i) * k + y) * k + x] = kernel.data[((y * k + x) * inChannels + i) * outChannels + o] * scale;
        }
      }
    }
    const pad = Math.floor(k / 2);
    return this.node(
      'Conv',
      bn,
      [input, this.parameter(`${conv}/weight`, [outChannels, inChannels, k, k], w, true), this.parameter(`${conv}/bias`, [outChannels], bias, false)],
      { kernel_shape: [k, k], strides: [stride, stride], pads: [pad, pad, pad, pad] },
    );
  }

  /** The Linear as Gemm(feature, Wᵀ, b) with W stored [out, in] (so int8 scales run along axis 0, as for the convolutions). */
  fc(feature: string): string {
    const kernel = this.weight('fc/kernel');
    const [inFeatures, outFeatures] = kernel.shape;
    const w = new Float32Array(kernel.data.length);
    for (let i = 0; i < inFeatures; i++) for (let o = 0; o < outFeatures; o++) w[o * inFeatures + i] = kernel.data[i * outFeatures + o];
    const bias = this.weight('fc/bias').data;
    return this.node(
      'Gemm',
      ONNX_OUTPUT,
      [feature, this.parameter('fc/weight', [outFeatures, inFeatures], w, true), this.parameter('fc/bias', [outFeatures], bias, false)],
      { transB: 1 },
    );
  }

  private weight(name: string): { shape: number[]; data: Float32Array } {
    const entry = this.weights[name];
    if (!entry) throw new StudioError('INVALID_ARGUMENT', `the model has no weight ${name}`, { field: 'weights' });
    return entry;
  }

  /** A float32 value named `name` in the graph, stored at the export's precision (int8 only for weights). */
  private parameter(name: string, dims: number[], values: Float32Array, isWeight: boolean): string {
    if (this.precision === 'float16') {
      this.initializers.push({ name: `${name}_float16`, dataType: DataType.FLOAT16, dims, raw: toFloat16Bytes(values) });
      return this.node('Cast', name, [`${name}_float16`], { to: DataType.FLOAT });
    }
    if (this.precision === 'int8' && isWeight) {
      const { values: q, scales } = quantizeInt8PerChannel(values, dims[0]);
      this.initializers.push(
        { name: `${name}_int8`, dataType: DataType.INT8, dims, raw: new Uint8Array(q.buffer) },
        { name: `${name}_scale`, dataType: DataType.FLOAT, dims: [dims[0]], raw: float32Bytes(scales) },
        { name: `${name}_zero_point`, dataType: DataType.INT8, dims: [dims[0]], raw: new Uint8Array(dims[0]) },
      );
      return this.node('DequantizeLinear', name, [`${name}_int8`, `${name}_scale`, `${name}_zero_point`], { axis: 0 });
    }
    this.initializers.push({ name, dataType: DataType.FLOAT, dims, raw: float32Bytes(values) });
    return name;
  }
}

/** Little-endian float32 bytes (a copy). */
function float32Bytes(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  for (let k = 0; k < values.length; k++) view.setFloat32(4 * k, values[k], true);
  return out;
}
