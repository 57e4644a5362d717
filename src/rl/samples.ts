// A few rollouts of a step, shaped for the samples panel: CoT segments with the process reward
// of each kept segment (repro-method.md §8). Plain data; the UI renders it as text.
import type { RolloutSample } from './metrics.ts';
import type { PreparedStep } from './trainer.ts';
import { mean } from './rollout.ts';

export function rolloutSamples(prep: Pick<PreparedStep, 'rollouts' | 'scores' | 'advantages'>, count: number): RolloutSample[] {
  return prep.rollouts.slice(0, count).map((r, i) => {
    const score = prep.scores?.[i] ?? null;
    const backtracking = new Set(r.backtracking);
    return {
      group: r.group,
      question: r.problem.question,
      answer: r.problem.answer,
      correct: r.reward === 1,
      cot: r.cot,
      segments: r.segments.map((s, k) => {
        const j = score ? score.kept.indexOf(k) : -1;
        return { text: r.cot.slice(s.start, s.end), reward: j >= 0 ? score!.rewards[j] : null, backtracking: backtracking.has(k) };
      }),
      tail: r.text.slice(r.cot.length),
      advantage: mean(prep.advantages[i]),
    };
  });
}
