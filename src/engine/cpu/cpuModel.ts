// CpuModel: the float64 CPU reference as a TrainableModel (src/engine/types.ts). Slow but exact;
// used to test trainers in Node and as the ground truth for the WebGPU engine.
// Params, grads and AdamW moments live in float64; getParams/getOptimizerState return float32 copies.
import { paramLayout, validateConfig, type ModelConfig } from '../config.ts';
import type {
  AdamWConfig, ForwardOutput, ProbeRequest, SamplingOptions, SampleOutput, StepResult, TrainableModel,
} from '../types.ts';
import { createActivations, type Activations } from './activations.ts';
import { adamwStep, weightDecayMask, type AdamWState } from './adamw.ts';
import { probeNaive, sampleNaive } from './generate.ts';
import { gptBackward, gptForward } from './gpt.ts';
import { paramViews, type ParamViews } from './params.ts';

interface SavedForward {
  acts: Activations;
  inputs: Int32Array;
  targets: Int32Array;
}

export class CpuModel implements TrainableModel {
  readonly config: ModelConfig;
  /** float64 parameters in the flat layout of config.ts (mutable: tests perturb them). */
  readonly params: Float64Array;
  /** float64 gradients, same layout; accumulate across backward calls. */
  readonly grads: Float64Array;
  private readonly p: ParamViews;
  private readonly g: ParamViews;
  private readonly decayMask: Uint8Array;
  private opt: AdamWState;
  private last: SavedForward | null = null;

  constructor(config: ModelConfig, params: ArrayLike<number>) {
    validateConfig(config);
    this.config = { ...config };
    const total = paramLayout(config).total;
    this.params = new Float64Array(total);
    this.grads = new Float64Array(total);
    this.p = paramViews(this.params, config);
    this.g = paramViews(this.grads, config);
    this.decayMask = weightDecayMask(config);
    this.opt = { m: new Float64Array(total), v: new Float64Array(total), t: 0 };
    this.setParamsSync(params);
  }

  /** Float64 forward; keeps the activations for backward. */
  forward64(inputs: Int32Array, targets: Int32Array, B: number, T: number): { logProbs: Float64Array; entropy: Float64Array } {
    const acts = this.run(inputs, targets, B, T);
    this.last = { acts, inputs: inputs.slice(), targets: targets.slice() };
    return { logProbs: acts.logp.slice(), entropy: acts.entropy.slice() };
  }

  async forward(inputs: Int32Array, targets: Int32Array, B: number, T: number): Promise<ForwardOutput> {
    const r = this.forward64(inputs, targets, B, T);
    return { logProbs: Float32Array.from(r.logProbs), entropy: Float32Array.from(r.entropy) };
  }

  /** Logits [B, T, V] in float64; does not disturb the activations saved for backward. */
  logits(inputs: Int32Array, B: number, T: number): Float64Array {
    return this.run(inputs, new Int32Array(B * T).fill(-1), B, T).logits;
  }

  /** Backward of the last forward for dlogp [B,T] = ∂L/∂logp; parameter gradients accumulate. */
  backward64(dlogp: ArrayLike<number>): void {
    if (!this.last) throw new Error('backward called before forward');
    const { acts, inputs, targets } = this.last;
    if (dlogp.length !== acts.B * acts.T) {
      throw new RangeError(`dlogp has ${dlogp.length} elements, the last forward had B·T = ${acts.B * acts.T}`);
    }
    gptBackward(this.g, this.p, acts, inputs, targets, dlogp, this.config);
  }

  async backward(dlogp: Float32Array): Promise<void> {
    this.backward64(dlogp);
  }

  zeroGrad(): void {
    this.grads.fill(0);
  }

  async step(opt: AdamWConfig): Promise<StepResult> {
    return adamwStep(this.params, this.grads, this.opt, this.decayMask, opt);
  }

  async sample(prompts: number[][], opts: SamplingOptions): Promise<SampleOutput> {
    const logitsOf = (tokens: number[]) => this.logits(Int32Array.from(tokens), 1, tokens.length);
    return sampleNaive(this.config, logitsOf, prompts, opts);
  }

  async probeLogProbs(requests: ProbeRequest[]): Promise<number[][][]> {
    const logProbsOf = (inputs: number[], targets: number[]) =>
      this.run(Int32Array.from(inputs), Int32Array.from(targets), 1, inputs.length).logp;
    return probeNaive(this.config, logProbsOf, requests);
  }

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
    if (s.m.length !== n) throw new RangeError(`optimizer state m has ${s.m.length} elements, expected ${n}`);
    if (s.v.length !== n) throw new RangeError(`optimizer state v has ${s.v.length} elements, expected ${n}`);
    if (!Number.isInteger(s.t) || s.t < 0) throw new RangeError(`optimizer state t must be an integer >= 0, got ${s.t}`);
    this.opt = { m: Float64Array.from(s.m), v: Float64Array.from(s.v), t: s.t };
  }

  dispose(): void {
    this.last = null;
  }

  private setParamsSync(p: ArrayLike<number>): void {
    if (p.length !== this.params.length) {
      throw new RangeError(`params has ${p.length} elements, the config needs ${this.params.length}`);
    }
    for (let i = 0; i < p.length; i++) {
      if (!Number.isFinite(p[i])) throw new RangeError(`params[${i}] is ${p[i]}`);
    }
    this.params.set(p);
  }

  private run(inputs: Int32Array, targets: Int32Array, B: number, T: number): Activations {
    this.validateBatch(inputs, targets, B, T);
    const acts = createActivations(this.config, B, T);
    gptForward(this.p, acts, inputs, targets, this.config);
    return acts;
  }

  private validateBatch(inputs: Int32Array, targets: Int32Array, B: number, T: number): void {
    const V = this.config.vocabSize;
    if (!Number.isInteger(B) || B <= 0) throw new RangeError(`B must be a positive integer, got ${B}`);
    if (!Number.isInteger(T) || T <= 0 || T > this.config.blockSize) {
      throw new RangeError(`T must be an integer in [1, blockSize=${this.config.blockSize}], got ${T}`);
    }
    if (inputs.length !== B * T) throw new RangeError(`inputs has ${inputs.length} elements, expected B·T = ${B * T}`);
    if (targets.length !== B * T) throw new RangeError(`targets has ${targets.length} elements, expected B·T = ${B * T}`);
    for (let i = 0; i < B * T; i++) {
      if (inputs[i] < 0 || inputs[i] >= V) throw new RangeError(`inputs[${i}] = ${inputs[i]} is not a token id in [0, ${V})`);
      if (targets[i] < -1 || targets[i] >= V) throw new RangeError(`targets[${i}] = ${targets[i]} must be -1 or a token id in [0, ${V})`);
    }
  }
}
