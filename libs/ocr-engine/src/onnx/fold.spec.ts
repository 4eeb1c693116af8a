/**
 * @jest-environment ./libs/ocr-engine/test/onnx.environment.js
 */
import { readFileSync } from 'node:fs';
import { onnx } from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { defaultModelPaths } from '../models';
import { foldAffineChains } from './fold';

const FLOAT = onnx.TensorProto.DataType.FLOAT;

/** A small graph built node by node; constants are initializers or `Constant` nodes. */
class ModelBuilder {
  readonly nodes: onnx.INodeProto[] = [];
  readonly initializers: onnx.ITensorProto[] = [];
  private n = 0;
  constructor(private readonly constantNodes = false) {}

  constant(values: number[], dims: number[]): string {
    const name = `c${this.n++}`;
    const tensor = { name, dims, dataType: FLOAT, rawData: new Uint8Array(Float32Array.from(values).buffer) };
    if (this.constantNodes) this.nodes.push({ opType: 'Constant', output: [name], attribute: [{ name: 'value', type: onnx.AttributeProto.AttributeType.TENSOR, t: tensor }] });
    else this.initializers.push(tensor);
    return name;
  }

  node(opType: string, inputs: string[], attribute: onnx.IAttributeProto[] = []): string {
    const out = `v${this.n++}`;
    this.nodes.push({ opType, input: inputs, output: [out], attribute });
    return out;
  }

  conv(x: string, out: number, inC: number, k: number, pad: number, group = 1): string {
    const weights = Array.from({ length: out * (inC / group) * k * k }, (_, i) => Math.sin(i * 1.7 + out) * 0.5);
    const bias = Array.from({ length: out }, (_, i) => Math.cos(i) * 0.1);
    return this.node('Conv', [x, this.constant(weights, [out, inC / group, k, k]), this.constant(bias, [out])], [
      { name: 'kernel_shape', type: onnx.AttributeProto.AttributeType.INTS, ints: [k, k] },
      { name: 'pads', type: onnx.AttributeProto.AttributeType.INTS, ints: [pad, pad, pad, pad] },
      { name: 'group', type: onnx.AttributeProto.AttributeType.INT, i: group },
    ]);
  }

  /** paddle2onnx's spelling of a learnable scalar affine: `Mul(a) → Add(b)`. */
  affine(x: string, a: number, b: number): string {
    return this.node('Add', [this.node('Mul', [this.constant([a], [1]), x]), this.constant([b], [1])]);
  }

  /** paddle2onnx's hard-swish: `y · clip(y + 3, 0, 6) / 6`, the clip bounds as attributes (opset 9). */
  hardSwish(y: string): string {
    const clip = this.node('Clip', [this.node('Add', [y, this.constant([3], [])])], [
      { name: 'min', type: onnx.AttributeProto.AttributeType.FLOAT, f: 0 },
      { name: 'max', type: onnx.AttributeProto.AttributeType.FLOAT, f: 6 },
    ]);
    return this.node('Div', [this.node('Mul', [y, clip]), this.constant([6], [])]);
  }

  build(input: string, outputs: string[], inputDims: number[]): Uint8Array {
    const valueInfo = (name: string, dims?: number[]) => ({ name, type: { tensorType: { elemType: FLOAT, shape: dims ? { dim: dims.map((d) => ({ dimValue: d })) } : undefined } } });
    const model = onnx.ModelProto.create({
      irVersion: 7,
      opsetImport: [{ domain: '', version: 9 }],
      graph: { name: 'g', node: this.nodes, initializer: this.initializers, input: [valueInfo(input, inputDims)], output: outputs.map((o) => valueInfo(o)) },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

/** PP-LCNetV3's unit: conv → affine → hard-swish → affine, three times (padded, 1×1, depthwise padded). */
function lcnetBlock(constantNodes: boolean): Uint8Array {
  const b = new ModelBuilder(constantNodes);
  let x = 'x';
  x = b.affine(b.hardSwish(b.affine(b.conv(x, 8, 3, 3, 1), 1.38, 0.59)), 0.17, -0.28); // before a 1×1 conv
  x = b.affine(b.hardSwish(b.affine(b.conv(x, 8, 8, 1, 0), 2.11, 1.06)), 0.41, -0.27); // before a padded depthwise conv
  x = b.affine(b.conv(x, 8, 8, 3, 1, 8), 0.9, 0.3);
  return b.build('x', [x], [2, 3, 12, 20]);
}

function input(dims: number[]): Float32Array {
  const n = dims.reduce((a, b) => a * b, 1);
  return Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) * 3 + Math.cos(i * 0.011));
}

async function run(model: Uint8Array, data: Float32Array, dims: number[]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(model, { graphOptimizationLevel: 'disabled' });
  try {
    const out = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', data, dims) });
    return out[session.outputNames[0]!]!.data as Float32Array;
  } finally {
    await session.release();
  }
}

const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
const opTypes = (model: Uint8Array) => (onnx.ModelProto.decode(model).graph?.node ?? []).map((n) => n.opType).filter((t) => t !== 'Constant');

describe(foldAffineChains.name, () => {
  it.each([
    ['initializers', false],
    ['Constant nodes', true],
  ])('computes what the model computed, with the element-wise chains folded away (constants as %s)', async (_, constantNodes) => {
    const model = lcnetBlock(constantNodes);
    const dims = [2, 3, 12, 20];
    const x = input(dims);

    const { model: folded, report } = foldAffineChains(model);

    expect(report).toEqual({ convAffine: 3, hardSwish: 2, inputAffine: 1, inputScale: 1 });
    expect(opTypes(folded)).toEqual(['Conv', 'HardSigmoid', 'Mul', 'Conv', 'HardSigmoid', 'Mul', 'BatchNormalization', 'Conv']);
    const [before, after] = [await run(model, x, dims), await run(folded, x, dims)];
    expect(after).toHaveLength(before.length);
    expect(maxDiff(before, after)).toBeLessThan(1e-4);
  });

  it('leaves a chain alone when another node reads a value inside it', async () => {
    const b = new ModelBuilder();
    const conv = b.conv('x', 4, 3, 3, 1);
    const affine = b.affine(conv, 2, 1);
    const model = b.build('x', [affine, conv], [1, 3, 6, 6]);

    const { model: folded, report } = foldAffineChains(model);

    expect(report).toEqual({ convAffine: 0, hardSwish: 0, inputAffine: 0, inputScale: 0 });
    expect(folded).toBe(model);
  });

  it('folds a model folded before, whose constants already have the names it gives, into one that runs the same', async () => {
    const model = lcnetBlock(false);
    const dims = [2, 3, 12, 20];
    const once = foldAffineChains(model).model;
    // A graph that already holds folded_* names, with a fresh chain in front of its last convolution.
    const proto = onnx.ModelProto.decode(once);
    const graph = proto.graph!;
    const out = graph.output![0]!.name!;
    expect(graph.initializer!.map((t) => t.name)).toContain('folded_0');
    graph.initializer!.push(
      { name: 'scale2', dims: [1], dataType: FLOAT, rawData: new Uint8Array(Float32Array.of(1.5).buffer) },
      { name: 'shift2', dims: [1], dataType: FLOAT, rawData: new Uint8Array(Float32Array.of(-0.25).buffer) },
    );
    graph.node!.push({ opType: 'Mul', input: [out, 'scale2'], output: ['m2'] }, { opType: 'Add', input: ['m2', 'shift2'], output: ['a2'] });
    graph.output = [{ name: 'a2', type: graph.output![0]!.type }];
    const twice = onnx.ModelProto.encode(proto).finish();

    const { model: folded, report } = foldAffineChains(twice);

    expect(report.convAffine).toBe(1);

    const x = input(dims);
    expect(maxDiff(await run(twice, x, dims), await run(folded, x, dims))).toBeLessThan(1e-4);
  });

  it('keeps a clip that is not a hard-swish', async () => {
    const b = new ModelBuilder();
    const y = b.conv('x', 4, 3, 1, 0);
    const clip = b.node('Clip', [b.node('Add', [y, b.constant([3], [])])], [
      { name: 'min', type: onnx.AttributeProto.AttributeType.FLOAT, f: 0 },
      { name: 'max', type: onnx.AttributeProto.AttributeType.FLOAT, f: 5 },
    ]);
    const out = b.node('Div', [b.node('Mul', [y, clip]), b.constant([6], [])]);
    const model = b.build('x', [out], [1, 3, 4, 4]);

    expect(foldAffineChains(model).report.hardSwish).toBe(0);
  });

  it('folds the PP-OCRv4 recognizer without changing what it reads', async () => {
    const model = readFileSync(defaultModelPaths().recognition);
    const dims = [2, 3, 48, 160];
    const x = input(dims).map((v) => Math.max(-1, Math.min(1, v / 3)));

    const { model: folded, report } = foldAffineChains(model);

    expect(report.convAffine).toBeGreaterThanOrEqual(25);
    expect(report.hardSwish).toBeGreaterThanOrEqual(25);
    expect(opTypes(folded).length).toBeLessThan(opTypes(model).length * 0.75);
    const [before, after] = [await run(model, x, dims), await run(folded, x, dims)];
    expect(maxDiff(before, after)).toBeLessThan(1e-4);
  });
});
