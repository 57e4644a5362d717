// `npx tsx experiment/tokenLevelScale.ts [--regime verbose|mixed] [--prompts N] [--alphas 0.1,1,3]`:
// how large is RePro's process term in the token-level estimators (repro-method.md §11) against
// GRPO's (§9), at which α, and does scaling the process rewards as §9 does (normalised over the
// group before α) change it? Samples training-like steps from a regime's SFT checkpoint (float64 CPU
// reference; the experiment's step: 4 prompts × 6 samples, T = 1, ≤ 96 tokens), scores them as the
// trainer does, and compares per token: GRPO's α·A^proc; REINFORCE++'s A(α) − A(0) (return-to-go
// whitened over the step's batch; PPO's GAE with λ = γ = 1 is the same less a critic baseline).
// Measurement only (no training): prints the table and writes it as JSON to experiment/analysis/
// token-level-scale.json, which docs/experiment.md's table is generated from (experiment/docFigures.ts).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { decodeCheckpoint } from '../src/engine/checkpoint.ts';
import { CpuModel } from '../src/engine/cpu/cpuModel.ts';
import { heldOutProblems, type Problem } from '../src/task/problem.ts';
import { classifySegments } from '../src/task/classify.ts';
import { ANSWER_MARKER, toyTokenizer } from '../src/task/index.ts';
import { parseRegime, REGIME_MODEL_DIR, type TaskRegime } from '../src/task/regime.ts';
import { evaluatePolicy } from '../src/rl/evaluate.ts';
import { DEFAULT_GRPO_CONFIG } from '../src/rl/config.ts';
import { scoreRollouts, type RolloutScore } from '../src/rl/scoring.ts';
import { normalizeProcessRewards, processAdvantages } from '../src/rl/advantages.ts';
import { reinforcePlusPlusAdvantages, stepTokenRewards } from '../src/rl/estimators/stepEstimates.ts';
import type { Rollout } from '../src/rl/rollout.ts';

function args(argv: string[]): { regime: TaskRegime; prompts: number; alphas: number[] } {
  const o = { regime: 'verbose' as TaskRegime, prompts: 48, alphas: [0.1, 1, 3, 10] };
  for (let i = 0; i < argv.length; i += 2) {
    const [a, v] = [argv[i], argv[i + 1]];
    if (a === '--regime') o.regime = parseRegime(v);
    else if (a === '--prompts') o.prompts = Number(v);
    else if (a === '--alphas') o.alphas = v.split(',').map(Number);
    else throw new Error(`tokenLevelScale: unknown argument ${JSON.stringify(a)}`);
  }
  if (!Number.isInteger(o.prompts) || o.prompts < 4 || o.prompts % 4 !== 0) throw new Error('tokenLevelScale: --prompts must be a multiple of 4');
  if (o.alphas.some((a) => !(a > 0))) throw new Error('tokenLevelScale: --alphas must be positive numbers');
  return o;
}

const { regime, prompts, alphas } = args(process.argv.slice(2));
const G = 6;
const PER_STEP = 4;
const ck = decodeCheckpoint(new Uint8Array(readFileSync(new URL(`../public/${REGIME_MODEL_DIR[regime]}/model.safetensors`, import.meta.url))));
const model = new CpuModel(ck.config, ck.params);
const problems = heldOutProblems(4242, prompts, { minDigits: 2, maxDigits: 2 });
const set = problems.flatMap((p) => Array.from({ length: G }, () => p));
const { rollouts: sampled } = await evaluatePolicy(model, set, {
  maxNewTokens: 96, temperature: 1, seed: 7, delimiter: DEFAULT_GRPO_CONFIG.segment_delimiter, w: DEFAULT_GRPO_CONFIG.process_weight_w,
  chunkSize: set.length, probeJ: false,
});
const rollouts: Rollout<Problem>[] = sampled.map((r, i) => ({ ...r, group: Math.floor(i / G) }));
const scores = await scoreRollouts(model, rollouts, {
  topK: DEFAULT_GRPO_CONFIG.entropy_top_k, w: DEFAULT_GRPO_CONFIG.process_weight_w, probeIds: toyTokenizer.encode(ANSWER_MARKER),
  answerIds: (r) => toyTokenizer.encode(r.problem.answer), blockSize: model.config.blockSize,
});
const overthinks = rollouts.map((r) => classifySegments(r.cot, { problem: r.problem, spans: r.segments }).some((l) => l.kind === 'redundant' || l.backtracking));

/** The §9 scaling applied to token rewards: each group's r_j normalised over all of the group's r_j. */
function groupNormalised(ss: RolloutScore[]): RolloutScore[] {
  const out = ss.map((s) => ({ ...s }));
  for (let g = 0; g * G < ss.length; g++) {
    const idx = Array.from({ length: G }, (_, m) => g * G + m);
    const norm = normalizeProcessRewards(idx.map((i) => ss[i].rewards));
    idx.forEach((i, m) => { out[i] = { ...out[i], rewards: norm[m] }; });
  }
  return out;
}
const normScores = groupNormalised(scores);

type Acc = { abs: number[]; concise: number[]; over: number[] };
const acc = (): Acc => ({ abs: [], concise: [], over: [] });
const add = (a: Acc, i: number, part: ArrayLike<number>) => {
  let s = 0;
  for (let t = 0; t < part.length; t++) { a.abs.push(Math.abs(part[t])); s += part[t]; }
  (overthinks[i] ? a.over : a.concise).push(s / Math.max(1, part.length));
};
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const rows: { name: string; estimator: 'grpo' | 'reinforce_plus_plus'; alpha: number; norm: 'none' | 'group'; a: Acc }[] = [];
let batchesAllCorrect = 0;
for (const alpha of alphas) {
  const grpo = acc();
  const rpp = acc();
  const rppNorm = acc();
  for (let b = 0; b * PER_STEP * G < rollouts.length; b++) {
    const idx = Array.from({ length: PER_STEP * G }, (_, k) => b * PER_STEP * G + k);
    const rs = idx.map((i) => rollouts[i]);
    if (alpha === alphas[0] && rs.every((r) => r.reward === rs[0].reward)) batchesAllCorrect++;
    const base = reinforcePlusPlusAdvantages(stepTokenRewards(rs, null, { alpha: 0 }), 1);
    const withP = reinforcePlusPlusAdvantages(stepTokenRewards(rs, idx.map((i) => scores[i]), { alpha }), 1);
    const withN = reinforcePlusPlusAdvantages(stepTokenRewards(rs, idx.map((i) => normScores[i]), { alpha }), 1);
    idx.forEach((i, k) => {
      add(rpp, i, withP[k].map((x, t) => x - base[k][t]));
      add(rppNorm, i, withN[k].map((x, t) => x - base[k][t]));
      const aProc = processAdvantages(normScores[i].rewards, scores[i].segmentEnds, rollouts[i].completion.length);
      add(grpo, i, aProc.map((x) => alpha * x));
    });
  }
  rows.push(
    { name: `GRPO α = ${alpha}: α·A^proc`, estimator: 'grpo', alpha, norm: 'group', a: grpo },
    { name: `REINFORCE++ α = ${alpha}: raw r_j (§11)`, estimator: 'reinforce_plus_plus', alpha, norm: 'none', a: rpp },
    { name: `REINFORCE++ α = ${alpha}: r̃_j normalised per group (§9 scaling)`, estimator: 'reinforce_plus_plus', alpha, norm: 'group', a: rppNorm },
  );
}
const f = (x: number) => (x >= 0 ? '+' : '') + x.toFixed(3);
console.log(`${regime} regime SFT checkpoint: ${prompts} prompts × ${G} samples in steps of ${PER_STEP} prompts (T = 1, ≤ 96 tokens), topK ${DEFAULT_GRPO_CONFIG.entropy_top_k}, w ${DEFAULT_GRPO_CONFIG.process_weight_w}`);
console.log(`steps whose ${PER_STEP * G} outcome rewards are all equal (outcome-only REINFORCE++ advantage 0 everywhere): ${batchesAllCorrect} / ${prompts / PER_STEP}`);
console.log(`responses: concise ${overthinks.filter((o) => !o).length}, overthinking ${overthinks.filter((o) => o).length}`);
console.log('| process part of the advantage | mean |·| per token | mean per token, concise | overthinking | overthinking − concise |');
console.log('|---|---|---|---|---|');
for (const r of rows) {
  console.log(`| ${r.name} | ${mean(r.a.abs).toFixed(3)} | ${f(mean(r.a.concise))} | ${f(mean(r.a.over))} | ${f(mean(r.a.over) - mean(r.a.concise))} |`);
}

const out = new URL('./analysis/token-level-scale.json', import.meta.url);
mkdirSync(new URL('./analysis/', import.meta.url), { recursive: true });
writeFileSync(out, JSON.stringify({
  regime, prompts, samples: G, promptsPerStep: PER_STEP, topK: DEFAULT_GRPO_CONFIG.entropy_top_k, w: DEFAULT_GRPO_CONFIG.process_weight_w,
  stepsAllEqual: batchesAllCorrect, steps: prompts / PER_STEP, concise: overthinks.filter((o) => !o).length, overthinking: overthinks.filter((o) => o).length,
  rows: rows.map((r) => ({ estimator: r.estimator, alpha: r.alpha, norm: r.norm, meanAbs: mean(r.a.abs), concise: mean(r.a.concise), overthinking: mean(r.a.over) })),
}, null, 2) + '\n');
console.log(`wrote ${out.pathname}`);
