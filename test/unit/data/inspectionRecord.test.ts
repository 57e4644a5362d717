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
});
