// The J-trajectory scorer (repro-method.md §2, §3, §7): drives a LanguageModel over prompt + CoT
// once with the KV cache, and at every segment boundary k = 0…K branches a probe (probe text +
// answer tokens) from the cache state at that boundary — batched from prefixes of one cache when
// the model can, else one branch per boundary (probePaths.ts). Log-probs and entropies come from
// the injected logits kernel (src/gpu/logitsKernel.ts in the app), so logits are never read back
// and this folder needs no GPU code.
import type { CacheState, LanguageModel, LogitsStatsFn, LogitsTopKFn } from '../types.ts';
import type { Trajectory } from '../../repro/types.ts';
import { batchedPath, branchedJ0, naivePath, sequentialPath, type ScoringPlan } from './probePaths.ts';
import { scorerTokens, type ScorerTokens } from './scorerTokens.ts';
import { checkLensK } from './tokenLens.ts';
import { planJProbe } from '../../repro/jProbe.ts';
import { oneTokenAfterCache, scoringPath } from '../scoringPath.ts';

export type { LogitsStatsFn, LogitsTopKFn };
export { checkLensK, DEFAULT_LENS_K, MAX_LENS_K } from './tokenLens.ts';

export interface ScoreInput {
  question: string;
  cot: string;
  answer: string;
  /** Default: model.defaultProbe (repro-method.md §3). */
  probe?: string;
  /** Default: blank lines (repro-method.md §2). */
  delimiter?: string | RegExp;
}

export interface ScoreOptions {
  /** Stats of a logits handle: the fused kernel on the model's device (CPU reference on WASM). */
  kernel: LogitsStatsFn;
  /**
   * Top-k of a logits handle (the top-k kernel on the model's device, CPU reference on WASM):
   * when given, Trajectory.tokenLens is filled from the CoT pass's rows (issue #17 §1).
   */
  topK?: LogitsTopKFn;
  /** Alternatives per CoT token, 1…20 (checkLensK); default 10. */
  lensK?: number;
  signal?: AbortSignal;
  /** Called after each boundary's J: done = boundaries measured, total = K + 1. */
  onProgress?(done: number, total: number): void;
  /**
   * Batched probes (once the model passed the first-use check): at most this many calls, probes of
   * similar prefix length grouped so each call's cache is cut short (probeChunks.ts). Default 4;
   * 1 for a model whose probes read the cache in place (LanguageModel.probesReadCacheInPlace).
   */
  probeChunks?: number;
  /**
   * Given: the cache over prompt + CoT is handed here (the caller then owns it) instead of being
   * disposed — the inspector keeps it so a branch continues from it (src/llm/branch/). Not called
   * on the re-encoding path or when scoring fails.
   */
  keepCache?: (cache: CacheState) => void;
  /**
   * The input's tokenization (scorerTokens of this model's formatted prompt, the CoT, probe and
   * answer), when the caller already made it (to check representability): not tokenized again.
   */
  tokens?: ScorerTokens;
}

export const DEFAULT_PROBE_CHUNKS = 4;

/** The batched path's most calls: opts.probeChunks, else one call when cutting the cache saves nothing. */
function probeChunksFor(model: LanguageModel, opts: ScoreOptions): number {
  return opts.probeChunks ?? (model.probesReadCacheInPlace ? 1 : DEFAULT_PROBE_CHUNKS);
}

/** The scorer's tokenization of an input for this model (what ScoreOptions.tokens takes). */
export function tokenizeForScoring(model: LanguageModel, input: ScoreInput): ScorerTokens {
  const probe = input.probe ?? model.defaultProbe;
  return scorerTokens(model.tokenizer, { prompt: model.formatPrompt(input.question), cot: input.cot, answer: input.answer, probe, delimiter: input.delimiter });
}

function plan(model: LanguageModel, input: ScoreInput, given?: ScorerTokens): ScoringPlan {
  const probe = input.probe ?? model.defaultProbe;
  const tokens = given ?? tokenizeForScoring(model, input);
  // The full trajectory: every boundary (a LanguageModel's context is not bounded here).
  const jProbe = planJProbe({
    promptIds: tokens.promptIds, cotIds: tokens.cotTokens, tokenSpans: tokens.tokenSpans, probeIds: tokens.probeIds, answerIds: tokens.answerIds,
  })!;
  return { probe, tokens, request: jProbe.request };
}

/** Per model: does forwardProbes agree with real branching (undefined = not checked yet)? */
const probeBatchVerdict = new WeakMap<LanguageModel, boolean>();

/** Whether scoreTrajectory batches this model's probes: true/false once checked, undefined before. */
export function probeBatching(model: LanguageModel): boolean | undefined {
  if (!model.forwardProbes || !model.maxProbeRows) return false;
  return probeBatchVerdict.get(model);
}

/**
 * J_0…J_K and per-token entropies (repro-method.md §3, §7). With batched probes (the model has
 * forwardProbes): one forward over prompt + CoT, then every boundary's probe from prefixes of that
 * single cache in a few batched calls (probeChunks.ts) — 1 + opts.probeChunks model calls instead
 * of 2(K + 1). The first trajectory of a model batches all probes in one call and also measures
 * J_0 by real branching (the probe that masks the most positions); if the
 * graph does not honour the mask that way (fused attention ops that assume contiguous keys,
 * positions derived from the past length), the model is scored sequentially from then on.
 */
export async function scoreTrajectory(model: LanguageModel, input: ScoreInput, opts: ScoreOptions): Promise<Trajectory> {
  if (opts.lensK !== undefined) checkLensK(opts.lensK); // before any model work
  // Graphs that cannot take several tokens after a cache (src/llm/scoringPath.ts).
  const path = (await scoringPath(model)).path;
  if (path === 're-encode') return scoreTrajectoryNaive(model, input, opts);
  if (path === 'one-token') return scoreTrajectorySequential(oneTokenAfterCache(model), input, opts);
  const verdict = probeBatchVerdict.get(model);
  const scoring = plan(model, input, opts.tokens); // tokenized once, whichever path runs
  if (!model.forwardProbes || !model.maxProbeRows || verdict === false) return sequentialPath(model, input, scoring, opts);
  if (verdict === true) return (await batchedPath(model, input, scoring, opts, probeChunksFor(model, opts))).trajectory;
  // First use: progress may restart if the check fails; report it without going backwards.
  let shown = 0;
  const report = opts.onProgress;
  opts = {
    ...opts,
    onProgress: (done, total) => {
      shown = Math.max(shown, done);
      report?.(shown, total);
    },
  };
  let batched: Trajectory;
  let j0Masked: boolean;
  try {
    // One call as memory allows: J_0's row then masks (most of) the CoT.
    ({ trajectory: batched, j0Masked } = await batchedPath(model, input, scoring, opts, 1));
  } catch (e) {
    if ((e as Error)?.name === 'AbortError') throw e;
    probeBatchVerdict.set(model, false);
    return sequentialPath(model, input, scoring, opts);
  }
  // J_0's probe masked nothing (no CoT, or alone in its call): no evidence either way.
  if (!j0Masked) return batched;
  const lp0 = await branchedJ0(model, scoring, opts.kernel);
  const agree = lp0.length === batched.answerLogProbs[0].length &&
    lp0.every((x, j) => Math.abs(x - batched.answerLogProbs[0][j]) <= 1e-3 + 1e-3 * Math.abs(x));
  probeBatchVerdict.set(model, agree);
  return agree ? batched : sequentialPath(model, input, scoring, opts);
}

/** The batched path alone (at most opts.probeChunks calls), without the first-use check. */
export async function scoreTrajectoryBatched(model: LanguageModel, input: ScoreInput, opts: ScoreOptions): Promise<Trajectory> {
  return (await batchedPath(model, input, plan(model, input, opts.tokens), opts, probeChunksFor(model, opts))).trajectory;
}

/** One branch per boundary: the path for models without forwardProbes. */
export function scoreTrajectorySequential(model: LanguageModel, input: ScoreInput, opts: ScoreOptions): Promise<Trajectory> {
  return sequentialPath(model, input, plan(model, input, opts.tokens), opts);
}

/** Every prefix re-encoded from scratch: the reference for tests and the benchmark. */
export function scoreTrajectoryNaive(model: LanguageModel, input: ScoreInput, opts: ScoreOptions): Promise<Trajectory> {
  return naivePath(model, input, plan(model, input, opts.tokens), opts);
}
