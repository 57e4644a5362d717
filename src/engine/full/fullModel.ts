// LlamaFullModel: full fine-tuning of a Llama-family model on the engine — every weight (embedding,
// every linear of every layer, norms incl. q/k norms, biases, the LM head or the tied embedding)
// trainable in f32, with its gradient and AdamW's m and v (../lora/gpuAdapters.ts over one flat
// vector, ./fullLayout.ts). The TrainableModel the trainer drives exactly as it drives
// LlamaLoraModel (src/engine/lora/loraModel.ts); what differs is what trains:
// - the weights start as a copy of a base (its file precision widened to f32 on the GPU,
//   ./fullWeights.ts); the base itself stays untouched and is the reference policy
//   (referenceForward: the same pass on the base's weights, so the KL needs no swap);
// - forward / backward, sample / probeLogProbs: src/engine/lora/policyModel.ts's, as LoRA's, on the
//   trained weights; the training pass has `grads` (dW, db, norm and embedding gradients from the
//   same walk of src/engine/gpu/llamaPass.ts).
// getParams / setParams are the whole flat vector (a read-back of every weight: fine for the
// small models this is for, and what the toy does). The flat vector is one binding, so the model
// must fit maxStorageBufferBindingSize in f32 (refused with the sizes otherwise). The embedding's
// gradient is the toy's gather kernel (one thread per table element over all B·T rows: O(V·C·B·T)),
// cheap for the small vocabularies this is for; a 50k-token vocabulary would want a scatter.
import type { GpuContext } from '../../gpu/device.ts';
import { uploadBuffer, STORAGE } from '../../gpu/buffers.ts';
import { Recorder } from '../gpu/encoding.ts';
import type { LlamaPass } from '../gpu/llamaPass.ts';
import { GpuAdapters } from '../lora/gpuAdapters.ts';
import { LlamaPolicyModel, type PolicyMemory, type PolicyModelOptions } from '../lora/policyModel.ts';
import type { LoraBase } from '../lora/trainedModel.ts';
import { LoraTrainPass, trainSizes } from '../lora/trainPass.ts';
import { fullLayout, type FullLayout } from './fullLayout.ts';
import { fullWeightsView, maxRows, recordBaseCopy } from './fullWeights.ts';

export type FullModelOptions = PolicyModelOptions;

/** GPU bytes a full fine-tuning model holds, by part (PolicyMemory's weights: the base's, the reference policy). */
export interface FullMemory extends PolicyMemory {
  /** the trained f32 weights and their gradient */
  params: number;
  grads: number;
}

export class LlamaFullModel extends LlamaPolicyModel {
  readonly layout: FullLayout;
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
    const layout = fullLayout(base.config);
    const sizes = trainSizes(base.config, opts);
    const bytes = layout.total * 4, lim = ctx.device.limits;
    if (bytes > Math.min(lim.maxStorageBufferBindingSize, lim.maxBufferSize)) {
      throw new RangeError(`full fine-tuning holds every weight in one f32 buffer of ${bytes} bytes; this adapter binds at most ${Math.min(lim.maxStorageBufferBindingSize, lim.maxBufferSize)} (use LoRA for this model)`);
    }
    const rec = new Recorder(ctx);
    const trained = new GpuAdapters(ctx, layout.total, [[0, layout.decayEnd]], 'full fine-tuning');
    const weights = fullWeightsView(layout, trained.params);
    const copyIds = uploadBuffer(ctx.device, Int32Array.from({ length: maxRows(layout) }, (_, i) => i), STORAGE, 'full fine-tuning copy ids');
    rec.begin();
    recordBaseCopy(rec, layout, base.weights, trained.params, copyIds);
    rec.submit();
    const train = new LoraTrainPass(ctx, base.config, weights, null, sizes, fullWeightsView(layout, trained.grads));
    super({ ctx, base, opts, sizes, rec, trained, train, inference: { weights } });
    this.layout = layout;
    this.copyIds = copyIds;
  }

  /** The base the weights started from: its weights in the same pass, no gradients. */
  protected referencePass(pass: LlamaPass): LlamaPass {
    return { ...pass, weights: this.base.weights, grads: undefined };
  }

  /** GPU bytes this model holds, by part (the base's weights listed apart). */
  memory(): FullMemory {
    return this.memoryWith({ params: this.trained.params.size, grads: this.trained.grads.size });
  }

  override dispose(): void {
    super.dispose();
    this.copyIds?.destroy();
  }
}
