// Our PEFT export and merged model of two tiny Llama-family bases, as files python/tests/
// test_peft_export.py reads with torch (keys and shapes as PEFT's LoraModel names them, merged =
// base + B·A·scaling, the merged folder's logits). REPRO_WRITE_FIXTURES=1 (npm run fixtures:python)
// rewrites python/tests/fixtures/peft/; otherwise this test fails when the export's bytes drift
// from the committed files.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { llamaConfigFromHf } from '../../../src/engine/hf/hfConfig.ts';
import { LORA_TARGETS, type LoraConfig } from '../../../src/engine/lora/loraConfig.ts';
import { loraLayout } from '../../../src/engine/lora/loraLayout.ts';
import { mergedModelFiles } from '../../../src/engine/lora/mergeLora.ts';
import { exportPeftAdapter } from '../../../src/engine/lora/peftExport.ts';
import { Rng } from '../../../src/sampling/rng.ts';
import type { SafetensorsDtype } from '../../util/safetensorsFile.ts';
import { tinyLlama, type TinyLlamaName } from '../../util/tinyLlama.ts';

const DIR = 'python/tests/fixtures/peft';
const WRITE = process.env.REPRO_WRITE_FIXTURES === '1';

const CASES: { dir: string; name: TinyLlamaName; dtype: SafetensorsDtype; lora: LoraConfig }[] = [
  { dir: 'llama-gqa-f32-all', name: 'llama-gqa', dtype: 'F32', lora: { r: 4, lora_alpha: 8, target_modules: [...LORA_TARGETS], lora_dropout: 0 } },
  { dir: 'qwen3-bf16-rslora', name: 'qwen3-qknorm', dtype: 'BF16', lora: { r: 3, lora_alpha: 6, target_modules: ['q_proj', 'v_proj', 'down_proj'], lora_dropout: 0, use_rslora: true } },
];

/** The files of one case: base/, adapter/, merged/ (weights and config.json only: the tokenizer is not what is checked). */
function files(c: (typeof CASES)[number]): Map<string, Uint8Array> {
  const base = tinyLlama({ name: c.name, dtype: c.dtype });
  const model = llamaConfigFromHf(base.config);
  const layout = loraLayout(model, c.lora);
  const rng = new Rng(21);
  const params = Float32Array.from({ length: layout.total }, () => 0.3 * rng.normal());
  const keep = new Map([...base.folder].filter(([p]) => p === 'config.json' || p.endsWith('.safetensors')));
  const out = new Map<string, Uint8Array>();
  for (const [p, b] of keep) out.set(`base/${p}`, b);
  for (const [p, b] of exportPeftAdapter(layout, params, { baseModel: `test/${c.name}` }).files) out.set(`adapter/${p}`, b);
  for (const [p, b] of mergedModelFiles(model, layout, params, keep).files) out.set(`merged/${p}`, b);
  return out;
}

describe('python/tests/fixtures/peft', () => {
  it.each(CASES)('$dir: the committed export is what the code writes', (c) => {
    for (const [p, bytes] of files(c)) {
      const path = join(DIR, c.dir, p);
      if (WRITE) {
        mkdirSync(join(path, '..'), { recursive: true });
        writeFileSync(path, bytes);
      }
      expect(existsSync(path), `${path} is missing: run npm run fixtures:python`).toBe(true);
      const old = new Uint8Array(readFileSync(path));
      // the first differing byte, not a diff of the whole file (slow to print for 100 kB)
      const at = old.length === bytes.length ? old.findIndex((b, i) => b !== bytes[i]) : Math.min(old.length, bytes.length);
      expect(at, `${path} differs from the export at byte ${at}: run npm run fixtures:python`).toBe(-1);
    }
  });
});
