// The experiment's results.json shape and its before/after markdown table (mean ± std over
// seeds). Pure. The paired comparisons, intervals and plots live in experiment/.
import type { LoraConfig } from '../engine/lora/loraConfig.ts';
import type { AdvEstimator, GrpoConfig } from './config.ts';
import type { TaskRegime } from '../task/regime.ts';

export interface EvalSummary {
  accuracy: number;
  cot_tokens: number;
  backtracking: number;
  /**
   * Tokens after certainty (repro-method.md §10) by the FIXED judge: J of the regime's starting
   * checkpoint, the same for every run of a comparison, so it moves with the text only. NaN (null
   * in JSON) for runs recorded before the judge existed: theirs is tokens_after_certainty_self.
   */
  tokens_after_certainty: number;
  /** the same metric by the evaluated policy's own J (self-judged: it also moves with calibration) */
  tokens_after_certainty_self?: number;
  /** responses with a whole J trajectory under the fixed judge (the TAC mean is over them) */
  tac_covered?: number;
  /** responses evaluated */
  n?: number;
  /** mean CoT tokens of the correct responses only (NaN when none): length that is not an error */
  cot_tokens_correct?: number;
}

/** One held-out evaluation during a run (sampled view, the fixed judge), after `step` training steps. */
export interface EvalPoint extends EvalSummary { step: number }

export interface ExperimentRun {
  /** which SFT checkpoint the run started from (src/task/regime.ts); runs recorded before regimes existed are 'mixed' */
  regime?: TaskRegime;
  method: 'outcome' | 'repro';
  /** the RL estimator (repro-method.md §11); runs without it are GRPO */
  estimator?: AdvEstimator;
  /** α this run trained with (0 for outcome-only); absent in older files: the file's config */
  process_reward_coef?: number;
  /** how gae / reinforce_plus_plus scaled its process rewards (GrpoConfig.process_reward_norm); absent: 'none' */
  process_reward_norm?: 'none' | 'group';
  seed: number;
  steps: number;
  /** sampled at the training temperature, eval_samples responses per held-out problem */
  before: EvalSummary;
  after: EvalSummary;
  /** greedy decoding, one response per held-out problem */
  greedy?: { before: EvalSummary; after: EvalSummary };
  /** mean train reward per step (for the plot) */
  reward_curve: number[];
  /** per step, over the step's training rollouts (sampled at the training temperature) */
  train_curve?: { cot_tokens: number[]; backtracking: number[] };
  /** held-out sampled evaluations every eval_every steps: step 0 is `before`, the last is `after` */
  eval_curve?: EvalPoint[];
}

export interface ExperimentConfig {
  grpo: Record<'outcome' | 'repro', GrpoConfig>; eval_problems: number; eval_samples?: number; adapter: string; full: boolean;
  /** the SFT checkpoint the runs start from */
  checkpoint?: string;
  /**
   * whose J measures tokens_after_certainty: 'start' = the starting checkpoint (fixed judge); 'self'
   * = a file written before the fixed judge, relabelled on reading (experiment/judgeLabels.ts: its
   * figure is tokens_after_certainty_self); absent = such a file not yet relabelled
   */
  tac_judge?: 'start' | 'self';
  /** held-out evaluation every this many steps during a run (eval_curve); 0 or absent = before and after only */
  eval_every?: number;
  /**
   * the model trained: absent = the regime's toy GPT-2, full weights; else the engine model (a
   * bundled folder) with the LoRA adapters trained on it (PEFT's names), its base frozen
   */
  model?: { name: string; lora: LoraConfig };
}

export interface ExperimentResults {
  /** the configuration of the last regime written (older readers); each regime's own in regime_configs */
  config: ExperimentConfig;
  /** one file holds both regimes' runs; each regime's configuration */
  regime_configs?: Partial<Record<TaskRegime, ExperimentConfig>>;
  runs: ExperimentRun[];
}

/** The metrics the tables show, in order (tac_covered and n are shown with the judge's note). */
export const SUMMARY_KEYS: (keyof EvalSummary)[] = ['accuracy', 'cot_tokens', 'backtracking', 'tokens_after_certainty', 'tokens_after_certainty_self', 'cot_tokens_correct'];

/** Mean and sample standard deviation (0 for fewer than two values). */
export function meanStd(xs: number[]): { mean: number; std: number } {
  if (xs.length === 0) return { mean: NaN, std: NaN };
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  if (xs.length < 2) return { mean, std: 0 };
  const ss = xs.reduce((a, x) => a + (x - mean) ** 2, 0);
  return { mean, std: Math.sqrt(ss / (xs.length - 1)) };
}

/** Mean ± std of the values that exist ('—' when none does: a metric an older run did not record). */
function cell(xs: number[], digits: number): string {
  const { mean, std } = meanStd(xs.filter((x) => !Number.isNaN(x)));
  if (Number.isNaN(mean)) return '—';
  return `${mean.toFixed(digits)} ± ${std.toFixed(digits)}`;
}

/**
 * One row per (decoding, method, before/after), one column per metric, mean ± std over seeds;
 * greedy rows only when the runs carry them.
 */
export function markdownTable(results: ExperimentResults): string {
  const lines = [
    `| decoding | method | when | seeds | ${SUMMARY_KEYS.join(' | ')} |`,
    `|---|---|---|---|${SUMMARY_KEYS.map(() => '---').join('|')}|`,
  ];
  const views: [string, (r: ExperimentRun) => { before: EvalSummary; after: EvalSummary } | undefined][] = [
    ['sampled', (r) => r],
    ['greedy', (r) => r.greedy],
  ];
  for (const [decoding, pick] of views) {
    for (const method of ['outcome', 'repro'] as const) {
      const runs = results.runs.filter((r) => r.method === method && pick(r) !== undefined);
      if (runs.length === 0) continue;
      for (const when of ['before', 'after'] as const) {
        const cells = SUMMARY_KEYS.map((k) => cell(runs.map((r) => pick(r)![when][k] ?? NaN), k === 'accuracy' ? 3 : 2));
        lines.push(`| ${decoding} | ${method} | ${when} | ${runs.length} | ${cells.join(' | ')} |`);
      }
    }
  }
  return lines.join('\n') + '\n';
}
