// `npm run experiment [-- --regime verbose|mixed] [--estimator grpo,gae,reinforce_plus_plus] [--full] [--seeds 0,1,2,3,4] [--steps N] [--eval-samples K] [--lr X]
// [--alpha A] [--top-k K] [--w W] [--process-norm none|group] [--eval-every N] [--out DIR] [--timeout-min M] [--methods repro --outcome-from FILE]
// [--model toy-llama-verbose --lora [--lora-r R] [--lora-alpha A] [--lora-targets q_proj,…]]` (experiment/cli.ts), or `npm run experiment --
// --report DIR` to re-render DIR/results.{md,svg} from DIR/results.json: outcome-only vs RePro GRPO from
// the regime's bundled SFT checkpoint, same seeds, in headless Chromium on WebGPU (experiment/page.ts
// through scripts/lib/headless.ts). results.json holds both regimes' runs: a run replaces the
// earlier runs of its regime and keeps the other regime's. Writes results.json, results.md (per
// regime: mean ± std, the seed-paired RePro − outcome difference with its 95 % CI) and
// results.svg. Defaults are sized for SwiftShader in CI; --full is for a real GPU.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInChromium } from '../scripts/lib/headless.ts';
import { markdownTable, type ExperimentResults } from '../src/rl/report.ts';
import { ESTIMATOR_LABELS } from '../src/rl/config.ts';
import { estimatorTable } from './estimatorTable.ts';
import { parseExperimentArgs } from './cli.ts';
import { combineResults, mergeRegimeResults } from './merge.ts';
import { withOutcomeRunsFrom } from './reuseOutcome.ts';
import { labelJudges } from './judgeLabels.ts';
import { byEstimator, estimatorsIn, regimeOf, regimeTables } from './regimeReport.ts';
import { curvesSvg } from './curvesPlot.ts';
import { docFigures, DOCS_WITH_FIGURES } from './docFigures.ts';
import { fillSpans } from './docFill.ts';
import { parseRegime, TASK_REGIMES } from '../src/task/regime.ts';

const here = fileURLToPath(new URL('./', import.meta.url));

/** A results.json, with a pre-judge file's tokens after certainty labelled self-judged. */
const readResults = (path: string): ExperimentResults => labelJudges(JSON.parse(readFileSync(path, 'utf8')) as ExperimentResults);

/** results.md (per regime: paired comparison, then the before/after table) and results.svg; from the results alone. */
function writeReport(results: ExperimentResults, outDir: string): string {
  const ests = estimatorsIn(results);
  const title = ests.length === 1 ? ESTIMATOR_LABELS[ests[0]] : ests.map((e) => ESTIMATOR_LABELS[e]).join(', ');
  const parts = [`# ${title}: outcome-only vs RePro (${results.config.adapter})\n`,
    'Per regime and metric: mean ± std over seeds (sample std), and RePro − outcome-only paired by seed with a 95 % Student-t ' +
    'interval. "sampled" = eval_samples responses per held-out problem at the training temperature; "greedy" = one greedy response. ' +
    'cot_tokens_correct = CoT tokens of the correct responses only.\n', regimeTables(results)];
  // several estimators (--estimator): the paper-shaped table, RePro − outcome per estimator
  if (ests.length > 1 || (ests.length === 1 && ests[0] !== 'grpo')) {
    parts.push('### Per RL estimator (repro-method.md §11)\n\nAfter training, sampled view; each cell: outcome → RePro (paired difference RePro − outcome over seeds with its 95 % t interval; relative change with its 95 % delta-method interval). Tokens after certainty: the fixed judge (the SFT checkpoint J).\n', estimatorTable(results));
  }
  for (const regime of TASK_REGIMES) for (const est of ests) {
    const runs = byEstimator(results, est).runs.filter((r) => regimeOf(r) === regime);
    if (runs.length === 0) continue;
    const c = results.regime_configs?.[regime] ?? results.config;
    const g = c.grpo.repro;
    // each run records its own α (a combined file holds several); older runs: the file's
    const alphas = [...new Set(runs.filter((r) => r.method === 'repro').map((r) => r.process_reward_coef ?? g.process_reward_coef))].join(', ');
    const norm = est !== 'grpo' && runs.some((r) => r.process_reward_norm === 'group') ? ' on process rewards normalised per group (process_reward_norm group)' : '';
    const lora = c.model ? ` (${c.model.name}: LoRA r ${c.model.lora.r}, lora_alpha ${c.model.lora.lora_alpha}, target_modules ${c.model.lora.target_modules.join(', ')}; base frozen)` : ' (full weights)';
    parts.push(`#### ${regime}${ests.length > 1 ? ` · ${ESTIMATOR_LABELS[est]}` : ''}: settings and the before/after table\n\nCheckpoint ${c.checkpoint ?? '/models/toy-reasoner/model.safetensors'}${lora}; ` +
      `learning_rate ${g.learning_rate}, α (process_reward_coef) ${alphas || '—'}${norm}, w ${g.process_weight_w}, topK ${g.entropy_top_k}, steps ${[...new Set(runs.map((r) => r.steps))].join('/')}, ` +
      `${g.per_device_train_batch_size} prompts × ${g.num_generations} samples per step; ${c.eval_problems} held-out problems, ` +
      `${c.eval_samples ?? 1} sampled responses each.\n\n${markdownTable({ ...results, runs })}`);
  }
  // the plot averages runs per method: one estimator's (GRPO when it ran)
  const plotted = ests.includes('grpo') ? 'grpo' : ests[0];
  parts.push(`![per regime: train reward, CoT tokens, backtracking and tokens after certainty per step${ests.length > 1 ? ` (${ESTIMATOR_LABELS[plotted]} runs)` : ''}](results.svg)\n`);
  const md = parts.join('\n');
  writeFileSync(join(outDir, 'results.md'), md);
  writeFileSync(join(outDir, 'results.svg'), curvesSvg(ests.length > 1 ? byEstimator(results, plotted) : results));
  return md;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--combine') {
    // --combine OUT_DIR REGIME IN_DIR… : one regime's runs from several results files (experiment/merge.ts) into OUT_DIR/results.json
    const [out, regime, ...ins] = argv.slice(1);
    if (!out || !regime || ins.length === 0) throw new Error('usage: --combine OUT_DIR mixed|verbose IN_DIR…');
    const g = parseRegime(regime);
    const combined = combineResults(ins.map((d) => readResults(join(d, 'results.json'))), g);
    mkdirSync(out, { recursive: true });
    // OUT's results.json keeps its other regime's runs, as a run does
    const path = join(out, 'results.json');
    const merged = mergeRegimeResults(existsSync(path) ? readResults(path) : null, combined, g);
    writeFileSync(path, JSON.stringify(merged, null, 2) + '\n');
    console.log(writeReport(merged, out));
    return;
  }
  if (argv[0] === '--docs') {
    // the figures in docs/experiment.md and README.md, from the committed results (experiment/docFigures.ts)
    const root = fileURLToPath(new URL('../', import.meta.url));
    const read = (p: string) => (existsSync(join(root, p)) ? readFileSync(join(root, p), 'utf8') : null);
    const figures = docFigures(read);
    for (const doc of DOCS_WITH_FIGURES) writeFileSync(join(root, doc), fillSpans(read(doc)!, figures));
    console.log(`wrote the figures of ${DOCS_WITH_FIGURES.join(', ')}`);
    return;
  }
  if (argv[0] === '--report') {
    // Re-render results.md / results.svg of an earlier run: --report DIR (holding results.json).
    const dir = argv[1] ?? here;
    console.log(writeReport(readResults(join(dir, 'results.json')), dir));
    return;
  }
  const { spec, timeoutMs, outDir: given, outcomeFrom } = parseExperimentArgs(argv);
  // Read before hours of training, so a missing file fails now.
  const outcomeSource = outcomeFrom === null ? null : readResults(outcomeFrom);
  const outDir = given ?? here;
  mkdirSync(outDir, { recursive: true });
  const ran = (await runInChromium({
    page: '/experiment/index.html',
    query: { spec: JSON.stringify(spec) },
    timeoutMs,
  })) as ExperimentResults;
  const results = outcomeSource ? withOutcomeRunsFrom(outcomeSource, ran, spec.regime) : ran;
  const path = join(outDir, 'results.json');
  const previous = existsSync(path) ? readResults(path) : null;
  const merged = mergeRegimeResults(previous, results, spec.regime);
  writeFileSync(path, JSON.stringify(merged, null, 2) + '\n');
  console.log(writeReport(merged, outDir));
}

main().catch((e: unknown) => {
  console.error((e as Error).stack ?? String(e));
  process.exitCode = 1;
});
