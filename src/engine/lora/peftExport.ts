// The adapter in PEFT's format, so `PeftModel.from_pretrained(base, folder)` loads it:
//   adapter_config.json        ./peftConfig.ts adapterConfigJson (indent 2, keys sorted, as PEFT writes it)
//   adapter_model.safetensors  every slot's A [r, in] and B [out, r] under PEFT's keys
//                              (./loraLayout.ts loraTensorName), F32, metadata {format: "pt"}
// F32 because the engine trains the adapters in f32 and PEFT itself keeps adapters of a half-
// precision base in f32 (autocast_adapter_dtype) and saves them so: nothing is rounded.
// Tensors are written layer by layer in layout order, A before B. Pure.
import { writeSafetensors, type TensorToWrite } from '../hf/safetensorsWrite.ts';
import type { LoraLayout } from './loraLayout.ts';
import { loraTensorName } from './loraLayout.ts';
import { ADAPTER_CONFIG_FILE, ADAPTER_WEIGHTS_FILE, adapterConfigJson, type AdapterConfigOptions } from './peftConfig.ts';

export interface PeftExport {
  /** file name → bytes: adapter_config.json, adapter_model.safetensors */
  files: Map<string, Uint8Array>;
  config: Record<string, unknown>;
}

/** adapter_config.json's text: JSON with 2-space indent and sorted keys (json.dumps(indent=2, sort_keys=True)). */
export function adapterConfigText(config: Record<string, unknown>): string {
  const sorted = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sorted)
      : v !== null && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted((v as Record<string, unknown>)[k])]))
        : v;
  return JSON.stringify(sorted(config), null, 2);
}

/** The adapter's A/B tensors under PEFT's keys (views into `params`). */
export function adapterTensors(layout: LoraLayout, params: Float32Array): TensorToWrite[] {
  if (params.length !== layout.total) throw new RangeError(`the adapter vector has ${params.length} elements, the layout needs ${layout.total}`);
  const r = layout.r;
  const out: TensorToWrite[] = [];
  for (const s of layout.slots) {
    out.push({ name: loraTensorName(s.layer, s.target, 'A'), dtype: 'F32', shape: [r, s.inW], values: params.subarray(s.a, s.a + r * s.inW) });
    out.push({ name: loraTensorName(s.layer, s.target, 'B'), dtype: 'F32', shape: [s.outW, r], values: params.subarray(s.b, s.b + s.outW * r) });
  }
  return out;
}

export function exportPeftAdapter(layout: LoraLayout, params: Float32Array, opts: AdapterConfigOptions): PeftExport {
  for (let i = 0; i < params.length; i++) {
    if (!Number.isFinite(params[i])) {
      const s = layout.slots.find((x) => i >= x.a && i < x.b + x.outW * layout.r)!;
      throw new RangeError(`the adapter holds a non-finite value (${params[i]}) in layer ${s.layer} ${s.target} ${i < s.b ? 'A' : 'B'}: not exported`);
    }
  }
  const config = adapterConfigJson(layout.config, opts);
  const weights = writeSafetensors(adapterTensors(layout, params), { format: 'pt' });
  const files = new Map<string, Uint8Array>([
    [ADAPTER_CONFIG_FILE, new TextEncoder().encode(adapterConfigText(config))],
    [ADAPTER_WEIGHTS_FILE, weights],
  ]);
  return { files, config };
}
