// How long will one RL step take on this GPU, before Start (issue #23 §4)? Not guessed: the
// engine's own matmuls are timed at the model's shapes on this device (./timeStepKernels.ts),
// each as an affine cost in the number of rows (a + b·rows: a launch/weight-read floor plus work per
// row), and the step is priced from its parts — what the trainer runs per step:
// - sampling: the shared prompt prefilled once per prompt, then one batched decode pass per token
//   over the group's P·G rows;
// - scoring: the RePro probes, topK boundaries × (probe + answer) rows per response reading the
//   rollouts' cache (the LM head on answer rows only: priced on all, an upper bound);
// - training: the policy's forward, the recomputed forward of gradient checkpointing and the
//   backward's input gradients (three trunk passes; the head forward and backward), plus the
//   reference forward when β > 0 and PPO's critic (three trunk passes).
// Attention, norms and the LoRA products are not timed: they are the small share at these lengths,
// so the estimate is a lower bound of the work; the bench compares it with a measured step
// (step-estimate-vs-measured). Pure: runs in Node.

/** One timed kernel group: `ms` at `rows` rows. */
export interface TimedPoint { rows: number; ms: number }

export interface StepKernelTimings {
  /** one decoder layer's seven linears (q, k, v, o, gate, up, down) at several row counts */
  layer: TimedPoint[];
  /** the LM head over the whole vocabulary at several row counts */
  head: TimedPoint[];
}

export interface StepShape {
  nLayer: number;
  /** prompts per step (per_device_train_batch_size) and responses per prompt (num_generations) */
  prompts: number;
  group: number;
  promptTokens: number;
  completionTokens: number;
  /** probe + answer rows per response (0 without the process reward) */
  probeRowsPerResponse: number;
  /** β > 0: a reference forward per step */
  reference: boolean;
  /** PPO: the critic's forward and backward */
  critic: boolean;
}

export interface StepEstimate {
  samplingMs: number;
  scoringMs: number;
  trainingMs: number;
  totalMs: number;
}

/** Least-squares a + b·rows through the points (one point: a proportional cost). b ≥ 0, a ≥ 0. */
export function affineFit(points: readonly TimedPoint[]): { a: number; b: number } {
  if (points.length === 0) throw new RangeError('affineFit: no timed points');
  for (const p of points) {
    if (!(p.rows > 0 && Number.isFinite(p.ms) && p.ms >= 0)) throw new RangeError(`affineFit: bad point ${JSON.stringify(p)}`);
  }
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.rows, 0) / n;
  const my = points.reduce((s, p) => s + p.ms, 0) / n;
  const sxx = points.reduce((s, p) => s + (p.rows - mx) ** 2, 0);
  if (n === 1 || sxx === 0) return { a: 0, b: my / mx };
  const b = Math.max(0, points.reduce((s, p) => s + (p.rows - mx) * (p.ms - my), 0) / sxx);
  return { a: Math.max(0, my - b * mx), b };
}

export function estimateStep(s: StepShape, t: StepKernelTimings): StepEstimate {
  const layer = affineFit(t.layer);
  const head = affineFit(t.head);
  const trunk = (rows: number) => (rows > 0 ? s.nLayer * (layer.a + layer.b * rows) : 0);
  const lmHead = (rows: number) => (rows > 0 ? head.a + head.b * rows : 0);
  const responses = s.prompts * s.group;
  const prefill = s.prompts * (trunk(s.promptTokens) + lmHead(1));
  const decode = s.completionTokens * (trunk(responses) + lmHead(responses));
  const probeRows = responses * s.probeRowsPerResponse;
  const scoringMs = trunk(probeRows) + lmHead(probeRows);
  const rows = responses * (s.promptTokens + s.completionTokens);
  let trainingMs = 3 * trunk(rows) + 2 * lmHead(rows);
  if (s.reference) trainingMs += trunk(rows) + lmHead(rows);
  if (s.critic) trainingMs += 3 * trunk(rows);
  const samplingMs = prefill + decode;
  return { samplingMs, scoringMs, trainingMs, totalMs: samplingMs + scoringMs + trainingMs };
}

/** The row counts to time: the decode batch and the training batch (what the step's cost is made of). */
export function rowsToTime(s: StepShape): number[] {
  const responses = s.prompts * s.group;
  const train = responses * (s.promptTokens + s.completionTokens);
  return [...new Set([responses, Math.max(responses, Math.round(train / 8)), train])].sort((x, y) => x - y);
}
