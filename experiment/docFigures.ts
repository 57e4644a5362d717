// Every figure docs/experiment.md and README.md quote, computed from the committed results
// (experiment/**/results.json, experiment/analysis/*.json) — see ./docFill.ts for how a doc marks
// them. Pure: `read` returns a file's text (relative to the repository root) or null.
import type { EvalSummary, ExperimentResults } from '../src/rl/report.ts';
import type { AdvEstimator } from '../src/rl/config.ts';
import type { TaskRegime } from '../src/task/regime.ts';
import { byEstimator, estimatorsIn, METRIC_LABEL, NI_MARGIN, regimeOf, type Decoding } from './regimeReport.ts';
import { combineResults } from './merge.ts';
import { comparisonOf, diffCi, f, json, load, MARKS_NOTE, marginMarks, MIN_SEEDS_FOR_INTERVAL, rel, s, type Read } from './docCommon.ts';
import { estimatorRows, rowResults, type EstimatorRow } from './estimatorRows.ts';

export type { Read };

/** The pages whose <!-- fig:… --> spans docFigures fills. */
export const DOCS_WITH_FIGURES = ['docs/experiment.md', 'README.md'];

/** The per-metric table of one comparison: SFT, outcome, RePro (mean ± std), paired difference, relative change. */
export function comparisonTable(r: ExperimentResults, regime: TaskRegime, est: AdvEstimator = 'grpo'): string {
  const c = comparisonOf(r, regime, est);
  const rows: [Decoding, keyof EvalSummary][] = [
    ['sampled', 'accuracy'], ['sampled', 'cot_tokens'], ['sampled', 'backtracking'], ['sampled', 'tokens_after_certainty'],
    ['sampled', 'tokens_after_certainty_self'], ['sampled', 'cot_tokens_correct'], ['greedy', 'accuracy'], ['greedy', 'cot_tokens'], ['greedy', 'tokens_after_certainty'],
  ];
  const out = ['| decoding | metric | SFT | outcome-only | RePro | RePro − outcome (paired 95 % CI) | relative (95 % CI) |', '|---|---|---|---|---|---|---|'];
  for (const [d, k] of rows) {
    const m = (d === 'sampled' ? c.sampled : c.greedy)(k);
    if (Number.isNaN(m.outcome.mean) && Number.isNaN(m.repro.mean)) continue;
    const p = k === 'accuracy' ? 3 : 2;
    out.push(`| ${d} | ${METRIC_LABEL[k]} | ${f(m.before.mean, p)} | ${f(m.outcome.mean, p)} ± ${f(m.outcome.std, p)} | ${f(m.repro.mean, p)} ± ${f(m.repro.std, p)} | ${diffCi(m.diff, p)} | ${rel(m)} |`);
  }
  return out.join('\n');
}

/** The margins' verdict of one comparison, one sentence. */
export function targetLine(r: ExperimentResults, regime: TaskRegime, est: AdvEstimator = 'grpo'): string {
  const c = comparisonOf(r, regime, est);
  const acc = c.sampled('accuracy').diff;
  const few = c.seeds.length < MIN_SEEDS_FOR_INTERVAL;
  const verdict = (point: boolean, ci: boolean) => (ci && !few ? '**met** (whole interval)' : point ? '**met by the point estimate** (not by the whole interval)' : '**not met**');
  const fewNote = few ? ` (${c.seeds.length} seeds: an interval from fewer than ${MIN_SEEDS_FOR_INTERVAL} does not count)` : '';
  return `accuracy non-inferior (paired lower bound ${s(acc.lo, 3)} ≥ −${NI_MARGIN}): ${c.target.accuracyNonInferior && !few ? '**met**' : '**not shown**'}${fewNote}; ` +
    `CoT tokens ≥ 20 % below outcome-only (${rel(c.sampled('cot_tokens'))}): ${verdict(c.target.cotShorter20, c.target.cotShorter20Ci)}; ` +
    `backtracking ≥ 50 % below (${rel(c.sampled('backtracking'))}): ${verdict(c.target.backtracking50, c.target.backtracking50Ci)}`;
}

export interface SweepRow { label: string; results: ExperimentResults; regime: TaskRegime; estimator?: AdvEstimator }

/** One row per comparison: RePro − outcome (sampled) with intervals, and the margins. */
export function sweepTable(rows: SweepRow[]): string {
  const out = ['| run | α | steps | seeds | accuracy (paired 95 % CI) | CoT tokens | backtracking | tokens after certainty (fixed judge) | margins met: non-inferior, −20 %, −50 % |', '|---|---|---|---|---|---|---|---|---|'];
  for (const row of rows) {
    const c = comparisonOf(row.results, row.regime, row.estimator ?? 'grpo');
    out.push(`| ${row.label} | ${c.alpha} | ${c.steps} | ${c.seeds.length} | ${diffCi(c.sampled('accuracy').diff, 3)} | ${rel(c.sampled('cot_tokens'))} | ${rel(c.sampled('backtracking'))} | ` +
      `${rel(c.sampled('tokens_after_certainty'))} | ${marginMarks(c)} |`);
  }
  out.push('', MARKS_NOTE);
  return out.join('\n');
}

/** One regime's runs as they stood after `step` training steps: `after` = the held-out (sampled) point of their eval_curve. */
export function atStep(r: ExperimentResults, step: number, regime: TaskRegime): ExperimentResults {
  return {
    ...r,
    runs: r.runs.filter((x) => regimeOf(x) === regime).map((x) => {
      const p = x.eval_curve?.find((e) => e.step === step);
      if (!p) throw new Error(`atStep: a run (${x.method}, seed ${x.seed}) has no held-out point at step ${step}`);
      const { step: _s, ...after } = p;
      return { ...x, steps: step, after, greedy: undefined };
    }),
  };
}

/** Held-out (sampled) seed means at some steps, both methods: how the lengths move during training. */
export function curveTable(r: ExperimentResults, regime: TaskRegime, steps: number[], est: AdvEstimator = 'grpo'): string {
  const runs = byEstimator(r, est).runs.filter((x) => regimeOf(x) === regime);
  const at = (m: 'outcome' | 'repro', k: keyof EvalSummary, step: number) => {
    const v = runs.filter((x) => x.method === m).map((x) => x.eval_curve?.find((p) => p.step === step)?.[k]);
    return v.some((x) => typeof x !== 'number') || v.length === 0 ? NaN : (v as number[]).reduce((a, b) => a + b, 0) / v.length;
  };
  const out = [`| held-out (sampled), mean over seeds | ${steps.map((x) => `step ${x}`).join(' | ')} |`, `|---|${steps.map(() => '---').join('|')}|`];
  for (const [k, label, d] of [['cot_tokens', 'CoT tokens', 1], ['backtracking', 'backtracking / response', 2], ['tokens_after_certainty', 'tokens after certainty (fixed judge)', 1], ['accuracy', 'accuracy', 3]] as const) {
    for (const m of ['outcome', 'repro'] as const) out.push(`| ${label}, ${m === 'outcome' ? 'outcome-only' : 'RePro'} | ${steps.map((x) => f(at(m, k, x), d)).join(' | ')} |`);
  }
  return out.join('\n');
}

/** Where the margins sit against the floors: a concise CoT (greedy) and no backtracking at all. */
export function floorTable(r: ExperimentResults, regime: TaskRegime): string {
  const c = comparisonOf(r, regime);
  const floor = c.greedy('cot_tokens').before.mean;
  const cot = c.sampled('cot_tokens');
  const bt = c.sampled('backtracking');
  const excess = (x: number) => x - floor;
  return [
    '| | SFT | outcome-only | RePro | floor | outcome-only above the floor | RePro removed of it | the margin asks for |',
    '|---|---|---|---|---|---|---|---|',
    `| CoT tokens (sampled) | ${f(cot.before.mean, 2)} | ${f(cot.outcome.mean, 2)} | ${f(cot.repro.mean, 2)} | ${f(floor, 2)} (a concise CoT: greedy) | ${f(excess(cot.outcome.mean), 2)} | ` +
      `${f(100 * (cot.outcome.mean - cot.repro.mean) / excess(cot.outcome.mean), 0)} % | ${f(100 * 0.2 * cot.outcome.mean / excess(cot.outcome.mean), 0)} % (20 % of all tokens) |`,
    `| backtracking / response | ${f(bt.before.mean, 3)} | ${f(bt.outcome.mean, 3)} | ${f(bt.repro.mean, 3)} | 0 | ${f(bt.outcome.mean, 3)} | ` +
      `${f(100 * (bt.outcome.mean - bt.repro.mean) / bt.outcome.mean, 0)} % | 50 % |`,
  ].join('\n');
}

interface TokenScale { rows: { estimator: string; alpha: number; norm: string; meanAbs: number; concise: number; overthinking: number }[]; stepsAllEqual: number; steps: number; concise: number; overthinking: number; prompts: number; samples: number }
interface AdvScale { w: number; flatGroups: number; prompts: number; group: number; alpha: number; meanAbsOutcome: number; meanAbsProcess: number; classes: Record<string, { segments: number; kept: number; meanRTilde: number; meanTokenAdvantage: number }>; perResponse: { concise: { n: number; meanTokenAdvantage: number }; overthinking: { n: number; meanTokenAdvantage: number } } }

export function tokenScaleTable(t: TokenScale): string {
  const out = ['| process part of the advantage, per token | α | mean \\|·\\| | concise responses | overthinking responses | overthinking − concise |', '|---|---|---|---|---|---|'];
  for (const r of t.rows) {
    const name = r.estimator === 'grpo' ? 'GRPO: α·A^proc (§9)' : r.norm === 'group' ? 'REINFORCE++: r̃_j normalised per group, then α (§9 scaling)' : 'REINFORCE++: raw α·r_j (§11)';
    out.push(`| ${name} | ${r.alpha} | ${f(r.meanAbs, 3)} | ${s(r.concise, 3)} | ${s(r.overthinking, 3)} | ${s(r.overthinking - r.concise, 3)} |`);
  }
  return out.join('\n');
}

export function advantageScaleTable(a: AdvScale): string {
  const c = a.classes;
  const rb = c['redundant/backtracking'];
  return [
    '| what | measured |', '|---|---|',
    `| groups whose outcome rewards are all equal (A_out = 0 for every member) | ${a.flatGroups} / ${a.prompts} |`,
    `| mean \\|A_out\\| per completion token | ${f(a.meanAbsOutcome, 3)} |`,
    `| mean \\|A_proc\\| per token (repro-method.md §9, before α) | ${f(a.meanAbsProcess, 3)} → **${f(a.alpha * a.meanAbsProcess, 3)} at α = ${a.alpha}** |`,
    `| segments kept by topK (§7) | ${Object.values(c).every((x) => x.kept === x.segments) ? '100 % of every class' : Object.entries(c).map(([k, x]) => `${k} ${x.kept}/${x.segments}`).join(', ')} |`,
    `| mean r̃ of kept segments: column steps / redundant or backtracking / "wrong" re-checks | ${s(c.step.meanRTilde, 2)} / **${s(rb.meanRTilde, 2)}** / ${s(c.wrong.meanRTilde, 2)} |`,
    `| mean per-token A_proc of a response: concise (n ${a.perResponse.concise.n}) / overthinking (n ${a.perResponse.overthinking.n}) | ${s(a.perResponse.concise.meanTokenAdvantage, 2)} / **${s(a.perResponse.overthinking.meanTokenAdvantage, 2)}** |`,
  ].join('\n');
}

/** What w does to the process reward's discrimination (advantageScale.ts --w on the same responses). */
export function wScaleTable(rows: AdvScale[]): string {
  const out = ['| w (§6) | mean r̃: column steps | redundant / backtracking | per-token A^proc: concise responses | overthinking responses | overthinking − concise |', '|---|---|---|---|---|---|'];
  for (const a of rows) {
    const c = a.perResponse;
    out.push(`| ${a.w} | ${s(a.classes.step.meanRTilde, 2)} | ${s(a.classes['redundant/backtracking'].meanRTilde, 2)} | ${s(c.concise.meanTokenAdvantage, 2)} | ${s(c.overthinking.meanTokenAdvantage, 2)} | ${s(c.overthinking.meanTokenAdvantage - c.concise.meanTokenAdvantage, 2)} |`);
  }
  return out.join('\n');
}

/** Old mixed-regime sweeps (3 seeds each, TAC self-judged): RePro − outcome per folder. */
export function mixedHistoryTable(read: Read, rows: { label: string; path: string }[]): string {
  const out = ['| run | lr | steps | α | topK | seeds | accuracy, sampled (paired 95 % CI) | accuracy, greedy | CoT tokens | backtracking | tokens after certainty (self-judged) |', '|---|---|---|---|---|---|---|---|---|---|---|'];
  for (const row of rows) {
    const r = load(read, row.path);
    const c = comparisonOf(r, 'mixed');
    const g = (r.regime_configs?.mixed ?? r.config).grpo.repro;
    out.push(`| ${row.label} | ${g.learning_rate} | ${c.steps} | ${c.alpha} | ${g.entropy_top_k} | ${c.seeds.length} | ${diffCi(c.sampled('accuracy').diff, 3)} | ${diffCi(c.greedy('accuracy').diff, 3)} | ` +
      `${rel(c.sampled('cot_tokens'))} | ${rel(c.sampled('backtracking'))} | ${rel(c.sampled('tokens_after_certainty_self'))} |`);
  }
  return out.join('\n');
}

interface SftBreakdown { all: Group; restates: Split; extra: Split; correct: WrongOrRight; wrong: WrongOrRight; problems: number; samples: number }
interface Split { concise: Group; overthinking: Group }
interface Group { n: number; accuracy: number; cotTokens: number; S: number }
interface WrongOrRight { n: number; cotTokens: number; shareOverthinking: number; truncated: number }

function sftBreakdownTable(b: SftBreakdown): string {
  const row = (def: string, name: string, g: Group) => `| ${def} | ${name} | ${g.n} | ${f(g.accuracy, 3)} | ${f(g.cotTokens, 1)} | ${f(g.S, 3)} |`;
  return [
    `| SFT responses (T = 1, ${b.problems} problems × ${b.samples}): overthinking = | | n | accuracy | CoT tokens | S(K) |`, '|---|---|---|---|---|---|',
    row('(a) a redundant or backtracking segment', 'without', b.restates.concise), row('', 'with', b.restates.overthinking),
    row('(b) any segment beyond the column steps (a wrong step included)', 'without', b.extra.concise), row('', 'with', b.extra.overthinking),
    '', `Wrong answers average ${f(b.wrong.cotTokens, 1)} CoT tokens against ${f(b.correct.cotTokens, 1)} for correct ones; ` +
      `${f(100 * b.wrong.shareOverthinking, 0)} % of wrong responses overthink by (a) against ${f(100 * b.correct.shareOverthinking, 0)} % of correct ones.`,
  ].join('\n');
}

const MAIN = 'experiment/results.json';
/** `npm run experiment -- --model toy-llama-verbose --lora … --out experiment/lora` (issue #22 §6) */
const LORA = 'experiment/lora/results.json';
const ESTIMATORS = 'experiment/estimators/results.json';
const sweep = (name: string) => `experiment/sweep/${name}/results.json`;
/** PPO / REINFORCE++ settings on the current verbose checkpoint (experiment/sweep/verbose-{ppo,rpp}-SETTING), in table order */
const EST_SETTINGS = ['alpha-0.1', 'alpha-0.3-norm', 'alpha-1', 'alpha-1-norm', 'alpha-3-norm'];
const SEED_PARTS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
const MIXED_HISTORY = [
  ['α 0.5', 'alpha-0.5'], ['α 1', 'alpha-1'], ['α 1, 60 steps', 'alpha-1-60steps'], ['α 1, topK 2', 'alpha-1-topk-2'],
  ['α 1, topK 1', 'alpha-1-topk-1'], ['lr 5e-4, 16 steps', 'lr-5e-4-16steps'],
] as const;

/** Every generated figure, by the ID the docs use. */
export function docFigures(read: Read): Record<string, string> {
  const main = load(read, MAIN);
  const has = (p: string) => read(p) !== null;
  const v = comparisonOf(main, 'verbose');
  const old1 = comparisonOf(load(read, sweep('verbose-alpha-1')), 'verbose');
  const coverage = (m: 'outcome' | 'repro') => {
    const after = v.runs.runs.filter((x) => x.method === m).map((x) => x.after);
    return `${after.reduce((a, x) => a + (x.tac_covered ?? NaN), 0)}/${after.reduce((a, x) => a + (x.n ?? NaN), 0)}`;
  };
  const steps = Number(v.steps);
  // the same α at fewer steps: a 40-step result of its own (5 seeds in two folders) and the main runs' held-out point at step 20
  const forty = combineResults([load(read, sweep('verbose-alpha-3-40steps')), load(read, sweep('verbose-alpha-3-40steps-s234'))], 'verbose');
  const sweepRows: SweepRow[] = [
    { label: 'α 0.1, 20 steps (earlier runs)', results: load(read, sweep('verbose-alpha-0.1')), regime: 'verbose' },
    { label: 'α 1, 20 steps (earlier runs)', results: load(read, sweep('verbose-alpha-1')), regime: 'verbose' },
    { label: `α ${v.alpha}, step 20 of the ${steps}-step runs`, results: atStep(main, 20, 'verbose'), regime: 'verbose' },
    ...(has(sweep('verbose-alpha-1-40steps')) ? [{ label: 'α 1, 40 steps', results: load(read, sweep('verbose-alpha-1-40steps')), regime: 'verbose' as const }] : []),
    { label: 'α 3, 40 steps', results: forty, regime: 'verbose' },
    ...(has(sweep('verbose-alpha-3-w1-40steps')) ? [{ label: 'α 3, w 1, 40 steps', results: load(read, sweep('verbose-alpha-3-w1-40steps')), regime: 'verbose' as const }] : []),
    ...(steps !== 40 ? [{ label: `**α ${v.alpha}, ${steps} steps** (the result below)`, results: main, regime: 'verbose' as const }] : []),
  ];
  const tokenScale = json<TokenScale>(read, 'experiment/analysis/token-level-scale.json');
  // per estimator and setting: its folder and the folders of seeds run in separate calls (…-s2, …-s3), combined
  const estSweep: EstimatorRow[] = (['reinforce_plus_plus', 'gae'] as const).flatMap((e) => {
    const short = e === 'gae' ? 'ppo' : 'rpp';
    const row = (dir: string, seeds: number[]) =>
      ({ paths: [dir, ...seeds.map((k) => `${dir}-s${k}`)].map(sweep).filter(has), estimator: e as AdvEstimator, regime: 'verbose' as const });
    const sweepRan = has(sweep(`verbose-${short}-alpha-3-norm`)) || has(sweep(`verbose-${short}-alpha-3-norm-s0`));
    return EST_SETTINGS.flatMap((a) => {
      const dir = `verbose-${short}-${a}`;
      // α 1 with r̃ per group also on the α sweep's seeds alone (0 and 1: the folder that holds both,
      // or its -s0 and -s1), so the sweep's 2-seed rows have a same-seed α 1 row beside them
      return a === 'alpha-1-norm' && sweepRan ? [row(dir, [0, 1]), row(dir, SEED_PARTS)] : [row(dir, SEED_PARTS)];
    }).filter((r) => r.paths.length > 0);
  });
  // the README's table: GRPO's main runs, the current checkpoint's PPO / REINFORCE++ runs with r̃ per group (α 1), and the
  // earlier checkpoint's runs of an estimator only while the current checkpoint has fewer than 5 seeds of it
  // every seed of α 1 with r̃ per group: the last -alpha-1-norm row of each estimator (the first may be seeds 0 and 1 alone)
  const current = (['reinforce_plus_plus', 'gae'] as const)
    .map((e) => estSweep.filter((r) => r.estimator === e && r.paths[0].includes('-alpha-1-norm')).at(-1))
    .filter((r): r is EstimatorRow => r !== undefined);
  const fiveSeeds = (r: EstimatorRow) => comparisonOf(rowResults(read, r), 'verbose', r.estimator).seeds.length >= 5;
  const done = new Set(current.filter(fiveSeeds).map((r) => r.estimator));
  const finalRows: EstimatorRow[] = [{ paths: [MAIN], estimator: 'grpo', regime: 'verbose' }, ...current,
    ...(has(ESTIMATORS) ? estimatorsIn(load(read, ESTIMATORS)).filter((e) => e !== 'grpo' && !done.has(e)).map((e) => ({ paths: [ESTIMATORS], estimator: e, regime: 'verbose' as const })) : [])];
  const g3 = (x: number) => f(x, 3);
  const tacGreedy = (c: ReturnType<typeof comparisonOf>, k: keyof EvalSummary) => {
    const m = c.greedy(k);
    return `${g3(m.before.mean)} (SFT) → ${g3(m.outcome.mean)} (outcome-only) / ${g3(m.repro.mean)} (RePro)`;
  };
  const mm = comparisonOf(main, 'mixed');
  return {
    'judge-greedy-cot': f(old1.greedy('cot_tokens').outcome.mean, 2),
    'judge-demo-self': tacGreedy(old1, 'tokens_after_certainty_self'),
    'judge-demo-fixed': tacGreedy(v, 'tokens_after_certainty'),
    'v-sweep': sweepTable(sweepRows),
    'v-main-setting': `α = ${v.alpha}, ${v.steps} steps, ${v.seeds.length} seeds`,
    'v-main-table': comparisonTable(main, 'verbose'),
    'v-main-target': targetLine(main, 'verbose'),
    'v-main-fresh-seeds': freshSeeds(main),
    'v-main-coverage': `outcome-only ${coverage('outcome')}, RePro ${coverage('repro')}`,
    'v-curves': curveTable(main, 'verbose', [0, steps / 4, steps / 2, (3 * steps) / 4, steps]),
    'v-floors': floorTable(main, 'verbose'),
    'v-adv-scale': advantageScaleTable(json<AdvScale>(read, 'experiment/analysis/advantage-scale-verbose.json')),
    'v-w-scale': wScaleTable(['-w0', '', '-w1'].map((x) => json<AdvScale>(read, `experiment/analysis/advantage-scale-verbose${x}.json`))),
    'e-token-scale': tokenScaleTable(tokenScale),
    'e-flat-steps': `${tokenScale.stepsAllEqual} of ${tokenScale.steps}`,
    'e-sweep': estimatorRows(read, estSweep, main),
    'e-final': estimatorRows(read, finalRows, main),
    ...currentEstimatorFigures(read, current),
    'm-main-table': comparisonTable(main, 'mixed'),
    'm-sft-breakdown': sftBreakdownTable(json<SftBreakdown>(read, 'experiment/analysis/sft-breakdown-mixed.json')),
    'm-history': mixedHistoryTable(read, [{ label: `α ${mm.alpha} (the 5-seed runs above)`, path: MAIN }, ...MIXED_HISTORY.map(([label, dir]) => ({ label, path: sweep(dir) }))]),
    'r-regimes': readmeRegimes(main),
    'r-mixed-sft-split': ((b) => `${f(b.extra.overthinking.accuracy, 2)} vs ${f(b.extra.concise.accuracy, 2)}`)(json<SftBreakdown>(read, 'experiment/analysis/sft-breakdown-mixed.json')),
    'r-verbose-sft-gap': ((b) => f(b.restates.concise.accuracy - b.restates.overthinking.accuracy, 3))(json<SftBreakdown>(read, 'experiment/analysis/sft-breakdown-verbose.json')),
    'r-verbose-target': targetLine(main, 'verbose'),
    'r-verbose-setting': `α = ${v.alpha}, ${v.steps} steps`,
    ...(has(LORA) ? loraFigures(main, load(read, LORA)) : {}),
  };
}

/** The LoRA comparison's figures (README and docs/experiment.md). */
function loraFigures(main: ExperimentResults, lora: ExperimentResults): Record<string, string> {
  return {
    'r-lora': readmeLora(main, lora),
    'l-setting': loraSetting(lora),
    'l-table': comparisonTable(lora, 'verbose'),
    'l-target': targetLine(lora, 'verbose'),
    'l-effect': ((c) => `CoT tokens ${rel(c.sampled('cot_tokens'))}, tokens after certainty ${rel(c.sampled('tokens_after_certainty'))}, ` +
      `backtracking ${rel(c.sampled('backtracking'))}, accuracy ${diffCi(c.sampled('accuracy').diff, 3)}`)(comparisonOf(lora, 'verbose')),
  };
}

/** Per estimator (`rpp`, `ppo`) at α 1 with r̃ per group on the current checkpoint: its seeds, the per-metric table and the margins' verdict. */
function currentEstimatorFigures(read: Read, current: EstimatorRow[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [est, short] of [['reinforce_plus_plus', 'rpp'], ['gae', 'ppo']] as const) {
    const row = current.find((r) => r.estimator === est);
    const r = row ? rowResults(read, row) : null;
    const c = r ? comparisonOf(r, 'verbose', est) : null;
    out[`e-${short}-seeds`] = c ? `${c.seeds.length} seeds (${c.seeds.join(', ')})` : 'no runs';
    out[`e-${short}-table`] = r ? comparisonTable(r, 'verbose', est) : '(not run)';
    out[`e-${short}-target`] = r ? targetLine(r, 'verbose', est) : '(not run)';
  }
  return out;
}

/** The margins on the seeds that did not choose the setting (the sweep ran seeds 0 and 1 first). */
function freshSeeds(main: ExperimentResults): string {
  const fresh = { ...main, runs: main.runs.filter((x) => regimeOf(x) !== 'verbose' || x.seed >= 2) };
  const c = comparisonOf(fresh, 'verbose');
  return `seeds ${c.seeds.join(', ')} alone: CoT tokens ${rel(c.sampled('cot_tokens'))}, backtracking ${rel(c.sampled('backtracking'))}, accuracy ${diffCi(c.sampled('accuracy').diff, 3)}`;
}

/** One comparison's three README rows (sampled view): outcome → RePro, the paired difference, the relative change. */
function readmeRows(c: ReturnType<typeof comparisonOf>, name: string, tac: keyof EvalSummary): string[] {
  const keys: [keyof EvalSummary, number][] = [['accuracy', 3], ['cot_tokens', 1], ['backtracking', 2], [tac, 2]];
  return [
    `| ${name} | outcome → RePro | ${keys.map(([k, d]) => `${f(c.sampled(k).outcome.mean, d)} → ${f(c.sampled(k).repro.mean, d)}`).join(' | ')} |`,
    `| | RePro − outcome [95 % CI] | ${keys.map(([k, d]) => diffCi(c.sampled(k).diff, d)).join(' | ')} |`,
    `| | relative [95 % CI] | ${keys.map(([k]) => rel(c.sampled(k))).join(' | ')} |`,
  ];
}

/** The README's two-regime table: outcome → RePro, then the paired difference and the relative change. */
function readmeRegimes(main: ExperimentResults): string {
  const out = ['| regime | | accuracy | CoT tokens | backtracking / response | tokens after certainty |', '|---|---|---|---|---|---|'];
  for (const regime of ['verbose', 'mixed'] as const) {
    const c = comparisonOf(main, regime);
    const tac: keyof EvalSummary = regime === 'verbose' ? 'tokens_after_certainty' : 'tokens_after_certainty_self';
    out.push(...readmeRows(c, `${regime} (α ${c.alpha}, ${c.steps} steps, ${c.seeds.length} seeds)`, tac));
  }
  out.push('', 'Sampled view (32 held-out problems × 4 responses at T = 1), after training; tokens after certainty by the fixed judge (the SFT checkpoint\'s J) in the verbose rows, self-judged in the mixed rows (those runs predate the judge).');
  return out.join('\n');
}

/** The LoRA comparison's settings in words, from its results. */
function loraSetting(lora: ExperimentResults): string {
  const c = comparisonOf(lora, 'verbose');
  const cfg = lora.regime_configs?.verbose ?? lora.config;
  const m = cfg.model;
  if (!m) throw new Error(`docFigures: ${LORA} holds no LoRA runs (config.model is absent)`);
  const g = cfg.grpo.repro;
  return `${m.name}, LoRA r ${m.lora.r}, lora_alpha ${m.lora.lora_alpha} on ${m.lora.target_modules.length === 7 ? 'all seven linears' : m.lora.target_modules.join(', ')}; ` +
    `GRPO, α ${c.alpha}, ${c.steps} steps, lr ${g.learning_rate}, ${g.per_device_train_batch_size} prompts × ${g.num_generations} samples per step, ${c.seeds.length} seeds; ` +
    `${cfg.eval_problems} held-out problems × ${cfg.eval_samples ?? 1} sampled response${(cfg.eval_samples ?? 1) === 1 ? '' : 's'} (and a greedy one)`;
}

/** The README's verbose-regime table: the toy GPT-2 with full weights beside the toy Llama with LoRA (same columns). */
function readmeLora(main: ExperimentResults, lora: ExperimentResults): string {
  const full = comparisonOf(main, 'verbose');
  const l = comparisonOf(lora, 'verbose');
  const cfgOf = (r: ExperimentResults) => r.regime_configs?.verbose ?? r.config;
  const m = cfgOf(lora).model!;
  // the training budget and the evaluation size of each row, from its own config
  const budget = (r: ExperimentResults, c: ReturnType<typeof comparisonOf>) => {
    const k = cfgOf(r);
    const g = k.grpo.repro;
    return `α ${c.alpha}, ${c.steps} steps × ${g.per_device_train_batch_size * g.num_generations} rollouts, lr ${g.learning_rate}, ${c.seeds.length} seeds, ${k.eval_problems} × ${k.eval_samples ?? 1} held-out responses`;
  };
  const out = ['| verbose regime: model, training | | accuracy | CoT tokens | backtracking / response | tokens after certainty (fixed judge) |', '|---|---|---|---|---|---|',
    ...readmeRows(full, `toy GPT-2, full weights (${budget(main, full)})`, 'tokens_after_certainty'),
    ...readmeRows(l, `${m.name}, LoRA r ${m.lora.r} (${budget(lora, l)})`, 'tokens_after_certainty')];
  out.push('', `Non-inferiority of accuracy (paired 95 % lower bound ≥ −${NI_MARGIN}): full weights ${full.target.accuracyNonInferior ? 'shown' : 'not shown'} ` +
    `(${s(full.sampled('accuracy').diff.lo, 3)}), LoRA ${l.target.accuracyNonInferior ? 'shown' : 'not shown'} (${s(l.sampled('accuracy').diff.lo, 3)}). ` +
    'Sampled view after training; tokens after certainty by each comparison\'s fixed judge (its starting model\'s J).');
  return out.join('\n');
}
