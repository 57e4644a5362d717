// The verbose-but-correct regime (src/task/regime.ts): a property test over many problems that no
// verbose segment changes the final answer, and that the mixed regime draws exactly as before.
import { describe, expect, test } from 'vitest';
import { makeProblem, problemFrom } from '../../../src/task/problem.ts';
import { renderTrace, TRACE_STYLES, type TraceStyle } from '../../../src/task/trace.ts';
import { DEFAULT_TRACE_MIX, pickStyle, buildSftBatch } from '../../../src/task/sft.ts';
import { REGIME_MIX, parseRegime, REGIME_LABEL } from '../../../src/task/regime.ts';
import { classifySegments } from '../../../src/task/classify.ts';
import { isBacktrackingText } from '../../../src/task/markers.ts';
import { verifyAnswer } from '../../../src/task/verify.ts';
import { toyTokenizer } from '../../../src/task/tokenizer.ts';
import { MAX_SEQUENCE_TOKENS } from '../../../src/task/format.ts';
import { Rng } from '../../../src/sampling/rng.ts';

const EQ = /(\d)\+(\d)(?:\+(1))?=(\d+)/;

/**
 * An independent reader of a CoT: walks the segments in order; a bare equation writes the next
 * column, a worded one ("let me verify 7+6=13 yes") refers back to the column with that left-hand
 * side and would revise it if its sum differed. Returns the number the columns spell. It knows
 * nothing of styles or roles.
 */
function answerFromCot(segments: string[], width: number): { answer: string; revisions: number } {
  const written: (number | undefined)[] = [];
  let col = 0;
  let revisions = 0;
  const order: string[] = [];
  for (const seg of segments) {
    const m = EQ.exec(seg);
    if (!m) continue;
    const lhs = m[0].slice(0, m[0].indexOf('='));
    const sum = Number(m[4]);
    if (seg !== m[0]) { // a worded restatement: does it write another digit in that column?
      const at = order.lastIndexOf(lhs);
      if (at < 0 || written[at] !== sum) revisions++;
      continue;
    }
    order.push(lhs);
    written[col++] = sum;
  }
  expect(col).toBe(width);
  let carry = 0;
  let digits = '';
  for (const sum of written as number[]) { digits = String(sum % 10) + digits; carry = Math.floor(sum / 10); }
  return { answer: String(Number((carry ? '1' : '') + digits)), revisions };
}

describe('verbose regime', () => {
  test('property: over 3 000 problems (1–4 digits), no verbose segment changes the final answer', () => {
    const rng = new Rng(2026);
    const seen = new Set<TraceStyle>();
    let verboseSegments = 0;
    for (let i = 0; i < 3000; i++) {
      const p = makeProblem(rng, { minDigits: 1, maxDigits: 4, split: 'any' });
      const style = pickStyle(rng, REGIME_MIX.verbose);
      seen.add(style);
      expect(style).not.toBe('wrongCorrected');
      const t = renderTrace(p, style, rng);
      const concise = renderTrace(p, 'concise', new Rng(0));
      // no error is ever written: every equation is true arithmetic
      for (const seg of t.segments) {
        const m = EQ.exec(seg)!;
        expect(Number(m[1]) + Number(m[2]) + Number(m[3] ?? 0)).toBe(Number(m[4]));
      }
      // the answer after the marker is the truth, and the verbose CoT spells the same number as the concise one
      expect(verifyAnswer(p, t.text).correct).toBe(true);
      const read = answerFromCot(t.segments, p.columns.length);
      expect(read.revisions).toBe(0);
      expect(read.answer).toBe(String(p.a + p.b));
      expect(read.answer).toBe(answerFromCot(concise.segments, p.columns.length).answer);
      // dropping the verbose segments leaves exactly the concise trace
      expect(t.segments.filter((_, k) => t.roles[k] === 'step')).toEqual(concise.segments);
      // each verbose segment restates an equation written before it, and the labeller sees a repeat, never progress or an error
      const labels = classifySegments(t.cot, { problem: p });
      t.segments.forEach((seg, k) => {
        if (t.roles[k] === 'step') { expect(labels[k].kind).toBe('step'); return; }
        verboseSegments++;
        expect(['redundant', 'hesitation']).toContain(t.roles[k]);
        const eq = EQ.exec(seg)![0];
        expect(t.segments.slice(0, k).filter((_, j) => t.roles[j] === 'step')).toContain(eq);
        expect(labels[k].kind).toBe('redundant');
        if (t.roles[k] === 'hesitation') expect(isBacktrackingText(seg)).toBe(true);
      });
      expect(toyTokenizer.encode(t.text).length).toBeLessThanOrEqual(MAX_SEQUENCE_TOKENS);
    }
    expect([...seen].sort()).toEqual(['concise', 'hesitation', 'redundant', 'verify']);
    expect(verboseSegments).toBeGreaterThan(2000);
  }, 60_000);

  test('about half the traces are verbose; the verify style reads "let me verify … yes" and fits 128 tokens at 9999+9999', () => {
    const rng = new Rng(5);
    const batch = buildSftBatch(rng, 4000, MAX_SEQUENCE_TOKENS, REGIME_MIX.verbose, { minDigits: 2, maxDigits: 2 });
    const verbose = batch.traces.filter((t) => t.style !== 'concise').length / 4000;
    expect(Math.abs(verbose - 0.5)).toBeLessThan(0.03);
    const worst = problemFrom(9999, 9999);
    for (let s = 0; s < 200; s++) {
      const t = renderTrace(worst, 'verify', new Rng(s));
      expect(toyTokenizer.encode(t.text).length).toBeLessThanOrEqual(MAX_SEQUENCE_TOKENS);
    }
    const t = renderTrace(problemFrom(457, 386), 'verify', new Rng(3));
    const extra = t.segments.filter((_, k) => t.roles[k] !== 'step');
    expect(extra.length).toBeGreaterThanOrEqual(1);
    for (const seg of extra) expect(seg).toMatch(/^(wait, let me verify |let me verify |hmm, let me verify: |let me re-check )(7\+6=13|5\+8\+1=14|4\+3\+1=8)( yes| ok| correct)$/);
  });

  test('the mixed regime draws exactly as the four-style picker always did', () => {
    // the pre-regime pickStyle, written out here over the four mixed styles
    const reference = (r: Rng): TraceStyle => {
      const total = TRACE_STYLES.reduce((s, k) => s + DEFAULT_TRACE_MIX[k], 0);
      let u = r.uniform() * total;
      for (const style of TRACE_STYLES) { u -= DEFAULT_TRACE_MIX[style]; if (u < 0 && DEFAULT_TRACE_MIX[style] > 0) return style; }
      return 'wrongCorrected';
    };
    const a = new Rng(11);
    const b = new Rng(11);
    for (let i = 0; i < 5000; i++) expect(pickStyle(a, REGIME_MIX.mixed)).toBe(reference(b));
    expect(REGIME_MIX.mixed).toBe(DEFAULT_TRACE_MIX);
    expect('verify' in DEFAULT_TRACE_MIX).toBe(false);
  });

  test('regime names and parsing', () => {
    expect(REGIME_LABEL.mixed).toBe('mixed: overthinking ≈ errors');
    expect(REGIME_LABEL.verbose).toBe('verbose but correct');
    expect(parseRegime('verbose')).toBe('verbose');
    expect(() => parseRegime('paper')).toThrow(/regime must be one of mixed, verbose, got "paper"/);
  });
});
