// The GPU buffers a LoRA RL run allocates, listed from the config and the settings alone (no
// device): what ./preflight.ts sums and checks before Start. Each entry is one buffer (or `count`
// equal ones) with the formula it was sized by; sizes in bytes, f32 unless said.
// Size letters: L layers, C hidden, V vocab, QD = NH·HD, KVD = NKV·HD, W = QD + 2·KVD (packed
// q|k|v), I intermediate; P prompts per step, G samples per prompt, Tp / Tc most prompt /
// completion tokens, T = Tp + Tc, S = sequences per training pass, N = S·T rows, r the rank.
// Pure.
import type { LlamaConfig } from '../llamaConfig.ts';
import type { SafetensorsDtype } from '../hf/safetensorsHeader.ts';
import type { LoraTarget } from './loraConfig.ts';
import { loraLayout } from './loraLayout.ts';

export type MemoryPart =
  | 'base weights'
  | 'adapters'
  | 'adapter gradients'
  | 'AdamW moments'
  | 'checkpointed activations'
  | 'recomputed layer'
  | 'backward scratch'
  | 'log-prob head'
  | 'rollout KV cache'
  | 'rollout scratch'
  | 'critic';

export interface LoraMemorySettings {
  r: number;
  /** target_modules */
  targets: readonly LoraTarget[];
}

export interface TrainMemorySettings {
  /** P: prompts per step */
  promptsPerStep: number;
  /** G: samples per prompt (num_generations) */
  numGenerations: number;
  /** Tp: most prompt tokens */
  maxPromptTokens: number;
  /** Tc: most completion tokens */
  maxCompletionTokens: number;
  /** PPO's critic (its own adapters + value head on the shared base) */
  critic: boolean;
  /** columns of the LM head computed at a time by the training pass's log-prob head (≤ V) */
  vocabChunk: number;
  /** S: sequences per training forward/backward pass (default P·G: the whole step at once) */
  sequencesPerPass?: number;
  /** KV rows each sample's RePro probes add (probe text + answer tokens at every scored boundary; 0 for outcome-only rewards) */
  probeTokensPerSample?: number;
}

export interface MemoryBuffer {
  name: string;
  part: MemoryPart;
  /** bytes of one buffer */
  bytes: number;
  /** how many such buffers */
  count: number;
  /** how its size was computed */
  formula: string;
}

const F32 = 4;
/** A half matrix packs two elements per u32 word (./hf/llamaWeights.ts gpuWeightLayout). */
const matrixBytes = (n: number, dtype: SafetensorsDtype) => (dtype === 'F32' ? 4 * n : 4 * Math.ceil(n / 2));

export function sizes(c: LlamaConfig) {
  const QD = c.nHead * c.headDim, KVD = c.nKvHead * c.headDim;
  return { L: c.nLayer, C: c.nEmbd, V: c.vocabSize, QD, KVD, W: QD + 2 * KVD, I: c.intermediateSize, NH: c.nHead, NKV: c.nKvHead, HD: c.headDim };
}

/** Adapter elements of one layer, Σ over targets of r·(in + out): the flat layout's perLayer (./loraLayout.ts). */
export function adapterElemsPerLayer(c: LlamaConfig, lora: LoraMemorySettings): number {
  return loraLayout(c, { r: lora.r, lora_alpha: 1, lora_dropout: 0, target_modules: [...lora.targets] }).perLayer;
}

export function memoryBuffers(c: LlamaConfig, dtype: SafetensorsDtype, lora: LoraMemorySettings, t: TrainMemorySettings): MemoryBuffer[] {
  const { L, C, V, QD, KVD, W, I, NH, NKV, HD } = sizes(c);
  const P = t.promptsPerStep, G = t.numGenerations, Tp = t.maxPromptTokens, Tc = t.maxCompletionTokens;
  const T = Tp + Tc;
  const S = t.sequencesPerPass ?? P * G;
  const N = S * T;
  const Vc = Math.min(t.vocabChunk, V);
  const r = lora.r;
  const out: MemoryBuffer[] = [];
  const add = (part: MemoryPart, name: string, bytes: number, formula: string, count = 1) => out.push({ part, name, bytes, count, formula });
  const d = dtype === 'F32' ? 4 : 2;

  // Base weights at file precision; vectors widened to f32; q|k|v and gate|up packed.
  add('base weights', 'embed', matrixBytes(V * C, dtype), `V·C·${d}`);
  if (!c.tieWordEmbeddings) add('base weights', 'lm_head', matrixBytes(V * C, dtype), `V·C·${d}`);
  add('base weights', 'final norm', C * F32, 'C·4');
  add('base weights', 'qkvw', matrixBytes(W * C, dtype), `W·C·${d} per layer`, L);
  add('base weights', 'attprojw', matrixBytes(C * QD, dtype), `C·QD·${d} per layer`, L);
  add('base weights', 'gateupw', matrixBytes(2 * I * C, dtype), `2I·C·${d} per layer`, L);
  add('base weights', 'downw', matrixBytes(C * I, dtype), `C·I·${d} per layer`, L);
  add('base weights', 'norms', 2 * C * F32, '2·C·4 per layer', L);
  if (c.qkvBias) add('base weights', 'qkvb', W * F32, 'W·4 per layer', L);
  if (c.oBias) add('base weights', 'attprojb', C * F32, 'C·4 per layer', L);
  if (c.qkNorm) add('base weights', 'q/k norms', 2 * HD * F32, '2·HD·4 per layer', L);

  // Adapters, their gradients and AdamW's m and v: one flat f32 buffer each.
  const A = L * adapterElemsPerLayer(c, lora);
  const aFormula = `L·Σ_targets r·(in+out)·4 = ${L}·${A / L}·4`;
  add('adapters', 'adapters', A * F32, aFormula);
  add('adapter gradients', 'adapter grads', A * F32, aFormula);
  add('AdamW moments', 'adam m, v', A * F32, aFormula, 2);

  // Gradient checkpointing: the residual stream at every layer boundary is kept; the backward
  // recomputes one layer's activations from it, then runs that layer's backward.
  add('checkpointed activations', 'residual per layer', N * C * F32, 'N·C·4 per boundary', L + 1);
  add('checkpointed activations', 'tokens, positions, targets, dlogp', N * F32, 'N·4', 4);
  const recompute: [string, number, string][] = [
    ['ln1, ln2', 2 * N * C, '2·N·C'],
    ['norm stats', 2 * N, '2·N'],
    ['qkv', N * W, 'N·W'],
    ['atty', N * QD, 'N·QD'],
    ['attention probabilities', S * NH * T * T, 'S·NH·T·T'],
    ['attproj, residual2, fcproj', 3 * N * C, '3·N·C'],
    ['gateup', N * 2 * I, 'N·2I'],
    ['mlpAct', N * I, 'N·I'],
    ['x·Aᵀ per target', N * r * lora.targets.length, `N·r·${lora.targets.length}`],
  ];
  if (c.qkNorm) recompute.push(['q/k norm stats', N * (NH + NKV), 'N·(NH+NKV)']);
  for (const [name, n, f] of recompute) add('recomputed layer', name, n * F32, `${f}·4`);
  const scratch: [string, number, string][] = [
    ['dres, dln, dresidual2', 3 * N * C, '3·N·C'],
    ['dqkv', N * W, 'N·W'],
    ['datty', N * QD, 'N·QD'],
    ['dpreatt', S * NH * T * T, 'S·NH·T·T'],
    ['dgateup', N * 2 * I, 'N·2I'],
    ['dmlpAct', N * I, 'N·I'],
    ['d(x·Aᵀ)', N * r, 'N·r'],
  ];
  for (const [name, n, f] of scratch) add('backward scratch', name, n * F32, `${f}·4`);

  // The training pass's head: final norm, then the vocabulary in chunks of Vc columns (online
  // log-sum-exp), recomputed in the backward — never a [N, V] tensor.
  add('log-prob head', 'lnf', N * C * F32, 'N·C·4');
  add('log-prob head', 'logits chunk, dlogits chunk', N * Vc * F32, 'N·Vc·4', 2);
  add('log-prob head', 'per-row stats (max, sum, logp, entropy, lse)', N * F32, 'N·4', 5);

  // Rollouts: each prompt's cache rows are shared by its G samples (region addressing,
  // ../gpu/kvStore.ts), each sample's RePro probes add their own rows.
  const kvRows = P * (Tp + G * Tc) + P * G * (t.probeTokensPerSample ?? 0);
  add('rollout KV cache', 'kv layer', 2 * kvRows * KVD * F32, `2·R_kv·KVD·4 per layer, R_kv = P·(Tp+G·Tc) + P·G·probe = ${kvRows}`, L);
  // Cached inference's scratch (../gpu/inference.ts) for R rows: one layer's activations, two
  // residual buffers, per-row ids and stats, the head's logits slice (≤ 32 MiB) — then the
  // sampler's logits of the P·G sequences being decoded.
  const R = Math.max(P * Tp, P * G);
  add('rollout scratch', 'one layer\'s activations and row data', R * (7 * C + W + QD + 3 * I + NH + 12) * F32, 'R·(7C+W+QD+3I+NH+12)·4, R = max(P·Tp, P·G)');
  const headRows = Math.max(1, Math.min(R, Math.floor((32 << 20) / (V * F32))));
  add('rollout scratch', 'head logits slice', headRows * V * F32, 'min(R, ⌊32 MiB / 4V⌋)·V·4');
  add('rollout scratch', 'sampling logits', P * G * V * F32, 'P·G·V·4');

  if (t.critic) {
    const crit = A + C + 1;
    add('critic', 'critic adapters + value head, grads, m, v', crit * F32, `(adapters + C + 1)·4`, 4);
    add('critic', 'values, returns, advantages', N * F32, 'N·4', 3);
  }
  return out;
}
