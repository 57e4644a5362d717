import { describe, expect, test } from 'vitest';
import { analyseTrajectory, openingMarker } from '../../../src/analysis/inspectionAnalysis.ts';
import { DEFAULT_BACKTRACKING_MARKERS } from '../../../src/repro/index.ts';
import type { Trajectory } from '../../../src/repro/types.ts';
import { inspectionRecordOf, settingsFromRecord } from '../../../src/store/inspectionRecordOf.ts';
import { parseInspectionRecord, serializeInspectionRecord } from '../../../src/data/index.ts';
import { DEFAULT_SETTINGS } from '../../../src/store/settings.ts';

// Three segments; each char is one token.
const cot = 'ab\n\nWait, c\n\nd';
const traj: Trajectory = {
  question: '1+1=?',
  cot,
  answer: '2',
  probe: 'Answer: ',
  segments: [
    { start: 0, end: 4 },
    { start: 4, end: 13 },
    { start: 13, end: 14 },
  ],
  cotTokens: Array.from(cot, (_, i) => i),
  tokenOffsets: Array.from(cot, (_, i) => i),
  tokenSpans: [
    { start: 0, end: 4 },
    { start: 4, end: 13 },
    { start: 13, end: 14 },
  ],
  J: [-2, -1, -1.5, -0.5],
  answerLogProbs: [[-2], [-1], [-1.5], [-0.5]],
  tokenEntropy: Array.from(cot, () => 0.1),
  firstTokenEntropy: [0.5, 2, 1],
};
const base = { topK: 0, w: 0.5, eps: 1e-6, markers: DEFAULT_BACKTRACKING_MARKERS };

describe('analyseTrajectory (hand-computed, repro-method.md §4–§8, §10)', () => {
  test('all segments kept: scores on the full trajectory', () => {
    const a = analyseTrajectory(traj, base);
    expect(a.K).toBe(3);
    expect(a.kept).toEqual([0, 1, 2]);
    expect(a.boundaries).toEqual([0, 1, 2, 3]);
    const m = [0, Math.tanh(1 / (2 + 1e-6)), Math.tanh(0.5 / (2 + 1e-6)), Math.tanh(1.5 / (2 + 1e-6))];
    a.magnitude.forEach((v, i) => expect(v).toBeCloseTo(m[i], 12));
    // Kendall τ_b of (J_0..J_k) vs index: k=1 → 1; k=2: pairs (−2,−1)+, (−2,−1.5)+, (−1,−1.5)− → 1/3; k=3: 5 of 6 concordant → 4/6.
    expect(a.stability).toEqual([0, 1, expect.closeTo(1 / 3, 12), expect.closeTo(4 / 6, 12)]);
    const S = m.map((v, i) => 0.5 * v + 0.5 * [0, 1, 1 / 3, 4 / 6][i]);
    a.score.forEach((v, i) => expect(v).toBeCloseTo(S[i], 12));
    expect(a.rewardBySegment[0]).toBeCloseTo(S[1] - S[0], 12);
    expect(a.rewardBySegment[1]).toBeCloseTo(S[2] - S[1], 12);
    expect(a.rewardBySegment[2]).toBeCloseTo(S[3] - S[2], 12);
    expect(a.backtracking).toEqual([1]);
    expect(a.markerBySegment).toEqual([null, 'wait', null]);
    expect(a.metrics.finalScore).toBeCloseTo(S[3], 12);
  });

  test('topK = 2 keeps the two highest-entropy segments and re-indexes J (§7)', () => {
    const a = analyseTrajectory(traj, { ...base, topK: 2 });
    expect(a.kept).toEqual([1, 2]);
    expect(a.boundaries).toEqual([0, 2, 3]);
    // Filtered J = (−2, −1.5, −0.5): rising at every step.
    expect(a.stability).toEqual([0, 1, 1]);
    const S = [0, 0.5 * Math.tanh(0.5 / (2 + 1e-6)) + 0.5, 0.5 * Math.tanh(1.5 / (2 + 1e-6)) + 0.5];
    expect(a.rewardBySegment[0]).toBeNull();
    expect(a.rewardBySegment[1]).toBeCloseTo(S[1], 12);
    expect(a.rewardBySegment[2]).toBeCloseTo(S[2] - S[1], 12);
  });

  test('an empty CoT (K = 0) analyses to J_0 only', () => {
    const empty: Trajectory = { ...traj, cot: '', segments: [], cotTokens: [], tokenOffsets: [], tokenSpans: [], J: [-3], answerLogProbs: [[-3]], tokenEntropy: [], firstTokenEntropy: [] };
    const a = analyseTrajectory(empty, base);
    expect(a.K).toBe(0);
    expect(a.kept).toEqual([]);
    expect(a.score).toEqual([0]);
  });

  test('openingMarker names the longest matching marker, whole words only', () => {
    expect(openingMarker('  -- But   WAIT, that is wrong', DEFAULT_BACKTRACKING_MARKERS)).toBe('but wait');
    expect(openingMarker('Waiting is not a marker', DEFAULT_BACKTRACKING_MARKERS)).toBeNull();
    expect(openingMarker('No, 5 not 6', DEFAULT_BACKTRACKING_MARKERS)).toBe('no,');
  });
});

describe('inspection records', () => {
  test('a record built from the inspector state validates, round-trips and restores settings', () => {
    const settings = { ...DEFAULT_SETTINGS, topK: 2, w: 0.3, delimiter: '\n\n', delimiterIsRegex: false };
    const rec = inspectionRecordOf({ trajectory: traj, settings, model: { id: 'toy-reasoner', backend: 'webgpu' }, createdAt: new Date('2025-01-02T03:04:05Z') });
    const parsed = parseInspectionRecord(serializeInspectionRecord(rec));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.record).toEqual(rec);
    expect(settingsFromRecord(parsed.record)).toEqual({ probe: 'Answer: ', delimiter: '\n\n', delimiterIsRegex: false, topK: 2, w: 0.3, eps: 1e-6 });
  });

  test('topK "all" (0) is stored as K and read back as all; the default delimiter as the §2 RegExp', () => {
    const rec = inspectionRecordOf({ trajectory: traj, settings: DEFAULT_SETTINGS, model: { id: 'm', backend: 'wasm' } });
    expect(rec.settings.topK).toBe(3);
    expect(rec.settings.delimiter).toEqual({ kind: 'regexp', source: '\\r?\\n(?:[ \\t]*\\r?\\n)+', flags: '' });
    expect(settingsFromRecord(rec)).toMatchObject({ topK: 0, delimiter: '', delimiterIsRegex: false });
  });
});
