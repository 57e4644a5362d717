// GRPO with the RePro process reward (repro-method.md §9) on any task, and the token-level
// estimators PPO (GAE with a critic) and REINFORCE++ (§11) chosen by config.adv_estimator. GPU-free:
// it drives any TrainableModel (GpuModel in the browser, the float64 CpuModel in Node tests, a LoRA
// model whose params are its adapters) through a TaskEnv: the task (prompts with answers, verifier,
// held-out split) read through the model's format (tokenizer, chat template, stop ids, probe).
//
// One step, top to bottom:
//   draw prompts → sample G completions each → verifier rewards → RePro scoring (top-k segments,
//   J probes batched over the whole step; skipped when α = 0) → advantages → μ × (forward, loss,
//   backward, step) → metrics → held-out eval every eval_every steps. PPO / REINFORCE++: the
//   advantages come from token rewards (./tokenLevel.ts); PPO also updates its critic each step.
import type { ForwardOutput, TrainableModel } from '../engine/types.ts';
import type { ValueModel } from '../engine/critic.ts';
import { Rng } from '../sampling/rng.ts';
import { adamWFromConfig, needsReference, validateGrpoConfig, withEstimatorDefaults, type GrpoConfig } from './config.ts';
import { buildPolicyBatch, type PolicyBatch } from './batch.ts';
import { evaluatePolicy } from './evaluate.ts';
import { stepAdvantages } from './groupAdvantages.ts';
import type { EvalMetrics, RolloutSample, StepMetrics } from './metrics.ts';
import { policyUpdate } from './policyUpdate.ts';
import { mean, parseRollout, type Rollout } from './rollout.ts';
import { scoreRollouts, type RolloutScore } from './scoring.ts';
import { rolloutSamples } from './samples.ts';
import type { TrainerSnapshot } from './snapshot.ts';
import { criticUpdate, tokenLevelAdvantages, type CriticStats, type PpoTargets } from './tokenLevel.ts';
import { TOY_ENV, toyEnv } from './task/env.ts';
import { DEFAULT_TOY_TASK, sameTaskSettings } from './task/settings.ts';
import type { TaskEnv, TaskItem, TrainStream } from './task/types.ts';

export { HELDOUT_SEED } from './task/toyTask.ts';

/**
 * What computes log π_ref (the KL's reference policy) without touching the trained state: a frozen
 * copy of the starting weights, or a LoRA model's base with its adapters off. Without one the
 * trainer keeps the starting weights and swaps them in for each reference forward.
 */
export interface ReferencePolicy {
  forward(inputs: Int32Array, targets: Int32Array, B: number, T: number): Promise<ForwardOutput>;
}

export interface TrainerOptions {
  /** the task and the model's format; default the toy task on the toy model (or, on restore, the snapshot's toy task) */
  env?: TaskEnv;
  /** log π_ref without a swap (see ReferencePolicy); default: the model's referenceForward, else the starting weights, swapped in */
  reference?: ReferencePolicy | null;
}

export interface TrainerCallbacks {
  onMetrics?: (m: StepMetrics) => void;
  onEval?: (e: EvalMetrics) => void;
  onLog?: (line: string) => void;
  /** a few rollouts of each step, segments with their process rewards (the samples panel) */
  onSamples?: (s: RolloutSample[]) => void;
}

export interface PreparedStep {
  rollouts: Rollout[];
  scores: RolloutScore[] | null;
  advantages: Float64Array[];
  batch: PolicyBatch;
  samplingMs: number;
  scoringMs: number;
  /** PPO: the critic's rollout-time values and returns (null for GRPO / REINFORCE++) */
  ppo?: PpoTargets | null;
  /** log π_ref when the reward needed it (KL in the reward) */
  refLogp?: Float32Array | null;
  /** ms in forwards and in the critic spent preparing the advantages (token-level estimators) */
  forwardMs?: number;
  criticMs?: number;
}

export class GrpoTrainer {
  readonly engine: TrainableModel;
  /** the PPO critic (adv_estimator "gae"), else null */
  readonly critic: ValueModel | null;
  readonly config: GrpoConfig;
  /** completed steps */
  step = 0;
  readonly history: StepMetrics[] = [];
  readonly evalHistory: EvalMetrics[] = [];
  /** the task and the model's format the run trains on */
  readonly env: TaskEnv;
  private readonly rng: Rng;
  /** the task's training prompts (seeded by config.seed) */
  private readonly stream: TrainStream;
  /** built on first use: a tiny digit range may not hold eval_size distinct held-out problems */
  private heldOut: TaskItem[] | null = null;
  private refParams: Float32Array | null = null;
  /** what computes log π_ref when the run's KL needs it (TrainerOptions.reference), else null */
  readonly reference: ReferencePolicy | null;
  private callbacks: TrainerCallbacks;

  private constructor(engine: TrainableModel, config: GrpoConfig, callbacks: TrainerCallbacks, critic: ValueModel | null, env: TaskEnv, reference: ReferencePolicy | null) {
    config = withEstimatorDefaults(config);
    validateGrpoConfig(config);
    if (config.adv_estimator === 'gae' && critic === null) throw new Error('adv_estimator "gae" (PPO) needs a critic (a ValueModel); none was given');
    if (critic !== null && config.adv_estimator !== 'gae') throw new Error(`a critic was given but adv_estimator is "${config.adv_estimator}" (only "gae" uses one)`);
    const s = env.task.settings;
    if (config.eval_every > 0 && s.kind === 'prompt-set' && s.heldout_size === 0) {
      throw new RangeError(`eval_every is ${config.eval_every} but the prompt set "${s.name}" has no held-out split: hold some items out or set eval_every to 0`);
    }
    this.engine = engine;
    this.critic = critic;
    this.config = { ...config };
    this.callbacks = callbacks;
    this.env = env;
    this.reference = reference;
    this.rng = new Rng(config.seed);
    this.stream = env.task.trainStream(config.seed);
  }

  /** A fresh run from the engine's current weights (the reference policy when beta > 0). */
  static async create(engine: TrainableModel, config: GrpoConfig, callbacks: TrainerCallbacks = {}, critic: ValueModel | null = null, opts: TrainerOptions = {}): Promise<GrpoTrainer> {
    const t = new GrpoTrainer(engine, config, callbacks, critic, opts.env ?? TOY_ENV, referenceOf(engine, opts));
    if (t.needsReference() && t.reference === null) t.refParams = await engine.getParams();
    return t;
  }

  /**
   * A run resumed exactly from a snapshot: weights, optimizer, RNG streams, step and history. The
   * env must hold the task the snapshot was trained on (a toy run's is rebuilt from its settings).
   */
  static async restore(engine: TrainableModel, snap: TrainerSnapshot, callbacks: TrainerCallbacks = {}, critic: ValueModel | null = null, opts: TrainerOptions = {}): Promise<GrpoTrainer> {
    const saved = snap.state.task ?? DEFAULT_TOY_TASK;
    let env = opts.env;
    if (env === undefined) {
      if (saved.kind !== 'toy-addition') throw new Error(`this run trained on ${saved.kind} "${saved.name}": resuming it needs that prompt set (TrainerOptions.env)`);
      env = toyEnv(saved);
    } else if (!sameTaskSettings(env.task.settings, saved)) {
      throw new RangeError(`the task given (${JSON.stringify(env.task.settings)}) is not the one this run trained on (${JSON.stringify(saved)})`);
    }
    const differs = Object.entries(snap.state.modelConfig).filter(([k, v]) => JSON.stringify((engine.config as unknown as Record<string, unknown>)[k]) !== JSON.stringify(v));
    if (differs.length > 0) {
      throw new RangeError(`this run trained a different model: ${differs.map(([k, v]) => `${k} ${JSON.stringify(v)} (the model given has ${JSON.stringify((engine.config as unknown as Record<string, unknown>)[k])})`).join(', ')}`);
    }
    const t = new GrpoTrainer(engine, snap.state.config, callbacks, critic, env, referenceOf(engine, opts));
    if (critic !== null) {
      if (!snap.critic) throw new RangeError('the snapshot has no critic state to restore the PPO critic from');
      await critic.setParams(snap.critic.params);
      await critic.setOptimizerState({ m: snap.critic.m, v: snap.critic.v, t: snap.critic.t });
    }
    await engine.setParams(snap.params);
    await engine.setOptimizerState({ m: snap.m, v: snap.v, t: snap.state.optimizerT });
    t.rng.setState(snap.state.rngState);
    const note = t.stream.setState(snap.state.taskRngState);
    if (note !== null) callbacks.onLog?.(note);
    t.step = snap.state.step;
    t.history.push(...snap.state.history);
    t.evalHistory.push(...snap.state.evalHistory);
    if (t.needsReference() && t.reference === null) {
      if (snap.refParams === null) throw new RangeError('this run\'s KL needs the reference policy: the snapshot holds no reference weights and no ReferencePolicy was given');
      t.refParams = snap.refParams;
    }
    return t;
  }

  setCallbacks(callbacks: TrainerCallbacks): void {
    this.callbacks = callbacks;
  }

  /** Everything needed to resume bit-exactly. */
  async snapshot(): Promise<TrainerSnapshot> {
    const opt = await this.engine.getOptimizerState();
    return {
      state: {
        version: 1,
        config: { ...this.config },
        modelConfig: { ...this.engine.config },
        step: this.step,
        rngState: this.rng.getState(),
        taskRngState: this.stream.getState() as TrainerSnapshot['state']['taskRngState'],
        task: this.env.task.settings,
        optimizerT: opt.t,
        history: this.history.slice(),
        evalHistory: this.evalHistory.slice(),
      },
      params: await this.engine.getParams(),
      m: opt.m,
      v: opt.v,
      refParams: this.refParams,
      critic: this.critic === null ? null : { params: await this.critic.getParams(), ...(await this.critic.getOptimizerState()) },
    };
  }

  /** Rollouts, rewards, RePro scores, advantages and the policy batch of the next step. */
  async prepareStep(): Promise<PreparedStep> {
    const c = this.config;
    const G = c.num_generations;
    const { task, format } = this.env;
    const problems = Array.from({ length: c.per_device_train_batch_size }, () => this.stream.next());
    const promptIds = problems.map((p) => format.promptIds(task.userText(p)));
    const prompts = promptIds.flatMap((p) => Array.from({ length: G }, () => p));

    let t0 = performance.now();
    const sampled = await this.engine.sample(prompts, {
      maxNewTokens: c.max_completion_length, temperature: c.temperature, topK: 0, topP: 1,
      seed: this.rng.nextUint32(), stopIds: [...format.stopIds],
    });
    const samplingMs = performance.now() - t0;
    const rollouts = prompts.map((p, i) => {
      const g = Math.floor(i / G);
      return parseRollout(g, problems[g], p, sampled.tokens[i], sampled.entropy[i], c.segment_delimiter, this.env);
    });

    t0 = performance.now();
    const scores = c.process_reward_coef > 0
      ? await scoreRollouts(this.engine, rollouts, { topK: c.entropy_top_k, w: c.process_weight_w, blockSize: this.engine.config.blockSize })
      : null;
    const scoringMs = performance.now() - t0;

    if (c.adv_estimator === 'grpo') {
      const advantages = stepAdvantages(rollouts, scores, { alpha: c.process_reward_coef, eps: c.advantage_eps });
      const batch = buildPolicyBatch(prompts, rollouts.map((r) => r.completion), advantages, this.engine.config.blockSize);
      return { rollouts, scores, advantages, batch, samplingMs, scoringMs };
    }
    // Token-level estimators: the batch first (its inputs feed the critic and the KL forwards), then the advantages.
    const zeros = rollouts.map((r) => new Float64Array(r.completion.length));
    const batch = buildPolicyBatch(prompts, rollouts.map((r) => r.completion), zeros, this.engine.config.blockSize);
    const tl = await tokenLevelAdvantages(this.engine, this.critic, c, rollouts, scores, batch, (b) => this.referenceLogProbs(b));
    const filled = buildPolicyBatch(prompts, rollouts.map((r) => r.completion), tl.advantages, this.engine.config.blockSize);
    batch.advantages.set(filled.advantages);
    return { rollouts, scores, advantages: tl.advantages, batch, samplingMs, scoringMs, ppo: tl.ppo, refLogp: tl.refLogp, forwardMs: tl.forwardMs, criticMs: tl.criticMs };
  }

  /** One GRPO step; emits and returns its metrics. The run continues after a rejected update. */
  async trainStep(): Promise<StepMetrics> {
    const c = this.config;
    const prep = await this.prepareStep();
    // PPO: the critic trains first (verl's order); during critic_warmup only the critic does.
    let crit: CriticStats | null = null;
    if (this.critic !== null && prep.ppo) crit = await criticUpdate(this.critic, prep.batch, prep.ppo, c, (l) => this.log(l));
    const warmup = this.critic !== null && this.step < c.critic_warmup;
    const t0 = performance.now();
    const refLogp = c.beta > 0 ? (prep.refLogp ?? await this.referenceLogProbs(prep.batch)) : null;
    const refMs = performance.now() - t0;
    const upd = warmup
      ? { loss: NaN, kl: 0, clipFrac: 0, gradNorm: NaN, skipped: false, forwardBackwardMs: 0, optimizerMs: 0 }
      : await policyUpdate(this.engine, prep.batch, refLogp, {
        iterations: c.num_iterations, epsilon: c.epsilon, beta: c.beta, adamW: adamWFromConfig(c), log: (l) => this.log(l),
      });
    if (warmup) this.log(`step ${this.step + 1}: critic warm-up (${c.critic_warmup} steps), policy frozen`);
    this.step++;
    const { rollouts, scores } = prep;
    const m: StepMetrics = {
      step: this.step,
      reward: mean(rollouts.map((r) => r.reward)),
      responseTokens: mean(rollouts.map((r) => r.completion.length)),
      cotTokens: mean(rollouts.map((r) => r.cotTokens)),
      backtracking: mean(rollouts.map((r) => r.backtracking.length)),
      processReward: scores === null ? null : mean(scores.filter((s) => s.rewards.length > 0).map((s) => sum(s.rewards))),
      kl: upd.kl,
      clipFrac: upd.clipFrac,
      entropy: mean(rollouts.flatMap((r) => r.entropy)),
      loss: upd.loss,
      gradNorm: upd.gradNorm,
      skipped: upd.skipped,
      timings: {
        sampling: prep.samplingMs,
        scoring: prep.scoringMs,
        forwardBackward: upd.forwardBackwardMs + refMs + (prep.forwardMs ?? 0),
        optimizer: upd.optimizerMs,
        critic: (prep.criticMs ?? 0) + (crit?.ms ?? 0),
      },
      valueLoss: crit?.valueLoss ?? null,
      explainedVariance: prep.ppo?.explainedVariance ?? null,
      valueClipFrac: crit?.valueClipFrac ?? null,
    };
    if (crit?.skipped) this.log(`step ${this.step}: critic update rejected; continuing`);
    if (upd.skipped) this.log(`step ${this.step}: update rejected, weights unchanged; continuing`);
    this.history.push(m);
    this.callbacks.onSamples?.(rolloutSamples(prep, 4));
    this.callbacks.onMetrics?.(m);
    if (c.eval_every > 0 && this.step % c.eval_every === 0) await this.evaluate();
    return m;
  }

  /** Held-out evaluation (greedy) of the current policy; recorded in evalHistory and emitted. */
  async evaluate(): Promise<EvalMetrics> {
    const c = this.config;
    this.heldOut ??= this.env.task.heldOut(c.eval_size);
    if (this.heldOut.length === 0) throw new RangeError(`${this.env.task.label}: no held-out items to evaluate on`);
    const r = await evaluatePolicy(this.engine, this.heldOut, {
      maxNewTokens: c.max_completion_length, temperature: 0, seed: c.seed, delimiter: c.segment_delimiter, w: c.process_weight_w,
      chunkSize: this.heldOut.length, env: this.env,
    });
    const e: EvalMetrics = { step: this.step, ...r.metrics };
    this.evalHistory.push(e);
    this.callbacks.onEval?.(e);
    return e;
  }

  private needsReference(): boolean {
    return needsReference(this.config);
  }

  /** log π_ref on the batch: the ReferencePolicy's, else by swapping the reference weights in (null when the run keeps no reference). */
  private async referenceLogProbs(batch: PolicyBatch): Promise<Float32Array | null> {
    if (this.reference !== null && this.needsReference()) {
      return (await this.reference.forward(batch.inputs, batch.targets, batch.B, batch.T)).logProbs.slice();
    }
    if (this.refParams === null) return null;
    const current = await this.engine.getParams();
    await this.engine.setParams(this.refParams);
    const ref = await this.engine.forward(batch.inputs, batch.targets, batch.B, batch.T);
    await this.engine.setParams(current);
    return ref.logProbs.slice();
  }

  private log(line: string): void {
    this.callbacks.onLog?.(line);
  }
}

/** The reference policy given, else the model's own (TrainableModel.referenceForward: LoRA's base, adapters off), else none. */
function referenceOf(engine: TrainableModel, opts: TrainerOptions): ReferencePolicy | null {
  if (opts.reference) return opts.reference;
  const forward = engine.referenceForward?.bind(engine);
  return forward ? { forward } : null;
}

function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}
