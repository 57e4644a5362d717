// The fairness check of the toy task as a stage for RePro: a few responses' J trajectories,
// segment by segment with each segment's class, picked to cover every kind of overthinking.
import type { ResponseEval } from '../../src/rl/evalSummary.ts';

export interface TrajectoryExample {
  question: string;
  answer: string;
  correct: boolean;
  J0: number;
  segments: { text: string; kind: string; backtracking: boolean; J: number; dJ: number }[];
}

/** Up to n probed responses: wrong-step, backtracking, redundant and plain ones, in turn. */
export function pickExamples(responses: ResponseEval[], n: number): TrajectoryExample[] {
  const probed = responses.filter((r) => r.J !== null);
  const groups = [
    probed.filter((r) => r.hasWrongStep),
    probed.filter((r) => r.hasBacktracking && !r.hasWrongStep),
    probed.filter((r) => r.hasRedundant && !r.hasBacktracking && !r.hasWrongStep),
    probed.filter((r) => !r.hasRedundant && !r.hasBacktracking && !r.hasWrongStep),
  ];
  const picked: ResponseEval[] = [];
  for (let i = 0; picked.length < n && groups.some((g) => g.length > i); i++) {
    for (const g of groups) if (g[i] && picked.length < n) picked.push(g[i]);
  }
  return picked.map((r) => ({
    question: r.question,
    answer: r.answer,
    correct: r.correct,
    J0: r.J![0],
    segments: r.segments.map((s, k) => ({
      text: s.text, kind: s.kind, backtracking: s.backtracking, J: r.J![k + 1], dJ: r.J![k + 1] - r.J![k],
    })),
  }));
}

export function formatExample(e: TrajectoryExample): string[] {
  const lines = [`${e.question} (answer ${e.answer}, ${e.correct ? 'correct' : 'WRONG'})   J_0 = ${e.J0.toFixed(3)}`];
  e.segments.forEach((s, k) => {
    const kind = `${s.kind}${s.backtracking ? '+bt' : ''}`.padEnd(14);
    lines.push(`  k=${String(k + 1).padStart(2)} ${kind} J=${s.J.toFixed(3).padStart(7)}  ΔJ=${(s.dJ >= 0 ? '+' : '') + s.dJ.toFixed(3)}  ${JSON.stringify(s.text)}`);
  });
  return lines;
}
