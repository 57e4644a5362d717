// What the GRPO trainer reports, per step and per held-out evaluation. Plain JSON (charts, run
// files, checkpoints and worker messages all carry these unchanged).

export interface StepTimings {
  /** ms in engine.sample */
  sampling: number;
  /** ms in RePro scoring (J probes); 0 with α = 0 */
  scoring: number;
  /** ms in forwards (old log-probs, policy) and backwards */
  forwardBackward: number;
  /** ms in engine.step */
  optimizer: number;
  /** ms in the PPO critic: rollout-time values and its updates (absent / 0 without a critic) */
  critic?: number;
}

export interface StepMetrics {
  /** 1-based number of this step */
  step: number;
  /** mean outcome reward R over the step's rollouts */
  reward: number;
  /** fraction of rollouts the verifier accepts */
  accuracy: number;
  /** mean completion tokens (CoT + answer + <eos>) */
  responseTokens: number;
  /** mean CoT tokens */
  cotTokens: number;
  /** mean backtracking segments per response (repro-method.md §10) */
  backtracking: number;
  /** mean S(M) = Σ_j r_j per scored response (repro-method.md §8); null when α = 0 (no probes) */
  processReward: number | null;
  /** mean k3 KL to the reference, averaged over the policy updates of the step */
  kl: number;
  /** fraction of tokens where the ratio was clipped, averaged over the updates */
  clipFrac: number;
  /** mean sampling entropy (nats) over completion tokens */
  entropy: number;
  /** policy loss, averaged over the updates (NaN when an update was rejected for it) */
  loss: number;
  /** global gradient norm before clipping, of the last update */
  gradNorm: number;
  /** true when an update of this step was rejected (non-finite loss or gradients) */
  skipped: boolean;
  timings: StepTimings;
  /** PPO only (repro-method.md §11; absent or null otherwise): clipped value loss, averaged over the critic updates */
  valueLoss?: number | null;
  /** PPO only: 1 − var(returns − V_old) / var(returns) (verl critic/vf_explained_var) */
  explainedVariance?: number | null;
  /** PPO only: fraction of tokens where the clipped value term was the larger one */
  valueClipFrac?: number | null;
}

export interface EvalMetrics {
  /** the trainer step after which this evaluation ran (0 = before training) */
  step: number;
  /** held-out accuracy (greedy decoding unless configured otherwise) */
  accuracy: number;
  /** mean CoT tokens per response */
  cotTokens: number;
  /** mean backtracking segments per response */
  backtracking: number;
  /** mean CoT tokens after the first boundary where J ≥ log 0.9 (repro-method.md §10) */
  tokensAfterCertainty: number;
  /** problems evaluated */
  n: number;
}

/** One rollout for the samples panel: its text by segment, each with its process reward. */
export interface RolloutSample {
  group: number;
  question: string;
  answer: string;
  correct: boolean;
  /** the whole CoT (segments need not cover the whitespace between them) */
  cot: string;
  /** CoT segments in order, with r_j when the segment was kept and scored, else null */
  segments: { text: string; reward: number | null; backtracking: boolean }[];
  /** completion text after the CoT (answer marker, answer, <eos>) */
  tail: string;
  /** mean advantage over the rollout's tokens */
  advantage: number;
}
