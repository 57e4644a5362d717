// preflight-vs-allocated (issue #22 §5): the LoRA memory pre-flight's estimate
// (src/engine/lora/preflight.ts) ÷ the bytes the engine actually allocates for the same run,
// goal 0.8–1.25. The allocated bytes are counted at the device, not reported by the engine:
// GPUDevice.createBuffer is wrapped for the run (./allocationMeter.ts), and the peak of live
// buffer bytes over uploading the base and one GRPO + RePro step (rollouts, probes,
// forward/backward, AdamW; ./loraStepRunner.ts) is what the estimate is compared with.
//
// Wiring (when LlamaLoraModel is on the branch): in ./index.ts
//   import { LlamaLoraModel } from '../../src/engine/lora/loraModel.ts';
//   suites.push(preflightVsAllocated(loraStepRunner((ctx, base, lora, o) => LlamaLoraModel.create(ctx, base, lora, o))));
// A PPO plan (critic) joins BENCH_PLANS once the runner drives a LoRA critic.
import type { GpuContext } from '../../src/gpu/device.ts';
import { llamaConfigFromHf } from '../../src/engine/hf/hfConfig.ts';
import type { LlamaConfig } from '../../src/engine/llamaConfig.ts';
import type { SafetensorsDtype } from '../../src/engine/hf/safetensorsHeader.ts';
import { LORA_TARGETS } from '../../src/engine/lora/loraConfig.ts';
import { formatBytes, preflight, type PreflightInput } from '../../src/engine/lora/preflight.ts';
import type { LoraMemorySettings, TrainMemorySettings } from '../../src/engine/lora/preflightBuffers.ts';
import { TINY_LLAMA_CONFIGS, type HfConfig } from '../../test/util/tinyLlama.ts';
import { meterAllocations } from './allocationMeter.ts';
import type { BenchEntry, BenchSuite } from './index.ts';

export interface LoraRunPlan {
  /** config.json of the base (its tensor shapes) and the engine's config of it */
  hf: HfConfig;
  config: LlamaConfig;
  /** the base's file precision (the runner uploads the base in it through the engine's loader) */
  weightDtype: SafetensorsDtype;
  lora: LoraMemorySettings & { lora_alpha: number };
  train: TrainMemorySettings;
}

/** Runs one training step of the plan on ctx (upload the base, build the LoRA model, step) and frees everything. */
export type LoraStepRunner = (ctx: GpuContext, plan: LoraRunPlan, log: (line: string) => void) => Promise<void>;

/** The plan as the pre-flight reads it, with this device's limits and no budget. */
export function preflightInputOf(plan: LoraRunPlan, limits: Pick<GPUSupportedLimits, 'maxBufferSize' | 'maxStorageBufferBindingSize'>): PreflightInput {
  return {
    config: plan.config, weightDtype: plan.weightDtype, lora: plan.lora, train: plan.train,
    limits: { maxBufferSize: limits.maxBufferSize, maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize, budgetBytes: Number.MAX_SAFE_INTEGER },
  };
}

/**
 * A tiny Qwen3 (q/k norms, F16, r 4, two passes of 6 sequences) — against LlamaLoraModel at the
 * lora branch's 80ca5d3 on SwiftShader: estimate 3.08 MiB ÷ peak 2.6 MiB = 1.167, every part equal
 * to the model's memory() but the KV cache (the estimate holds the rollouts' caches for the probes
 * and the store's growth peak) — and the 4 × 256 tiny Llama of the lora-train-tokens-per-s bench
 * (BF16, r 16 on all seven targets), 4 prompts × 4 samples × (32 + 64) tokens, RePro probes.
 */
export const BENCH_PLANS: { name: string; plan: LoraRunPlan }[] = [{
  name: 'grpo-qwen3-tiny',
  plan: {
    hf: TINY_LLAMA_CONFIGS['qwen3-qknorm'],
    config: llamaConfigFromHf(TINY_LLAMA_CONFIGS['qwen3-qknorm']),
    weightDtype: 'F16',
    lora: { r: 4, lora_alpha: 8, targets: [...LORA_TARGETS] },
    train: { promptsPerStep: 3, numGenerations: 4, maxPromptTokens: 16, maxCompletionTokens: 24, critic: false, probeTokensPerSample: 32, inferenceRows: 64, sequencesPerPass: 6 },
  },
}, {
  name: 'grpo',
  plan: {
    hf: TINY_LLAMA_CONFIGS.bench,
    config: llamaConfigFromHf(TINY_LLAMA_CONFIGS.bench),
    weightDtype: 'BF16',
    lora: { r: 16, lora_alpha: 32, targets: [...LORA_TARGETS] },
    train: { promptsPerStep: 4, numGenerations: 4, maxPromptTokens: 32, maxCompletionTokens: 64, critic: false, probeTokensPerSample: 64, inferenceRows: 512 },
  },
}];

export function preflightVsAllocated(runner: LoraStepRunner, plans = BENCH_PLANS): BenchSuite {
  return {
    name: 'preflight-vs-allocated',
    async run(ctx: GpuContext, log): Promise<BenchEntry[]> {
      const rows: Record<string, unknown>[] = [];
      let worst = 1;
      for (const { name, plan } of plans) {
        const estimate = preflight(preflightInputOf(plan, ctx.device.limits));
        const meter = meterAllocations(ctx.device);
        try {
          await runner(ctx, plan, log);
        } finally {
          meter.stop();
        }
        const ratio = estimate.totalBytes / meter.peakBytes;
        log(`${name}: estimate ${formatBytes(estimate.totalBytes)}, allocated at peak ${formatBytes(meter.peakBytes)} (${meter.created} buffers, ${formatBytes(meter.liveBytes)} left live), ratio ${ratio.toFixed(3)}`);
        if (Math.abs(Math.log(ratio)) > Math.abs(Math.log(worst))) worst = ratio;
        rows.push({
          run: name, estimateBytes: estimate.totalBytes, peakAllocatedBytes: meter.peakBytes, ratio, leftLiveBytes: meter.liveBytes,
          estimateByPart: Object.fromEntries(estimate.parts.map((p) => [p.part, p.bytes])),
          allocatedByLabel: Object.fromEntries([...meter.peakByLabel].sort((a, b) => b[1] - a[1])),
        });
      }
      return [{
        name: 'preflight-vs-allocated',
        value: worst,
        unit: '×',
        goal: '0.8–1.25',
        detail: { note: 'value: the run whose estimate ÷ peak allocated bytes is furthest from 1', runs: rows },
      }];
    },
  };
}
