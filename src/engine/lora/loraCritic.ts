// The PPO critic with LoRA (repro-method.md §11; src/engine/critic.ts's ValueModel): its own
// adapters on the shared frozen base, and a value head V = lnf · w + b (C → 1) on the final RMSNorm
// output. No copy of the base: the policy (./loraModel.ts) and this critic borrow the same weights.
// Flat parameters: the adapters in ./loraLayout.ts's layout, then w [C], then b [1]; AdamW
// decays the adapters only (as the toy critic leaves its head undecayed).
// Passes: src/engine/gpu/llamaPass.ts's trunk forward (gradient checkpointing) + one matmul (OC = 1)
// for the head; the backward is the head's matmulBackward into bufs.dlnf, then the trunk's.
// CPU reference: src/engine/cpu/llamaTrain.ts (llamaTrainForward's lnf, llamaTrunkBackward).
// Stepping, params and optimizer state are ./trainedModel.ts's, as the policies'.
import type { GpuContext } from '../../gpu/device.ts';
import { createBuffer, writeBuffer } from '../../gpu/buffers.ts';
import type { ValueModel } from '../critic.ts';
import { INIT_STD } from '../init.ts';
import type { LlamaConfig } from '../llamaConfig.ts';
import { Recorder } from '../gpu/encoding.ts';
import { recordLlamaTrunkBackward, recordLlamaTrunkForward } from '../gpu/llamaPass.ts';
import { matmulBackward, matmulForward } from '../gpu/layers/matmul.ts';
import { submitAndRead } from '../gpu/readback.ts';
import { at } from '../gpu/tensor.ts';
import { Rng } from '../../sampling/rng.ts';
import type { LoraConfig } from './loraConfig.ts';
import { initLoraParams, loraLayout, type LoraLayout } from './loraLayout.ts';
import { GpuAdapters } from './gpuAdapters.ts';
import { GpuTrainedModel, type LoraBase } from './trainedModel.ts';
import { LoraTrainPass, trainSizes, type TrainSizes } from './trainPass.ts';

export interface LoraCriticOptions extends Partial<Omit<TrainSizes, 'vocabChunk'>> {
  /** seed of the adapters' A and of the head's w (B = 0, b = 0); default 0 */
  seed?: number;
  /** initial flat parameters (adapters, w, b) instead of the seeded ones */
  params?: Float32Array;
}

/** Elements of a LoRA critic's flat parameters: the adapters, then w [C] and b [1]. */
export function loraCriticParamCount(layout: LoraLayout, config: LlamaConfig): number {
  return layout.total + config.nEmbd + 1;
}

/** PEFT's adapter init (A random, B zero) from Rng(seed); w ~ N(0, 0.02²) from Rng(seed + 1); b = 0. */
export function initLoraCriticParams(layout: LoraLayout, config: LlamaConfig, seed: number): Float32Array {
  const out = new Float32Array(loraCriticParamCount(layout, config));
  out.set(initLoraParams(layout, seed));
  const rng = new Rng(seed + 1);
  for (let c = 0; c < config.nEmbd; c++) out[layout.total + c] = INIT_STD * rng.normal();
  return out;
}

export class LlamaLoraCritic extends GpuTrainedModel implements ValueModel {
  readonly layout: LoraLayout;
  private readonly vals: GPUBuffer;
  private readonly dvals: GPUBuffer;

  static async create(ctx: GpuContext, base: LoraBase, lora: LoraConfig, opts: LoraCriticOptions = {}): Promise<LlamaLoraCritic> {
    const c = new LlamaLoraCritic(ctx, base, lora, opts);
    await ctx.device.queue.onSubmittedWorkDone();
    return c;
  }

  private constructor(ctx: GpuContext, base: LoraBase, lora: LoraConfig, opts: LoraCriticOptions) {
    const layout = loraLayout(base.config, lora);
    // no LM head runs here: a one-column head chunk keeps its buffers at maxBatchTokens floats
    const sizes = trainSizes(base.config, { ...opts, vocabChunk: 1 });
    const initial = opts.params ?? initLoraCriticParams(layout, base.config, opts.seed ?? 0);
    const rec = new Recorder(ctx);
    const trained = new GpuAdapters(ctx, initial, [[0, layout.total]], 'lora critic');
    const train = new LoraTrainPass(ctx, base.config, base.weights, { layout, params: trained.params, grads: trained.grads }, sizes);
    super(ctx, base.config, rec, trained, train);
    this.layout = layout;
    this.vals = createBuffer(ctx.device, sizes.maxBatchTokens * 4, undefined, 'lora critic values');
    this.dvals = createBuffer(ctx.device, sizes.maxBatchTokens * 4, undefined, 'lora critic dvalues');
  }

  async values(inputs: Int32Array, B: number, T: number): Promise<Float32Array> {
    this.last = null;
    this.train.upload(inputs, null, B, T);
    const P = this.layout.total, C = this.config.nEmbd, N = B * T;
    const pass = this.train.pass;
    this.rec.begin();
    recordLlamaTrunkForward(this.rec, pass, B, T);
    matmulForward(this.rec, at(this.vals), at(pass.bufs.lnf), at(this.trained.params, P), at(this.trained.params, P + C), N, C, 1);
    const [out] = await submitAndRead(this.rec, [{ buf: this.vals, offset: 0, bytes: N * 4 }]);
    this.last = { B, T };
    return new Float32Array(out);
  }

  async backward(dvalues: Float32Array): Promise<void> {
    if (!this.last) throw new Error('critic backward called before values()');
    const { B, T } = this.last;
    const P = this.layout.total, C = this.config.nEmbd, N = B * T;
    if (dvalues.length !== N) throw new RangeError(`dvalues has ${dvalues.length} elements, the last values() had B·T = ${N}`);
    writeBuffer(this.ctx.device, this.dvals, dvalues);
    const pass = this.train.pass;
    const p = this.trained.params, g = this.trained.grads;
    this.rec.begin();
    // dlnf = dvalues ⊗ w (overwritten), dw += dvaluesᵀ·lnf, db += Σ dvalues; then the trunk from dlnf
    matmulBackward(this.rec, at(pass.bufs.dlnf), at(g, P), at(g, P + C), at(this.dvals), at(pass.bufs.lnf), at(p, P), N, C, 1);
    recordLlamaTrunkBackward(this.rec, pass, B, T);
    this.rec.submit();
  }

  /** GPU bytes this critic holds (the shared base not counted). */
  get bytes(): number {
    const t = this.trainBytes();
    return this.trained.bytes.adapters + t.optimizer + t.checkpoints + t.activations + t.headChunks + this.vals.size + this.dvals.size;
  }

  override dispose(): void {
    super.dispose();
    this.vals.destroy();
    this.dvals.destroy();
  }
}
