// `npx tsx experiment/sftBreakdown.ts [--regime mixed|verbose] [--samples K] [--problems N]`: does the
// outcome reward already tell overthinking from concise answers? Samples a regime's bundled SFT
// checkpoint at T = 1 on held-out problems (float64 CPU reference, in Node) and splits accuracy,
// CoT length and the J trajectory's process score S(K) by whether a response overthinks.
// Two definitions of "overthinks" are reported: (a) a redundant or backtracking segment (a
// restatement or a §10 marker; docs/toy-model.md's "redundant or backtracking"), and (b) any
// segment that is not a new column step (a wrong step included; the first breakdown's definition).
// Prints, and writes experiment/analysis/sft-breakdown-<regime>.json (docs/experiment.md's table).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { decodeCheckpoint } from '../src/engine/checkpoint.ts';
import { CpuModel } from '../src/engine/cpu/cpuModel.ts';
import { heldOutProblems } from '../src/task/problem.ts';
import { classifySegments } from '../src/task/classify.ts';
import { parseRegime, REGIME_MODEL_DIR, type TaskRegime } from '../src/task/regime.ts';
import { evaluatePolicy } from '../src/rl/evaluate.ts';
import { DEFAULT_GRPO_CONFIG } from '../src/rl/config.ts';
import { HELDOUT_SEED } from '../src/rl/trainer.ts';
import { processScore } from '../src/repro/processScore.ts';
import { CI_SPEC } from './spec.ts';
import { ANSWER_MARKER } from '../src/task/index.ts';

function args(argv: string[]): { regime: TaskRegime; k: number; n: number } {
  let regime: TaskRegime = 'mixed';
  let k = 8;
  let n = CI_SPEC.evalProblems;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[++i];
    if (a === '--regime') regime = parseRegime(v);
    else if (a === '--samples') k = Number(v);
    else if (a === '--problems') n = Number(v);
    else if (/^\d+$/.test(a)) { k = Number(a); i--; } // the old positional samples-per-problem
    else throw new Error(`sftBreakdown: unknown argument ${JSON.stringify(a)}`);
  }
  if (!Number.isInteger(k) || k < 1 || !Number.isInteger(n) || n < 1) throw new Error('sftBreakdown: --samples and --problems must be positive integers');
  return { regime, k, n };
}

const { regime, k, n } = args(process.argv.slice(2));
const ck = decodeCheckpoint(new Uint8Array(readFileSync(new URL(`../public/${REGIME_MODEL_DIR[regime]}/model.safetensors`, import.meta.url))));
const model = new CpuModel(ck.config, ck.params);
const problems = heldOutProblems(HELDOUT_SEED, n, { minDigits: 2, maxDigits: 2 });
const set = problems.flatMap((p) => Array.from({ length: k }, () => p));
const r = await evaluatePolicy(model, set, {
  maxNewTokens: 96, temperature: 1, seed: 1, delimiter: DEFAULT_GRPO_CONFIG.segment_delimiter, w: DEFAULT_GRPO_CONFIG.process_weight_w,
  chunkSize: set.length,
});
type Row = { restates: boolean; extra: boolean; correct: number; tokens: number; S: number | null; truncated: boolean };
const rows: Row[] = r.rollouts.map((ro) => {
  const labels = classifySegments(ro.cot, { problem: ro.problem });
  const t = r.trajectories.find((x) => x.cot === ro.cot && x.question === ro.problem.question);
  const S = t ? processScore(t.J, { w: DEFAULT_GRPO_CONFIG.process_weight_w }).at(-1)! : null;
  return {
    restates: labels.some((l) => l.kind === 'redundant' || l.backtracking),
    extra: labels.some((l) => l.kind !== 'step' || l.backtracking),
    correct: ro.reward, tokens: ro.cotTokens, S,
    // no answer line within the 96-token cap: wrong by truncation, not by arithmetic
    truncated: !ro.text.includes(ANSWER_MARKER),
  };
});
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const stats = (g: Row[]) => {
  const S = g.map((x) => x.S).filter((x): x is number => x !== null);
  return { n: g.length, accuracy: mean(g.map((x) => x.correct)), cotTokens: mean(g.map((x) => x.tokens)), S: mean(S) };
};
const record: Record<string, unknown> = { regime, problems: n, samples: k, all: stats(rows) };
const line = (name: string, g: Row[]) => {
  const S = g.map((x) => x.S).filter((x): x is number => x !== null);
  return `${name}: n ${g.length}, accuracy ${mean(g.map((x) => x.correct)).toFixed(3)}, CoT tokens ${mean(g.map((x) => x.tokens)).toFixed(1)}, S(K) ${mean(S).toFixed(3)}`;
};
console.log(`${regime} regime, ${n} held-out problems × ${k} samples at T = 1 (float64 CPU reference)`);
console.log(line('all', rows));
for (const [def, key] of [['(a) redundant or backtracking', 'restates'], ['(b) any segment beyond the column steps', 'extra']] as const) {
  const over = rows.filter((x) => x[key]);
  const rest = rows.filter((x) => !x[key]);
  console.log(`${def}: share overthinking ${(over.length / rows.length).toFixed(3)}, accuracy gap (overthinking − concise) ${(mean(over.map((x) => x.correct)) - mean(rest.map((x) => x.correct))).toFixed(3)}`);
  console.log(`  ${line('concise', rest)}`);
  console.log(`  ${line('overthinking', over)}`);
  record[key] = { concise: stats(rest), overthinking: stats(over) };
}
for (const [name, c] of [['correct', 1], ['wrong', 0]] as const) {
  const g = rows.filter((x) => x.correct === c);
  console.log(`${name}: n ${g.length}, CoT tokens ${mean(g.map((x) => x.tokens)).toFixed(1)}, share overthinking (a) ${mean(g.map((x) => (x.restates ? 1 : 0))).toFixed(3)}, no answer line within 96 tokens ${g.filter((x) => x.truncated).length}`);
  record[name] = { n: g.length, cotTokens: mean(g.map((x) => x.tokens)), shareOverthinking: mean(g.map((x) => (x.restates ? 1 : 0))), truncated: g.filter((x) => x.truncated).length };
}
mkdirSync(new URL('./analysis/', import.meta.url), { recursive: true });
const file = new URL(`./analysis/sft-breakdown-${regime}.json`, import.meta.url);
writeFileSync(file, JSON.stringify(record, null, 2) + '\n');
console.log(`wrote ${file.pathname}`);
