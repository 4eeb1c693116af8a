import { onnx } from 'onnx-proto';

/** How many patterns `foldAffineChains` rewrote, by kind. */
export interface FoldReport {
  /** `Conv → Mul(a) → Add(b)` folded into the convolution's weights and bias. */
  convAffine: number;
  /** `Add(3) → Clip(0, 6) → Mul(y, ·) → Div(6)` (hard-swish spelled out) turned into `HardSigmoid → Mul`. */
  hardSwish: number;
  /** `Mul(c) → Add(d)` in front of unpadded convolutions folded into them. */
  inputAffine: number;
  /** `Mul(c) → Add(d)` in front of padded convolutions turned into `+ d / c` (a BatchNormalization), the scale folded into them. */
  inputScale: number;
}

/**
 * Exact rewrites of the element-wise chains paddle2onnx leaves around every convolution of PP-LCNetV3
 * (the backbone of PP-OCRv4's detector and recognizer): each convolution is followed by a learnable
 * scalar affine (`a·x + b`), a hard-swish written as four operators, and another scalar affine. ONNX
 * Runtime fuses none of them, and on these models they took more time than the convolutions
 * (README, "Engine speed"). The rewrites change the arithmetic only by float rounding:
 * - `Conv → Mul(a) → Add(b)`: the weights are scaled by `a`, the bias becomes `a·bias + b`;
 * - hard-swish `y · clip(y + 3, 0, 6) / 6` becomes `y · HardSigmoid(y; 1/6, 1/2)`, which ONNX Runtime
 *   fuses into its convolution kernels;
 * - `Mul(c) → Add(d) → Conv` without padding: `W·(c·x + d) = (c·W)·x + d·ΣW`, folded into weights and bias;
 * - with padding the padded zeros forbid moving `d` into the bias, but `(c·W)·(x + d/c)` pads the same
 *   zeros: the `Mul` goes, and `+ d/c` is written as a per-channel BatchNormalization that ONNX Runtime
 *   keeps in its blocked layout.
 * A node is folded only when the intermediate results have no other reader. Models without these
 * patterns come back unchanged. Returns the re-encoded model.
 */
export function foldAffineChains(model: Uint8Array): { model: Uint8Array; report: FoldReport } {
  const proto = onnx.ModelProto.decode(model);
  // Decoded messages are class instances (non-null repeated fields); the typings name the interfaces.
  const graph = proto.graph as onnx.GraphProto | null | undefined;
  const report: FoldReport = { convAffine: 0, hardSwish: 0, inputAffine: 0, inputScale: 0 };
  if (!graph) return { model, report };
  const g = new Graph(graph);
  foldConvAffine(g, report);
  foldHardSwish(g, report);
  foldInputAffine(g, report);
  if (report.convAffine + report.hardSwish + report.inputAffine + report.inputScale === 0) return { model, report };
  g.dropUnusedConstants();
  return { model: onnx.ModelProto.encode(proto).finish(), report };
}

type Node = onnx.NodeProto;

/** The graph with look-ups of constants (initializers and `Constant` nodes) and readers. */
class Graph {
  private readonly constants = new Map<string, onnx.ITensorProto>();
  /** Every value name in the graph, so that new constants never take one. */
  private readonly names = new Set<string>();
  private fresh = 0;

  constructor(private readonly graph: onnx.GraphProto) {
    for (const n of graph.node as Node[]) for (const name of [...n.input, ...n.output]) this.names.add(name);
    for (const t of graph.initializer) if (t.name) this.names.add(t.name);
    for (const t of graph.initializer) if (t.name) this.constants.set(t.name, t);
    for (const n of graph.node as Node[]) {
      const value = n.opType === 'Constant' ? n.attribute.find((a) => a.name === 'value')?.t : undefined;
      if (value && n.output[0]) this.constants.set(n.output[0], value);
    }
  }

  get nodes(): Node[] {
    return this.graph.node as Node[];
  }

  private set nodes(nodes: Node[]) {
    this.graph.node = nodes;
  }

  /** Every node or graph output that reads each value (graph outputs as `null`). */
  readers(): Map<string, (Node | null)[]> {
    const readers = new Map<string, (Node | null)[]>();
    const add = (name: string, reader: Node | null) => {
      const list = readers.get(name);
      if (list) list.push(reader);
      else readers.set(name, [reader]);
    };
    for (const n of this.nodes) for (const input of n.input) add(input, n);
    for (const o of this.graph.output) if (o.name) add(o.name, null);
    return readers;
  }

  /** A float32 constant's values, or null when the value is not a float32 constant. */
  floats(name: string): Float32Array | null {
    const t = this.constants.get(name);
    if (!t || t.dataType !== onnx.TensorProto.DataType.FLOAT) return null;
    if (t.floatData && t.floatData.length > 0) return Float32Array.from(t.floatData);
    const raw = t.rawData;
    // No bytes: an empty tensor or one stored outside the model; neither is folded.
    if (!raw || raw.byteLength === 0 || raw.byteLength % 4 !== 0) return null;
    // Copied: the protobuf's bytes need not be 4-byte aligned.
    return new Float32Array(Uint8Array.from(raw).buffer);
  }

  dims(name: string): number[] {
    return (this.constants.get(name)?.dims ?? []).map(Number);
  }

  /** The single-value float input of a binary node, and its other input. */
  scalarInput(node: Node): { value: number; other: string } | null {
    if (node.input.length !== 2) return null;
    for (const [k, name] of node.input.entries()) {
      const v = this.floats(name);
      if (v && v.length === 1) return { value: v[0]!, other: node.input[1 - k]! };
    }
    return null;
  }

  /** A new float32 initializer; its name is returned. */
  addConstant(values: Float32Array, dims: readonly number[]): string {
    let name: string;
    do name = `folded_${this.fresh++}`;
    while (this.names.has(name));
    this.names.add(name);
    const tensor = onnx.TensorProto.create({ name, dims: [...dims], dataType: onnx.TensorProto.DataType.FLOAT, rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength) });
    this.graph.initializer.push(tensor);
    this.constants.set(name, tensor);
    return name;
  }

  remove(dropped: ReadonlySet<Node>): void {
    if (dropped.size > 0) this.nodes = this.nodes.filter((n) => !dropped.has(n));
  }

  dropUnusedConstants(): void {
    const used = new Set(this.nodes.flatMap((n) => n.input));
    for (const o of this.graph.output) if (o.name) used.add(o.name);
    this.nodes = this.nodes.filter((n) => n.opType !== 'Constant' || n.output.some((o) => used.has(o)));
    this.graph.initializer = this.graph.initializer.filter((t) => !t.name || used.has(t.name));
  }
}

/** The only reader of `value`, when it is a node of type `op`. */
function soleReader(readers: Map<string, (Node | null)[]>, value: string, op: string): Node | null {
  const list = readers.get(value);
  return list?.length === 1 && list[0]?.opType === op ? list[0] : null;
}

function attribute(node: Node, name: string): onnx.IAttributeProto | undefined {
  return node.attribute.find((a) => a.name === name);
}

/** A convolution with float weights (and bias, if any) that can be rewritten. */
function convWeights(g: Graph, conv: Node): { weights: Float32Array; dims: number[]; bias: Float32Array } | null {
  const weights = g.floats(conv.input[1] ?? '');
  if (!weights) return null;
  const dims = g.dims(conv.input[1]!);
  const out = dims[0] ?? 0;
  if (out === 0 || weights.length % out !== 0) return null;
  const bias = conv.input[2] ? g.floats(conv.input[2]) : new Float32Array(out);
  if (!bias || bias.length !== out) return null;
  return { weights, dims, bias };
}

function isUnpadded(conv: Node): boolean {
  const autoPad = attribute(conv, 'auto_pad')?.s;
  const mode = autoPad ? Buffer.from(autoPad).toString() : 'NOTSET';
  if (mode !== 'NOTSET' && mode !== 'VALID') return false;
  return mode === 'VALID' || (attribute(conv, 'pads')?.ints ?? []).every((p) => Number(p) === 0);
}

function foldConvAffine(g: Graph, report: FoldReport): void {
  const readers = g.readers();
  const dropped = new Set<Node>();
  for (const conv of g.nodes) {
    if (conv.opType !== 'Conv' || conv.output.length !== 1) continue;
    const mul = soleReader(readers, conv.output[0]!, 'Mul');
    const scale = mul && g.scalarInput(mul);
    if (!mul || !scale || scale.other !== conv.output[0]) continue;
    const add = soleReader(readers, mul.output[0]!, 'Add');
    const shift = add && g.scalarInput(add);
    if (!add || !shift || shift.other !== mul.output[0]) continue;
    const w = convWeights(g, conv);
    if (!w) continue;
    conv.input = [conv.input[0]!, g.addConstant(w.weights.map((x) => x * scale.value), w.dims), g.addConstant(w.bias.map((b) => b * scale.value + shift.value), [w.bias.length])];
    conv.output = [add.output[0]!];
    dropped.add(mul).add(add);
    report.convAffine++;
  }
  g.remove(dropped);
}

function foldHardSwish(g: Graph, report: FoldReport): void {
  const readers = g.readers();
  const dropped = new Set<Node>();
  for (const add of g.nodes) {
    if (add.opType !== 'Add') continue;
    const three = g.scalarInput(add);
    if (!three || three.value !== 3) continue;
    const y = three.other;
    const clip = soleReader(readers, add.output[0]!, 'Clip');
    if (!clip || clip.input[0] !== add.output[0] || clipBound(g, clip, 'min', 1) !== 0 || clipBound(g, clip, 'max', 2) !== 6) continue;
    const mul = soleReader(readers, clip.output[0]!, 'Mul');
    if (!mul || !mul.input.includes(y) || !mul.input.includes(clip.output[0]!)) continue;
    const div = soleReader(readers, mul.output[0]!, 'Div');
    const six = div && g.scalarInput(div);
    if (!div || !six || six.value !== 6 || div.input[0] !== mul.output[0]) continue;
    // y · clip(y + 3, 0, 6) / 6 = y · clip(y / 6 + 1/2, 0, 1) = y · HardSigmoid(y; α = 1/6, β = 1/2)
    clip.opType = 'HardSigmoid';
    clip.input = [y];
    clip.attribute = [
      onnx.AttributeProto.create({ name: 'alpha', f: 1 / 6, type: onnx.AttributeProto.AttributeType.FLOAT }),
      onnx.AttributeProto.create({ name: 'beta', f: 0.5, type: onnx.AttributeProto.AttributeType.FLOAT }),
    ];
    mul.output = [div.output[0]!];
    dropped.add(add).add(div);
    report.hardSwish++;
  }
  g.remove(dropped);
}

/** A Clip bound: an attribute before opset 11, an input from then on. */
function clipBound(g: Graph, clip: Node, name: 'min' | 'max', input: number): number | undefined {
  const attr = attribute(clip, name);
  if (attr) return attr.f ?? undefined;
  const v = clip.input[input] ? g.floats(clip.input[input]!) : null;
  return v?.length === 1 ? v[0] : undefined;
}

function foldInputAffine(g: Graph, report: FoldReport): void {
  const readers = g.readers();
  const dropped = new Set<Node>();
  for (const mul of g.nodes) {
    if (mul.opType !== 'Mul') continue;
    const scale = g.scalarInput(mul);
    if (!scale || scale.value === 0) continue;
    const add = soleReader(readers, mul.output[0]!, 'Add');
    const shift = add && g.scalarInput(add);
    if (!add || !shift || shift.other !== mul.output[0]) continue;
    const convs = readers.get(add.output[0]!) ?? [];
    if (convs.length === 0 || !convs.every((c) => c?.opType === 'Conv' && c.input[0] === add.output[0] && c.input.indexOf(add.output[0]!, 1) === -1)) continue;
    const weights = convs.map((c) => convWeights(g, c!));
    if (weights.some((w) => !w)) continue;
    const unpadded = convs.every((c) => isUnpadded(c!));
    // The convolutions' input channels: weights are [out, in / group, kh, kw].
    const inputChannels = convs.map((c, k) => (weights[k]!.dims[1] ?? 0) * Number(attribute(c!, 'group')?.i ?? 1));
    const channels = inputChannels[0]!;
    if (!unpadded && (channels <= 0 || inputChannels.some((n) => n !== channels))) continue;
    convs.forEach((conv, k) => {
      const w = weights[k]!;
      const perOutput = w.weights.length / w.bias.length;
      // Unpadded: W·(c·x + d) = (c·W)·x + d·ΣW. Padded: (c·W)·(x + d/c), the same zeros padded.
      const bias = unpadded
        ? w.bias.map((b, o) => {
            let sum = 0;
            for (let i = o * perOutput; i < (o + 1) * perOutput; i++) sum += w.weights[i]!;
            return b + shift.value * sum;
          })
        : w.bias;
      conv!.input = [unpadded ? scale.other : add.output[0]!, g.addConstant(w.weights.map((x) => x * scale.value), w.dims), g.addConstant(bias, [bias.length])];
    });
    dropped.add(mul);
    if (unpadded) {
      dropped.add(add);
      report.inputAffine++;
    } else {
      // x + d/c, written as a BatchNormalization (scale 1, mean 0, variance 1, ε 0: exactly x + d/c),
      // which ONNX Runtime runs in its blocked (NCHWc) layout: a scalar Add made it convert the
      // tensor out of that layout and back around every depthwise convolution.
      const s = shift.value / scale.value;
      const c = channels;
      add.opType = 'BatchNormalization';
      add.input = [scale.other, ...[1, s, 0, 1].map((v) => g.addConstant(new Float32Array(c).fill(v), [c]))];
      add.attribute = [onnx.AttributeProto.create({ name: 'epsilon', f: 0, type: onnx.AttributeProto.AttributeType.FLOAT })];
      report.inputScale++;
    }
  }
  g.remove(dropped);
}
