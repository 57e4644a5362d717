// The pre-flight's refusal says when the memory budget it checked against was assumed, not given:
// no WebGPU API reports a GPU's memory, so a run refused against the default must say so.
import { describe, expect, it } from 'vitest';
import { PreflightError } from '../../../src/worker/preflightError.ts';

describe('PreflightError', () => {
  const problems = ['The run needs 5.0 GiB on the GPU, more than the 4.0 GiB budget; the largest parts: KV cache 3.0 GiB.'];
  it('names the assumed default budget and how to set it', () => {
    const e = new PreflightError(problems, ['group size 4.'], true);
    expect(e.message).toBe(`This run does not fit on the GPU. ${problems[0]} Lower one of: group size 4. (The memory budget is an assumed default: no WebGPU API reports the GPU's memory; set the run model's budgetBytes to your GPU's.)`);
  });
  it('says nothing of it when the run gave its own budget, and proposes a smaller model without advice', () => {
    expect(new PreflightError(problems, [], false).message).toBe(`This run does not fit on the GPU. ${problems[0]} Pick a smaller model.`);
  });
});
