// evaluatePolicy / summarizeToyEval: aggregates against hand-computed values, and J trajectories of a
// (random) CpuModel's responses against log-softmax recomputed here from CpuModel.logits.
import { describe, expect, it } from 'vitest';
import { CpuModel } from '../../../src/engine/cpu/cpuModel.ts';
import { initParams } from '../../../src/engine/init.ts';
import type { ModelConfig } from '../../../src/engine/config.ts';
import { evaluatePolicy, rejudge } from '../../../src/rl/evaluate.ts';
import { summarizeToyEval, type ResponseEval } from '../../../src/rl/evalSummary.ts';
import { ANSWER_MARKER, formatPrompt, heldOutProblems, toyTokenizer, VOCAB_SIZE } from '../../../src/task/index.ts';

function response(over: Partial<ResponseEval>): ResponseEval {
  return {
    question: '1+2=?', answer: '3', completion: '', correct: false, cotTokens: 0, segments: [], backtrackingSegments: 0,
    hasRedundant: false, hasBacktracking: false, hasWrongStep: false, J: null, metrics: null, ...over,
  };
}
const seg = (kind: ResponseEval['segments'][number]['kind'], backtracking = false) => ({ text: 'x', kind, backtracking, tokens: 3, J: null });

describe('summarizeToyEval', () => {
  it('computes shares, means and per-class J gains by hand', () => {
    const rs = [
      response({ correct: true, cotTokens: 10, segments: [seg('step'), seg('redundant')], hasRedundant: true,
        J: [-2, -1, -1.5], metrics: { tokensAfterCertainty: 4, plateaus: 1, finalScore: 0.5 } as ResponseEval['metrics'] }),
      response({ correct: false, cotTokens: 20, segments: [seg('wrong'), seg('correction', true)], backtrackingSegments: 1, hasBacktracking: true, hasWrongStep: true,
        J: [-3, -4, -2], metrics: { tokensAfterCertainty: 0, plateaus: 1, finalScore: 0.1 } as ResponseEval['metrics'] }),
      response({ correct: true, cotTokens: 30, segments: [seg('step')] }),
    ];
    const s = summarizeToyEval(rs);
    expect(s.n).toBe(3);
    expect(s.accuracy).toBeCloseTo(2 / 3, 12);
    expect(s.meanCotTokens).toBeCloseTo(20, 12);
    expect(s.meanSegments).toBeCloseTo(5 / 3, 12);
    expect(s.meanBacktracking).toBeCloseTo(1 / 3, 12);
    expect(s.shareRedundant).toBeCloseTo(1 / 3, 12);
    expect(s.shareBacktracking).toBeCloseTo(1 / 3, 12);
    expect(s.shareRedundantOrBacktracking).toBeCloseTo(2 / 3, 12);
    expect(s.shareWrongStep).toBeCloseTo(1 / 3, 12);
    expect(s.probed).toBe(2);
    expect(s.meanTokensAfterCertainty).toBeCloseTo(2, 12);
    expect(s.meanFinalScore).toBeCloseTo(0.3, 12);
    expect(s.meanJ0).toBeCloseTo(-2.5, 12);
    expect(s.meanJK).toBeCloseTo(-1.75, 12);
    expect(s.jGain.step).toEqual({ count: 1, mean: 1 });
    expect(s.jGain.redundant).toEqual({ count: 1, mean: -0.5 });
    expect(s.jGain.wrong).toEqual({ count: 1, mean: -1 });
    expect(s.jGain.correction).toEqual({ count: 1, mean: 2 });
    expect(s.jGain.backtracking).toEqual({ count: 1, mean: 2 });
    expect(s.jGain.other).toEqual({ count: 0, mean: 0 });
    // concise: the third response (correct); overthinking: the first (correct) and second (wrong)
    expect(s.overthinkingSplit.concise).toEqual({ n: 1, accuracy: 1 });
    expect(s.overthinkingSplit.overthinking).toEqual({ n: 2, accuracy: 0.5 });
    expect(s.overthinkingSplit.gap).toBeCloseTo(0.5, 12);
    expect(summarizeToyEval([rs[2]]).overthinkingSplit).toEqual({ concise: { n: 1, accuracy: 1 }, overthinking: { n: 0, accuracy: 0 }, gap: null });
  });
});

describe('evaluatePolicy on a CpuModel', () => {
  const config: ModelConfig = { vocabSize: VOCAB_SIZE, blockSize: 40, nLayer: 1, nHead: 2, nEmbd: 8 };
  const model = new CpuModel(config, initParams(config, 9));
  const problems = heldOutProblems(5, 3, { minDigits: 2, maxDigits: 2 });

  /** mean log p(answer tokens) after prefix + probe, from the float64 logits (log-softmax here). */
  function jOf(prefix: number[], answer: string, by: CpuModel = model): number {
    const cont = toyTokenizer.encode(ANSWER_MARKER + answer);
    const seq = prefix.concat(cont);
    const V = config.vocabSize;
    const logits = by.logits(Int32Array.from(seq), 1, seq.length);
    const nAns = toyTokenizer.encode(answer).length;
    let sum = 0;
    for (let i = seq.length - nAns; i < seq.length; i++) {
      const row = Array.from(logits.subarray((i - 1) * V, i * V));
      const m = Math.max(...row);
      sum += row[seq[i]] - (m + Math.log(row.reduce((a, x) => a + Math.exp(x - m), 0)));
    }
    return sum / nAns;
  }

  it('gives J_0 / J_K = the answer log-likelihood after the bare prompt / the whole CoT; chunking changes nothing', async () => {
    const greedy = await evaluatePolicy(model, problems, { maxNewTokens: 12, chunkSize: 3 });
    const chunked = await evaluatePolicy(model, problems, { maxNewTokens: 12, chunkSize: 1 });
    expect(chunked.responses).toEqual(greedy.responses);
    // sampled (temperature 1) for CoTs that are not blank at init
    const whole = await evaluatePolicy(model, problems, { maxNewTokens: 14, temperature: 1, seed: 3 });
    expect(whole.summary.n).toBe(3);
    let checkedK = 0;
    whole.responses.forEach((r, i) => {
      expect(r.question).toBe(problems[i].question);
      expect(r.J).not.toBeNull();
      expect(r.J!.length).toBe(r.segments.length + 1);
      const prompt = toyTokenizer.encode(formatPrompt(problems[i].question));
      expect(r.J![0]).toBeCloseTo(jOf(prompt, problems[i].answer), 5);
      // J_K: after the whole CoT (the completion up to the answer marker or <eos>); K = 0 when blank
      const cot = r.completion.split(ANSWER_MARKER)[0].split('<eos>')[0];
      expect(r.cotTokens).toBe(toyTokenizer.encode(cot).length);
      if (cot.trim() !== '') {
        expect(r.J![r.J!.length - 1]).toBeCloseTo(jOf(prompt.concat(toyTokenizer.encode(cot)), problems[i].answer), 5);
        checkedK++;
      } else expect(r.segments).toHaveLength(0);
      expect(r.correct).toBe(false); // an untrained model does not write "Answer: <sum>"
    });
    expect(checkedK).toBeGreaterThan(0);
  });

  it('rejudge: the same responses measured with another model\'s J (text, rewards and labels unchanged)', async () => {
    const judge = new CpuModel(config, initParams(config, 10));
    const own = await evaluatePolicy(model, problems, { maxNewTokens: 14, temperature: 1, seed: 3 });
    const other = await rejudge(own, judge, { w: 0.5, chunkSize: 2 });
    expect(other.rollouts).toBe(own.rollouts);
    expect(other.summary.n).toBe(own.summary.n);
    let checked = 0;
    other.responses.forEach((r, i) => {
      const o = own.responses[i];
      expect({ ...r, J: null, metrics: null, segments: r.segments.map((s) => ({ ...s, J: null })) })
        .toEqual({ ...o, J: null, metrics: null, segments: o.segments.map((s) => ({ ...s, J: null })) });
      const prompt = toyTokenizer.encode(formatPrompt(problems[i].question));
      expect(r.J![0]).toBeCloseTo(jOf(prompt, problems[i].answer, judge), 5);
      expect(Math.abs(r.J![0] - o.J![0])).toBeGreaterThan(1e-3); // another model's J, not the policy's
      const cot = r.completion.split(ANSWER_MARKER)[0].split('<eos>')[0];
      if (cot.trim() !== '') {
        expect(r.J!.at(-1)).toBeCloseTo(jOf(prompt.concat(toyTokenizer.encode(cot)), problems[i].answer, judge), 5);
        checked++;
      }
    });
    expect(checked).toBeGreaterThan(0);
    // judged by the policy itself: the evaluation's own numbers
    expect((await rejudge(own, model, { w: 0.5 })).responses).toEqual(own.responses);
    await expect(rejudge(own, judge, { w: 0.5, chunkSize: 0 })).rejects.toThrow(/chunkSize/);
  });

  it('rejects an empty problem list and a bad chunk size', async () => {
    await expect(evaluatePolicy(model, [])).rejects.toThrow(/problems must be a non-empty array/);
    await expect(evaluatePolicy(model, problems, { chunkSize: 0 })).rejects.toThrow(/options.chunkSize/);
  });
});
