// Branching a CoT at token position t (issue #17 §2): keep the CoT's tokens [0, t), write the
// replacement (a token id, a text's tokens, or nothing = resample at t), and let the model
// continue — from the inspection's kept KV cache cut to prompt + t (no prefix re-encoded) where
// the model's branch path allows (branchPath.ts), else from the re-encoded prefix. Either way the
// tokens equal a fresh generation from prompt + CoT[0, t) + replacement with the same seed.
import type { CacheState, GenerateCallbacks, LanguageModel, SamplingOptions } from '../types.ts';
import { checkTokenIds, decodeFrom } from '../generate.ts';
import { branchDecoder, branchPath, type BranchPathInfo } from './branchPath.ts';

export interface ForkInput {
  promptIds: number[];
  /** The inspection's CoT tokens (Trajectory.cotTokens). */
  cotIds: number[];
  /** Tokens [0, position) are kept; 0 ≤ position ≤ cotIds.length. */
  position: number;
  /** Written at `position` before the model continues; empty = the model resamples position t itself. */
  forced: number[];
}

/** The prompt a fresh generation of this branch starts from: prompt + CoT[0, t) + forced (the reference). */
export function forcedPrefix(f: ForkInput): number[] {
  checkFork(f);
  return f.promptIds.concat(f.cotIds.slice(0, f.position), f.forced);
}

/**
 * Where the branch leaves the kept cache: the state length to cut it to, and the first feed. With
 * no forced token the last kept token is fed again from one position earlier, so the first
 * sampled token is drawn from the same distribution a fresh generation would draw it from.
 */
export function forkFeed(f: ForkInput): { keep: number; feed: number[] } {
  checkFork(f);
  const keep = f.promptIds.length + f.position;
  if (f.forced.length > 0) return { keep, feed: f.forced };
  const all = f.promptIds.concat(f.cotIds.slice(0, f.position));
  return { keep: keep - 1, feed: [all[keep - 1]] };
}

function checkFork(f: ForkInput): void {
  if (f.promptIds.length === 0) throw new RangeError('a branch needs a non-empty prompt');
  if (!Number.isInteger(f.position) || f.position < 0 || f.position > f.cotIds.length) {
    throw new RangeError(`fork position ${f.position} is not a CoT token position in [0, ${f.cotIds.length}]`);
  }
}

export interface BranchContinuation {
  /** The branch's CoT tokens: CoT[0, t) + forced + generated. */
  cotIds: number[];
  generated: number[];
  path: BranchPathInfo;
}

/**
 * Continues the fork. `source` is the kept state over exactly promptIds + cotIds (or longer along
 * the same tokens); it is only read (cut with cachePrefix), never disposed. Without one, or on a
 * model whose branch path is 're-encode', the forced prefix is generated from scratch.
 */
export async function continueBranch(
  model: LanguageModel, source: CacheState | null, f: ForkInput, sampling: SamplingOptions, cb: GenerateCallbacks = {},
): Promise<BranchContinuation> {
  checkTokenIds(f.forced, model.info.vocabSize, 'replacement');
  const detected = await branchPath(model);
  const { keep, feed } = forkFeed(f);
  let path = detected;
  let generated: number[];
  if (detected.path !== 're-encode' && source && source.length >= keep && model.cachePrefix) {
    const cut = model.cachePrefix(source, keep);
    try {
      generated = await decodeFrom(branchDecoder(model, detected.path), cut, feed, sampling, cb);
    } finally {
      cut.dispose();
    }
  } else {
    if (detected.path !== 're-encode') path = { path: 're-encode', note: 'prefix re-encoded: no kept KV cache covers this fork', reason: 'no kept cache' };
    generated = await model.generate(forcedPrefix(f), sampling, cb);
  }
  return { cotIds: f.cotIds.slice(0, f.position).concat(f.forced, generated), generated, path };
}
