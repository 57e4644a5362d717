// GPU buffers of the Llama family's training pass (./llamaPass.ts) for at most maxBT = B·T rows
// and T ≤ maxT positions, with gradient checkpointing: only each layer's INPUT is kept across the
// forward ([maxBT, C] per layer, plus the last layer's output), one layer's activations are
// recomputed from it in the backward, into scratch sized for one layer. The LM head runs in
// vocabulary chunks of Vc columns (./layers/chunkedHead.ts). Each tensor has its own buffer, so no
// binding exceeds a per-layer size (maxStorageBufferBindingSize).
import { createBuffer } from '../../gpu/buffers.ts';
import { blockActWidths, blockSteps, type BlockAct } from '../block.ts';
import type { LlamaConfig } from '../llamaConfig.ts';
import type { ChunkedHeadBuffers } from './layers/chunkedHead.ts';

/** Bytes of f32 logits one head chunk may hold: Vc = ⌊HEAD_CHUNK_BYTES / (maxBT · 4)⌋ columns (at least 1). */
export const HEAD_CHUNK_BYTES = 32 << 20;

export interface LlamaTrainBuffers {
  maxBT: number;
  maxT: number;
  /** columns of one head chunk */
  Vc: number;
  tokens: GPUBuffer; positions: GPUBuffer; targets: GPUBuffer; dlogp: GPUBuffer; // [maxBT] i32, i32, i32, f32
  /** checkpoints[l] = layer l's input [maxBT, C] (l = 0: the embeddings); checkpoints[L] = the last layer's output */
  checkpoints: GPUBuffer[];
  /** one layer's activations [maxBT, width] (not the residual stream's input/output: checkpoints) */
  acts: Partial<Record<BlockAct, GPUBuffer>>;
  /** an activation before the q/k head norms rewrote it in place (Qwen3), and its gradient */
  pre: Partial<Record<BlockAct, GPUBuffer>>;
  dpre: Partial<Record<BlockAct, GPUBuffer>>;
  /** saved rstd of norm step i ([maxBT] or [maxBT · heads]) */
  rstd: Map<number, GPUBuffer>;
  /** [maxBT · NH · maxT] the attention softmax (B·NH·T·T ≤ maxBT·NH·maxT), and the backward's scratch */
  att: GPUBuffer; dpreatt: GPUBuffer;
  /** u = x·Aᵀ [maxBT, r] of each LoRA slot of a layer (in layout order), and du scratch */
  loraU: GPUBuffer[]; du: GPUBuffer;
  /** activation gradients of one layer; dres: the residual stream's */
  grads: Partial<Record<BlockAct, GPUBuffer>>;
  dres: GPUBuffer;
  lnf: GPUBuffer; lnfRstd: GPUBuffer; dlnf: GPUBuffer;
  head: ChunkedHeadBuffers;
}

/** Activations the residual adds alias to the stream's gradient in the backward (no buffer of their own). */
function residualAdds(c: LlamaConfig): Set<BlockAct> {
  return new Set(blockSteps(c).flatMap((s) => (s.op === 'residual' ? [s.add] : [])));
}

export function createLlamaTrainBuffers(
  device: GPUDevice, c: LlamaConfig, maxBT: number, maxT: number, loraSlotsPerLayer: number, r: number, vocabChunk?: number,
): LlamaTrainBuffers {
  const f = (n: number, label: string) => createBuffer(device, Math.max(1, n) * 4, undefined, `engine train ${label}`);
  const C = c.nEmbd;
  const widths = blockActWidths(c);
  const stream = new Set<BlockAct>(['residual', 'residual3']);
  const adds = residualAdds(c);
  const acts: Partial<Record<BlockAct, GPUBuffer>> = {};
  const grads: Partial<Record<BlockAct, GPUBuffer>> = {};
  for (const [name, w] of Object.entries(widths) as [BlockAct, number][]) {
    if (w === 0 || stream.has(name)) continue;
    acts[name] = f(maxBT * w, name);
    if (name !== 'residual2' && !adds.has(name)) grads[name] = f(maxBT * w, `d${name}`);
  }
  const rstd = new Map<number, GPUBuffer>();
  const pre: Partial<Record<BlockAct, GPUBuffer>> = {};
  const dpre: Partial<Record<BlockAct, GPUBuffer>> = {};
  blockSteps(c).forEach((s, i) => {
    if (s.op === 'rmsnorm') rstd.set(i, f(maxBT, `rstd${i}`));
    if (s.op === 'headnorm') {
      rstd.set(i, f(maxBT * s.view.heads, `rstd${i}`));
      pre[s.view.act] ??= f(maxBT * widths[s.view.act], `${s.view.act} pre`);
      dpre[s.view.act] ??= f(maxBT * widths[s.view.act], `d${s.view.act} pre`);
    }
  });
  const Vc = Math.max(1, Math.min(c.vocabSize, vocabChunk ?? Math.floor(HEAD_CHUNK_BYTES / (maxBT * 4))));
  return {
    maxBT, maxT, Vc,
    tokens: f(maxBT, 'tokens'), positions: f(maxBT, 'positions'), targets: f(maxBT, 'targets'), dlogp: f(maxBT, 'dlogp'),
    checkpoints: Array.from({ length: c.nLayer + 1 }, (_, l) => f(maxBT * C, `checkpoint ${l}`)),
    acts, pre, dpre, rstd,
    att: f(maxBT * c.nHead * maxT, 'att'), dpreatt: f(maxBT * c.nHead * maxT, 'dpreatt'),
    loraU: Array.from({ length: loraSlotsPerLayer }, (_, k) => f(maxBT * r, `lora u${k}`)), du: f(maxBT * r, 'lora du'),
    grads, dres: f(maxBT * C, 'dres'),
    lnf: f(maxBT * C, 'lnf'), lnfRstd: f(maxBT, 'lnf rstd'), dlnf: f(maxBT * C, 'dlnf'),
    head: { logits: f(maxBT * Vc, 'head chunk'), state: f(maxBT * 4, 'head state'), lse: f(maxBT, 'lse'), logp: f(maxBT, 'logp'), entropy: f(maxBT, 'entropy') },
  };
}

function all(b: LlamaTrainBuffers): { part: 'checkpoints' | 'activations' | 'head'; buf: GPUBuffer }[] {
  const act = (x: GPUBuffer | undefined) => (x ? [{ part: 'activations' as const, buf: x }] : []);
  return [
    ...b.checkpoints.map((buf) => ({ part: 'checkpoints' as const, buf })),
    ...[b.tokens, b.positions, b.targets, b.dlogp, b.att, b.dpreatt, b.du, b.dres, b.lnf, b.lnfRstd, b.dlnf, ...b.loraU, ...b.rstd.values()].flatMap(act),
    ...[...Object.values(b.acts), ...Object.values(b.grads), ...Object.values(b.pre), ...Object.values(b.dpre)].flatMap(act),
    ...Object.values(b.head).map((buf) => ({ part: 'head' as const, buf })),
  ];
}

/** Bytes held, by part: the layer inputs kept, one layer's recomputed activations with their gradients, the head chunk. */
export function llamaTrainBytes(b: LlamaTrainBuffers): { checkpoints: number; activations: number; head: number } {
  const out = { checkpoints: 0, activations: 0, head: 0 };
  for (const { part, buf } of all(b)) out[part] += buf.size;
  return out;
}

export function destroyLlamaTrainBuffers(b: LlamaTrainBuffers): void {
  for (const { buf } of all(b)) buf.destroy();
}
