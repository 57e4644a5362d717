import { describe, expect, it } from 'vitest';
import { tokenRewards } from '../../../../src/rl/estimators/tokenRewards.ts';
import { gaeAdvantages, reinforcePlusPlusAdvantages, stepTokenRewards, completionRows, toBatchLayout } from '../../../../src/rl/estimators/stepEstimates.ts';
import type { Rollout } from '../../../../src/rl/rollout.ts';
import type { RolloutScore } from '../../../../src/rl/scoring.ts';
import { Rng } from '../../../../src/sampling/rng.ts';

describe('token-level rewards (repro-method.md §11)', () => {
  it('outcome at the last token, α·r_j at the last token of each kept segment', () => {
    // 8 tokens; kept segments end (exclusive) at 3 and 6: rewards land on tokens 2 and 5
    const r = tokenRewards({ length: 8, outcome: 1, processRewards: [0.4, -0.2], segmentEnds: [3, 6], alpha: 0.5 });
    expect(Array.from(r)).toEqual([0, 0, 0.2, 0, 0, -0.1, 0, 1]);
  });

  it('a segment ending at the last response token shares it with the outcome reward', () => {
    const r = tokenRewards({ length: 4, outcome: 1, processRewards: [0.3, 0.5], segmentEnds: [2, 4], alpha: 1 });
    expect(Array.from(r)).toEqual([0, 0.3, 0, 1.5]);
  });

  it('empty CoT (no kept segment) → only the outcome reward; a one-token response holds it', () => {
    expect(Array.from(tokenRewards({ length: 5, outcome: 0, processRewards: [], segmentEnds: [], alpha: 1 }))).toEqual([0, 0, 0, 0, 0]);
    expect(Array.from(tokenRewards({ length: 1, outcome: 1, alpha: 0.1 }))).toEqual([1]);
    expect(() => tokenRewards({ length: 0, outcome: 1, alpha: 0 })).toThrow(/last token/);
  });

  it('filtered segments (outside the top-k or not probe-able) get nothing: only kept ends carry rewards', () => {
    // a CoT of 4 segments with token ends 2, 4, 6, 8; scoring kept segments 1 and 3 only
    const r = tokenRewards({ length: 10, outcome: 1, processRewards: [0.25, -0.5], segmentEnds: [4, 8], alpha: 1 });
    expect([...r.keys()].filter((t) => r[t] !== 0)).toEqual([3, 7, 9]);
  });

  it('α = 0 ignores the process rewards entirely (bitwise the outcome-only vector)', () => {
    const a = tokenRewards({ length: 6, outcome: 1, processRewards: [NaN, 1e300], segmentEnds: [99, 1], alpha: 0 });
    const b = tokenRewards({ length: 6, outcome: 1, alpha: 0 });
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
  });

  it('k1 KL in the reward: −kl_coef·(log π_old − log π_ref) on every token', () => {
    const old = [-1, -2, -0.5];
    const ref = [-1.5, -2, -0.25];
    const r = tokenRewards({ length: 3, outcome: 1, alpha: 0, kl: { coef: 0.1, oldLogp: old, refLogp: ref } });
    expect(r[0]).toBeCloseTo(-0.05, 15);
    expect(r[1]).toBe(0);
    expect(r[2]).toBeCloseTo(1 + 0.025, 15);
  });

  it('rejects bad ends and mismatched lengths, naming them', () => {
    expect(() => tokenRewards({ length: 4, outcome: 1, processRewards: [1], segmentEnds: [5], alpha: 1 })).toThrow(/segmentEnds\[0\] must be an integer in \[1, 4\]/);
    expect(() => tokenRewards({ length: 4, outcome: 1, processRewards: [1, 1], segmentEnds: [3, 2], alpha: 1 })).toThrow(/segmentEnds\[1\] = 2 must be greater/);
    expect(() => tokenRewards({ length: 4, outcome: 1, processRewards: [1], segmentEnds: [], alpha: 1 })).toThrow(/same length/);
  });
});

function fakeRollout(n: number, reward: number, P = 3): Rollout {
  return { completion: new Array(n).fill(1), reward, promptIds: new Array(P).fill(2), group: 0 } as unknown as Rollout;
}

describe('step estimates', () => {
  const rollouts = [fakeRollout(5, 1), fakeRollout(3, 0), fakeRollout(4, 1)];
  const scores: RolloutScore[] = [
    { kept: [0, 1], filteredJ: [-2, -1, -0.5], rewards: [0.3, 0.1], segmentEnds: [2, 4] },
    { kept: [], filteredJ: [-2], rewards: [], segmentEnds: [] },
    { kept: [0], filteredJ: [-2, -0.1], rewards: [0.6], segmentEnds: [4] },
  ];

  it('REINFORCE++: return-to-go whitened over the whole batch (not per group)', () => {
    const r = stepTokenRewards(rollouts, scores, { alpha: 0.5 });
    const adv = reinforcePlusPlusAdvantages(r, 1);
    // returns: row0 [1.2, 1.2, 1.05, 1.05, 1], row1 [0, 0, 0], row2 [1.3, 1.3, 1.3, 1.3]
    const G = [1.2, 1.2, 1.05, 1.05, 1, 0, 0, 0, 1.3, 1.3, 1.3, 1.3];
    const m = G.reduce((a, b) => a + b, 0) / G.length;
    const sd = Math.sqrt(G.reduce((a, x) => a + (x - m) ** 2, 0) / (G.length - 1) + 1e-8);
    const got = adv.flatMap((x) => Array.from(x));
    G.forEach((g, i) => expect(got[i]).toBeCloseTo((g - m) / sd, 12));
  });

  it('process_reward_norm "group": r_j normalised over their group before α (repro-method.md §9), by hand', () => {
    // two groups: {0, 1} (rewards 0.3, 0.1 and none) and {2} (0.6 alone: zero variance → 0)
    const grouped = [rollouts[0], rollouts[1], { ...rollouts[2], group: 1 } as Rollout];
    const r = stepTokenRewards(grouped, scores, { alpha: 0.5, processNorm: 'group', eps: 1e-6 });
    // group 0: mean 0.2, sample std √0.02 → r̃ = ±0.1 / (√0.02 + 1e-6)
    const z = 0.1 / (Math.sqrt(0.02) + 1e-6);
    const want = [[0, 0.5 * z, 0, -0.5 * z, 1], [0, 0, 0], [0, 0, 0, 1]];
    r.forEach((row, i) => want[i].forEach((x, t) => expect(row[t]).toBeCloseTo(x, 12)));
    // 'none' (the default) keeps the raw r_j
    expect(Array.from(stepTokenRewards(grouped, scores, { alpha: 0.5, processNorm: 'none' })[0])).toEqual(Array.from(stepTokenRewards(grouped, scores, { alpha: 0.5 })[0]));
    expect(stepTokenRewards(grouped, scores, { alpha: 0.5 })[0][1]).toBeCloseTo(0.15, 12);
  });

  it('REINFORCE++ with every reward equal → advantages 0, not NaN', () => {
    const same = [fakeRollout(2, 1), fakeRollout(2, 1)];
    const adv = reinforcePlusPlusAdvantages(stepTokenRewards(same, null, { alpha: 0 }), 0); // γ = 0: returns [0, 1] per row
    expect(adv.flatMap((x) => Array.from(x)).every(Number.isFinite)).toBe(true);
    const flat = reinforcePlusPlusAdvantages([new Float64Array([1, 1]), new Float64Array([1])], 0);
    expect(flat.flatMap((x) => Array.from(x))).toEqual([0, 0, 0]);
  });

  it('α = 0 is the plain estimator to the last bit (REINFORCE++ and GAE), whatever the scores hold', () => {
    const rng = new Rng(9);
    const values = rollouts.map((r) => Float64Array.from(r.completion, () => rng.normal()));
    const withScores = stepTokenRewards(rollouts, scores, { alpha: 0 });
    const without = stepTokenRewards(rollouts, null, { alpha: 0 });
    const same = (a: Float64Array[], b: Float64Array[]) => a.every((x, i) => Buffer.from(x.buffer).equals(Buffer.from(b[i].buffer)));
    expect(same(withScores, without)).toBe(true);
    expect(same(reinforcePlusPlusAdvantages(withScores, 1), reinforcePlusPlusAdvantages(without, 1))).toBe(true);
    const g1 = gaeAdvantages(withScores, values, 1, 0.95);
    const g2 = gaeAdvantages(without, values, 1, 0.95);
    expect(same(g1.advantages, g2.advantages) && same(g1.returns, g2.returns)).toBe(true);
    // and α > 0 does change them
    expect(same(stepTokenRewards(rollouts, scores, { alpha: 0.1 }), without)).toBe(false);
  });

  it('GAE step: returns are A + V before whitening; advantages whitened over the batch', () => {
    const r = stepTokenRewards(rollouts, scores, { alpha: 0.5 });
    const values = rollouts.map((x) => new Float64Array(x.completion.length).fill(0.25));
    const g = gaeAdvantages(r, values, 1, 1);
    // γ = λ = 1: returns = return-to-go of r
    const G = reinforcePlusPlusAdvantages(r, 1); // whitened returns-to-go; A = G − 0.25 whitens to the same
    g.advantages.forEach((a, i) => a.forEach((x, t) => expect(x).toBeCloseTo(G[i][t], 12)));
    expect(g.returns[0][0]).toBeCloseTo(1.2, 14);
    expect(g.returns[1][2]).toBeCloseTo(0, 14);
  });

  it('batch layout round trip: completion token c of row i at position P_i − 1 + c', () => {
    const rows = [new Float64Array([1, 2, 3]), new Float64Array([4])];
    const T = 6;
    const flat = toBatchLayout(rows, [2, 4], T);
    expect(Array.from(flat)).toEqual([0, 1, 2, 3, 0, 0, 0, 0, 0, 4, 0, 0]);
    expect(completionRows(flat, [2, 4], [3, 1], T).map((x) => Array.from(x))).toEqual([[1, 2, 3], [4]]);
    expect(() => toBatchLayout(rows, [5, 4], T)).toThrow(/do not fit/);
  });
});
