// One results.json for both regimes: a new run of a regime replaces that regime's earlier runs
// and keeps the other regime's (runs recorded before regimes existed are the mixed regime's).
import type { ExperimentResults } from '../src/rl/report.ts';
import type { TaskRegime } from '../src/task/regime.ts';
import { regimeOf } from './regimeReport.ts';
import { estimatorOf } from './estimatorTable.ts';
import { outcomeSettings } from './reuseOutcome.ts';

export function mergeRegimeResults(previous: ExperimentResults | null, fresh: ExperimentResults, regime: TaskRegime): ExperimentResults {
  const tagged = fresh.runs.map((r) => ({ ...r, regime }));
  const kept = (previous?.runs ?? []).filter((r) => regimeOf(r) !== regime).map((r) => ({ ...r, regime: regimeOf(r) }));
  const configs = { ...(previous?.regime_configs ?? {}) };
  // An older file's config belongs to its (mixed) runs.
  if (previous && !previous.regime_configs && kept.length > 0) configs.mixed = previous.config;
  configs[regime] = fresh.config;
  return { config: fresh.config, regime_configs: configs, runs: [...kept, ...tagged] };
}

/**
 * `npm run experiment -- --combine OUT IN…`: the runs of several results files of one regime in one
 * file (e.g. each estimator at its own α, or seeds run in two goes). Each run keeps its own α and
 * process_reward_norm; everything else a run's numbers depend on (the settings outcome-only runs
 * share, the checkpoint, the evaluation, the judge) must be equal, and no (estimator, method, seed)
 * may come twice.
 */
export function combineResults(files: ExperimentResults[], regime: TaskRegime): ExperimentResults {
  if (files.length === 0) throw new Error('--combine: no input files');
  const configOf = (f: ExperimentResults) => f.regime_configs?.[regime] ?? f.config;
  const base = outcomeSettings(configOf(files[0]));
  const runs = files.flatMap((f, k) => {
    if (outcomeSettings(configOf(f)) !== base) throw new Error(`--combine: input ${k + 1}'s ${regime} settings differ from input 1's (other than α, topK, w, process_reward_norm)`);
    const alpha = configOf(f).grpo.repro.process_reward_coef;
    return f.runs.filter((r) => regimeOf(r) === regime).map((r) => ({ ...r, regime, process_reward_coef: r.process_reward_coef ?? (r.method === 'outcome' ? 0 : alpha) }));
  });
  const seen = new Set<string>();
  for (const r of runs) {
    const key = `${estimatorOf(r)} ${r.method} seed ${r.seed}`;
    if (seen.has(key)) throw new Error(`--combine: ${key} comes twice`);
    seen.add(key);
  }
  const config = configOf(files[0]);
  return { config, regime_configs: { [regime]: config }, runs };
}
