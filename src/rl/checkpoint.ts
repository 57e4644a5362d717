// A GRPO trainer snapshot as one safetensors checkpoint (src/engine/checkpoint.ts): the weights and
// AdamW moments as tensors, the trainer state (config, step, RNG streams, metrics history) as JSON
// metadata under `grpo_state`. The KL reference weights (beta > 0 only) travel as base64 float32
// under `grpo_ref_params`, since the engine format holds one parameter set.
import { decodeCheckpoint, encodeCheckpoint } from '../engine/checkpoint.ts';
import { validateTrainerState, type TrainerSnapshot } from './snapshot.ts';

export const STATE_KEY = 'grpo_state';
export const REF_KEY = 'grpo_ref_params';

export function encodeTrainerCheckpoint(snap: TrainerSnapshot): Uint8Array {
  const metadata: Record<string, string> = { [STATE_KEY]: JSON.stringify(snap.state) };
  if (snap.refParams !== null) metadata[REF_KEY] = float32ToBase64(snap.refParams);
  return encodeCheckpoint({
    config: snap.state.modelConfig,
    params: snap.params,
    optimizer: { m: snap.m, v: snap.v, t: snap.state.optimizerT },
    metadata,
  });
}

export function decodeTrainerCheckpoint(bytes: Uint8Array): TrainerSnapshot {
  const ck = decodeCheckpoint(bytes);
  const raw = ck.metadata?.[STATE_KEY];
  if (raw === undefined) throw new RangeError(`checkpoint has no "${STATE_KEY}" metadata: it is not a GRPO trainer checkpoint`);
  let state: unknown;
  try {
    state = JSON.parse(raw);
  } catch (e) {
    throw new SyntaxError(`checkpoint metadata "${STATE_KEY}" is not valid JSON: ${(e as Error).message}`);
  }
  validateTrainerState(state);
  if (!ck.optimizer) throw new RangeError('GRPO trainer checkpoint has no optimizer moments');
  const ref = ck.metadata?.[REF_KEY];
  const refParams = ref === undefined ? null : base64ToFloat32(ref, ck.params.length);
  // JSON turns NaN (a rejected step's loss) into null; give it back as NaN.
  for (const m of state.history) {
    if (m.loss === null) m.loss = NaN;
    if (m.gradNorm === null) m.gradNorm = NaN;
  }
  return { state: { ...state, modelConfig: ck.config, optimizerT: ck.optimizer.t }, params: ck.params, m: ck.optimizer.m, v: ck.optimizer.v, refParams };
}

function float32ToBase64(a: Float32Array): string {
  const bytes = new Uint8Array(a.length * 4);
  const dv = new DataView(bytes.buffer);
  for (let i = 0; i < a.length; i++) dv.setFloat32(4 * i, a[i], true);
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function base64ToFloat32(b64: string, expected: number): Float32Array {
  const s = atob(b64);
  if (s.length !== expected * 4) throw new RangeError(`"${REF_KEY}" holds ${s.length} bytes, ${expected} float32 values need ${expected * 4}`);
  const dv = new DataView(new ArrayBuffer(s.length));
  for (let i = 0; i < s.length; i++) dv.setUint8(i, s.charCodeAt(i));
  const out = new Float32Array(expected);
  for (let i = 0; i < expected; i++) out[i] = dv.getFloat32(4 * i, true);
  return out;
}
