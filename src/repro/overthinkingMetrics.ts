// Overthinking and backtracking metrics of one scored CoT, repro-method.md §10.
import type { Trajectory } from './types.ts';
import { findBacktracking } from './backtracking.ts';
import { processScore } from './processScore.ts';
import { checkTrajectory } from './checkTrajectory.ts';
import { describeValue } from './validate.ts';

/** J ≥ log(0.9): the answer is already ≥ 90 % likely (repro-method.md §10). */
export const DEFAULT_CERTAINTY = Math.log(0.9);
/** A segment gaining less than this many nats of J is a plateau (repro-method.md §10). */
export const DEFAULT_PLATEAU_NATS = 0.01;

export interface OverthinkingMetricsOptions {
  /** §6 weight of the magnitude score (default 0.5). */
  w?: number;
  /** §4 ε (default 1e-6). */
  eps?: number;
  /** §10 backtracking markers (default DEFAULT_BACKTRACKING_MARKERS). */
  markers?: readonly string[];
  /** J threshold of certainty, natural log (default log 0.9). */
  certainty?: number;
  /** Plateau threshold on the per-segment J gain, nats (default 0.01). */
  plateauNats?: number;
}

export interface OverthinkingMetrics {
  /** Number of CoT tokens. */
  cotTokens: number;
  /** K, the number of segments. */
  segments: number;
  /** Number of backtracking segments, and their 0-based indices. */
  backtracking: number;
  backtrackingSegments: number[];
  /**
   * CoT tokens after the first boundary k where J_k ≥ certainty: the tokens after the end of
   * segment k (1-based; tokenSpans[k − 1].end onward). k = 0 (the baseline was already certain)
   * counts every CoT token; never certain counts 0.
   */
  tokensAfterCertainty: number;
  /** That first boundary k ∈ 0 … K (an index into J, 0 = before any reasoning), or null. */
  certaintySegment: number | null;
  /** Number of plateau segments (J_k − J_{k−1} < plateauNats), and their 0-based indices. */
  plateaus: number;
  plateauSegments: number[];
  /** S(K), the process score of the full trajectory (§6); 0 when K = 0. */
  finalScore: number;
  J0: number;
  JK: number;
  /** Mean J gain per segment, (J_K − J_0) / K; 0 when K = 0. */
  meanJGain: number;
}

/** Metrics of repro-method.md §10 for one fully scored trajectory (J_0 … J_K, no top-k filter). */
export function overthinkingMetrics(t: Trajectory, opts: OverthinkingMetricsOptions = {}): OverthinkingMetrics {
  checkTrajectory(t);
  const certainty = opts.certainty ?? DEFAULT_CERTAINTY;
  const plateauNats = opts.plateauNats ?? DEFAULT_PLATEAU_NATS;
  if (typeof certainty !== 'number' || !(certainty <= 0)) {
    throw new RangeError(`opts.certainty is a log-probability and must be ≤ 0 (got ${describeValue(certainty)})`);
  }
  if (typeof plateauNats !== 'number' || !Number.isFinite(plateauNats)) {
    throw new RangeError(`opts.plateauNats must be a finite number (got ${describeValue(plateauNats)})`);
  }

  const J = t.J;
  const K = t.segments.length;
  const cotTokens = t.cotTokens.length;
  const backtrackingSegments = findBacktracking(t.cot, t.segments, { markers: opts.markers });

  let certaintySegment: number | null = null;
  for (let k = 0; k <= K; k++) {
    if (J[k] >= certainty) { certaintySegment = k; break; }
  }
  let tokensAfterCertainty = 0;
  if (certaintySegment === 0) tokensAfterCertainty = cotTokens;
  else if (certaintySegment !== null) tokensAfterCertainty = cotTokens - t.tokenSpans[certaintySegment - 1].end;

  const plateauSegments: number[] = [];
  for (let s = 0; s < K; s++) if (J[s + 1] - J[s] < plateauNats) plateauSegments.push(s);

  const S = processScore(J, { w: opts.w, eps: opts.eps });
  return {
    cotTokens,
    segments: K,
    backtracking: backtrackingSegments.length,
    backtrackingSegments,
    tokensAfterCertainty,
    certaintySegment,
    plateaus: plateauSegments.length,
    plateauSegments,
    finalScore: S[K],
    J0: J[0],
    JK: J[K],
    meanJGain: K === 0 ? 0 : (J[K] - J[0]) / K,
  };
}
