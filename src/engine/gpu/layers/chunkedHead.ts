// The LM head and its log-prob head in vocabulary chunks (shaders/engine_logprob_chunked.wgsl):
// logits of Vc columns at a time (one matmul against rows [v0, v0 + Vc) of the head weight, kept at
// file precision), folded into each row's online log-sum-exp; the backward recomputes each chunk's
// logits, turns them into dlogits in place and adds dlogits · W_chunk into dlnf. A [N, V] logits
// tensor is never held: only [N, Vc]. The head weight is frozen (no dW) unless its gradient is
// given (full fine-tuning, an f32 head): then each chunk's dW rows += dlogitsᵀ · lnf.
// CPU reference: src/engine/cpu/layers/logprobHead.ts (whole rows) after cpu/layers/matmul.ts.
import { LOGPROB_CHUNKED_KERNEL } from '../../../gpu/kernels/engine.ts';
import { grid, type Recorder } from '../encoding.ts';
import { at, type GpuTensor } from '../tensor.ts';
import { matmulBackward, matmulForward } from './matmul.ts';

export interface ChunkedHeadBuffers {
  /** [maxRows, Vc] one chunk of logits (dlogits in the backward) */
  logits: GPUBuffer;
  /** [maxRows, 4] online state */
  state: GPUBuffer;
  /** [maxRows] outputs: lse (saved for the backward), log p(target), entropy */
  lse: GPUBuffer;
  logp: GPUBuffer;
  entropy: GPUBuffer;
}

const WG = LOGPROB_CHUNKED_KERNEL.overrides.WG;
const noBuffers = { logits: null, targets: null, state: null, logp: null, entropy: null, lse: null, dlogp: null };

/** The head weight's rows [v0, v0 + n) (offsets count elements of its dtype). */
const rowsOf = (head: GpuTensor, v0: number, C: number): GpuTensor => ({ ...head, off: head.off + v0 * C });

/** logp, entropy, lse [N] of lnf [N, C] against head [V, C] and targets [N] (−1 = unscored). */
export function chunkedHeadForward(
  rec: Recorder, b: ChunkedHeadBuffers, lnf: GpuTensor, head: GpuTensor, targets: GPUBuffer, N: number, C: number, V: number, Vc: number,
): void {
  for (let v0 = 0; v0 < V; v0 += Vc) {
    const n = Math.min(Vc, V - v0);
    matmulForward(rec, at(b.logits), lnf, rowsOf(head, v0, C), null, N, C, n);
    rec.dispatch(LOGPROB_CHUNKED_KERNEL, 'chunk_main', { ...noBuffers, logits: b.logits, targets, state: b.state },
      { N, Vc: n, v0, logitsOff: 0, first: v0 === 0 ? 1 : 0 }, grid(N, WG));
  }
  rec.dispatch(LOGPROB_CHUNKED_KERNEL, 'finish_main', { ...noBuffers, targets, state: b.state, logp: b.logp, entropy: b.entropy, lse: b.lse },
    { N, Vc, v0: 0, logitsOff: 0, first: 0 }, grid(N, WG));
}

/**
 * dlnf [N, C] (overwritten) = Σ_chunks dlogits_chunk · head_chunk, dlogits = dlogp · (onehot − softmax)
 * from the saved lse; dhead [V, C] += dlogitsᵀ · lnf when given (null: a frozen head).
 */
export function chunkedHeadBackward(
  rec: Recorder, dlnf: GpuTensor, b: ChunkedHeadBuffers, lnf: GpuTensor, head: GpuTensor, targets: GPUBuffer, dlogp: GPUBuffer,
  N: number, C: number, V: number, Vc: number, dhead: GpuTensor | null = null,
): void {
  for (let v0 = 0; v0 < V; v0 += Vc) {
    const n = Math.min(Vc, V - v0);
    const w = rowsOf(head, v0, C);
    matmulForward(rec, at(b.logits), lnf, w, null, N, C, n);
    rec.dispatch(LOGPROB_CHUNKED_KERNEL, 'backward_main', { ...noBuffers, logits: b.logits, targets, lse: b.lse, dlogp },
      { N, Vc: n, v0, logitsOff: 0, first: 0 }, grid(N * n, WG));
    matmulBackward(rec, dlnf, dhead ? rowsOf(dhead, v0, C) : null, null, at(b.logits), lnf, w, N, C, n, { accumulate: v0 > 0 });
  }
}
