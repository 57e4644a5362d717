// The transformer block, declared once per architecture: the CPU references, the WebGPU training
// pass, the KV-cached inference pass and the ONNX export all walk `blockSteps(config)`, so the
// order of operations and which parameters feed which step cannot drift apart between them.
//
// Two configurations of one engine:
// - the toy GPT-2 (config.ts, llm.c's gpt2 layer): LayerNorm, packed qkv, GELU MLP;
// - the Llama family (llamaConfig.ts): RMSNorm, packed q|k|v (the three projections' rows stored
//   one after another, so one matmul computes them), optional per-head q/k RMSNorm (Qwen3), rotary,
//   grouped-query attention, packed gate|up and SwiGLU.
// Activations are named per position; `residual` is the block's input (the residual stream),
// `residual3` its output. Widths are in elements per position (blockActWidths).
import type { ModelConfig, ParamName } from './config.ts';
import type { LlamaConfig } from './llamaConfig.ts';

export type EngineConfig = ModelConfig | LlamaConfig;

export function isLlama(c: EngineConfig): c is LlamaConfig {
  return (c as LlamaConfig).arch === 'llama';
}

/** A per-layer activation of the block. */
export type BlockAct =
  | 'residual' | 'ln1' | 'qkv' | 'atty' | 'attproj' | 'residual2' | 'ln2'
  | 'fch' | 'fchGelu' // toy MLP
  | 'gateup' | 'mlpAct' // Llama MLP: packed gate|up, then silu(gate)·up
  | 'fcproj' | 'residual3';

/**
 * A per-layer weight of the block. The toy's are its flat-layout ParamNames; the Llama family's are
 * the engine's packed tensors, built at load time from the hub's (src/engine/hf/):
 * qkvw = q_proj | k_proj | v_proj rows, gateupw = gate_proj | up_proj rows.
 */
export type LlamaParam =
  | 'ln1w' | 'qkvw' | 'qkvb' | 'qnormw' | 'knormw' | 'attprojw' | 'attprojb' | 'ln2w' | 'gateupw' | 'downw';
export type BlockParam = ParamName | LlamaParam;

/** Columns [off, off + heads·headDim) of a [rows, stride] activation, head-major. */
export interface HeadView { act: BlockAct; off: number; stride: number; heads: number; headDim: number }

export type BlockStep =
  | { op: 'layernorm'; from: BlockAct; to: BlockAct; w: BlockParam; b: BlockParam }
  | { op: 'rmsnorm'; from: BlockAct; to: BlockAct; w: BlockParam }
  /** to = from · Wᵀ + b, W stored [outW, inW] */
  | { op: 'linear'; from: BlockAct; to: BlockAct; w: BlockParam; b: BlockParam | null; inW: number; outW: number }
  /** RMSNorm of every head of `view` over its headDim, in place (Qwen3's q_norm / k_norm) */
  | { op: 'headnorm'; view: HeadView; w: BlockParam }
  /** rotary position embedding of every head of `view`, in place (rotate_half convention) */
  | { op: 'rope'; view: HeadView }
  /** causal attention; q head h reads kv head h / (q.heads / k.heads) (grouped-query) */
  | { op: 'attention'; q: HeadView; k: HeadView; v: HeadView; to: BlockAct }
  | { op: 'gelu'; from: BlockAct; to: BlockAct; width: number }
  /** to = silu(gate) · up, element-wise over `width` columns */
  | { op: 'swiglu'; gate: HeadView; up: HeadView; to: BlockAct; width: number }
  /** to = from + add (the residual stream) */
  | { op: 'residual'; from: BlockAct; add: BlockAct; to: BlockAct };

/** The toy GPT-2's block (llm.c's gpt2 layer, pre-LN). */
function gpt2Steps(c: ModelConfig): BlockStep[] {
  const C = c.nEmbd;
  const HS = C / c.nHead;
  const part = (i: number): HeadView => ({ act: 'qkv', off: i * C, stride: 3 * C, heads: c.nHead, headDim: HS });
  return [
    { op: 'layernorm', from: 'residual', to: 'ln1', w: 'ln1w', b: 'ln1b' },
    { op: 'linear', from: 'ln1', to: 'qkv', w: 'qkvw', b: 'qkvb', inW: C, outW: 3 * C },
    { op: 'attention', q: part(0), k: part(1), v: part(2), to: 'atty' },
    { op: 'linear', from: 'atty', to: 'attproj', w: 'attprojw', b: 'attprojb', inW: C, outW: C },
    { op: 'residual', from: 'residual', add: 'attproj', to: 'residual2' },
    { op: 'layernorm', from: 'residual2', to: 'ln2', w: 'ln2w', b: 'ln2b' },
    { op: 'linear', from: 'ln2', to: 'fch', w: 'fcw', b: 'fcb', inW: C, outW: 4 * C },
    { op: 'gelu', from: 'fch', to: 'fchGelu', width: 4 * C },
    { op: 'linear', from: 'fchGelu', to: 'fcproj', w: 'fcprojw', b: 'fcprojb', inW: 4 * C, outW: C },
    { op: 'residual', from: 'residual2', add: 'fcproj', to: 'residual3' },
  ];
}

/** The Llama family's block (transformers' LlamaDecoderLayer / Qwen2 / Qwen3). */
function llamaSteps(c: LlamaConfig): BlockStep[] {
  const { nEmbd: C, nHead: NH, nKvHead: NKV, headDim: HD, intermediateSize: I } = c;
  const QD = NH * HD, KVD = NKV * HD, W = QD + 2 * KVD;
  const q: HeadView = { act: 'qkv', off: 0, stride: W, heads: NH, headDim: HD };
  const k: HeadView = { act: 'qkv', off: QD, stride: W, heads: NKV, headDim: HD };
  const v: HeadView = { act: 'qkv', off: QD + KVD, stride: W, heads: NKV, headDim: HD };
  return [
    { op: 'rmsnorm', from: 'residual', to: 'ln1', w: 'ln1w' },
    { op: 'linear', from: 'ln1', to: 'qkv', w: 'qkvw', b: c.qkvBias ? 'qkvb' : null, inW: C, outW: W },
    ...(c.qkNorm ? [{ op: 'headnorm', view: q, w: 'qnormw' } as const, { op: 'headnorm', view: k, w: 'knormw' } as const] : []),
    { op: 'rope', view: q },
    { op: 'rope', view: k },
    { op: 'attention', q, k, v, to: 'atty' },
    { op: 'linear', from: 'atty', to: 'attproj', w: 'attprojw', b: c.oBias ? 'attprojb' : null, inW: QD, outW: C },
    { op: 'residual', from: 'residual', add: 'attproj', to: 'residual2' },
    { op: 'rmsnorm', from: 'residual2', to: 'ln2', w: 'ln2w' },
    { op: 'linear', from: 'ln2', to: 'gateup', w: 'gateupw', b: null, inW: C, outW: 2 * I },
    {
      op: 'swiglu', to: 'mlpAct', width: I,
      gate: { act: 'gateup', off: 0, stride: 2 * I, heads: 1, headDim: I },
      up: { act: 'gateup', off: I, stride: 2 * I, heads: 1, headDim: I },
    },
    { op: 'linear', from: 'mlpAct', to: 'fcproj', w: 'downw', b: null, inW: I, outW: C },
    { op: 'residual', from: 'residual2', add: 'fcproj', to: 'residual3' },
  ];
}

const stepCache = new WeakMap<EngineConfig, BlockStep[]>();

/** The block of this configuration, in forward order. */
export function blockSteps(c: EngineConfig): readonly BlockStep[] {
  let s = stepCache.get(c);
  if (!s) stepCache.set(c, (s = isLlama(c) ? llamaSteps(c) : gpt2Steps(c)));
  return s;
}

/** Elements per position of every activation the block writes (0 for ones it does not use). */
export function blockActWidths(c: EngineConfig): Record<BlockAct, number> {
  const w: Record<BlockAct, number> = {
    residual: c.nEmbd, ln1: 0, qkv: 0, atty: 0, attproj: 0, residual2: 0, ln2: 0, fch: 0, fchGelu: 0, gateup: 0, mlpAct: 0, fcproj: 0, residual3: 0,
  };
  for (const s of blockSteps(c)) {
    switch (s.op) {
      case 'layernorm': case 'rmsnorm': w[s.to] = c.nEmbd; break;
      case 'linear': w[s.to] = s.outW; break;
      case 'attention': w[s.to] = s.q.heads * s.q.headDim; break;
      case 'gelu': case 'swiglu': w[s.to] = s.width; break;
      case 'residual': w[s.to] = c.nEmbd; break;
      case 'headnorm': case 'rope': break;
    }
  }
  return w;
}

/** Elements per layer of a toy parameter (its flat layout stacks layers). */
export function toyLayerSize(c: ModelConfig, p: ParamName): number {
  const C = c.nEmbd;
  switch (p) {
    case 'ln1w': case 'ln1b': case 'ln2w': case 'ln2b': case 'attprojb': case 'fcprojb': return C;
    case 'qkvw': return 3 * C * C;
    case 'qkvb': return 3 * C;
    case 'attprojw': return C * C;
    case 'fcw': case 'fcprojw': return 4 * C * C;
    case 'fcb': return 4 * C;
    default: throw new RangeError(`${p} is not a per-layer parameter`);
  }
}

/** A step a toy-only pass (the GPT-2 training pass and its CPU reference) does not implement. */
export function notToy(step: BlockStep): Error {
  return new TypeError(`the toy GPT-2 pass has no '${step.op}' step (a Llama-family block reached a toy-only pass)`);
}
