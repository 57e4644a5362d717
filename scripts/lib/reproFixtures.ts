// Golden fixtures of the RePro math for the Python package (python/tests/): every case is computed
// here by the real TypeScript (src/repro, src/rl/advantages.ts), so python/tests check parity and
// test/unit/python/reproFixtures.test.ts fails when the TS drifts from the committed file.
// Char offsets are converted from UTF-16 code units (TS) to code points (Python str indices).
import {
  findBacktracking, magnitudeScore, objectiveJ, processRewards, processScore, segmentCot,
  selectTopKByEntropy, stabilityScore, filteredTrajectory, tokenSpansFromOffsets, overthinkingMetrics,
  type Span,
} from '../../src/repro/index.ts';
import {
  combineAdvantages, groupNormalize, normalizeProcessRewards, outcomeAdvantages, processAdvantages,
} from '../../src/rl/advantages.ts';
import { Rng } from '../../src/engine/rng.ts';

export const FIXTURE_VERSION = 1;

/** Code-point index of UTF-16 offset `u16` in `s` (Python's str index of the same position). */
export function codePointIndex(s: string, u16: number): number {
  return [...s.slice(0, u16)].length;
}
const pySpans = (s: string, spans: Span[]) => spans.map((x) => [codePointIndex(s, x.start), codePointIndex(s, x.end)]);

/** Runs fn; records {value} or {error: 'ValueError' | 'TypeError'} as Python would raise it. */
function outcome<T>(fn: () => T): { value: T } | { error: string; message: string } {
  try {
    return { value: fn() };
  } catch (e) {
    const name = e instanceof RangeError ? 'ValueError' : e instanceof TypeError ? 'TypeError' : 'Error';
    return { error: name, message: (e as Error).message };
  }
}

type Delim = null | { string: string } | { regex: string; flags: string };
const toDelimiter = (d: Delim) => (d === null ? undefined : 'string' in d ? d.string : new RegExp(d.regex, d.flags));

const WORDS = ['Let', 'x', '= 3.', 'Wait,', 'wait', 'hmm…', 'Actually', 'no,', 'so', '42', 'é', 'naïve', '数学', '😀', '𝔸', 'Σ', '—', '(', ')', '  ', '\t', 'But  wait', 'let me check', 'Waiting', 'double-check:', '¿', '¡Hmm!'];
const SEPS = ['\n\n', '\n', ' ', '\r\n\r\n', '\n \n', '\n\n\n', '\r\n', '\n\t\n', ''];

function randomCot(rng: Rng): string {
  const n = Math.floor(rng.uniform() * 14);
  let s = '';
  for (let i = 0; i < n; i++) {
    s += WORDS[Math.floor(rng.uniform() * WORDS.length)];
    s += SEPS[Math.floor(rng.uniform() * SEPS.length)];
  }
  if (rng.uniform() < 0.2) s = SEPS[Math.floor(rng.uniform() * SEPS.length)] + s;
  return s;
}

const EDGE_COTS = [
  '', ' ', '\n\n', '\r\n\r\n', 'single segment, no delimiter', '\n\nleading delimiter\n\nsecond',
  'trailing\n\n', 'a\n\n\n\nb', 'a\n  \nb', 'a\r\n\r\nb\r\n \r\nc', 'CRLF only\r\nnot a break',
  'Wait, what?\n\nBut  Wait — no.\n\nwaiting is not a marker\n\n…hmm\n\n¡Actually!', '😀\n\n𝔸 astral\n\nÉcole',
  'x\n\n   \n\n\ty', '\u00a0\n\n\u00a0', 'No, that is wrong.\n\nNo.\n\nno,', '数学\n\n推理\n\n答案',
  'ΣΑΣ\n\nhmm', 'a\u2028\u2028b', '\ufeff\n\nwait',
  // Whitespace where JS's \s and Python's differ (\x1c-\x1f, \x85 are Python-only; \ufeff JS-only).
  'a\n\x1c\nb\n\x85\nc\n\ufeff\nd', 'x\n\u3000\ny\n\u00a0\nz', 'Step ３: wide digit\nStep 3: ascii', 'word_é\n\nnaïve_x',
];
const DELIMS: Delim[] = [
  null, { string: '\n' }, { string: '---' }, { regex: '(?=Wait)', flags: '' }, { regex: '\\n\\s*\\n', flags: 'g' },
  { regex: 'step \\d+:', flags: 'i' }, { regex: '\\n[\\s\\d]*\\n', flags: '' }, { regex: '\\w_\\S', flags: '' },
];

function segmentationCases(rng: Rng) {
  const cots = [...EDGE_COTS];
  for (let i = 0; i < 80; i++) cots.push(randomCot(rng));
  cots.push('one---two------three---', 'Wait first\n\nWait second', 'Step 1: a Step 2: b STEP 3: c');
  const cases = [];
  for (const cot of cots) {
    for (const d of DELIMS) {
      const spans = outcome(() => segmentCot(cot, { delimiter: toDelimiter(d) }));
      const c: Record<string, unknown> = { cot, delimiter: d };
      if ('value' in spans) {
        c.spans = pySpans(cot, spans.value);
        c.backtracking = findBacktracking(cot, spans.value);
        c.backtrackingCustom = findBacktracking(cot, spans.value, { markers: ['  So ', 'x', 'NAÏVE', 'let me'] });
      } else c.error = spans.error;
      cases.push(c);
    }
  }
  return cases;
}

function randomJ(rng: Rng, n: number): number[] {
  const J: number[] = [];
  let j = -1 - 4 * rng.uniform();
  for (let i = 0; i < n; i++) {
    const r = rng.uniform();
    if (i > 0 && r < 0.15) j = J[i - 1]; // exact ties
    else j = Math.min(0, j + (rng.uniform() - 0.35) * 0.8);
    J.push(j);
  }
  return J;
}

function trajectoryCases(rng: Rng) {
  const Js: number[][] = [[-1], [0], [-2, -2, -2], [-1e-3, -1e-3], [-3, -2, -1, 0], [0, -1, -2], [-0.5, 0, -0.5, 0], [-2, 1e-7]];
  for (let i = 0; i < 150; i++) Js.push(randomJ(rng, 1 + Math.floor(rng.uniform() * 20)));
  return Js.map((J) => {
    const ws = [0, 0.5, 1, rng.uniform()];
    const H = Array.from({ length: J.length - 1 }, () => (rng.uniform() < 0.2 ? 0.5 : 3 * rng.uniform()));
    const topK = 1 + Math.floor(rng.uniform() * 10);
    const kept = selectTopKByEntropy(H, topK);
    return {
      J,
      magnitude: magnitudeScore(J),
      magnitudeEps: magnitudeScore(J, { eps: 0.1 }),
      stability: stabilityScore(J),
      process: ws.map((w) => ({ w, S: processScore(J, { w }), r: processRewards(J, { w }) })),
      firstTokenEntropy: H,
      topK,
      kept,
      keptDefault: selectTopKByEntropy(H, 8),
      filtered: filteredTrajectory(J, kept),
      filteredRewards: processRewards(filteredTrajectory(J, kept)),
    };
  });
}

function answerCases(rng: Rng) {
  const lps: number[][] = [[0], [-1e-7], [-1, -2, -3], [1e-6]];
  for (let i = 0; i < 30; i++) lps.push(Array.from({ length: 1 + Math.floor(rng.uniform() * 6) }, () => -5 * rng.uniform()));
  return lps.map((lp) => ({ answerLogProbs: lp, J: objectiveJ(lp) }));
}

function tokenSpanCases(rng: Rng) {
  const out = [];
  for (let i = 0; i < 40; i++) {
    const cot = randomCot(rng) || 'x';
    const spans = segmentCot(cot);
    if (spans.length === 0) continue;
    // Token offsets at code-point boundaries, non-decreasing (duplicates allowed).
    const cps = [...cot];
    const u16At: number[] = [0];
    for (const ch of cps) u16At.push(u16At[u16At.length - 1] + ch.length);
    const offsets: number[] = [];
    let at = 0;
    while (at < cps.length) {
      offsets.push(u16At[at]);
      at += rng.uniform() < 0.1 ? 0 : 1 + Math.floor(rng.uniform() * 4);
    }
    out.push({ cot, spans: pySpans(cot, spans), tokenOffsets: offsets.map((o) => codePointIndex(cot, o)), tokenSpans: tokenSpansFromOffsets(spans, offsets).map((s) => [s.start, s.end]) });
  }
  return out;
}

function groupCases(rng: Rng) {
  const out = [];
  const fixed: number[][] = [[1, 1, 1, 1], [0], [1, 0], [1, 0, 0, 1, 1, 0, 1, 1], [0.5, 0.5, 0.25]];
  for (let i = 0; i < 40; i++) fixed.push(Array.from({ length: 1 + Math.floor(rng.uniform() * 8) }, () => (rng.uniform() < 0.5 ? 1 : 0)));
  for (const R of fixed) {
    const G = R.length;
    const lengths = R.map(() => 1 + Math.floor(rng.uniform() * 30));
    const proc = R.map((_, i) => {
      if (rng.uniform() < 0.15) return { r: [] as number[], ends: [] as number[] };
      const K = 1 + Math.floor(rng.uniform() * Math.min(6, lengths[i]));
      const J = randomJ(rng, K + 1);
      const r = processRewards(J);
      // Distinct ascending ends in [1, length]; sometimes the last one at the last token.
      const pool = Array.from({ length: lengths[i] }, (_, t) => t + 1);
      const ends: number[] = [];
      for (let j = 0; j < K; j++) ends.push(pool.splice(Math.floor(rng.uniform() * pool.length), 1)[0]);
      ends.sort((a, b) => a - b);
      if (rng.uniform() < 0.3) ends[K - 1] = lengths[i];
      return { r, ends };
    });
    const eps = rng.uniform() < 0.2 ? 0.01 : 1e-6;
    const alpha = [0, 0.1, 1][Math.floor(rng.uniform() * 3)];
    const aOut = outcomeAdvantages(R, eps);
    const rTilde = normalizeProcessRewards(proc.map((p) => p.r), eps);
    const aProc = proc.map((p, i) => Array.from(processAdvantages(rTilde[i], p.ends, lengths[i])));
    const A = aProc.map((a, i) => Array.from(combineAdvantages(aOut[i], a, alpha)));
    out.push({ G, rewards: R, lengths, processRewards: proc.map((p) => p.r), segmentEnds: proc.map((p) => p.ends), eps, alpha, outcome: aOut, normalized: rTilde, processAdvantages: aProc, advantages: A, groupNormalize: groupNormalize(R.map((x, i) => x + 0.1 * i), eps) });
  }
  return out;
}

function metricsCases(rng: Rng) {
  const out = [];
  for (let i = 0; i < 30; i++) {
    const cot = randomCot(rng);
    const segments = segmentCot(cot);
    const K = segments.length;
    const n = K + Math.floor(rng.uniform() * 10);
    const ends = Array.from({ length: K }, (_, s) => (s === K - 1 ? n : Math.floor(((s + 1) * n) / K)));
    const tokenSpans = ends.map((e, s) => ({ start: s === 0 ? 0 : ends[s - 1], end: e }));
    const J = randomJ(rng, K + 1).map((j) => (rng.uniform() < 0.3 ? Math.max(j, -0.05) : j));
    const t = { question: 'q', cot, answer: 'a', probe: 'p', segments, cotTokens: Array.from({ length: K === 0 ? 0 : n }, () => 7), tokenOffsets: [], tokenSpans: K === 0 ? [] : tokenSpans, J, answerLogProbs: [], tokenEntropy: [], firstTokenEntropy: [] };
    out.push({ trajectory: { cot, segments: pySpans(cot, segments), J, cotTokens: t.cotTokens, tokenSpans: t.tokenSpans.map((s) => [s.start, s.end]) }, metrics: overthinkingMetrics(t) });
  }
  return out;
}

/** Inputs the TS rejects, with the Python exception class expected. */
function errorCases() {
  const E = (fn: string, args: unknown[], run: () => unknown) => ({ fn, args, ...(outcome(run) as object) });
  return [
    E('objective_j', [[]], () => objectiveJ([])),
    E('objective_j', [[-1, 0.5]], () => objectiveJ([-1, 0.5])),
    E('objective_j', [['x']], () => objectiveJ(['x'] as unknown as number[])),
    E('magnitude_score', [[]], () => magnitudeScore([])),
    E('magnitude_score', [[-1, 0.1]], () => magnitudeScore([-1, 0.1])),
    E('magnitude_score', [[-1], { eps: 0 }], () => magnitudeScore([-1], { eps: 0 })),
    E('process_score', [[-1], { w: 1.5 }], () => processScore([-1], { w: 1.5 })),
    E('stability_score', ['abc'], () => stabilityScore('abc' as unknown as number[])),
    E('select_top_k_by_entropy', [[1, 2], 0], () => selectTopKByEntropy([1, 2], 0)),
    E('select_top_k_by_entropy', [[1, 2], 1.5], () => selectTopKByEntropy([1, 2], 1.5)),
    E('select_top_k_by_entropy', [[1, -1], 1], () => selectTopKByEntropy([1, -1], 1)),
    E('segment_cot', [5], () => segmentCot(5 as unknown as string)),
    E('segment_cot', ['a', { delimiter: '' }], () => segmentCot('a', { delimiter: '' })),
    E('find_backtracking', ['ab', [[0, 1]]], () => findBacktracking('ab', [{ start: 0, end: 1 }])),
    E('find_backtracking', ['ab', [[0, 2]], { markers: ['  '] }], () => findBacktracking('ab', [{ start: 0, end: 2 }], { markers: ['  '] })),
    E('find_backtracking', ['ab', [[0, 2]], { markers: [3] }], () => findBacktracking('ab', [{ start: 0, end: 2 }], { markers: [3 as unknown as string] })),
    E('filtered_trajectory', [[-1, -2], [1]], () => filteredTrajectory([-1, -2], [1])),
    E('process_advantages', [[1], [5], 3], () => processAdvantages([1], [5], 3)),
    E('outcome_advantages', [[1, Infinity]], () => outcomeAdvantages([1, Infinity])),
    E('combine_advantages', [0, [1], -1], () => combineAdvantages(0, [1], -1)),
  ].map((c) => ({ ...c, args: JSON.parse(JSON.stringify(c.args, (_k, v) => (v === Infinity ? 'Infinity' : v))) }));
}

/** The whole fixture object; deterministic (seeded). */
export function buildReproFixtures() {
  const rng = new Rng(20251201);
  return {
    version: FIXTURE_VERSION,
    note: 'Generated by scripts/writeReproFixtures.ts from the TypeScript RePro math; do not edit. Offsets are Python str indices.',
    segmentation: segmentationCases(rng),
    trajectories: trajectoryCases(rng),
    answers: answerCases(rng),
    tokenSpans: tokenSpanCases(rng),
    groups: groupCases(rng),
    metrics: metricsCases(rng),
    errors: errorCases(),
  };
}
