// LlamaFullModel: full fine-tuning of a Llama-family model on the engine — every weight (embedding,
// every linear of every layer, norms incl. q/k norms, biases, the LM head or the tied embedding)
// trainable in f32, with its gradient and AdamW's m and v (../lora/gpuAdapters.ts over one flat
// vector, ./fullLayout.ts). The TrainableModel the trainer drives exactly as it drives
// LlamaLoraModel (src/engine/lora/loraModel.ts); what differs is what trains:
// - the weights start as a copy of a base (its file precision widened to f32 on the GPU,
//   ./fullWeights.ts); the base itself stays untouched and is the reference policy
//   (referenceForward: the same pass on the base's weights, so the KL needs no swap);
// - forward / backward: src/engine/gpu/llamaPass.ts with `grads` (dW, db, norm and embedding
//   gradients from the same walk, gradient checkpointing and the chunked LM head as LoRA's);
// - sample / probeLogProbs: the engine's cached inference on the trained weights.
// getParams / setParams are the whole flat vector (a read-back of every weight: fine for the
// small models this is for, and what the toy does). The flat vector is one binding, so the model
// must fit maxStorageBufferBindingSize in f32 (refused with the sizes otherwise). The embedding's
// gradient is the toy's gather kernel (one thread per table element over all B·T rows: O(V·C·B·T)),
// cheap for the small vocabularies this is for; a 50k-token vocabulary would want a scatter.
import type { GpuContext } from '../../gpu/device.ts';
import { uploadBuffer, STORAGE, writeBuffer } from '../../gpu/buffers.ts';
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
import { recordLlamaBackward, recordLlamaForward } from '../gpu/llamaPass.ts';
import { GpuAdapters, type OptimizerState } from '../lora/gpuAdapters.ts';
import type { LoraBase, LoraModelOptions } from '../lora/loraModel.ts';
import { LoraTrainPass, trainSizes, type TrainSizes } from '../lora/trainPass.ts';
import { fullLayout, type FullLayout } from './fullLayout.ts';
import { fullWeightsView, maxRows, recordBaseCopy } from './fullWeights.ts';

export type FullModelOptions = Omit<LoraModelOptions, 'seed' | 'adapters'>;

/** GPU bytes a full fine-tuning model holds, by part. */
export interface FullMemory {
  /** the base's weights (the reference policy; shared, count once) */
  weights: number;
  /** the trained f32 weights and their gradient */
  params: number;
  grads: number;
  /** AdamW's m and v (f32) and its state */
  optimizer: number;
  /** as LoraMemory's: kept layer inputs, one layer's activations, head chunk, KV cache, inference scratch */
  checkpoints: number;
  activations: number;
  headChunks: number;
  kv: number;
  inference: number;
  /** everything but the base's weights */
  total: number;
}

export class LlamaFullModel implements TrainableModel {
  readonly config: LlamaConfig;
  readonly layout: FullLayout;
  readonly sizes: TrainSizes;
  private readonly ctx: GpuContext;
  private readonly base: LoraBase;
  private readonly rec: Recorder;
  private readonly trained: GpuAdapters;
  private readonly weights: EngineWeights;
  private readonly train: LoraTrainPass;
  private readonly kv: KvStore;
  private readonly inference: CachedInference;
  private readonly sampler: GpuSampler;
  private readonly retained: RetainedSequences | undefined;
  private last: { B: number; T: number } | null = null;
  /** ids 0 … n − 1 of the first fill from the base, freed once it has run */
  private copyIds: GPUBuffer | null;

  /** A model whose weights start as `base`'s (decoded to f32); the base is borrowed and never written. */
  static async create(ctx: GpuContext, base: LoraBase, opts: FullModelOptions = {}): Promise<LlamaFullModel> {
    const model = new LlamaFullModel(ctx, base, opts);
    await ctx.device.queue.onSubmittedWorkDone();
    model.copyIds?.destroy();
    model.copyIds = null;
    return model;
  }

  private constructor(ctx: GpuContext, base: LoraBase, opts: FullModelOptions) {
    this.ctx = ctx;
    this.base = base;
    this.config = base.config;
    this.layout = fullLayout(base.config);
    this.sizes = trainSizes(base.config, opts);
    const bytes = this.layout.total * 4, lim = ctx.device.limits;
    if (bytes > Math.min(lim.maxStorageBufferBindingSize, lim.maxBufferSize)) {
      throw new RangeError(`full fine-tuning holds every weight in one f32 buffer of ${bytes} bytes; this adapter binds at most ${Math.min(lim.maxStorageBufferBindingSize, lim.maxBufferSize)} (use LoRA for this model)`);
    }
    this.rec = new Recorder(ctx);
    this.trained = new GpuAdapters(ctx, this.layout.total, [[0, this.layout.decayEnd]], 'full fine-tuning');
    this.weights = fullWeightsView(this.layout, this.trained.params);
    const n = maxRows(this.layout);
    this.copyIds = uploadBuffer(ctx.device, Int32Array.from({ length: n }, (_, i) => i), STORAGE, 'full fine-tuning copy ids');
    this.rec.begin();
    recordBaseCopy(this.rec, this.layout, base.weights, this.trained.params, this.copyIds);
    this.rec.submit();
    this.train = new LoraTrainPass(ctx, base.config, this.weights, null, this.sizes, fullWeightsView(this.layout, this.trained.grads));
    const c = base.config;
    this.kv = new KvStore(ctx, c.nLayer, c.nKvHead * c.headDim);
    const rows = opts.maxInferenceRows ?? 512;
    this.inference = new CachedInference(ctx, c, this.rec, this.weights, this.kv, rows);
    this.sampler = new GpuSampler(ctx.device, rows);
    this.retained = opts.retainRollouts === false ? undefined : new RetainedSequences(this.kv);
  }

  forward(inputs: Int32Array, targets: Int32Array, B: number, T: number): Promise<ForwardOutput> {
    return this.runForward(inputs, targets, B, T, true);
  }

  /**
   * The reference policy: the base the weights started from, in the same training buffers. It
   * overwrites the kept layer inputs, so a backward needs a new forward first.
   */
  referenceForward(inputs: Int32Array, targets: Int32Array, B: number, T: number): Promise<ForwardOutput> {
    return this.runForward(inputs, targets, B, T, false);
  }

  private async runForward(inputs: Int32Array, targets: Int32Array, B: number, T: number, trained: boolean): Promise<ForwardOutput> {
    this.last = null;
    this.train.upload(inputs, targets, B, T);
    const h = this.train.pass.bufs.head;
    this.rec.begin();
    recordLlamaForward(this.rec, trained ? this.train.pass : { ...this.train.pass, weights: this.base.weights, grads: undefined }, B, T);
    const [logp, ent] = await submitAndRead(this.rec, [
      { buf: h.logp, offset: 0, bytes: B * T * 4 },
      { buf: h.entropy, offset: 0, bytes: B * T * 4 },
    ]);
    if (trained) this.last = { B, T };
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
    this.trained.zeroGrad();
  }

  sync(): Promise<void> {
    return this.ctx.device.queue.onSubmittedWorkDone();
  }

  step(opt: AdamWConfig): Promise<StepResult> {
    this.releaseRollouts();
    return this.trained.step(this.rec, opt);
  }

  sample(prompts: number[][], opts: SamplingOptions): Promise<SampleOutput> {
    this.releaseRollouts();
    return sampleWithCache(this.inference, this.sampler, prompts, opts, this.retained);
  }

  probeLogProbs(requests: ProbeRequest[]): Promise<number[][][]> {
    return probeWithCache(this.inference, requests, this.retained);
  }

  /** Frees the KV cache the last sample() kept for probes. */
  releaseRollouts(): void {
    this.retained?.clear();
  }

  /** Every weight, flat (./fullLayout.ts). */
  getParams(): Promise<Float32Array> {
    return this.trained.getParams();
  }

  async setParams(p: Float32Array): Promise<void> {
    this.trained.setParams(p);
    this.releaseRollouts();
  }

  /** Every weight's accumulated gradient, flat (tests, diagnostics). */
  getGrads(): Promise<Float32Array> {
    return this.trained.getGrads();
  }

  getOptimizerState(): Promise<OptimizerState> {
    return this.trained.getOptimizerState();
  }

  async setOptimizerState(s: OptimizerState): Promise<void> {
    this.trained.setOptimizerState(s);
  }

  /** GPU bytes this model holds, by part (the base's weights listed apart). */
  memory(): FullMemory {
    const a = this.trained.bytes;
    const t = this.train.bytes;
    const inference = this.inference.scratchBytes + this.sampler.bytes;
    const own = {
      params: this.trained.params.size, grads: this.trained.grads.size, optimizer: a.optimizer,
      checkpoints: t.checkpoints, activations: t.activations, headChunks: t.head, kv: this.kv.bytes, inference,
    };
    return { weights: this.base.weights.bytes, ...own, total: Object.values(own).reduce((s, x) => s + x, 0) };
  }

  dispose(): void {
    this.releaseRollouts();
    this.trained.destroy();
    this.train.destroy();
    this.inference.destroy();
    this.kv.destroy();
    this.sampler.destroy();
    this.rec.destroy();
    this.copyIds?.destroy();
    this.last = null;
  }
}
