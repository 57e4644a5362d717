import { describe, expect, test } from 'vitest';
import { buildSftBatch, DEFAULT_TRACE_MIX, pickStyle } from '../../../src/task/sft.ts';
import { TRACE_STYLES } from '../../../src/task/trace.ts';
import { VOCAB } from '../../../src/task/vocab.ts';
import { Rng } from '../../../src/sampling/rng.ts';

// Independent char-level tokenisation of a trace text: <bos>/<eos> as ids 1/2, every other char by VOCAB.
function charIds(text: string): number[] {
  const body = text.replace(/^<bos>/, '').replace(/<eos>$/, '');
  return [1, ...Array.from(body, (ch) => VOCAB.indexOf(ch)), 2];
}

describe('buildSftBatch', () => {
  test('inputs, targets and masking exactly (loss on CoT + answer + <eos> only)', () => {
    const B = 16, T = 128;
    const batch = buildSftBatch(new Rng(4), B, T);
    expect([batch.B, batch.T, batch.inputs.length, batch.targets.length]).toEqual([B, T, B * T, B * T]);
    for (let b = 0; b < B; b++) {
      const trace = batch.traces[b];
      const ids = charIds(trace.text);
      const promptLen = 1 + trace.prompt.length - '<bos>'.length;
      for (let t = 0; t < T; t++) {
        const input = batch.inputs[b * T + t];
        const target = batch.targets[b * T + t];
        expect(input).toBe(t < ids.length - 1 ? ids[t] : 0);
        const scored = t + 1 >= promptLen && t + 1 < ids.length;
        expect(target).toBe(scored ? ids[t + 1] : -1);
      }
      // the first scored target is the first CoT character, the last one is <eos>
      const row = Array.from(batch.targets.subarray(b * T, (b + 1) * T));
      const first = row.findIndex((x) => x >= 0);
      expect(first).toBe(promptLen - 1);
      expect(batch.inputs[b * T + first]).toBe(VOCAB.indexOf('\n'));
      expect(VOCAB[row[first]]).toBe(trace.cot[0]);
      expect(row.filter((x) => x >= 0).at(-1)).toBe(2);
      expect(row.filter((x) => x >= 0).length).toBe(trace.cot.length + trace.probe.length + trace.answer.length + 1);
    }
  });

  test('deterministic per seed; the rng state after a batch resumes the stream', () => {
    const r1 = new Rng(9), r2 = new Rng(9);
    const a = buildSftBatch(r1, 4, 128);
    const b = buildSftBatch(r2, 4, 128);
    expect(a.inputs).toEqual(b.inputs);
    expect(a.targets).toEqual(b.targets);
    const resumed = new Rng(0);
    resumed.setState(r1.getState());
    expect(buildSftBatch(resumed, 4, 128).inputs).toEqual(buildSftBatch(r1, 4, 128).inputs);
  });

  test('the default mix gives 1/3 – 2/3 of traces with redundant or backtracking segments', () => {
    const batch = buildSftBatch(new Rng(77), 2000, 128);
    const overthinking = batch.traces.filter((t) => t.roles.some((r) => r === 'redundant' || r === 'hesitation')).length;
    expect(overthinking / 2000).toBeGreaterThan(1 / 3);
    expect(overthinking / 2000).toBeLessThan(2 / 3);
  });

  test('style shares follow the mix', () => {
    const rng = new Rng(2);
    const counts = Object.fromEntries(TRACE_STYLES.map((s) => [s, 0])) as Record<string, number>;
    for (let i = 0; i < 10000; i++) counts[pickStyle(rng, DEFAULT_TRACE_MIX)]++;
    for (const s of TRACE_STYLES) expect(Math.abs(counts[s] / 10000 - DEFAULT_TRACE_MIX[s])).toBeLessThan(0.02);
    const only = { concise: 0, redundant: 0, hesitation: 3, wrongCorrected: 0 };
    for (let i = 0; i < 200; i++) expect(pickStyle(rng, only)).toBe('hesitation');
  });

  test('bad arguments are named', () => {
    const rng = new Rng(0);
    expect(() => buildSftBatch(rng, 0, 128)).toThrow(/B must be/);
    expect(() => buildSftBatch(rng, 2, 1.5)).toThrow(/T must be/);
    expect(() => buildSftBatch(rng, 2, 20)).toThrow(/row 0 needs T >= \d+/);
    expect(() => buildSftBatch(rng, 2, 128, { ...DEFAULT_TRACE_MIX, redundant: -1 })).toThrow(/TraceMix.redundant/);
    expect(() => buildSftBatch(rng, 2, 128, { concise: 0, redundant: 0, hesitation: 0, wrongCorrected: 0 })).toThrow(/at least one/);
  });
});
