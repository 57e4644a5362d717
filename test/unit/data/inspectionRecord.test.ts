import { describe, expect, it } from 'vitest';
import {
  delimiterFromSetting,
  delimiterToSetting,
  parseInspectionRecord,
  serializeInspectionRecord,
  type InspectionRecord,
} from '../../../src/data/index.ts';
import { overthinkingMetrics, segmentCot, tokenSpansFromOffsets, type Trajectory } from '../../../src/repro/index.ts';

function makeRecord(): InspectionRecord {
  const cot = 'Let x be 2.\n\nWait, x is 2.';
  const segments = segmentCot(cot);
  const tokenOffsets = [0, 4, 6, 9, 13, 19, 21, 24];
  const trajectory: Trajectory = {
    question: 'What is x? <script>',
    cot,
    answer: '2',
    probe: '\nThe final answer is ',
    segments,
    cotTokens: [11, 12, 13, 14, 15, 16, 17, 18],
    tokenOffsets,
    tokenSpans: tokenSpansFromOffsets(segments, tokenOffsets),
    J: [-2.5, -0.5, -0.05],
    answerLogProbs: [[-2.5], [-0.5], [-0.05]],
    tokenEntropy: [1, 0.5, 0.25, 0.1, 2, 0.3, 0.2, 0.1],
    firstTokenEntropy: [1, 2],
  };
  return {
    version: 1,
    createdAt: '2025-12-02T10:00:00.000Z',
    model: { id: 'toy-reasoner', backend: 'webgpu' },
    settings: { probe: trajectory.probe, delimiter: delimiterToSetting(/\r?\n(?:[ \t]*\r?\n)+/g), topK: 8, w: 0.5, eps: 1e-6 },
    trajectory,
    metrics: overthinkingMetrics(trajectory),
    generated: { correct: true, answerText: '2' },
  };
}

describe('inspection record', () => {
  it('round-trips through serialize → parse unchanged', () => {
    const record = makeRecord();
    const text = serializeInspectionRecord(record);
    const back = parseInspectionRecord(text);
    expect(back).toEqual({ ok: true, record });
    const noGenerated = { ...record };
    delete noGenerated.generated;
    expect(parseInspectionRecord(serializeInspectionRecord(noGenerated))).toEqual({ ok: true, record: noGenerated });
  });

  it('stores a RegExp delimiter as source + flags and rebuilds it', () => {
    const s = delimiterToSetting(/wait/giy);
    expect(s).toEqual({ kind: 'regexp', source: 'wait', flags: 'i' });
    const re = delimiterFromSetting(s) as RegExp;
    expect(re).toBeInstanceOf(RegExp);
    expect([re.source, re.flags]).toEqual(['wait', 'i']);
    expect(delimiterToSetting('\n\n')).toEqual({ kind: 'string', value: '\n\n' });
    expect(delimiterFromSetting({ kind: 'string', value: '---' })).toBe('---');
  });

  it('lists every zod issue with its path', () => {
    const bad = JSON.parse(serializeInspectionRecord(makeRecord()));
    bad.version = 2;
    bad.settings.w = 1.5;
    bad.settings.delimiter = { kind: 'regexp', source: '(', flags: '' };
    bad.trajectory.J[1] = 0.5;
    bad.metrics.certaintySegment = -1;
    const r = parseInspectionRecord(JSON.stringify(bad));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const paths = r.issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining([
      'version', 'settings.w', 'settings.delimiter.source', 'trajectory.J[1]', 'metrics.certaintySegment',
    ]));
    expect(r.error).toMatch(/^not a valid inspection record \(\d+ issues\): /);
    expect(r.error).toContain('trajectory.J[1]: must be a log-probability (≤ 0)');
    expect(r.error).toContain('settings.delimiter.source: is not a valid regular expression');
  });

  it('checks the trajectory is internally consistent', () => {
    const bad = JSON.parse(serializeInspectionRecord(makeRecord()));
    bad.trajectory.J.pop();
    bad.trajectory.segments[1].start = 3;
    const r = parseInspectionRecord(JSON.stringify(bad));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toContain('trajectory.J: has 2 values; 2 segments need 3');
    expect(r.error).toContain('trajectory.segments: segments[1] = [3, 26) is not contiguous from 13');
  });

  it('reports invalid JSON and refuses to serialise an invalid record', () => {
    const r = parseInspectionRecord('{"version": 1,');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/^not an inspection record: invalid JSON: /);
    const rec = makeRecord();
    rec.trajectory.J[0] = NaN;
    expect(() => serializeInspectionRecord(rec)).toThrow(/trajectory.J\[0\]/);
  });

  describe('tokenLens (issue #17 §1, optional)', () => {
    // CoT tokens 11…18; k = 2 alternatives each, the chosen token at rank 0 or beyond the list.
    function withLens(): InspectionRecord {
      const rec = makeRecord();
      const N = rec.trajectory.cotTokens.length;
      rec.trajectory.tokenLens = {
        k: 2,
        ids: rec.trajectory.cotTokens.map((c, i) => (i % 2 ? [c, 3] : [4, 5])),
        logProbs: Array.from({ length: N }, () => [-0.25, -1.5]),
        chosenLogProb: Array.from({ length: N }, (_, i) => (i % 2 ? -0.25 : -4)),
        chosenRank: Array.from({ length: N }, (_, i) => (i % 2 ? 0 : 7)),
      };
      rec.trajectory.tokenText = { 3: ' x', 4: '\n', 5: '<b>' };
      return rec;
    }

    it('an inspection without it (saved before the token lens) still loads; one with it round-trips, the JSON export included', () => {
      const old = makeRecord();
      expect(old.trajectory.tokenLens).toBeUndefined();
      expect(parseInspectionRecord(serializeInspectionRecord(old))).toEqual({ ok: true, record: old });
      const rec = withLens();
      const text = serializeInspectionRecord(rec);
      expect(JSON.parse(text).trajectory.tokenLens.chosenRank).toEqual([7, 0, 7, 0, 7, 0, 7, 0]);
      expect(parseInspectionRecord(text)).toEqual({ ok: true, record: rec });
    });

    const cases: [string, (t: Trajectory) => void, string][] = [
      ['too few rows', (t) => t.tokenLens!.ids.pop(), 'trajectory.tokenLens.ids: has 7 entries; there are 8 CoT tokens'],
      ['a rank array of another length', (t) => t.tokenLens!.chosenRank.push(0), 'trajectory.tokenLens.chosenRank: has 9 entries'],
      ['a positive log-prob', (t) => { t.tokenLens!.logProbs[2][0] = 0.5; }, 'trajectory.tokenLens.logProbs[2][0]: must be a log-probability (≤ 0)'],
      ['log-probs not descending', (t) => { t.tokenLens!.logProbs[0] = [-2, -1]; }, 'tokenLens[0]: log-probs must be in descending order'],
      ['a fractional rank', (t) => { t.tokenLens!.chosenRank[0] = 1.5; }, 'trajectory.tokenLens.chosenRank[0]'],
      ['a negative rank', (t) => { t.tokenLens!.chosenRank[0] = -1; }, 'trajectory.tokenLens.chosenRank[0]'],
      ['more ids than k', (t) => { t.tokenLens!.ids[0] = [4, 5, 6]; t.tokenLens!.logProbs[0] = [-1, -2, -3]; }, 'tokenLens[0]: 3 ids and 3 log-probs; both must be equal and ≤ k = 2'],
      ['ids and log-probs of different lengths', (t) => { t.tokenLens!.logProbs[3] = [-1]; }, 'tokenLens[3]: 2 ids and 1 log-probs'],
      ['a rank inside the list naming another token', (t) => { t.tokenLens!.chosenRank[0] = 1; }, 'tokenLens[0]: chosen rank 1 must list the CoT token 11'],
      ['k above 20', (t) => { t.tokenLens!.k = 21; }, 'trajectory.tokenLens.k'],
      ['a text key that is no token id', (t) => { t.tokenText = { x: 'a' }; }, 'trajectory.tokenText'],
    ];
    for (const [what, spoil, message] of cases) {
      it(`rejects ${what}`, () => {
        const bad = JSON.parse(serializeInspectionRecord(withLens())) as InspectionRecord;
        spoil(bad.trajectory);
        const r = parseInspectionRecord(JSON.stringify(bad));
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.error).toContain(message);
      });
    }
  });
});
