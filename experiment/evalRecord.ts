// One held-out evaluation as results.json records it (pure): accuracy and lengths of the policy's
// responses, tokens after certainty by the fixed judge (the starting checkpoint's J, the same for
// every run of a comparison) with how many responses it covered, and the self-judged figure
// under its own label (repro-method.md §10).
import type { EvalResult } from '../src/rl/evaluate.ts';
import type { EvalSummary } from '../src/rl/report.ts';

/** `own`: the evaluation judged by the policy itself; `fixed`: the same responses rejudged (src/rl/evaluate.ts rejudge). */
export function evalRecord(own: EvalResult, fixed: EvalResult): EvalSummary {
  if (fixed.rollouts !== own.rollouts) throw new Error('evalRecord: the fixed judge must measure the same responses (rejudge the evaluation)');
  const correct = own.rollouts.filter((x) => x.reward === 1);
  return {
    accuracy: own.metrics.accuracy,
    cot_tokens: own.metrics.cotTokens,
    backtracking: own.metrics.backtracking,
    tokens_after_certainty: fixed.summary.meanTokensAfterCertainty,
    tokens_after_certainty_self: own.summary.meanTokensAfterCertainty,
    tac_covered: fixed.summary.probed,
    n: own.summary.n,
    cot_tokens_correct: correct.length ? correct.reduce((a, x) => a + x.cotTokens, 0) / correct.length : NaN,
  };
}
