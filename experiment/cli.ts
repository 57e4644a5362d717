// `npm run experiment` options: one table entry per flag, so a new flag (e.g. --estimator) is one
// line here. Every value is checked up front, not hours later in the page.
import { ADV_ESTIMATORS, PROCESS_REWARD_NORMS, presetConfig, type AdvEstimator, type ProcessRewardNorm } from '../src/rl/config.ts';
import { parseRegime, REGIME_LLAMA_MODEL_DIR, TASK_REGIMES, type TaskRegime } from '../src/task/regime.ts';
import { LORA_TARGETS, validateLoraConfig, type LoraTarget } from '../src/engine/lora/loraConfig.ts';
import { BUNDLED_ENGINE_MODELS, type BundledEngineModel } from '../src/worker/runModel.ts';
import { checkpointUrlOf, CI_SPEC, FULL_SPEC, type ExperimentSpec } from './spec.ts';

export interface ExperimentArgs {
  spec: ExperimentSpec;
  timeoutMs: number;
  /** null: the default folder (experiment/) */
  outDir: string | null;
  /** --outcome-from: a results.json whose outcome-only runs this (RePro-only) run reuses */
  outcomeFrom: string | null;
  /** --model / --lora / --lora-*: read in any order, turned into spec.model once all are read */
  engine: { model: BundledEngineModel | null; lora: boolean; r: number | null; alpha: number | null; targets: LoraTarget[] | null };
}

/**
 * LoRA defaults of the experiment: r 16 on all seven linears (the bench's lora-step-vs-full-step
 * setting), α 32 (scale α/r = 2, the common RL-with-PEFT choice; PEFT's own default α = r gives 1).
 */
export const EXPERIMENT_LORA = { r: 16, lora_alpha: 32, target_modules: [...LORA_TARGETS] } as const;

/** A bundled engine model by name or by its folder (public/models/NAME, /models/NAME/). */
export function bundledModelName(v: string): BundledEngineModel {
  const name = v.replace(/^\.?\/?(public\/)?\/?models\//, '').replace(/\/+$/, '');
  if (!(name in BUNDLED_ENGINE_MODELS)) throw new Error(`no bundled engine model ${JSON.stringify(v)} (bundled under public/models/: ${Object.keys(BUNDLED_ENGINE_MODELS).join(', ')})`);
  return name as BundledEngineModel;
}

/** The regime a bundled engine model was SFT'd on (src/task/regime.ts REGIME_LLAMA_MODEL_DIR), null when none says. */
function regimeOfModel(name: BundledEngineModel): TaskRegime | null {
  return TASK_REGIMES.find((g) => REGIME_LLAMA_MODEL_DIR[g] === `models/${name}`) ?? null;
}

const positive = (what: string, v: string): number => {
  const x = Number(v);
  if (!(Number.isFinite(x) && x > 0)) throw new Error(`${what} must be a positive number, got ${JSON.stringify(v)}`);
  return x;
};

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
  '--prompts': override('per_device_train_batch_size'),
  '--group': override('num_generations'),
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
  '--model': (a, v) => { a.engine.model = bundledModelName(v); },
  '--lora-r': (a, v) => { a.engine.r = positive('r', v); },
  '--lora-alpha': (a, v) => { a.engine.alpha = positive('lora_alpha', v); },
  '--lora-targets': (a, v) => {
    const list = v.split(',');
    const bad = list.find((t) => !(LORA_TARGETS as readonly string[]).includes(t));
    if (bad !== undefined) throw new Error(`must be PEFT module names from ${LORA_TARGETS.join(',')} (comma-separated), got ${JSON.stringify(bad)}`);
    a.engine.targets = list as LoraTarget[];
  },
};

/** Flags without a value. */
const SWITCHES = ['--full', '--lora'];

/** --model and its LoRA settings into the spec: the model's folder, its regime, the checked adapter. */
function applyEngine(args: ExperimentArgs, regimeGiven: boolean): void {
  const e = args.engine;
  if (e.model === null) {
    if (e.lora || e.r !== null || e.alpha !== null || e.targets !== null) throw new Error('experiment: --lora and --lora-* need --model (the toy GPT-2 trains with full weights)');
    return;
  }
  if (!e.lora) throw new Error(`experiment: --model ${e.model} needs --lora (engine models train LoRA adapters only; the base stays frozen)`);
  const regime = regimeOfModel(e.model);
  if (regime === null) throw new Error(`experiment: no regime is recorded for ${e.model} (src/task/regime.ts REGIME_LLAMA_MODEL_DIR)`);
  if (regimeGiven && args.spec.regime !== regime) throw new Error(`experiment: ${e.model} was SFT'd on the ${regime} regime, not ${args.spec.regime}`);
  let lora;
  try {
    lora = validateLoraConfig({ r: e.r ?? EXPERIMENT_LORA.r, lora_alpha: e.alpha ?? EXPERIMENT_LORA.lora_alpha, target_modules: e.targets ?? [...EXPERIMENT_LORA.target_modules], lora_dropout: 0 });
  } catch (err) {
    throw new Error(`experiment: --lora-*: ${(err as Error).message}`);
  }
  args.spec = { ...args.spec, regime, checkpointUrl: `/models/${e.model}/`, model: { name: e.model, lora } };
}

export function parseExperimentArgs(argv: string[]): ExperimentArgs {
  const full = argv.includes('--full');
  const args: ExperimentArgs = {
    spec: full ? FULL_SPEC : CI_SPEC, timeoutMs: (full ? 600 : 90) * 60_000, outDir: null, outcomeFrom: null,
    engine: { model: null, lora: false, r: null, alpha: null, targets: null },
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--full') continue;
    if (a === '--lora') { args.engine.lora = true; continue; }
    const apply = EXPERIMENT_OPTIONS[a];
    if (!apply) throw new Error(`experiment: unknown argument ${JSON.stringify(a)} (options: ${SWITCHES.join(' ')} ${Object.keys(EXPERIMENT_OPTIONS).join(' ')})`);
    const v = argv[++i];
    if (v === undefined) throw new Error(`experiment: ${a} needs a value`);
    try { apply(args, v); } catch (e) { throw new Error(`experiment: ${a}: ${(e as Error).message}`); }
  }
  applyEngine(args, argv.includes('--regime'));
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
