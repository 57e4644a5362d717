// Everything the inspector shows, derived from one scored Trajectory and the settings. Pure: the
// topK slider, w, ε and the markers recompute this in microseconds, without a model pass.
import {
  filteredTrajectory,
  findBacktracking,
  magnitudeScore,
  overthinkingMetrics,
  processRewards,
  processScore,
  selectTopKByEntropy,
  stabilityScore,
  type OverthinkingMetrics,
  type Trajectory,
} from '../repro/index.ts';

export interface AnalysisSettings {
  /** 0 = every segment (repro-method.md §7: topK ≥ K keeps all). */
  topK: number;
  w: number;
  eps: number;
  markers: readonly string[];
}

export interface InspectionAnalysis {
  /** K, the number of segments. */
  K: number;
  /** 0-based segments kept by entropy (repro-method.md §7), ascending. */
  kept: number[];
  /** The J-boundary index of each point of the filtered trajectory: 0, k_1+1, …, k_M+1. */
  boundaries: number[];
  /** On the filtered trajectory (J_0, J_{k_1}, …): §4, §5, §6, one value per point. */
  magnitude: number[];
  stability: number[];
  score: number[];
  /** §8 process reward per segment; null for segments not kept. */
  rewardBySegment: (number | null)[];
  /** §10 backtracking segments and the marker each opens with. */
  backtracking: number[];
  markerBySegment: (string | null)[];
  /** §10 metrics on the full trajectory. */
  metrics: OverthinkingMetrics;
}

export function analyseTrajectory(t: Trajectory, s: AnalysisSettings): InspectionAnalysis {
  const K = t.segments.length;
  const opts = { w: s.w, eps: s.eps };
  // repro-method.md §7: the kept segments and the re-indexed trajectory (J_0, J_{k_1}, …, J_{k_M}).
  const kept = K === 0 ? [] : selectTopKByEntropy(t.firstTokenEntropy, s.topK === 0 ? K : s.topK);
  const Jf = filteredTrajectory(t.J, kept);
  const rewards = processRewards(Jf, opts); // repro-method.md §8
  const rewardBySegment: (number | null)[] = new Array(K).fill(null);
  kept.forEach((seg, j) => (rewardBySegment[seg] = rewards[j]));
  const backtracking = findBacktracking(t.cot, t.segments, { markers: s.markers });
  const markerBySegment: (string | null)[] = new Array(K).fill(null);
  for (const seg of backtracking) {
    markerBySegment[seg] = openingMarker(t.cot.slice(t.segments[seg].start, t.segments[seg].end), s.markers);
  }
  return {
    K,
    kept,
    boundaries: [0, ...kept.map((k) => k + 1)],
    magnitude: magnitudeScore(Jf, { eps: s.eps }),
    stability: stabilityScore(Jf),
    score: processScore(Jf, opts),
    rewardBySegment,
    backtracking,
    markerBySegment,
    metrics: overthinkingMetrics(t, { w: s.w, eps: s.eps, markers: s.markers }),
  };
}

/**
 * Which marker a backtracking segment opens with, for display (the longest one that matches,
 * normalised as in repro-method.md §10). Which segments count is decided by findBacktracking.
 */
export function openingMarker(segmentText: string, markers: readonly string[]): string | null {
  const norm = (x: string) => x.replace(/^[\s\p{P}\p{S}]+/u, '').replace(/\s+/gu, ' ').toLowerCase();
  const text = norm(segmentText.slice(0, 1024));
  let best: string | null = null;
  for (const m of markers) {
    const nm = norm(m);
    if (nm === '' || !text.startsWith(nm)) continue;
    const next = text.charAt(nm.length);
    if (next !== '' && /[\p{L}\p{N}]/u.test(next)) continue;
    if (best === null || nm.length > best.length) best = nm;
  }
  return best;
}
