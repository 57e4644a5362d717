// GpuCritic: the PPO critic (src/engine/critic.ts) on WebGPU. The trunk runs the engine's own
// recorded passes (./gpt.ts recordTrunkForward / recordTrunkBackward) on this critic's buffers;
// the value head is one more matmul (OC = 1) on acts.lnf, its backward one matmulBackward that
// writes d(lnf) into acts.dln for the trunk. No new WGSL. CPU reference: ../cpu/critic.ts.
import type { GpuContext } from '../../gpu/device.ts';
import { readFloat32, STORAGE, uploadBuffer, writeBuffer, createBuffer } from '../../gpu/buffers.ts';
import { paramLayout, validateConfig, type ModelConfig, type ParamLayout } from '../config.ts';
import { criticParamCount, type ValueModel } from '../critic.ts';
import { validateAdamW } from '../adamwConfig.ts';
import type { AdamWConfig, StepResult } from '../types.ts';
import { createTrainingBuffers, destroyTrainingBuffers, type TrainingBuffers } from './activations.ts';
import { Recorder } from './encoding.ts';
import { recordTrunkBackward, recordTrunkForward } from './gpt.ts';
import { adamwStep, decayRanges } from './layers/adamw.ts';
import { matmulBackward, matmulForward } from './layers/matmul.ts';
import { submitAndRead } from './readback.ts';
import { at } from './tensor.ts';
import { validateParams } from './validate.ts';

export class GpuCritic implements ValueModel {
  readonly config: ModelConfig;
  readonly maxBatchTokens: number;
  private readonly ctx: GpuContext;
  private readonly rec: Recorder;
  private readonly layout: ParamLayout;
  /** trunk elements; the head's w starts here, b at P + C */
  private readonly P: number;
  private readonly total: number;
  private readonly params: GPUBuffer;
  private readonly grads: GPUBuffer;
  private readonly m: GPUBuffer;
  private readonly v: GPUBuffer;
  private readonly optState: GPUBuffer;
  private readonly acts: TrainingBuffers;
  private readonly vals: GPUBuffer;
  private readonly dvals: GPUBuffer;
  private readonly ranges: [number, number][];
  private t = 0;
  private last: { B: number; T: number } | null = null;

  static async create(ctx: GpuContext, config: ModelConfig, params: Float32Array, maxBatchTokens: number): Promise<GpuCritic> {
    validateConfig(config);
    validateParams(params, criticParamCount(config), 'critic params');
    if (!Number.isInteger(maxBatchTokens) || maxBatchTokens < config.blockSize) {
      throw new RangeError(`maxBatchTokens must be an integer >= blockSize (${config.blockSize}), got ${maxBatchTokens}`);
    }
    const c = new GpuCritic(ctx, config, params, maxBatchTokens);
    await ctx.device.queue.onSubmittedWorkDone();
    return c;
  }

  private constructor(ctx: GpuContext, config: ModelConfig, params: Float32Array, maxBT: number) {
    this.ctx = ctx;
    this.config = { ...config };
    this.maxBatchTokens = maxBT;
    this.layout = paramLayout(config);
    this.P = this.layout.total;
    this.total = criticParamCount(config);
    const d = ctx.device;
    this.rec = new Recorder(ctx);
    this.params = uploadBuffer(d, params, STORAGE, 'critic params');
    this.grads = uploadBuffer(d, new Float32Array(this.total), STORAGE, 'critic grads');
    this.m = uploadBuffer(d, new Float32Array(this.total), STORAGE, 'critic adam m');
    this.v = uploadBuffer(d, new Float32Array(this.total), STORAGE, 'critic adam v');
    this.optState = uploadBuffer(d, new Uint32Array(2), STORAGE, 'critic opt state');
    this.acts = createTrainingBuffers(d, this.config, maxBT);
    this.vals = createBuffer(d, maxBT * 4, undefined, 'critic values');
    this.dvals = createBuffer(d, maxBT * 4, undefined, 'critic dvalues');
    this.ranges = decayRanges(this.config); // the head is not decayed
  }

  async values(inputs: Int32Array, B: number, T: number): Promise<Float32Array> {
    const { blockSize, vocabSize: V, nEmbd: C } = this.config;
    if (!Number.isInteger(B) || B < 1 || !Number.isInteger(T) || T < 1 || T > blockSize) {
      throw new RangeError(`B must be ≥ 1 and T in [1, ${blockSize}] (got B = ${B}, T = ${T})`);
    }
    const BT = B * T;
    if (BT > this.maxBatchTokens) throw new RangeError(`B·T = ${BT} exceeds this critic's maxBatchTokens ${this.maxBatchTokens}`);
    if (inputs.length !== BT) throw new RangeError(`inputs has ${inputs.length} elements, expected B·T = ${BT}`);
    for (let i = 0; i < BT; i++) if (!(inputs[i] >= 0 && inputs[i] < V)) throw new RangeError(`inputs[${i}] = ${inputs[i]} is not a token id`);
    const d = this.ctx.device;
    const positions = new Int32Array(BT);
    for (let i = 0; i < BT; i++) positions[i] = i % T;
    writeBuffer(d, this.acts.tokens, inputs);
    writeBuffer(d, this.acts.positions, positions);
    this.rec.begin();
    recordTrunkForward(this.rec, this.gpt(), B, T);
    matmulForward(this.rec, at(this.vals), at(this.acts.lnf), at(this.params, this.P), at(this.params, this.P + C), BT, C, 1);
    const [out] = await submitAndRead(this.rec, [{ buf: this.vals, offset: 0, bytes: BT * 4 }]);
    this.last = { B, T };
    return new Float32Array(out);
  }

  async backward(dvalues: Float32Array): Promise<void> {
    if (!this.last) throw new Error('critic backward called before values()');
    const { B, T } = this.last;
    const BT = B * T;
    const C = this.config.nEmbd;
    if (dvalues.length !== BT) throw new RangeError(`dvalues has ${dvalues.length} elements, the last values() had B·T = ${BT}`);
    writeBuffer(this.ctx.device, this.dvals, dvalues);
    this.rec.begin();
    // dln = dvalues ⊗ w (overwritten), dw += dvaluesᵀ·lnf, db += Σ dvalues; then the trunk from dln
    matmulBackward(this.rec, at(this.acts.dln), at(this.grads, this.P), at(this.grads, this.P + C), at(this.dvals), at(this.acts.lnf), at(this.params, this.P), BT, C, 1);
    recordTrunkBackward(this.rec, this.gpt(), B, T);
    this.rec.submit();
  }

  zeroGrad(): void {
    const enc = this.ctx.device.createCommandEncoder();
    enc.clearBuffer(this.grads);
    this.ctx.device.queue.submit([enc.finish()]);
  }

  async step(opt: AdamWConfig): Promise<StepResult> {
    validateAdamW(opt);
    this.rec.begin();
    adamwStep(this.rec, { params: this.params, grads: this.grads, m: this.m, v: this.v, state: this.optState }, this.total, this.t + 1, opt, this.ranges);
    const [state] = await submitAndRead(this.rec, [{ buf: this.optState, offset: 0, bytes: 8 }]);
    const gradNorm = Math.sqrt(new Float32Array(state, 0, 1)[0]);
    if (!Number.isFinite(gradNorm) || new Uint32Array(state, 4, 1)[0] !== 0) return { gradNorm, skipped: true };
    this.t++;
    return { gradNorm, skipped: false };
  }

  sync(): Promise<void> {
    return this.ctx.device.queue.onSubmittedWorkDone();
  }

  getParams(): Promise<Float32Array> {
    return readFloat32(this.ctx.device, this.params, this.total);
  }

  /** The accumulated gradients (tests). */
  getGrads(): Promise<Float32Array> {
    return readFloat32(this.ctx.device, this.grads, this.total);
  }

  async setParams(p: Float32Array): Promise<void> {
    validateParams(p, this.total, 'critic params');
    writeBuffer(this.ctx.device, this.params, p);
  }

  async getOptimizerState(): Promise<{ m: Float32Array; v: Float32Array; t: number }> {
    return { m: await readFloat32(this.ctx.device, this.m, this.total), v: await readFloat32(this.ctx.device, this.v, this.total), t: this.t };
  }

  async setOptimizerState(s: { m: Float32Array; v: Float32Array; t: number }): Promise<void> {
    validateParams(s.m, this.total, 'critic optimizer state m');
    validateParams(s.v, this.total, 'critic optimizer state v');
    if (!Number.isInteger(s.t) || s.t < 0) throw new RangeError(`critic optimizer state t must be an integer >= 0, got ${s.t}`);
    writeBuffer(this.ctx.device, this.m, s.m);
    writeBuffer(this.ctx.device, this.v, s.v);
    this.t = s.t;
  }

  dispose(): void {
    for (const b of [this.params, this.grads, this.m, this.v, this.optState, this.vals, this.dvals]) b.destroy();
    destroyTrainingBuffers(this.acts);
    this.rec.destroy();
    this.last = null;
  }

  private gpt() {
    return { config: this.config, layout: this.layout, params: this.params, grads: this.grads, acts: this.acts };
  }
}
