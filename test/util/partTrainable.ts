// A TrainableModel shaped like a LoRA model without being one: a frozen float64 CpuModel base of
// which only some tensors are trained (getParams / setParams / the optimizer state are those
// tensors, flat, held in float32 as a GPU model holds them). Its trained vector is not the toy's
// full layout, so the trainer must not assume one (checkpoints, the reference policy, restore).
// Gradients are the base's exact float64 ones; AdamW is the CPU reference's on the trained part.
// With `referenceForward` it also has its own π_ref, as a LoRA model's base with the adapters off:
// a frozen copy of the starting weights.
import { paramLayout, type ParamName } from '../../src/engine/config.ts';
import { CpuModel } from '../../src/engine/cpu/cpuModel.ts';
import { adamwStep } from '../../src/engine/cpu/adamw.ts';
import type { AdamWConfig, ForwardOutput, ProbeRequest, SampleOutput, SamplingOptions, StepResult, TrainableModel } from '../../src/engine/types.ts';

export class PartTrainableModel implements TrainableModel {
  readonly base: CpuModel;
  /** [offset, size] in the base's flat layout of each trained tensor */
  private readonly ranges: [number, number][];
  readonly size: number;
  private opt = { m: new Float32Array(0), v: new Float32Array(0), t: 0 };
  readonly referenceForward?: TrainableModel['referenceForward'];

  constructor(base: CpuModel, trained: ParamName[], opts: { referenceForward?: boolean } = {}) {
    this.base = base;
    const layout = paramLayout(base.config);
    this.ranges = trained.map((n) => [layout.offsets[n], layout.sizes[n]]);
    this.size = this.ranges.reduce((s, [, n]) => s + n, 0);
    this.opt = { m: new Float32Array(this.size), v: new Float32Array(this.size), t: 0 };
    this.setPart(this.part(base.params)); // the trained part in float32 from the start
    if (opts.referenceForward) {
      const frozen = new CpuModel(base.config, base.params);
      this.referenceForward = (inputs, targets, B, T) => frozen.forward(inputs, targets, B, T);
    }
  }

  get config() {
    return this.base.config;
  }

  forward(inputs: Int32Array, targets: Int32Array, B: number, T: number): Promise<ForwardOutput> {
    return this.base.forward(inputs, targets, B, T);
  }

  backward(dlogp: Float32Array): Promise<void> {
    return this.base.backward(dlogp);
  }

  zeroGrad(): void {
    this.base.zeroGrad();
  }

  async step(o: AdamWConfig): Promise<StepResult> {
    const p = Float64Array.from(this.part(this.base.params));
    const state = { m: Float64Array.from(this.opt.m), v: Float64Array.from(this.opt.v), t: this.opt.t };
    // no weight decay on the part (as PEFT's LoRA defaults), the gradient norm over the part only
    const r = adamwStep(p, Float64Array.from(this.part(this.base.grads)), state, new Uint8Array(this.size), o);
    if (!r.skipped) {
      this.setPart(p);
      this.opt = { m: Float32Array.from(state.m), v: Float32Array.from(state.v), t: state.t };
    }
    return r;
  }

  sample(prompts: number[][], opts: SamplingOptions): Promise<SampleOutput> {
    return this.base.sample(prompts, opts);
  }

  probeLogProbs(requests: ProbeRequest[]): Promise<number[][][]> {
    return this.base.probeLogProbs(requests);
  }

  async getParams(): Promise<Float32Array> {
    return Float32Array.from(this.part(this.base.params));
  }

  async setParams(p: Float32Array): Promise<void> {
    if (p.length !== this.size) throw new RangeError(`params has ${p.length} elements, the trained part has ${this.size}`);
    this.setPart(p);
  }

  async getOptimizerState() {
    return { m: this.opt.m.slice(), v: this.opt.v.slice(), t: this.opt.t };
  }

  async setOptimizerState(s: { m: Float32Array; v: Float32Array; t: number }): Promise<void> {
    if (s.m.length !== this.size || s.v.length !== this.size) throw new RangeError(`optimizer state has ${s.m.length} / ${s.v.length} elements, the trained part has ${this.size}`);
    this.opt = { m: s.m.slice(), v: s.v.slice(), t: s.t };
  }

  dispose(): void {
    this.base.dispose();
  }

  private part(flat: ArrayLike<number>): number[] {
    const out: number[] = [];
    for (const [o, n] of this.ranges) for (let i = 0; i < n; i++) out.push(flat[o + i]);
    return out;
  }

  private setPart(p: ArrayLike<number>): void {
    let k = 0;
    for (const [o, n] of this.ranges) for (let i = 0; i < n; i++) this.base.params[o + i] = Math.fround(p[k++]);
  }
}
