// Compare items from a saved inspection carry that record's analysis settings, so the compare view
// shows what the record shows when opened (topK, w, ε restored as settingsFromRecord restores them).
import { expect, test } from 'vitest';
import { itemFromRecordJson, itemOf } from '../../../src/store/compareItems.ts';
import { compareCots } from '../../../src/analysis/compareCots.ts';
import { analyseTrajectory } from '../../../src/analysis/inspectionAnalysis.ts';
import { inspectionRecordOf } from '../../../src/store/inspectionRecordOf.ts';
import { serializeInspectionRecord } from '../../../src/data/index.ts';
import { DEFAULT_SETTINGS } from '../../../src/store/settings.ts';
import type { Trajectory } from '../../../src/repro/types.ts';

const cot = 'ab\n\nWait, c\n\nd';
const t: Trajectory = {
  question: '1+1=?', cot, answer: '2', probe: 'Answer: ',
  segments: [{ start: 0, end: 4 }, { start: 4, end: 13 }, { start: 13, end: 14 }],
  cotTokens: Array.from(cot, (_, i) => i), tokenOffsets: Array.from(cot, (_, i) => i),
  tokenSpans: [{ start: 0, end: 4 }, { start: 4, end: 13 }, { start: 13, end: 14 }],
  J: [-2, -1, -1.5, -0.5], answerLogProbs: [[-2], [-1], [-1.5], [-0.5]],
  tokenEntropy: Array.from(cot, () => 0.1), firstTokenEntropy: [0.5, 2, 1],
};

test('a saved record compares under its own topK and w; the current one under the settings in force', () => {
  const saved = { ...DEFAULT_SETTINGS, topK: 2, w: 0.2 };
  const json = serializeInspectionRecord(inspectionRecordOf({ trajectory: t, settings: saved, model: { id: 'toy', backend: 'webgpu' } }));
  const a = itemFromRecordJson('Saved', json, DEFAULT_SETTINGS.markers);
  expect(a.settings).toMatchObject({ topK: 2, w: 0.2, eps: DEFAULT_SETTINGS.eps });
  expect(a.weights).toBe('toy (webgpu)');
  const b = itemOf('Current', t, { topK: 0, w: 0.5, eps: 1e-6, markers: DEFAULT_SETTINGS.markers });
  const c = compareCots(a, b, { topK: 0, w: 0.5, eps: 1e-6, markers: DEFAULT_SETTINGS.markers });
  const ownA = analyseTrajectory(t, { topK: 2, w: 0.2, eps: DEFAULT_SETTINGS.eps, markers: DEFAULT_SETTINGS.markers });
  expect(c.rows.map((r) => r.a!.reward)).toEqual(ownA.rewardBySegment);
  expect(ownA.rewardBySegment.filter((r) => r === null)).toHaveLength(1); // segment 0 (lowest entropy) outside the top 2
  expect(c.flags.some((f) => /top-k 2 vs all, w 0\.2 vs 0\.5/.test(f))).toBe(true);
  // same trajectory: the metrics differ only through w (S(K)); counts and J are equal
  const by = Object.fromEntries(c.diffs.map((d) => [d.key, d.diff]));
  expect([by.segments, by.cotTokens, by.JK, by.backtracking]).toEqual([0, 0, 0, 0]);
  expect(by.finalScore).not.toBe(0);
});

test('an unreadable record is refused with its label and the issues', () => {
  expect(() => itemFromRecordJson('Saved 3', '{"version":1}', DEFAULT_SETTINGS.markers)).toThrow(/^Saved 3: not a valid inspection record/);
});
