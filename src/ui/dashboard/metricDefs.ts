// What every training chart and inspector summary figure means, shown on hover, with the section
// of the Method page (docs/repro-method.md, rendered in the app) that defines it.

export interface MetricDef {
  title: string;
  /** One or two sentences: what is measured, over what, in which unit. */
  text: string;
  /** repro-method.md section, e.g. '§10' (linked on the Method page); null when the method does not define it. */
  section: string | null;
}

export const METRIC_DEFS = {
  reward: { title: 'Reward', text: 'Mean outcome reward R over the step\'s rollouts (1 when the verifier accepts the answer, else 0), and held-out accuracy: greedy answers on a fixed set of problems no run trains on.', section: '§9' },
  responseTokens: { title: 'Response tokens', text: 'Mean completion length in tokens (CoT + answer + <eos>) over the step\'s rollouts.', section: '§10' },
  backtracking: { title: 'Backtracking segments', text: 'Mean number of CoT segments per response that open with a backtracking marker ("wait", "let me check", …).', section: '§10' },
  processReward: { title: 'Process reward S(M)', text: 'Mean Σ_j r_j over scored responses: the RePro process reward of the top-M entropy segments (J gains weighted by magnitude and stability). Measured only when α > 0 (RePro runs).', section: '§8' },
  kl: { title: 'KL to reference', text: 'Mean k3 estimate of KL(π‖π_ref) per completion token, averaged over the step\'s policy updates.', section: '§9' },
  clipFrac: { title: 'Clip fraction', text: 'Fraction (0–1) of completion tokens where the PPO ratio ρ left [1−ε, 1+ε] in the direction of its advantage, so the clipped branch was used.', section: '§9' },
  entropy: { title: 'Entropy', text: 'Mean sampling entropy (nats) of the policy over completion tokens.', section: null },
  loss: { title: 'Loss', text: 'Clipped policy loss (with the KL term), averaged over the step\'s updates; a gap is a rejected (non-finite) update.', section: '§9' },
  gradNorm: { title: 'Grad norm', text: 'Global L2 norm of the gradient before clipping, last update of the step.', section: null },
  stepTime: { title: 'Step time', text: 'Wall time of one training step: sampling the rollouts, RePro scoring (probes), forwards and backwards, the optimizer step, and PPO\'s critic. The run table\'s throughput card splits it by phase.', section: null },
  tokensPerS: { title: 'Throughput', text: 'Completion tokens generated per second of step time: prompts × samples × mean response tokens ÷ step time.', section: null },
  cotTokens: { title: 'CoT tokens', text: 'Tokens of the chain of thought (before the answer marker).', section: '§10' },
  segments: { title: 'Segments K', text: 'Number of CoT segments (logical paragraphs split at blank lines, or the configured delimiter).', section: '§2' },
  certaintySegment: { title: 'Certain at k', text: 'The first boundary k where J_k ≥ log 0.9, i.e. the model already gives the answer ≥ 90 % probability; "never" if it does not get there.', section: '§10' },
  tokensAfterCertainty: { title: 'Tokens after certainty', text: 'CoT tokens written after the model was already certain (J ≥ log 0.9): overthinking, in tokens.', section: '§10' },
  plateaus: { title: 'Plateau segments', text: 'Segments whose J gain is below the plateau threshold: many tokens, no progress (saddle points of the "optimisation").', section: '§10' },
  finalScore: { title: 'S(K)', text: 'Process score after all K segments: w·magnitude + (1 − w)·stability of the J trajectory.', section: '§6' },
  filteredScore: { title: 'S(M)', text: 'Process score on the M highest-entropy segments only (top-k), as the RePro reward uses it.', section: '§7' },
  J0: { title: 'J₀ (baseline)', text: 'Mean log-probability of the answer tokens with an empty CoT: the model\'s confidence without reasoning.', section: '§3' },
  JK: { title: 'J_K', text: 'Mean log-probability of the answer tokens after the whole CoT.', section: '§3' },
  meanJGain: { title: 'Mean J gain / segment', text: '(J_K − J₀) / K: average progress per segment.', section: '§10' },
  correct: { title: 'Correct', text: 'Whether the model\'s own generated answer matches the ground truth (only for generated CoTs).', section: null },
} satisfies Record<string, MetricDef>;

export type MetricId = keyof typeof METRIC_DEFS;

/** Hover text: the definition and where the method defines it. */
export function defText(id: MetricId): string {
  const d: MetricDef = METRIC_DEFS[id];
  return d.section ? `${d.text} (Method ${d.section})` : d.text;
}
