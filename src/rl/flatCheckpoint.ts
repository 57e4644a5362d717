// A trainer checkpoint of any model whose trained parameters are not the toy GPT-2's layout — a
// LoRA model's adapters (src/engine/lora), any TrainableModel — as one safetensors file: the flat
// trained vector and its AdamW moments as F32 tensors, the reference parameters and the PPO
// critic (its own flat vector and moments) as tensors too, the model's config and the trainer
// state as JSON metadata. Only what is trained travels: a frozen base stays in its own files.
// The toy model keeps its per-tensor format (./checkpoint.ts), bit-identical to older runs.
import { paramLayout, type ModelConfig } from '../engine/config.ts';
import { parseSafetensors, type SafetensorsHeader } from '../engine/hf/safetensorsHeader.ts';
import { writeSafetensors, type TensorToWrite } from '../engine/hf/safetensorsWrite.ts';
import type { TrainerSnapshot } from './snapshot.ts';

export const FLAT_FORMAT = 'repro-trainer-flat/1';
const WHAT = 'trainer checkpoint';
const T = { params: 'params', m: 'adam_m', v: 'adam_v', ref: 'ref_params', criticParams: 'critic.params', criticM: 'critic.adam_m', criticV: 'critic.adam_v' } as const;

/** True when `params` are the toy GPT-2's full weights for `config` (its per-tensor format applies). */
export function isToyParams(config: ModelConfig, params: ArrayLike<number>): boolean {
  if ('arch' in config) return false; // an engine family's config (LlamaConfig)
  try {
    return params.length === paramLayout(config).total;
  } catch {
    return false;
  }
}

/** The snapshot as one file; the trainer state (its model config included) under `stateKey`. */
export function encodeFlatCheckpoint(snap: TrainerSnapshot, stateKey: string): Uint8Array {
  const n = snap.params.length;
  const vec = (name: string, a: Float32Array, len = n): TensorToWrite => {
    if (a.length !== len) throw new RangeError(`${name} has ${a.length} elements, ${len} expected`);
    return { name, dtype: 'F32', shape: [a.length], values: a };
  };
  const tensors = [vec(T.params, snap.params), vec(T.m, snap.m), vec(T.v, snap.v)];
  if (snap.refParams !== null) tensors.push(vec(T.ref, snap.refParams));
  const meta: Record<string, string> = { format: FLAT_FORMAT, [stateKey]: JSON.stringify(snap.state) };
  if (snap.critic) {
    const c = snap.critic;
    tensors.push(vec(T.criticParams, c.params, c.params.length), vec(T.criticM, c.m, c.params.length), vec(T.criticV, c.v, c.params.length));
    if (!Number.isInteger(c.t) || c.t < 0) throw new RangeError(`critic.t must be an integer ≥ 0 (got ${c.t})`);
    meta.critic_adam_t = String(c.t);
  }
  return writeSafetensors(tensors, meta);
}

/** The header of a flat checkpoint, or null when `bytes` is another format (the toy's). */
export function flatCheckpointHeader(bytes: Uint8Array): SafetensorsHeader | null {
  const h = parseSafetensors(bytes, WHAT, { dtypes: ['F32'] });
  return h.metadata.format === FLAT_FORMAT ? h : null;
}

/** The tensors of a flat checkpoint (its JSON state is the caller's to read and validate). */
export function readFlatTensors(bytes: Uint8Array, h: SafetensorsHeader): Omit<TrainerSnapshot, 'state'> {
  const byName = new Map(h.tensors.map((t) => [t.name, t]));
  const known = new Set<string>(Object.values(T));
  for (const name of byName.keys()) if (!known.has(name)) throw new RangeError(`${WHAT} has an unknown tensor "${name}"`);
  const read = (name: string, len: number | null, required: boolean): Float32Array | null => {
    const t = byName.get(name);
    if (!t) {
      if (required) throw new RangeError(`${WHAT} is missing tensor "${name}"`);
      return null;
    }
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (t.shape.length !== 1 || (len !== null && count !== len)) throw new RangeError(`${WHAT} tensor "${name}" has shape [${t.shape.join(', ')}], [${len ?? count}] expected`);
    const dv = new DataView(bytes.buffer, bytes.byteOffset + h.dataStart + t.begin, t.end - t.begin);
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) out[i] = dv.getFloat32(4 * i, true);
    return out;
  };
  const params = read(T.params, null, true)!;
  const n = params.length;
  const criticParams = read(T.criticParams, null, false);
  let critic: TrainerSnapshot['critic'] = null;
  if (criticParams !== null) {
    const criticT = Number(h.metadata.critic_adam_t);
    if (h.metadata.critic_adam_t === undefined || !Number.isInteger(criticT) || criticT < 0) {
      throw new RangeError(`${WHAT} metadata "critic_adam_t" must be an integer ≥ 0 (got ${JSON.stringify(h.metadata.critic_adam_t)})`);
    }
    critic = { params: criticParams, m: read(T.criticM, criticParams.length, true)!, v: read(T.criticV, criticParams.length, true)!, t: criticT };
  }
  return { params, m: read(T.m, n, true)!, v: read(T.v, n, true)!, refParams: read(T.ref, n, false), critic };
}
