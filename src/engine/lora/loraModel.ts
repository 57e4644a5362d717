// LlamaLoraModel: a Llama-family base, frozen at its file precision, with LoRA adapters — the
// TrainableModel (src/engine/types.ts) RL trains on a real small LLM. Only the adapters and their
// AdamW moments are trained and held in f32 (./gpuAdapters.ts); getParams / setParams are the
// adapters (so a GRPO reference policy — the fresh adapters, B = 0 — is the base itself, at the
// cost of one adapter vector), the optimizer state their m, v and t.
// - forward / backward: src/engine/gpu/llamaPass.ts (gradient checkpointing, the LM head in
//   vocabulary chunks), sized by ./trainPass.ts;
// - sample / probeLogProbs: the engine's cached inference with the adapters added to the linears
//   they target (src/engine/gpu/inference.ts), so rollouts and RePro probes run the adapted policy;
//   a GRPO group's prompt is prefilled once (src/engine/gpu/sample.ts), and the rollouts' caches
//   are kept for the probes that score them (src/engine/gpu/kvRetain.ts) until the weights change.
// The base (config + weights) is borrowed: several models (the policy, the critic) share one copy;
// dispose() frees this model's buffers only.
import type { GpuContext } from '../../gpu/device.ts';
import type { LlamaConfig } from '../llamaConfig.ts';
import type {
  AdamWConfig, ForwardOutput, ProbeRequest, SamplingOptions, SampleOutput, StepResult, TrainableModel,
} from '../types.ts';
import { Recorder } from '../gpu/encoding.ts';
import { CachedInference } from '../gpu/inference.ts';
import { KvStore } from '../gpu/kvStore.ts';
import { GpuSampler } from '../gpu/layers/sample.ts';
import { probeWithCache } from '../gpu/probe.ts';
import { submitAndRead } from '../gpu/readback.ts';
import { sampleWithCache } from '../gpu/sample.ts';
import { RetainedSequences } from '../gpu/kvRetain.ts';
import type { EngineWeights } from '../gpu/weights.ts';
import { writeBuffer } from '../../gpu/buffers.ts';
import { recordLlamaBackward, recordLlamaForward } from '../gpu/llamaPass.ts';
import type { LoraConfig } from './loraConfig.ts';
import { initLoraParams, loraLayout, type LoraLayout } from './loraLayout.ts';
import { GpuAdapters, type OptimizerState } from './gpuAdapters.ts';
import { LoraTrainPass, trainSizes, type TrainSizes } from './trainPass.ts';

/** A frozen base model on the GPU: a Llama-family config and its weights (e.g. EngineLanguageModel.base). */
export interface LoraBase {
  config: LlamaConfig;
  weights: EngineWeights;
}

export interface LoraModelOptions extends Partial<TrainSizes> {
  /** seed of the adapters' initialisation (./loraLayout.ts initLoraParams); default 0 */
  seed?: number;
  /** start from these adapters instead (e.g. an imported PEFT adapter, a checkpoint) */
  adapters?: Float32Array;
  /** rows per inference chunk for sampling and probes; default 512 */
  maxInferenceRows?: number;
  /**
   * keep the sampled sequences' KV cache after sample() so probeLogProbs reads contexts that are
   * prefixes of them in place (RePro scoring of the rollouts); released by the next sample(), an
   * optimizer step, setParams, releaseRollouts() or dispose(). Default true.
   */
  retainRollouts?: boolean;
}

/** GPU bytes a LoRA model holds, by part (the memory pre-flight checks its estimate against this). */
export interface LoraMemory {
  /** the frozen base's weights (shared by every model on it; count once) */
  weights: number;
  /** the adapters and their gradient (f32) */
  adapters: number;
  /** AdamW's m and v (f32) and its state */
  optimizer: number;
  /** the layer inputs the forward keeps (gradient checkpointing): (L + 1) · maxBatchTokens · C · 4 */
  checkpoints: number;
  /** one layer's recomputed activations, their gradients, the attention softmax and the LoRA scratch */
  activations: number;
  /** the LM head's vocabulary chunk of logits and the per-row head state */
  headChunks: number;
  /** the KV cache as it is now (it grows with the sequences sampling and probes hold) */
  kv: number;
  /** sampling / probe scratch (one layer of rows, the head slice, the sampler) */
  inference: number;
  /** everything but the shared base's weights */
  total: number;
}

export class LlamaLoraModel implements TrainableModel {
  readonly config: LlamaConfig;
  readonly layout: LoraLayout;
  readonly sizes: TrainSizes;
  private readonly ctx: GpuContext;
  private readonly base: LoraBase;
  private readonly rec: Recorder;
  private readonly adapters: GpuAdapters;
  private readonly train: LoraTrainPass;
  private readonly kv: KvStore;
  private readonly inference: CachedInference;
  private readonly sampler: GpuSampler;
  private readonly retained: RetainedSequences | undefined;
  private last: { B: number; T: number } | null = null;

  static async create(ctx: GpuContext, base: LoraBase, lora: LoraConfig, opts: LoraModelOptions = {}): Promise<LlamaLoraModel> {
    const model = new LlamaLoraModel(ctx, base, lora, opts);
    await ctx.device.queue.onSubmittedWorkDone();
    return model;
  }

  private constructor(ctx: GpuContext, base: LoraBase, lora: LoraConfig, opts: LoraModelOptions) {
    this.ctx = ctx;
    this.base = base;
    this.config = base.config;
    this.layout = loraLayout(base.config, lora);
    this.sizes = trainSizes(base.config, opts);
    const initial = opts.adapters ?? initLoraParams(this.layout, opts.seed ?? 0);
    if (initial.length !== this.layout.total) throw new RangeError(`adapters have ${initial.length} elements, the layout needs ${this.layout.total}`);
    this.rec = new Recorder(ctx);
    this.adapters = new GpuAdapters(ctx, initial, [[0, this.layout.total]], 'lora');
    const lora3 = { layout: this.layout, params: this.adapters.params, grads: this.adapters.grads };
    this.train = new LoraTrainPass(ctx, base.config, base.weights, lora3, this.sizes);
    const c = base.config;
    this.kv = new KvStore(ctx, c.nLayer, c.nKvHead * c.headDim);
    const rows = opts.maxInferenceRows ?? 512;
    this.inference = new CachedInference(ctx, c, this.rec, base.weights, this.kv, rows, { layout: this.layout, params: this.adapters.params });
    this.sampler = new GpuSampler(ctx.device, rows);
    this.retained = opts.retainRollouts === false ? undefined : new RetainedSequences(this.kv);
  }

  forward(inputs: Int32Array, targets: Int32Array, B: number, T: number): Promise<ForwardOutput> {
    return this.runForward(inputs, targets, B, T, true);
  }

  /**
   * The reference policy: the frozen base alone (the adapters skipped, not zeroed), in the same
   * training buffers. It overwrites the kept layer inputs, so a backward needs a new forward first.
   */
  referenceForward(inputs: Int32Array, targets: Int32Array, B: number, T: number): Promise<ForwardOutput> {
    return this.runForward(inputs, targets, B, T, false);
  }

  private async runForward(inputs: Int32Array, targets: Int32Array, B: number, T: number, adapted: boolean): Promise<ForwardOutput> {
    this.last = null;
    this.train.upload(inputs, targets, B, T);
    const h = this.train.pass.bufs.head;
    this.rec.begin();
    recordLlamaForward(this.rec, adapted ? this.train.pass : { ...this.train.pass, lora: null }, B, T);
    const [logp, ent] = await submitAndRead(this.rec, [
      { buf: h.logp, offset: 0, bytes: B * T * 4 },
      { buf: h.entropy, offset: 0, bytes: B * T * 4 },
    ]);
    if (adapted) this.last = { B, T };
    return { logProbs: new Float32Array(logp), entropy: new Float32Array(ent) };
  }

  async backward(dlogp: Float32Array): Promise<void> {
    if (!this.last) throw new Error('backward called before forward (or after referenceForward, which overwrites what it keeps)');
    const { B, T } = this.last;
    if (dlogp.length !== B * T) throw new RangeError(`dlogp has ${dlogp.length} elements, the last forward had B·T = ${B * T}`);
    writeBuffer(this.ctx.device, this.train.pass.bufs.dlogp, dlogp);
    this.rec.begin();
    recordLlamaBackward(this.rec, this.train.pass, B, T);
    this.rec.submit();
  }

  zeroGrad(): void {
    this.adapters.zeroGrad();
  }

  sync(): Promise<void> {
    return this.ctx.device.queue.onSubmittedWorkDone();
  }

  step(opt: AdamWConfig): Promise<StepResult> {
    this.releaseRollouts();
    return this.adapters.step(this.rec, opt);
  }

  sample(prompts: number[][], opts: SamplingOptions): Promise<SampleOutput> {
    this.releaseRollouts();
    return sampleWithCache(this.inference, this.sampler, prompts, opts, this.retained);
  }

  probeLogProbs(requests: ProbeRequest[]): Promise<number[][][]> {
    return probeWithCache(this.inference, requests, this.retained);
  }

  /** Sequences of the last sample() whose caches are kept for probes (0 after a release). */
  get retainedRollouts(): number {
    return this.retained?.count ?? 0;
  }

  /** Frees the KV cache the last sample() kept for probes. */
  releaseRollouts(): void {
    this.retained?.clear();
  }

  /** The adapters, flat (./loraLayout.ts). */
  getParams(): Promise<Float32Array> {
    return this.adapters.getParams();
  }

  async setParams(p: Float32Array): Promise<void> {
    this.adapters.setParams(p);
    this.releaseRollouts();
  }

  /** The adapters' accumulated gradients (tests, diagnostics). */
  getGrads(): Promise<Float32Array> {
    return this.adapters.getGrads();
  }

  getOptimizerState(): Promise<OptimizerState> {
    return this.adapters.getOptimizerState();
  }

  async setOptimizerState(s: OptimizerState): Promise<void> {
    this.adapters.setOptimizerState(s);
  }

  /** GPU bytes this model holds, by part (the base's weights listed apart: shared). */
  memory(): LoraMemory {
    const a = this.adapters.bytes;
    const t = this.train.bytes;
    const inference = this.inference.scratchBytes + this.sampler.bytes;
    const own = { adapters: a.adapters, optimizer: a.optimizer, checkpoints: t.checkpoints, activations: t.activations, headChunks: t.head, kv: this.kv.bytes, inference };
    return { weights: this.base.weights.bytes, ...own, total: Object.values(own).reduce((s, x) => s + x, 0) };
  }

  dispose(): void {
    this.releaseRollouts();
    this.adapters.destroy();
    this.train.destroy();
    this.inference.destroy();
    this.kv.destroy();
    this.sampler.destroy();
    this.rec.destroy();
    this.last = null;
  }
}
