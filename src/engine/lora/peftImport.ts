// A PEFT LoRA adapter (ours or anyone's: adapter_config.json + adapter_model.safetensors) for a
// Llama-family base → the engine's flat adapter vector (./loraLayout.ts). Keys with or without
// the `base_model.model.` prefix and the adapter name (`.default`); F32 / F16 / BF16 tensors
// (widened to f32, exactly). Refused, each with a message naming it: what ./peftConfig.ts
// refuses, keys that are not LoRA A/B of the seven targets (DoRA magnitudes, embedding LoRA,
// biases, saved modules), several adapters in one file, layers the base lacks, a target on some
// layers only, targets other than target_modules declares, shapes that do not fit the base's
// config, non-finite values. Pure.
import { ModelLoadError } from '../../llm/hub/modelLoadError.ts';
import { fromHalfBits } from '../../numeric/halfFloat.ts';
import type { LlamaConfig } from '../llamaConfig.ts';
import { parseSafetensors, type TensorInfo } from '../hf/safetensorsHeader.ts';
import { LORA_TARGETS, type LoraTarget } from './loraConfig.ts';
import { loraLayout, slotOf, type LoraLayout } from './loraLayout.ts';
import { ADAPTER_CONFIG_FILE, ADAPTER_WEIGHTS_FILE, readAdapterConfig } from './peftConfig.ts';
import { parsePeftKey, type ParsedPeftKey } from './peftNames.ts';

export interface ImportedAdapter {
  layout: LoraLayout;
  /** the flat adapter vector in the layout's order */
  params: Float32Array;
  /** base_model_name_or_path, when the config names one */
  baseModel: string | null;
  /** the tensors' dtype in the file */
  dtype: TensorInfo['dtype'];
  /** accepted with a change the user should know about */
  notes: string[];
}

const mismatch = (what: string) => new ModelLoadError('weights-mismatch', `${ADAPTER_WEIGHTS_FILE}: ${what}`, { file: ADAPTER_WEIGHTS_FILE });
const refuse = (what: string) => new ModelLoadError('unsupported-architecture', `${ADAPTER_WEIGHTS_FILE}: ${what}`, { file: ADAPTER_WEIGHTS_FILE });

/** Why a key is not a LoRA A/B tensor we load, in words. */
function foreignKey(key: string): string {
  if (/lora_magnitude_vector/.test(key)) return 'a DoRA magnitude vector (use_dora)';
  if (/lora_embedding_[AB]/.test(key)) return 'LoRA on an embedding';
  if (/\.lora_[AB](\.[^.]+)?\.bias$/.test(key)) return 'a bias on a LoRA matrix (lora_bias)';
  if (/(embed_tokens|lm_head|\.norm\.|layernorm)/.test(key)) return 'a saved base module (modules_to_save or trained embeddings)';
  if (/\.bias$/.test(key)) return 'a trained bias (bias "all" / "lora_only")';
  if (/lora_[AB]/.test(key)) return `LoRA on a module other than ${LORA_TARGETS.join(', ')}`;
  return 'not a LoRA weight';
}

/** `weights` is the adapter_model.safetensors file; `configJson` its adapter_config.json, parsed. */
export function importPeftAdapter(model: LlamaConfig, configJson: unknown, weights: Uint8Array): ImportedAdapter {
  const declared = readAdapterConfig(configJson, ADAPTER_CONFIG_FILE);
  const header = parseSafetensors(weights, ADAPTER_WEIGHTS_FILE);
  const parsed: { t: TensorInfo; k: ParsedPeftKey }[] = [];
  for (const t of header.tensors) {
    const k = parsePeftKey(t.name);
    if (!k) throw refuse(`tensor "${t.name}" is ${foreignKey(t.name)}; the engine loads plain LoRA A/B weights of ${LORA_TARGETS.join(', ')} only.`);
    parsed.push({ t, k });
  }
  if (parsed.length === 0) throw refuse('holds no LoRA weights.');
  const names = [...new Set(parsed.map((p) => p.k.adapterName ?? ''))];
  if (names.length > 1) throw refuse(`holds ${names.length} adapters (${names.map((n) => (n === '' ? 'unnamed' : `"${n}"`)).join(', ')}); save one adapter per folder.`);
  const dtypes = [...new Set(parsed.map((p) => p.t.dtype))];
  if (dtypes.length > 1) throw refuse(`mixes dtypes ${dtypes.join(', ')}; an adapter's tensors share one dtype.`);

  // Which targets the file holds, on which layers: every present target must be on every layer.
  const have = new Map<string, TensorInfo>();
  for (const { t, k } of parsed) {
    if (k.layer >= model.nLayer) throw mismatch(`tensor "${t.name}" adapts layer ${k.layer}, but the base has ${model.nLayer} layers (layers 0–${model.nLayer - 1}): an adapter for another model?`);
    const id = `${k.layer}.${k.target}.${k.ab}`;
    if (have.has(id)) throw refuse(`tensors "${have.get(id)!.name}" and "${t.name}" are the same matrix.`);
    have.set(id, t);
  }
  const present = LORA_TARGETS.filter((tg) => parsed.some((p) => p.k.target === tg));
  const missing: string[] = [];
  for (let l = 0; l < model.nLayer; l++) {
    for (const tg of present) for (const ab of ['A', 'B'] as const) if (!have.has(`${l}.${tg}.${ab}`)) missing.push(`layer ${l} ${tg} lora_${ab}`);
  }
  if (missing.length > 0) {
    const list = missing.slice(0, 4).join(', ') + (missing.length > 4 ? `, … (${missing.length} in all)` : '');
    throw refuse(`lacks ${list}: the engine needs each target on every one of the base's ${model.nLayer} layers (an adapter for some layers only, layers_to_transform, or for a deeper model?).`);
  }
  if (declared.targets) {
    const extra = present.filter((tg) => !declared.targets!.includes(tg));
    const absent = declared.targets.filter((tg) => !present.includes(tg));
    if (extra.length > 0 || absent.length > 0) {
      throw mismatch(`holds LoRA weights for ${present.join(', ')}, but adapter_config.json's target_modules is ${declared.targets.join(', ')}.`);
    }
  }

  const layout = loraLayout(model, { ...declared.lora, target_modules: present as LoraTarget[] });
  const params = new Float32Array(layout.total);
  const r = layout.r;
  const where = declared.baseModel ? ` adapter_config.json names base "${declared.baseModel}".` : '';
  for (const { t, k } of parsed) {
    const s = slotOf(layout, k.layer, k.target)!;
    const want = k.ab === 'A' ? [r, s.inW] : [s.outW, r];
    if (t.shape.length !== 2 || t.shape[0] !== want[0] || t.shape[1] !== want[1]) {
      const why = k.ab === 'A' ? `r = ${r} rows of ${k.target}'s in_features ${s.inW}` : `${k.target}'s out_features ${s.outW} rows of r = ${r}`;
      throw mismatch(`tensor "${t.name}" has shape [${t.shape.join(', ')}], this base needs [${want.join(', ')}] (${why}).${where}`);
    }
    const values = decode(weights.subarray(header.dataStart + t.begin, header.dataStart + t.end), t.dtype);
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw mismatch(`tensor "${t.name}" holds ${values[bad]} at element ${bad}: a broken adapter.`);
    params.set(values, k.ab === 'A' ? s.a : s.b);
  }
  const notes = [...declared.notes];
  if (names[0] !== '') notes.push(`the keys carry the adapter name "${names[0]}" (dropped).`);
  return { layout, params, baseModel: declared.baseModel, dtype: dtypes[0], notes };
}

function decode(bytes: Uint8Array, dtype: TensorInfo['dtype']): Float32Array {
  const copy = bytes.slice(); // aligned
  if (dtype === 'F32') return new Float32Array(copy.buffer);
  return fromHalfBits(new Uint16Array(copy.buffer), dtype === 'F16' ? 'f16' : 'bf16');
}

/** adapter_config.json's bytes → its JSON (a parse error named). */
export function parseAdapterConfigBytes(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (e) {
    throw new ModelLoadError('corrupt-file', `${ADAPTER_CONFIG_FILE} is not valid JSON (${(e as Error).message}).`, { file: ADAPTER_CONFIG_FILE, cause: e });
  }
}
