import { describe, expect, it } from 'vitest';
import { GrpoTrainer } from '../../../src/rl/trainer.ts';
import { presetConfig, type GrpoConfig } from '../../../src/rl/config.ts';
import { grpoLoss } from '../../../src/rl/loss.ts';
import { buildPolicyBatch } from '../../../src/rl/batch.ts';
import { policyUpdate } from '../../../src/rl/policyUpdate.ts';
import { adamWFromConfig } from '../../../src/rl/config.ts';
import { stepAdvantages } from '../../../src/rl/groupAdvantages.ts';
import { scoreRollouts } from '../../../src/rl/scoring.ts';
import { decodeTrainerCheckpoint, encodeTrainerCheckpoint } from '../../../src/rl/checkpoint.ts';
import { toyTokenizer } from '../../../src/task/tokenizer.ts';
import { ANSWER_MARKER } from '../../../src/task/format.ts';
import { Rng } from '../../../src/sampling/rng.ts';
import { paramLayout } from '../../../src/engine/config.ts';
import { ScriptedPolicy } from './scriptedPolicy.ts';
import { toyEnv } from '../../../src/rl/task/env.ts';

/** The scripted policy writes 1-digit problems' traces. */
const ONE_DIGIT = { env: toyEnv({ min_digits: 1, max_digits: 1 }) };

function tinyConfig(method: 'outcome' | 'repro', over: Partial<GrpoConfig> = {}): GrpoConfig {
  return presetConfig(method, {
    num_generations: 4, per_device_train_batch_size: 2, max_completion_length: 56,
    learning_rate: 1e-2, eval_every: 0, eval_size: 4, seed: 7, ...over,
  });
}

/** Independent float64 outcome advantages: (R − mean) / (sample std + ε), 0 for a constant group. */
function outcomeReference(R: number[], eps: number): number[] {
  const m = R.reduce((a, b) => a + b, 0) / R.length;
  const ss = R.reduce((a, r) => a + (r - m) ** 2, 0);
  if (ss === 0) return R.map(() => 0);
  const std = Math.sqrt(ss / (R.length - 1));
  return R.map((r) => (r - m) / (std + eps));
}

describe('GrpoTrainer with the float64 CpuModel', () => {
  it('the policy-gradient pipeline matches finite differences of its loss (clipped, off-policy, KL)', async () => {
    const policy = new ScriptedPolicy(3);
    const trainer = await GrpoTrainer.create(policy, tinyConfig('repro', { process_reward_coef: 0.5, epsilon: 0.05 }), {}, null, ONE_DIGIT);
    const prep = await trainer.prepareStep();
    const rewards = prep.rollouts.map((r) => r.reward);
    expect(new Set(rewards).size).toBe(2); // right and wrong answers: non-zero outcome advantages
    expect(prep.scores!.some((s) => s.rewards.length >= 2)).toBe(true);
    const A0 = prep.advantages[0];
    expect(Math.max(...A0) - Math.min(...A0)).toBeGreaterThan(0); // the process part varies along a response

    const { batch } = prep;
    const m = policy.inner;
    const old = m.forward64(batch.inputs, batch.targets, batch.B, batch.T).logProbs;
    const ref = Float64Array.from(old, (x, i) => x + 0.1 * Math.sin(i)); // a reference policy ≠ old
    const rng = new Rng(11);
    for (let i = 0; i < m.params.length; i++) m.params[i] += 0.02 * rng.normal(); // now ρ ≠ 1
    const lossAt = () => grpoLoss({
      logp: m.forward64(batch.inputs, batch.targets, batch.B, batch.T).logProbs, oldLogp: old, refLogp: ref,
      advantages: batch.advantages, mask: batch.mask, epsilon: 0.05, beta: 0.05,
    });

    // Analytic: the trainer's path (float32 forward → grpoLoss → dlogp → backward).
    policy.zeroGrad();
    const fwd = await policy.forward(batch.inputs, batch.targets, batch.B, batch.T);
    const out = grpoLoss({ logp: fwd.logProbs, oldLogp: old, refLogp: ref, advantages: batch.advantages, mask: batch.mask, epsilon: 0.05, beta: 0.05 });
    expect(out.clipFrac).toBeGreaterThan(0);
    expect(out.clipFrac).toBeLessThan(0.9);
    await policy.backward(out.dlogp);
    const grads = m.grads.slice();

    const { offsets } = paramLayout(policy.config);
    const probe = (['wte', 'wpe', 'qkvw', 'attprojw', 'fcw', 'fcprojb', 'lnfw'] as const).map((n, k) => offsets[n] + 3 + k);
    const h = 1e-5;
    for (const i of probe) {
      const keep = m.params[i];
      m.params[i] = keep + h; const up = lossAt().loss;
      m.params[i] = keep - h; const dn = lossAt().loss;
      m.params[i] = keep;
      const fd = (up - dn) / (2 * h);
      expect(Math.abs(grads[i] - fd)).toBeLessThanOrEqual(1e-4 * Math.abs(fd) + 2e-7);
    }
    expect(probe.some((i) => Math.abs(grads[i]) > 1e-5)).toBe(true);
  });

  it('α = 0: advantages are exactly outcome-only, no probes run, and the update is the outcome-only one', async () => {
    const policy = new ScriptedPolicy(5);
    const cfg = tinyConfig('outcome');
    const trainer = await GrpoTrainer.create(policy, cfg, {}, null, ONE_DIGIT);
    const prep = await trainer.prepareStep();
    expect(policy.probeCalls).toBe(0);
    expect(prep.scores).toBeNull();

    // Real RePro scores, combined with α = 0, change nothing.
    const scores = await scoreRollouts(policy, prep.rollouts, {
      topK: 8, w: 0.5, probeIds: toyTokenizer.encode(ANSWER_MARKER),
      answerIds: (r) => toyTokenizer.encode(r.problem.answer), blockSize: policy.config.blockSize,
    });
    expect(scores.some((s) => s.rewards.some((r) => r !== 0))).toBe(true);
    const withScores = stepAdvantages(prep.rollouts, scores, { alpha: 0, eps: cfg.advantage_eps });
    const G = cfg.num_generations;
    prep.rollouts.forEach((r, i) => {
      const g = Math.floor(i / G);
      const groupR = prep.rollouts.slice(g * G, g * G + G).map((x) => x.reward);
      const expected = outcomeReference(groupR, cfg.advantage_eps)[i % G];
      expect(Array.from(prep.advantages[i])).toEqual(r.completion.map(() => expected));
      expect(Array.from(withScores[i])).toEqual(r.completion.map(() => expected));
    });

    // The trainer's step equals an update built from the independent outcome advantages.
    const twin = new ScriptedPolicy(5);
    const manual = buildPolicyBatch(
      prep.rollouts.map((r) => r.promptIds), prep.rollouts.map((r) => r.completion),
      prep.rollouts.map((r, i) => {
        const g = Math.floor(i / G);
        const a = outcomeReference(prep.rollouts.slice(g * G, g * G + G).map((x) => x.reward), cfg.advantage_eps)[i % G];
        return r.completion.map(() => a);
      }),
      twin.config.blockSize,
    );
    await policyUpdate(twin, manual, null, { iterations: 1, epsilon: cfg.epsilon, beta: 0, adamW: adamWFromConfig(cfg), log: () => {} });
    const again = await GrpoTrainer.create(new ScriptedPolicy(5), cfg, {}, null, ONE_DIGIT); // same seed → same rollouts
    await again.trainStep();
    expect(Array.from(await again.engine.getParams())).toEqual(Array.from(await twin.getParams()));
  });

  it('an update moves log-probs in the direction of the advantages: Σ A·Δlogp > 0', async () => {
    const policy = new ScriptedPolicy(8);
    const cfg = tinyConfig('repro', { learning_rate: 1e-3 });
    const trainer = await GrpoTrainer.create(policy, cfg, {}, null, ONE_DIGIT);
    const { batch } = await trainer.prepareStep();
    const m = policy.inner;
    const before = m.forward64(batch.inputs, batch.targets, batch.B, batch.T).logProbs;
    await policyUpdate(policy, batch, null, { iterations: 1, epsilon: 0.2, beta: 0, adamW: adamWFromConfig(cfg), log: () => {} });
    const after = m.forward64(batch.inputs, batch.targets, batch.B, batch.T).logProbs;
    let gain = 0;
    for (let i = 0; i < before.length; i++) gain += batch.mask[i] * batch.advantages[i] * (after[i] - before[i]);
    expect(gain).toBeGreaterThan(0);
    // and the surrogate loss went down
    const loss = (lp: ArrayLike<number>) => grpoLoss({ logp: lp, oldLogp: before, advantages: batch.advantages, mask: batch.mask, epsilon: 0.2, beta: 0 }).loss;
    expect(loss(after)).toBeLessThan(loss(before));
  });

  it('a non-finite loss or gradient rejects the update; the run continues', async () => {
    const policy = new ScriptedPolicy(2);
    const logs: string[] = [];
    const trainer = await GrpoTrainer.create(policy, tinyConfig('repro'), { onLog: (l) => logs.push(l) }, null, ONE_DIGIT);
    const p0 = Array.from(await policy.getParams());

    policy.poisonForward.add(1); // the first policy forward returns NaN log-probs
    const m1 = await trainer.trainStep();
    expect(m1.skipped).toBe(true);
    expect(Number.isNaN(m1.loss)).toBe(true);
    expect(Array.from(await policy.getParams())).toEqual(p0);
    expect(logs.some((l) => /loss is NaN/.test(l))).toBe(true);

    policy.poisonNextBackward = true; // NaN gradients: the engine's step refuses them
    const m2 = await trainer.trainStep();
    expect(m2.skipped).toBe(true);
    expect(Array.from(await policy.getParams())).toEqual(p0);
    expect((await policy.getOptimizerState()).t).toBe(0);
    expect(logs.some((l) => /gradients are not finite/.test(l))).toBe(true);

    const m3 = await trainer.trainStep();
    expect(m3.skipped).toBe(false);
    expect(Number.isFinite(m3.loss)).toBe(true);
    expect(Array.from(await policy.getParams())).not.toEqual(p0);
    expect(trainer.history.map((m) => m.step)).toEqual([1, 2, 3]);
  });

  it('a checkpoint round-trip resumes bit-exactly (same next metrics and weights)', async () => {
    const cfg = tinyConfig('repro', { beta: 0.02, num_iterations: 2, eval_every: 2 });
    const a = await GrpoTrainer.create(new ScriptedPolicy(4), cfg, {}, null, ONE_DIGIT);
    await a.trainStep();
    await a.trainStep(); // includes a held-out evaluation
    const bytes = encodeTrainerCheckpoint(await a.snapshot());
    // CpuModel keeps float64 state; a float32 engine (GpuModel) holds exactly what the file holds.
    await a.engine.setParams(await a.engine.getParams());
    await a.engine.setOptimizerState(await a.engine.getOptimizerState());

    const snap = decodeTrainerCheckpoint(bytes);
    expect(snap.state.step).toBe(2);
    expect(snap.refParams).not.toBeNull();
    const b = await GrpoTrainer.restore(new ScriptedPolicy(99), snap);
    expect(b.history).toEqual(a.history);
    expect(b.evalHistory).toEqual(a.evalHistory);

    const strip = (m: { timings: unknown }) => ({ ...m, timings: null });
    for (let k = 0; k < 2; k++) {
      const ma = await a.trainStep();
      const mb = await b.trainStep();
      expect(strip(mb)).toEqual(strip(ma));
    }
    expect(Array.from(await b.engine.getParams())).toEqual(Array.from(await a.engine.getParams()));
    expect(b.evalHistory.at(-1)).toEqual(a.evalHistory.at(-1));
  });

  it('a checkpoint from before the task used xoshiro128** (one-word taskRngState) resumes, reseeded and logged', async () => {
    const a = await GrpoTrainer.create(new ScriptedPolicy(4), tinyConfig('outcome'), {}, null, ONE_DIGIT);
    await a.trainStep();
    const old = await a.snapshot();
    old.state.taskRngState = 3_000_000_123; // a mulberry32 state as older versions saved it
    const snap = decodeTrainerCheckpoint(encodeTrainerCheckpoint(old));
    const logs: string[] = [];
    const b = await GrpoTrainer.restore(new ScriptedPolicy(4), snap, { onLog: (l) => logs.push(l) });
    expect((await b.snapshot()).state.taskRngState).toEqual(new Rng(3_000_000_123).getState());
    expect(logs).toEqual([expect.stringContaining('saved by an older version (task PRNG mulberry32)')]);
    await b.trainStep();
    expect(b.step).toBe(2);
    // Anything else in that field is refused by name.
    old.state.taskRngState = [1, 2] as never;
    expect(() => decodeTrainerCheckpoint(encodeTrainerCheckpoint(old))).toThrow(/taskRngState must be 4 uint32 words/);
  });
});
