// compareCots and the segment alignment (issue #17 §3) against hand-built cases and independent
// references: LCS alignments written out by hand, metric differences as the difference of each
// side's own overthinkingMetrics, process rewards from a brute-force §4–§8 reference.
import { describe, expect, test } from 'vitest';
import { alignSegments, normalizeSegment } from '../../../src/analysis/segmentAlignment.ts';
import { compareCots, comparisonJson, NUMERIC_METRICS, tokenProgress, type CompareItem } from '../../../src/analysis/compareCots.ts';
import { analyseTrajectory, type AnalysisSettings } from '../../../src/analysis/inspectionAnalysis.ts';
import { DEFAULT_BACKTRACKING_MARKERS, overthinkingMetrics, type Trajectory } from '../../../src/repro/index.ts';

const SETTINGS: AnalysisSettings = { topK: 0, w: 0.5, eps: 1e-6, markers: DEFAULT_BACKTRACKING_MARKERS };

/** A trajectory of `texts` joined by "\n\n" (each delimiter belongs to the segment before it); one char = one token. */
function traj(texts: string[], J: number[], opts: { question?: string; answer?: string; probe?: string; entropy?: number[] } = {}): Trajectory {
  const parts = texts.map((t, i) => (i < texts.length - 1 ? `${t}\n\n` : t));
  const cot = parts.join('');
  const segments = [];
  let at = 0;
  for (const p of parts) {
    segments.push({ start: at, end: at + p.length });
    at += p.length;
  }
  return {
    question: opts.question ?? 'What is 12 + 7?',
    cot,
    answer: opts.answer ?? '19',
    probe: opts.probe ?? 'Answer: ',
    segments,
    cotTokens: Array.from(cot, (_, i) => i),
    tokenOffsets: Array.from(cot, (_, i) => i),
    tokenSpans: segments.map((s) => ({ ...s })),
    J,
    answerLogProbs: J.map((j) => [j]),
    tokenEntropy: Array.from(cot, () => 0.3),
    firstTokenEntropy: opts.entropy ?? texts.map((_, i) => 1 + ((i * 7) % 5) / 3),
  };
}
const item = (label: string, t: Trajectory, s: AnalysisSettings = SETTINGS): CompareItem => ({
  label, trajectory: t, metrics: overthinkingMetrics(t, { w: s.w, eps: s.eps, markers: s.markers }),
});
const pairs = (a: string[], b: string[]) => alignSegments(a, b).pairs.map((p) => [p.a, p.b]);

describe('alignSegments (LCS over whitespace-normalised segment texts)', () => {
  test('identical CoTs: one row per segment', () => {
    expect(pairs(['x', 'y', 'z'], ['x', 'y', 'z'])).toEqual([[0, 0], [1, 1], [2, 2]]);
  });
  test('an insertion in B is a gap on A', () => {
    expect(pairs(['a', 'b', 'c'], ['a', 'b', 'Wait, check', 'c'])).toEqual([[0, 0], [1, 1], [null, 2], [2, 3]]);
  });
  test('a deletion from A is a gap on B', () => {
    expect(pairs(['a', 'hmm', 'b', 'c'], ['a', 'b', 'c'])).toEqual([[0, 0], [1, null], [2, 1], [3, 2]]);
  });
  test('a replaced middle: A’s segments first, then B’s, between the matches', () => {
    expect(pairs(['a', 'p', 'q', 'z'], ['a', 'r', 'z'])).toEqual([[0, 0], [1, null], [2, null], [null, 1], [3, 2]]);
  });
  test('common segments out of a shared prefix (LCS in the middle, by hand: b and d)', () => {
    // A = a x b y d, B = a b w d v: LCS after the prefix "a" is (b, d).
    expect(pairs(['a', 'x', 'b', 'y', 'd'], ['a', 'b', 'w', 'd', 'v'])).toEqual([
      [0, 0], [1, null], [2, 1], [3, null], [null, 2], [4, 3], [null, 4],
    ]);
  });
  test('nothing in common, and empty sides', () => {
    expect(pairs(['a', 'b'], ['c'])).toEqual([[0, null], [1, null], [null, 0]]);
    expect(pairs([], ['c', 'd'])).toEqual([[null, 0], [null, 1]]);
    expect(pairs(['a'], [])).toEqual([[0, null]]);
  });
  test('repeated segments: the matched count is the LCS length (brute force)', () => {
    const A = ['s', 't', 's', 't', 's'];
    const B = ['t', 's', 's', 't'];
    const matched = alignSegments(A, B).pairs.filter((p) => p.a !== null && p.b !== null);
    expect(matched.length).toBe(bruteLcs(A, B));
    for (const p of matched) expect(A[p.a!]).toBe(B[p.b!]);
    // every index of each side appears once, in order
    const rows = alignSegments(A, B).pairs;
    expect(rows.filter((p) => p.a !== null).map((p) => p.a)).toEqual([0, 1, 2, 3, 4]);
    expect(rows.filter((p) => p.b !== null).map((p) => p.b)).toEqual([0, 1, 2, 3]);
  });
  test('whitespace does not count, case does', () => {
    expect(normalizeSegment('  12 +\n 7\n\n')).toBe('12 + 7');
    expect(pairs(['Step 1.\n\n', 'x'], ['Step  1.', 'X'])).toEqual([[0, 0], [1, null], [null, 1]]);
  });
});

function bruteLcs(a: string[], b: string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  if (a[0] === b[0]) return 1 + bruteLcs(a.slice(1), b.slice(1));
  return Math.max(bruteLcs(a.slice(1), b), bruteLcs(a, b.slice(1)));
}

/** §4–§8 written out independently: S_magn = tanh((J_k − J_0)/(|J_0| + ε)), τ_b by pairs, r_j = S(j) − S(j − 1). */
function referenceRewards(J: number[], firstEntropy: number[], s: AnalysisSettings): (number | null)[] {
  const K = firstEntropy.length;
  const keep = s.topK === 0 || s.topK >= K ? [...Array(K).keys()]
    : [...Array(K).keys()].sort((x, y) => firstEntropy[y] - firstEntropy[x] || x - y).slice(0, s.topK).sort((x, y) => x - y);
  const Jf = [J[0], ...keep.map((k) => J[k + 1])];
  const S = Jf.map((_, k) => {
    const magn = Math.tanh((Jf[k] - Jf[0]) / (Math.abs(Jf[0]) + s.eps));
    let C = 0, D = 0, ties = 0;
    for (let i = 0; i <= k; i++) for (let j = i + 1; j <= k; j++) {
      if (Jf[j] > Jf[i]) C++; else if (Jf[j] < Jf[i]) D++; else ties++;
    }
    const n0 = (k * (k + 1)) / 2;
    const den = Math.sqrt(n0 * (n0 - ties));
    const stab = den === 0 ? 0 : (C - D) / den;
    return s.w * magn + (1 - s.w) * stab;
  });
  const out: (number | null)[] = new Array(K).fill(null);
  keep.forEach((seg, j) => (out[seg] = S[j + 1] - S[j]));
  return out;
}

describe('compareCots', () => {
  const A = traj(['12 + 7: add the units.', '2 + 7 = 9.', 'So 19.'], [-3, -2, -0.9, -0.05]);
  const B = traj(['12 + 7: add the units.', 'Wait, let me check 2 + 7.', '2 + 7 = 9.', 'So 19.'], [-3, -2, -2.1, -0.7, -0.02]);

  test('refuses two different questions with both named', () => {
    const other = traj(['x'], [-1, -0.5], { question: 'What is 3 + 4?' });
    expect(() => compareCots(item('A', A), item('B', other), SETTINGS)).toThrow(/different questions.*What is 12 \+ 7\?.*What is 3 \+ 4\?/);
  });

  test('J curves on a common k and on token progress', () => {
    const c = compareCots(item('A', A), item('B', B), SETTINGS);
    expect(c.curve).toEqual([
      { k: 0, A: -3, B: -3 }, { k: 1, A: -2, B: -2 }, { k: 2, A: -0.9, B: -2.1 }, { k: 3, A: -0.05, B: -0.7 }, { k: 4, A: null, B: -0.02 },
    ]);
    // progress at k: tokens of segments 1..k over all tokens (one char = one token here)
    const pa = [0, 24 / A.cot.length, 36 / A.cot.length, 1];
    expect(tokenProgress(A)).toEqual(pa);
    for (const p of c.progressCurve) {
      if (p.A !== undefined) expect(p.A).toBe(A.J[pa.indexOf(p.x)]);
    }
    expect(c.progressCurve[0]).toEqual({ x: 0, A: -3, B: -3 });
    expect(c.progressCurve.at(-1)).toEqual({ x: 1, A: -0.05, B: -0.02 });
    expect(c.progressCurve.map((p) => p.x)).toEqual([...c.progressCurve.map((p) => p.x)].sort((x, y) => x - y));
  });

  test('aligned rows: tokens, ΔJ, backtracking and process rewards per side', () => {
    const c = compareCots(item('A', A), item('B', B), SETTINGS);
    expect(c.rows.map((r) => [r.a?.index ?? null, r.b?.index ?? null])).toEqual([[0, 0], [null, 1], [1, 2], [2, 3]]);
    expect(c.sharedPrefix).toBe(1);
    const inserted = c.rows[1].b!;
    expect(inserted.text).toBe('Wait, let me check 2 + 7.\n\n');
    expect(inserted.tokens).toBe(27);
    expect(inserted.dJ).toBeCloseTo(-0.1, 12);
    expect(inserted.backtracking).toBe('wait');
    expect(c.rows[2].a!.dJ).toBeCloseTo(1.1, 12);
    expect(c.rows[2].b!.dJ).toBeCloseTo(1.4, 12);
    expect(c.rows[2].a!.backtracking).toBeNull();
    const ra = referenceRewards(A.J, A.firstTokenEntropy, SETTINGS);
    const rb = referenceRewards(B.J, B.firstTokenEntropy, SETTINGS);
    for (const r of c.rows) {
      if (r.a) expect(r.a.reward).toBeCloseTo(ra[r.a.index]!, 12);
      if (r.b) expect(r.b.reward).toBeCloseTo(rb[r.b.index]!, 12);
    }
  });

  test('process rewards are the inspector’s, top-k filter included (null outside it)', () => {
    const s = { ...SETTINGS, topK: 2, w: 0.3 };
    const c = compareCots(item('A', A, s), item('B', B, s), s);
    const own = analyseTrajectory(B, s).rewardBySegment;
    const ref = referenceRewards(B.J, B.firstTokenEntropy, s);
    expect(own.filter((r) => r === null).length).toBe(2);
    for (const r of c.rows) {
      if (!r.b) continue;
      expect(r.b.reward).toBe(own[r.b.index]);
      if (ref[r.b.index] === null) expect(r.b.reward).toBeNull();
      else expect(r.b.reward).toBeCloseTo(ref[r.b.index]!, 12);
    }
    expect(c.flags).toEqual([]);
  });

  test('metric differences are B − A of each side’s own overthinkingMetrics', () => {
    const ia = item('A', A);
    const ib = item('B', B);
    const c = compareCots(ia, ib, SETTINGS);
    expect(c.diffs.map((d) => d.key)).toEqual([...NUMERIC_METRICS]);
    const ma = overthinkingMetrics(A, { w: 0.5, eps: 1e-6 });
    const mb = overthinkingMetrics(B, { w: 0.5, eps: 1e-6 });
    for (const d of c.diffs) {
      const va = ma[d.key];
      const vb = mb[d.key];
      expect([d.a, d.b]).toEqual([va, vb]);
      if (va === null || vb === null) expect(d.diff).toBeNull();
      else expect(d.diff).toBe(vb - va);
    }
    // hand-checked: one more segment, 27 more tokens, one backtracking segment more, final J higher by 0.03
    const by = Object.fromEntries(c.diffs.map((d) => [d.key, d.diff]));
    expect(by.segments).toBe(1);
    expect(by.cotTokens).toBe(27);
    expect(by.backtracking).toBe(1);
    expect(by.JK).toBeCloseTo(0.03, 12);
    // J_3 = −0.05 ≥ log 0.9 on A (certain at k = 3); B is certain at k = 4
    expect([by.certaintySegment, c.lists.find((l) => l.key === 'backtrackingSegments')]).toEqual([1, { key: 'backtrackingSegments', a: [], b: [1] }]);
  });

  test('never certain on one side: that difference is null, not a number', () => {
    const C = traj(['12 + 7: add the units.', 'So 19.'], [-3, -2, -1]);
    const c = compareCots(item('A', A), item('C', C), SETTINGS);
    const d = c.diffs.find((x) => x.key === 'certaintySegment')!;
    expect(d).toEqual({ key: 'certaintySegment', a: 3, b: null, diff: null });
  });

  test('different answers, probes and settings are flagged', () => {
    const other = traj(['x'], [-1, -0.5], { answer: '20', probe: 'So the answer is ' });
    const s2 = { ...SETTINGS, w: 0.8 };
    const c = compareCots(item('A', A), { ...item('B', other, s2), settings: s2 }, SETTINGS);
    expect(c.flags.join('\n')).toMatch(/Different ground-truth answers \("19" vs "20"\)/);
    expect(c.flags.join('\n')).toMatch(/Different probes/);
    expect(c.flags.join('\n')).toMatch(/w 0\.5 vs 0\.8/);
  });

  test('the JSON export holds both items in full and the derived table', () => {
    const ia = item('A', A);
    const ib = { ...item('B', B), weights: 'current weights' };
    const c = compareCots(ia, ib, SETTINGS);
    const j = JSON.parse(comparisonJson(ia, ib, c)) as { a: { trajectory: Trajectory; weights: string | null }; b: { weights: string }; rows: unknown; diffs: { key: string; diff: number | null }[] };
    expect(j.a.trajectory).toEqual(A);
    expect([j.a.weights, j.b.weights]).toEqual([null, 'current weights']);
    expect(j.rows).toEqual(JSON.parse(JSON.stringify(c.rows)));
    expect(j.diffs.find((d) => d.key === 'segments')!.diff).toBe(1);
  });

  test('metrics that do not belong to the trajectory are flagged', () => {
    const wrong = { ...item('B', B), metrics: { ...item('B', B).metrics, JK: -5 } };
    const c = compareCots(item('A', A), wrong, SETTINGS);
    expect(c.flags.some((f) => f.startsWith('B: the metrics given (JK)'))).toBe(true);
    expect(c.diffs.find((d) => d.key === 'JK')!.diff).toBeCloseTo(-5 - -0.05, 12);
  });
});
