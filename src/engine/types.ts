// What training (SFT, GRPO) needs from a model. Implemented by the WebGPU engine (src/engine/gpu)
// and, slowly but exactly, by the float64 CPU reference (src/engine/cpu) so that trainers are
// testable in Node against finite differences.
import type { ModelConfig } from './config.ts';

export interface AdamWConfig {
  learningRate: number; // 3e-4
  beta1: number; // 0.9
  beta2: number; // 0.95
  eps: number; // 1e-8
  weightDecay: number; // 0.0 for the toy model; applied to 2-D weights only
  gradClip: number; // max global grad norm, 1.0; <= 0 disables
}

export interface ForwardOutput {
  /** log p(targets[b,t] | inputs[b,≤t]) per position, [B, T]; 0 where the target is -1. */
  logProbs: Float32Array;
  /** entropy (nats) of the predictive distribution per position, [B, T]. */
  entropy: Float32Array;
}

export interface StepResult {
  gradNorm: number;
  /** true when gradients were non-finite: weights and optimizer state left untouched. */
  skipped: boolean;
}

// The one sampling option type (src/sampling/options.ts).
import type { SamplingOptions } from '../sampling/options.ts';
export type { SamplingOptions };

export interface SampleOutput {
  /** generated ids per prompt (prompt excluded, stop id included when hit) */
  tokens: number[][];
  /** entropy (nats, at temperature 1) of the distribution each generated token came from */
  entropy: number[][];
}

// The J-probe request is the RePro library's (one probe path for every scorer).
import type { ProbeRequest } from '../repro/jProbe.ts';
export type { ProbeRequest };

export interface TrainableModel {
  readonly config: ModelConfig;
  /** Forward a [B, T] batch (inputs/targets row-major, target -1 = ignore); keeps activations for backward. */
  forward(inputs: Int32Array, targets: Int32Array, B: number, T: number): Promise<ForwardOutput>;
  /**
   * Backward of the last forward, given dlogp[b,t] = ∂L/∂logp[b,t] for any loss L of the log-probs.
   * Parameter gradients accumulate (call zeroGrad between steps).
   * Mean cross-entropy with per-token weights w is dlogp = -w / Σw.
   */
  backward(dlogp: Float32Array): Promise<void>;
  /**
   * Forward of the reference policy π_ref (log-probs only; no backward follows it), when the model
   * holds one apart from its trained weights: a LoRA model's base with the adapters off, so the KL
   * costs no second copy of anything. Models without it have the trainer keep a copy of their
   * weights and swap it in (setParams).
   */
  referenceForward?(inputs: Int32Array, targets: Int32Array, B: number, T: number): Promise<ForwardOutput>;
  zeroGrad(): void;
  /** Resolves when the device has finished all submitted work (per-phase timings); optional, CPU models need none. */
  sync?(): Promise<void>;
  /** AdamW step with global-norm clipping; rejects non-finite gradients (StepResult.skipped). */
  step(opt: AdamWConfig): Promise<StepResult>;
  sample(prompts: number[][], opts: SamplingOptions): Promise<SampleOutput>;
  probeLogProbs(requests: ProbeRequest[]): Promise<number[][][]>; // [request][boundary][scored token]
  getParams(): Promise<Float32Array>;
  setParams(p: Float32Array): Promise<void>;
  /** AdamW moments and step count, for exact resume. */
  getOptimizerState(): Promise<{ m: Float32Array; v: Float32Array; t: number }>;
  setOptimizerState(s: { m: Float32Array; v: Float32Array; t: number }): Promise<void>;
  dispose(): void;
}
