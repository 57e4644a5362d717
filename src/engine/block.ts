// The toy GPT-2's transformer block (pre-LN, llm.c's gpt2 layer), declared once: the CPU
// reference, the WebGPU training pass, the KV-cached inference pass and the ONNX export all walk
// this list, so the order of operations and which parameters feed which step cannot drift apart.
// Activations are named as the CPU reference's per-layer buffers; `residual` is the block's input
// (the residual stream), `residual3` its output.
import type { ParamName } from './config.ts';

/** A per-layer activation of the block. */
export type BlockAct =
  | 'residual' | 'ln1' | 'qkv' | 'atty' | 'attproj' | 'residual2' | 'ln2' | 'fch' | 'fchGelu' | 'fcproj' | 'residual3';

export type BlockStep =
  | { op: 'layernorm'; from: BlockAct; to: 'ln1' | 'ln2'; w: ParamName; b: ParamName }
  /** to = from · W + b, W [inC · C, outC · C] (widths in multiples of C) */
  | { op: 'linear'; from: BlockAct; to: BlockAct; w: ParamName; b: ParamName; inC: number; outC: number }
  /** causal multi-head self-attention of the packed q, k, v */
  | { op: 'attention'; from: 'qkv'; to: BlockAct }
  | { op: 'gelu'; from: BlockAct; to: BlockAct }
  /** to = from + add (the residual stream) */
  | { op: 'residual'; from: BlockAct; add: BlockAct; to: BlockAct };

export const BLOCK: readonly BlockStep[] = [
  { op: 'layernorm', from: 'residual', to: 'ln1', w: 'ln1w', b: 'ln1b' },
  { op: 'linear', from: 'ln1', to: 'qkv', w: 'qkvw', b: 'qkvb', inC: 1, outC: 3 },
  { op: 'attention', from: 'qkv', to: 'atty' },
  { op: 'linear', from: 'atty', to: 'attproj', w: 'attprojw', b: 'attprojb', inC: 1, outC: 1 },
  { op: 'residual', from: 'residual', add: 'attproj', to: 'residual2' },
  { op: 'layernorm', from: 'residual2', to: 'ln2', w: 'ln2w', b: 'ln2b' },
  { op: 'linear', from: 'ln2', to: 'fch', w: 'fcw', b: 'fcb', inC: 1, outC: 4 },
  { op: 'gelu', from: 'fch', to: 'fchGelu' },
  { op: 'linear', from: 'fchGelu', to: 'fcproj', w: 'fcprojw', b: 'fcprojb', inC: 4, outC: 1 },
  { op: 'residual', from: 'residual2', add: 'fcproj', to: 'residual3' },
];

/** Width of an activation in multiples of C (per position). */
export function blockActWidth(act: BlockAct): number {
  return act === 'qkv' ? 3 : act === 'fch' || act === 'fchGelu' ? 4 : 1;
}
