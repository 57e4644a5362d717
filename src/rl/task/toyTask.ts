// The toy addition task (src/task/) as an RlTask: problems drawn from the seeded xoshiro128** stream
// exactly as the trainer drew them before the split (same seed → same problems), the fixed
// held-out set of HELDOUT_SEED, the toy verifier on the toy format ("Answer: N") and the batch
// screen's answer extraction + match on a chat model's, and the toy's segment classifier.
import { answersMatch } from '../../analysis/responseSplit.ts';
import { Rng, type RngState } from '../../sampling/rng.ts';
import { classifySegments } from '../../task/classify.ts';
import { heldOutProblems, makeProblem, type Problem } from '../../task/problem.ts';
import { verifyAnswer } from '../../task/verify.ts';
import { markersOf, toyTaskSettings, type ToyTaskSettings } from './settings.ts';
import type { ModelFormat, RlTask, TrainStream } from './types.ts';

/** The fixed held-out set's seed: every run and seed evaluates on the same problems. */
export const HELDOUT_SEED = 20251201;

export class ToyTask implements RlTask<Problem> {
  readonly settings: ToyTaskSettings;
  readonly markers: readonly string[];
  private heldOutCache: Problem[] = [];

  constructor(settings: Partial<Omit<ToyTaskSettings, 'kind'>> = {}) {
    this.settings = toyTaskSettings({ min_digits: settings.min_digits, max_digits: settings.max_digits });
    this.markers = markersOf(this.settings);
  }

  get label(): string {
    const { min_digits: a, max_digits: b } = this.settings;
    return `toy addition, ${a === b ? a : `${a}–${b}`}-digit operands`;
  }

  private get digits() {
    return { minDigits: this.settings.min_digits, maxDigits: this.settings.max_digits };
  }

  trainStream(seed: number): TrainStream<Problem> {
    const rng = new Rng(seed);
    const digits = this.digits;
    return {
      next: () => makeProblem(rng, { ...digits, split: 'train' }),
      getState: () => rng.getState(),
      setState(state: unknown): string | null {
        if (Number.isInteger(state) && (state as number) >= 0 && (state as number) <= 0xffffffff) {
          // Saved while the task drew from mulberry32 (one uint32): xoshiro128** cannot continue that
          // stream, so the problems go on from a stream seeded by the saved state.
          rng.setState(new Rng(state as number).getState());
          return 'problem stream: this run was saved by an older version (task PRNG mulberry32); its prompts continue from a new xoshiro128** stream seeded by the saved state, not the ones it would have drawn';
        }
        if (!Array.isArray(state) || state.length !== 4) throw new RangeError(`the toy task's stream state must be 4 uint32 words (got ${JSON.stringify(state)})`);
        rng.setState(state as RngState);
        return null;
      },
    };
  }

  heldOut(n: number): Problem[] {
    // A tiny digit range may not hold n distinct held-out problems: built on first use, then kept.
    if (this.heldOutCache.length < n) this.heldOutCache = heldOutProblems(HELDOUT_SEED, n, this.digits);
    return this.heldOutCache.slice(0, n);
  }

  userText(p: Problem): string {
    return p.question;
  }

  reward(p: Problem, completion: string, format: ModelFormat): number {
    // The toy model writes "Answer: N<eos>" and is held to it; a chat model's answer is read and
    // matched as the batch screen reads it (its probe's marker, \boxed{…}, numbers by value).
    if (format.kind === 'toy') return verifyAnswer(p, completion).correct ? 1 : 0;
    return answersMatch(format.finalAnswer(completion), p.answer) ? 1 : 0;
  }

  classify(cot: string, spans: { start: number; end: number }[], p: Problem) {
    return classifySegments(cot, { spans, problem: p, markers: this.markers });
  }
}
