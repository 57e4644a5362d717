// Supervised traces in four styles (docs/toy-task.md shows one of each). Every style solves the
// problem correctly; the styles differ only in the extra segments around the column steps.
import type { Rng } from '../sampling/rng.ts';
import { columnEquation, type Problem } from './problem.ts';
import { ANSWER_MARKER, formatPrompt, SEGMENT_DELIMITER } from './format.ts';
import { EOS } from './vocab.ts';

/** The styles of the mixed regime (today's bundled checkpoint; docs/toy-task.md). */
export const TRACE_STYLES = ['concise', 'redundant', 'hesitation', 'wrongCorrected'] as const;
/**
 * Every style: the mixed regime's four plus 'verify' (the verbose regime's, src/task/regime.ts).
 * Append only: pickStyle walks this order, so a style added at the end leaves every earlier mix's
 * draws unchanged.
 */
export const ALL_TRACE_STYLES = [...TRACE_STYLES, 'verify'] as const;
/**
 * concise: one segment per column step.
 * redundant: plus 1–2 re-verifications of finished steps ("check 7+6=13 ok").
 * hesitation: plus 1–2 backtracking segments repeating a finished step ("wait, 7+6=13 yes").
 * wrongCorrected: one step first written wrong ("4+8+1=12"), corrected by the next segment
 *   ("wait, no: 4+8+1=13").
 * verify: plus 1–2 "let me verify" segments (repro-method.md §10 markers) restating a finished
 *   step and confirming it ("wait, let me verify 7+6=13 yes"): the verbose-but-correct regime.
 */
export type TraceStyle = (typeof ALL_TRACE_STYLES)[number];

/** What each segment was generated as (classifySegments recovers this from text alone). */
export type SegmentRole = 'step' | 'redundant' | 'hesitation' | 'wrong' | 'correction';

export interface Trace {
  style: TraceStyle;
  /** prompt + cot + probe + answer + "<eos>" */
  text: string;
  /** "<bos>" + question + "\n" */
  prompt: string;
  /** the segments, each followed by "\n\n" */
  cot: string;
  /** the answer marker (repro-method.md §3 probe) */
  probe: string;
  answer: string;
  /** segment texts without their delimiter, and what each one is */
  segments: string[];
  roles: SegmentRole[];
}

/** Hesitation openers: markers of repro-method.md §10. */
export const HESITATION_PREFIXES = ['wait, ', 'hmm, ', 'let me check ', 'actually '] as const;
const HESITATION_SUFFIXES = [' yes', ' ok', ''] as const;
/** Correction openers (also §10 markers). */
export const CORRECTION_PREFIXES = ['wait, no: ', 'no, ', 'actually '] as const;
/** Verification openers (§10 markers) and closers: they confirm, never revise. */
export const VERIFY_PREFIXES = ['wait, let me verify ', 'let me verify ', 'hmm, let me verify: ', 'let me re-check '] as const;
const VERIFY_SUFFIXES = [' yes', ' ok', ' correct'] as const;

interface Seg { text: string; role: SegmentRole }

export function renderTrace(problem: Problem, style: TraceStyle, rng: Rng): Trace {
  const steps = problem.columns.map((c) => columnEquation(c));
  let segs: Seg[];
  switch (style) {
    case 'concise':
      segs = steps.map((text) => ({ text, role: 'step' }));
      break;
    case 'redundant':
      segs = withRepeats(steps, rng, (eq) => ({ text: `check ${eq} ok`, role: 'redundant' }));
      break;
    case 'hesitation':
      segs = withRepeats(steps, rng, (eq) => ({
        text: `${rng.pick(HESITATION_PREFIXES)}${eq}${rng.pick(HESITATION_SUFFIXES)}`,
        role: 'hesitation',
      }));
      break;
    case 'wrongCorrected':
      segs = withWrongStep(problem, steps, rng);
      break;
    case 'verify':
      segs = withRepeats(steps, rng, (eq) => {
        const prefix = rng.pick(VERIFY_PREFIXES);
        const suffix = rng.pick(VERIFY_SUFFIXES);
        // 4-digit problems: the shortest opener and no closer, so two of them fit the 128-token block.
        return { text: problem.columns.length >= 4 ? `${VERIFY_PREFIXES[1]}${eq}` : `${prefix}${eq}${suffix}`, role: 'hesitation' };
      });
      break;
    default:
      throw new RangeError(`renderTrace: style must be one of ${ALL_TRACE_STYLES.join(', ')}, got ${String(style)}`);
  }
  const prompt = formatPrompt(problem.question);
  const cot = segs.map((s) => s.text + SEGMENT_DELIMITER).join('');
  return {
    style,
    text: prompt + cot + ANSWER_MARKER + problem.answer + EOS,
    prompt,
    cot,
    probe: ANSWER_MARKER,
    answer: problem.answer,
    segments: segs.map((s) => s.text),
    roles: segs.map((s) => s.role),
  };
}

/** The steps plus 1–2 repeats; a repeat of step j comes after step j, at a random later point. */
function withRepeats(steps: string[], rng: Rng, repeat: (eq: string) => Seg): Seg[] {
  const after: Seg[][] = steps.map(() => []);
  const count = rng.int(1, 2);
  for (let r = 0; r < count; r++) {
    const j = rng.int(0, steps.length - 1);
    const at = rng.int(j, steps.length - 1);
    after[at].push(repeat(steps[j]));
  }
  return steps.flatMap((text, i) => [{ text, role: 'step' as const }, ...after[i]]);
}

/** One column written with a sum off by one, immediately corrected. */
function withWrongStep(problem: Problem, steps: string[], rng: Rng): Seg[] {
  const j = rng.int(0, steps.length - 1);
  const col = problem.columns[j];
  const wrongSum = col.sum === 0 ? 1 : col.sum + rng.pick([-1, 1]);
  return steps.flatMap((text, i): Seg[] => i !== j ? [{ text, role: 'step' }] : [
    { text: columnEquation(col, wrongSum), role: 'wrong' },
    { text: `${rng.pick(CORRECTION_PREFIXES)}${text}`, role: 'correction' },
  ]);
}
