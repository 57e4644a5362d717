// `npm run experiment` options: one table entry per flag, so a new flag (e.g. --estimator) is one
// line here. Every value is checked up front, not hours later in the page.
import { ADV_ESTIMATORS, PROCESS_REWARD_NORMS, presetConfig, type AdvEstimator, type ProcessRewardNorm } from '../src/rl/config.ts';
import { parseRegime } from '../src/task/regime.ts';
import { checkpointUrlOf, CI_SPEC, FULL_SPEC, type ExperimentSpec } from './spec.ts';

export interface ExperimentArgs {
  spec: ExperimentSpec;
  timeoutMs: number;
  /** null: the default folder (experiment/) */
  outDir: string | null;
  /** --outcome-from: a results.json whose outcome-only runs this (RePro-only) run reuses */
  outcomeFrom: string | null;
}

type Apply = (args: ExperimentArgs, value: string) => void;
const override = (key: string): Apply => (a, v) => { a.spec = { ...a.spec, overrides: { ...a.spec.overrides, [key]: Number(v) } }; };

/** flag → what its value does (flags without a value are handled in parseExperimentArgs) */
export const EXPERIMENT_OPTIONS: Record<string, Apply> = {
  '--regime': (a, v) => {
    const regime = parseRegime(v);
    a.spec = { ...a.spec, regime, checkpointUrl: checkpointUrlOf(regime) };
  },
  '--seeds': (a, v) => { a.spec = { ...a.spec, seeds: v.split(',').map((s) => Number(s)) }; },
  '--steps': (a, v) => { a.spec = { ...a.spec, steps: Number(v) }; },
  '--eval-samples': (a, v) => { a.spec = { ...a.spec, evalSamples: Number(v) }; },
  '--eval-every': (a, v) => { a.spec = { ...a.spec, evalEvery: Number(v) }; },
  '--lr': override('learning_rate'),
  '--alpha': override('process_reward_coef'),
  '--top-k': override('entropy_top_k'),
  '--w': override('process_weight_w'),
  '--process-norm': (a, v) => {
    if (!PROCESS_REWARD_NORMS.includes(v as ProcessRewardNorm)) throw new Error(`must be ${PROCESS_REWARD_NORMS.join(' | ')}, got ${JSON.stringify(v)}`);
    a.spec = { ...a.spec, overrides: { ...a.spec.overrides, process_reward_norm: v as ProcessRewardNorm } };
  },
  '--estimator': (a, v) => {
    const list = v.split(',') as AdvEstimator[];
    const bad = list.find((e) => !ADV_ESTIMATORS.includes(e));
    if (bad !== undefined) throw new Error(`must be ${ADV_ESTIMATORS.join(' | ')} (comma-separated for several), got ${JSON.stringify(bad)}`);
    a.spec = { ...a.spec, estimators: list };
  },
  '--timeout-min': (a, v) => { a.timeoutMs = Number(v) * 60_000; },
  '--out': (a, v) => { a.outDir = v; },
  '--methods': (a, v) => {
    const list = v.split(',');
    const bad = list.find((m) => m !== 'outcome' && m !== 'repro');
    if (bad !== undefined || list.length === 0) throw new Error(`must be outcome, repro or outcome,repro, got ${JSON.stringify(bad ?? v)}`);
    a.spec = { ...a.spec, methods: [...new Set(list)] as ('outcome' | 'repro')[] };
  },
  '--outcome-from': (a, v) => { a.outcomeFrom = v; },
};

export function parseExperimentArgs(argv: string[]): ExperimentArgs {
  const full = argv.includes('--full');
  const args: ExperimentArgs = { spec: full ? FULL_SPEC : CI_SPEC, timeoutMs: (full ? 600 : 90) * 60_000, outDir: null, outcomeFrom: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--full') continue;
    const apply = EXPERIMENT_OPTIONS[a];
    if (!apply) throw new Error(`experiment: unknown argument ${JSON.stringify(a)} (options: --full ${Object.keys(EXPERIMENT_OPTIONS).join(' ')})`);
    const v = argv[++i];
    if (v === undefined) throw new Error(`experiment: ${a} needs a value`);
    try { apply(args, v); } catch (e) { throw new Error(`experiment: ${a}: ${(e as Error).message}`); }
  }
  const { spec } = args;
  if (spec.seeds.length === 0 || spec.seeds.some((s) => !Number.isInteger(s))) throw new Error('experiment: --seeds must be integers, e.g. 0,1,2');
  if (new Set(spec.seeds).size !== spec.seeds.length) throw new Error('experiment: --seeds must not repeat a seed');
  if (!Number.isInteger(spec.steps) || spec.steps < 1) throw new Error('experiment: --steps must be a positive integer');
  if (!Number.isInteger(spec.evalSamples) || spec.evalSamples < 1) throw new Error('experiment: --eval-samples must be a positive integer');
  if (!Number.isInteger(spec.evalEvery ?? 0) || (spec.evalEvery ?? 0) < 0) throw new Error('experiment: --eval-every must be an integer ≥ 0 (0: before and after only)');
  const onlyRepro = spec.methods?.length === 1 && spec.methods[0] === 'repro';
  if ((args.outcomeFrom !== null) !== onlyRepro) throw new Error('experiment: --outcome-from FILE and --methods repro go together (the outcome-only runs come from FILE)');
  if (!(args.timeoutMs > 0)) throw new Error('experiment: --timeout-min must be a positive number');
  try {
    presetConfig('repro', spec.overrides); // --lr, --alpha, --top-k, --w
  } catch (e) {
    throw new Error(`experiment: ${(e as Error).message}`);
  }
  return args;
}
