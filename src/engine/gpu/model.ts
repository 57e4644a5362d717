// GpuModel: the toy GPT-2 (src/engine/config.ts) trained and sampled on WebGPU, llm.c-style.
//
// Layer order (forward; backward runs it in exact reverse, see ./gpt.ts):
//   encoder (wte[token] + wpe[position]) →
//   L × [ ln1 → qkv matmul → causal attention → attproj matmul → residual add →
//         ln2 → fc matmul → GELU (tanh) → fcproj matmul → residual add ] →
//   lnf → logits = lnf @ wte^T → log-prob head (log p(target), entropy, lse per row)
// Backward: dlogits = dlogp·(onehot − softmax); parameter gradients ACCUMULATE into `grads`,
// activation gradients are OVERWRITTEN (the residual-stream gradient excepted: see ./gpt.ts).
//
// Buffers (all f32 unless noted; sizes in the legend of config.ts):
//   params, grads, m, v   [P] flat, in config.ts's layout; kernels address a tensor by its element
//                         offset (uniform), never by a binding offset
//   optState              [2] u32: ‖g‖² bits (NaN when any gradient is non-finite), bad-update flag
//   training activations  ./activations.ts: per-layer stacks [L, maxBT, …] allocated once for
//                         maxBT = maxBatchTokens rows; backward scratch [maxBT, …]
//   inference             ./inference.ts: KV store (./kvStore.ts, [2, R, C] per layer) + one layer of scratch rows
// Every kernel's sizes arrive as uniforms, so each pipeline compiles once; a forward, a backward
// and an optimizer step are each one submit; only [B,T] log-probs/entropies, the 2-word optimizer
// state and sampled rows' logits (V floats each) are read back.
import type { GpuContext } from '../../gpu/device.ts';
import { readFloat32, STORAGE, uploadBuffer, writeBuffer } from '../../gpu/buffers.ts';
import { paramLayout, validateConfig, type ModelConfig, type ParamLayout } from '../config.ts';
import { validateAdamW } from '../adamwConfig.ts';
import type {
  AdamWConfig, ForwardOutput, ProbeRequest, SamplingOptions, SampleOutput, StepResult, TrainableModel,
} from '../types.ts';
import { createTrainingBuffers, destroyTrainingBuffers, type TrainingBuffers } from './activations.ts';
import { Recorder } from './encoding.ts';
import { recordBackward, recordForward } from './gpt.ts';
import { adamwStep, decayRanges } from './layers/adamw.ts';
import { CachedInference } from './inference.ts';
import { KvStore } from './kvStore.ts';
import { toyWeights } from './weights.ts';
import { GpuSampler } from './layers/sample.ts';
import { probeWithCache } from './probe.ts';
import { submitAndRead } from './readback.ts';
import { sampleWithCache } from './sample.ts';
import { validateBatch, validateParams } from './validate.ts';

export interface GpuModelOptions {
  /** Most rows (B·T) one forward/backward or one inference chunk may hold; default 16·blockSize. */
  maxBatchTokens?: number;
}

export class GpuModel implements TrainableModel {
  readonly config: ModelConfig;
  readonly layout: ParamLayout;
  readonly maxBatchTokens: number;
  private readonly ctx: GpuContext;
  private readonly rec: Recorder;
  private readonly params: GPUBuffer;
  private readonly grads: GPUBuffer;
  private readonly m: GPUBuffer;
  private readonly v: GPUBuffer;
  private readonly optState: GPUBuffer;
  private readonly acts: TrainingBuffers;
  private readonly inference: CachedInference;
  private readonly kv: KvStore;
  private readonly sampler: GpuSampler;
  private readonly ranges: [number, number][];
  private t = 0;
  private last: { B: number; T: number } | null = null;

  static async create(ctx: GpuContext, config: ModelConfig, params?: Float32Array, opts: GpuModelOptions = {}): Promise<GpuModel> {
    validateConfig(config);
    const total = paramLayout(config).total;
    if (params) validateParams(params, total);
    const maxBT = opts.maxBatchTokens ?? 16 * config.blockSize;
    if (!Number.isInteger(maxBT) || maxBT < config.blockSize) {
      throw new RangeError(`opts.maxBatchTokens must be an integer >= blockSize (${config.blockSize}), got ${maxBT}`);
    }
    const model = new GpuModel(ctx, config, params ?? new Float32Array(total), maxBT);
    await model.ctx.device.queue.onSubmittedWorkDone();
    return model;
  }

  private constructor(ctx: GpuContext, config: ModelConfig, params: Float32Array, maxBT: number) {
    this.ctx = ctx;
    this.config = { ...config };
    this.layout = paramLayout(config);
    this.maxBatchTokens = maxBT;
    const d = ctx.device;
    const P = this.layout.total;
    this.rec = new Recorder(ctx);
    this.params = uploadBuffer(d, params, STORAGE, 'engine params');
    this.grads = uploadBuffer(d, new Float32Array(P), STORAGE, 'engine grads');
    this.m = uploadBuffer(d, new Float32Array(P), STORAGE, 'engine adam m');
    this.v = uploadBuffer(d, new Float32Array(P), STORAGE, 'engine adam v');
    this.optState = uploadBuffer(d, new Uint32Array(2), STORAGE, 'engine opt state');
    this.acts = createTrainingBuffers(d, this.config, maxBT);
    this.kv = new KvStore(ctx, this.config.nLayer, this.config.nEmbd);
    this.inference = new CachedInference(ctx, this.config, this.rec, toyWeights(this.config, this.params), this.kv, maxBT);
    this.sampler = new GpuSampler(d, maxBT);
    this.ranges = decayRanges(this.config);
  }

  async forward(inputs: Int32Array, targets: Int32Array, B: number, T: number): Promise<ForwardOutput> {
    validateBatch(this.config, inputs, targets, B, T, this.maxBatchTokens);
    const d = this.ctx.device;
    const BT = B * T;
    const positions = new Int32Array(BT);
    for (let i = 0; i < BT; i++) positions[i] = i % T;
    writeBuffer(d, this.acts.tokens, inputs);
    writeBuffer(d, this.acts.positions, positions);
    writeBuffer(d, this.acts.targets, targets);
    this.rec.begin();
    recordForward(this.rec, this.gpt(), B, T);
    const [logp, ent] = await submitAndRead(this.rec, [
      { buf: this.acts.logp, offset: 0, bytes: BT * 4 },
      { buf: this.acts.entropy, offset: 0, bytes: BT * 4 },
    ]);
    this.last = { B, T };
    return { logProbs: new Float32Array(logp), entropy: new Float32Array(ent) };
  }

  async backward(dlogp: Float32Array): Promise<void> {
    if (!this.last) throw new Error('backward called before forward');
    const { B, T } = this.last;
    if (dlogp.length !== B * T) throw new RangeError(`dlogp has ${dlogp.length} elements, the last forward had B·T = ${B * T}`);
    writeBuffer(this.ctx.device, this.acts.dlogp, dlogp);
    this.rec.begin();
    recordBackward(this.rec, this.gpt(), B, T);
    this.rec.submit();
  }

  sync(): Promise<void> {
    return this.ctx.device.queue.onSubmittedWorkDone();
  }

  zeroGrad(): void {
    const enc = this.ctx.device.createCommandEncoder();
    enc.clearBuffer(this.grads);
    this.ctx.device.queue.submit([enc.finish()]);
  }

  async step(opt: AdamWConfig): Promise<StepResult> {
    validateAdamW(opt);
    this.rec.begin();
    adamwStep(this.rec, { params: this.params, grads: this.grads, m: this.m, v: this.v, state: this.optState },
      this.layout.total, this.t + 1, opt, this.ranges);
    const [state] = await submitAndRead(this.rec, [{ buf: this.optState, offset: 0, bytes: 8 }]);
    const normSq = new Float32Array(state, 0, 1)[0];
    const badUpdate = new Uint32Array(state, 4, 1)[0] !== 0;
    const gradNorm = Math.sqrt(normSq);
    if (!Number.isFinite(gradNorm) || badUpdate) return { gradNorm, skipped: true };
    this.t++;
    return { gradNorm, skipped: false };
  }

  sample(prompts: number[][], opts: SamplingOptions): Promise<SampleOutput> {
    return sampleWithCache(this.inference, this.sampler, prompts, opts);
  }

  probeLogProbs(requests: ProbeRequest[]): Promise<number[][][]> {
    return probeWithCache(this.inference, requests);
  }

  getParams(): Promise<Float32Array> {
    return readFloat32(this.ctx.device, this.params, this.layout.total);
  }

  /** The accumulated gradients (for tests and diagnostics). */
  getGrads(): Promise<Float32Array> {
    return readFloat32(this.ctx.device, this.grads, this.layout.total);
  }

  async setParams(p: Float32Array): Promise<void> {
    validateParams(p, this.layout.total);
    writeBuffer(this.ctx.device, this.params, p);
  }

  async getOptimizerState(): Promise<{ m: Float32Array; v: Float32Array; t: number }> {
    const P = this.layout.total;
    return { m: await readFloat32(this.ctx.device, this.m, P), v: await readFloat32(this.ctx.device, this.v, P), t: this.t };
  }

  async setOptimizerState(s: { m: Float32Array; v: Float32Array; t: number }): Promise<void> {
    const P = this.layout.total;
    validateParams(s.m, P, 'optimizer state m');
    validateParams(s.v, P, 'optimizer state v');
    if (!Number.isInteger(s.t) || s.t < 0) throw new RangeError(`optimizer state t must be an integer >= 0, got ${s.t}`);
    writeBuffer(this.ctx.device, this.m, s.m);
    writeBuffer(this.ctx.device, this.v, s.v);
    this.t = s.t;
  }

  dispose(): void {
    for (const b of [this.params, this.grads, this.m, this.v, this.optState]) b.destroy();
    destroyTrainingBuffers(this.acts);
    this.inference.destroy();
    this.kv.destroy();
    this.sampler.destroy();
    this.rec.destroy();
    this.last = null;
  }

  private gpt() {
    return { config: this.config, layout: this.layout, params: this.params, grads: this.grads, acts: this.acts };
  }
}
