// A small builder for ONNX graphs on top of onnx-proto: nodes with generated output names (one or
// several outputs, ONNX or com.microsoft domain), float32 / int64 initializers, and typed graph
// inputs/outputs with symbolic dimensions.
import onnxPkg from 'onnx-proto';

export const onnx = onnxPkg.onnx;

/** ONNX TensorProto.DataType values used here. */
export const DT = { FLOAT: 1, INT32: 6, INT64: 7, BOOL: 9 } as const;

/** ONNX Runtime's contrib-op domain (GroupQueryAttention, RotaryEmbedding, …). */
export const MS_DOMAIN = 'com.microsoft';

/** A float attribute (a plain number is an INT attribute). */
export interface FloatAttr { f: number }
/** Wraps a number as a FLOAT attribute (epsilon, scale). */
export const float = (f: number): FloatAttr => ({ f });

type Attr = number | number[] | FloatAttr;
export type Dim = number | string;

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

export class GraphBuilder {
  readonly nodes: onnxPkg.onnx.INodeProto[] = [];
  readonly initializers: onnxPkg.onnx.ITensorProto[] = [];
  readonly inputs: onnxPkg.onnx.IValueInfoProto[] = [];
  readonly outputs: onnxPkg.onnx.IValueInfoProto[] = [];
  private count = 0;
  private readonly domains = new Set<string>();
  private readonly initNames = new Set<string>();

  /** Whether an initializer of this name exists. */
  has(name: string): boolean {
    return this.initNames.has(name);
  }

  private addInit(t: onnxPkg.onnx.ITensorProto & { name: string }): string {
    if (this.initNames.has(t.name)) throw new Error(`ONNX graph: initializer ${t.name} defined twice`);
    this.initNames.add(t.name);
    this.initializers.push(t);
    return t.name;
  }

  /** An int64 constant shared by name (created on first use). */
  int64Const(name: string, values: number[], dims: number[]): string {
    return this.has(name) ? name : this.int64Init(name, values, dims);
  }

  /** Adds a node; integer attributes become INT, integer arrays INTS, float(x) FLOAT. Returns the output name. */
  op(opType: string, inputs: string[], attrs: Record<string, Attr> = {}, output?: string, domain = ''): string {
    return this.opN(opType, inputs, attrs, [output ?? null], domain)[0];
  }

  /** A node with several outputs (names given, or generated where null). An input '' is an omitted optional input. */
  opN(opType: string, inputs: string[], attrs: Record<string, Attr>, outputs: (string | null)[], domain = ''): string[] {
    const id = this.count++;
    const out = outputs.map((o, i) => o ?? `${opType.toLowerCase()}_${id}${i > 0 ? `_${i}` : ''}`);
    const attribute = Object.entries(attrs).map(([name, v]) => Array.isArray(v)
      ? { name, type: onnx.AttributeProto.AttributeType.INTS, ints: v }
      : typeof v === 'number'
        ? { name, type: onnx.AttributeProto.AttributeType.INT, i: v }
        : { name, type: onnx.AttributeProto.AttributeType.FLOAT, f: v.f });
    if (domain) this.domains.add(domain);
    this.nodes.push({ opType, domain: domain || undefined, input: inputs, output: out, name: `${out[0]}_node`, attribute });
    return out;
  }

  floatInit(name: string, data: Float32Array, dims: number[]): string {
    const raw = new Uint8Array(data.length * 4);
    if (LITTLE_ENDIAN) raw.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    else {
      const dv = new DataView(raw.buffer);
      for (let i = 0; i < data.length; i++) dv.setFloat32(4 * i, data[i], true);
    }
    return this.addInit({ name, dataType: DT.FLOAT, dims, rawData: raw });
  }

  int64Init(name: string, values: number[], dims: number[]): string {
    const raw = new Uint8Array(values.length * 8);
    const dv = new DataView(raw.buffer);
    for (let i = 0; i < values.length; i++) dv.setBigInt64(8 * i, BigInt(values[i]), true);
    return this.addInit({ name, dataType: DT.INT64, dims, rawData: raw });
  }

  /** A scalar float constant (dims []). */
  scalar(name: string, value: number): string {
    return this.floatInit(name, Float32Array.of(value), []);
  }

  input(name: string, elemType: number, dims: Dim[]): string {
    this.inputs.push(valueInfo(name, elemType, dims));
    return name;
  }

  output(name: string, elemType: number, dims: Dim[]): void {
    this.outputs.push(valueInfo(name, elemType, dims));
  }

  encode(opts: { graphName: string; opset: number; producer: string; doc?: string }): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: 8,
      opsetImport: [{ domain: '', version: opts.opset }, ...[...this.domains].map((domain) => ({ domain, version: 1 }))],
      producerName: opts.producer,
      docString: opts.doc ?? '',
      graph: {
        name: opts.graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

function valueInfo(name: string, elemType: number, dims: Dim[]): onnxPkg.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}
