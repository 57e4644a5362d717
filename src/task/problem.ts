// Multi-digit addition problems, solved column by column from the right with carries, and the
// fixed train / held-out partition of the problem space.
import { Rng } from '../sampling/rng.ts';
import { formatQuestion } from './format.ts';

export interface ProblemOptions {
  /** fewest digits of each operand (1 … 4); default 2 */
  minDigits: number;
  /** most digits of each operand (minDigits … 4; 4 keeps every trace ≤ 128 tokens); default 4 */
  maxDigits: number;
  /** which part of the problem space to draw from (see isHeldOut); default 'train' */
  split: 'train' | 'heldout' | 'any';
}

export const DEFAULT_PROBLEM_OPTIONS: ProblemOptions = { minDigits: 2, maxDigits: 4, split: 'train' };

/** One column of the written addition: digitA + digitB (+ carryIn) = sum. */
export interface Column {
  digitA: number;
  digitB: number;
  carryIn: 0 | 1;
  sum: number;
}

export interface Problem {
  a: number;
  b: number;
  /** e.g. "457+386=?" */
  question: string;
  /** e.g. "843" */
  answer: string;
  /** units column first */
  columns: Column[];
}

/** The largest operand digit count for which every trace style fits in 128 tokens. */
export const MAX_DIGITS = 4;

/** The problem a + b; operands are non-negative integers of at most MAX_DIGITS digits. */
export function problemFrom(a: number, b: number): Problem {
  for (const [name, v] of [['a', a], ['b', b]] as const) {
    if (!Number.isInteger(v) || v < 0 || v >= 10 ** MAX_DIGITS) {
      throw new RangeError(`problemFrom: ${name} must be an integer in [0, ${10 ** MAX_DIGITS}), got ${v}`);
    }
  }
  const columns: Column[] = [];
  const width = Math.max(String(a).length, String(b).length);
  let carry: 0 | 1 = 0;
  for (let i = 0; i < width; i++) {
    const digitA = Math.floor(a / 10 ** i) % 10;
    const digitB = Math.floor(b / 10 ** i) % 10;
    const sum: number = digitA + digitB + carry;
    columns.push({ digitA, digitB, carryIn: carry, sum });
    carry = sum >= 10 ? 1 : 0;
  }
  return { a, b, question: formatQuestion(a, b), answer: String(a + b), columns };
}

/** The step equation of a column as written in a trace, e.g. "4+8+1=13". */
export function columnEquation(c: Column, sum = c.sum): string {
  return `${c.digitA}+${c.digitB}${c.carryIn ? '+1' : ''}=${sum}`;
}

/**
 * The held-out partition: about 1 in 10 unordered operand pairs, chosen by a fixed hash of
 * (min(a, b), max(a, b)). Training draws (split 'train') reject these pairs, so a held-out
 * problem — in either operand order — can never appear in training, whatever the seed.
 */
export function isHeldOut(a: number, b: number): boolean {
  let h = Math.imul(Math.min(a, b) + 0x9e3779b9, 0x85ebca6b) ^ Math.imul(Math.max(a, b) + 0x7f4a7c15, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x27d4eb2f);
  h ^= h >>> 15;
  return (h >>> 0) % 10 === 0;
}

export function validateProblemOptions(o: ProblemOptions): void {
  const { minDigits, maxDigits, split } = o;
  if (!Number.isInteger(minDigits) || minDigits < 1 || minDigits > MAX_DIGITS) {
    throw new RangeError(`ProblemOptions.minDigits must be an integer in [1, ${MAX_DIGITS}], got ${minDigits}`);
  }
  if (!Number.isInteger(maxDigits) || maxDigits < minDigits || maxDigits > MAX_DIGITS) {
    throw new RangeError(`ProblemOptions.maxDigits must be an integer in [minDigits=${minDigits}, ${MAX_DIGITS}], got ${maxDigits}`);
  }
  if (split !== 'train' && split !== 'heldout' && split !== 'any') {
    throw new RangeError(`ProblemOptions.split must be 'train', 'heldout' or 'any', got ${String(split)}`);
  }
}

/** A random problem: each operand's digit count uniform in [minDigits, maxDigits], no leading zero. */
export function makeProblem(rng: Rng, opts: Partial<ProblemOptions> = {}): Problem {
  const o = { ...DEFAULT_PROBLEM_OPTIONS, ...opts };
  validateProblemOptions(o);
  for (let attempt = 0; attempt < 10_000; attempt++) {
    const a = randomOperand(rng, o);
    const b = randomOperand(rng, o);
    if (o.split === 'any' || (o.split === 'heldout') === isHeldOut(a, b)) return problemFrom(a, b);
  }
  throw new RangeError(`makeProblem: no ${o.split} problem found with ${o.minDigits}–${o.maxDigits} digits`);
}

function randomOperand(rng: Rng, o: ProblemOptions): number {
  const digits = rng.int(o.minDigits, o.maxDigits);
  return rng.int(digits === 1 ? 0 : 10 ** (digits - 1), 10 ** digits - 1);
}

/**
 * A fixed evaluation set of n distinct held-out problems (no pair repeated in either order),
 * the same for the same (seed, n, options). Disjoint from every training draw by isHeldOut.
 */
export function heldOutProblems(seed: number, n: number, opts: Partial<Omit<ProblemOptions, 'split'>> = {}): Problem[] {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`heldOutProblems: n must be a non-negative integer, got ${n}`);
  const rng = new Rng(seed);
  const seen = new Set<string>();
  const out: Problem[] = [];
  for (let attempt = 0; out.length < n; attempt++) {
    if (attempt > 200 * n + 10_000) {
      throw new RangeError(`heldOutProblems: only ${out.length} distinct held-out problems found, n = ${n} asked`);
    }
    const p = makeProblem(rng, { ...opts, split: 'heldout' });
    const key = `${Math.min(p.a, p.b)}+${Math.max(p.a, p.b)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(p);
  }
  return out;
}
