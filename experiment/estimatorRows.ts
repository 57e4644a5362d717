// The estimator tables of the docs: per (results file, estimator), outcome → RePro after training
// (sampled view) with paired differences and relative changes, and which SFT checkpoint the runs
// started from — told by the data, not by a label typed beside it.
import type { EvalSummary, ExperimentResults } from '../src/rl/report.ts';
import { ESTIMATOR_LABELS, type AdvEstimator } from '../src/rl/config.ts';
import type { TaskRegime } from '../src/task/regime.ts';
import { regimeOf } from './regimeReport.ts';
import { comparisonOf, diffCi, f, load, MARKS_NOTE, marginMarks, rel, type Read } from './docCommon.ts';
import { combineResults } from './merge.ts';

/** One row: one estimator's runs in one results file, or in several (seeds run in separate calls), combined as `--combine` does. */
export interface EstimatorRow { paths: string[]; estimator: AdvEstimator; regime: TaskRegime }

/**
 * 'current' when the rows' outcome-only runs evaluated the SFT model before training exactly as the
 * reference runs of the same seed did (the evaluation before training depends only on the checkpoint
 * and the seed), 'earlier' when they differ, '?' when no seed is shared.
 */
export function startingCheckpoint(r: ExperimentResults, ref: ExperimentResults, regime: TaskRegime): 'current' | 'earlier' | '?' {
  const before = (x: ExperimentResults) => new Map(x.runs.filter((run) => run.method === 'outcome' && regimeOf(run) === regime)
    .map((run) => [run.seed, `${run.before.accuracy} ${run.before.cot_tokens} ${run.before.backtracking}`]));
  const mine = before(r);
  const theirs = before(ref);
  const shared = [...mine.keys()].filter((seed) => theirs.has(seed));
  if (shared.length === 0) return '?';
  return shared.every((seed) => mine.get(seed) === theirs.get(seed)) ? 'current' : 'earlier';
}

/** A row's runs: its one file, or its files combined (combineResults refuses files whose outcome-only settings differ, or a seed that comes twice). */
export function rowResults(read: Read, row: EstimatorRow): ExperimentResults {
  if (row.paths.length === 0) throw new Error(`estimatorRows: a ${row.estimator} row has no results file`);
  return row.paths.length === 1 ? load(read, row.paths[0]) : combineResults(row.paths.map((p) => load(read, p)), row.regime);
}

/** Rows of (file, estimator); `ref` holds runs from the current checkpoint (the GRPO main runs). */
export function estimatorRows(read: Read, rows: EstimatorRow[], ref: ExperimentResults): string {
  const out = ['| estimator | α | steps | seeds | SFT checkpoint · its sampled accuracy | accuracy: outcome → RePro (Δ [95 % CI]) | CoT tokens (relative [95 % CI]) | backtracking | tokens after certainty (fixed judge) | margins met: non-inferior, −20 %, −50 % |',
    '|---|---|---|---|---|---|---|---|---|---|'];
  for (const row of rows) {
    const r = rowResults(read, row);
    const c = comparisonOf(r, row.regime, row.estimator);
    const norm = row.estimator !== 'grpo' && c.runs.runs.some((x) => x.method === 'repro' && x.process_reward_norm === 'group') ? ' (r̃ per group)' : '';
    const a = c.sampled('accuracy');
    const lens = (k: keyof EvalSummary, d: number) => { const m = c.sampled(k); return `${f(m.outcome.mean, d)} → ${f(m.repro.mean, d)} (${rel(m)})`; };
    const start = startingCheckpoint(c.runs, ref, row.regime);
    const ckpt = `${start === 'earlier' ? 'earlier (superseded)' : start} · ${f(a.before.mean, 3)}`;
    out.push(`| ${ESTIMATOR_LABELS[row.estimator]} | ${c.alpha}${norm} | ${c.steps} | ${c.seeds.length} | ${ckpt} | ${f(a.outcome.mean, 3)} → ${f(a.repro.mean, 3)} (${diffCi(a.diff, 3)}) | ` +
      `${lens('cot_tokens', 2)} | ${lens('backtracking', 2)} | ${lens('tokens_after_certainty', 2)} | ${marginMarks(c)} |`);
  }
  out.push('', MARKS_NOTE);
  return out.join('\n');
}
