// The one evaluation of a policy (any TrainableModel) on held-out problems of a task (default the
// toy's, options.env): generation through model.sample, the task's verifier and segment
// classification, backtracking markers and the full J trajectory of every response (J at each
// segment boundary through model.probeLogProbs, the requests from the one J-probe path
// src/repro/jProbe.ts, the probe and answer ids the rollout read through the model's format — the
// toy's probe = the answer marker, repro-method.md §3) → overthinkingMetrics (§10). Used by the
// GRPO trainer's held-out evaluation, train:toy and the experiment. GPU-free: the caller brings the model.
// J is the evaluated model's own unless `rejudge` measures the same responses with another model
// (a fixed judge): the experiment compares policies with the starting checkpoint's J, so tokens
// after certainty moves with the text, not with each policy's calibration.
import type { TrainableModel } from '../engine/types.ts';
import { jTrajectory, planJProbe } from '../repro/jProbe.ts';
import { overthinkingMetrics, type OverthinkingMetrics } from '../repro/overthinkingMetrics.ts';
import type { Trajectory } from '../repro/types.ts';
import { SEGMENT_DELIMITER } from '../task/format.ts';
import { TOY_ENV } from './task/env.ts';
import type { TaskEnv, TaskItem } from './task/types.ts';
import { evalMetricsOf, summarizeToyEval, type ResponseEval, type SegmentEval, type ToyEvalSummary } from './evalSummary.ts';
import type { EvalMetrics } from './metrics.ts';
import { parseRollout, type Rollout } from './rollout.ts';

export interface EvalOptions {
  /** 0 = greedy (default) */
  temperature: number;
  topK: number;
  topP: number;
  seed: number;
  /** default: the model's blockSize (generation also stops at the block end) */
  maxNewTokens?: number;
  /** prompts per sample / probe call (bounds the KV cache); default 100 */
  chunkSize: number;
  /** measure J trajectories (one probe per segment boundary); default true */
  probeJ: boolean;
  /** repro-method.md §6 weight, for S(K) */
  w: number;
  /** the segment delimiter (repro-method.md §2); default the toy task's blank line */
  delimiter: string | RegExp;
  /** the task and the model's format (prompts, stop ids, verifier, probe); default the toy task on the toy model */
  env: TaskEnv;
}

export const DEFAULT_EVAL_OPTIONS: EvalOptions = {
  temperature: 0, topK: 0, topP: 1, seed: 1, chunkSize: 100, probeJ: true, w: 0.5, delimiter: SEGMENT_DELIMITER, env: TOY_ENV,
};

/** What measures J: any model over the task's vocabulary (only its probes are used). */
export type JudgeModel = Pick<TrainableModel, 'config' | 'probeLogProbs'>;

export interface EvalResult<I extends TaskItem = TaskItem> {
  summary: ToyEvalSummary;
  /** the trainer's held-out metrics, from the summary */
  metrics: Omit<EvalMetrics, 'step'>;
  responses: ResponseEval[];
  rollouts: Rollout<I>[];
  /** the full J trajectories of the probed responses */
  trajectories: Trajectory[];
}

export async function evaluatePolicy<I extends TaskItem>(model: TrainableModel, problems: I[], options: Partial<EvalOptions> = {}): Promise<EvalResult<I>> {
  const o = { ...DEFAULT_EVAL_OPTIONS, ...options };
  if (!Array.isArray(problems) || problems.length === 0) throw new RangeError('evaluatePolicy: problems must be a non-empty array');
  if (!Number.isInteger(o.chunkSize) || o.chunkSize <= 0) throw new RangeError(`evaluatePolicy: options.chunkSize must be a positive integer, got ${o.chunkSize}`);
  const responses: ResponseEval[] = [];
  const rollouts: Rollout<I>[] = [];
  const trajectories: Trajectory[] = [];
  for (let at = 0; at < problems.length; at += o.chunkSize) {
    const chunk = await evaluateChunk(model, problems.slice(at, at + o.chunkSize), o, at);
    for (const c of chunk) {
      responses.push(c.response);
      rollouts.push(c.rollout);
      if (c.trajectory) trajectories.push(c.trajectory);
    }
  }
  const summary = summarizeToyEval(responses);
  return { summary, metrics: evalMetricsOf(summary), responses, rollouts, trajectories };
}

interface Evaluated<I extends TaskItem> { response: ResponseEval; rollout: Rollout<I>; trajectory: Trajectory | null }

async function evaluateChunk<I extends TaskItem>(model: TrainableModel, problems: I[], o: EvalOptions, offset: number): Promise<Evaluated<I>[]> {
  const { task, format } = o.env;
  const prompts = problems.map((p) => format.promptIds(task.userText(p)));
  const sampled = await model.sample(prompts, {
    maxNewTokens: o.maxNewTokens ?? model.config.blockSize, temperature: o.temperature, topK: o.topK, topP: o.topP,
    seed: o.seed + offset, stopIds: [...format.stopIds],
  });
  const rollouts = problems.map((p, i) => parseRollout(offset + i, p, prompts[i], sampled.tokens[i], sampled.entropy[i], o.delimiter, o.env as TaskEnv<I>));
  return judgeChunk(o.probeJ ? model : null, rollouts, o.w);
}

/** Per rollout: J by `judge` (none: not probed) and the response's description from it. */
async function judgeChunk<I extends TaskItem>(judge: JudgeModel | null, rollouts: Rollout<I>[], w: number): Promise<Evaluated<I>[]> {
  const answerLogProbs = judge ? await probeAnswer(judge, rollouts) : rollouts.map(() => null);
  return rollouts.map((r, i) => {
    const trajectory = answerLogProbs[i] ? trajectoryOf(r, answerLogProbs[i]!) : null;
    return { response: describeResponse(r, trajectory, w), rollout: r, trajectory };
  });
}

/**
 * The responses of `result` measured with `judge`'s J instead (repro-method.md §10: tokens after
 * certainty, plateaus, S(K), J gains). The text, the verifier's rewards and the segment labels are
 * the result's own; only the J-derived numbers change. `chunkSize` bounds one probe call.
 */
export async function rejudge<I extends TaskItem>(result: EvalResult<I>, judge: JudgeModel, options: { w: number; chunkSize?: number }): Promise<EvalResult<I>> {
  const chunkSize = options.chunkSize ?? DEFAULT_EVAL_OPTIONS.chunkSize;
  if (!Number.isInteger(chunkSize) || chunkSize <= 0) throw new RangeError(`rejudge: options.chunkSize must be a positive integer, got ${chunkSize}`);
  const responses: ResponseEval[] = [];
  const trajectories: Trajectory[] = [];
  for (let at = 0; at < result.rollouts.length; at += chunkSize) {
    for (const c of await judgeChunk(judge, result.rollouts.slice(at, at + chunkSize), options.w)) {
      responses.push(c.response);
      if (c.trajectory) trajectories.push(c.trajectory);
    }
  }
  const summary = summarizeToyEval(responses);
  return { summary, metrics: evalMetricsOf(summary), responses, rollouts: result.rollouts, trajectories };
}

/** Per rollout, log p of each answer token at boundaries 0 … K; null when a probe does not fit in the block. */
async function probeAnswer(model: JudgeModel, rollouts: Rollout[]): Promise<(number[][] | null)[]> {
  const plans = rollouts.map((r) => {
    const plan = planJProbe({
      promptIds: r.promptIds, cotIds: r.completion.slice(0, r.cotTokens), tokenSpans: r.tokenSpans,
      probeIds: r.probeIds, answerIds: r.answerIds, blockSize: model.config.blockSize,
    });
    // The full trajectory or none: a partial one would shift every §10 metric.
    return plan && plan.unfit.length === 0 ? plan : null;
  });
  const index = plans.flatMap((p, i) => (p ? [i] : []));
  const logProbs = index.length > 0 ? await model.probeLogProbs(index.map((i) => plans[i]!.request)) : [];
  const out: (number[][] | null)[] = rollouts.map(() => null);
  index.forEach((i, q) => { out[i] = logProbs[q]; });
  return out;
}

function trajectoryOf(r: Rollout, answerLogProbs: number[][]): Trajectory {
  return {
    question: r.problem.question, cot: r.cot, answer: r.problem.answer, probe: r.probe,
    segments: r.segments, cotTokens: r.completion.slice(0, r.cotTokens), tokenOffsets: r.tokenOffsets,
    tokenSpans: r.tokenSpans, J: jTrajectory(answerLogProbs, `response ${r.group}`), answerLogProbs,
    tokenEntropy: r.entropy.slice(0, r.cotTokens), firstTokenEntropy: r.firstTokenEntropy,
  };
}

function describeResponse(r: Rollout, t: Trajectory | null, w: number): ResponseEval {
  const J = t ? t.J : null;
  const labels = r.labels; // the task's classifier (the toy's), read with the rollout
  const segments = labels.map((l, k): SegmentEval => ({
    text: l.text, kind: l.kind, backtracking: l.backtracking,
    tokens: r.tokenSpans[k].end - r.tokenSpans[k].start, J: J ? J[k + 1] : null,
  }));
  const metrics: OverthinkingMetrics | null = t ? overthinkingMetrics(t, { w }) : null; // repro-method.md §10
  return {
    question: r.problem.question,
    answer: r.problem.answer,
    completion: r.text,
    correct: r.reward === 1,
    cotTokens: r.cotTokens,
    segments,
    backtrackingSegments: r.backtracking.length,
    hasRedundant: labels.some((l) => l.kind === 'redundant'),
    hasBacktracking: r.backtracking.length > 0,
    hasWrongStep: labels.some((l) => l.kind === 'wrong'),
    J,
    metrics,
  };
}
