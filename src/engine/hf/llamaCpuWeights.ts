// A Llama-family model's weights for the float64 CPU reference (src/engine/cpu/forward.ts), from
// safetensors files' bytes: every tensor decoded (F32, F16, BF16) and packed exactly as the GPU
// engine packs them (q|k|v rows, gate|up rows), so the reference walks the same block steps.
import { fromHalfBits } from '../../numeric/halfFloat.ts';
import type { BlockParam } from '../block.ts';
import type { CpuWeights } from '../cpu/forward.ts';
import { llamaTensorNames, type LlamaConfig, type LlamaLayerTensor } from '../llamaConfig.ts';
import { parseSafetensors } from './safetensorsHeader.ts';

/** Every tensor of safetensors files as float64, by name. */
export function decodeSafetensors(files: Uint8Array[]): Map<string, Float64Array> {
  const out = new Map<string, Float64Array>();
  for (const bytes of files) {
    const h = parseSafetensors(bytes, 'weights');
    for (const t of h.tensors) {
      const raw = bytes.slice(h.dataStart + t.begin, h.dataStart + t.end);
      const values = t.dtype === 'F32' ? new Float32Array(raw.buffer) : fromHalfBits(new Uint16Array(raw.buffer), t.dtype === 'F16' ? 'f16' : 'bf16');
      out.set(t.name, Float64Array.from(values));
    }
  }
  return out;
}

const concat = (parts: Float64Array[]) => {
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
};

export function llamaCpuWeights(c: LlamaConfig, tensors: Map<string, Float64Array>): CpuWeights {
  const get = (name: string) => {
    const t = tensors.get(name);
    if (!t) throw new RangeError(`the weights lack ${name}`);
    return t;
  };
  const L = (l: number, p: LlamaLayerTensor) => get(llamaTensorNames.layer(l, p));
  const layers = Array.from({ length: c.nLayer }, (_, l) => {
    const m = new Map<BlockParam, Float64Array>([
      ['ln1w', L(l, 'input_layernorm.weight')],
      ['qkvw', concat([L(l, 'self_attn.q_proj.weight'), L(l, 'self_attn.k_proj.weight'), L(l, 'self_attn.v_proj.weight')])],
      ['attprojw', L(l, 'self_attn.o_proj.weight')],
      ['ln2w', L(l, 'post_attention_layernorm.weight')],
      ['gateupw', concat([L(l, 'mlp.gate_proj.weight'), L(l, 'mlp.up_proj.weight')])],
      ['downw', L(l, 'mlp.down_proj.weight')],
    ]);
    if (c.qkvBias) m.set('qkvb', concat([L(l, 'self_attn.q_proj.bias'), L(l, 'self_attn.k_proj.bias'), L(l, 'self_attn.v_proj.bias')]));
    if (c.oBias) m.set('attprojb', L(l, 'self_attn.o_proj.bias'));
    if (c.qkNorm) { m.set('qnormw', L(l, 'self_attn.q_norm.weight')); m.set('knormw', L(l, 'self_attn.k_norm.weight')); }
    return m;
  });
  const embed = get(llamaTensorNames.embed);
  return {
    embed, positions: null, finalNormW: get(llamaTensorNames.finalNorm), finalNormB: null,
    head: c.tieWordEmbeddings ? embed : get(llamaTensorNames.lmHead),
    layer(l, p) {
      const t = layers[l]?.get(p);
      if (!t) throw new RangeError(`layer ${l} has no ${p}`);
      return t;
    },
  };
}
