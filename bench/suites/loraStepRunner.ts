// One LoRA RL step on the engine, for preflight-vs-allocated (./preflightVsAllocated.ts): the
// plan's random base uploaded by the engine's loader (LlamaGpuWeightsBuilder), a LoRA model made by
// the injected `create` (LlamaLoraModel.create, src/engine/lora/loraModel.ts) sized as the plan
// says, then what a GRPO + RePro step asks of it: sample P prompts × G (each group one prompt),
// score every sample's CoT with RePro probes (boundaries × continuation = probeTokensPerSample
// KV rows), forward + backward in passes of S sequences, an AdamW step; everything freed.
// PPO's critic is not driven here: a plan with `critic` is refused until the runner gets one.
import type { GpuContext } from '../../src/gpu/device.ts';
import type { LlamaConfig } from '../../src/engine/llamaConfig.ts';
import type { BufferWeights, EngineWeights } from '../../src/engine/gpu/weights.ts';
import { LlamaGpuWeightsBuilder } from '../../src/engine/hf/llamaGpuWeights.ts';
import type { LoraConfig } from '../../src/engine/lora/loraConfig.ts';
import type { AdamWConfig, ProbeRequest, SampleOutput, SamplingOptions, StepResult } from '../../src/engine/types.ts';
import { Rng } from '../../src/sampling/rng.ts';
import { tensorBytes } from '../../test/util/safetensorsFile.ts';
import { hfTensorShapes, type HfConfig } from '../../test/util/tinyLlama.ts';
import type { LoraRunPlan, LoraStepRunner } from './preflightVsAllocated.ts';

/** What the step needs of a LoRA model (LlamaLoraModel has it all). */
export interface LoraModelLike {
  sample(prompts: number[][], opts: SamplingOptions): Promise<SampleOutput>;
  probeLogProbs(requests: ProbeRequest[]): Promise<number[][][]>;
  forward(inputs: Int32Array, targets: Int32Array, B: number, T: number): Promise<unknown>;
  backward(dlogp: Float32Array): Promise<void>;
  zeroGrad(): void;
  step(opt: AdamWConfig): Promise<StepResult>;
  /** the model's own account by part, when it keeps one (logged beside the meter's) */
  memory?(): object;
  dispose(): void;
}

/** LlamaLoraModel.create's shape. */
export type LoraModelCreate = (
  ctx: GpuContext, base: { config: LlamaConfig; weights: EngineWeights }, lora: LoraConfig,
  opts: { maxBatchTokens: number; maxSeqLen: number; vocabChunk?: number; maxInferenceRows?: number; seed: number },
) => Promise<LoraModelLike>;

/** Boundaries per sample's probe request (the continuation fills the rest of probeTokensPerSample). */
const BOUNDARIES = 4;
const ADAMW: AdamWConfig = { learningRate: 1e-4, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0, gradClip: 1 };

/** The plan's base: seeded N(0, 0.02²) matrices, unit norms, in the plan's dtype, through the engine's loader. */
function uploadBase(ctx: GpuContext, hf: HfConfig, config: LlamaConfig, dtype: LoraRunPlan['weightDtype']): BufferWeights {
  const rng = new Rng(5);
  const b = new LlamaGpuWeightsBuilder(ctx.device, config);
  for (const [name, shape] of hfTensorShapes(hf)) {
    const n = shape.reduce((x, y) => x * y, 1);
    const data = Float32Array.from({ length: n }, () => (shape.length === 1 ? 1 : 0.02 * rng.normal()));
    b.add({ name, dtype, shape, bytes: tensorBytes(data, dtype) });
  }
  return b.finish();
}

export function loraStepRunner(create: LoraModelCreate): LoraStepRunner {
  return async (ctx, plan, log) => {
    const t = plan.train;
    if (t.critic) throw new Error('loraStepRunner: PPO\'s critic is not driven yet (give the runner a LoRA critic)');
    const c = plan.config;
    const P = t.promptsPerStep, G = t.numGenerations, Tp = t.maxPromptTokens, Tc = t.maxCompletionTokens, T = Tp + Tc;
    const S = t.sequencesPerPass ?? P * G;
    const weights = uploadBase(ctx, plan.hf, c, plan.weightDtype);
    const lora: LoraConfig = { r: plan.lora.r, lora_alpha: plan.lora.lora_alpha, lora_dropout: 0, target_modules: [...plan.lora.targets] };
    const model = await create(ctx, { config: c, weights }, lora, { maxBatchTokens: S * T, maxSeqLen: T, vocabChunk: t.vocabChunk, maxInferenceRows: t.inferenceRows, seed: 1 });
    try {
      const rng = new Rng(9);
      const ids = (n: number) => Array.from({ length: n }, () => rng.int(1, c.vocabSize - 1));
      const prompts = Array.from({ length: P }, () => ids(Tp)).flatMap((p) => Array<number[]>(G).fill(p));
      const out = await model.sample(prompts, { maxNewTokens: Tc, temperature: 1, topK: 0, topP: 1, seed: 3 });
      const seqs = prompts.map((p, i) => [...p, ...out.tokens[i]]);
      const probe = t.probeTokensPerSample ?? 0;
      if (probe > 0) {
        const cont = Math.max(1, Math.floor(probe / BOUNDARIES));
        const requests: ProbeRequest[] = seqs.map((s) => ({
          context: s,
          boundaries: Array.from({ length: BOUNDARIES }, (_, k) => Tp + Math.floor(((k + 1) * (s.length - Tp)) / BOUNDARIES)),
          continuation: ids(cont),
          scoreFrom: Math.floor(cont / 2),
        }));
        await model.probeLogProbs(requests);
      }
      model.zeroGrad();
      for (let s0 = 0; s0 < seqs.length; s0 += S) {
        const batch = seqs.slice(s0, s0 + S);
        const inputs = new Int32Array(batch.length * T);
        const targets = new Int32Array(batch.length * T).fill(-1);
        batch.forEach((s, b) => s.forEach((id, p) => {
          inputs[b * T + p] = id;
          if (p + 1 < s.length && p >= Tp - 1) targets[b * T + p] = s[p + 1];
        }));
        await model.forward(inputs, targets, batch.length, T);
        await model.backward(Float32Array.from(targets, (x) => (x >= 0 ? -1 / (batch.length * Tc) : 0)));
      }
      const r = await model.step(ADAMW);
      log(`step: grad norm ${r.gradNorm.toFixed(4)}${r.skipped ? ' (skipped)' : ''}; the model's own account: ${JSON.stringify(model.memory?.() ?? null)}`);
    } finally {
      model.dispose();
      weights.destroy();
    }
  };
}
