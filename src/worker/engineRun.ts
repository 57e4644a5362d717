// The training worker's LoRA runs on engine models (issue #22 §2): the base loaded once per device
// and source (weights at file precision, shared by every run on it and by PPO's critic), the
// run's model format from the model's tokenizer and chat template (the toy format when the
// tokenizer is the toy task's), the memory pre-flight before anything is allocated for the run
// (refused with its problems and advice), then LlamaLoraModel as the policy — π_ref is its base
// with the adapters off, no reference copy — and LlamaLoraCritic for adv_estimator "gae".
import type { GpuContext } from '../gpu/device.ts';
import { isLlama } from '../engine/block.ts';
import type { LlamaConfig } from '../engine/llamaConfig.ts';
import type { SafetensorsDtype } from '../engine/hf/safetensorsHeader.ts';
import { loadEngineModel } from '../engine/lm/loadEngineModel.ts';
import type { EngineLanguageModel } from '../engine/lm/engineLanguageModel.ts';
import { LlamaLoraModel } from '../engine/lora/loraModel.ts';
import { LlamaLoraCritic } from '../engine/lora/loraCritic.ts';
import { preflight } from '../engine/lora/preflight.ts';
import type { ValueModel } from '../engine/critic.ts';
import type { SourceOptions } from '../llm/hub/modelSource.ts';
import { chatFormat } from '../rl/task/chatFormat.ts';
import { TOY_FORMAT } from '../rl/task/toyFormat.ts';
import type { ModelFormat, TaskEnv } from '../rl/task/types.ts';
import { engineRunPlan } from './engineRunPlan.ts';
import { isToyVocabulary, modelSourceOf } from './engineSource.ts';
import { sourceKey, sourceLabel, type EngineRunModel, type RunModelSource } from './runModel.ts';
import type { RunSpec } from './trainingApi.ts';
import { PreflightError } from './preflightError.ts';

/** What an engine run is built from on the current device. */
export interface EngineRunParts {
  model: LlamaLoraModel;
  critic: ValueModel | null;
  format: ModelFormat;
}

export { isToyVocabulary, modelSourceOf } from './engineSource.ts';

export function formatOf(m: EngineLanguageModel): ModelFormat {
  if (isToyVocabulary(m)) return TOY_FORMAT;
  return chatFormat({ tokenizer: m.tokenizer, formatPrompt: (q) => m.formatPrompt(q), stopIds: m.info.eosIds, probe: m.defaultProbe, thinking: m.info.thinking });
}

/** The matrices' file precision (vectors are f32 on the GPU whatever the file holds). */
function weightDtypeOf(m: EngineLanguageModel): SafetensorsDtype {
  const d = m.info.dtype.split('+');
  return d.includes('bf16') ? 'BF16' : d.includes('f16') ? 'F16' : 'F32';
}

export interface EngineRunOptions {
  /** how sources are read (tests serve a hub repo through fetchImpl) */
  sourceOptions?: SourceOptions;
}

/**
 * Bases on one device, by source: loaded on first use, shared by every run on the source, and
 * dropped with the device (a new device loads them again).
 */
export class EngineBases {
  private readonly loaded = new Map<string, Promise<EngineLanguageModel>>();
  constructor(private readonly ctx: GpuContext, private readonly opts: EngineRunOptions = {}) {}

  get(source: RunModelSource): Promise<EngineLanguageModel> {
    const key = sourceKey(source);
    let p = this.loaded.get(key);
    if (!p) {
      const fetchImpl = this.opts.sourceOptions?.fetchImpl ?? fetch;
      // the loaded model's own inference is never run here (the LoRA model has its own): one row of scratch
      p = loadEngineModel(this.ctx, modelSourceOf(source, fetchImpl), { ...this.opts.sourceOptions, maxRows: 1 }).then((m) => {
        if (!isLlama(m.config)) throw new Error(`${sourceLabel(source)} is not a Llama-family model: LoRA training needs one`);
        return m;
      });
      p.catch(() => this.loaded.delete(key));
      this.loaded.set(key, p);
    }
    return p;
  }

  /** Frees every base (the device is gone or the worker is done). */
  async disposeAll(): Promise<void> {
    const all = [...this.loaded.values()];
    this.loaded.clear();
    for (const p of all) {
      try {
        await (await p).dispose();
      } catch {
        // a base that failed to load, or whose device is gone: nothing to free
      }
    }
  }
}

/** The run's format alone (the base loaded, nothing allocated for the run). */
export async function engineFormat(bases: EngineBases, model: EngineRunModel): Promise<ModelFormat> {
  return formatOf(await bases.get(model.source));
}

/**
 * The policy (and PPO's critic) of `spec` on its base, after the pre-flight. `envOf` reads the
 * run's task through the model's format (the caller's: it knows the run's task settings).
 */
export async function buildEngineRun(ctx: GpuContext, bases: EngineBases, spec: RunSpec, envOf: (format: ModelFormat) => TaskEnv): Promise<EngineRunParts & { env: TaskEnv }> {
  const model = spec.model as EngineRunModel;
  const lm = await bases.get(model.source);
  const config = lm.config as LlamaConfig;
  const format = formatOf(lm);
  const env = envOf(format);
  const plan = engineRunPlan(config, weightDtypeOf(lm), model, spec.config, env, ctx.device.limits);
  const check = preflight(plan.preflight);
  if (!check.fits) throw new PreflightError(check.problems, check.advice.map((a) => a.message), model.budgetBytes === undefined);
  const base = { config, weights: lm.base.weights };
  const policy = await LlamaLoraModel.create(ctx, base, model.lora, { ...plan.sizes, seed: spec.config.seed });
  let critic: ValueModel | null = null;
  if (spec.config.adv_estimator === 'gae') {
    try {
      critic = await LlamaLoraCritic.create(ctx, base, model.lora, { ...plan.sizes, seed: spec.config.seed + 2 });
    } catch (e) {
      policy.dispose();
      throw e;
    }
  }
  return { model: policy, critic, format, env };
}
