// The TrainableModel (src/engine/types.ts) machinery the LoRA policy (./loraModel.ts) and the full
// fine-tuning policy (src/engine/full/fullModel.ts) share; they build what trains and where the
// gradients go (PolicyParts) and say what their reference policy is (referencePass).
// - forward / backward: src/engine/gpu/llamaPass.ts (gradient checkpointing, the LM head in
//   vocabulary chunks), sized by ./trainPass.ts;
// - sample / probeLogProbs: the engine's cached inference on the policy's weights
//   (src/engine/gpu/inference.ts), so rollouts and RePro probes run the trained policy; a GRPO
//   group's prompt is prefilled once (src/engine/gpu/sample.ts), and the rollouts' caches are kept
//   for the probes that score them (src/engine/gpu/kvRetain.ts) until the weights change.
import type { GpuContext } from '../../gpu/device.ts';
import { writeBuffer } from '../../gpu/buffers.ts';
import type {
  ForwardOutput, ProbeRequest, SamplingOptions, SampleOutput, TrainableModel,
} from '../types.ts';
import type { Recorder } from '../gpu/encoding.ts';
import { CachedInference } from '../gpu/inference.ts';
import { KvStore } from '../gpu/kvStore.ts';
import { GpuSampler } from '../gpu/layers/sample.ts';
import { probeWithCache } from '../gpu/probe.ts';
import { submitAndRead } from '../gpu/readback.ts';
import { sampleWithCache } from '../gpu/sample.ts';
import { RetainedSequences } from '../gpu/kvRetain.ts';
import type { EngineWeights } from '../gpu/weights.ts';
import type { LoraLayoutView } from '../loraView.ts';
import { recordLlamaBackward, recordLlamaForward, type LlamaPass } from '../gpu/llamaPass.ts';
import type { GpuAdapters } from './gpuAdapters.ts';
import { GpuTrainedModel, type LoraBase } from './trainedModel.ts';
import type { LoraTrainPass, TrainSizes } from './trainPass.ts';

export interface PolicyModelOptions extends Partial<TrainSizes> {
  /** rows per inference chunk for sampling and probes; default 512 */
  maxInferenceRows?: number;
  /**
   * keep the sampled sequences' KV cache after sample() so probeLogProbs reads contexts that are
   * prefixes of them in place (RePro scoring of the rollouts); released by the next sample(), an
   * optimizer step, setParams, releaseRollouts() or dispose(). Default true.
   */
  retainRollouts?: boolean;
}

/** What a policy trains and where its gradients go, built by the subclass's constructor. */
export interface PolicyParts {
  ctx: GpuContext;
  base: LoraBase;
  opts: PolicyModelOptions;
  sizes: TrainSizes;
  rec: Recorder;
  trained: GpuAdapters;
  train: LoraTrainPass;
  /** the weights sampling and probes run on, and the adapters added to them (if any) */
  inference: { weights: EngineWeights; lora?: { layout: LoraLayoutView; params: GPUBuffer } };
}

/** GPU bytes a policy holds, by part, besides its trained vector (the memory pre-flight checks its estimate against this). */
export interface PolicyMemory {
  /** the base's weights (shared by every model on it; count once) */
  weights: number;
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

export abstract class LlamaPolicyModel extends GpuTrainedModel implements TrainableModel {
  readonly sizes: TrainSizes;
  protected readonly base: LoraBase;
  private readonly kv: KvStore;
  private readonly inference: CachedInference;
  private readonly sampler: GpuSampler;
  private readonly retained: RetainedSequences | undefined;

  protected constructor(p: PolicyParts) {
    super(p.ctx, p.base.config, p.rec, p.trained, p.train);
    this.base = p.base;
    this.sizes = p.sizes;
    const c = p.base.config;
    this.kv = new KvStore(p.ctx, c.nLayer, c.nKvHead * c.headDim);
    const rows = p.opts.maxInferenceRows ?? 512;
    this.inference = new CachedInference(p.ctx, c, this.rec, p.inference.weights, this.kv, rows, p.inference.lora);
    this.sampler = new GpuSampler(p.ctx.device, rows);
    this.retained = p.opts.retainRollouts === false ? undefined : new RetainedSequences(this.kv);
  }

  /** The training pass of the reference policy (π_ref), on the same training buffers. */
  protected abstract referencePass(pass: LlamaPass): LlamaPass;

  forward(inputs: Int32Array, targets: Int32Array, B: number, T: number): Promise<ForwardOutput> {
    return this.runForward(inputs, targets, B, T, false);
  }

  /**
   * The reference policy (referencePass), in the same training buffers. It overwrites the kept
   * layer inputs, so a backward needs a new forward first.
   */
  referenceForward(inputs: Int32Array, targets: Int32Array, B: number, T: number): Promise<ForwardOutput> {
    return this.runForward(inputs, targets, B, T, true);
  }

  private async runForward(inputs: Int32Array, targets: Int32Array, B: number, T: number, reference: boolean): Promise<ForwardOutput> {
    this.last = null;
    this.train.upload(inputs, targets, B, T);
    const h = this.train.pass.bufs.head;
    this.rec.begin();
    recordLlamaForward(this.rec, reference ? this.referencePass(this.train.pass) : this.train.pass, B, T);
    const [logp, ent] = await submitAndRead(this.rec, [
      { buf: h.logp, offset: 0, bytes: B * T * 4 },
      { buf: h.entropy, offset: 0, bytes: B * T * 4 },
    ]);
    if (!reference) this.last = { B, T };
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

  protected override weightsChanged(): void {
    this.releaseRollouts();
  }

  /** GPU bytes this model holds, by part: `trained`'s, then the rest (the base's weights listed apart: shared). */
  protected memoryWith<P extends Record<string, number>>(trained: P): P & PolicyMemory {
    const own = {
      ...trained, ...this.trainBytes(), kv: this.kv.bytes, inference: this.inference.scratchBytes + this.sampler.bytes,
    };
    return { weights: this.base.weights.bytes, ...own, total: Object.values(own).reduce((s, x) => s + x, 0) };
  }

  override dispose(): void {
    this.releaseRollouts();
    this.inference.destroy();
    this.kv.destroy();
    this.sampler.destroy();
    super.dispose();
  }
}
