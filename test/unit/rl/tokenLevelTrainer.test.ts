// PPO (GAE + critic) and REINFORCE++ in the trainer, on the float64 CPU reference (policy and
// critic): advantages against an independent recomputation, α = 0 bit-exact, warm-up, KL in the
// reward, and an exact checkpoint resume that carries the critic and its optimizer state.
import { describe, expect, it } from 'vitest';
import { GrpoTrainer } from '../../../src/rl/trainer.ts';
import { presetConfig, type GrpoConfig } from '../../../src/rl/config.ts';
import { CpuCritic } from '../../../src/engine/cpu/critic.ts';
import { initCriticParams } from '../../../src/engine/critic.ts';
import { decodeTrainerCheckpoint, encodeTrainerCheckpoint } from '../../../src/rl/checkpoint.ts';
import { scoreRollouts } from '../../../src/rl/scoring.ts';
import { toyTokenizer } from '../../../src/task/tokenizer.ts';
import { ANSWER_MARKER } from '../../../src/task/format.ts';
import { ScriptedPolicy } from './scriptedPolicy.ts';
import { toyEnv } from '../../../src/rl/task/env.ts';

/** The scripted policy writes 1-digit problems' traces. */
const ONE_DIGIT = { env: toyEnv({ min_digits: 1, max_digits: 1 }) };

function cfg(method: 'outcome' | 'repro', over: Partial<GrpoConfig>): GrpoConfig {
  return presetConfig(method, {
    num_generations: 4, per_device_train_batch_size: 2, max_completion_length: 56,
    learning_rate: 1e-2, eval_every: 0, eval_size: 4, seed: 7, ...over,
  });
}

async function critic(policy: ScriptedPolicy, seed = 3): Promise<CpuCritic> {
  return new CpuCritic(policy.config, initCriticParams(policy.config, await policy.getParams(), seed));
}

/** Independent float64 reference: token rewards, GAE (λ-return form), whitening; completion-indexed. */
function referencePpo(rewards: number[], values: number[], gamma: number, lam: number): number[] {
  const n = rewards.length;
  const out: number[] = [];
  for (let t = 0; t < n; t++) {
    let a = 0;
    for (let l = 0; t + l < n; l++) {
      const next = t + l + 1 < n ? values[t + l + 1] : 0;
      a += (gamma * lam) ** l * (rewards[t + l] + gamma * next - values[t + l]);
    }
    out.push(a);
  }
  return out;
}
function whiten(rows: number[][]): number[][] {
  const flat = rows.flat();
  const m = flat.reduce((a, b) => a + b, 0) / flat.length;
  const v = flat.reduce((a, x) => a + (x - m) ** 2, 0) / (flat.length - 1);
  return rows.map((r) => r.map((x) => (x - m) / Math.sqrt(v + 1e-8)));
}

describe('token-level estimators in the trainer (repro-method.md §11)', () => {
  it('PPO: the step\'s advantages and returns equal an independent GAE of the token rewards with the critic\'s values', async () => {
    const policy = new ScriptedPolicy(3);
    const c = cfg('repro', { adv_estimator: 'gae', process_reward_coef: 0.5, gamma: 0.97, lam: 0.9 });
    const v = await critic(policy);
    const trainer = await GrpoTrainer.create(policy, c, {}, v, ONE_DIGIT);
    const prep = await trainer.prepareStep();
    expect(prep.scores!.some((s) => s.rewards.length >= 2)).toBe(true);
    const values = v.values64(prep.batch.inputs, prep.batch.B, prep.batch.T);
    const T = prep.batch.T;
    const rows = prep.rollouts.map((r, i) => {
      const n = r.completion.length;
      const P = r.promptIds.length;
      const rew = new Array<number>(n).fill(0);
      rew[n - 1] += r.reward;
      prep.scores![i].segmentEnds.forEach((e, j) => { rew[e - 1] += 0.5 * prep.scores![i].rewards[j]; });
      const val = Array.from({ length: n }, (_, k) => Math.fround(values[i * T + P - 1 + k]));
      return { rew, val, P };
    });
    const expected = whiten(rows.map((x) => referencePpo(x.rew, x.val, 0.97, 0.9)));
    prep.advantages.forEach((a, i) => a.forEach((x, t) => expect(x).toBeCloseTo(expected[i][t], 9)));
    // the returns sit in the batch layout at each completion token's position
    const r0 = rows[0];
    const ret0 = referencePpo(r0.rew, r0.val, 0.97, 0.9).map((a, t) => a + r0.val[t]);
    ret0.forEach((x, t) => expect(prep.ppo!.returns[r0.P - 1 + t]).toBeCloseTo(x, 5));
    expect(Number.isFinite(prep.ppo!.explainedVariance)).toBe(true);

    const m = await trainer.trainStep();
    expect(m.valueLoss).toBeGreaterThan(0);
    expect(m.valueClipFrac).toBeGreaterThanOrEqual(0);
    expect(Number.isFinite(m.explainedVariance!)).toBe(true);
    expect(m.timings.critic).toBeGreaterThan(0);
  });

  it('REINFORCE++: advantages are the batch-whitened return-to-go; no critic', async () => {
    const policy = new ScriptedPolicy(4);
    const c = cfg('repro', { adv_estimator: 'reinforce_plus_plus', process_reward_coef: 0.3, gamma: 1 });
    const trainer = await GrpoTrainer.create(policy, c, {}, null, ONE_DIGIT);
    const prep = await trainer.prepareStep();
    const G = prep.rollouts.map((r, i) => {
      const n = r.completion.length;
      const rew = new Array<number>(n).fill(0);
      rew[n - 1] += r.reward;
      prep.scores![i].segmentEnds.forEach((e, j) => { rew[e - 1] += 0.3 * prep.scores![i].rewards[j]; });
      return rew.map((_, t) => rew.slice(t).reduce((a, b) => a + b, 0));
    });
    const expected = whiten(G);
    prep.advantages.forEach((a, i) => a.forEach((x, t) => expect(x).toBeCloseTo(expected[i][t], 10)));
    expect(prep.ppo).toBeNull();
    const m = await trainer.trainStep();
    expect(m.valueLoss).toBeNull();
    expect(m.skipped).toBe(false);
  });

  it('α = 0: no probes, and the advantages are the outcome-only ones to the last bit (PPO and REINFORCE++)', async () => {
    for (const est of ['gae', 'reinforce_plus_plus'] as const) {
      const policy = new ScriptedPolicy(5);
      const c = cfg('outcome', { adv_estimator: est });
      const trainer = await GrpoTrainer.create(policy, c, {}, est === 'gae' ? await critic(policy) : null, ONE_DIGIT);
      const prep = await trainer.prepareStep();
      expect(policy.probeCalls).toBe(0);
      // the same rollouts with real RePro scores, at α = 0, give the same bits
      const scores = await scoreRollouts(policy, prep.rollouts, {
        topK: 8, w: 0.5, probeIds: toyTokenizer.encode(ANSWER_MARKER), answerIds: (r) => toyTokenizer.encode(r.problem.answer), blockSize: policy.config.blockSize,
      });
      expect(scores.some((s) => s.rewards.some((r) => r !== 0))).toBe(true);
      const { stepTokenRewards, reinforcePlusPlusAdvantages, gaeAdvantages, completionRows } = await import('../../../src/rl/estimators/stepEstimates.ts');
      const rew = stepTokenRewards(prep.rollouts, scores, { alpha: 0 });
      const adv = est === 'reinforce_plus_plus'
        ? reinforcePlusPlusAdvantages(rew, c.gamma)
        : gaeAdvantages(rew, completionRows(prep.ppo!.oldValues, prep.rollouts.map((r) => r.promptIds.length), prep.rollouts.map((r) => r.completion.length), prep.batch.T), c.gamma, c.lam).advantages;
      adv.forEach((a, i) => expect(Buffer.from(a.buffer).equals(Buffer.from(prep.advantages[i].buffer)), `${est} row ${i}`).toBe(true));
    }
  });

  it('critic warm-up freezes the policy for critic_warmup steps while the critic trains', async () => {
    const policy = new ScriptedPolicy(6);
    const v = await critic(policy);
    const logs: string[] = [];
    const trainer = await GrpoTrainer.create(policy, cfg('repro', { adv_estimator: 'gae', critic_warmup: 2 }), { onLog: (l) => logs.push(l) }, v, ONE_DIGIT);
    const p0 = Array.from(await policy.getParams());
    const c0 = Array.from(await v.getParams());
    const m1 = await trainer.trainStep();
    await trainer.trainStep();
    expect(Array.from(await policy.getParams())).toEqual(p0);
    expect(Array.from(await v.getParams())).not.toEqual(c0);
    expect(Number.isNaN(m1.loss) && m1.skipped === false).toBe(true);
    expect(logs.filter((l) => /critic warm-up/.test(l))).toHaveLength(2);
    await trainer.trainStep();
    expect(Array.from(await policy.getParams())).not.toEqual(p0);
  });

  it('KL in the reward: −kl_coef·(log π_old − log π_ref) on every token; 0 while π = π_ref', async () => {
    const policy = new ScriptedPolicy(2);
    const c = cfg('outcome', { adv_estimator: 'reinforce_plus_plus', use_kl_in_reward: true, kl_coef: 0.5 });
    const with_ = await GrpoTrainer.create(policy, c, {}, null, ONE_DIGIT);
    const a = await with_.prepareStep();
    const plain = await GrpoTrainer.create(new ScriptedPolicy(2), { ...c, use_kl_in_reward: false }, {}, null, ONE_DIGIT);
    const b = await plain.prepareStep();
    // π_old = π_ref at step 1: the penalty is exactly 0
    a.advantages.forEach((x, i) => expect(Array.from(x)).toEqual(Array.from(b.advantages[i])));
    await with_.trainStep(); // the policy moves away from the reference
    const a2 = await with_.prepareStep();
    expect(a2.refLogp).not.toBeNull();
    const { stepTokenRewards, reinforcePlusPlusAdvantages } = await import('../../../src/rl/estimators/stepEstimates.ts');
    const noKl = reinforcePlusPlusAdvantages(stepTokenRewards(a2.rollouts, null, { alpha: 0 }), c.gamma);
    expect(a2.advantages.some((x, i) => x.some((y, t) => y !== noKl[i][t]))).toBe(true);
    expect(() => presetConfig('repro', { use_kl_in_reward: true })).toThrow(/use_kl_in_reward applies to gae and reinforce_plus_plus/);
  });

  it('config: the estimator fields are validated and old configs read as GRPO', async () => {
    expect(() => presetConfig('repro', { adv_estimator: 'ppo' as never })).toThrow(/adv_estimator must be one of grpo \| gae \| reinforce_plus_plus/);
    expect(() => presetConfig('repro', { lam: 1.5 })).toThrow(/lam must be in \[0, 1\]/);
    expect(() => presetConfig('repro', { cliprange_value: 0 })).toThrow(/cliprange_value/);
    expect(() => presetConfig('repro', { process_reward_norm: 'batch' as never })).toThrow(/process_reward_norm must be one of none \| group/);
    await expect(GrpoTrainer.create(new ScriptedPolicy(1), cfg('repro', { adv_estimator: 'gae' }))).rejects.toThrow(/needs a critic/);
    const old: Record<string, unknown> = { ...cfg('repro', {}) };
    for (const k of ['adv_estimator', 'gamma', 'lam', 'cliprange_value', 'critic_lr', 'critic_warmup', 'kl_coef', 'use_kl_in_reward', 'process_reward_norm']) delete old[k];
    const t = await GrpoTrainer.create(new ScriptedPolicy(1), old as unknown as GrpoConfig, {}, null, ONE_DIGIT);
    expect(t.config.adv_estimator).toBe('grpo');
    expect(t.config.process_reward_norm).toBe('none');
  });

  it('a PPO checkpoint round-trip resumes bit-exactly, critic and its AdamW state included', async () => {
    const c = cfg('repro', { adv_estimator: 'gae', num_iterations: 2 });
    const pa = new ScriptedPolicy(4);
    const va = await critic(pa);
    const a = await GrpoTrainer.create(pa, c, {}, va, ONE_DIGIT);
    await a.trainStep();
    await a.trainStep();
    const bytes = encodeTrainerCheckpoint(await a.snapshot());
    // CPU models keep float64 state; the file holds float32 (as a GPU engine does)
    await pa.setParams(await pa.getParams());
    await pa.setOptimizerState(await pa.getOptimizerState());
    await va.setParams(await va.getParams());
    await va.setOptimizerState(await va.getOptimizerState());

    const snap = decodeTrainerCheckpoint(bytes);
    expect(snap.critic!.t).toBe(4);
    const pb = new ScriptedPolicy(99);
    const vb = new CpuCritic(pb.config, initCriticParams(pb.config, await pb.getParams(), 42));
    const b = await GrpoTrainer.restore(pb, snap, {}, vb);
    const strip = (m: { timings: unknown }) => ({ ...m, timings: null });
    for (let k = 0; k < 2; k++) expect(strip(await b.trainStep())).toEqual(strip(await a.trainStep()));
    expect(Array.from(await vb.getParams())).toEqual(Array.from(await va.getParams()));
    expect(Array.from(await pb.getParams())).toEqual(Array.from(await pa.getParams()));
    // a PPO checkpoint without its critic is refused with a clear message
    const noCritic = encodeTrainerCheckpoint({ ...(await a.snapshot()), critic: null });
    expect(() => decodeTrainerCheckpoint(noCritic)).toThrow(/has no critic/);
  });
});
