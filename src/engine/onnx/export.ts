// ONNX export of the toy GPT-2 in the Hugging Face onnx-community decoder layout, plain ONNX ops
// (opset 17), so ONNX Runtime (web or node) and generic loaders (transformers.js) can run it.
//   inputs:  input_ids [batch, seq] int64, attention_mask [batch, past+seq] int64 (1 = token, 0 = pad),
//            position_ids [batch, seq] int64, past_key_values.{i}.key/.value [batch, NH, past, HS] float32
//   outputs: logits [batch, seq, V] float32, present.{i}.key/.value [batch, NH, past+seq, HS] float32
// Attention mask = causal (query at absolute index past+s sees keys ≤ it, built from the input
// shapes) AND padding (attention_mask); masked scores are replaced by the float32 minimum, so a fully
// masked row (a pad query) gives a uniform softmax instead of NaN. The forward pass is the CPU
// reference's (src/engine/cpu/gpt.ts): LN eps LN_EPS, GELU tanh form, scale 1/sqrt(HS), tied wte head.
import { LN_EPS, paramLayout, type ModelConfig, type ParamName } from '../config.ts';
import { DT, GraphBuilder } from './graphBuilder.ts';
import { blockSteps, notToy, toyLayerSize, type BlockAct } from '../block.ts';

export const ONNX_OPSET = 17;
const FLOAT32_LOWEST = -3.4028234663852886e38;

export function exportOnnx(config: ModelConfig, params: Float32Array): Uint8Array {
  const layout = paramLayout(config);
  if (params.length !== layout.total) {
    throw new RangeError(`params has ${params.length} elements, the config needs ${layout.total}`);
  }
  const { vocabSize: V, nLayer: L, nHead: NH, nEmbd: C } = config;
  const HS = C / NH;
  const g = new GraphBuilder();
  const tensor = (name: ParamName) => params.subarray(layout.offsets[name], layout.offsets[name] + layout.sizes[name]);

  // ---- inputs and constants
  const ids = g.input('input_ids', DT.INT64, ['batch_size', 'sequence_length']);
  const attnMask = g.input('attention_mask', DT.INT64, ['batch_size', 'total_sequence_length']);
  const posIds = g.input('position_ids', DT.INT64, ['batch_size', 'sequence_length']);
  const past: { key: string; value: string }[] = [];
  for (let l = 0; l < L; l++) {
    past.push({
      key: g.input(`past_key_values.${l}.key`, DT.FLOAT, ['batch_size', NH, 'past_sequence_length', HS]),
      value: g.input(`past_key_values.${l}.value`, DT.FLOAT, ['batch_size', NH, 'past_sequence_length', HS]),
    });
  }
  const eps = g.scalar('ln_eps', LN_EPS);
  const half = g.scalar('half', 0.5);
  const one = g.scalar('one', 1);
  const three = g.scalar('three', 3);
  const geluScale = g.scalar('gelu_scale', Math.sqrt(2 / Math.PI));
  const geluCube = g.scalar('gelu_cube', 0.044715);
  const attScale = g.scalar('att_scale', 1 / Math.sqrt(HS));
  const masked = g.scalar('masked_score', FLOAT32_LOWEST);
  const headsShape = g.int64Init('shape_heads', [0, 0, NH, HS], [4]);
  const mergeShape = g.int64Init('shape_merge', [0, 0, C], [3]);
  const i64 = (name: string, v: number) => g.int64Init(name, [v], []);
  const i0 = i64('i64_0', 0), i1 = i64('i64_1', 1);
  const axes1 = g.int64Init('axes_1', [1], [1]);
  const axes12 = g.int64Init('axes_1_2', [1, 2], [2]);

  // ---- attention mask [batch, 1, seq, total] (bool): causal AND not padding
  const seqLen = g.op('Gather', [g.op('Shape', [ids]), i1], { axis: 0 });
  const total = g.op('Gather', [g.op('Shape', [attnMask]), i1], { axis: 0 });
  const pastLen = g.op('Sub', [total, seqLen]);
  const keyIdx = g.op('Range', [i0, total, i1]); // [total]
  const queryIdx = g.op('Unsqueeze', [g.op('Range', [pastLen, total, i1]), axes1]); // [seq, 1]
  const causal = g.op('LessOrEqual', [keyIdx, queryIdx]); // [seq, total]
  const notPad = g.op('Unsqueeze', [g.op('Cast', [attnMask], { to: DT.BOOL }), axes12]); // [batch, 1, 1, total]
  const allowed = g.op('And', [causal, notPad]);

  // ---- helpers
  const w = (name: string, data: Float32Array, dims: number[]) => g.floatInit(name, data, dims);
  const layerNorm = (x: string, weight: string, bias: string) => {
    const mean = g.op('ReduceMean', [x], { axes: [-1], keepdims: 1 });
    const d = g.op('Sub', [x, mean]);
    const variance = g.op('ReduceMean', [g.op('Mul', [d, d])], { axes: [-1], keepdims: 1 });
    const norm = g.op('Div', [d, g.op('Sqrt', [g.op('Add', [variance, eps])])]);
    return g.op('Add', [g.op('Mul', [norm, weight]), bias]);
  };
  const linear = (x: string, wT: string, b: string) => g.op('Add', [g.op('MatMul', [x, wT]), b]);
  const gelu = (x: string) => {
    const inner = g.op('Mul', [geluScale, g.op('Add', [x, g.op('Mul', [geluCube, g.op('Pow', [x, three])])])]);
    return g.op('Mul', [half, g.op('Mul', [x, g.op('Add', [one, g.op('Tanh', [inner])])])]);
  };
  const splitHeads = (x: string) => g.op('Transpose', [g.op('Reshape', [x, headsShape])], { perm: [0, 2, 1, 3] });

  // ---- embeddings
  const wte = w('wte', tensor('wte'), [V, C]);
  const wpe = w('wpe', tensor('wpe'), [config.blockSize, C]);
  let x = g.op('Add', [g.op('Gather', [wte, ids], { axis: 0 }), g.op('Gather', [wpe, posIds], { axis: 0 })]);

  // ---- blocks
  // Initializer names of the linear layers (the qkv one is split into q, k, v inside attention).
  const LINEAR_NAME: Partial<Record<ParamName, string>> = { attprojw: 'attn.proj', fcw: 'mlp.fc', fcprojw: 'mlp.proj' };
  for (let l = 0; l < L; l++) {
    const slice = (name: ParamName, size: number) => tensor(name).subarray(l * size, (l + 1) * size);
    const layerTensor = (name: ParamName) => slice(name, toyLayerSize(config, name));
    const v: Partial<Record<BlockAct, string>> = { residual: x };
    const val = (name: BlockAct): string => v[name]!;
    for (const step of blockSteps(config)) {
      switch (step.op) {
        case 'layernorm':
          v[step.to] = layerNorm(val(step.from), w(`h.${l}.${step.to}.w`, layerTensor(step.w as ParamName), [C]), w(`h.${l}.${step.to}.b`, layerTensor(step.b as ParamName), [C]));
          break;
        case 'linear': {
          if (step.to === 'qkv') { v.qkv = val(step.from); break; } // projected per part by the attention step
          const tag = LINEAR_NAME[step.w as ParamName]!;
          const { inW, outW } = step;
          v[step.to] = linear(val(step.from),
            w(`h.${l}.${tag}.wT`, transpose(layerTensor(step.w as ParamName), outW, inW), [inW, outW]),
            w(`h.${l}.${tag}.b`, layerTensor(step.b as ParamName), [outW]));
          break;
        }
        case 'attention': {
          const h = val(step.q.act);
          const qkvw = slice('qkvw', 3 * C * C), qkvb = slice('qkvb', 3 * C);
          const proj = (part: number, tag: string) => linear(h,
            w(`h.${l}.attn.${tag}.wT`, transpose(qkvw.subarray(part * C * C, (part + 1) * C * C), C, C), [C, C]),
            w(`h.${l}.attn.${tag}.b`, qkvb.subarray(part * C, (part + 1) * C), [C]));
          const q = splitHeads(proj(0, 'q'));
          const presentK = g.op('Concat', [past[l].key, splitHeads(proj(1, 'k'))], { axis: 2 }, `present.${l}.key`);
          const presentV = g.op('Concat', [past[l].value, splitHeads(proj(2, 'v'))], { axis: 2 }, `present.${l}.value`);
          const scores = g.op('Mul', [g.op('MatMul', [q, g.op('Transpose', [presentK], { perm: [0, 1, 3, 2] })]), attScale]);
          const att = g.op('Softmax', [g.op('Where', [allowed, scores, masked])], { axis: -1 });
          v[step.to] = g.op('Reshape', [g.op('Transpose', [g.op('MatMul', [att, presentV])], { perm: [0, 2, 1, 3] }), mergeShape]);
          break;
        }
        case 'gelu': v[step.to] = gelu(val(step.from)); break;
        case 'residual': v[step.to] = g.op('Add', [val(step.from), val(step.add)]); break;
        default: throw notToy(step);
      }
    }
    x = val('residual3');
  }

  // ---- head (tied to wte)
  const xf = layerNorm(x, w('lnf.w', tensor('lnfw'), [C]), w('lnf.b', tensor('lnfb'), [C]));
  g.op('MatMul', [xf, g.op('Transpose', [wte], { perm: [1, 0] })], {}, 'logits');

  g.output('logits', DT.FLOAT, ['batch_size', 'sequence_length', V]);
  for (let l = 0; l < L; l++) {
    for (const kv of ['key', 'value']) g.output(`present.${l}.${kv}`, DT.FLOAT, ['batch_size', NH, 'total_sequence_length', HS]);
  }
  return g.encode({ graphName: 'toy-gpt2', opset: ONNX_OPSET, producer: 'repro-playground', doc: 'toy GPT-2 (RePro Playground)' });
}

/** W [rows, cols] → W^T [cols, rows] (so that MatMul(x, W^T) = x @ W^T, llm.c's convention). */
function transpose(wt: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = wt[r * cols + c];
  return out;
}
