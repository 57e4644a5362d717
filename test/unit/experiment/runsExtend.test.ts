// A longer run of the same settings and seed passes through the shorter run's result (the runs are
// deterministic on one adapter and the held-out evaluation draws from its own stream), which is what
// lets docs/experiment.md read "step 20 / step 40 of the 60-step runs" as the 20- and 40-step results.
// Checked on the committed results: every seed both folders hold, every metric both recorded, to the last digit.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ExperimentResults, ExperimentRun } from '../../../src/rl/report.ts';
import { labelJudges } from '../../../experiment/judgeLabels.ts';

const sweep = (name: string) => `experiment/sweep/${name}/results.json`;
const runsOf = (...paths: string[]): ExperimentRun[] => paths.filter((p) => existsSync(p))
  .flatMap((p) => labelJudges(JSON.parse(readFileSync(p, 'utf8')) as ExperimentResults).runs);

/** [longer runs, shorter runs, method] */
const PAIRS: [string[], string[], 'outcome' | 'repro'][] = [
  [[sweep('verbose-outcome-60steps'), sweep('verbose-outcome-60steps-s234')], [sweep('verbose-outcome-40steps')], 'outcome'],
  [[sweep('verbose-alpha-3-60steps'), sweep('verbose-alpha-3-60steps-s234')], [sweep('verbose-alpha-3-40steps'), sweep('verbose-alpha-3-40steps-s234')], 'repro'],
  [[sweep('verbose-outcome-40steps')], [sweep('verbose-alpha-1')], 'outcome'],
];

describe('a longer run passes through the shorter run of the same seed', () => {
  for (const [longer, shorter, method] of PAIRS) {
    it(`${longer[0]} (${method}) at the step where ${shorter[0]} ended`, () => {
      const long = runsOf(...longer).filter((r) => r.method === method);
      const short = new Map(runsOf(...shorter).filter((r) => r.method === method).map((r) => [r.seed, r]));
      const shared = long.filter((r) => short.has(r.seed));
      expect(shared.length).toBeGreaterThanOrEqual(2);
      for (const r of shared) {
        const s = short.get(r.seed)!;
        expect(r.steps).toBeGreaterThan(s.steps);
        expect(r.process_reward_coef ?? 0).toBe(method === 'outcome' ? 0 : (s.process_reward_coef ?? r.process_reward_coef));
        const point = r.eval_curve!.find((e) => e.step === s.steps)!;
        // every figure the shorter run recorded (runs from before the fixed judge have only the self-judged one)
        const keys = (Object.keys(s.after) as (keyof typeof s.after)[]).filter((k) => Number.isFinite(s.after[k]));
        expect(keys.length).toBeGreaterThanOrEqual(5);
        expect(Object.fromEntries(keys.map((k) => [k, point[k]])), `seed ${r.seed}`).toEqual(Object.fromEntries(keys.map((k) => [k, s.after[k]])));
      }
    });
  }
});
