// The PPO critic (repro-method.md §11): a value head V = lnf · w + b (a linear map C → 1 on the
// final LayerNorm output) on its own copy of the SFT trunk. The contract below is implemented by
// the float64 CPU reference (src/engine/cpu/critic.ts) and the WebGPU engine (src/engine/gpu/critic.ts).
// Flat parameter layout: the trunk in config.ts's layout (its wte serves the embedding only; the LM
// head is unused), then w [C], then b [1]. The head is not weight-decayed.
import { paramLayout, type ModelConfig } from './config.ts';
import { INIT_STD } from './init.ts';
import { Rng } from './rng.ts';
import type { AdamWConfig, StepResult } from './types.ts';

export interface ValueModel {
  readonly config: ModelConfig;
  /** V(s_t) per position of a [B, T] batch (the value of the prefix inputs[b, ≤t]); keeps activations for backward. */
  values(inputs: Int32Array, B: number, T: number): Promise<Float32Array>;
  /** Backward of the last values() for dvalues [B, T] = ∂L/∂V; gradients accumulate. */
  backward(dvalues: Float32Array): Promise<void>;
  zeroGrad(): void;
  step(opt: AdamWConfig): Promise<StepResult>;
  /** Resolves when the device has finished all submitted work (phase timings). */
  sync(): Promise<void>;
  getParams(): Promise<Float32Array>;
  setParams(p: Float32Array): Promise<void>;
  getOptimizerState(): Promise<{ m: Float32Array; v: Float32Array; t: number }>;
  setOptimizerState(s: { m: Float32Array; v: Float32Array; t: number }): Promise<void>;
  dispose(): void;
}

/** Elements of a critic's flat parameters: the trunk, then the head's C weights and 1 bias. */
export function criticParamCount(config: ModelConfig): number {
  return paramLayout(config).total + config.nEmbd + 1;
}

/** A fresh critic from a trunk (the SFT weights): the trunk copied, head w ~ N(0, 0.02²) from Rng(seed), b = 0. */
export function initCriticParams(config: ModelConfig, trunk: ArrayLike<number>, seed: number): Float32Array {
  const P = paramLayout(config).total;
  if (trunk.length !== P) throw new RangeError(`trunk has ${trunk.length} parameters, the config needs ${P}`);
  const out = new Float32Array(P + config.nEmbd + 1);
  out.set(trunk);
  const rng = new Rng(seed);
  for (let c = 0; c < config.nEmbd; c++) out[P + c] = INIT_STD * rng.normal();
  return out;
}
