// Test double for the trainer: a real CpuModel (forward, backward, step, probes are the exact
// float64 reference) whose sample() writes well-formed toy traces — right or wrong answers, with
// and without hesitation segments — instead of an untrained model's noise, so that rewards vary
// and CoTs have segments. Also counts probe calls and can poison forward / backward with NaN.
import { CpuModel } from '../../../src/engine/cpu/cpuModel.ts';
import type { ModelConfig } from '../../../src/engine/config.ts';
import { initParams } from '../../../src/engine/init.ts';
import type {
  AdamWConfig, ForwardOutput, ProbeRequest, SamplingOptions, SampleOutput, StepResult, TrainableModel,
} from '../../../src/engine/types.ts';
import { ANSWER_MARKER } from '../../../src/task/format.ts';
import { problemFrom } from '../../../src/task/problem.ts';
import { toyTokenizer } from '../../../src/task/tokenizer.ts';
import { renderTrace, TRACE_STYLES } from '../../../src/task/trace.ts';
import { EOS } from '../../../src/task/vocab.ts';
import { Rng } from '../../../src/sampling/rng.ts';

export const TINY: ModelConfig = { vocabSize: 50, blockSize: 64, nLayer: 1, nHead: 2, nEmbd: 8 };

export class ScriptedPolicy implements TrainableModel {
  readonly inner: CpuModel;
  probeCalls = 0;
  forwardCalls = 0;
  /** forward call numbers (1-based) whose log-probs come back NaN */
  poisonForward = new Set<number>();
  /** when true, the next backward gets an all-NaN dlogp */
  poisonNextBackward = false;

  constructor(seed = 1, config: ModelConfig = TINY) {
    this.inner = new CpuModel(config, initParams(config, seed));
  }

  get config(): ModelConfig {
    return this.inner.config;
  }

  async forward(inputs: Int32Array, targets: Int32Array, B: number, T: number): Promise<ForwardOutput> {
    this.forwardCalls++;
    const out = await this.inner.forward(inputs, targets, B, T);
    if (this.poisonForward.has(this.forwardCalls)) out.logProbs.fill(NaN);
    return out;
  }

  async backward(dlogp: Float32Array): Promise<void> {
    if (this.poisonNextBackward) {
      this.poisonNextBackward = false;
      dlogp = new Float32Array(dlogp.length).fill(NaN);
    }
    return this.inner.backward(dlogp);
  }

  zeroGrad(): void { this.inner.zeroGrad(); }
  step(opt: AdamWConfig): Promise<StepResult> { return this.inner.step(opt); }

  async sample(prompts: number[][], opts: SamplingOptions): Promise<SampleOutput> {
    const rng = new Rng(opts.seed);
    const tokens: number[][] = [];
    const entropy: number[][] = [];
    for (const p of prompts) {
      const m = /(\d+)\+(\d+)=\?/.exec(toyTokenizer.decode(p))!;
      const problem = problemFrom(Number(m[1]), Number(m[2]));
      const trace = renderTrace(problem, rng.pick(TRACE_STYLES), rng);
      const answer = rng.uniform() < 0.5 ? trace.answer : String(Number(trace.answer) + 1);
      const room = Math.min(opts.maxNewTokens, this.config.blockSize + 1 - p.length);
      const ids = toyTokenizer.encode(trace.cot + ANSWER_MARKER + answer + EOS).slice(0, room);
      tokens.push(ids);
      entropy.push(ids.map(() => 3 * rng.uniform()));
    }
    return { tokens, entropy };
  }

  probeLogProbs(requests: ProbeRequest[]): Promise<number[][][]> {
    this.probeCalls++;
    return this.inner.probeLogProbs(requests);
  }

  getParams(): Promise<Float32Array> { return this.inner.getParams(); }
  setParams(p: Float32Array): Promise<void> { return this.inner.setParams(p); }
  getOptimizerState() { return this.inner.getOptimizerState(); }
  setOptimizerState(s: { m: Float32Array; v: Float32Array; t: number }) { return this.inner.setOptimizerState(s); }
  dispose(): void { this.inner.dispose(); }
}
