// The GPU buffers a LoRA RL run allocates, listed from the config and the settings alone (no
// device): what ./preflight.ts sums and checks before Start. Each entry is one buffer (or `count`
// equal ones) with the formula it was sized by, mirroring the engine's allocations:
//   weights      ../hf/llamaGpuWeights.ts (file precision, q|k|v and gate|up packed, vectors f32)
//   adapters, optimizer   ./gpuAdapters.ts (flat f32 params, grads, m, v, a 2-word state)
//   checkpoints, activations, headChunks   ../gpu/llamaTrainBuffers.ts (+ ./trainPass.ts's rotary table)
//   kv           ../gpu/kvStore.ts ([2, rows, KVD] f32 per layer)
//   inference    ../gpu/inference.ts scratch + ../gpu/layers/sample.ts + the sampled logits
// Part names are LlamaLoraModel.memory()'s (./loraModel.ts), so the bench compares part by part.
// Size letters: L layers, C hidden, V vocab, NH / NKV heads, HD head dim, QD = NH·HD, KVD = NKV·HD,
// W = QD + 2·KVD (packed q|k|v), I intermediate; P prompts per step, G samples per prompt, Tp / Tc
// most prompt / completion tokens, T = Tp + Tc, S sequences per training pass, N = S·T rows, r the
// rank, k the adapted targets per layer, n the inference rows. Pure.
import type { LlamaConfig } from '../llamaConfig.ts';
import type { SafetensorsDtype } from '../hf/safetensorsHeader.ts';
import type { LoraTarget } from './loraConfig.ts';
import { loraLayout } from './loraLayout.ts';

export type MemoryPart = 'weights' | 'adapters' | 'optimizer' | 'checkpoints' | 'activations' | 'headChunks' | 'kv' | 'inference' | 'critic';

/** How a part is named to the user. */
export const PART_LABEL: Record<MemoryPart, string> = {
  weights: 'base weights',
  adapters: 'adapters and their gradients',
  optimizer: 'AdamW moments',
  checkpoints: 'checkpointed layer inputs',
  activations: 'recomputed layer activations and gradients',
  headChunks: 'log-prob head chunk',
  kv: 'KV cache',
  inference: 'sampling and probe scratch',
  critic: 'critic',
};

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
  /** S: sequences per training forward/backward pass (default P·G: the whole step at once) */
  sequencesPerPass?: number;
  /** Vc: columns of the training head's logits chunk (default the engine's: as many as 32 MiB hold for N rows) */
  vocabChunk?: number;
  /** KV rows each sample's RePro probes add (probe text + answer tokens at every scored boundary; 0 for outcome-only rewards) */
  probeTokensPerSample?: number;
  /** n: rows per inference chunk for sampling and probes (the engine's default 512) */
  inferenceRows?: number;
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

/** The engine's constants (../gpu/llamaTrainBuffers.ts HEAD_CHUNK_BYTES, ../gpu/inference.ts HEAD_SLICE_BYTES and MAX_ROPE_POSITIONS). */
const HEAD_CHUNK_BYTES = 32 << 20;
const HEAD_SLICE_BYTES = 32 << 20;
const MAX_ROPE_POSITIONS = 32768;
export const DEFAULT_INFERENCE_ROWS = 512;

/** f32 buffers of n elements (the engine allocates at least one element). */
const f32 = (n: number) => Math.max(1, n) * 4;
/** A half matrix packs two elements per u32 word (../hf/llamaWeights.ts gpuWeightLayout). */
const matrixBytes = (n: number, dtype: SafetensorsDtype) => (dtype === 'F32' ? 4 * n : 4 * Math.ceil(n / 2));

export function sizes(c: LlamaConfig) {
  const QD = c.nHead * c.headDim, KVD = c.nKvHead * c.headDim;
  return { L: c.nLayer, C: c.nEmbd, V: c.vocabSize, QD, KVD, W: QD + 2 * KVD, I: c.intermediateSize, NH: c.nHead, NKV: c.nKvHead, HD: c.headDim };
}

/** Adapter elements of one layer, Σ over targets of r·(in + out): the flat layout's perLayer (./loraLayout.ts). */
export function adapterElemsPerLayer(c: LlamaConfig, lora: LoraMemorySettings): number {
  return loraLayout(c, { r: lora.r, lora_alpha: 1, lora_dropout: 0, target_modules: [...lora.targets] }).perLayer;
}

/** The training head's chunk width: the setting, else as many columns as 32 MiB of f32 hold for N rows (at least 1, at most V). */
export function headChunkColumns(c: LlamaConfig, t: TrainMemorySettings): number {
  const N = (t.sequencesPerPass ?? t.promptsPerStep * t.numGenerations) * (t.maxPromptTokens + t.maxCompletionTokens);
  return Math.max(1, Math.min(c.vocabSize, t.vocabChunk ?? Math.floor(HEAD_CHUNK_BYTES / (N * 4))));
}

/**
 * The KV regions of one step, in the order the engine allocates them: a GRPO group's shared prompt
 * rows (Tp − 1, ../gpu/sample.ts, when G ≥ 2), each sample's own region (its whole sequence: kept
 * for the probes, ../gpu/kvRetain.ts), then each sample's RePro probe rows.
 */
export function kvRegions(t: TrainMemorySettings, blockSize: number): number[] {
  const P = t.promptsPerStep, G = t.numGenerations;
  const T = Math.min(t.maxPromptTokens + t.maxCompletionTokens, blockSize);
  const shared = G >= 2 && t.maxPromptTokens >= 2 ? Array<number>(P).fill(t.maxPromptTokens - 1) : [];
  const probe = t.probeTokensPerSample ?? 0;
  return [...shared, ...Array<number>(P * G).fill(T), ...(probe > 0 ? Array<number>(P * G).fill(probe) : [])];
}

/** ../gpu/kvStore.ts KvStore.allocate's growth: to max(need, ⌈1.5·capacity⌉, 256) rows when a region does not fit. */
export const KV_MIN_ROWS = 256;

/** Capacity after allocating `regions` in order with none released, and the capacity before the last growth. */
export function kvGrowth(regions: readonly number[]): { capacity: number; previous: number; rowsUsed: number } {
  let capacity = 0, previous = 0, used = 0;
  for (const rows of regions) {
    if (used + rows > capacity) {
      previous = capacity;
      capacity = Math.max(used + rows, Math.ceil(capacity * 1.5), KV_MIN_ROWS);
    }
    used += rows;
  }
  return { capacity, previous, rowsUsed: used };
}

export function memoryBuffers(c: LlamaConfig, dtype: SafetensorsDtype, lora: LoraMemorySettings, t: TrainMemorySettings): MemoryBuffer[] {
  const { L, C, V, QD, KVD, W, I, NH, NKV, HD } = sizes(c);
  const P = t.promptsPerStep, G = t.numGenerations, Tp = t.maxPromptTokens, Tc = t.maxCompletionTokens;
  const T = Tp + Tc;
  const S = t.sequencesPerPass ?? P * G;
  const N = S * T;
  const Vc = headChunkColumns(c, t);
  const n = t.inferenceRows ?? DEFAULT_INFERENCE_ROWS;
  const r = lora.r, k = lora.targets.length;
  const out: MemoryBuffer[] = [];
  const add = (part: MemoryPart, name: string, bytes: number, formula: string, count = 1) => out.push({ part, name, bytes, count, formula });
  const d = dtype === 'F32' ? 4 : 2;

  add('weights', 'embed', matrixBytes(V * C, dtype), `V·C·${d}`);
  if (!c.tieWordEmbeddings) add('weights', 'lm_head', matrixBytes(V * C, dtype), `V·C·${d}`);
  add('weights', 'final norm', f32(C), 'C·4');
  add('weights', 'qkvw', matrixBytes(W * C, dtype), `W·C·${d} per layer`, L);
  add('weights', 'attprojw', matrixBytes(C * QD, dtype), `C·QD·${d} per layer`, L);
  add('weights', 'gateupw', matrixBytes(2 * I * C, dtype), `2I·C·${d} per layer`, L);
  add('weights', 'downw', matrixBytes(C * I, dtype), `C·I·${d} per layer`, L);
  add('weights', 'ln1w, ln2w', f32(C), 'C·4, 2 per layer', 2 * L);
  if (c.qkvBias) add('weights', 'qkvb', f32(W), 'W·4 per layer', L);
  if (c.oBias) add('weights', 'attprojb', f32(C), 'C·4 per layer', L);
  if (c.qkNorm) add('weights', 'q/k norm', f32(HD), 'HD·4, 2 per layer', 2 * L);

  const A = L * adapterElemsPerLayer(c, lora);
  const aFormula = `L·Σ_targets r·(in+out)·4 = ${L}·${A / L}·4`;
  add('adapters', 'params, grads', f32(A), aFormula, 2);
  add('optimizer', 'm, v', f32(A), aFormula, 2);
  add('optimizer', 'state', 8, '2 words');

  // Gradient checkpointing: each layer's input kept; one layer recomputed in the backward.
  add('checkpoints', 'checkpoint', f32(N * C), 'N·C·4, L + 1 of them', L + 1);
  // [name, elements of one buffer, buffers, formula]: each buffer its own (the per-binding limit applies to each)
  const act: [string, number, number, string][] = [
    ['tokens, positions, targets, dlogp', N, 4, 'N'],
    ['ln1, attproj, residual2, ln2, fcproj, dln1, dln2, dres, lnf, dlnf', N * C, 10, 'N·C'],
    ['qkv, dqkv', N * W, 2, 'N·W'],
    ['atty, datty', N * QD, 2, 'N·QD'],
    ['gateup, dgateup', N * 2 * I, 2, 'N·2I'],
    ['mlpAct, dmlpAct', N * I, 2, 'N·I'],
    ['rstd ×2, lnf rstd', N, 3, 'N'],
    ['att, dpreatt', N * NH * T, 2, 'N·NH·T'],
    ['lora u per target, du', N * r, k + 1, `N·r (k+1 = ${k + 1} of them)`],
    ['rotary table', T * HD, 1, 'T·HD'],
  ];
  if (c.qkNorm) act.push(['q norm rstd', N * NH, 1, 'N·NH'], ['k norm rstd', N * NKV, 1, 'N·NKV'], ['qkv before the q/k norms, its gradient', N * W, 2, 'N·W']);
  for (const [name, e, count, f] of act) add('activations', name, f32(e), `${f}·4`, count);
  add('headChunks', 'logits chunk', f32(N * Vc), `N·Vc·4, Vc = ${Vc}`);
  add('headChunks', 'state, lse, logp, entropy', 7 * N * 4, '7·N·4');

  // The KV store grows on demand (../gpu/kvStore.ts): simulated over the run's regions, with the
  // old layers still live while the grown ones are filled (the peak of the resize).
  const kv = kvGrowth(kvRegions(t, c.blockSize));
  const kvF = `2·R·KVD·4 per layer, R = ${kv.capacity} rows (KvStore growth over ${kv.rowsUsed} rows: P·G·(Tp+Tc+probe) + the shared prompt rows)`;
  add('kv', 'kv layer', f32(2 * kv.capacity * KVD), kvF, L);
  if (kv.previous > 0) add('kv', 'kv layer before the last growth (live during the copy)', f32(2 * kv.previous * KVD), `2·R_prev·KVD·4 per layer, R_prev = ${kv.previous}`, L);

  const headRows = Math.max(1, Math.min(n, Math.floor(HEAD_SLICE_BYTES / (V * 4))));
  const ropeP = Math.min(c.blockSize, MAX_ROPE_POSITIONS);
  add('inference', 'one layer\'s activations and row data', n * (7 * C + W + QD + 3 * I + NH + 12 + r) * 4, `n·(7C+W+QD+3I+NH+12+r)·4, n = ${n}`);
  add('inference', 'head logits slice', f32(headRows * V), `min(n, ⌊32 MiB / 4V⌋)·V·4`);
  add('inference', 'rotary table', f32(ropeP * HD), `min(max_position_embeddings, 32768)·HD·4`);
  add('inference', 'sampler', n * 20, 'n·20');
  add('inference', 'sampled logits', f32(P * G * V), 'P·G·V·4');

  if (t.critic) {
    add('critic', 'adapters, grads, m, v', f32(A), aFormula, 4);
    add('critic', 'value head, grads, m, v', f32(C + 1), '(C+1)·4', 4);
  }
  return out;
}
