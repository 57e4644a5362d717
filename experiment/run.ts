// `npm run experiment [-- --full] [--estimator grpo,gae,reinforce_plus_plus] [--seeds 0,1,2] [--steps N] [--eval-samples K] [--lr X] [--alpha A] [--top-k K] [--out DIR] [--timeout-min M]`
// or `npm run experiment -- --report DIR` to re-render DIR/results.{md,svg} from DIR/results.json: outcome-only vs
// RePro GRPO from the bundled SFT checkpoint, same seeds, in headless Chromium on WebGPU
// (experiment/page.ts through scripts/lib/headless.ts). Writes experiment/results.json,
// experiment/results.md (mean ± std over seeds, before/after) and experiment/results.svg.
// Defaults are sized for SwiftShader in CI; --full is for a real GPU.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInChromium } from '../scripts/lib/headless.ts';
import { markdownTable, reproVsOutcome, rewardPlotSvg, type ExperimentResults } from '../src/rl/report.ts';
import { ADV_ESTIMATORS, ESTIMATOR_LABELS, presetConfig, type AdvEstimator } from '../src/rl/config.ts';
import { estimatorOf, estimatorTable } from '../src/rl/estimatorTable.ts';
import { CI_SPEC, FULL_SPEC, type ExperimentSpec } from './spec.ts';

const here = fileURLToPath(new URL('./', import.meta.url));

function parseArgs(argv: string[]): { spec: ExperimentSpec; timeoutMs: number; outDir: string } {
  let spec: ExperimentSpec = argv.includes('--full') ? FULL_SPEC : CI_SPEC;
  let timeoutMs = (spec.full ? 600 : 60) * 60_000;
  let outDir = here;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`experiment: ${a} needs a value`);
      return v;
    };
    if (a === '--full') continue;
    else if (a === '--seeds') spec = { ...spec, seeds: value().split(',').map((s) => Number(s)) };
    else if (a === '--steps') spec = { ...spec, steps: Number(value()) };
    else if (a === '--eval-samples') spec = { ...spec, evalSamples: Number(value()) };
    else if (a === '--lr') spec = { ...spec, overrides: { ...spec.overrides, learning_rate: Number(value()) } };
    else if (a === '--alpha') spec = { ...spec, overrides: { ...spec.overrides, process_reward_coef: Number(value()) } };
    else if (a === '--top-k') spec = { ...spec, overrides: { ...spec.overrides, entropy_top_k: Number(value()) } };
    else if (a === '--estimator') {
      const list = value().split(',') as AdvEstimator[];
      const bad = list.find((e) => !ADV_ESTIMATORS.includes(e));
      if (bad !== undefined) throw new Error(`experiment: --estimator must be ${ADV_ESTIMATORS.join(' | ')} (comma-separated for several), got ${JSON.stringify(bad)}`);
      spec = { ...spec, estimators: list };
    } else if (a === '--timeout-min') timeoutMs = Number(value()) * 60_000;
    else if (a === '--out') outDir = value();
    else throw new Error(`experiment: unknown argument ${JSON.stringify(a)} (see the header of experiment/run.ts)`);
  }
  if (spec.seeds.length === 0 || spec.seeds.some((s) => !Number.isInteger(s))) throw new Error('experiment: --seeds must be integers, e.g. 0,1,2');
  if (!Number.isInteger(spec.steps) || spec.steps < 1) throw new Error('experiment: --steps must be a positive integer');
  if (!Number.isInteger(spec.evalSamples) || spec.evalSamples < 1) throw new Error('experiment: --eval-samples must be a positive integer');
  try {
    presetConfig('repro', spec.overrides); // --lr, --alpha, --top-k: checked here, not hours later in the page
  } catch (e) {
    throw new Error(`experiment: ${(e as Error).message}`);
  }
  return { spec, timeoutMs, outDir };
}

/** results.md (table + criteria line) and results.svg next to results.json; from the results alone. */
function writeReport(results: ExperimentResults, outDir: string): string {
  const c = reproVsOutcome(results);
  const g = results.config.grpo.repro;
  const steps = Math.max(...results.runs.map((r) => r.steps));
  const seeds = [...new Set(results.runs.map((r) => r.seed))];
  const pct = (x: number) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)} %`;
  const sampled = results.config.eval_samples === undefined
    ? '"sampled" = greedy (this run predates sampled evaluation)'
    : `"sampled" = ${results.config.eval_samples} responses per problem at the training temperature`;
  const estimators = ADV_ESTIMATORS.filter((e) => results.runs.some((r) => estimatorOf(r) === e));
  if (estimators.length > 1 || estimators[0] !== 'grpo') {
    // several estimators: the paper-shaped table first, then each estimator's own report
    const parts = estimators.map((e) => {
      const sub: ExperimentResults = { ...results, runs: results.runs.filter((r) => estimatorOf(r) === e) };
      return `## ${ESTIMATOR_LABELS[e]}\n\n${markdownTable(sub)}`;
    });
    const mdAll = `# RePro vs outcome-only per RL estimator (${results.config.adapter}, ${steps} steps, seeds ${seeds.join(', ')})\n\n` +
      `After training, sampled view; each cell: outcome → RePro (paired difference RePro − outcome over seeds ± its 95 % CI, Student t).\n\n` +
      `${estimatorTable(results)}\n${parts.join('\n')}`;
    writeFileSync(join(outDir, 'results.md'), mdAll);
    writeFileSync(join(outDir, 'results.svg'), rewardPlotSvg({ ...results, runs: results.runs.filter((r) => estimatorOf(r) === estimators[0]) }));
    return mdAll;
  }
  const md = `# GRPO: outcome-only vs RePro (${results.config.adapter}, ${steps} steps, seeds ${seeds.join(', ')})\n\n` +
    `GRPO: learning_rate ${g.learning_rate}, α (process_reward_coef) ${g.process_reward_coef}, ` +
    `${g.per_device_train_batch_size} prompts × ${g.num_generations} samples per step, topK ${g.entropy_top_k}. ` +
    `Held-out set: ${results.config.eval_problems} problems; ${sampled}, "greedy" = one greedy response. ` +
    `Mean ± std over seeds; cot_tokens_correct = CoT tokens of the correct responses only.\n\n${markdownTable(results)}\n` +
    `RePro after vs outcome-only after (sampled): accuracy ${c.accuracy_diff >= 0 ? '+' : ''}${c.accuracy_diff.toFixed(3)}, ` +
    `CoT tokens ${pct(c.cot_tokens_change)}, backtracking ${pct(c.backtracking_change)} ` +
    `(the paper's direction: accuracy not lower, CoT tokens ≤ −20 %, backtracking ≤ −50 %).\n\n![mean train reward](results.svg)\n`;
  writeFileSync(join(outDir, 'results.md'), md);
  writeFileSync(join(outDir, 'results.svg'), rewardPlotSvg(results));
  return md;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--report') {
    // Re-render results.md / results.svg of an earlier run: --report DIR (holding results.json).
    const dir = argv[1] ?? here;
    console.log(writeReport(JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as ExperimentResults, dir));
    return;
  }
  const { spec, timeoutMs, outDir } = parseArgs(argv);
  mkdirSync(outDir, { recursive: true });
  const results = (await runInChromium({
    page: '/experiment/index.html',
    query: { spec: JSON.stringify(spec) },
    timeoutMs,
  })) as ExperimentResults;
  writeFileSync(join(outDir, 'results.json'), JSON.stringify(results, null, 2) + '\n');
  console.log(writeReport(results, outDir));
}

main().catch((e: unknown) => {
  console.error((e as Error).stack ?? String(e));
  process.exitCode = 1;
});
