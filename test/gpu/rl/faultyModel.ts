// A TrainableModel that forwards to a real engine and injects faults through the engine API at
// chosen calls: a NaN in the dlogp given to backward (→ non-finite gradients), or a NaN log-prob
// returned by forward (→ non-finite loss). It records what a rejected step did to the weights.
import type {
  AdamWConfig, ForwardOutput, ProbeRequest, SamplingOptions, SampleOutput, StepResult, TrainableModel,
} from '../../../src/engine/types.ts';

export interface Faults {
  /** 1-based backward calls whose dlogp gets a NaN at its first non-zero entry */
  nanGradientAt: number[];
  /** 1-based forward calls whose log-probs get a NaN at the first target position */
  nanLogProbAt: number[];
}

export interface RejectedStepRecord {
  /** 1-based optimizer call */
  call: number;
  result: StepResult;
  weightsUnchanged: boolean;
  optimizerStepUnchanged: boolean;
}

export class FaultyModel implements TrainableModel {
  readonly inner: TrainableModel;
  readonly faults: Faults;
  readonly rejected: RejectedStepRecord[] = [];
  private forwards = 0;
  private backwards = 0;
  private steps = 0;
  private poisoned = false;

  constructor(inner: TrainableModel, faults: Faults) {
    this.inner = inner;
    this.faults = faults;
  }

  get config() {
    return this.inner.config;
  }

  async forward(inputs: Int32Array, targets: Int32Array, B: number, T: number): Promise<ForwardOutput> {
    const out = await this.inner.forward(inputs, targets, B, T);
    if (this.faults.nanLogProbAt.includes(++this.forwards)) {
      const at = targets.findIndex((t) => t >= 0);
      out.logProbs[at] = NaN;
    }
    return out;
  }

  backward(dlogp: Float32Array): Promise<void> {
    this.poisoned = this.faults.nanGradientAt.includes(++this.backwards);
    if (this.poisoned) {
      dlogp = dlogp.slice();
      dlogp[dlogp.findIndex((g) => g !== 0)] = NaN;
    }
    return this.inner.backward(dlogp);
  }

  zeroGrad(): void {
    this.inner.zeroGrad();
  }

  async step(opt: AdamWConfig): Promise<StepResult> {
    this.steps++;
    if (!this.poisoned) return this.inner.step(opt);
    this.poisoned = false;
    const before = await this.inner.getParams();
    const tBefore = (await this.inner.getOptimizerState()).t;
    const result = await this.inner.step(opt);
    const after = await this.inner.getParams();
    const tAfter = (await this.inner.getOptimizerState()).t;
    this.rejected.push({
      call: this.steps, result,
      weightsUnchanged: before.every((x, i) => Object.is(x, after[i])),
      optimizerStepUnchanged: tBefore === tAfter,
    });
    return result;
  }

  sample(prompts: number[][], opts: SamplingOptions): Promise<SampleOutput> {
    return this.inner.sample(prompts, opts);
  }

  probeLogProbs(requests: ProbeRequest[]): Promise<number[][][]> {
    return this.inner.probeLogProbs(requests);
  }

  getParams(): Promise<Float32Array> {
    return this.inner.getParams();
  }

  setParams(p: Float32Array): Promise<void> {
    return this.inner.setParams(p);
  }

  getOptimizerState(): Promise<{ m: Float32Array; v: Float32Array; t: number }> {
    return this.inner.getOptimizerState();
  }

  setOptimizerState(s: { m: Float32Array; v: Float32Array; t: number }): Promise<void> {
    return this.inner.setOptimizerState(s);
  }

  dispose(): void {
    this.inner.dispose();
  }
}
