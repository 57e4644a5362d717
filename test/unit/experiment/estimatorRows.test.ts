// The estimator tables say which SFT checkpoint their runs started from, told by the data (issue #24
// §2: the PPO / REINFORCE++ table had come from the first verbose checkpoint while the text said the
// current one). Hand-made runs, and the committed results themselves.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { presetConfig } from '../../../src/rl/config.ts';
import type { ExperimentResults, ExperimentRun } from '../../../src/rl/report.ts';
import { comparisonOf, load } from '../../../experiment/docCommon.ts';
import { estimatorRows, startingCheckpoint } from '../../../experiment/estimatorRows.ts';
import { targetLine } from '../../../experiment/docFigures.ts';

const e = (accuracy: number, cot: number, bt: number) => ({ accuracy, cot_tokens: cot, backtracking: bt, tokens_after_certainty: 1, cot_tokens_correct: cot });
const run = (method: 'outcome' | 'repro', seed: number, before: ReturnType<typeof e>, after: ReturnType<typeof e>): ExperimentRun => ({
  regime: 'verbose', estimator: 'reinforce_plus_plus', method, seed, steps: 3, before, after, reward_curve: [1, 1, 1],
});
const config = { grpo: { outcome: presetConfig('outcome'), repro: presetConfig('repro') }, eval_problems: 8, eval_samples: 4, adapter: 'test', full: false };
const results = (runs: ExperimentRun[]): ExperimentResults => ({ config, runs });
const sft = e(0.975, 33, 0.47);
const ref = results([run('outcome', 0, sft, e(0.98, 29, 0.3)), run('outcome', 1, e(0.96, 32, 0.5), e(0.97, 30, 0.3))]);

describe('startingCheckpoint', () => {
  it('current when every shared seed evaluated the SFT model exactly as the reference did, earlier when one differs, ? when none is shared', () => {
    expect(startingCheckpoint(results([run('outcome', 0, sft, e(1, 20, 0))]), ref, 'verbose')).toBe('current');
    expect(startingCheckpoint(results([run('outcome', 0, sft, e(1, 20, 0)), run('outcome', 1, e(0.96, 32.5, 0.5), e(1, 20, 0))]), ref, 'verbose')).toBe('earlier');
    expect(startingCheckpoint(results([run('outcome', 7, sft, e(1, 20, 0))]), ref, 'verbose')).toBe('?');
    // only the outcome-only runs of the regime count
    expect(startingCheckpoint(results([run('repro', 0, e(0.5, 50, 1), e(1, 20, 0))]), ref, 'verbose')).toBe('?');
  });

  it('the row shows it beside the SFT accuracy', () => {
    const r = results([run('outcome', 0, sft, e(0.98, 30, 0.4)), run('repro', 0, sft, e(0.97, 24, 0.2)),
      run('outcome', 1, e(0.96, 32, 0.5), e(0.96, 31, 0.4)), run('repro', 1, e(0.96, 32, 0.5), e(0.98, 25, 0.2))]);
    const table = estimatorRows((p) => (p === 'x.json' ? JSON.stringify(r) : null), [{ paths: ['x.json'], estimator: 'reinforce_plus_plus', regime: 'verbose' }], ref);
    const row = table.split('\n')[2].split(' | ');
    expect(row[0]).toBe('| REINFORCE++');
    expect(row[4]).toBe('current · 0.968'); // (0.975 + 0.96) / 2
    expect(row[5]).toBe('0.970 → 0.975 (+0.005 [−0.186, +0.196])'); // d = −0.01, +0.02: sd 0.0212, ± 12.706 · 0.0212 / √2 = ± 0.191
  });
});

describe('estimatorRows over seeds run in separate calls', () => {
  const s0 = [run('outcome', 0, sft, e(0.98, 30, 0.4)), run('repro', 0, sft, e(0.97, 24, 0.2))];
  const s1 = [run('outcome', 1, e(0.96, 32, 0.5), e(0.96, 31, 0.4)), run('repro', 1, e(0.96, 32, 0.5), e(0.98, 25, 0.2))];
  const files: Record<string, ExperimentResults> = { 'both.json': results([...s0, ...s1]), 's0.json': results(s0), 's1.json': results(s1), 'again.json': results([s1[1]]) };
  const read = (p: string) => (files[p] ? JSON.stringify(files[p]) : null);
  const rows = (paths: string[]) => estimatorRows(read, [{ paths, estimator: 'reinforce_plus_plus', regime: 'verbose' }], ref);

  it('two files of one seed each give the row of one file holding both seeds', () => {
    expect(rows(['s0.json', 's1.json'])).toBe(rows(['both.json']));
    expect(rows(['s0.json', 's1.json']).split('\n')[2].split(' | ')[3]).toBe('2');
  });

  it('the margins column: non-inferiority on the paired lower bound, −20 % CoT and −50 % backtracking by interval or point', () => {
    const row = rows(['both.json']).split('\n')[2].split(' | ');
    // 2 seeds: no interval counts. Accuracy +0.005 ≥ −0.03 by the point only: (✓); CoT 30.5 → 24.5 is −19.7 %: ✗;
    // backtracking 0.4 → 0.2 is −50 % on both seeds (a zero-width interval): (✓), not ✓
    expect(row[6]).toMatch(/^30\.50 → 24\.50 \(−19\.7 %/);
    expect(row[9]).toBe('(✓) ✗ (✓) |');
    expect(rows(['both.json'])).toContain('✓ met by the whole 95 % interval (from 3 seeds or more)');
  });

  it('from 3 seeds the whole interval counts: equal differences on 3 seeds are ✓, the same on 2 seeds (✓)', () => {
    // every seed: accuracy 0.97 → 0.98 (+0.01 ≥ −0.03), CoT 30 → 23 (−23.3 %), backtracking 0.4 → 0.3 (−25 %)
    const seed = (k: number) => [run('outcome', k, sft, e(0.97, 30, 0.4)), run('repro', k, sft, e(0.98, 23, 0.3))];
    const three = results([0, 1, 2].flatMap(seed));
    const two = results([0, 1].flatMap(seed));
    const marks = (r: ExperimentResults) => estimatorRows(() => JSON.stringify(r), [{ paths: ['r.json'], estimator: 'reinforce_plus_plus', regime: 'verbose' }], ref).split('\n')[2].split(' | ')[9];
    expect(marks(three)).toBe('✓ ✓ ✗ |');
    expect(marks(two)).toBe('(✓) (✓) ✗ |');
    // the sentence under a table says the same
    expect(targetLine(three, 'verbose', 'reinforce_plus_plus')).toMatch(/^accuracy non-inferior \(paired lower bound \+0\.010 ≥ −0\.03\): \*\*met\*\*; CoT tokens ≥ 20 % below outcome-only \(−23\.3 % \[−23\.3, −23\.3\]\): \*\*met\*\* \(whole interval\)/);
    expect(targetLine(two, 'verbose', 'reinforce_plus_plus')).toMatch(/\*\*not shown\*\* \(2 seeds: an interval from fewer than 3 does not count\); CoT .*\*\*met by the point estimate\*\*/);
  });

  it('refuses a seed that comes twice and a row without files', () => {
    expect(() => rows(['both.json', 'again.json'])).toThrow(/reinforce_plus_plus repro seed 1 comes twice/);
    expect(() => rows([])).toThrow(/no results file/);
  });
});

describe('the committed estimator results', () => {
  const read = (p: string) => (existsSync(p) ? readFileSync(p, 'utf8') : null);
  it('experiment/estimators/ started from the earlier verbose checkpoint, the GRPO sweeps from the current one', () => {
    const main = load(read, 'experiment/results.json');
    expect(startingCheckpoint(load(read, 'experiment/estimators/results.json'), main, 'verbose')).toBe('earlier');
    expect(startingCheckpoint(load(read, 'experiment/sweep/verbose-alpha-3-40steps/results.json'), main, 'verbose')).toBe('current');
  });
});

describe('comparisonOf', () => {
  it('takes a run without its own α from its regime\'s config, not from the last regime written at the top level', () => {
    const mixed = { ...config, grpo: { ...config.grpo, repro: { ...config.grpo.repro, process_reward_coef: 0.1 } } };
    const verbose = { ...config, grpo: { ...config.grpo, repro: { ...config.grpo.repro, process_reward_coef: 3 } } };
    const old = (method: 'outcome' | 'repro', seed: number): ExperimentRun => ({ regime: 'mixed', method, seed, steps: 3, before: sft, after: sft, reward_curve: [1] });
    const r: ExperimentResults = { config: verbose, regime_configs: { mixed, verbose }, runs: [old('outcome', 0), old('repro', 0)] };
    expect(comparisonOf(r, 'mixed').alpha).toBe('0.1');
    expect(comparisonOf({ ...r, runs: [old('outcome', 0), { ...old('repro', 0), process_reward_coef: 1 }] }, 'mixed').alpha).toBe('1');
  });
});
