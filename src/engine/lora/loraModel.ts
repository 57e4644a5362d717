// LlamaLoraModel: a Llama-family base, frozen at its file precision, with LoRA adapters — the
// TrainableModel (src/engine/types.ts) RL trains on a real small LLM. Only the adapters and their
// AdamW moments are trained and held in f32 (./gpuAdapters.ts); getParams / setParams are the
// adapters (so a GRPO reference policy — the fresh adapters, B = 0 — is the base itself, at the
// cost of one adapter vector), the optimizer state their m, v and t.
// Forward / backward, sampling and probes are ./policyModel.ts's, with the adapters added to the
// linears they target (in training and in the cached inference alike); the reference policy is
// the base with the adapters skipped.
// The base (config + weights) is borrowed: several models (the policy, the critic) share one copy;
// dispose() frees this model's buffers only.
import type { GpuContext } from '../../gpu/device.ts';
import { Recorder } from '../gpu/encoding.ts';
import type { LlamaPass } from '../gpu/llamaPass.ts';
import type { LoraConfig } from './loraConfig.ts';
import { initLoraParams, loraLayout, type LoraLayout } from './loraLayout.ts';
import { GpuAdapters } from './gpuAdapters.ts';
import { LlamaPolicyModel, type PolicyMemory, type PolicyModelOptions } from './policyModel.ts';
import type { LoraBase } from './trainedModel.ts';
import { LoraTrainPass, trainSizes } from './trainPass.ts';

export type { LoraBase };

export interface LoraModelOptions extends PolicyModelOptions {
  /** seed of the adapters' initialisation (./loraLayout.ts initLoraParams); default 0 */
  seed?: number;
  /** start from these adapters instead (e.g. an imported PEFT adapter, a checkpoint) */
  adapters?: Float32Array;
}

/** GPU bytes a LoRA model holds, by part (the memory pre-flight checks its estimate against this). */
export interface LoraMemory extends PolicyMemory {
  /** the adapters and their gradient (f32) */
  adapters: number;
}

export class LlamaLoraModel extends LlamaPolicyModel {
  readonly layout: LoraLayout;

  static async create(ctx: GpuContext, base: LoraBase, lora: LoraConfig, opts: LoraModelOptions = {}): Promise<LlamaLoraModel> {
    const model = new LlamaLoraModel(ctx, base, lora, opts);
    await ctx.device.queue.onSubmittedWorkDone();
    return model;
  }

  private constructor(ctx: GpuContext, base: LoraBase, lora: LoraConfig, opts: LoraModelOptions) {
    const layout = loraLayout(base.config, lora);
    const sizes = trainSizes(base.config, opts);
    const initial = opts.adapters ?? initLoraParams(layout, opts.seed ?? 0);
    if (initial.length !== layout.total) throw new RangeError(`adapters have ${initial.length} elements, the layout needs ${layout.total}`);
    const rec = new Recorder(ctx);
    const trained = new GpuAdapters(ctx, initial, [[0, layout.total]], 'lora');
    const train = new LoraTrainPass(ctx, base.config, base.weights, { layout, params: trained.params, grads: trained.grads }, sizes);
    super({ ctx, base, opts, sizes, rec, trained, train, inference: { weights: base.weights, lora: { layout, params: trained.params } } });
    this.layout = layout;
  }

  /** The frozen base alone: the adapters skipped, not zeroed. */
  protected referencePass(pass: LlamaPass): LlamaPass {
    return { ...pass, lora: null };
  }

  /** GPU bytes this model holds, by part (the base's weights listed apart: shared). */
  memory(): LoraMemory {
    return this.memoryWith({ adapters: this.trained.bytes.adapters });
  }
}
