// The token lens of a trajectory (issue #17 §1): for every CoT token i, the k most likely tokens of
// the distribution that produced it, their log-probs, and the chosen token's log p and rank —
// from the same logits rows that give its entropy, through the injected top-k kernel (the GPU
// kernel, or the CPU reference for CPU logits), so only k numbers per row are read back.
import type { LogitsHandle, LogitsTopKFn, TokenizerLike } from '../types.ts';
import type { Trajectory } from '../../repro/types.ts';
import { sliceRows } from '../logitsRow.ts';

export type TokenLens = NonNullable<Trajectory['tokenLens']>;

export const DEFAULT_LENS_K = 10;
/** The top-k kernel's limit (TOPK_MAX_K in src/gpu/logitsTopKCpu.ts). */
export const MAX_LENS_K = 20;

/** Throws a RangeError naming the setting unless k is an integer in [1, 20]. */
export function checkLensK(k: number): number {
  if (!Number.isInteger(k) || k < 1 || k > MAX_LENS_K) {
    throw new RangeError(`alternatives per token (lensK) = ${k} must be an integer in [1, ${MAX_LENS_K}]`);
  }
  return k;
}

/** Fills tokenLens row by row as the scorer's passes see the CoT's logits. */
export class LensCollector {
  readonly k: number;
  private readonly cot: number[];
  private readonly lens: TokenLens;
  /**
   * Entropy of the row that predicted CoT token i, i = N the row after the CoT, from the same top-k
   * records (NaN until read): a scorer with the lens on needs no second pass for entropies.
   */
  readonly entropyAt: Float64Array;

  constructor(cotTokens: number[], k: number) {
    this.k = checkLensK(k);
    this.cot = cotTokens;
    const N = cotTokens.length;
    this.lens = { k, ids: new Array(N).fill(null), logProbs: new Array(N).fill(null), chosenLogProb: new Array(N).fill(NaN), chosenRank: new Array(N).fill(-1) };
    this.entropyAt = new Float64Array(N + 1).fill(NaN);
  }

  /**
   * Handle rows row0 … row0 + n − 1 predict CoT tokens i0 … i0 + n − 1 (clipped to the CoT and
   * the one row after it, whose entropy alone is kept). Call before the handle is disposed.
   */
  async collect(topK: LogitsTopKFn, logits: LogitsHandle, row0: number, i0: number, n: number): Promise<void> {
    const N = this.cot.length;
    const skip = Math.max(0, -i0);
    const count = Math.min(n, N + 1 - i0) - skip;
    if (count <= 0) return;
    const k = Math.min(this.k, logits.vocab);
    const chosen = Int32Array.from({ length: count }, (_, j) => this.cot[i0 + skip + j] ?? -1); // −1: the row after the CoT
    const r = await topK(sliceRows(logits, row0 + skip, count), k, chosen);
    for (let j = 0; j < count; j++) {
      const i = i0 + skip + j;
      this.entropyAt[i] = r.entropy[j];
      if (i === N) continue;
      const ids: number[] = [];
      const lps: number[] = [];
      if (r.status[j] === 0) {
        for (let s = 0; s < k; s++) {
          const lp = r.logProbs[j * k + s];
          // −inf entries (masked tokens) are no alternative; a row has fewer than k then.
          if (lp === -Infinity) break;
          ids.push(r.ids[j * k + s]);
          lps.push(Math.min(0, lp));
        }
      }
      this.lens.ids[i] = ids;
      this.lens.logProbs[i] = lps;
      this.lens.chosenRank[i] = r.rank[j];
      this.lens.chosenLogProb[i] = Math.min(0, r.chosenLogProb[j]);
    }
  }

  /** The lens, or undefined when some CoT token has no row (an empty prompt leaves token 0 unpredicted). */
  result(): TokenLens | undefined {
    return this.lens.ids.some((x) => x === null) ? undefined : this.lens;
  }
}

/**
 * Text of every alternative id (keys: decimal ids), each decoded alone with special tokens kept.
 * A byte-level BPE piece that is part of a multi-byte character decodes to U+FFFD, as it must.
 */
export function decodeLensTokens(tokenizer: TokenizerLike, lens: TokenLens): Record<string, string> {
  const out: Record<string, string> = {};
  for (const row of lens.ids) {
    for (const id of row) {
      const key = String(id);
      if (!(key in out)) out[key] = tokenizer.decode([id], { skipSpecialTokens: false });
    }
  }
  return out;
}
