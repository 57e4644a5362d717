// PEFT's names for a Llama-family model's LoRA tensors (peft/tuners/lora/layer.py, utils/
// save_and_load.py): each targeted nn.Linear `model.layers.N.self_attn.q_proj` gains
// lora_A = nn.Linear(in, r, bias=False) (weight [r, in]) and lora_B = nn.Linear(r, out) (weight
// [out, r]); PeftModel's state dict prefixes `base_model.model.`, and get_peft_model_state_dict
// drops the adapter name, so a saved key is (./loraLayout.ts loraTensorName)
//   base_model.model.model.layers.N.self_attn.q_proj.lora_A.weight
// Other writers keep the adapter name (`…lora_A.default.weight`) or, through transformers'
// integration, drop the `base_model.model.` prefix: the parser accepts all three. Pure.
import { LORA_TARGETS, type LoraTarget } from './loraConfig.ts';
import { loraModulePath } from './loraLayout.ts';

export function isLoraTarget(s: string): s is LoraTarget {
  return (LORA_TARGETS as readonly string[]).includes(s);
}

/** The base weight a target adapts, by its hub name (model.layers.N.self_attn.q_proj.weight). */
export function baseWeightName(layer: number, t: LoraTarget): string {
  return `model.layers.${layer}.${loraModulePath(t)}.weight`;
}

export interface ParsedPeftKey {
  layer: number;
  target: LoraTarget;
  ab: 'A' | 'B';
  /** the adapter name kept in the key (`default`), if any */
  adapterName: string | null;
  /** the key had the `base_model.model.` prefix */
  prefixed: boolean;
}

const KEY = /^(base_model\.model\.)?model\.layers\.(\d+)\.(self_attn|mlp)\.([a-z_]+)\.lora_(A|B)(?:\.([^.]+))?\.weight$/;

/** A LoRA A/B key of one of the seven targets, or null for any other key. */
export function parsePeftKey(key: string): ParsedPeftKey | null {
  const m = KEY.exec(key);
  if (!m) return null;
  const [, prefix, layer, parent, target, ab, adapterName] = m;
  if (!isLoraTarget(target) || loraModulePath(target) !== `${parent}.${target}`) return null;
  return { layer: Number(layer), target, ab: ab as 'A' | 'B', adapterName: adapterName ?? null, prefixed: prefix !== undefined };
}
