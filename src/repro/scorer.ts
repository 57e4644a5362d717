// The J-trajectory scorer (repro-method.md §2, §3, §7): drives a LanguageModel over prompt + CoT
// once with the KV cache, and at every segment boundary k = 0…K branches a probe (probe text +
// answer tokens) from the cache state at that boundary — batched from prefixes of one cache when
// the model can, else one branch per boundary. Log-probs and entropies come from the fused
// logits kernel on the GPU; logits are never read back.
import type { CacheState, LanguageModel, LogitsHandle } from '../llm/types.ts';
import { wrapDevice, type GpuContext } from '../gpu/device.ts';
import { logitsStatsFromHandle } from '../gpu/logitsStats.ts';
import { objectiveJ } from './objectiveJ.ts';
import { planProbeChunks } from './probeChunks.ts';
import { scorerTokens, type ScorerTokens } from './scorerTokens.ts';
import type { Trajectory } from './types.ts';
import { oneTokenAfterCache, scoringPath } from '../llm/scoringPath.ts';

/** Per-row entropy and log p(target) of a logits handle (targets −1 = none). */
export type LogitsStatsFn = (logits: LogitsHandle, targets: Int32Array | null) => Promise<{ entropy: ArrayLike<number>; targetLogProb: ArrayLike<number> }>;

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
  signal?: AbortSignal;
  /** Called after each boundary's J: done = boundaries measured, total = K + 1. */
  onProgress?(done: number, total: number): void;
  /** Stats of a logits handle; default: the fused kernel on the model's device (CPU reference on WASM). */
  kernel?: LogitsStatsFn;
  /**
   * Batched probes (once the model passed the first-use check): at most this many calls, probes of
   * similar prefix length grouped so each call's cache is cut short (probeChunks.ts). Default 4.
   */
  probeChunks?: number;
}

export const DEFAULT_PROBE_CHUNKS = 4;

const contexts = new WeakMap<GPUDevice, GpuContext>();

/** The default kernel: src/gpu/logitsStats.ts on the model's GPUDevice. */
export function defaultLogitsStats(model: Pick<LanguageModel, 'device'>): LogitsStatsFn {
  let ctx: GpuContext | null = null;
  if (model.device) {
    ctx = contexts.get(model.device) ?? wrapDevice(model.device);
    contexts.set(model.device, ctx);
  }
  return (logits, targets) => logitsStatsFromHandle(ctx, logits, targets);
}

function checkAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new DOMException('Scoring was aborted.', 'AbortError');
}

/** Cot-token counts at boundaries k = 0…K: 0, then each segment's token end. */
function boundaries(t: ScorerTokens): number[] {
  return [0, ...t.tokenSpans.map((s) => s.end)];
}

/** The probe branch feeds probe + answer minus the last answer token; answer token j is predicted by row firstAnswerRow + j. */
function probeFeed(t: ScorerTokens): { feed: number[]; firstAnswerRow: number } {
  const seq = t.probeIds.concat(t.answerIds);
  return { feed: seq.slice(0, -1), firstAnswerRow: t.probeIds.length - 1 };
}

/** Targets per logits row: the answer token a row must predict, −1 elsewhere. */
function targetsFor(firstAnswerRow: number, answerIds: number[], rows: number, rowOffset = 0): Int32Array {
  const targets = new Int32Array(rows).fill(-1);
  for (let j = 0; j < answerIds.length; j++) targets[rowOffset + firstAnswerRow + j] = answerIds[j];
  return targets;
}

function jOf(lp: number[], k: number): number {
  try {
    return objectiveJ(lp);
  } catch (e) {
    throw new RangeError(`J_${k}: ${(e as Error).message}`);
  }
}

function assemble(input: ScoreInput, probe: string, t: ScorerTokens, J: number[], answerLogProbs: number[][], entropyAt: Float64Array): Trajectory {
  const N = t.cotTokens.length;
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
  };
}

type Prepared = { probe: string; t: ScorerTokens };

function prepare(model: LanguageModel, input: ScoreInput): Prepared {
  const probe = input.probe ?? model.defaultProbe;
  const t = scorerTokens(model.tokenizer, { prompt: model.formatPrompt(input.question), cot: input.cot, answer: input.answer, probe, delimiter: input.delimiter });
  return { probe, t };
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
export async function scoreTrajectory(model: LanguageModel, input: ScoreInput, opts: ScoreOptions = {}): Promise<Trajectory> {
  // Graphs that cannot take several tokens after a cache (src/llm/scoringPath.ts).
  const path = (await scoringPath(model)).path;
  if (path === 're-encode') return scoreTrajectoryNaive(model, input, opts);
  if (path === 'one-token') return scoreTrajectorySequential(oneTokenAfterCache(model), input, opts);
  const verdict = probeBatchVerdict.get(model);
  const prepared = prepare(model, input); // tokenized once, whichever path runs
  if (!model.forwardProbes || !model.maxProbeRows || verdict === false) return sequential(model, input, prepared, opts);
  if (verdict === true) return (await batched(model, input, prepared, opts, opts.probeChunks ?? DEFAULT_PROBE_CHUNKS)).trajectory;
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
  let fast: Trajectory;
  let j0Masked: boolean;
  try {
    // One call as memory allows: J_0's row then masks (most of) the CoT.
    ({ trajectory: fast, j0Masked } = await batched(model, input, prepared, opts, 1));
  } catch (e) {
    if ((e as Error)?.name === 'AbortError') throw e;
    probeBatchVerdict.set(model, false);
    return sequential(model, input, prepared, opts);
  }
  // J_0's probe masked nothing (no CoT, or alone in its call): no evidence either way.
  if (!j0Masked) return fast;
  const lp0 = await branchedJ0(model, prepared.t, opts);
  const agree = lp0.length === fast.answerLogProbs[0].length &&
    lp0.every((x, j) => Math.abs(x - fast.answerLogProbs[0][j]) <= 1e-3 + 1e-3 * Math.abs(x));
  probeBatchVerdict.set(model, agree);
  return agree ? fast : sequential(model, input, prepared, opts);
}

/** log p(answer tokens) at boundary 0 by a real branch: prompt forward, then the probe from its state. */
async function branchedJ0(model: LanguageModel, t: ScorerTokens, opts: ScoreOptions): Promise<number[]> {
  const stats = opts.kernel ?? defaultLogitsStats(model);
  const { feed, firstAnswerRow } = probeFeed(t);
  const prompt = await model.forward(t.promptIds, model.emptyCache());
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
async function cotPass(model: LanguageModel, stats: LogitsStatsFn, t: ScorerTokens): Promise<{ entropyAt: Float64Array; cache: CacheState }> {
  const P = t.promptIds.length;
  const N = t.cotTokens.length;
  const entropyAt = new Float64Array(N + 1).fill(NaN);
  const full = await model.forward(t.promptIds.concat(t.cotTokens), model.emptyCache());
  try {
    const s = await stats(full.logits, null);
    // Row P − 1 + i predicts CoT token i.
    for (let i = 0; i <= N; i++) entropyAt[i] = s.entropy[P - 1 + i];
  } catch (e) {
    full.cache.dispose();
    throw e;
  } finally {
    full.dispose();
  }
  return { entropyAt, cache: full.cache };
}

/**
 * The batched path: one forward over prompt + CoT, then the K + 1 probes in at most
 * opts.probeChunks calls (more if memory needs), each call's cache cut at its longest prefix.
 */
export async function scoreTrajectoryBatched(model: LanguageModel, input: ScoreInput, opts: ScoreOptions = {}): Promise<Trajectory> {
  return (await batched(model, input, prepare(model, input), opts, opts.probeChunks ?? DEFAULT_PROBE_CHUNKS)).trajectory;
}

async function batched(
  model: LanguageModel, input: ScoreInput, { probe, t }: Prepared, opts: ScoreOptions, maxChunks: number,
): Promise<{ trajectory: Trajectory; j0Masked: boolean }> {
  if (!model.forwardProbes || !model.maxProbeRows) throw new TypeError(`model ${model.info.id} has no batched probes (forwardProbes)`);
  if (t.promptIds.length === 0) throw new RangeError('batched probes need a non-empty prompt to branch from');
  const stats = opts.kernel ?? defaultLogitsStats(model);
  const bounds = boundaries(t);
  const K = bounds.length - 1;
  const P = t.promptIds.length;
  const { feed, firstAnswerRow } = probeFeed(t);
  const F = feed.length;
  const J: number[] = [];
  const answerLogProbs: number[][] = [];
  let j0Masked = false;
  checkAborted(opts.signal);
  const { entropyAt, cache } = await cotPass(model, stats, t);
  try {
    const prefixes = bounds.map((b) => P + b);
    const chunks = planProbeChunks(prefixes, maxChunks, (keep) => model.maxProbeRows!(keep));
    j0Masked = chunks[0].keep > prefixes[0];
    for (const { start, end } of chunks) {
      checkAborted(opts.signal);
      const lens = prefixes.slice(start, end);
      const r = await model.forwardProbes(cache, lens, feed);
      try {
        const targets = new Int32Array(lens.length * F).fill(-1);
        for (let b = 0; b < lens.length; b++) targets.set(t.answerIds, b * F + firstAnswerRow);
        const s = await stats(r.logits, targets);
        for (let b = 0; b < lens.length; b++) {
          const lp = t.answerIds.map((_, j) => s.targetLogProb[b * F + firstAnswerRow + j]);
          answerLogProbs.push(lp);
          J.push(jOf(lp, start + b));
        }
      } finally {
        r.dispose();
      }
      opts.onProgress?.(start + lens.length, K + 1);
    }
  } finally {
    cache.dispose();
  }
  return { trajectory: assemble(input, probe, t, J, answerLogProbs, entropyAt), j0Masked };
}

/**
 * J_0…J_K with one pass over prompt + CoT (segment by segment through the KV cache) plus K + 1
 * short probes branched from the cache at each boundary; no prefix is encoded twice. 2(K + 1)
 * model calls: the path for models without forwardProbes.
 */
export function scoreTrajectorySequential(model: LanguageModel, input: ScoreInput, opts: ScoreOptions = {}): Promise<Trajectory> {
  return sequential(model, input, prepare(model, input), opts);
}

async function sequential(model: LanguageModel, input: ScoreInput, { probe, t }: Prepared, opts: ScoreOptions): Promise<Trajectory> {
  const stats = opts.kernel ?? defaultLogitsStats(model);
  const bounds = boundaries(t);
  const K = bounds.length - 1;
  const P = t.promptIds.length;
  // entropyAt[i]: entropy of the distribution that produced CoT token i (i = N: after the CoT).
  const entropyAt = new Float64Array(t.cotTokens.length + 1).fill(NaN);
  const J: number[] = [];
  const answerLogProbs: number[][] = [];
  const { feed, firstAnswerRow } = probeFeed(t);

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
          const s = await stats(step.logits, null);
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
        J.push(jOf(lp, k));
      } finally {
        probeStep.dispose();
        probeStep.cache.dispose();
      }
      // The previous boundary's state is no longer needed.
      while (owned.length > 1) owned.shift()!.dispose();
      opts.onProgress?.(k + 1, K + 1);
    }
  } finally {
    for (const c of owned) c.dispose();
  }
  return assemble(input, probe, t, J, answerLogProbs, entropyAt);
}

/**
 * The same trajectory with every prefix re-encoded from scratch (prompt + CoT prefix + probe +
 * answer in one forward from the empty cache): the reference for tests and the benchmark.
 */
export async function scoreTrajectoryNaive(model: LanguageModel, input: ScoreInput, opts: ScoreOptions = {}): Promise<Trajectory> {
  const { probe, t } = prepare(model, input);
  const stats = opts.kernel ?? defaultLogitsStats(model);
  const bounds = boundaries(t);
  const K = bounds.length - 1;
  const { entropyAt, cache } = await cotPass(model, stats, t);
  cache.dispose();
  const { feed, firstAnswerRow } = probeFeed(t);
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
      J.push(jOf(lp, k));
    } finally {
      step.dispose();
      step.cache.dispose();
    }
    opts.onProgress?.(k + 1, K + 1);
  }
  return assemble(input, probe, t, J, answerLogProbs, entropyAt);
}
