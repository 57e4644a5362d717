// Which model a training run trains (issue #22 §2): the toy GPT-2 (full weights, the default, what
// every spec stored before this field means) or an engine Llama-family model from a source — a hub
// id, picked files, or a bundled folder — trained with LoRA adapters (PEFT names: r, lora_alpha,
// target_modules). Plain data (RunSpecs cross the worker boundary and live in IndexedDB: picked
// files travel as File objects, which both clone). Pure: runs in Node.
import { validateLoraConfig, type LoraConfig } from '../engine/lora/loraConfig.ts';

/** Folders under public/models/ in the Hugging Face layout the engine opens, with their files. */
export const BUNDLED_ENGINE_MODELS = {
  'toy-llama-verbose': ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'model.safetensors'],
} as const satisfies Record<string, readonly string[]>;
export type BundledEngineModel = keyof typeof BUNDLED_ENGINE_MODELS;

export type RunModelSource =
  | { kind: 'hub'; id: string; revision?: string }
  | { kind: 'files'; files: File[]; name: string }
  | { kind: 'bundled'; name: BundledEngineModel };

export interface EngineRunModel {
  kind: 'engine';
  source: RunModelSource;
  /** the adapters (PEFT's LoraConfig names); the base stays frozen at its file precision */
  lora: LoraConfig;
  /**
   * bytes the run may take on the GPU (no WebGPU API reports device memory): the pre-flight refuses
   * a run over it; default DEFAULT_TRAINING_BUDGET_BYTES
   */
  budgetBytes?: number;
}

export type RunModel = { kind: 'toy' } | EngineRunModel;

/** A laptop GPU's share for one tab's training (the pre-flight's default budget). */
export const DEFAULT_TRAINING_BUDGET_BYTES = 4 * 2 ** 30;

export const TOY_RUN_MODEL: Readonly<RunModel> = Object.freeze({ kind: 'toy' as const });

/** A spec's model checked, LoRA settings normalised (PEFT order of targets); absent = the toy. Throws naming the field. */
export function validateRunModel(m: RunModel | undefined): RunModel {
  if (m === undefined || m.kind === 'toy') return { kind: 'toy' };
  if (m.kind !== 'engine') throw new RangeError(`run model kind must be "toy" or "engine" (got ${JSON.stringify((m as { kind: unknown }).kind)})`);
  const s = m.source as RunModelSource | undefined;
  if (!s || typeof s !== 'object') throw new RangeError('an engine run model needs a source (a hub id, picked files or a bundled model)');
  if (s.kind === 'hub') {
    if (typeof s.id !== 'string' || !/^[\w.-]+\/[\w.-]+$/.test(s.id)) throw new RangeError(`the hub id must look like "owner/name" (got ${JSON.stringify(s.id)})`);
  } else if (s.kind === 'files') {
    if (!Array.isArray(s.files) || s.files.length === 0) throw new RangeError('the picked model folder holds no files');
  } else if (s.kind === 'bundled') {
    if (!(s.name in BUNDLED_ENGINE_MODELS)) throw new RangeError(`no bundled engine model "${String(s.name)}" (bundled: ${Object.keys(BUNDLED_ENGINE_MODELS).join(', ')})`);
  } else {
    throw new RangeError(`model source kind must be "hub", "files" or "bundled" (got ${JSON.stringify((s as { kind: unknown }).kind)})`);
  }
  if (m.budgetBytes !== undefined && !(Number.isFinite(m.budgetBytes) && m.budgetBytes > 0)) throw new RangeError(`budgetBytes must be a positive number of bytes (got ${m.budgetBytes})`);
  return { ...m, lora: validateLoraConfig(m.lora) };
}

export function isEngineModel(m: RunModel | undefined): m is EngineRunModel {
  return m?.kind === 'engine';
}

/** The source's name in logs, exports and adapter_config.json's base_model_name_or_path (null: no hub id). */
export function sourceLabel(s: RunModelSource): string {
  return s.kind === 'hub' ? `${s.id}${s.revision ? `@${s.revision}` : ''}` : s.kind === 'bundled' ? `bundled ${s.name}` : `${s.name} (picked folder)`;
}

/** Runs on the same source share one base on the device: the key they share it by. */
export function sourceKey(s: RunModelSource): string {
  if (s.kind === 'hub') return `hub:${s.id}@${s.revision ?? 'main'}`;
  if (s.kind === 'bundled') return `bundled:${s.name}`;
  return `files:${s.name}:${s.files.map((f) => `${f.name}/${f.size}/${f.lastModified}`).join(',')}`;
}
