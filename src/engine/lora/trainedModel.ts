// What every model trained on a Llama-family base does the same way, whatever it trains (the LoRA
// policy ./loraModel.ts, the LoRA critic ./loraCritic.ts, the full fine-tuning policy
// src/engine/full/fullModel.ts): one Recorder, the trained flat vector with its gradient and AdamW
// state (./gpuAdapters.ts), the training buffers (./trainPass.ts), and the calls that only hand
// over to them. Subclasses build the vector and the pass (which weights train, where the gradients
// go) and say what goes stale when the weights change.
import type { GpuContext } from '../../gpu/device.ts';
import type { LlamaConfig } from '../llamaConfig.ts';
import type { AdamWConfig, StepResult } from '../types.ts';
import type { Recorder } from '../gpu/encoding.ts';
import type { EngineWeights } from '../gpu/weights.ts';
import type { GpuAdapters, OptimizerState } from './gpuAdapters.ts';
import type { LoraTrainPass } from './trainPass.ts';

/** A frozen base model on the GPU: a Llama-family config and its weights (e.g. EngineLanguageModel.base). */
export interface LoraBase {
  config: LlamaConfig;
  weights: EngineWeights;
}

/** Bytes the training side holds besides the trained vector itself (LoraMemory's parts of the same names). */
export interface TrainBytes {
  optimizer: number;
  checkpoints: number;
  activations: number;
  headChunks: number;
}

export abstract class GpuTrainedModel {
  readonly config: LlamaConfig;
  protected readonly ctx: GpuContext;
  protected readonly rec: Recorder;
  protected readonly trained: GpuAdapters;
  protected readonly train: LoraTrainPass;
  /** the batch of the last forward a backward may follow (null: none) */
  protected last: { B: number; T: number } | null = null;

  protected constructor(ctx: GpuContext, config: LlamaConfig, rec: Recorder, trained: GpuAdapters, train: LoraTrainPass) {
    this.ctx = ctx;
    this.config = config;
    this.rec = rec;
    this.trained = trained;
    this.train = train;
  }

  /** Called as the weights change (step, setParams): what was computed from the old ones goes. */
  protected weightsChanged(): void {}

  zeroGrad(): void {
    this.trained.zeroGrad();
  }

  sync(): Promise<void> {
    return this.ctx.device.queue.onSubmittedWorkDone();
  }

  step(opt: AdamWConfig): Promise<StepResult> {
    this.weightsChanged();
    return this.trained.step(this.rec, opt);
  }

  /** The trained vector, flat (the subclass's layout). */
  getParams(): Promise<Float32Array> {
    return this.trained.getParams();
  }

  async setParams(p: Float32Array): Promise<void> {
    this.trained.setParams(p);
    this.weightsChanged();
  }

  /** The trained vector's accumulated gradient, flat (tests, diagnostics). */
  getGrads(): Promise<Float32Array> {
    return this.trained.getGrads();
  }

  getOptimizerState(): Promise<OptimizerState> {
    return this.trained.getOptimizerState();
  }

  async setOptimizerState(s: OptimizerState): Promise<void> {
    this.trained.setOptimizerState(s);
  }

  protected trainBytes(): TrainBytes {
    const t = this.train.bytes;
    return { optimizer: this.trained.bytes.optimizer, checkpoints: t.checkpoints, activations: t.activations, headChunks: t.head };
  }

  dispose(): void {
    this.trained.destroy();
    this.train.destroy();
    this.rec.destroy();
    this.last = null;
  }
}
