// The page `npm run experiment` opens in headless Chromium (experiment/run.ts): for each seed,
// outcome-only GRPO and RePro GRPO from the same SFT checkpoint, held-out evaluation before, every
// eval_every steps and after (tokens after certainty by the fixed judge: the SFT checkpoint's J),
// per-step training lengths, results sent back through the headless bridge (scripts/lib/headless.ts).
import { acquireGpu } from '../src/gpu/device.ts';
import { bridge, log } from '../scripts/lib/pageBridge.ts';
import { GpuModel } from '../src/engine/gpu/model.ts';
import { GpuCritic } from '../src/engine/gpu/critic.ts';
import { initCriticParams } from '../src/engine/critic.ts';
import { decodeCheckpoint } from '../src/engine/checkpoint.ts';
import { heldOutProblems } from '../src/task/problem.ts';
import { evaluatePolicy, rejudge } from '../src/rl/evaluate.ts';
import { presetConfig, type GrpoConfig } from '../src/rl/config.ts';
import { GrpoTrainer, HELDOUT_SEED } from '../src/rl/trainer.ts';
import type { EvalPoint, EvalSummary, ExperimentResults, ExperimentRun } from '../src/rl/report.ts';
import { evalRecord } from './evalRecord.ts';
import { DEFAULT_TOY_TASK } from '../src/rl/task/settings.ts';
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
  const res = await fetch(spec.checkpointUrl);
  if (!res.ok) throw new Error(`SFT checkpoint ${spec.checkpointUrl}: HTTP ${res.status} (run npm run train:toy first)`);
  const ck = decodeCheckpoint(new Uint8Array(await res.arrayBuffer()));
  log(`adapter ${adapter}; regime ${spec.regime} (${spec.checkpointUrl}); model ${JSON.stringify(ck.config)}; seeds ${spec.seeds.join(',')}; ${spec.steps} steps`);

  const configs = {
    outcome: presetConfig('outcome', spec.overrides),
    repro: presetConfig('repro', spec.overrides),
  };
  // the trainer's default task: the toy problems of DEFAULT_TOY_TASK's digits, held out by HELDOUT_SEED
  const problems = heldOutProblems(HELDOUT_SEED, spec.evalProblems, { minDigits: DEFAULT_TOY_TASK.min_digits, maxDigits: DEFAULT_TOY_TASK.max_digits });
  const rows = configs.repro.per_device_train_batch_size * configs.repro.num_generations;
  const model = await GpuModel.create(ctx, ck.config, ck.params, { maxBatchTokens: Math.max(16, rows) * ck.config.blockSize });
  // The fixed judge of tokens after certainty: the starting checkpoint on a model of its own (the
  // policy's weights move under training), so every run's responses are measured by the same J.
  const judge = await GpuModel.create(ctx, ck.config, ck.params);

  // Two views of the policy: greedy (its best guess) and sampled at the training temperature, k
  // samples per problem — overthinking lives in the sampled distribution GRPO trains, and greedy
  // decoding of a well-trained SFT model hides most of it.
  const evaluate = async (cfg: GrpoConfig, temperature: number): Promise<EvalSummary> => {
    const k = temperature === 0 ? 1 : spec.evalSamples;
    const set = problems.flatMap((p) => Array.from({ length: k }, () => p));
    const own = await evaluatePolicy(model, set, {
      maxNewTokens: cfg.max_completion_length, temperature, seed: cfg.seed + 7919, delimiter: cfg.segment_delimiter, w: cfg.process_weight_w,
      chunkSize: set.length,
    });
    return evalRecord(own, await rejudge(own, judge, { w: cfg.process_weight_w, chunkSize: set.length }));
  };
  const evalEvery = spec.evalEvery ?? 0;
  const beforeGreedy = await evaluate(configs.repro, 0); // the same for every run from this checkpoint
  log(`before (greedy): ${JSON.stringify(beforeGreedy)}`);
  const beforeSampled = new Map<number, EvalSummary>();
  for (const seed of spec.seeds) {
    beforeSampled.set(seed, await evaluate({ ...configs.repro, seed }, configs.repro.temperature));
    log(`before (sampled, seed ${seed}): ${JSON.stringify(beforeSampled.get(seed))}`);
  }

  const runs: ExperimentRun[] = [];
  const estimators = spec.estimators ?? ['grpo'];
  for (const estimator of estimators) for (const seed of spec.seeds) {
    for (const method of spec.methods ?? (['outcome', 'repro'] as const)) {
      const cfg = { ...configs[method], seed, adv_estimator: estimator };
      await model.setParams(ck.params);
      const zero = new Float32Array(ck.params.length);
      await model.setOptimizerState({ m: zero, v: zero.slice(), t: 0 });
      // PPO: a fresh critic on a copy of the SFT trunk per run (repro-method.md §11)
      const critic = estimator === 'gae' ? await GpuCritic.create(ctx, ck.config, initCriticParams(ck.config, ck.params, seed), Math.max(16, rows) * ck.config.blockSize) : null;
      const trainer = await GrpoTrainer.create(model, cfg, {
        onLog: (l) => log(`[${estimator} ${method} s${seed}] ${l}`),
        onMetrics: (m) => log(`[${estimator} ${method} s${seed}] step ${m.step} reward ${m.reward.toFixed(3)} tokens ${m.responseTokens.toFixed(1)} backtracking ${m.backtracking.toFixed(2)} loss ${m.loss.toFixed(4)} (${(m.timings.sampling + m.timings.scoring + m.timings.forwardBackward + m.timings.optimizer).toFixed(0)} ms)`),
      }, critic);
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
        if (evalEvery > 0 && s % evalEvery === 0 && s < spec.steps) evalCurve.push({ step: s, ...await evaluate(cfg, cfg.temperature) });
      }
      const after = await evaluate(cfg, cfg.temperature);
      evalCurve.push({ step: spec.steps, ...after });
      const afterGreedy = await evaluate(cfg, 0);
      log(`[${estimator} ${method} s${seed}] after (${((performance.now() - t0) / 1000).toFixed(0)} s): sampled ${JSON.stringify(after)} greedy ${JSON.stringify(afterGreedy)}`);
      critic?.dispose();
      runs.push({
        regime: spec.regime, method, estimator, process_reward_coef: cfg.process_reward_coef, process_reward_norm: cfg.process_reward_norm, seed, steps: spec.steps, before: beforeSampled.get(seed)!, after,
        greedy: { before: beforeGreedy, after: afterGreedy }, reward_curve: curve, train_curve: train, eval_curve: evalCurve,
      });
    }
  }
  judge.dispose();
  const results: ExperimentResults = {
    config: { grpo: configs, eval_problems: spec.evalProblems, eval_samples: spec.evalSamples, adapter, full: spec.full, checkpoint: spec.checkpointUrl, tac_judge: 'start', eval_every: evalEvery },
    runs,
  };
  await bridge.__report?.(JSON.stringify(results));
}

main().catch((e: unknown) => {
  log(`error: ${(e as Error).stack ?? String(e)}`);
  throw e;
});
