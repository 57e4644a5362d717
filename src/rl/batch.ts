// The policy-gradient batch of one GRPO step: one row per rollout, prompt + completion, shifted
// by one for next-token log-probs, with per-token advantages and a completion mask. Pure.
import { PAD_ID } from '../task/vocab.ts';

export interface PolicyBatch {
  /** [B, T] token ids, <pad> after each sequence */
  inputs: Int32Array;
  /** [B, T] next token on completion positions, -1 on prompt and padding */
  targets: Int32Array;
  /** [B, T] 1 on completion positions (where the loss counts) */
  mask: Float32Array;
  /** [B, T] A_{i,t} of the completion token predicted at each position, 0 elsewhere */
  advantages: Float32Array;
  B: number;
  T: number;
}

/**
 * Row i holds seq = prompt_i + completion_i as inputs seq[0 … len−2]; position t predicts seq[t+1],
 * which is completion token t + 1 − P when t + 1 ≥ P. `advantages[i][c]` is A of completion token c.
 */
export function buildPolicyBatch(
  prompts: number[][], completions: number[][], advantages: ArrayLike<number>[], blockSize: number,
): PolicyBatch {
  const B = prompts.length;
  if (completions.length !== B || advantages.length !== B) {
    throw new RangeError(`prompts (${B}), completions (${completions.length}) and advantages (${advantages.length}) must have one entry per rollout`);
  }
  if (B === 0) throw new RangeError('buildPolicyBatch needs at least one rollout');
  let T = 1;
  for (let i = 0; i < B; i++) {
    if (prompts[i].length === 0) throw new RangeError(`prompts[${i}] is empty`);
    if (advantages[i].length !== completions[i].length) {
      throw new RangeError(`advantages[${i}] has ${advantages[i].length} values for ${completions[i].length} completion tokens`);
    }
    T = Math.max(T, prompts[i].length + completions[i].length - 1);
  }
  if (T > blockSize) throw new RangeError(`a rollout needs T = ${T} positions, blockSize is ${blockSize}`);
  const inputs = new Int32Array(B * T).fill(PAD_ID);
  const targets = new Int32Array(B * T).fill(-1);
  const mask = new Float32Array(B * T);
  const adv = new Float32Array(B * T);
  for (let i = 0; i < B; i++) {
    const P = prompts[i].length;
    const seq = prompts[i].concat(completions[i]);
    for (let t = 0; t < seq.length - 1; t++) {
      inputs[i * T + t] = seq[t];
      if (t + 1 >= P) {
        targets[i * T + t] = seq[t + 1];
        mask[i * T + t] = 1;
        adv[i * T + t] = advantages[i][t + 1 - P];
      }
    }
  }
  return { inputs, targets, mask, advantages: adv, B, T };
}
