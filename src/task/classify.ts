// Labels the segments of a toy CoT from its text alone (for metrics on generated CoTs):
// which segments make progress, repeat a finished step, backtrack, are wrong, or correct a
// wrong one.
import type { Span } from '../repro/types.ts';
import { segmentCot } from '../repro/segmentCot.ts';
import { columnEquation, type Problem } from './problem.ts';
import { isBacktrackingText } from './markers.ts';

/**
 * step: a correct equation doing the next column (new progress; when it equals a finished
 *   column's equation too, only a bare equation or one after a wrong step counts as the step);
 * redundant: a correct equation repeating a finished column;
 * wrong: a false equation, or (when the problem is known) one that is no column of it;
 * correction: a step that follows a wrong segment;
 * other: no equation.
 */
export type SegmentKind = 'step' | 'redundant' | 'wrong' | 'correction' | 'other';

export interface SegmentLabel {
  span: Span;
  /** the segment text without surrounding whitespace */
  text: string;
  kind: SegmentKind;
  /** opens with a repro-method.md §10 marker (independent of kind) */
  backtracking: boolean;
  /** the first "x+y(+z)=s" in the segment, or null */
  equation: { lhs: string; terms: number[]; sum: number } | null;
}

const EQUATION = /(\d+)\+(\d+)(?:\+(\d+))?=(\d+)/;

export interface ClassifyOptions {
  /** segment spans (repro-method.md §2); default segmentCot(cot) */
  spans?: Span[];
  /** when given, steps are matched to its columns in order (so equal equations in different columns count right) */
  problem?: Problem;
  markers?: readonly string[];
}

export function classifySegments(cot: string, opts: ClassifyOptions = {}): SegmentLabel[] {
  if (typeof cot !== 'string') throw new TypeError(`classifySegments: cot must be a string, got ${typeof cot}`);
  const spans = opts.spans ?? segmentCot(cot);
  const expected = opts.problem ? opts.problem.columns.map((c) => lhsOf(columnEquation(c))) : null;
  let nextColumn = 0; // with a problem: index of the column to be done next
  const done = new Set<string>(); // without a problem: lhs of the steps done
  let afterWrong = false;

  return spans.map((span, i): SegmentLabel => {
    if (!(span.start >= 0 && span.end >= span.start && span.end <= cot.length)) {
      throw new RangeError(`classifySegments: spans[${i}] = [${span.start}, ${span.end}) is outside the cot (length ${cot.length})`);
    }
    const text = cot.slice(span.start, span.end).trim();
    const backtracking = isBacktrackingText(text, opts.markers);
    const m = EQUATION.exec(text);
    if (!m) return { span, text, kind: 'other', backtracking, equation: null };
    const terms = [m[1], m[2], m[3]].filter((x) => x !== undefined).map(Number);
    const sum = Number(m[4]);
    const lhs = m[0].slice(0, m[0].indexOf('='));
    const equation = { lhs, terms, sum };
    const arithmeticOk = terms.reduce((a, b) => a + b, 0) === sum;

    let kind: SegmentKind;
    if (!arithmeticOk) kind = 'wrong';
    else if (expected) {
      const isNext = nextColumn < expected.length && lhs === expected[nextColumn];
      const isDone = expected.slice(0, nextColumn).includes(lhs);
      // Equal equations in a finished and the next column: a bare equation (or one right after a
      // wrong step) is the next step, a worded one ("check 3+4=7 ok") repeats the finished one.
      if (isNext && (!isDone || afterWrong || text === m[0])) {
        kind = afterWrong ? 'correction' : 'step';
        nextColumn++;
      } else if (isDone) kind = 'redundant';
      else kind = 'wrong'; // true arithmetic, but no column of this problem (e.g. a dropped carry)
    } else if (done.has(lhs)) kind = 'redundant';
    else {
      kind = afterWrong ? 'correction' : 'step';
      done.add(lhs);
    }
    if (kind === 'wrong') afterWrong = true;
    else if (kind === 'step' || kind === 'correction') afterWrong = false;
    return { span, text, kind, backtracking, equation };
  });
}

function lhsOf(equation: string): string {
  return equation.slice(0, equation.indexOf('='));
}
