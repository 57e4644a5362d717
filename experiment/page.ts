// The page `npm run experiment` opens in headless Chromium (experiment/run.ts): for each seed,
// outcome-only GRPO and RePro GRPO from the same SFT checkpoint (the toy GPT-2 with full weights, or
// LoRA on an engine model: ./policies.ts), held-out evaluation before, every eval_every steps and
// after (tokens after certainty by the fixed judge: the starting model's J), per-step training
// lengths, results sent back through the headless bridge (scripts/lib/headless.ts).
import { acquireGpu } from '../src/gpu/device.ts';
import { bridge, log } from '../scripts/lib/pageBridge.ts';
import { evaluatePolicy, rejudge } from '../src/rl/evaluate.ts';
import { presetConfig, type GrpoConfig } from '../src/rl/config.ts';
import { GrpoTrainer } from '../src/rl/trainer.ts';
import type { TrainableModel } from '../src/engine/types.ts';
import type { EvalPoint, EvalSummary, ExperimentResults, ExperimentRun } from '../src/rl/report.ts';
import { evalRecord } from './evalRecord.ts';
import { openPolicies } from './policies.ts';
import { CI_SPEC, type ExperimentSpec } from './spec.ts';

function readSpec(): ExperimentSpec {
  const raw = new URLSearchParams(location.search).get('spec');
  const given = raw ? (JSON.parse(raw) as Partial<ExperimentSpec>) : {};
  return { ...CI_SPEC, ...given, overrides: { ...CI_SPEC.overrides, ...given.overrides } };
}

async function main(): Promise<void> {
  const spec = readSpec();
  const ctx = await acquireGpu();
  const adapter = `${ctx.adapterInfo.vendor}/${ctx.adapterInfo.architecture}`;
  const configs = {
    outcome: presetConfig('outcome', spec.overrides),
    repro: presetConfig('repro', spec.overrides),
  };
  // the toy GPT-2 (full weights) or LoRA on an engine model (./policies.ts); the fixed judge of
  // tokens after certainty is the starting model, so every run's responses are measured by one J
  const policies = await openPolicies(ctx, spec, configs.repro);
  const { env } = policies;
  log(`adapter ${adapter}; regime ${spec.regime} (${spec.checkpointUrl}); model ${policies.describe}; seeds ${spec.seeds.join(',')}; ${spec.steps} steps`);
  // the toy task's fixed held-out problems (HELDOUT_SEED), never drawn in training
  const problems = env.task.heldOut(spec.evalProblems);

  // Two views of the policy: greedy (its best guess) and sampled at the training temperature, k
  // samples per problem — overthinking lives in the sampled distribution GRPO trains, and greedy
  // decoding of a well-trained SFT model hides most of it.
  const evaluate = async (model: TrainableModel, cfg: GrpoConfig, temperature: number): Promise<EvalSummary> => {
    const k = temperature === 0 ? 1 : spec.evalSamples;
    const set = problems.flatMap((p) => Array.from({ length: k }, () => p));
    const own = await evaluatePolicy(model, set, {
      maxNewTokens: cfg.max_completion_length, temperature, seed: cfg.seed + 7919, delimiter: cfg.segment_delimiter, w: cfg.process_weight_w,
      chunkSize: set.length, env,
    });
    return evalRecord(own, await rejudge(own, policies.judge, { w: cfg.process_weight_w, chunkSize: set.length }));
  };
  const evalEvery = spec.evalEvery ?? 0;
  const beforeGreedy = await evaluate(policies.start, configs.repro, 0); // the same for every run from this checkpoint
  log(`before (greedy): ${JSON.stringify(beforeGreedy)}`);
  const beforeSampled = new Map<number, EvalSummary>();
  for (const seed of spec.seeds) {
    beforeSampled.set(seed, await evaluate(policies.start, { ...configs.repro, seed }, configs.repro.temperature));
    log(`before (sampled, seed ${seed}): ${JSON.stringify(beforeSampled.get(seed))}`);
  }

  const runs: ExperimentRun[] = [];
  const estimators = spec.estimators ?? ['grpo'];
  for (const estimator of estimators) for (const seed of spec.seeds) {
    for (const method of spec.methods ?? (['outcome', 'repro'] as const)) {
      const cfg = { ...configs[method], seed, adv_estimator: estimator };
      const { model, critic, release } = await policies.fresh(cfg);
      const trainer = await GrpoTrainer.create(model, cfg, {
        onLog: (l) => log(`[${estimator} ${method} s${seed}] ${l}`),
        onMetrics: (m) => log(`[${estimator} ${method} s${seed}] step ${m.step} reward ${m.reward.toFixed(3)} tokens ${m.responseTokens.toFixed(1)} backtracking ${m.backtracking.toFixed(2)} loss ${m.loss.toFixed(4)} (${(m.timings.sampling + m.timings.scoring + m.timings.forwardBackward + m.timings.optimizer).toFixed(0)} ms: sampling ${m.timings.sampling.toFixed(0)}, scoring ${m.timings.scoring.toFixed(0)}, forward-backward ${m.timings.forwardBackward.toFixed(0)}, optimizer ${m.timings.optimizer.toFixed(0)})`),
      }, critic, { env });
      const curve: number[] = [];
      const train = { cot_tokens: [] as number[], backtracking: [] as number[] };
      const evalCurve: EvalPoint[] = [{ step: 0, ...beforeSampled.get(seed)! }];
      const t0 = performance.now();
      for (let s = 1; s <= spec.steps; s++) {
        const m = await trainer.trainStep();
        curve.push(m.reward);
        train.cot_tokens.push(m.cotTokens);
        train.backtracking.push(m.backtracking);
        // the evaluation seed is fixed, so a point differs from the last only by the policy
        if (evalEvery > 0 && s % evalEvery === 0 && s < spec.steps) evalCurve.push({ step: s, ...await evaluate(model, cfg, cfg.temperature) });
      }
      const after = await evaluate(model, cfg, cfg.temperature);
      evalCurve.push({ step: spec.steps, ...after });
      const afterGreedy = await evaluate(model, cfg, 0);
      log(`[${estimator} ${method} s${seed}] after (${((performance.now() - t0) / 1000).toFixed(0)} s): sampled ${JSON.stringify(after)} greedy ${JSON.stringify(afterGreedy)}`);
      release();
      runs.push({
        regime: spec.regime, method, estimator, process_reward_coef: cfg.process_reward_coef, process_reward_norm: cfg.process_reward_norm, seed, steps: spec.steps, before: beforeSampled.get(seed)!, after,
        greedy: { before: beforeGreedy, after: afterGreedy }, reward_curve: curve, train_curve: train, eval_curve: evalCurve,
      });
    }
  }
  await policies.dispose();
  const results: ExperimentResults = {
    config: { grpo: configs, eval_problems: spec.evalProblems, eval_samples: spec.evalSamples, adapter, full: spec.full, checkpoint: spec.checkpointUrl, tac_judge: 'start', eval_every: evalEvery,
      ...(spec.model ? { model: spec.model } : {}) },
    runs,
  };
  await bridge.__report?.(JSON.stringify(results));
}

main().catch((e: unknown) => {
  log(`error: ${(e as Error).stack ?? String(e)}`);
  throw e;
});
