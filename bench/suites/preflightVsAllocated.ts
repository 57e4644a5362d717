// preflight-vs-allocated (issue #22 §5): the LoRA memory pre-flight's estimate
// (src/engine/lora/preflight.ts) ÷ the bytes the engine actually allocates for the same run,
// goal 0.8–1.25. The allocated bytes are counted at the device, not reported by the engine:
// GPUDevice.createBuffer is wrapped for the run (./allocationMeter.ts), and the peak of live
// buffer bytes over loading the base, one GRPO + RePro step (rollouts, scoring, forward/backward,
// AdamW) and one PPO step with the critic is what the estimate is compared with.
//
// SKELETON: the LoRA engine's step is not in this branch. `preflightVsAllocated(runner)` takes it
// as a function (load the base, build the trainer with these settings, run one step, dispose); the
// lead wires it and appends the suite to ./index.ts. Until then it is not in `suites`.
import type { GpuContext } from '../../src/gpu/device.ts';
import { llamaConfigFromHf } from '../../src/engine/hf/hfConfig.ts';
import type { LlamaConfig } from '../../src/engine/llamaConfig.ts';
import type { SafetensorsDtype } from '../../src/engine/hf/safetensorsHeader.ts';
import { LORA_TARGETS } from '../../src/engine/lora/loraConfig.ts';
import { formatBytes, preflight, type PreflightInput } from '../../src/engine/lora/preflight.ts';
import type { LoraMemorySettings, TrainMemorySettings } from '../../src/engine/lora/preflightBuffers.ts';
import { TINY_LLAMA_CONFIGS } from '../../test/util/tinyLlama.ts';
import { meterAllocations } from './allocationMeter.ts';
import type { BenchEntry, BenchSuite } from './index.ts';

export interface LoraRunPlan {
  config: LlamaConfig;
  /** the base's file precision (the runner writes the tiny base in it and loads it as the hub path does) */
  weightDtype: SafetensorsDtype;
  lora: LoraMemorySettings & { lora_alpha: number };
  train: TrainMemorySettings;
}

/** Loads the base on ctx, runs one training step of the plan and frees everything (the engine's code). */
export type LoraStepRunner = (ctx: GpuContext, plan: LoraRunPlan, log: (line: string) => void) => Promise<void>;

/** The 4 × 256 tiny Llama of the lora-train-tokens-per-s bench, 4 prompts × 4 samples × (32 + 64) tokens. */
export const BENCH_PLANS: { name: string; plan: LoraRunPlan }[] = [false, true].map((critic) => ({
  name: critic ? 'ppo' : 'grpo',
  plan: {
    config: llamaConfigFromHf(TINY_LLAMA_CONFIGS.bench),
    weightDtype: 'BF16',
    lora: { r: 16, lora_alpha: 32, targets: [...LORA_TARGETS] },
    train: { promptsPerStep: 4, numGenerations: 4, maxPromptTokens: 32, maxCompletionTokens: 64, critic, vocabChunk: 8192, probeTokensPerSample: 64 },
  },
}));

export function preflightVsAllocated(runner: LoraStepRunner): BenchSuite {
  return {
    name: 'preflight-vs-allocated',
    async run(ctx: GpuContext, log): Promise<BenchEntry[]> {
      const limits = ctx.device.limits;
      const rows: Record<string, unknown>[] = [];
      let worst = 1;
      for (const { name, plan } of BENCH_PLANS) {
        const input: PreflightInput = {
          config: plan.config, weightDtype: plan.weightDtype, lora: plan.lora, train: plan.train,
          limits: { maxBufferSize: limits.maxBufferSize, maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize, budgetBytes: Number.MAX_SAFE_INTEGER },
        };
        const estimate = preflight(input);
        const meter = meterAllocations(ctx.device);
        try {
          await runner(ctx, plan, log);
        } finally {
          meter.stop();
        }
        const ratio = estimate.totalBytes / meter.peakBytes;
        log(`${name}: estimate ${formatBytes(estimate.totalBytes)}, allocated at peak ${formatBytes(meter.peakBytes)} (${meter.created} buffers), ratio ${ratio.toFixed(3)}`);
        if (Math.abs(Math.log(ratio)) > Math.abs(Math.log(worst))) worst = ratio;
        rows.push({
          run: name, estimateBytes: estimate.totalBytes, peakAllocatedBytes: meter.peakBytes, ratio,
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
