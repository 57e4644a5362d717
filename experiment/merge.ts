// One results.json for both regimes: a new run of a regime replaces that regime's earlier runs
// and keeps the other regime's (runs recorded before regimes existed are the mixed regime's).
import type { ExperimentResults } from '../src/rl/report.ts';
import type { TaskRegime } from '../src/task/regime.ts';
import { regimeOf } from './regimeReport.ts';

export function mergeRegimeResults(previous: ExperimentResults | null, fresh: ExperimentResults, regime: TaskRegime): ExperimentResults {
  const tagged = fresh.runs.map((r) => ({ ...r, regime }));
  const kept = (previous?.runs ?? []).filter((r) => regimeOf(r) !== regime).map((r) => ({ ...r, regime: regimeOf(r) }));
  const configs = { ...(previous?.regime_configs ?? {}) };
  // An older file's config belongs to its (mixed) runs.
  if (previous && !previous.regime_configs && kept.length > 0) configs.mixed = previous.config;
  configs[regime] = fresh.config;
  return { config: fresh.config, regime_configs: configs, runs: [...kept, ...tagged] };
}
