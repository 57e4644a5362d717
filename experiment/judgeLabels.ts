// Results written before the fixed judge (experiment/evalRecord.ts) recorded tokens after certainty
// by each policy's own J under the plain name. Read through here, such a regime's figure moves to
// tokens_after_certainty_self (labelled self-judged in every table) and the fixed-judge column
// stays empty for it, so no table mixes the two measurements. Pure; idempotent.
import type { EvalSummary, ExperimentResults, ExperimentRun } from '../src/rl/report.ts';
import { TASK_REGIMES } from '../src/task/regime.ts';
import { regimeOf } from './regimeReport.ts';

function relabel(s: EvalSummary): EvalSummary {
  return { ...s, tokens_after_certainty: NaN, tokens_after_certainty_self: s.tokens_after_certainty };
}

/** Every regime whose configuration has no tac_judge: its runs' TAC becomes the self-judged figure, and tac_judge 'self'. */
export function labelJudges(results: ExperimentResults): ExperimentResults {
  const configOf = (r: ExperimentRun) => results.regime_configs?.[regimeOf(r)] ?? results.config;
  const selfJudged = (r: ExperimentRun) => configOf(r).tac_judge === undefined;
  if (!results.runs.some(selfJudged)) return results;
  const runs = results.runs.map((r) => (!selfJudged(r) ? r : {
    ...r, before: relabel(r.before), after: relabel(r.after),
    ...(r.greedy ? { greedy: { before: relabel(r.greedy.before), after: relabel(r.greedy.after) } } : {}),
  }));
  // the file stays self-describing: a labelled regime says so in its configuration
  const regime_configs = results.regime_configs && Object.fromEntries(TASK_REGIMES.filter((g) => results.regime_configs![g])
    .map((g) => [g, { ...results.regime_configs![g]!, tac_judge: results.regime_configs![g]!.tac_judge ?? 'self' }]));
  return { ...results, config: { ...results.config, tac_judge: results.config.tac_judge ?? 'self' }, ...(regime_configs ? { regime_configs } : {}), runs };
}
