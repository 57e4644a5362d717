// The merged model (src/engine/lora/mergeLora.ts) on the tiny Llama-family folders of the torch
// reference (test/util/tinyLlama.ts) in F32 / F16 / BF16, one file and 3 shards: every adapted
// weight equals W + s·B·A computed here independently (column-major loop, float64) and rounded to
// the file's dtype, within one unit in the last place (and exactly almost everywhere); every other
// tensor, the header (names, order, offsets, metadata), the index and the non-weight files are kept
// byte for byte; weights in other formats are left out, named.
import { describe, expect, it } from 'vitest';
import { llamaConfigFromHf } from '../../../../src/engine/hf/hfConfig.ts';
import { LORA_TARGETS, type LoraConfig } from '../../../../src/engine/lora/loraConfig.ts';
import { loraLayout } from '../../../../src/engine/lora/loraLayout.ts';
import { mergedModelFiles } from '../../../../src/engine/lora/mergeLora.ts';
import { bf16ToFloat, floatToBf16, floatToHalf, halfToFloat } from '../../../../src/numeric/halfFloat.ts';
import { Rng } from '../../../../src/sampling/rng.ts';
import type { SafetensorsDtype } from '../../../util/safetensorsFile.ts';
import { tinyLlama, type TinyLlamaName } from '../../../util/tinyLlama.ts';

/** Header (as JSON) and the data section of a safetensors file, read with a DataView. */
function split(bytes: Uint8Array) {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return { headerText: new TextDecoder().decode(bytes.subarray(8, 8 + n)), header: JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))), data: bytes.subarray(8 + n) };
}

function decode(data: Uint8Array, [b, e]: [number, number], dtype: SafetensorsDtype): Float64Array {
  const dv = new DataView(data.buffer, data.byteOffset + b, e - b);
  const size = dtype === 'F32' ? 4 : 2;
  return Float64Array.from({ length: (e - b) / size }, (_, i) => (dtype === 'F32' ? dv.getFloat32(4 * i, true) : dtype === 'F16' ? halfToFloat(dv.getUint16(2 * i, true)) : bf16ToFloat(dv.getUint16(2 * i, true))));
}

const roundTo = (x: number, dtype: SafetensorsDtype) => (dtype === 'F32' ? Math.fround(x) : dtype === 'F16' ? halfToFloat(floatToHalf(x)) : bf16ToFloat(floatToBf16(x)));
/** One unit in the last place of |x| in the dtype (normal range). */
const ulp = (x: number, dtype: SafetensorsDtype) => 2 ** (Math.floor(Math.log2(Math.abs(x) || 2 ** -14)) - (dtype === 'F32' ? 23 : dtype === 'F16' ? 10 : 7));

const cases: [TinyLlamaName, SafetensorsDtype, number, LoraConfig][] = [
  ['llama-gqa', 'F32', 1, { r: 4, lora_alpha: 8, target_modules: [...LORA_TARGETS], lora_dropout: 0 }],
  ['qwen3-qknorm', 'BF16', 3, { r: 3, lora_alpha: 6, target_modules: ['q_proj', 'v_proj', 'down_proj'], lora_dropout: 0, use_rslora: true }],
  ['qwen2-bias-tied', 'F16', 1, { r: 2, lora_alpha: 16, target_modules: ['k_proj', 'o_proj', 'gate_proj', 'up_proj'], lora_dropout: 0 }],
];

describe('merged weights W + s·B·A in the base\'s dtype', () => {
  it.each(cases)('%s %s ×%i shards', (name, dtype, shards, lora) => {
    const base = tinyLlama({ name, dtype, shards });
    const model = llamaConfigFromHf(base.config);
    const layout = loraLayout(model, lora);
    const rng = new Rng(11);
    // B nonzero (a trained adapter), scaled so the update is a few percent of W
    const params = Float32Array.from({ length: layout.total }, () => 0.3 * rng.normal());
    const folder = new Map(base.folder);
    folder.set('pytorch_model.bin', new Uint8Array([1, 2, 3]));
    folder.set('onnx/model.onnx', new Uint8Array([4]));
    const { files, leftOut } = mergedModelFiles(model, layout, params, folder);
    expect(leftOut.sort()).toEqual(['onnx/model.onnx', 'pytorch_model.bin']);
    expect([...files.keys()].sort()).toEqual([...base.folder.keys()].sort());

    const s = lora.use_rslora ? lora.lora_alpha / Math.sqrt(lora.r) : lora.lora_alpha / lora.r;
    let adapted = 0, values = 0, exact = 0;
    for (const [path, bytes] of base.folder) {
      if (!path.endsWith('.safetensors')) {
        expect(files.get(path), path).toEqual(bytes);
        continue;
      }
      const b = split(bytes), m = split(files.get(path)!);
      expect(m.headerText.trimEnd(), `${path}: same header`).toBe(b.headerText.trimEnd());
      for (const [tname, e] of Object.entries(b.header) as [string, { data_offsets: [number, number]; shape: number[] }][]) {
        if (tname === '__metadata__') continue;
        const hit = /^model\.layers\.(\d+)\.(?:self_attn|mlp)\.(\w+)\.weight$/.exec(tname);
        const slot = hit ? layout.slots.find((x) => x.layer === Number(hit[1]) && x.target === hit[2]) : undefined;
        const [bo, eo] = e.data_offsets;
        if (!slot) {
          expect(m.data.subarray(bo, eo), tname).toEqual(b.data.subarray(bo, eo));
          continue;
        }
        adapted++;
        const W = decode(b.data, e.data_offsets, dtype), got = decode(m.data, e.data_offsets, dtype);
        const [outW, inW] = e.shape;
        const r = lora.r;
        for (let i = 0; i < inW; i++) {
          for (let o = 0; o < outW; o++) {
            let d = 0;
            for (let k = r - 1; k >= 0; k--) d += params[slot.a + k * inW + i] * params[slot.b + o * r + k];
            const want = roundTo(W[o * inW + i] + s * d, dtype);
            const g = got[o * inW + i];
            values++;
            if (g === want) exact++;
            else if (Math.abs(g - want) > ulp(want, dtype)) throw new Error(`${tname}[${o}, ${i}]: ${g} vs ${want}`);
          }
        }
      }
    }
    expect(adapted).toBe(model.nLayer * lora.target_modules.length);
    expect(exact / values, `${exact} of ${values} exact`).toBeGreaterThan(0.99);
  });

  it('refuses base files that lack an adapted weight', () => {
    const base = tinyLlama({ name: 'llama-gqa', shards: 3 });
    const model = llamaConfigFromHf(base.config);
    const layout = loraLayout(model, { r: 1, lora_alpha: 1, target_modules: ['down_proj'], lora_dropout: 0 });
    const folder = new Map([...base.folder].filter(([p]) => p !== 'model-00003-of-00003.safetensors'));
    expect(() => mergedModelFiles(model, layout, new Float32Array(layout.total), folder)).toThrow(/the base files lack model\.layers\.1\.mlp\.down_proj\.weight/);
  });
});
