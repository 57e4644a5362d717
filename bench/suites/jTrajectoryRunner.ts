// The measurement the two J-trajectory suites share (jTrajectory.ts on ORT, engineJTrajectory.ts on
// our engine): the input of ./jTrajectoryInput.ts (synthetic CoT, K = 16 segments, ~500 tokens), a plain
// forward over prompt + CoT with the per-token entropy from the fused logits kernel, and the whole
// J trajectory (src/llm/scorer/scoreTrajectory.ts) with the token lens (top-k, k = 10) as the app
// scores — checked first against scoring by re-encoding every prefix — then timed with the
// suite's other runs in interleaved orders: medians of `reps` after a warm-up.
import type { LanguageModel } from '../../src/llm/types.ts';
import { probeBatching, scoreTrajectory, scoreTrajectoryNaive, type ScoreInput, type ScoreOptions } from '../../src/llm/scorer/scoreTrajectory.ts';
import { logitsKernelFor, logitsTopKFor } from '../../src/gpu/logitsKernel.ts';
import { median } from './median.ts';
import { benchScoreInput } from './jTrajectoryInput.ts';

const J_TOLERANCE = 1e-3;

/** What a suite adds: its runs beyond plain / trajectory / noLens, their warm-ups and orders. */
export interface JTrajectoryPlan {
  suite: string;
  /** The model in one line for the log. */
  describe: string;
  reps: number;
  /** Batched probes must have passed the scorer's first-use check (else only logged). */
  requireBatched: boolean;
  /** More timed runs, given the input and the scorer's options (the kernels, the token lens on). */
  extra?: (input: ScoreInput, kernel: ScoreOptions) => Record<string, () => Promise<unknown>>;
  /** Runs once more before timing (shapes compiled per call size), after the trajectory's own warm-up. */
  warmUps?: string[];
  /** Per rep (cycling), the order of every run: plain, trajectory, noLens and the extra ones. */
  orders: readonly (readonly string[])[];
}

export interface JTrajectoryMeasure {
  /** Median ms per run name, and every run's times. */
  medians: Record<string, number>;
  runs: Record<string, number[]>;
  batched: boolean;
  jDiff: number;
  promptTokens: number;
  cotTokens: number;
  plainTokens: number;
  segments: number;
  probeTokens: number;
  answerTokens: number;
}

export async function measureJTrajectory(model: LanguageModel, plan: JTrajectoryPlan, log: (line: string) => void): Promise<JTrajectoryMeasure> {
  const input = benchScoreInput();
  const stats = logitsKernelFor(model);
  // As the app scores: the token lens's top-k (k = 10) from the CoT pass's rows rides along.
  const kernel: ScoreOptions = { kernel: stats, topK: logitsTopKFor(model) };
  // the ids as the scorer feeds them: prompt + CoT tokenized together
  const ids = model.tokenizer.encode(model.formatPrompt(input.question) + input.cot, { addSpecialTokens: false });
  const plain = async () => {
    const step = await model.forward(ids, model.emptyCache());
    try {
      const s = await stats(step.logits, null);
      if (!Number.isFinite(s.entropy[ids.length - 1])) throw new Error('plain forward: non-finite entropy');
    } finally {
      step.dispose();
      step.cache.dispose();
    }
  };
  // warm-up (programs compiled per shape) and the sameness check of the two scorers
  await plain();
  const fast = await scoreTrajectory(model, input, kernel);
  const batched = probeBatching(model) === true;
  if (!batched) {
    if (plan.requireBatched) throw new Error(`${plan.suite}: the model did not pass the scorer's first-use check for batched probes`);
    log(`${plan.suite}: batched probes were not used (the first-use check failed)`);
  }
  const slow = await scoreTrajectoryNaive(model, input, kernel);
  const jDiff = Math.max(...fast.J.map((j, k) => Math.abs(j - slow.J[k])));
  if (!(jDiff <= J_TOLERANCE)) throw new Error(`${plan.suite}: cached and naive J differ by ${jDiff} > ${J_TOLERANCE}`);
  const promptTokens = model.tokenizer.encode(model.formatPrompt(input.question), { addSpecialTokens: false }).length;
  const probeTokens = model.tokenizer.encode(model.defaultProbe, { addSpecialTokens: false }).length;
  log(`${plan.describe}; prompt ${promptTokens} + CoT ${fast.cotTokens.length} tokens, K=${fast.segments.length}, probe ${probeTokens} tokens; max |ΔJ| vs naive ${jDiff.toExponential(2)}`);

  const runs: Record<string, () => Promise<unknown>> = {
    plain, trajectory: () => scoreTrajectory(model, input, kernel),
    // The token lens's cost, measured side by side: the same trajectory without the top-k.
    noLens: () => scoreTrajectory(model, input, { kernel: stats }),
    ...plan.extra?.(input, kernel),
  };
  for (const name of plan.warmUps ?? []) await runs[name]();
  await runs.trajectory(); // warm-up of the probe calls' shapes
  const ms: Record<string, number[]> = Object.fromEntries(Object.keys(runs).map((k) => [k, []]));
  for (let rep = 0; rep < plan.reps; rep++) {
    const order = plan.orders[rep % plan.orders.length];
    for (const which of order) {
      const t0 = performance.now();
      await runs[which]();
      ms[which].push(performance.now() - t0);
    }
    log(`rep ${rep + 1}/${plan.reps}: ${order.map((w) => `${w} ${ms[w][rep].toFixed(0)} ms`).join(', ')}`);
  }
  return {
    medians: Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, median(v)])), runs: ms, batched, jDiff,
    promptTokens, cotTokens: fast.cotTokens.length, plainTokens: ids.length, segments: fast.segments.length, probeTokens,
    answerTokens: fast.answerLogProbs[0].length,
  };
}
