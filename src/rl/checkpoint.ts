// A GRPO trainer snapshot as one safetensors checkpoint (src/engine/checkpoint.ts): the weights and
// AdamW moments as tensors, the trainer state (config, step, RNG streams, metrics history) as JSON
// metadata under `grpo_state`. The KL reference weights (beta > 0 only) travel as base64 float32
// under `grpo_ref_params`, since the engine format holds one parameter set. Any other model (a
// LoRA model's adapters) is written in the flat format of ./flatCheckpoint.ts.
import { decodeCheckpoint, encodeCheckpoint } from '../engine/checkpoint.ts';
import { criticParamCount } from '../engine/critic.ts';
import { migrateLegacyConfig, type GrpoConfig } from './config.ts';
import { encodeFlatCheckpoint, flatCheckpointHeader, isToyParams, readFlatTensors } from './flatCheckpoint.ts';
import { DEFAULT_TOY_TASK } from './task/settings.ts';
import { validateTrainerState, type TrainerSnapshot } from './snapshot.ts';

export const STATE_KEY = 'grpo_state';
export const REF_KEY = 'grpo_ref_params';
/** The PPO critic (repro-method.md §11): params, AdamW m and v as base64 float32, its step count as a number string. */
export const CRITIC_KEYS = { params: 'ppo_critic_params', m: 'ppo_critic_adam_m', v: 'ppo_critic_adam_v', t: 'ppo_critic_adam_t' } as const;

export function encodeTrainerCheckpoint(snap: TrainerSnapshot): Uint8Array {
  if (!isToyParams(snap.state.modelConfig, snap.params)) return encodeFlatCheckpoint(snap, STATE_KEY);
  const metadata: Record<string, string> = { [STATE_KEY]: JSON.stringify(snap.state) };
  if (snap.refParams !== null) metadata[REF_KEY] = float32ToBase64(snap.refParams);
  if (snap.critic) {
    metadata[CRITIC_KEYS.params] = float32ToBase64(snap.critic.params);
    metadata[CRITIC_KEYS.m] = float32ToBase64(snap.critic.m);
    metadata[CRITIC_KEYS.v] = float32ToBase64(snap.critic.v);
    metadata[CRITIC_KEYS.t] = String(snap.critic.t);
  }
  return encodeCheckpoint({
    config: snap.state.modelConfig,
    params: snap.params,
    optimizer: { m: snap.m, v: snap.v, t: snap.state.optimizerT },
    metadata,
  });
}

export function decodeTrainerCheckpoint(bytes: Uint8Array): TrainerSnapshot {
  const flat = flatCheckpointHeader(bytes);
  if (flat !== null) {
    const state = readState(flat.metadata[STATE_KEY]);
    validateTrainerState(state);
    const tensors = readFlatTensors(bytes, flat);
    if (state.config.adv_estimator === 'gae' && !tensors.critic) throw new RangeError('PPO (adv_estimator "gae") checkpoint has no critic');
    restoreNaN(state);
    return { state, ...tensors };
  }
  const ck = decodeCheckpoint(bytes);
  const state = readState(ck.metadata?.[STATE_KEY]);
  validateTrainerState(state);
  if (!ck.optimizer) throw new RangeError('GRPO trainer checkpoint has no optimizer moments');
  const ref = ck.metadata?.[REF_KEY];
  const refParams = ref === undefined ? null : base64ToFloat32(ref, ck.params.length);
  restoreNaN(state);
  return {
    state: { ...state, modelConfig: ck.config, optimizerT: ck.optimizer.t }, params: ck.params, m: ck.optimizer.m, v: ck.optimizer.v, refParams,
    critic: readCritic(ck.metadata ?? {}, state.config, criticParamCount(ck.config)),
  };
}

/** The JSON trainer state, older runs' config fields migrated (not yet validated). */
function readState(raw: string | undefined): unknown {
  if (raw === undefined) throw new RangeError(`checkpoint has no "${STATE_KEY}" metadata: it is not a GRPO trainer checkpoint`);
  let state: unknown;
  try {
    state = JSON.parse(raw);
  } catch (e) {
    throw new SyntaxError(`checkpoint metadata "${STATE_KEY}" is not valid JSON: ${(e as Error).message}`);
  }
  // runs saved before the estimator settings existed are GRPO runs; before the task left the
  // trainer, the toy task's digits were config fields
  if (state !== null && typeof state === 'object' && 'config' in state) {
    const st = state as { config: GrpoConfig; task?: unknown };
    const { config, task } = migrateLegacyConfig(st.config);
    st.config = config;
    st.task ??= task ?? { ...DEFAULT_TOY_TASK };
  }
  return state;
}

/** JSON turns NaN (a rejected step's loss) into null; give it back as NaN. */
function restoreNaN(state: TrainerSnapshot['state']): void {
  for (const m of state.history) {
    if (m.loss === null) m.loss = NaN;
    if (m.gradNorm === null) m.gradNorm = NaN;
  }
}

function readCritic(meta: Record<string, string>, config: GrpoConfig, n: number): TrainerSnapshot['critic'] {
  const raw = meta[CRITIC_KEYS.params];
  if (raw === undefined) {
    if (config.adv_estimator === 'gae') throw new RangeError(`PPO (adv_estimator "gae") checkpoint has no critic ("${CRITIC_KEYS.params}")`);
    return null;
  }
  const t = Number(meta[CRITIC_KEYS.t]);
  if (!Number.isInteger(t) || t < 0) throw new RangeError(`checkpoint metadata "${CRITIC_KEYS.t}" must be an integer ≥ 0 (got ${JSON.stringify(meta[CRITIC_KEYS.t])})`);
  for (const k of [CRITIC_KEYS.m, CRITIC_KEYS.v]) if (meta[k] === undefined) throw new RangeError(`checkpoint has a critic but no "${k}"`);
  return { params: base64ToFloat32(raw, n, CRITIC_KEYS.params), m: base64ToFloat32(meta[CRITIC_KEYS.m], n, CRITIC_KEYS.m), v: base64ToFloat32(meta[CRITIC_KEYS.v], n, CRITIC_KEYS.v), t };
}

function float32ToBase64(a: Float32Array): string {
  const bytes = new Uint8Array(a.length * 4);
  const dv = new DataView(bytes.buffer);
  for (let i = 0; i < a.length; i++) dv.setFloat32(4 * i, a[i], true);
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function base64ToFloat32(b64: string, expected: number, key: string = REF_KEY): Float32Array {
  const s = atob(b64);
  if (s.length !== expected * 4) throw new RangeError(`"${key}" holds ${s.length} bytes, ${expected} float32 values need ${expected * 4}`);
  const dv = new DataView(new ArrayBuffer(s.length));
  for (let i = 0; i < s.length; i++) dv.setUint8(i, s.charCodeAt(i));
  const out = new Float32Array(expected);
  for (let i = 0; i < expected; i++) out[i] = dv.getFloat32(4 * i, true);
  return out;
}
