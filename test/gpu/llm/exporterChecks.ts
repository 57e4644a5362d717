// Checks shared by the exporter-style graph tests: greedy generation through the model's KV cache
// equals greedy decoding by re-encoding prompt + output from scratch at every step, and the
// scorer's J trajectory (whatever path scoringPath picked) equals J from re-encoding every prefix.
import { expect } from 'vitest';
import type { LanguageModel } from '../../../src/llm/types.ts';
import { readLogitsRow } from '../../../src/llm/logitsRow.ts';
import { scoreTrajectory, scoreTrajectoryNaive, type ScoreInput } from '../../../src/llm/scorer/scoreTrajectory.ts';
import type { Trajectory } from '../../../src/repro/types.ts';
import { logitsKernelFor } from '../../../src/gpu/logitsKernel.ts';
import { expectAllclose } from '../../util/allclose.ts';

function argmax(row: Float32Array): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i] > row[best]) best = i;
  return best;
}

/** Generates `n` greedy tokens (EOS off) and checks each against a from-scratch forward. Returns them. */
export async function expectGreedyEqualsReencoding(m: LanguageModel, promptIds: number[], n: number): Promise<number[]> {
  const eos = m.info.eosIds;
  // EOS stays possible: a step that picks it ends generation, and re-encoding must then pick it too.
  const generated = await m.generate(promptIds, { maxNewTokens: n, temperature: 0, topK: 0, topP: 1, seed: 0 });
  const expected: number[] = [];
  for (let i = 0; i <= generated.length && expected.length < n; i++) {
    const ids = [...promptIds, ...expected];
    const r = await m.forward(ids, m.emptyCache());
    const next = argmax(await readLogitsRow(r.logits, ids.length - 1, m.device));
    r.dispose();
    r.cache.dispose();
    if (eos.includes(next)) break;
    expected.push(next);
  }
  expect(generated).toEqual(expected);
  expect(generated.length).toBeGreaterThan(0);
  return generated;
}

/** J, answer log-probs and entropies of the scorer's path against re-encoding, within atol. */
export async function expectSameJ(m: LanguageModel, input: ScoreInput, atol: number): Promise<Trajectory> {
  const fast = await scoreTrajectory(m, input, { kernel: logitsKernelFor(m) });
  const slow = await scoreTrajectoryNaive(m, input, { kernel: logitsKernelFor(m) });
  expect(fast.cotTokens).toEqual(slow.cotTokens);
  expect(fast.segments.length).toBeGreaterThanOrEqual(3);
  expectAllclose(fast.J, slow.J, { atol, rtol: 0 });
  for (let k = 0; k < fast.J.length; k++) expectAllclose(fast.answerLogProbs[k], slow.answerLogProbs[k], { atol, rtol: 0 });
  expectAllclose(fast.tokenEntropy, slow.tokenEntropy, { atol, rtol: 1e-3 });
  // Not degenerate: the probe's answer is not certain, and J moves along the trajectory.
  expect(Math.max(...fast.J) - Math.min(...fast.J)).toBeGreaterThan(10 * atol);
  return fast;
}
