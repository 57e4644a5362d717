// adapter_config.json as PEFT writes and reads it (peft/config.py PeftConfigMixin, tuners/lora/
// config.py LoraConfig). Written: the fields PeftModel.save_pretrained writes for a plain LoRA
// (unknown keys would make PEFT warn; absent ones take LoraConfig's defaults). Read: anyone's
// adapter for a Llama-family base, every LoRA feature the engine does not run refused by name.
// Pure.
import { ModelLoadError } from '../../llm/hub/modelLoadError.ts';
import { LORA_TARGETS, validateLoraConfig, type LoraConfig, type LoraTarget } from './loraConfig.ts';
import { isLoraTarget } from './peftNames.ts';

export const ADAPTER_CONFIG_FILE = 'adapter_config.json';
export const ADAPTER_WEIGHTS_FILE = 'adapter_model.safetensors';

export interface AdapterConfigOptions {
  /** The base's hub id (or a local path); null when not known (PeftModel.from_pretrained then needs the base passed in, as it always does). */
  baseModel: string | null;
  /** The base's hub revision, if pinned. */
  revision?: string | null;
}

/** The object PeftConfigMixin.save_pretrained writes for a plain LoRA of these settings (./peftExport.ts writes it as json.dumps(indent=2, sort_keys=True) does). */
export function adapterConfigJson(lora: LoraConfig, o: AdapterConfigOptions): Record<string, unknown> {
  const s = validateLoraConfig(lora);
  const json: Record<string, unknown> = {
    alpha_pattern: {},
    auto_mapping: null,
    base_model_name_or_path: o.baseModel,
    bias: 'none',
    exclude_modules: null,
    fan_in_fan_out: false,
    inference_mode: true, // PeftModel.save_pretrained saves with inference_mode true
    init_lora_weights: true, // A kaiming-uniform, B zero: what from_pretrained builds before loading the weights
    layer_replication: null,
    layers_pattern: null,
    layers_to_transform: null,
    lora_alpha: s.lora_alpha,
    lora_bias: false,
    lora_dropout: 0.0,
    modules_to_save: null,
    peft_type: 'LORA',
    r: s.r,
    rank_pattern: {},
    revision: o.revision ?? null,
    target_modules: s.target_modules,
    task_type: 'CAUSAL_LM',
    use_dora: false,
    use_rslora: s.use_rslora ?? false,
  };
  return json;
}

/** What an adapter_config.json says, once checked. */
export interface ReadAdapterConfig {
  /** r, lora_alpha, use_rslora as declared; lora_dropout 0 (the engine trains without dropout) */
  lora: Omit<LoraConfig, 'target_modules'>;
  /** The declared targets, or null when target_modules is a regex or absent (the weights' keys decide). */
  targets: LoraTarget[] | null;
  baseModel: string | null;
  /** Things accepted with a change the user should know about. */
  notes: string[];
}

const refuse = (file: string, what: string) => new ModelLoadError('unsupported-architecture', `${file}: ${what}`, { file });
const invalid = (file: string, what: string) => new ModelLoadError('invalid-config', `${file}: ${what}`, { file });

const isEmpty = (v: unknown) =>
  v === undefined || v === null || v === false || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && v !== null && Object.keys(v).length === 0);

/** LoraConfig fields that change what the adapter computes; each must be absent, null, false or empty. */
const UNSUPPORTED_FIELDS: [field: string, what: string][] = [
  ['use_dora', 'DoRA (weight-decomposed LoRA, a magnitude vector per module)'],
  ['rank_pattern', 'a rank per module (rank_pattern)'],
  ['alpha_pattern', 'an alpha per module (alpha_pattern)'],
  ['modules_to_save', 'fully trained extra modules (modules_to_save)'],
  ['lora_bias', 'a trained bias on lora_B (lora_bias)'],
  ['layers_to_transform', 'adapters on some layers only (layers_to_transform)'],
  ['layer_replication', 'replicated layers (layer_replication)'],
  ['trainable_token_indices', 'trained token embeddings (trainable_token_indices)'],
  ['target_parameters', 'LoRA on parameters (target_parameters)'],
  ['use_qalora', 'QA-LoRA (use_qalora)'],
  ['alora_invocation_tokens', 'activated LoRA (alora_invocation_tokens)'],
  ['use_bdlora', 'block-diagonal LoRA (use_bdlora)'],
  ['arrow_config', 'Arrow routing (arrow_config)'],
  ['megatron_config', 'Megatron-parallel layers (megatron_config)'],
  ['velora_config', 'VeLoRA (velora_config)'],
  ['monteclora_config', 'MonteCLoRA (monteclora_config)'],
  ['kasa_config', 'KaSA (kasa_config)'],
];

/** init_lora_weights values that leave the base weights as they are (others rewrite W at init: PiSSA, OLoRA, CorDA, LoftQ, LoRA-GA, MiCA). */
const PLAIN_INITS: unknown[] = [true, false, 'gaussian', 'eva', 'orthogonal'];

/** Reads and checks adapter_config.json (already parsed from JSON). */
export function readAdapterConfig(json: unknown, file = ADAPTER_CONFIG_FILE): ReadAdapterConfig {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw invalid(file, 'must be a JSON object.');
  const j = json as Record<string, unknown>;
  const peftType = j.peft_type;
  if (peftType !== 'LORA') {
    throw refuse(file, `peft_type is ${JSON.stringify(peftType ?? null)}; only LoRA adapters (peft_type "LORA") can be loaded${peftType === 'ADALORA' ? ' (AdaLoRA adapts its ranks during training)' : ''}.`);
  }
  const task = j.task_type ?? null;
  if (task !== null && task !== 'CAUSAL_LM') {
    throw refuse(file, `task_type is ${JSON.stringify(task)}; the engine runs causal language models (task_type "CAUSAL_LM").`);
  }
  for (const [field, what] of UNSUPPORTED_FIELDS) {
    if (!isEmpty(j[field])) throw refuse(file, `${field} is ${JSON.stringify(j[field])}: ${what} is not supported; the engine runs plain LoRA on whole layers.`);
  }
  const bias = j.bias ?? 'none';
  if (bias !== 'none') throw refuse(file, `bias is ${JSON.stringify(bias)}: trained biases are not supported; the engine runs LoRA with bias "none".`);
  const init = j.init_lora_weights ?? true;
  const pissa = typeof init === 'string' && init.startsWith('pissa_niter_');
  if (!PLAIN_INITS.includes(init)) {
    throw refuse(file, `init_lora_weights is ${JSON.stringify(init)}: ${pissa || ['pissa', 'olora', 'corda', 'loftq', 'lora_ga'].includes(init as string) ? 'that initialisation rewrites the base weights, so the adapter only fits the rewritten base' : 'not a plain LoRA initialisation'}; convert it to a plain LoRA first (PEFT: save_pretrained(path_initial_model_for_weight_conversion=…)).`);
  }
  if (!isEmpty(j.exclude_modules)) throw refuse(file, `exclude_modules is ${JSON.stringify(j.exclude_modules)}: adapters on some modules of a layer but not others are not supported.`);

  const r = j.r ?? 8; // LoraConfig default
  if (typeof r !== 'number' || !Number.isInteger(r) || r <= 0) throw invalid(file, `r must be a positive integer, got ${JSON.stringify(r)}.`);
  const alpha = j.lora_alpha ?? 8;
  if (typeof alpha !== 'number' || !(Number.isFinite(alpha) && alpha > 0)) throw invalid(file, `lora_alpha must be a positive number, got ${JSON.stringify(alpha)}.`);
  const notes: string[] = [];
  const rslora = j.use_rslora ?? false;
  if (typeof rslora !== 'boolean') throw invalid(file, `use_rslora must be true or false, got ${JSON.stringify(j.use_rslora)}.`);
  const dropout = j.lora_dropout ?? 0;
  if (typeof dropout !== 'number' || !(dropout >= 0 && dropout < 1)) throw invalid(file, `lora_dropout must be a number in [0, 1), got ${JSON.stringify(j.lora_dropout)}.`);
  if (dropout > 0) notes.push(`lora_dropout ${dropout} was used in training; further training here runs without dropout (lora_dropout 0). Dropout does not change what the adapter computes at inference.`);
  if (j.fan_in_fan_out === true) notes.push('fan_in_fan_out is true, which PEFT itself overrides for nn.Linear layers (the weights are stored [r, in] / [out, r] either way).');

  const targets = readTargets(j.target_modules, file);
  const base = j.base_model_name_or_path;
  return { lora: { r, lora_alpha: alpha, lora_dropout: 0, use_rslora: rslora }, targets, baseModel: typeof base === 'string' ? base : null, notes };
}

/**
 * target_modules: a list (PEFT matches each entry against the end of a module's name, so
 * "q_proj" and "self_attn.q_proj" both name q_proj), "all-linear" (every linear layer but the
 * output head: all seven), a regex string or null (resolved against the model: the keys decide).
 */
function readTargets(v: unknown, file: string): LoraTarget[] | null {
  if (v === undefined || v === null) return null;
  if (v === 'all-linear') return [...LORA_TARGETS];
  if (typeof v === 'string') return null;
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw invalid(file, `target_modules must be a list of names, a regex or "all-linear", got ${JSON.stringify(v)}.`);
  if (v.length === 0) throw refuse(file, 'target_modules is empty: the adapter targets no module.');
  const out = new Set<LoraTarget>();
  const outside: string[] = [];
  for (const name of v as string[]) {
    const last = name.split('.').pop()!;
    const parentOk = !name.includes('.') || /(^|\.)(self_attn|mlp)\.[a-z_]+$/.test(name);
    if (isLoraTarget(last) && parentOk) out.add(last);
    else outside.push(name);
  }
  if (outside.length > 0) {
    throw refuse(file, `target_modules names ${outside.map((s) => JSON.stringify(s)).join(', ')}: the engine puts LoRA only on ${LORA_TARGETS.join(', ')}.`);
  }
  return LORA_TARGETS.filter((t) => out.has(t));
}
