// `npx tsx experiment/sftBreakdown.ts [samples-per-problem]`: why outcome-only GRPO already
// shortens the bundled SFT model's CoTs. Samples the SFT checkpoint at T = 1 on the experiment's
// held-out problems (float64 CPU reference, in Node) and splits accuracy, CoT length and the J
// trajectory's process score S(K) by whether a response has backtracking/redundant segments.
import { readFileSync } from 'node:fs';
import { decodeCheckpoint } from '../src/engine/checkpoint.ts';
import { CpuModel } from '../src/engine/cpu/cpuModel.ts';
import { heldOutProblems } from '../src/task/problem.ts';
import { classifySegments } from '../src/task/classify.ts';
import { evaluatePolicy } from '../src/rl/evaluate.ts';
import { DEFAULT_GRPO_CONFIG } from '../src/rl/config.ts';
import { HELDOUT_SEED } from '../src/rl/trainer.ts';
import { processScore } from '../src/repro/processScore.ts';
import { CI_SPEC } from './spec.ts';

const k = Number(process.argv[2] ?? 8);
const ck = decodeCheckpoint(new Uint8Array(readFileSync(new URL('../public/models/toy-reasoner/model.safetensors', import.meta.url))));
const model = new CpuModel(ck.config, ck.params);
const problems = heldOutProblems(HELDOUT_SEED, CI_SPEC.evalProblems, { minDigits: 2, maxDigits: 2 });
const set = problems.flatMap((p) => Array.from({ length: k }, () => p));
const r = await evaluatePolicy(model, set, {
  maxNewTokens: 96, temperature: 1, seed: 1, delimiter: DEFAULT_GRPO_CONFIG.segment_delimiter, w: DEFAULT_GRPO_CONFIG.process_weight_w,
  chunkSize: set.length,
});
type Row = { overthinks: boolean; correct: number; tokens: number; S: number | null };
const rows: Row[] = r.rollouts.map((ro) => {
  const labels = classifySegments(ro.cot);
  const overthinks = labels.some((l) => l.kind !== 'step' || l.backtracking);
  const t = r.trajectories.find((x) => x.cot === ro.cot && x.question === ro.problem.question);
  const S = t ? processScore(t.J, { w: DEFAULT_GRPO_CONFIG.process_weight_w }).at(-1)! : null;
  return { overthinks, correct: ro.reward, tokens: ro.cotTokens, S };
});
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
for (const [name, sel] of [['clean (steps only)', false], ['with redundant/backtracking segments', true]] as const) {
  const g = rows.filter((x) => x.overthinks === sel);
  const S = g.map((x) => x.S).filter((x): x is number => x !== null);
  console.log(`${name}: n ${g.length}, accuracy ${mean(g.map((x) => x.correct)).toFixed(3)}, CoT tokens ${mean(g.map((x) => x.tokens)).toFixed(1)}, S(K) ${mean(S).toFixed(3)}`);
}
for (const [name, c] of [['correct', 1], ['wrong', 0]] as const) {
  const g = rows.filter((x) => x.correct === c);
  console.log(`${name}: n ${g.length}, CoT tokens ${mean(g.map((x) => x.tokens)).toFixed(1)}, share with redundant/backtracking ${mean(g.map((x) => (x.overthinks ? 1 : 0))).toFixed(3)}`);
}
