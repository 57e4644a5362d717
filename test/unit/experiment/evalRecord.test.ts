// One evaluation as results.json records it: the policy's own evaluation and the same responses
// rejudged by another model (CpuModels at random init), fields checked against the two summaries.
import { describe, expect, it } from 'vitest';
import { CpuModel } from '../../../src/engine/cpu/cpuModel.ts';
import { initParams } from '../../../src/engine/init.ts';
import type { ModelConfig } from '../../../src/engine/config.ts';
import { evaluatePolicy, rejudge } from '../../../src/rl/evaluate.ts';
import { heldOutProblems, VOCAB_SIZE } from '../../../src/task/index.ts';
import { evalRecord } from '../../../experiment/evalRecord.ts';

describe('evalRecord', () => {
  const config: ModelConfig = { vocabSize: VOCAB_SIZE, blockSize: 40, nLayer: 1, nHead: 2, nEmbd: 8 };
  const policy = new CpuModel(config, initParams(config, 9));
  const judge = new CpuModel(config, initParams(config, 10));
  const problems = heldOutProblems(5, 4, { minDigits: 2, maxDigits: 2 });

  it('lengths from the responses, tokens after certainty by the judge and by the policy, with the coverage', async () => {
    const own = await evaluatePolicy(policy, problems, { maxNewTokens: 20, temperature: 1, seed: 3 });
    const fixed = await rejudge(own, judge, { w: 0.5 });
    const r = evalRecord(own, fixed);
    expect(r.n).toBe(4);
    expect(r.tac_covered).toBe(fixed.summary.probed);
    expect(r.accuracy).toBe(own.summary.accuracy);
    expect(r.cot_tokens).toBeCloseTo(own.responses.reduce((a, x) => a + x.cotTokens, 0) / 4, 12);
    const tac = (rs: typeof own.responses) => rs.filter((x) => x.metrics).reduce((a, x) => a + x.metrics!.tokensAfterCertainty, 0) / rs.filter((x) => x.metrics).length;
    expect(r.tokens_after_certainty).toBeCloseTo(tac(fixed.responses), 12);
    expect(r.tokens_after_certainty_self).toBeCloseTo(tac(own.responses), 12);
    expect(Number.isNaN(r.cot_tokens_correct!)).toBe(true); // an untrained model answers nothing right
    // random models are never certain (TAC 0 both ways): which summary feeds which field, on distinct values
    const judged = evalRecord({ ...own, summary: { ...own.summary, meanTokensAfterCertainty: 5 } }, { ...fixed, summary: { ...fixed.summary, meanTokensAfterCertainty: 7, probed: 3 } });
    expect([judged.tokens_after_certainty, judged.tokens_after_certainty_self, judged.tac_covered]).toEqual([7, 5, 3]);
    await expect(Promise.resolve().then(() => evalRecord(own, { ...fixed, rollouts: [...fixed.rollouts] }))).rejects.toThrow(/same responses/);
  });
});
