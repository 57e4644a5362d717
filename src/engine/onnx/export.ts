// ONNX export of the toy GPT-2 in the Hugging Face onnx-community decoder layout
// (./decoderGraph.ts), plain ONNX ops (opset 17), so ONNX Runtime (web or node) and generic
// loaders (transformers.js) can run it. The block is the one declaration every pass walks
// (./blockGraph.ts over blockSteps); the forward pass is the CPU reference's
// (src/engine/cpu/gpt.ts): LN eps LN_EPS, GELU tanh form, scale 1/sqrt(HS), tied wte head.
// The Llama family's export: ./llamaExport.ts.
import { LN_EPS, paramLayout, type ModelConfig, type ParamName } from '../config.ts';
import { GraphBuilder } from './graphBuilder.ts';
import { blockSteps, toyLayerSize, type BlockParam } from '../block.ts';
import { emitBlock, type BlockKernels } from './blockGraph.ts';
import { attentionKernel, decoderInputs, decoderOutputs } from './decoderGraph.ts';

export const ONNX_OPSET = 17;

export function exportOnnx(config: ModelConfig, params: Float32Array): Uint8Array {
  const layout = paramLayout(config);
  if (params.length !== layout.total) {
    throw new RangeError(`params has ${params.length} elements, the config needs ${layout.total}`);
  }
  const { vocabSize: V, nLayer: L, nHead: NH, nEmbd: C } = config;
  const HS = C / NH;
  const g = new GraphBuilder();
  const tensor = (name: ParamName) => params.subarray(layout.offsets[name], layout.offsets[name] + layout.sizes[name]);
  const io = decoderInputs(g, L, NH, HS);
  const attention = attentionKernel(g, io, 'masked');

  const eps = g.scalar('ln_eps', LN_EPS);
  const half = g.scalar('half', 0.5);
  const one = g.scalar('one', 1);
  const three = g.scalar('three', 3);
  const geluScale = g.scalar('gelu_scale', Math.sqrt(2 / Math.PI));
  const geluCube = g.scalar('gelu_cube', 0.044715);
  const w = (name: string, data: Float32Array, dims: number[]) => g.floatInit(name, data, dims);
  const layerNorm = (x: string, weight: string, bias: string) => {
    const mean = g.op('ReduceMean', [x], { axes: [-1], keepdims: 1 });
    const d = g.op('Sub', [x, mean]);
    const variance = g.op('ReduceMean', [g.op('Mul', [d, d])], { axes: [-1], keepdims: 1 });
    const norm = g.op('Div', [d, g.op('Sqrt', [g.op('Add', [variance, eps])])]);
    return g.op('Add', [g.op('Mul', [norm, weight]), bias]);
  };
  let layer = 0;
  const kernels: BlockKernels = {
    layernorm: layerNorm,
    gelu: (x) => {
      const inner = g.op('Mul', [geluScale, g.op('Add', [x, g.op('Mul', [geluCube, g.op('Pow', [x, three])])])]);
      return g.op('Mul', [half, g.op('Mul', [x, g.op('Add', [one, g.op('Tanh', [inner])])])]);
    },
    attention: (q, k, v, step) => attention(layer, q, k, v, step),
    rmsnorm: notToyKernel('rmsnorm'),
    headnorm: notToyKernel('headnorm'),
    rope: notToyKernel('rope'),
  };

  // ---- embeddings
  const wte = w('wte', tensor('wte'), [V, C]);
  const wpe = w('wpe', tensor('wpe'), [config.blockSize, C]);
  let x = g.op('Add', [g.op('Gather', [wte, io.ids], { axis: 0 }), g.op('Gather', [wpe, io.posIds], { axis: 0 })]);

  // ---- blocks
  for (layer = 0; layer < L; layer++) {
    const l = layer;
    const layerTensor = (p: BlockParam) => {
      const name = p as ParamName;
      const size = toyLayerSize(config, name);
      return tensor(name).subarray(l * size, (l + 1) * size);
    };
    x = emitBlock(g, blockSteps(config), x, {
      linearT: (p, inW, outW) => w(`h.${l}.${p}.wT`, transpose(layerTensor(p), outW, inW), [inW, outW]),
      vector: (p) => w(`h.${l}.${p}`, layerTensor(p), [toyLayerSize(config, p as ParamName)]),
    }, kernels);
  }

  // ---- head (tied to wte)
  const xf = layerNorm(x, w('lnf.w', tensor('lnfw'), [C]), w('lnf.b', tensor('lnfb'), [C]));
  g.op('MatMul', [xf, g.op('Transpose', [wte], { perm: [1, 0] })], {}, 'logits');
  decoderOutputs(g, V, L, NH, HS);
  return g.encode({ graphName: 'toy-gpt2', opset: ONNX_OPSET, producer: 'repro-playground', doc: 'toy GPT-2 (RePro Playground)' });
}

const notToyKernel = (op: string) => (): never => {
  throw new TypeError(`the toy GPT-2 has no '${op}' step (a Llama-family block reached the toy's export)`);
};

/** W [rows, cols] → Wᵀ [cols, rows] (so that MatMul(x, Wᵀ) = x @ Wᵀ, llm.c's convention). */
export function transpose(wt: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = wt[r * cols + c];
  return out;
}
