// Where each hub tensor of a Llama-family model goes in the engine's packed tensors
// (src/engine/block.ts LlamaParam): q_proj | k_proj | v_proj rows in qkvw (biases in qkvb),
// gate_proj | up_proj rows in gateupw, the rest one to one. Shared by the GPU weight loader
// (./llamaGpuWeights.ts) and the ONNX exporter (src/engine/onnx/llamaExport.ts). Pure.
import type { BlockParam } from '../block.ts';
import { llamaTensorNames, type LlamaConfig } from '../llamaConfig.ts';

/** Where a hub tensor goes: a packed engine tensor and the element offset of its part. */
export interface Slot { key: string; param: BlockParam | 'embed' | 'finalNorm' | 'head'; layer: number; part: number; elems: number; matrix: boolean }

/** The hub tensor → engine slot map of a config (parts in packing order). */
export function slotsOf(c: LlamaConfig): Map<string, Slot> {
  const { nEmbd: C, nHead: NH, nKvHead: NKV, headDim: HD, intermediateSize: I, vocabSize: V } = c;
  const QD = NH * HD, KVD = NKV * HD;
  const m = new Map<string, Slot>();
  const put = (name: string, s: Omit<Slot, 'key'>) => m.set(name, { ...s, key: `${s.layer}:${s.param}` });
  put(llamaTensorNames.embed, { param: 'embed', layer: -1, part: 0, elems: V * C, matrix: true });
  put(llamaTensorNames.finalNorm, { param: 'finalNorm', layer: -1, part: 0, elems: C, matrix: false });
  if (!c.tieWordEmbeddings) put(llamaTensorNames.lmHead, { param: 'head', layer: -1, part: 0, elems: V * C, matrix: true });
  for (let l = 0; l < c.nLayer; l++) {
    const n = (p: Parameters<typeof llamaTensorNames.layer>[1]) => llamaTensorNames.layer(l, p);
    put(n('input_layernorm.weight'), { param: 'ln1w', layer: l, part: 0, elems: C, matrix: false });
    put(n('self_attn.q_proj.weight'), { param: 'qkvw', layer: l, part: 0, elems: QD * C, matrix: true });
    put(n('self_attn.k_proj.weight'), { param: 'qkvw', layer: l, part: QD * C, elems: KVD * C, matrix: true });
    put(n('self_attn.v_proj.weight'), { param: 'qkvw', layer: l, part: (QD + KVD) * C, elems: KVD * C, matrix: true });
    if (c.qkvBias) {
      put(n('self_attn.q_proj.bias'), { param: 'qkvb', layer: l, part: 0, elems: QD, matrix: false });
      put(n('self_attn.k_proj.bias'), { param: 'qkvb', layer: l, part: QD, elems: KVD, matrix: false });
      put(n('self_attn.v_proj.bias'), { param: 'qkvb', layer: l, part: QD + KVD, elems: KVD, matrix: false });
    }
    if (c.qkNorm) {
      put(n('self_attn.q_norm.weight'), { param: 'qnormw', layer: l, part: 0, elems: HD, matrix: false });
      put(n('self_attn.k_norm.weight'), { param: 'knormw', layer: l, part: 0, elems: HD, matrix: false });
    }
    put(n('self_attn.o_proj.weight'), { param: 'attprojw', layer: l, part: 0, elems: C * QD, matrix: true });
    if (c.oBias) put(n('self_attn.o_proj.bias'), { param: 'attprojb', layer: l, part: 0, elems: C, matrix: false });
    put(n('post_attention_layernorm.weight'), { param: 'ln2w', layer: l, part: 0, elems: C, matrix: false });
    put(n('mlp.gate_proj.weight'), { param: 'gateupw', layer: l, part: 0, elems: I * C, matrix: true });
    put(n('mlp.up_proj.weight'), { param: 'gateupw', layer: l, part: I * C, elems: I * C, matrix: true });
    put(n('mlp.down_proj.weight'), { param: 'downw', layer: l, part: 0, elems: C * I, matrix: true });
  }
  return m;
}
