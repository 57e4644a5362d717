// CpuCritic: the float64 CPU reference of the PPO critic (src/engine/critic.ts), the ground truth
// the WebGPU critic is tested against. Trunk forward/backward are the model's own (./gpt.ts).
import { paramLayout, validateConfig, type ModelConfig } from '../config.ts';
import { criticParamCount, type ValueModel } from '../critic.ts';
import type { AdamWConfig, StepResult } from '../types.ts';
import { createActivations, type Activations } from './activations.ts';
import { adamwStep, weightDecayMask, type AdamWState } from './adamw.ts';
import { gptForward, gptTrunkBackward } from './gpt.ts';
import { paramViews, type ParamViews } from './params.ts';

export class CpuCritic implements ValueModel {
  readonly config: ModelConfig;
  /** float64 parameters (trunk, w, b); mutable: tests perturb them */
  readonly params: Float64Array;
  readonly grads: Float64Array;
  private readonly P: number;
  private readonly p: ParamViews;
  private readonly g: ParamViews;
  private readonly decayMask: Uint8Array;
  private opt: AdamWState;
  private last: { acts: Activations; inputs: Int32Array } | null = null;

  constructor(config: ModelConfig, params: ArrayLike<number>) {
    validateConfig(config);
    this.config = { ...config };
    this.P = paramLayout(config).total;
    const n = criticParamCount(config);
    this.params = new Float64Array(n);
    this.grads = new Float64Array(n);
    this.p = paramViews(this.params.subarray(0, this.P), config);
    this.g = paramViews(this.grads.subarray(0, this.P), config);
    this.decayMask = new Uint8Array(n);
    this.decayMask.set(weightDecayMask(config));
    this.opt = { m: new Float64Array(n), v: new Float64Array(n), t: 0 };
    this.setParamsSync(params);
  }

  values64(inputs: Int32Array, B: number, T: number): Float64Array {
    const C = this.config.nEmbd;
    if (!Number.isInteger(B) || B < 1 || !Number.isInteger(T) || T < 1 || T > this.config.blockSize) {
      throw new RangeError(`B must be ≥ 1 and T in [1, ${this.config.blockSize}] (got B = ${B}, T = ${T})`);
    }
    if (inputs.length !== B * T) throw new RangeError(`inputs has ${inputs.length} elements, expected B·T = ${B * T}`);
    for (let i = 0; i < inputs.length; i++) {
      if (inputs[i] < 0 || inputs[i] >= this.config.vocabSize) throw new RangeError(`inputs[${i}] = ${inputs[i]} is not a token id`);
    }
    const acts = createActivations(this.config, B, T);
    gptForward(this.p, acts, inputs, new Int32Array(B * T).fill(-1), this.config);
    this.last = { acts, inputs: inputs.slice() };
    const w = this.params.subarray(this.P, this.P + C);
    const b = this.params[this.P + C];
    const out = new Float64Array(B * T);
    for (let r = 0; r < B * T; r++) {
      let s = b;
      for (let c = 0; c < C; c++) s += acts.lnf[r * C + c] * w[c];
      out[r] = s;
    }
    return out;
  }

  async values(inputs: Int32Array, B: number, T: number): Promise<Float32Array> {
    return Float32Array.from(this.values64(inputs, B, T));
  }

  backward64(dvalues: ArrayLike<number>): void {
    if (!this.last) throw new Error('critic backward called before values()');
    const { acts, inputs } = this.last;
    const C = this.config.nEmbd;
    const BT = acts.B * acts.T;
    if (dvalues.length !== BT) throw new RangeError(`dvalues has ${dvalues.length} elements, the last values() had B·T = ${BT}`);
    const w = this.params.subarray(this.P, this.P + C);
    const gw = this.grads.subarray(this.P, this.P + C);
    const dlnf = new Float64Array(BT * C);
    for (let r = 0; r < BT; r++) {
      const d = dvalues[r];
      for (let c = 0; c < C; c++) {
        dlnf[r * C + c] = d * w[c];
        gw[c] += d * acts.lnf[r * C + c];
      }
      this.grads[this.P + C] += d;
    }
    gptTrunkBackward(this.g, this.p, acts, inputs, dlnf, this.config);
  }

  async backward(dvalues: Float32Array): Promise<void> {
    this.backward64(dvalues);
  }

  zeroGrad(): void {
    this.grads.fill(0);
  }

  async step(opt: AdamWConfig): Promise<StepResult> {
    return adamwStep(this.params, this.grads, this.opt, this.decayMask, opt);
  }

  async sync(): Promise<void> {}

  async getParams(): Promise<Float32Array> {
    return Float32Array.from(this.params);
  }

  async setParams(p: Float32Array): Promise<void> {
    this.setParamsSync(p);
  }

  async getOptimizerState(): Promise<{ m: Float32Array; v: Float32Array; t: number }> {
    return { m: Float32Array.from(this.opt.m), v: Float32Array.from(this.opt.v), t: this.opt.t };
  }

  async setOptimizerState(s: { m: Float32Array; v: Float32Array; t: number }): Promise<void> {
    const n = this.params.length;
    if (s.m.length !== n || s.v.length !== n) throw new RangeError(`critic optimizer state has ${s.m.length} / ${s.v.length} elements, expected ${n}`);
    if (!Number.isInteger(s.t) || s.t < 0) throw new RangeError(`critic optimizer state t must be an integer >= 0, got ${s.t}`);
    this.opt = { m: Float64Array.from(s.m), v: Float64Array.from(s.v), t: s.t };
  }

  dispose(): void {
    this.last = null;
  }

  private setParamsSync(p: ArrayLike<number>): void {
    if (p.length !== this.params.length) throw new RangeError(`critic params has ${p.length} elements, the config needs ${this.params.length}`);
    for (let i = 0; i < p.length; i++) if (!Number.isFinite(p[i])) throw new RangeError(`critic params[${i}] is ${p[i]}`);
    this.params.set(p);
  }
}
