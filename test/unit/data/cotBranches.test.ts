// The optional `branches` of an inspection record (issue #17 §2): validated field by field,
// round-tripped through the JSON export, and records written before branches existed still load.
import { describe, expect, it } from 'vitest';
import { parseInspectionRecord, serializeInspectionRecord, type CotBranch, type InspectionRecord } from '../../../src/data/index.ts';
import { overthinkingMetrics, segmentCot, tokenSpansFromOffsets, type Trajectory } from '../../../src/repro/index.ts';
import { inspectionRecordOf } from '../../../src/store/inspectionRecordOf.ts';
import { DEFAULT_SETTINGS } from '../../../src/store/settings.ts';

function trajectory(cot: string, J: number[]): Trajectory {
  const segments = segmentCot(cot);
  const tokenOffsets = Array.from({ length: cot.length }, (_, i) => i); // one token per char
  return {
    question: 'What is x?', cot, answer: '2', probe: 'Answer: ', segments,
    cotTokens: Array.from(cot, (ch) => ch.charCodeAt(0) % 50), tokenOffsets, tokenSpans: tokenSpansFromOffsets(segments, tokenOffsets),
    J, answerLogProbs: J.map((j) => [j]), tokenEntropy: Array.from(cot, () => 0.5), firstTokenEntropy: segments.map(() => 0.5),
  };
}

const original = trajectory('Let x be 2.\n\nWait, x is 2.', [-2.5, -0.5, -0.05]);
const branchT = trajectory('Let x be 2.\n\nSo x is 2.', [-2.5, -0.5, -0.01]);
const branch: CotBranch = {
  id: 'b1', fork: { position: 13, text: 'So' }, seed: 7, trajectory: branchT, metrics: overthinkingMetrics(branchT), createdAt: 1764583200000,
  sampling: { maxNewTokens: 64, temperature: 0.7, topK: 0, topP: 0.95 },
  continuation: { path: 'cached', note: 'continued from the KV cache at the fork', prefixEncoded: false, generated: 8 },
  modelAnswer: '2', correct: true, stopped: 'eos',
};

function record(branches?: CotBranch[]): InspectionRecord {
  return inspectionRecordOf({ trajectory: original, settings: DEFAULT_SETTINGS, model: { id: 'toy', backend: 'webgpu' }, branches, createdAt: new Date('2025-12-02T10:00:00Z') });
}

describe('inspection record branches', () => {
  it('round-trip through the JSON export with every field', () => {
    const r = record([branch, { ...branch, id: 'b2', fork: { position: 0, tokenId: 3 } }]);
    expect(r.branches).toHaveLength(2);
    expect(parseInspectionRecord(serializeInspectionRecord(r))).toEqual({ ok: true, record: r });
  });

  it('are optional: a record without them (an older one) loads, and none are written when there are none', () => {
    const r = record([]);
    expect('branches' in r).toBe(false);
    const parsed = parseInspectionRecord(serializeInspectionRecord(r));
    expect(parsed.ok && parsed.record.branches).toBe(undefined);
  });

  it('are checked: a fork past the CoT, both a token and a text, another question, a broken trajectory', () => {
    const bad = (b: unknown) => {
      const json = JSON.stringify({ ...record(), branches: [b] });
      const p = parseInspectionRecord(json);
      expect(p.ok).toBe(false);
      return p.ok ? [] : p.issues.map((i) => i.path);
    };
    expect(bad({ ...branch, fork: { position: original.cotTokens.length + 1 } })).toContain('branches[0].fork.position');
    expect(bad({ ...branch, fork: { position: 2, tokenId: 1, text: 'x' } })).toContain('branches[0].fork');
    expect(bad({ ...branch, trajectory: { ...branchT, question: 'Another?' } })).toContain('branches[0].trajectory');
    expect(bad({ ...branch, trajectory: { ...branchT, J: [0.5] } })[0]).toMatch(/^branches\[0\]\.trajectory\.J/);
    expect(bad({ ...branch, continuation: { ...branch.continuation, path: 'teleport' } })).toContain('branches[0].continuation.path');
  });
});
