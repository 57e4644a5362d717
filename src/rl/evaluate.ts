// Held-out evaluation of a policy on the toy task: accuracy, CoT length, backtracking and the
// overthinking tail (tokens after certainty, repro-method.md §10, from the FULL J trajectory).
import type { TrainableModel } from '../engine/types.ts';
import type { Trajectory } from '../repro/types.ts';
import { objectiveJ } from '../repro/objectiveJ.ts';
import { overthinkingMetrics } from '../repro/overthinkingMetrics.ts';
import { ANSWER_MARKER, formatPrompt } from '../task/format.ts';
import type { Problem } from '../task/problem.ts';
import { toyTokenizer } from '../task/tokenizer.ts';
import { EOS_ID } from '../task/vocab.ts';
import type { EvalMetrics } from './metrics.ts';
import { mean, parseRollout, type Rollout } from './rollout.ts';

export interface EvalOptions {
  maxNewTokens: number;
  /** 0 = greedy (the default of the reports) */
  temperature: number;
  seed: number;
  delimiter: string | RegExp;
  /** w of repro-method.md §6, for the trajectory's process score */
  w: number;
}

export interface EvalResult {
  metrics: Omit<EvalMetrics, 'step'>;
  rollouts: Rollout[];
  trajectories: Trajectory[];
}

/** Generates one response per problem and measures it; one batched sample call, one batched probe call. */
export async function evaluatePolicy(
  engine: TrainableModel, problems: Problem[], opts: EvalOptions,
): Promise<EvalResult> {
  if (problems.length === 0) throw new RangeError('evaluatePolicy needs at least one problem');
  const prompts = problems.map((p) => toyTokenizer.encode(formatPrompt(p.question)));
  const sampled = await engine.sample(prompts, {
    maxNewTokens: opts.maxNewTokens, temperature: opts.temperature, topK: 0, topP: 1, seed: opts.seed, stopIds: [EOS_ID],
  });
  const rollouts = problems.map((p, i) =>
    parseRollout(i, p, prompts[i], sampled.tokens[i], sampled.entropy[i], opts.delimiter));

  // Full trajectories: J at the baseline and after every segment whose probe fits in the block.
  const probeIds = toyTokenizer.encode(ANSWER_MARKER);
  const blockSize = engine.config.blockSize;
  const usable = rollouts.map((r) => {
    const continuation = probeIds.concat(toyTokenizer.encode(r.problem.answer));
    const fits = r.tokenSpans.every((s) => r.promptIds.length + s.end + continuation.length - 1 <= blockSize);
    return { continuation, fits };
  });
  const requests = rollouts.map((r, i) => ({
    context: r.promptIds.concat(r.completion.slice(0, r.cotTokens)),
    boundaries: [r.promptIds.length, ...(usable[i].fits ? r.tokenSpans.map((s) => r.promptIds.length + s.end) : [])],
    continuation: usable[i].continuation,
    scoreFrom: probeIds.length,
  }));
  const logProbs = await engine.probeLogProbs(requests);

  const trajectories: Trajectory[] = [];
  const afterCertainty: number[] = [];
  rollouts.forEach((r, i) => {
    if (!usable[i].fits) return; // too long to probe: counted in accuracy and length only
    const t: Trajectory = {
      question: r.problem.question,
      cot: r.cot,
      answer: r.problem.answer,
      probe: ANSWER_MARKER,
      segments: r.segments,
      cotTokens: r.completion.slice(0, r.cotTokens),
      tokenOffsets: r.tokenOffsets,
      tokenSpans: r.tokenSpans,
      J: logProbs[i].map((lp) => objectiveJ(lp)),
      answerLogProbs: logProbs[i],
      tokenEntropy: r.entropy.slice(0, r.cotTokens),
      firstTokenEntropy: r.firstTokenEntropy,
    };
    trajectories.push(t);
    afterCertainty.push(overthinkingMetrics(t, { w: opts.w }).tokensAfterCertainty);
  });

  return {
    metrics: {
      accuracy: mean(rollouts.map((r) => r.reward)),
      cotTokens: mean(rollouts.map((r) => r.cotTokens)),
      backtracking: mean(rollouts.map((r) => r.backtracking.length)),
      tokensAfterCertainty: mean(afterCertainty),
      n: problems.length,
    },
    rollouts,
    trajectories,
  };
}
