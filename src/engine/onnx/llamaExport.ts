// ONNX export of a Llama-family model (Llama / SmolLM2 / Llama-3.2, Qwen2 / Qwen2.5, Qwen3) in
// the onnx-community decoder layout (./decoderGraph.ts: NKV-head past/present), walking the same
// block declaration as the engine (./blockGraph.ts over blockSteps): RMSNorm, packed q|k|v
// projection (+ bias), per-head q/k RMSNorm, rotary from the engine's own cos/sin table
// (src/engine/rope.ts, so Llama-3 scaling is exact), grouped-query attention, packed gate|up and
// SwiGLU, tied or untied head. Weights float32 (ORT's float16 graphs need shader-f16, which
// SwiftShader lacks; half files are widened).
// Kernels (LlamaExportOptions):
// - 'contrib' (default): the ops ONNX Runtime fuses and onnx-community exports use —
//   SimplifiedLayerNormalization (RMSNorm) and com.microsoft RotaryEmbedding (rotate_half, fed
//   position_ids, so any positions work);
// - 'plain': opset-17 ops only (any ONNX runtime).
// Attention: 'masked' (default; honours every attention_mask, so the scorer's batched probes
// work) or 'gqa' (com.microsoft GroupQueryAttention; valid lengths only — see ./decoderGraph.ts).
import { blockSteps, type BlockParam } from '../block.ts';
import { llamaTensorNames, validateLlamaConfig, type LlamaConfig } from '../llamaConfig.ts';
import { ropeTableFor } from '../rope.ts';
import { slotsOf } from '../hf/llamaSlots.ts';
import { emitBlock, sliceLast, type BlockKernels } from './blockGraph.ts';
import { attentionKernel, decoderInputs, decoderOutputs, type AttentionKind } from './decoderGraph.ts';
import { ONNX_OPSET, transpose } from './export.ts';
import { float, GraphBuilder, MS_DOMAIN } from './graphBuilder.ts';

export type LlamaKernels = 'contrib' | 'plain';

export interface LlamaExportOptions {
  attention?: AttentionKind;
  kernels?: LlamaKernels;
}

/** A hub tensor by its safetensors name, as float32 (transformers' state-dict layout). */
export type HubTensor = (name: string) => Float32Array;

export function exportLlamaOnnx(config: LlamaConfig, tensor: HubTensor, opts: LlamaExportOptions = {}): Uint8Array {
  validateLlamaConfig(config);
  const attentionKind = opts.attention ?? 'masked';
  const contrib = (opts.kernels ?? 'contrib') === 'contrib';
  const { vocabSize: V, nLayer: L, nEmbd: C, nKvHead: NKV, headDim: HD, rmsNormEps } = config;
  const g = new GraphBuilder();
  const io = decoderInputs(g, L, NKV, HD);
  const attention = attentionKernel(g, io, attentionKind);

  // The engine's packed tensors (q|k|v, gate|up) from the hub's, by the loader's own slot map.
  const packed = packedTensors(config, tensor);
  const P = config.blockSize;
  const table = ropeTableFor(config); // [2, P, HD/2]: cos block, then sin block
  const cosT = g.floatInit('rope_cos', table.subarray(0, (P * HD) / 2), [P, HD / 2]);
  const sinT = g.floatInit('rope_sin', table.subarray((P * HD) / 2), [P, HD / 2]);
  const shape = (dims: number[]) => g.int64Const(`shape_${dims.join('_')}`, dims, [dims.length]);

  const rmsnorm = (x: string, w: string) => {
    if (contrib) return g.op('SimplifiedLayerNormalization', [x, w], { axis: -1, epsilon: float(rmsNormEps), stash_type: 1 });
    // transformers' LlamaRMSNorm: weight · (x · rsqrt(mean(x²) + eps))
    const eps = g.has('rms_eps') ? 'rms_eps' : g.scalar('rms_eps', rmsNormEps);
    const ms = g.op('ReduceMean', [g.op('Mul', [x, x])], { axes: [-1], keepdims: 1 });
    return g.op('Mul', [g.op('Mul', [x, g.op('Reciprocal', [g.op('Sqrt', [g.op('Add', [ms, eps])])])]), w]);
  };
  // plain rotary: cos/sin rows of the positions, [B, S, 1, HD] (both halves), built once
  let plainCosSin: [string, string] | null = null;
  let layer = 0;
  const rowsOf = (t: string) => {
    const rows = g.op('Gather', [t, io.posIds], { axis: 0 }); // [B, S, HD/2]
    return g.op('Unsqueeze', [g.op('Concat', [rows, rows], { axis: -1 }), g.int64Const('axes_2', [2], [1])]);
  };
  const kernels: BlockKernels = {
    layernorm: () => {
      throw new TypeError('a Llama-family block has no LayerNorm step');
    },
    gelu: () => {
      throw new TypeError('a Llama-family block has no GELU step');
    },
    rmsnorm,
    headnorm: (x, view, w) => g.op('Reshape', [rmsnorm(g.op('Reshape', [x, shape([0, 0, view.heads, view.headDim])]), w), shape([0, 0, view.heads * view.headDim])]),
    rope: (x, view) => {
      if (contrib) return g.op('RotaryEmbedding', [x, io.posIds, cosT, sinT], { interleaved: 0, num_heads: view.heads }, undefined, MS_DOMAIN);
      plainCosSin ??= [rowsOf(cosT), rowsOf(sinT)];
      const [cos, sin] = plainCosSin;
      const x4 = g.op('Reshape', [x, shape([0, 0, view.heads, HD])]);
      const rotated = g.op('Concat', [g.op('Neg', [sliceLast(g, x4, HD / 2, HD)]), sliceLast(g, x4, 0, HD / 2)], { axis: -1 }); // rotate_half
      const out = g.op('Add', [g.op('Mul', [x4, cos]), g.op('Mul', [rotated, sin])]);
      return g.op('Reshape', [out, shape([0, 0, view.heads * HD])]);
    },
    attention: (q, k, v, step) => attention(layer, q, k, v, step),
  };

  const embed = tensor(llamaTensorNames.embed);
  let x = g.op('Gather', [g.floatInit('embed_tokens', embed, [V, C]), io.ids], { axis: 0 });
  for (layer = 0; layer < L; layer++) {
    const l = layer;
    x = emitBlock(g, blockSteps(config), x, {
      linearT: (p, inW, outW) => g.floatInit(`layers.${l}.${p}.wT`, transpose(packed.get(`${l}:${p}`)!, outW, inW), [inW, outW]),
      vector: (p: BlockParam) => {
        const data = packed.get(`${l}:${p}`)!;
        return g.floatInit(`layers.${l}.${p}`, data, [data.length]);
      },
    }, kernels);
  }
  const xf = rmsnorm(x, g.floatInit('norm', tensor(llamaTensorNames.finalNorm), [C]));
  const head = config.tieWordEmbeddings ? embed : tensor(llamaTensorNames.lmHead);
  g.op('MatMul', [xf, g.floatInit('lm_head.wT', transpose(head, V, C), [C, V])], {}, 'logits');
  decoderOutputs(g, V, L, NKV, HD);
  return g.encode({
    graphName: `${config.family}-decoder`, opset: ONNX_OPSET, producer: 'repro-playground',
    doc: `${config.family} decoder (RePro Playground export: ${attentionKind} attention, ${contrib ? 'contrib' : 'plain'} kernels, float32)`,
  });
}

/** `${layer}:${param}` → the packed float32 tensor (parts at the loader's element offsets). */
function packedTensors(config: LlamaConfig, tensor: HubTensor): Map<string, Float32Array> {
  const parts = new Map<string, { name: string; part: number; elems: number }[]>();
  for (const [name, s] of slotsOf(config)) {
    if (s.layer < 0) continue;
    const list = parts.get(s.key) ?? [];
    list.push({ name, part: s.part, elems: s.elems });
    parts.set(s.key, list);
  }
  const out = new Map<string, Float32Array>();
  for (const [key, list] of parts) {
    const total = list.reduce((n, p) => Math.max(n, p.part + p.elems), 0);
    const data = new Float32Array(total);
    for (const p of list) {
      const t = tensor(p.name);
      if (t.length !== p.elems) throw new RangeError(`${p.name} has ${t.length} elements, the config needs ${p.elems}`);
      data.set(t, p.part);
    }
    out.set(key, data);
  }
  return out;
}
