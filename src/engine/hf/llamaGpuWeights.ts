// A Llama-family model's weights on the GPU, filled tensor by tensor as the safetensors stream
// hands them over (./llamaWeightStream.ts): matrices at their file precision (f16/bf16 two per u32
// word), norm weights and biases widened to f32 (./llamaWeights.ts gpuUploadBytes). The block's
// packed tensors (src/engine/block.ts) are built here: q_proj | k_proj | v_proj rows in one
// buffer (qkvw, and qkvb for the biases), gate_proj | up_proj in another (gateupw), each part
// written at its offset as it arrives — nothing is copied on the GPU.
import { createBuffer } from '../../gpu/buffers.ts';
import { ModelLoadError } from '../../llm/hub/modelLoadError.ts';
import { fromHalfBits, toHalfBits } from '../../numeric/halfFloat.ts';
import type { BlockParam } from '../block.ts';
import type { LlamaConfig } from '../llamaConfig.ts';
import { at, type GpuTensor, type WeightDType } from '../gpu/tensor.ts';
import { BufferWeights } from '../gpu/weights.ts';
import { gpuUploadBytes, gpuWeightLayout, type TensorMeta } from './llamaWeights.ts';
import { slotsOf, type Slot } from './llamaSlots.ts';

const DTYPE_OF: Record<TensorMeta['dtype'], WeightDType> = { F32: 'f32', F16: 'f16', BF16: 'bf16' };

/** Fills GPU buffers from streamed tensors; `finish()` gives the engine's weights. */
export class LlamaGpuWeightsBuilder {
  private readonly slots: Map<string, Slot>;
  /** packed tensor key → its buffer, dtype and total elements */
  private readonly packed = new Map<string, { buf: GPUBuffer; dtype: WeightDType; elems: number }>();
  private readonly filled = new Set<string>();
  private readonly owned: GPUBuffer[] = [];

  constructor(private readonly device: GPUDevice, private readonly config: LlamaConfig) {
    this.slots = slotsOf(config);
  }

  /** Total elements of a packed tensor (all its parts). */
  private packedElems(key: string): number {
    let n = 0;
    for (const s of this.slots.values()) if (s.key === key) n += s.elems;
    return n;
  }

  /** Upload one streamed tensor into its slot (the first part of a packed tensor fixes its dtype). */
  add(t: TensorMeta & { bytes: Uint8Array }): void {
    const slot = this.slots.get(t.name);
    if (!slot) return; // not one the engine needs (the stream has checked names and shapes)
    const layout = gpuWeightLayout(t);
    let target = this.packed.get(slot.key);
    if (!target) {
      const elems = this.packedElems(slot.key);
      const dtype: WeightDType = slot.matrix ? layout.dtype : 'f32';
      const bytes = dtype === 'f32' ? elems * 4 : Math.ceil(elems / 2) * 4;
      const buf = createBuffer(this.device, bytes, undefined, `engine ${t.name}`);
      this.owned.push(buf);
      target = { buf, dtype, elems };
      this.packed.set(slot.key, target);
    }
    let data = gpuUploadBytes(t);
    // A part of another dtype than its packed tensor (never seen in real repos): re-encode it.
    if (slot.matrix && layout.dtype !== target.dtype) data = recode(t, target.dtype);
    const elemBytes = target.dtype === 'f32' ? 4 : 2;
    const byteOffset = slot.part * elemBytes;
    if (byteOffset % 4 !== 0 || (slot.part + slot.elems < target.elems && (slot.elems * elemBytes) % 4 !== 0)) {
      throw new ModelLoadError('weights-mismatch', `tensor "${t.name}" cannot be packed at a 4-byte boundary (${slot.elems} half-precision elements)`);
    }
    this.device.queue.writeBuffer(target.buf, byteOffset, data.buffer as ArrayBuffer, data.byteOffset, data.byteLength);
    this.filled.add(t.name);
  }

  /** The engine's weights; throws if a tensor the config needs never arrived. */
  finish(): BufferWeights {
    const missing = [...this.slots.keys()].filter((n) => !this.filled.has(n));
    if (missing.length > 0) throw new ModelLoadError('weights-mismatch', `the weight files never delivered ${missing.slice(0, 5).join(', ')}`);
    const get = (key: string): GpuTensor => {
      const p = this.packed.get(key)!;
      return at(p.buf, 0, p.dtype);
    };
    const layers = Array.from({ length: this.config.nLayer }, (_, l) => {
      const m = new Map<BlockParam, GpuTensor>();
      for (const s of this.slots.values()) if (s.layer === l && !m.has(s.param as BlockParam)) m.set(s.param as BlockParam, get(s.key));
      return m;
    });
    const embed = get('-1:embed');
    return new BufferWeights({
      embed, finalNormW: get('-1:finalNorm'), head: this.config.tieWordEmbeddings ? embed : get('-1:head'), layers, owned: this.owned,
    });
  }

  /** Frees everything uploaded (a failed or cancelled load). */
  destroy(): void {
    for (const b of this.owned) b.destroy();
    this.owned.length = 0;
  }
}

function recode(t: TensorMeta & { bytes: Uint8Array }, to: WeightDType): Uint8Array {
  const from = DTYPE_OF[t.dtype];
  const copy = t.bytes.slice();
  const values = from === 'f32' ? new Float32Array(copy.buffer) : fromHalfBits(new Uint16Array(copy.buffer), from);
  if (to === 'f32') return new Uint8Array(Float32Array.from(values).buffer);
  const bits = toHalfBits(values, to);
  const padded = new Uint16Array(Math.ceil(bits.length / 2) * 2);
  padded.set(bits);
  return new Uint8Array(padded.buffer);
}
