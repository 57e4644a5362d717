// GRPO with the RePro process reward (repro-method.md §9) on the toy task, and the token-level
// estimators PPO (GAE with a critic) and REINFORCE++ (§11) chosen by config.adv_estimator. GPU-free: it drives any
// TrainableModel (GpuModel in the browser, the float64 CpuModel in Node tests).
//
// One step, top to bottom:
//   draw prompts → sample G completions each → verifier rewards → RePro scoring (top-k segments,
//   J probes batched over the whole step; skipped when α = 0) → advantages → μ × (forward, loss,
//   backward, step) → metrics → held-out eval every eval_every steps. PPO / REINFORCE++: the
//   advantages come from token rewards (./tokenLevel.ts); PPO also updates its critic each step.
import type { TrainableModel } from '../engine/types.ts';
import type { ValueModel } from '../engine/critic.ts';
import { Rng } from '../sampling/rng.ts';
import { ANSWER_MARKER, formatPrompt } from '../task/format.ts';
import { heldOutProblems, makeProblem, type Problem } from '../task/problem.ts';
import { toyTokenizer } from '../task/tokenizer.ts';
import { EOS_ID } from '../task/vocab.ts';
import { adamWFromConfig, validateGrpoConfig, withEstimatorDefaults, type GrpoConfig } from './config.ts';
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

/** The fixed held-out set's seed: every run and seed evaluates on the same problems. */
export const HELDOUT_SEED = 20251201;

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
  private readonly rng: Rng;
  private readonly taskRng: Rng;
  /** built on first use: a tiny digit range may not hold eval_size distinct held-out problems */
  private heldOut: Problem[] | null = null;
  private refParams: Float32Array | null = null;
  private readonly probeIds = toyTokenizer.encode(ANSWER_MARKER);
  private callbacks: TrainerCallbacks;

  private constructor(engine: TrainableModel, config: GrpoConfig, callbacks: TrainerCallbacks, critic: ValueModel | null) {
    config = withEstimatorDefaults(config);
    validateGrpoConfig(config);
    if (config.adv_estimator === 'gae' && critic === null) throw new Error('adv_estimator "gae" (PPO) needs a critic (a ValueModel); none was given');
    if (critic !== null && config.adv_estimator !== 'gae') throw new Error(`a critic was given but adv_estimator is "${config.adv_estimator}" (only "gae" uses one)`);
    this.engine = engine;
    this.critic = critic;
    this.config = { ...config };
    this.callbacks = callbacks;
    this.rng = new Rng(config.seed);
    this.taskRng = new Rng(config.seed);
  }

  /** A fresh run from the engine's current weights (the reference policy when beta > 0). */
  static async create(engine: TrainableModel, config: GrpoConfig, callbacks: TrainerCallbacks = {}, critic: ValueModel | null = null): Promise<GrpoTrainer> {
    const t = new GrpoTrainer(engine, config, callbacks, critic);
    // a model with its own reference policy (LoRA: the base, adapters off) needs no copy of it
    if (t.needsReference() && !engine.referenceForward) t.refParams = await engine.getParams();
    return t;
  }

  /** A run resumed exactly from a snapshot: weights, optimizer, RNG streams, step and history. */
  static async restore(engine: TrainableModel, snap: TrainerSnapshot, callbacks: TrainerCallbacks = {}, critic: ValueModel | null = null): Promise<GrpoTrainer> {
    const t = new GrpoTrainer(engine, snap.state.config, callbacks, critic);
    if (critic !== null) {
      if (!snap.critic) throw new RangeError('the snapshot has no critic state to restore the PPO critic from');
      await critic.setParams(snap.critic.params);
      await critic.setOptimizerState({ m: snap.critic.m, v: snap.critic.v, t: snap.critic.t });
    }
    await engine.setParams(snap.params);
    await engine.setOptimizerState({ m: snap.m, v: snap.v, t: snap.state.optimizerT });
    t.rng.setState(snap.state.rngState);
    const task = snap.state.taskRngState;
    if (typeof task === 'number') {
      // Saved while the task drew from mulberry32 (one uint32): that stream cannot be continued by
      // xoshiro128**, so the problems go on from a stream seeded by the saved state, and the log says so.
      t.taskRng.setState(new Rng(task).getState());
      callbacks.onLog?.(`problem stream: this run was saved by an older version (task PRNG mulberry32); its prompts continue from a new xoshiro128** stream seeded by the saved state, not the ones it would have drawn`);
    } else {
      t.taskRng.setState(task);
    }
    t.step = snap.state.step;
    t.history.push(...snap.state.history);
    t.evalHistory.push(...snap.state.evalHistory);
    t.refParams = snap.refParams;
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
        taskRngState: this.taskRng.getState(),
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
    const problems = Array.from({ length: c.per_device_train_batch_size }, () =>
      makeProblem(this.taskRng, { minDigits: c.min_digits, maxDigits: c.max_digits, split: 'train' }));
    const promptIds = problems.map((p) => toyTokenizer.encode(formatPrompt(p.question)));
    const prompts = promptIds.flatMap((p) => Array.from({ length: G }, () => p));

    let t0 = performance.now();
    const sampled = await this.engine.sample(prompts, {
      maxNewTokens: c.max_completion_length, temperature: c.temperature, topK: 0, topP: 1,
      seed: this.rng.nextUint32(), stopIds: [EOS_ID],
    });
    const samplingMs = performance.now() - t0;
    const rollouts = prompts.map((p, i) => {
      const g = Math.floor(i / G);
      return parseRollout(g, problems[g], p, sampled.tokens[i], sampled.entropy[i], c.segment_delimiter);
    });

    t0 = performance.now();
    const scores = c.process_reward_coef > 0
      ? await scoreRollouts(this.engine, rollouts, {
        topK: c.entropy_top_k, w: c.process_weight_w, probeIds: this.probeIds,
        answerIds: (r) => toyTokenizer.encode(r.problem.answer), blockSize: this.engine.config.blockSize,
      })
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
    this.heldOut ??= heldOutProblems(HELDOUT_SEED, c.eval_size, { minDigits: c.min_digits, maxDigits: c.max_digits });
    const r = await evaluatePolicy(this.engine, this.heldOut, {
      maxNewTokens: c.max_completion_length, temperature: 0, seed: c.seed, delimiter: c.segment_delimiter, w: c.process_weight_w,
      chunkSize: this.heldOut.length,
    });
    const e: EvalMetrics = { step: this.step, ...r.metrics };
    this.evalHistory.push(e);
    this.callbacks.onEval?.(e);
    return e;
  }

  /** A KL needs π_ref: the k3 loss (β > 0) or the k1 penalty in the token rewards. */
  private needsReference(): boolean {
    const c = this.config;
    return c.beta > 0 || (c.use_kl_in_reward && c.kl_coef > 0);
  }

  /**
   * log π_ref on the batch: the model's own reference forward when it has one, else by swapping
   * the reference weights in (null when the run keeps no reference).
   */
  private async referenceLogProbs(batch: PolicyBatch): Promise<Float32Array | null> {
    if (this.engine.referenceForward && this.needsReference()) {
      return (await this.engine.referenceForward(batch.inputs, batch.targets, batch.B, batch.T)).logProbs.slice();
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

function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}
