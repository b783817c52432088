import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { compareLogits, LOGIT_TOLERANCE, nhwcToNchw } from '../../main/export/measure.ts';
import { loadOnnxRuntime, OnnxStudent } from '../../main/export/onnxRuntime.ts';
import { ONNX_IR_VERSION, ONNX_OPSET, studentOnnx, type OnnxPrecision } from '../../main/export/studentOnnx.ts';
import { gafImage } from '../../main/shared/gaf.ts';
import { mulberry32, randomGaussian } from '../../main/random.ts';
import { selectBackend } from '../../main/train/backend.ts';
import { ResNet18 } from '../../main/train/models/resnet.ts';
import { predictStudent } from '../../main/train/predict.ts';
import { all, int, message, text } from './protoReader.ts';

await selectBackend('wasm', () => undefined);
const ort = await loadOnnxRuntime().catch((err: Error) => err);
const noRuntime = ort instanceof Error ? `${ort.message} (the equivalence checks need it)` : false;

const CLASSES = 10;
const labels = Array.from({ length: CLASSES }, (_, k) => `action ${k}`);

/**
 * A random-initialised student whose BatchNorms are not the identity (random gamma, beta and
 * running statistics), so folding them into the convolutions is really exercised.
 */
async function student(inputSize: number, seed: number): Promise<ResNet18> {
  const model = new ResNet18({ classes: CLASSES, inputSize, width: 0.125, seed });
  const rng = mulberry32(seed + 100);
  const weights = await model.getWeights();
  for (const [name, w] of Object.entries(weights)) {
    const draw = name.endsWith('/gamma')
      ? () => 0.5 + rng()
      : name.endsWith('/beta') || name.endsWith('/runningMean')
        ? () => 0.3 * randomGaussian(rng)
        : name.endsWith('/runningVariance')
          ? () => 0.2 + 2 * rng()
          : name === 'fc/bias'
            ? () => 0.1 * randomGaussian(rng)
            : null;
    if (draw) w.data = w.data.map(draw);
  }
  model.setWeights(weights);
  return model;
}

/** NHWC GAF images (as the student trains on) of random walks of 40–120 samples. */
function gafInputs(rows: number, size: number, seed: number): Float32Array {
  const rng = mulberry32(seed);
  const images = new Float32Array(rows * size * size * 3);
  for (let n = 0; n < rows; n++) {
    const length = 40 + Math.floor(80 * rng());
    const axes = [0, 1, 2].map(() => {
      let v = 0;
      return Float64Array.from({ length }, () => (v += randomGaussian(rng)));
    });
    const chw = gafImage(axes, { size, method: n % 2 ? 'difference' : 'summation' });
    for (let p = 0; p < size * size; p++) for (let c = 0; c < 3; c++) images[(n * size * size + p) * 3 + c] = chw[c * size * size + p];
  }
  return images;
}

async function onnxLogits(model: ResNet18, precision: OnnxPrecision, nhwc: Float32Array, rows: number): Promise<Float32Array> {
  assert.ok(!(ort instanceof Error), 'onnxruntime-node is loaded');
  const size = model.config.inputSize;
  const session = await OnnxStudent.open(ort, await studentOnnx(model, { precision, classes: labels }), size);
  try {
    return await session.logits(nhwcToNchw(nhwc, rows, size), rows);
  } finally {
    await session.release();
  }
}

/** The agreement of one precision, reported as a test diagnostic; returns it with the logits' scale. */
async function agreement(t: TestContext, model: ResNet18, precision: OnnxPrecision, nhwc: Float32Array, rows: number) {
  const reference = (await predictStudent(model, nhwc, rows, 100)).logits;
  const scale = Math.max(1, ...reference.map(Math.abs));
  const result = compareLogits(await onnxLogits(model, precision, nhwc, rows), reference, rows, CLASSES);
  t.diagnostic(
    `${precision}, ${model.config.stem} stem, ${rows} inputs: max |Δ logit| ${result.maxAbsDiff.toExponential(2)} (max |logit| ${scale.toFixed(2)}), top-1 agreement ${(100 * result.top1Agreement).toFixed(2)}%`,
  );
  return { ...result, bound: LOGIT_TOLERANCE[precision] * scale };
}

const size = 16;
const model = await student(size, 7);

describe('ONNX export of the student', () => {
  const rows = 1000;
  const inputs = gafInputs(rows, size, 3);

  it('declares opset 13, its IR version, the NCHW input and the logits output', async () => {
    const bytes = await studentOnnx(model, { precision: 'float32', classes: labels });
    assert.equal(int(bytes, 1), BigInt(ONNX_IR_VERSION));
    assert.equal(ONNX_IR_VERSION, 7, 'opset 13 came with IR version 7');
    const opset = message(bytes, 8);
    assert.equal(text(opset, 1), '', 'the default (ai.onnx) domain');
    assert.equal(int(opset, 2), BigInt(ONNX_OPSET));
    assert.equal(ONNX_OPSET, 13);
    const graph = message(bytes, 7);
    const shapeOf = (valueInfo: Uint8Array) =>
      all(message(message(message(valueInfo, 2), 1), 2), 1).map((d) => {
        const dim = d.bytes!;
        return all(dim, 1).length ? Number(int(dim, 1)) : text(dim, 2);
      });
    const [input] = all(graph, 11).map((f) => f.bytes!);
    assert.equal(text(input, 1), 'gaf');
    assert.equal(int(message(message(input, 2), 1), 1), 1n, 'float32 input');
    assert.deepEqual(shapeOf(input), ['batch', 3, size, size]);
    const [output] = all(graph, 12).map((f) => f.bytes!);
    assert.equal(text(output, 1), 'logits');
    assert.deepEqual(shapeOf(output), ['batch', CLASSES]);
    const metadata = Object.fromEntries(all(bytes, 14).map((f) => [text(f.bytes!, 1), text(f.bytes!, 2)]));
    assert.deepEqual(JSON.parse(metadata.labels), labels);
    assert.equal(metadata.input_layout, 'NCHW');
  });

  it('is Conv (BatchNorm folded) + Relu, Add per block, GlobalAveragePool, Flatten, Gemm, with readable names', async () => {
    const ops = async (precision: OnnxPrecision) => {
      const nodes = all(message(await studentOnnx(model, { precision, classes: labels }), 7), 1).map((f) => f.bytes!);
      return { ops: nodes.map((n) => text(n, 4)), names: nodes.map((n) => text(n, 3)) };
    };
    const count = (list: string[], op: string) => list.filter((o) => o === op).length;
    const fp32 = await ops('float32');
    // stem + 8 blocks × 2 + 3 shortcuts (the first block of stages 2–4)
    assert.equal(count(fp32.ops, 'Conv'), 20);
    assert.equal(count(fp32.ops, 'Relu'), 17);
    assert.equal(count(fp32.ops, 'Add'), 8);
    assert.deepEqual(fp32.ops.slice(-3), ['GlobalAveragePool', 'Flatten', 'Gemm']);
    assert.equal(count(fp32.ops, 'BatchNormalization'), 0, 'BatchNorm is folded');
    assert.ok(fp32.names.includes('stage2/block1/shortcut/bn') && fp32.names.includes('stage4/block2/relu'), fp32.names.join(' '));
    // float16: every parameter (20 convolutions and the Gemm, weight and bias each) cast once
    assert.equal(count((await ops('float16')).ops, 'Cast'), 42);
    // int8: the 21 weights dequantised; biases stay float32
    assert.equal(count((await ops('int8')).ops, 'DequantizeLinear'), 21);
  });

  it('float32: onnxruntime matches the tfjs model (max |Δ| ≤ 1e-4 × scale, top-1 ≥ 99.9%)', { skip: noRuntime }, async (t) => {
    const result = await agreement(t, model, 'float32', inputs, rows);
    assert.ok(result.maxAbsDiff <= result.bound, `max |Δ| ${result.maxAbsDiff} ≤ ${result.bound}`);
    assert.ok(result.top1Agreement >= 0.999, `top-1 agreement ${result.top1Agreement}`);
  });

  it('float32 with the 224-px (imagenet) stem: 7×7 stride-2 convolution and max-pool match too', { skip: noRuntime }, async (t) => {
    const big = await student(72, 11);
    try {
      const result = await agreement(t, big, 'float32', gafInputs(50, 72, 5), 50);
      assert.equal(big.config.stem, 'imagenet');
      assert.ok(result.maxAbsDiff <= result.bound, `max |Δ| ${result.maxAbsDiff} ≤ ${result.bound}`);
      assert.equal(result.top1Agreement, 1);
    } finally {
      big.dispose();
    }
  });

  it('float16 parameters: max |Δ| ≤ 5e-3 × scale, top-1 ≥ 99%', { skip: noRuntime }, async (t) => {
    const result = await agreement(t, model, 'float16', inputs, rows);
    assert.ok(result.maxAbsDiff <= result.bound, `max |Δ| ${result.maxAbsDiff} ≤ ${result.bound}`);
    assert.ok(result.top1Agreement >= 0.99, `top-1 agreement ${result.top1Agreement}`);
  });

  it('int8 weights: max |Δ| ≤ 0.05 × scale, top-1 ≥ 90% (a random network has many near ties)', { skip: noRuntime }, async (t) => {
    const result = await agreement(t, model, 'int8', inputs, rows);
    assert.ok(result.maxAbsDiff <= result.bound, `max |Δ| ${result.maxAbsDiff} ≤ ${result.bound}`);
    assert.ok(result.top1Agreement >= 0.9, `top-1 agreement ${result.top1Agreement}`);
  });

  it('runs batches of any size (the batch dimension is dynamic)', { skip: noRuntime }, async () => {
    const one = await onnxLogits(model, 'float32', inputs.subarray(0, size * size * 3), 1);
    const three = await onnxLogits(model, 'float32', inputs.subarray(0, 3 * size * size * 3), 3);
    assert.equal(one.length, CLASSES);
    assert.equal(three.length, 3 * CLASSES);
    assert.ok(compareLogits(one, three.subarray(0, CLASSES), 1, CLASSES).maxAbsDiff < 1e-5, 'row 0 alike alone or in a batch');
  });

  it('refuses a model whose class names do not fit its outputs', async () => {
    await assert.rejects(studentOnnx(model, { precision: 'float32', classes: ['a'] }), /1 class names for a model with 10 outputs/);
  });
});
