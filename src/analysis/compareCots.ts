// Two scored chains of thought for the same question, side by side (issue #17 §3): both J curves
// on a common x (boundary k, and the fraction of CoT tokens), a segment-aligned table and the
// differences of the summary metrics. Every per-segment number comes from the inspector's own
// analysis (analyseTrajectory), so each side shows exactly what its own inspection shows. Pure.
import type { OverthinkingMetrics, Trajectory } from '../repro/index.ts';
import { analyseTrajectory, type AnalysisSettings, type InspectionAnalysis } from './inspectionAnalysis.ts';
import { alignSegments } from './segmentAlignment.ts';

/** One side of a comparison (the contract of docs/architecture.md "Comparing two CoTs"). */
export interface CompareItem {
  label: string;
  trajectory: Trajectory;
  metrics: OverthinkingMetrics;
  /** The analysis settings of this CoT's own inspection (a saved record's); default: the caller's. */
  settings?: AnalysisSettings;
  /** Which weights scored it, shown beside the label (e.g. "starting checkpoint"). */
  weights?: string;
}

/** One segment of one side, as its inspection shows it. */
export interface SegmentCell {
  /** 0-based segment index s (the segment ending at boundary k = s + 1). */
  index: number;
  text: string;
  tokens: number;
  /** J after this segment, and its gain J_{s+1} − J_s (repro-method.md §3). */
  J: number;
  dJ: number;
  /** §10: the marker it opens with, or null. */
  backtracking: string | null;
  /** §8 process reward; null when the segment is outside the §7 top-k. */
  reward: number | null;
}

export interface AlignedRow {
  a: SegmentCell | null;
  b: SegmentCell | null;
  /** Both sides hold a segment of the same (whitespace-normalised) text. */
  same: boolean;
}

export interface CompareSide {
  label: string;
  weights?: string;
  K: number;
  analysis: InspectionAnalysis;
  settings: AnalysisSettings;
}

/** The fields of OverthinkingMetrics that are numbers (or null), in display order. */
export const NUMERIC_METRICS = [
  'cotTokens', 'segments', 'backtracking', 'tokensAfterCertainty', 'certaintySegment', 'plateaus', 'finalScore', 'J0', 'JK', 'meanJGain',
] as const satisfies readonly (keyof OverthinkingMetrics)[];
/** The list-valued fields: shown side by side, a difference of sets has no single number. */
export const LIST_METRICS = ['backtrackingSegments', 'plateauSegments'] as const satisfies readonly (keyof OverthinkingMetrics)[];
// Every field is in exactly one list (compile-time check).
type Covered = (typeof NUMERIC_METRICS)[number] | (typeof LIST_METRICS)[number];
const _allCovered: [Exclude<keyof OverthinkingMetrics, Covered>] extends [never] ? true : false = true;
void _allCovered;

export type NumericMetric = (typeof NUMERIC_METRICS)[number];
export interface MetricDiff {
  key: NumericMetric;
  a: number | null;
  b: number | null;
  /** b − a; null when either side is null (never certain). */
  diff: number | null;
}

export interface CotComparison {
  question: string;
  a: CompareSide;
  b: CompareSide;
  /** k = 0 … max(K_A, K_B); a side past its own K has null. */
  curve: { k: number; A: number | null; B: number | null }[];
  /** Both curves against the fraction of CoT tokens read at boundary k (0 … 1), merged by x. */
  progressCurve: { x: number; A?: number; B?: number }[];
  rows: AlignedRow[];
  /** Segments the two CoTs share at the start. */
  sharedPrefix: number;
  diffs: MetricDiff[];
  lists: { key: (typeof LIST_METRICS)[number]; a: number[]; b: number[] }[];
  /** What makes the two sides not like for like (different answer, probe, settings, …), shown with the numbers. */
  flags: string[];
}

/** Compares two scored CoTs of the same question; throws when the questions differ. */
export function compareCots(a: CompareItem, b: CompareItem, settings: AnalysisSettings): CotComparison {
  const ta = a.trajectory;
  const tb = b.trajectory;
  if (ta.question !== tb.question) {
    throw new Error(`Cannot compare: the two CoTs answer different questions — ${a.label}: ${quote(ta.question)}, ${b.label}: ${quote(tb.question)}.`);
  }
  const sa = a.settings ?? settings;
  const sb = b.settings ?? settings;
  const side = (item: CompareItem, s: AnalysisSettings): CompareSide => ({
    label: item.label, weights: item.weights, K: item.trajectory.segments.length, analysis: analyseTrajectory(item.trajectory, s), settings: s,
  });
  const A = side(a, sa);
  const B = side(b, sb);
  const textsOf = (t: Trajectory) => t.segments.map((sp) => t.cot.slice(sp.start, sp.end));
  const { pairs, truncated } = alignSegments(textsOf(ta), textsOf(tb));
  const rows = pairs.map((p): AlignedRow => {
    const ca = p.a === null ? null : cell(ta, A.analysis, p.a);
    const cb = p.b === null ? null : cell(tb, B.analysis, p.b);
    return { a: ca, b: cb, same: ca !== null && cb !== null };
  });
  let sharedPrefix = 0;
  while (sharedPrefix < rows.length && rows[sharedPrefix].same && rows[sharedPrefix].a!.index === sharedPrefix && rows[sharedPrefix].b!.index === sharedPrefix) sharedPrefix++;

  const maxK = Math.max(A.K, B.K);
  const curve = Array.from({ length: maxK + 1 }, (_, k) => ({ k, A: k <= A.K ? ta.J[k] : null, B: k <= B.K ? tb.J[k] : null }));
  const diffs = NUMERIC_METRICS.map((key): MetricDiff => {
    const va = a.metrics[key];
    const vb = b.metrics[key];
    return { key, a: va, b: vb, diff: va === null || vb === null ? null : vb - va };
  });
  const lists = LIST_METRICS.map((key) => ({ key, a: [...a.metrics[key]], b: [...b.metrics[key]] }));
  return {
    question: ta.question, a: A, b: B, curve, progressCurve: progressCurve(ta, tb), rows, sharedPrefix, diffs, lists,
    flags: flagsOf(a, b, A, B, truncated),
  };
}

/** The comparison as one JSON file: both items in full (trajectory, metrics, settings) and what was derived from them. */
export function comparisonJson(a: CompareItem, b: CompareItem, c: CotComparison): string {
  const side = (item: CompareItem, s: CompareSide) => ({ label: item.label, weights: item.weights ?? null, settings: s.settings, metrics: item.metrics, trajectory: item.trajectory });
  return JSON.stringify({
    kind: 'repro-cot-comparison', version: 1, question: c.question, a: side(a, c.a), b: side(b, c.b),
    rows: c.rows, sharedPrefix: c.sharedPrefix, diffs: c.diffs, lists: c.lists, flags: c.flags,
  }, null, 2);
}

function cell(t: Trajectory, an: InspectionAnalysis, s: number): SegmentCell {
  const sp = t.segments[s];
  const ts = t.tokenSpans[s];
  return {
    index: s,
    text: t.cot.slice(sp.start, sp.end),
    tokens: ts.end - ts.start,
    J: t.J[s + 1],
    dJ: t.J[s + 1] - t.J[s],
    backtracking: an.markerBySegment[s],
    reward: an.rewardBySegment[s],
  };
}

/** Fraction of the CoT's tokens read at boundary k: 0 at k = 0, 1 at k = K. */
export function tokenProgress(t: Trajectory): number[] {
  const n = t.cotTokens.length;
  return [0, ...t.tokenSpans.map((s) => (n === 0 ? 1 : s.end / n))];
}

function progressCurve(ta: Trajectory, tb: Trajectory): CotComparison['progressCurve'] {
  const pts = new Map<number, { x: number; A?: number; B?: number }>();
  const add = (t: Trajectory, which: 'A' | 'B') => {
    tokenProgress(t).forEach((x, k) => {
      const p = pts.get(x) ?? { x };
      p[which] = t.J[k]; // two boundaries at the same x (an empty-token segment): the later J is shown
      pts.set(x, p);
    });
  };
  add(ta, 'A');
  add(tb, 'B');
  return [...pts.values()].sort((p, q) => p.x - q.x);
}

function flagsOf(a: CompareItem, b: CompareItem, A: CompareSide, B: CompareSide, truncated: boolean): string[] {
  const out: string[] = [];
  const ta = a.trajectory;
  const tb = b.trajectory;
  if (ta.answer !== tb.answer) out.push(`Different ground-truth answers (${quote(ta.answer)} vs ${quote(tb.answer)}): J measures a different target on each side.`);
  if (ta.probe !== tb.probe) out.push(`Different probes (${quote(ta.probe)} vs ${quote(tb.probe)}): J values are not like for like.`);
  const sa = A.settings;
  const sb = B.settings;
  const differs: string[] = [];
  if (sa.topK !== sb.topK) differs.push(`top-k ${sa.topK || 'all'} vs ${sb.topK || 'all'}`);
  if (sa.w !== sb.w) differs.push(`w ${sa.w} vs ${sb.w}`);
  if (sa.eps !== sb.eps) differs.push(`ε ${sa.eps} vs ${sb.eps}`);
  if (sa.markers.join('\n') !== sb.markers.join('\n')) differs.push('backtracking markers');
  if (differs.length) out.push(`Each side uses its own inspection's settings, and they differ (${differs.join(', ')}): process rewards and S are not like for like.`);
  for (const [item, side] of [[a, A], [b, B]] as const) {
    const own = side.analysis.metrics;
    const bad = [...NUMERIC_METRICS, ...LIST_METRICS].filter((k) => JSON.stringify(own[k]) !== JSON.stringify(item.metrics[k]));
    if (bad.length) out.push(`${item.label}: the metrics given (${bad.join(', ')}) differ from its trajectory's own under these settings; the differences use the metrics given.`);
  }
  if (truncated) out.push('Too many segments to align in full: the middle parts are shown unaligned.');
  return out;
}

function quote(s: string): string {
  return JSON.stringify(s.length > 80 ? `${s.slice(0, 77)}…` : s);
}
