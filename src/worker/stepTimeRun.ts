// The step-time estimate of a LoRA run before Start (issue #23 §4): the run sized as the pre-flight
// sizes it (./runPreflight.ts, ./engineRunPlan.ts), its kernels timed on this device at the model's
// shapes (src/engine/lora/timeStepKernels.ts) and the step priced from them
// (src/engine/lora/stepEstimate.ts). Timings are kept per model shape and row counts, so changing
// a setting that keeps them re-prices without timing again.
import type { GpuContext } from '../gpu/device.ts';
import type { LlamaConfig } from '../engine/llamaConfig.ts';
import { estimateStep, rowsToTime, type StepKernelTimings, type StepShape } from '../engine/lora/stepEstimate.ts';
import type { StepTimeReport } from './stepTimeReport.ts';
import { timeStepKernels } from '../engine/lora/timeStepKernels.ts';
import type { WeightDType } from '../engine/gpu/tensor.ts';
import { engineRunPlan, probeTokensPerSample } from './engineRunPlan.ts';
import type { AdapterLimits, SourceSizing } from './runPreflight.ts';
import { envWith, migrateRunSpec } from './runTrainers.ts';
import { isEngineModel, sourceLabel, type RunModelSource } from './runModel.ts';
import type { RunSpec } from './trainingApi.ts';

const DTYPE: Record<string, WeightDType> = { F32: 'f32', F16: 'f16', BF16: 'bf16' };
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** One step's shape from a checked spec and its plan (prompt and completion at their longest: an upper bound of the rows). */
export function stepShapeOf(spec: RunSpec, config: LlamaConfig, maxPromptTokens: number, probeRowsPerResponse: number): StepShape {
  const c = spec.config;
  return {
    nLayer: config.nLayer, prompts: c.per_device_train_batch_size, group: c.num_generations,
    promptTokens: maxPromptTokens, completionTokens: c.max_completion_length, probeRowsPerResponse,
    reference: c.beta > 0, critic: c.adv_estimator === 'gae',
  };
}

export class StepTimer {
  private readonly timed = new Map<string, Promise<StepKernelTimings>>();
  constructor(
    private readonly ctxOf: () => Promise<GpuContext>,
    private readonly limitsOf: () => Promise<AdapterLimits>,
    private readonly sizingOf: (s: RunModelSource) => Promise<SourceSizing>,
  ) {}

  async estimate(spec: RunSpec): Promise<StepTimeReport> {
    try {
      const checked = migrateRunSpec(spec);
      const model = checked.model;
      if (!isEngineModel(model)) return { ok: false, error: 'the step-time estimate is for LoRA runs on an engine model' };
      const sizing = await this.sizingOf(model.source).catch((e: unknown) => { throw new Error(`${sourceLabel(model.source)}: ${message(e)}`); });
      const env = envWith(checked, sizing.format);
      const plan = engineRunPlan(sizing.config, sizing.weightDtype, model, checked.config, env, await this.limitsOf());
      const probeRows = probeTokensPerSample(env, checked.config);
      const shape = stepShapeOf(checked, sizing.config, plan.preflight.train.maxPromptTokens, probeRows);
      const ctx = await this.ctxOf();
      const rows = rowsToTime(shape);
      const c = sizing.config;
      const key = JSON.stringify([c.nEmbd, c.nHead, c.nKvHead, c.headDim, c.intermediateSize, c.vocabSize, sizing.weightDtype, rows]);
      let t = this.timed.get(key);
      if (!t) {
        t = timeStepKernels(ctx, c, DTYPE[sizing.weightDtype], rows);
        t.catch(() => this.timed.delete(key));
        this.timed.set(key, t);
      }
      const timings = await t;
      const a = ctx.adapterInfo;
      return { ok: true, estimate: estimateStep(shape, timings), shape, timings, adapter: [a.vendor, a.architecture, a.description].filter(Boolean).join(' · ') || 'unknown adapter' };
    } catch (e) {
      return { ok: false, error: message(e) };
    }
  }
}
