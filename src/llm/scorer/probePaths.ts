// The three ways the scorer measures log p(answer | prefix) at every boundary k = 0…K
// (repro-method.md §3, §7): batched probes from prefixes of one cache, one branch per boundary,
// and every prefix re-encoded (the reference). All read logits through the injected kernel.
import type { CacheState, LanguageModel } from '../types.ts';
import { jAt, type ProbeRequest } from '../../repro/jProbe.ts';
import type { Trajectory } from '../../repro/types.ts';
import { planProbeChunks } from './probeChunks.ts';
import type { ScorerTokens } from './scorerTokens.ts';
import type { LogitsStatsFn, ScoreInput, ScoreOptions } from './scoreTrajectory.ts';
import { decodeLensTokens, DEFAULT_LENS_K, LensCollector } from './tokenLens.ts';

/**
 * What one trajectory is scored from: the probe text, the tokenization (done once per call) and
 * the probe request of the one J-probe path (src/repro/jProbe.ts) — J_0 and every segment end.
 */
export interface ScoringPlan { probe: string; tokens: ScorerTokens; request: ProbeRequest }

export function checkAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new DOMException('Scoring was aborted.', 'AbortError');
}

/** Cot-token counts at the request's boundaries k = 0…K (its boundaries count prompt tokens too). */
function boundaries(plan: ScoringPlan): number[] {
  const P = plan.tokens.promptIds.length;
  return plan.request.boundaries.map((b) => b - P);
}

/** The probe branch feeds the continuation minus its last token; answer token j is predicted by row firstAnswerRow + j. */
function probeFeed(req: ProbeRequest): { feed: number[]; firstAnswerRow: number } {
  return { feed: req.continuation.slice(0, -1), firstAnswerRow: req.scoreFrom - 1 };
}

/** Targets per logits row: the answer token a row must predict, −1 elsewhere. */
export function targetsFor(firstAnswerRow: number, answerIds: number[], rows: number, rowOffset = 0): Int32Array {
  const targets = new Int32Array(rows).fill(-1);
  for (let j = 0; j < answerIds.length; j++) targets[rowOffset + firstAnswerRow + j] = answerIds[j];
  return targets;
}

/** The token lens of a scoring run when opts.topK is given (issue #17 §1). */
function lensFor(plan: ScoringPlan, opts: ScoreOptions): LensCollector | null {
  return opts.topK ? new LensCollector(plan.tokens.cotTokens, opts.lensK ?? DEFAULT_LENS_K) : null;
}

function assemble(
  model: LanguageModel, input: ScoreInput, { probe, tokens: t }: ScoringPlan, J: number[], answerLogProbs: number[][], entropyAt: Float64Array, lens: LensCollector | null,
): Trajectory {
  const N = t.cotTokens.length;
  const tokenLens = lens?.result();
  return {
    question: input.question,
    cot: input.cot,
    answer: input.answer,
    probe,
    segments: t.segments,
    cotTokens: t.cotTokens,
    tokenOffsets: t.tokenOffsets,
    tokenSpans: t.tokenSpans,
    J,
    answerLogProbs,
    tokenEntropy: Array.from(entropyAt.subarray(0, N)),
    // repro-method.md §7: entropy of the distribution that produced each segment's first token.
    firstTokenEntropy: t.tokenSpans.map((s) => entropyAt[s.start]),
    ...(tokenLens && { tokenLens, tokenText: decodeLensTokens(model.tokenizer, tokenLens) }),
  };
}

/** log p(answer tokens) at boundary 0 by a real branch: prompt forward, then the probe from its state. */
export async function branchedJ0(model: LanguageModel, plan: ScoringPlan, stats: LogitsStatsFn): Promise<number[]> {
  const t = plan.tokens;
  const { feed, firstAnswerRow } = probeFeed(plan.request);
  // only the cache is used: one row of logits at most
  const prompt = await model.forward(t.promptIds, model.emptyCache(), t.promptIds.length - 1);
  prompt.dispose();
  try {
    const probe = await model.forward(feed, prompt.cache);
    try {
      const s = await stats(probe.logits, targetsFor(firstAnswerRow, t.answerIds, feed.length));
      return t.answerIds.map((_, j) => s.targetLogProb[firstAnswerRow + j]);
    } finally {
      probe.dispose();
      probe.cache.dispose();
    }
  } finally {
    prompt.cache.dispose();
  }
}

/** One forward over prompt + CoT: entropyAt[i] of the distribution that produced CoT token i (i = N: after the CoT), and the cache. */
async function cotPass(
  model: LanguageModel, stats: LogitsStatsFn, t: ScorerTokens, lens: LensCollector | null, opts: ScoreOptions,
): Promise<{ entropyAt: Float64Array; cache: CacheState }> {
  const P = t.promptIds.length;
  const N = t.cotTokens.length;
  const entropyAt = new Float64Array(N + 1).fill(NaN);
  // The prompt's rows before P − 1 predict nothing the scorer reads: a model may skip their LM head.
  const full = await model.forward(t.promptIds.concat(t.cotTokens), model.emptyCache(), Math.max(0, P - 1));
  try {
    // Fed token P − 1 + i predicts CoT token i; its logits row is that minus the rows skipped.
    const r0 = P - 1 - (full.firstRow ?? 0);
    if (lens && P > 0) {
      // The lens's top-k records carry each row's entropy: one kernel, one read of the CoT's rows.
      await lens.collect(opts.topK!, full.logits, r0, 0, N + 1);
      entropyAt.set(lens.entropyAt);
    } else {
      const s = await stats(full.logits, null);
      for (let i = 0; i <= N; i++) entropyAt[i] = s.entropy[r0 + i];
    }
  } catch (e) {
    full.cache.dispose();
    throw e;
  } finally {
    full.dispose();
  }
  return { entropyAt, cache: full.cache };
}

/**
 * Batched probes: one forward over prompt + CoT, then the K + 1 probes in at most maxChunks calls
 * (more if memory needs), each call's cache cut at its longest prefix. j0Masked: J_0's row masked
 * part of the cache (so comparing it with a real branch tests the model's masking).
 */
export async function batchedPath(
  model: LanguageModel, input: ScoreInput, plan: ScoringPlan, opts: ScoreOptions, maxChunks: number,
): Promise<{ trajectory: Trajectory; j0Masked: boolean }> {
  if (!model.forwardProbes || !model.maxProbeRows) throw new TypeError(`model ${model.info.id} has no batched probes (forwardProbes)`);
  const t = plan.tokens;
  if (t.promptIds.length === 0) throw new RangeError('batched probes need a non-empty prompt to branch from');
  const stats = opts.kernel;
  const bounds = boundaries(plan);
  const K = bounds.length - 1;
  const P = t.promptIds.length;
  const { feed, firstAnswerRow } = probeFeed(plan.request);
  const F = feed.length;
  const J: number[] = [];
  const answerLogProbs: number[][] = [];
  checkAborted(opts.signal);
  const collector = lensFor(plan, opts);
  const { entropyAt, cache } = await cotPass(model, stats, t, collector, opts);
  let j0Masked = false;
  try {
    const prefixes = bounds.map((b) => P + b);
    const chunks = planProbeChunks(prefixes, maxChunks, (keep) => model.maxProbeRows!(keep));
    j0Masked = chunks[0].keep > prefixes[0];
    for (const { start, end } of chunks) {
      checkAborted(opts.signal);
      const lens = prefixes.slice(start, end);
      // Only the answer's rows are read: a model may skip the LM head before them.
      const r = await model.forwardProbes(cache, lens, feed, firstAnswerRow);
      try {
        const first = r.firstRow ?? 0;
        const R = F - first;
        const at = (b: number, j: number) => b * R + firstAnswerRow - first + j;
        const targets = new Int32Array(lens.length * R).fill(-1);
        for (let b = 0; b < lens.length; b++) targets.set(t.answerIds, at(b, 0));
        const s = await stats(r.logits, targets);
        for (let b = 0; b < lens.length; b++) {
          const lp = t.answerIds.map((_, j) => s.targetLogProb[at(b, j)]);
          answerLogProbs.push(lp);
          J.push(jAt(lp, `J_${start + b}`));
        }
      } finally {
        r.dispose();
      }
      opts.onProgress?.(start + lens.length, K + 1);
    }
  } catch (e) {
    cache.dispose();
    throw e;
  }
  if (opts.keepCache) opts.keepCache(cache);
  else cache.dispose();
  return { trajectory: assemble(model, input, plan, J, answerLogProbs, entropyAt, collector), j0Masked };
}

/**
 * One pass over prompt + CoT (segment by segment through the KV cache) plus K + 1 short probes
 * branched from the cache at each boundary; no prefix is encoded twice. 2(K + 1) model calls.
 */
export async function sequentialPath(model: LanguageModel, input: ScoreInput, plan: ScoringPlan, opts: ScoreOptions): Promise<Trajectory> {
  const t = plan.tokens;
  const stats = opts.kernel;
  const bounds = boundaries(plan);
  const K = bounds.length - 1;
  const P = t.promptIds.length;
  // entropyAt[i]: entropy of the distribution that produced CoT token i (i = N: after the CoT).
  const entropyAt = new Float64Array(t.cotTokens.length + 1).fill(NaN);
  const J: number[] = [];
  const answerLogProbs: number[][] = [];
  const { feed, firstAnswerRow } = probeFeed(plan.request);
  const lens = lensFor(plan, opts);

  let cache: CacheState = model.emptyCache();
  const owned: CacheState[] = [];
  try {
    for (let k = 0; k <= K; k++) {
      checkAborted(opts.signal);
      // Advance the cache over the prompt (k = 0) or segment k's tokens.
      const from = k === 0 ? 0 : bounds[k - 1];
      const tokens = k === 0 ? t.promptIds : t.cotTokens.slice(from, bounds[k]);
      if (tokens.length > 0) {
        const step = await model.forward(tokens, cache);
        owned.push(step.cache);
        try {
          // Row r predicts CoT token i0 + r: the prompt's last row predicts token 0.
          const i0 = k === 0 ? 1 - P : from + 1;
          const [s] = await Promise.all([stats(step.logits, null), lens?.collect(opts.topK!, step.logits, 0, i0, tokens.length)]);
          // Row r predicts the token after tokens[r]: CoT token from + r (+1 past the prompt).
          for (let r = 0; r < tokens.length; r++) {
            const i = k === 0 ? r - P + 1 : from + r + 1;
            if (i >= 0) entropyAt[i] = s.entropy[r];
          }
        } finally {
          step.dispose();
        }
        cache = step.cache;
      }
      // Probe branch from the boundary state; the state itself stays for the next segment.
      const probeStep = await model.forward(feed, cache);
      try {
        const s = await stats(probeStep.logits, targetsFor(firstAnswerRow, t.answerIds, feed.length));
        const lp = t.answerIds.map((_, j) => s.targetLogProb[firstAnswerRow + j]);
        answerLogProbs.push(lp);
        J.push(jAt(lp, `J_${k}`));
      } finally {
        probeStep.dispose();
        probeStep.cache.dispose();
      }
      // The previous boundary's state is no longer needed.
      while (owned.length > 1) owned.shift()!.dispose();
      opts.onProgress?.(k + 1, K + 1);
    }
  } catch (e) {
    for (const c of owned) c.dispose();
    throw e;
  }
  // The last state is the one over prompt + CoT.
  const last = owned.pop();
  for (const c of owned) c.dispose();
  if (last && opts.keepCache) opts.keepCache(last);
  else last?.dispose();
  return assemble(model, input, plan, J, answerLogProbs, entropyAt, lens);
}

/** Every prefix re-encoded from scratch (prompt + CoT prefix + probe + answer from the empty cache): the reference. */
export async function naivePath(model: LanguageModel, input: ScoreInput, plan: ScoringPlan, opts: ScoreOptions): Promise<Trajectory> {
  const t = plan.tokens;
  const stats = opts.kernel;
  const bounds = boundaries(plan);
  const K = bounds.length - 1;
  const lens = lensFor(plan, opts);
  const { entropyAt, cache } = await cotPass(model, stats, t, lens, opts);
  cache.dispose();
  const { feed, firstAnswerRow } = probeFeed(plan.request);
  const J: number[] = [];
  const answerLogProbs: number[][] = [];
  for (let k = 0; k <= K; k++) {
    checkAborted(opts.signal);
    const prefix = t.promptIds.concat(t.cotTokens.slice(0, bounds[k]));
    const step = await model.forward(prefix.concat(feed), model.emptyCache());
    try {
      const s = await stats(step.logits, targetsFor(firstAnswerRow, t.answerIds, prefix.length + feed.length, prefix.length));
      const lp = t.answerIds.map((_, j) => s.targetLogProb[prefix.length + firstAnswerRow + j]);
      answerLogProbs.push(lp);
      J.push(jAt(lp, `J_${k}`));
    } finally {
      step.dispose();
      step.cache.dispose();
    }
    opts.onProgress?.(k + 1, K + 1);
  }
  return assemble(model, input, plan, J, answerLogProbs, entropyAt, lens);
}
