// What the LoRA policy (./loraModel.ts) and the LoRA critic (./loraCritic.ts) share to train on a
// frozen Llama-family base (and the full fine-tuning policy, src/engine/full/, on trained weights): the training buffers sized for maxBatchTokens rows and maxSeqLen
// positions (src/engine/gpu/llamaTrainBuffers.ts), the rotary table, and the batch upload with its
// checks (the toy's rules and messages, plus the sequence-length cap the buffers were sized for).
import type { GpuContext } from '../../gpu/device.ts';
import { STORAGE, uploadBuffer, writeBuffer } from '../../gpu/buffers.ts';
import type { LlamaConfig } from '../llamaConfig.ts';
import { ropeTableFor } from '../rope.ts';
import { at } from '../gpu/tensor.ts';
import type { EngineWeights } from '../gpu/weights.ts';
import { createLlamaTrainBuffers, destroyLlamaTrainBuffers, llamaTrainBytes, type LlamaTrainBuffers } from '../gpu/llamaTrainBuffers.ts';
import type { LlamaPass } from '../gpu/llamaPass.ts';
import { MAX_ROPE_POSITIONS } from '../gpu/inference.ts';
import { validateBatch } from '../gpu/validate.ts';
import type { LoraLayout } from './loraLayout.ts';

export interface TrainSizes {
  /** most rows (B·T) one forward/backward holds */
  maxBatchTokens: number;
  /** most positions (T) of a training sequence */
  maxSeqLen: number;
  /** columns of one LM-head chunk (default: as many as 32 MiB of logits hold; tests force small ones) */
  vocabChunk?: number;
}

/** Defaults: sequences up to min(blockSize, 512) positions, 8 of them per batch. */
export function trainSizes(c: LlamaConfig, o: Partial<TrainSizes>): TrainSizes {
  const maxSeqLen = o.maxSeqLen ?? Math.min(c.blockSize, 512, MAX_ROPE_POSITIONS);
  const maxBatchTokens = o.maxBatchTokens ?? 8 * maxSeqLen;
  if (!Number.isInteger(maxSeqLen) || maxSeqLen < 1 || maxSeqLen > Math.min(c.blockSize, MAX_ROPE_POSITIONS)) {
    throw new RangeError(`maxSeqLen must be an integer in [1, ${Math.min(c.blockSize, MAX_ROPE_POSITIONS)}] (the model's positions), got ${maxSeqLen}`);
  }
  if (!Number.isInteger(maxBatchTokens) || maxBatchTokens < maxSeqLen) {
    throw new RangeError(`maxBatchTokens must be an integer >= maxSeqLen (${maxSeqLen}), got ${maxBatchTokens}`);
  }
  if (o.vocabChunk !== undefined && !(Number.isInteger(o.vocabChunk) && o.vocabChunk >= 1)) throw new RangeError(`vocabChunk must be a positive integer, got ${o.vocabChunk}`);
  return { maxBatchTokens, maxSeqLen, vocabChunk: o.vocabChunk };
}

export class LoraTrainPass {
  readonly pass: LlamaPass;
  readonly sizes: TrainSizes;
  private readonly ctx: GpuContext;
  private readonly table: GPUBuffer;

  /** lora null: no adapters; `grads` given: every weight trains (f32 weights, src/engine/full/). */
  constructor(
    ctx: GpuContext, config: LlamaConfig, weights: EngineWeights, lora: { layout: LoraLayout; params: GPUBuffer; grads: GPUBuffer } | null,
    sizes: TrainSizes, grads?: EngineWeights,
  ) {
    this.ctx = ctx;
    this.sizes = sizes;
    const perLayer = lora && config.nLayer > 0 ? lora.layout.slots.length / config.nLayer : 0;
    const bufs: LlamaTrainBuffers = createLlamaTrainBuffers(ctx.device, config, sizes.maxBatchTokens, sizes.maxSeqLen, perLayer, lora?.layout.r ?? 0, sizes.vocabChunk);
    this.table = uploadBuffer(ctx.device, ropeTableFor(config, sizes.maxSeqLen), STORAGE, 'engine train rope table');
    this.pass = { config, weights, bufs, lora, rope: { table: at(this.table), positions: sizes.maxSeqLen }, ...(grads ? { grads } : {}) };
  }

  /** Checks and uploads a [B, T] batch (targets null: a critic's, none scored). */
  upload(inputs: Int32Array, targets: Int32Array | null, B: number, T: number): void {
    const c = this.pass.config;
    if (Number.isInteger(T) && T > this.sizes.maxSeqLen) {
      throw new RangeError(`T = ${T} exceeds this model's maxSeqLen ${this.sizes.maxSeqLen} (its training buffers' sequence length)`);
    }
    validateBatch(c, inputs, targets ?? new Int32Array(inputs.length).fill(-1), B, T, this.sizes.maxBatchTokens);
    const b = this.pass.bufs;
    const d = this.ctx.device;
    writeBuffer(d, b.tokens, inputs);
    writeBuffer(d, b.positions, Int32Array.from({ length: B * T }, (_, i) => i % T));
    if (targets) writeBuffer(d, b.targets, targets);
  }

  get bytes(): { checkpoints: number; activations: number; head: number } {
    const b = llamaTrainBytes(this.pass.bufs);
    return { ...b, activations: b.activations + this.table.size };
  }

  destroy(): void {
    destroyLlamaTrainBuffers(this.pass.bufs);
    this.table.destroy();
  }
}
