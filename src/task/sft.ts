// Supervised batches for the engine (src/engine/types.ts TrainableModel.forward(inputs, targets, B, T)).
import type { Rng } from '../sampling/rng.ts';
import { makeProblem, type ProblemOptions } from './problem.ts';
import { ALL_TRACE_STYLES, renderTrace, TRACE_STYLES, type Trace, type TraceStyle } from './trace.ts';
import { toyTokenizer } from './tokenizer.ts';
import { PAD_ID } from './vocab.ts';

/**
 * Relative shares of the trace styles (normalised; need not sum to 1). The mixed regime's four are
 * required; 'verify' (the verbose regime's) is optional and 0 when absent, so the mixes recorded in
 * earlier checkpoints' recipes stay valid and draw exactly as before.
 */
export type TraceMix = Record<(typeof TRACE_STYLES)[number], number> & { verify?: number };

/** Half the traces carry redundant or backtracking segments (the overthinking GRPO should remove). */
export const DEFAULT_TRACE_MIX: TraceMix = { concise: 0.5, redundant: 0.2, hesitation: 0.2, wrongCorrected: 0.1 };

/** A style's share; a mix recorded before the style existed (a checkpoint's recipe) lacks it: 0. */
const shareOf = (mix: TraceMix, style: TraceStyle): number => mix[style] ?? 0;

export function validateMix(mix: TraceMix): void {
  let total = 0;
  for (const style of ALL_TRACE_STYLES) {
    const share = shareOf(mix, style);
    if (!Number.isFinite(share) || share < 0) throw new RangeError(`TraceMix.${style} must be a finite number >= 0, got ${share}`);
    total += share;
  }
  if (total <= 0) throw new RangeError('TraceMix: at least one share must be positive');
}

export function pickStyle(rng: Rng, mix: TraceMix = DEFAULT_TRACE_MIX): TraceStyle {
  validateMix(mix);
  const total = ALL_TRACE_STYLES.reduce((s, k) => s + shareOf(mix, k), 0);
  let u = rng.uniform() * total;
  for (const style of ALL_TRACE_STYLES) {
    u -= shareOf(mix, style);
    if (u < 0 && shareOf(mix, style) > 0) return style;
  }
  return [...ALL_TRACE_STYLES].reverse().find((s) => shareOf(mix, s) > 0)!;
}

/** Token ids of a trace, and how many of them are prompt (never a loss target). */
export function encodeTrace(trace: Trace): { tokens: number[]; promptLength: number } {
  return { tokens: toyTokenizer.encode(trace.text), promptLength: toyTokenizer.encode(trace.prompt).length };
}

export interface SftBatch {
  /** [B, T] row-major token ids, <pad> after the sequence */
  inputs: Int32Array;
  /** [B, T] next token, or -1 on prompt and padding positions (loss on CoT + answer + <eos> only) */
  targets: Int32Array;
  B: number;
  T: number;
  /** the trace of each row */
  traces: Trace[];
}

/**
 * B fresh traces (styles drawn from `mix`), one per row. Row b holds tokens[0 … len-2] as inputs;
 * targets[b, t] = tokens[t + 1] when t + 1 >= promptLength, else -1. Needs T >= len - 1.
 */
export function buildSftBatch(
  rng: Rng, B: number, T: number, mix: TraceMix = DEFAULT_TRACE_MIX, problemOpts: Partial<ProblemOptions> = {},
): SftBatch {
  if (!Number.isInteger(B) || B <= 0) throw new RangeError(`buildSftBatch: B must be a positive integer, got ${B}`);
  if (!Number.isInteger(T) || T <= 0) throw new RangeError(`buildSftBatch: T must be a positive integer, got ${T}`);
  validateMix(mix);
  const inputs = new Int32Array(B * T).fill(PAD_ID);
  const targets = new Int32Array(B * T).fill(-1);
  const traces: Trace[] = [];
  for (let b = 0; b < B; b++) {
    const trace = renderTrace(makeProblem(rng, problemOpts), pickStyle(rng, mix), rng);
    const { tokens, promptLength } = encodeTrace(trace);
    if (tokens.length - 1 > T) {
      throw new RangeError(`buildSftBatch: row ${b} needs T >= ${tokens.length - 1} (trace of ${tokens.length} tokens), got T = ${T}`);
    }
    for (let t = 0; t < tokens.length - 1; t++) {
      inputs[b * T + t] = tokens[t];
      if (t + 1 >= promptLength) targets[b * T + t] = tokens[t + 1];
    }
    traces.push(trace);
  }
  return { inputs, targets, B, T, traces };
}
