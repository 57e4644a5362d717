// `npx tsx experiment/advantageScale.ts [--regime verbose|mixed] [--prompts N] [--group G] [--top-k K] [--w W]`:
// why does RePro move the policy as much as it does? On GRPO groups sampled from a regime's SFT
// checkpoint (float64 CPU reference, the experiment's sampling: T = 1, ≤ 96 tokens), measures the
// scale of the process advantage against the outcome advantage (repro-method.md §9) and which
// segments the top-k entropy filter keeps (§7) and what normalised process reward r̃ each class
// gets (§8, §9). Measurement only (no training): prints and writes experiment/analysis/
// advantage-scale-<regime>.json, which docs/experiment.md's table is generated from.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { decodeCheckpoint } from '../src/engine/checkpoint.ts';
import { CpuModel } from '../src/engine/cpu/cpuModel.ts';
import { heldOutProblems } from '../src/task/problem.ts';
import { classifySegments } from '../src/task/classify.ts';
import { ANSWER_MARKER, toyTokenizer } from '../src/task/index.ts';
import { parseRegime, REGIME_MODEL_DIR, type TaskRegime } from '../src/task/regime.ts';
import { evaluatePolicy } from '../src/rl/evaluate.ts';
import { DEFAULT_GRPO_CONFIG } from '../src/rl/config.ts';
import { scoreRollouts } from '../src/rl/scoring.ts';
import { normalizeProcessRewards, outcomeAdvantages, processAdvantages } from '../src/rl/advantages.ts';

function args(argv: string[]): { regime: TaskRegime; prompts: number; group: number; topK: number; w: number } {
  const o = { regime: 'verbose' as TaskRegime, prompts: 32, group: 6, topK: DEFAULT_GRPO_CONFIG.entropy_top_k, w: DEFAULT_GRPO_CONFIG.process_weight_w };
  for (let i = 0; i < argv.length; i += 2) {
    const [a, v] = [argv[i], argv[i + 1]];
    if (a === '--regime') o.regime = parseRegime(v);
    else if (a === '--w') {
      o.w = Number(v);
      if (!(o.w >= 0 && o.w <= 1)) throw new Error(`advantageScale: --w must be in [0, 1], got ${JSON.stringify(v)}`);
    }
    else if (a === '--prompts' || a === '--group' || a === '--top-k') {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new Error(`advantageScale: ${a} must be a positive integer, got ${JSON.stringify(v)}`);
      if (a === '--prompts') o.prompts = n;
      else if (a === '--group') o.group = n;
      else o.topK = n;
    } else throw new Error(`advantageScale: unknown argument ${JSON.stringify(a)}`);
  }
  return o;
}

const { regime, prompts, group, topK, w } = args(process.argv.slice(2));
const ck = decodeCheckpoint(new Uint8Array(readFileSync(new URL(`../public/${REGIME_MODEL_DIR[regime]}/model.safetensors`, import.meta.url))));
const model = new CpuModel(ck.config, ck.params);
// Training-like prompts (a seed of their own, not the held-out set), each sampled `group` times.
const problems = heldOutProblems(4242, prompts, { minDigits: 2, maxDigits: 2 });
const set = problems.flatMap((p) => Array.from({ length: group }, () => p));
const { rollouts: sampled } = await evaluatePolicy(model, set, {
  maxNewTokens: 96, temperature: 1, seed: 7, delimiter: DEFAULT_GRPO_CONFIG.segment_delimiter, w: DEFAULT_GRPO_CONFIG.process_weight_w,
  chunkSize: set.length, probeJ: false,
});
const rollouts = sampled.map((r, i) => ({ ...r, group: Math.floor(i / group) }));
const scores = await scoreRollouts(model, rollouts, {
  topK, w, probeIds: toyTokenizer.encode(ANSWER_MARKER),
  answerIds: (r) => toyTokenizer.encode(r.problem.answer), blockSize: model.config.blockSize,
});

type Cls = 'step' | 'redundant/backtracking' | 'wrong' | 'other';
const classOf = (l: ReturnType<typeof classifySegments>[number]): Cls =>
  l.kind === 'redundant' || l.backtracking ? 'redundant/backtracking' : l.kind === 'step' ? 'step' : l.kind === 'wrong' ? 'wrong' : 'other';
const all: Record<Cls, number> = { step: 0, 'redundant/backtracking': 0, wrong: 0, other: 0 };
const kept: Record<Cls, number[]> = { step: [], 'redundant/backtracking': [], wrong: [], other: [] };
const tokenAdv: Record<Cls, number[]> = { step: [], 'redundant/backtracking': [], wrong: [], other: [] };
const absOut: number[] = [];
const absProc: number[] = [];
const respAdv = { concise: [] as number[], overthinking: [] as number[] };
let flatGroups = 0;
for (let g = 0; g < prompts; g++) {
  const members = rollouts.map((r, i) => (r.group === g ? i : -1)).filter((i) => i >= 0);
  const aOut = outcomeAdvantages(members.map((i) => rollouts[i].reward));
  if (aOut.every((a) => a === 0)) flatGroups++;
  const rTilde = normalizeProcessRewards(members.map((i) => scores[i].rewards));
  members.forEach((i, m) => {
    const r = rollouts[i];
    const labels = classifySegments(r.cot, { problem: r.problem, spans: r.segments });
    const aProc = processAdvantages(rTilde[m], scores[i].segmentEnds, r.completion.length);
    labels.forEach((l) => { all[classOf(l)]++; });
    scores[i].kept.forEach((k, j) => kept[classOf(labels[k])].push(rTilde[m][j]));
    r.tokenSpans.forEach((s, k) => { for (let t = s.start; t < s.end; t++) tokenAdv[classOf(labels[k])].push(aProc[t]); });
    for (let t = 0; t < r.completion.length; t++) { absOut.push(Math.abs(aOut[m])); absProc.push(Math.abs(aProc[t])); }
    const overthinks = labels.some((l) => l.kind === 'redundant' || l.backtracking);
    respAdv[overthinks ? 'overthinking' : 'concise'].push(aProc.reduce((a, b) => a + b, 0) / Math.max(1, aProc.length));
  });
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const f = (x: number) => (x >= 0 ? '+' : '') + x.toFixed(3);
const alpha = DEFAULT_GRPO_CONFIG.process_reward_coef;
console.log(`${regime} regime SFT checkpoint: ${prompts} prompts × ${group} samples (T = 1, ≤ 96 tokens), topK ${topK}, w ${w}`);
console.log(`groups whose outcome rewards are all equal (A_out = 0 for every member): ${flatGroups} / ${prompts}`);
console.log(`mean |A_out| per completion token ${mean(absOut).toFixed(3)}; mean |A_proc| ${mean(absProc).toFixed(3)} (× α = ${alpha}: ${(alpha * mean(absProc)).toFixed(3)})`);
console.log('segments by class: all | kept by top-k | mean r̃ of the kept | mean A_proc on its tokens');
for (const c of Object.keys(all) as Cls[]) {
  console.log(`  ${c}: ${all[c]} | ${kept[c].length} (${(100 * kept[c].length / Math.max(1, all[c])).toFixed(0)} %) | ${f(mean(kept[c]))} | ${f(mean(tokenAdv[c]))}`);
}
console.log(`mean per-token A_proc of a response: concise (n ${respAdv.concise.length}) ${f(mean(respAdv.concise))}, overthinking (n ${respAdv.overthinking.length}) ${f(mean(respAdv.overthinking))}`);
const file = new URL(`./analysis/advantage-scale-${regime}${w === DEFAULT_GRPO_CONFIG.process_weight_w ? '' : `-w${w}`}.json`, import.meta.url);
mkdirSync(new URL('./analysis/', import.meta.url), { recursive: true });
writeFileSync(file, JSON.stringify({
  regime, prompts, group, topK, w, alpha, flatGroups,
  meanAbsOutcome: mean(absOut), meanAbsProcess: mean(absProc),
  classes: Object.fromEntries((Object.keys(all) as Cls[]).map((c) => [c, { segments: all[c], kept: kept[c].length, meanRTilde: mean(kept[c]), meanTokenAdvantage: mean(tokenAdv[c]) }])),
  perResponse: { concise: { n: respAdv.concise.length, meanTokenAdvantage: mean(respAdv.concise) }, overthinking: { n: respAdv.overthinking.length, meanTokenAdvantage: mean(respAdv.overthinking) } },
}, null, 2) + '\n');
console.log(`wrote ${file.pathname}`);
