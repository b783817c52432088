/**
 * ONNX models as plain data, and their encoding as an .onnx file (a protobuf ModelProto). Only the
 * parts of onnx.proto the studio writes: one graph of default-domain nodes with integer attributes,
 * initializers in raw_data (little-endian), typed tensor inputs and outputs, string metadata.
 * Field numbers are onnx.proto's (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto,
 * ValueInfoProto, TypeProto, TensorShapeProto, OperatorSetIdProto, StringStringEntryProto).
 */
import { ProtoWriter } from './protobuf.ts';

/** TensorProto.DataType values the studio uses */
export const DataType = { FLOAT: 1, INT8: 3, FLOAT16: 10 } as const;
export type DataTypeCode = (typeof DataType)[keyof typeof DataType];

/** AttributeProto.AttributeType values the studio uses */
const ATTRIBUTE_INT = 2;
const ATTRIBUTE_INTS = 7;

export interface OnnxTensor {
  name: string;
  dataType: DataTypeCode;
  dims: readonly number[];
  /** the values, little-endian, row-major */
  raw: Uint8Array;
}

export interface OnnxNode {
  op: string;
  name: string;
  inputs: readonly string[];
  outputs: readonly string[];
  /** integer (INT) or integer-list (INTS) attributes */
  attributes?: Record<string, number | readonly number[]>;
}

export interface OnnxValueInfo {
  name: string;
  elemType: DataTypeCode;
  /** a number is a fixed size, a string a named (dynamic) dimension */
  shape: readonly (number | string)[];
  doc?: string;
}

export interface OnnxModel {
  irVersion: number;
  opset: number;
  producerName: string;
  producerVersion: string;
  doc: string;
  graph: {
    name: string;
    nodes: readonly OnnxNode[];
    initializers: readonly OnnxTensor[];
    inputs: readonly OnnxValueInfo[];
    outputs: readonly OnnxValueInfo[];
  };
  metadata: Record<string, string>;
}

export function encodeModel(model: OnnxModel): Uint8Array {
  const w = new ProtoWriter().int(1, model.irVersion);
  w.string(2, model.producerName).string(3, model.producerVersion).string(6, model.doc);
  w.message(7, encodeGraph(model.graph));
  w.message(8, new ProtoWriter().string(1, '').int(2, model.opset));
  for (const [key, value] of Object.entries(model.metadata)) w.message(14, new ProtoWriter().string(1, key).string(2, value));
  return w.finish();
}

function encodeGraph(graph: OnnxModel['graph']): ProtoWriter {
  const w = new ProtoWriter();
  for (const node of graph.nodes) w.message(1, encodeNode(node));
  w.string(2, graph.name);
  for (const tensor of graph.initializers) w.message(5, encodeTensor(tensor));
  for (const input of graph.inputs) w.message(11, encodeValueInfo(input));
  for (const output of graph.outputs) w.message(12, encodeValueInfo(output));
  return w;
}

function encodeNode(node: OnnxNode): ProtoWriter {
  const w = new ProtoWriter();
  for (const input of node.inputs) w.string(1, input);
  for (const output of node.outputs) w.string(2, output);
  w.string(3, node.name).string(4, node.op);
  for (const [name, value] of Object.entries(node.attributes ?? {})) {
    const attribute = new ProtoWriter().string(1, name);
    if (typeof value === 'number') attribute.int(20, ATTRIBUTE_INT).int(3, value);
    else {
      attribute.int(20, ATTRIBUTE_INTS);
      for (const v of value) attribute.int(8, v);
    }
    w.message(5, attribute);
  }
  return w;
}

function encodeTensor(tensor: OnnxTensor): ProtoWriter {
  const w = new ProtoWriter();
  for (const d of tensor.dims) w.int(1, d);
  return w.int(2, tensor.dataType).string(8, tensor.name).bytes(9, tensor.raw);
}

function encodeValueInfo(info: OnnxValueInfo): ProtoWriter {
  const shape = new ProtoWriter();
  for (const d of info.shape) shape.message(1, typeof d === 'number' ? new ProtoWriter().int(1, d) : new ProtoWriter().string(2, d));
  const tensorType = new ProtoWriter().int(1, info.elemType).message(2, shape);
  const w = new ProtoWriter().string(1, info.name).message(2, new ProtoWriter().message(1, tensorType));
  if (info.doc) w.string(3, info.doc);
  return w;
}
