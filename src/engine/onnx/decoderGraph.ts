// What every exported decoder shares: the onnx-community I/O layout and the attention kernels.
//   inputs:  input_ids [batch, seq] int64, attention_mask [batch, past+seq] int64 (1 = token, 0 = pad),
//            position_ids [batch, seq] int64, past_key_values.{i}.key/.value [batch, NKV, past, HD] float32
//   outputs: logits [batch, seq, V] float32, present.{i}.key/.value [batch, NKV, past+seq, HD] float32
// Two attention kernels:
// - masked: MatMul/Softmax under causal AND attention_mask (query at absolute index past+s sees
//   keys ≤ it, from the input shapes); masked scores are replaced by the float32 minimum, so a fully
//   masked row (a pad query) gives a uniform softmax instead of NaN. Any mask works: left padding,
//   and batched probes whose rows hide a stretch of the past (the scorer's branching).
//   Grouped-query heads without copying K/V: q [B, NH, S, HD] is viewed as [B, NKV, G·S, HD]
//   (head h = kv·G + g), so one MatMul per kv head serves its G query heads.
// - gqa: ONNX Runtime's com.microsoft GroupQueryAttention (its fused kernel, what onnx-community
//   model-builder exports use). It takes per-row valid lengths (seqlens_k = Σ mask − 1), not the
//   mask: full rows are right, left padding is not. onnxruntime-web's WebGPU kernel writes a row's
//   new K/V right after its valid length, so the scorer's probe rows (a prefix, the rest of the
//   shared past masked) are right too; ORT's CPU kernel refuses several rows of several new tokens
//   after a past, and head sizes not a multiple of 8.
import type { BlockStep } from '../block.ts';
import { DT, float, MS_DOMAIN, type GraphBuilder } from './graphBuilder.ts';

const FLOAT32_LOWEST = -3.4028234663852886e38;

export type AttentionKind = 'masked' | 'gqa';

export interface DecoderInputs {
  ids: string;
  attnMask: string;
  posIds: string;
  past: { key: string; value: string }[];
}

export function decoderInputs(g: GraphBuilder, L: number, kvHeads: number, headDim: number): DecoderInputs {
  const ids = g.input('input_ids', DT.INT64, ['batch_size', 'sequence_length']);
  const attnMask = g.input('attention_mask', DT.INT64, ['batch_size', 'total_sequence_length']);
  const posIds = g.input('position_ids', DT.INT64, ['batch_size', 'sequence_length']);
  const past: DecoderInputs['past'] = [];
  for (let l = 0; l < L; l++) {
    past.push({
      key: g.input(`past_key_values.${l}.key`, DT.FLOAT, ['batch_size', kvHeads, 'past_sequence_length', headDim]),
      value: g.input(`past_key_values.${l}.value`, DT.FLOAT, ['batch_size', kvHeads, 'past_sequence_length', headDim]),
    });
  }
  return { ids, attnMask, posIds, past };
}

export function decoderOutputs(g: GraphBuilder, V: number, L: number, kvHeads: number, headDim: number): void {
  g.output('logits', DT.FLOAT, ['batch_size', 'sequence_length', V]);
  for (let l = 0; l < L; l++) {
    for (const kv of ['key', 'value']) g.output(`present.${l}.${kv}`, DT.FLOAT, ['batch_size', kvHeads, 'total_sequence_length', headDim]);
  }
}

type AttentionStep = Extract<BlockStep, { op: 'attention' }>;

/** The attention kernel of an export: built once (its mask work shared by all layers), called per layer. */
export function attentionKernel(g: GraphBuilder, io: DecoderInputs, kind: AttentionKind): (layer: number, q: string, k: string, v: string, step: AttentionStep) => string {
  const i1 = g.int64Init('i64_1', [1], []);
  if (kind === 'gqa') {
    // seqlens_k [batch] int32 = tokens per row − 1; total_sequence_length int32 scalar.
    const tokens = g.op('ReduceSum', [io.attnMask, g.int64Const('axes_1', [1], [1])], { keepdims: 0 });
    const seqlensK = g.op('Cast', [g.op('Sub', [tokens, i1])], { to: DT.INT32 });
    const total = g.op('Cast', [g.op('Gather', [g.op('Shape', [io.attnMask]), i1], { axis: 0 })], { to: DT.INT32 });
    return (l, q, k, v, step) => g.opN('GroupQueryAttention', [q, k, v, io.past[l].key, io.past[l].value, seqlensK, total], {
      num_heads: step.q.heads, kv_num_heads: step.k.heads, scale: float(1 / Math.sqrt(step.q.headDim)),
    }, [null, `present.${l}.key`, `present.${l}.value`], MS_DOMAIN)[0];
  }

  // allowed [batch, 1, seq, total] (bool): causal AND not padding
  const i0 = g.int64Init('i64_0', [0], []);
  const seqLen = g.op('Gather', [g.op('Shape', [io.ids]), i1], { axis: 0 });
  const total = g.op('Gather', [g.op('Shape', [io.attnMask]), i1], { axis: 0 });
  const keyIdx = g.op('Range', [i0, total, i1]); // [total]
  const queryIdx = g.op('Unsqueeze', [g.op('Range', [g.op('Sub', [total, seqLen]), total, i1]), g.int64Const('axes_1', [1], [1])]); // [seq, 1]
  const causal = g.op('LessOrEqual', [keyIdx, queryIdx]); // [seq, total]
  const notPad = g.op('Unsqueeze', [g.op('Cast', [io.attnMask], { to: DT.BOOL }), g.int64Init('axes_1_2', [1, 2], [2])]); // [batch, 1, 1, total]
  const allowed = g.op('And', [causal, notPad]);
  const masked = g.scalar('masked_score', FLOAT32_LOWEST);

  return (l, q3, k3, v3, step) => {
    const NH = step.q.heads, NKV = step.k.heads, HD = step.q.headDim, G = NH / NKV;
    const shape = (dims: number[]) => g.int64Const(`shape_${dims.join('_').replaceAll('-', 'm')}`, dims, [dims.length]);
    const heads = (x: string, n: number) => g.op('Transpose', [g.op('Reshape', [x, shape([0, 0, n, HD])])], { perm: [0, 2, 1, 3] });
    const scale = g.has(`att_scale_${HD}`) ? `att_scale_${HD}` : g.scalar(`att_scale_${HD}`, 1 / Math.sqrt(HD));
    const q = heads(q3, NH);
    const presentK = g.op('Concat', [io.past[l].key, heads(k3, NKV)], { axis: 2 }, `present.${l}.key`);
    const presentV = g.op('Concat', [io.past[l].value, heads(v3, NKV)], { axis: 2 }, `present.${l}.value`);
    // grouped: [B, NKV, G·S, ·] views of the query-side tensors; reshape 0 copies a dim, −1 infers G·S or S
    const grouped = (x: string, last: number) => (G > 1 ? g.op('Reshape', [x, shape([0, NKV, -1, last])]) : x);
    const perHead = (x: string, last: number) => (G > 1 ? g.op('Reshape', [x, shape([0, NH, -1, last])]) : x);
    const scores = perHead(g.op('Mul', [g.op('MatMul', [grouped(q, HD), g.op('Transpose', [presentK], { perm: [0, 1, 3, 2] })]), scale]), 0);
    const att = g.op('Softmax', [g.op('Where', [allowed, scores, masked])], { axis: -1 });
    const y = perHead(g.op('MatMul', [grouped(att, 0), presentV]), HD); // [B, NH, S, HD]
    return g.op('Reshape', [g.op('Transpose', [y], { perm: [0, 2, 1, 3] }), shape([0, 0, NH * HD])]);
  };
}
