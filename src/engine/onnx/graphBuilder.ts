// A small builder for ONNX graphs on top of onnx-proto: nodes with generated output names,
// float32 / int64 initializers, and typed graph inputs/outputs with symbolic dimensions.
import onnxPkg from 'onnx-proto';

export const onnx = onnxPkg.onnx;

/** ONNX TensorProto.DataType values used here. */
export const DT = { FLOAT: 1, INT64: 7, BOOL: 9 } as const;

type Attr = number | number[];
export type Dim = number | string;

export class GraphBuilder {
  readonly nodes: onnxPkg.onnx.INodeProto[] = [];
  readonly initializers: onnxPkg.onnx.ITensorProto[] = [];
  readonly inputs: onnxPkg.onnx.IValueInfoProto[] = [];
  readonly outputs: onnxPkg.onnx.IValueInfoProto[] = [];
  private count = 0;

  /** Adds a node; integer attributes become INT, integer arrays INTS. Returns the output name. */
  op(opType: string, inputs: string[], attrs: Record<string, Attr> = {}, output?: string): string {
    const out = output ?? `${opType.toLowerCase()}_${this.count++}`;
    const attribute = Object.entries(attrs).map(([name, v]) => Array.isArray(v)
      ? { name, type: onnx.AttributeProto.AttributeType.INTS, ints: v }
      : { name, type: onnx.AttributeProto.AttributeType.INT, i: v });
    this.nodes.push({ opType, input: inputs, output: [out], name: `${out}_node`, attribute });
    return out;
  }

  floatInit(name: string, data: Float32Array, dims: number[]): string {
    const raw = new Uint8Array(data.length * 4);
    const dv = new DataView(raw.buffer);
    for (let i = 0; i < data.length; i++) dv.setFloat32(4 * i, data[i], true);
    this.initializers.push({ name, dataType: DT.FLOAT, dims, rawData: raw });
    return name;
  }

  int64Init(name: string, values: number[], dims: number[]): string {
    const raw = new Uint8Array(values.length * 8);
    const dv = new DataView(raw.buffer);
    for (let i = 0; i < values.length; i++) dv.setBigInt64(8 * i, BigInt(values[i]), true);
    this.initializers.push({ name, dataType: DT.INT64, dims, rawData: raw });
    return name;
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
      opsetImport: [{ domain: '', version: opts.opset }],
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
