// The page `npm run train:toy` opens in headless Chromium (scripts/trainToy.ts): SFT of the toy
// reasoner on WebGPU, then the held-out evaluation (greedy, and sampled at temperature 1 as GRPO
// rollouts are), then the files, sent back through the headless runner's bridge
// (scripts/lib/headless.ts: __log, __writeFile, __report). The run's spec arrives as JSON in
// ?spec= (missing fields take DEFAULT_TRAIN_TOY_SPEC's values). Mode 'eval' skips training: it
// re-evaluates the bundled checkpoint and rewrites eval.json only.
import { acquireGpu, type GpuContext } from '../../src/gpu/device.ts';
import { GpuModel } from '../../src/engine/gpu/model.ts';
import { initParams } from '../../src/engine/init.ts';
import { decodeCheckpoint } from '../../src/engine/checkpoint.ts';
import { runSft, type SftLog } from '../../src/engine/sft.ts';
import { evaluateToy } from '../../src/engine/evalToy.ts';
import { heldOutProblems } from '../../src/task/problem.ts';
import { mergeSpec, MONITOR_SEED, type TrainToySpec } from './spec.ts';
import { bridge, log } from '../lib/pageBridge.ts';
import { REGIME_MODEL_DIR } from '../../src/task/regime.ts';
import { jsonFile, modelFiles, toBase64, type OutputFiles } from './outputs.ts';
import { formatExample, pickExamples } from './trajectories.ts';

/** Held-out problems (the first of the eval set) the bundled model's regression test re-runs. */
const GUARD_PROBLEMS = 50;
/** Sampling seed of the temperature-1 evaluation. */
const SAMPLED_SEED = 99;

function readSpec(): TrainToySpec {
  const raw = new URLSearchParams(location.search).get('spec');
  const given = raw ? (JSON.parse(raw) as Partial<TrainToySpec>) : {};
  return mergeSpec(given);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/** What training leaves for eval.json. */
interface TrainingRecord {
  stepsDone: number;
  throughput: { medianTokensPerS: number; msPerStep: number; trainSeconds: number };
  finalLoss: number | undefined;
  monitor: { step: number; accuracy: number; meanCotTokens: number; shareRedundantOrBacktracking: number }[];
  logs: SftLog[];
}

async function train(model: GpuModel, spec: TrainToySpec): Promise<TrainingRecord> {
  const monitorProblems = heldOutProblems(MONITOR_SEED, spec.monitorProblems, spec.sft.problem);
  const logs: SftLog[] = [];
  const monitor: TrainingRecord['monitor'] = [];
  const t0 = performance.now();
  let evalMs = 0;
  const result = await runSft(model, spec.mode === 'bench' ? { ...spec.sft, evalEvery: 0 } : spec.sft, {
    onLog: (l) => {
      logs.push(l);
      if (l.step % spec.logEvery === 0 || l.step === spec.sft.steps - 1) {
        log(`step ${l.step} loss ${l.loss.toFixed(4)} gradNorm ${l.gradNorm.toFixed(3)} lr ${l.lr.toExponential(2)} tok/s ${l.tokensPerS.toFixed(0)}${l.skipped ? ' SKIPPED' : ''}`);
      }
    },
    onEval: async (stepsDone) => {
      if (spec.mode === 'bench' || monitorProblems.length === 0) return;
      const e0 = performance.now();
      const { summary } = await evaluateToy(model, monitorProblems, { probeJ: false });
      evalMs += performance.now() - e0;
      monitor.push({ step: stepsDone, accuracy: summary.accuracy, meanCotTokens: summary.meanCotTokens, shareRedundantOrBacktracking: summary.shareRedundantOrBacktracking });
      log(`monitor @${stepsDone}: greedy accuracy ${summary.accuracy.toFixed(3)} cot ${summary.meanCotTokens.toFixed(1)} tokens, overthinking ${summary.shareRedundantOrBacktracking.toFixed(2)}`);
    },
  });
  const trainSeconds = (performance.now() - t0 - evalMs) / 1000;
  const throughput = {
    medianTokensPerS: median(logs.slice(Math.min(5, logs.length - 1)).map((l) => l.tokensPerS)),
    msPerStep: (1000 * trainSeconds) / Math.max(1, result.stepsDone),
    trainSeconds,
  };
  log(`trained ${result.stepsDone} steps in ${trainSeconds.toFixed(1)} s: ${throughput.msPerStep.toFixed(0)} ms/step, median ${throughput.medianTokensPerS.toFixed(0)} positions/s`);
  return { stepsDone: result.stepsDone, throughput, finalLoss: logs.at(-1)?.loss, monitor, logs };
}

/** Greedy and sampled held-out evaluation with J trajectories; returns eval.json's content. */
async function evaluate(model: GpuModel, spec: TrainToySpec, adapter: string, training: Omit<TrainingRecord, 'logs'> | null): Promise<{ json: unknown; responses: string }> {
  const problems = heldOutProblems(spec.evalSeed, spec.evalProblems, spec.sft.problem); // the digits it was trained on
  const e0 = performance.now();
  const greedy = await evaluateToy(model, problems, { probeJ: true });
  log(`held-out greedy (${problems.length} problems): ${JSON.stringify(greedy.summary)}`);
  const sampled = await evaluateToy(model, problems, { probeJ: true, temperature: 1, seed: SAMPLED_SEED });
  log(`held-out sampled T=1: ${JSON.stringify(sampled.summary)}`);
  const evalSeconds = (performance.now() - e0) / 1000;
  const examples = pickExamples(sampled.responses, spec.showTrajectories);
  for (const e of examples) for (const line of formatExample(e)) log(line);
  // The regression guard of test/gpu/engine/sftRun.test.ts re-runs the first GUARD_PROBLEMS greedily.
  const n = Math.min(GUARD_PROBLEMS, greedy.responses.length);
  const guard = { problems: n, accuracy: greedy.responses.slice(0, n).filter((r) => r.correct).length / Math.max(1, n) };
  const json = {
    adapter, date: new Date().toISOString(), spec, ...training, evalSeconds,
    greedy: greedy.summary, sampled: { temperature: 1, seed: SAMPLED_SEED, ...sampled.summary }, guard, examples,
  };
  const responses = [...greedy.responses.map((r) => ({ decoding: 'greedy', ...r })), ...sampled.responses.map((r) => ({ decoding: 'sampled', ...r }))];
  return { json, responses: responses.map((r) => JSON.stringify(r)).join('\n') + '\n' };
}

async function loadBundled(ctx: GpuContext, asked: TrainToySpec): Promise<{ model: GpuModel; spec: TrainToySpec; training: Omit<TrainingRecord, 'logs'> | null }> {
  const BUNDLED = `/${REGIME_MODEL_DIR[asked.regime]}/`;
  const ck = decodeCheckpoint(new Uint8Array(await (await fetch(`${BUNDLED}model.safetensors`)).arrayBuffer()));
  const spec = mergeSpec(JSON.parse(ck.metadata?.recipe ?? '{}') as Partial<TrainToySpec>);
  const previous = await fetch(`${BUNDLED}eval.json`).then((r) => (r.ok ? r.json() : null)).catch(() => null);
  const training = previous ? { stepsDone: previous.stepsDone ?? Number(ck.metadata?.sft_steps), throughput: previous.throughput, finalLoss: previous.finalLoss, monitor: previous.monitor } : null;
  return { model: await GpuModel.create(ctx, ck.config, ck.params), spec: { ...spec, evalProblems: asked.evalProblems, mode: 'eval' }, training };
}

async function main(): Promise<void> {
  const asked = readSpec();
  const ctx = await acquireGpu();
  const adapter = `${ctx.adapterInfo.vendor}/${ctx.adapterInfo.architecture}`;
  let files: OutputFiles;
  let report: unknown;
  if (asked.mode === 'eval') {
    const { model, spec, training } = await loadBundled(ctx, asked);
    log(`adapter ${adapter}; re-evaluating the bundled ${JSON.stringify(spec.model)}`);
    const { json, responses } = await evaluate(model, spec, adapter, training);
    files = { 'eval.json': jsonFile(json), 'eval-responses.jsonl': new TextEncoder().encode(responses) };
    report = json;
    model.dispose();
  } else {
    const spec = asked;
    log(`adapter ${adapter}; model ${JSON.stringify(spec.model)}; ${spec.sft.steps} steps × B=${spec.sft.batchSize}`);
    const model = await GpuModel.create(ctx, spec.model, initParams(spec.model, spec.initSeed), {
      maxBatchTokens: Math.max(16, spec.sft.batchSize) * spec.model.blockSize,
    });
    const { logs, ...training } = await train(model, spec);
    if (spec.mode === 'bench') {
      await bridge.__report?.(JSON.stringify({ adapter, ...training }));
      return;
    }
    const { json, responses } = await evaluate(model, spec, adapter, training);
    files = {
      ...modelFiles(spec.model, await model.getParams(), spec, training.stepsDone),
      'eval.json': jsonFile(json),
      'train-log.jsonl': new TextEncoder().encode(logs.map((l) => JSON.stringify(l)).join('\n') + '\n'),
      'eval-responses.jsonl': new TextEncoder().encode(responses),
    };
    report = json;
    model.dispose();
  }
  for (const [name, bytes] of Object.entries(files)) await bridge.__writeFile?.(name, toBase64(bytes));
  ctx.device.destroy();
  await bridge.__report?.(JSON.stringify({ report, files: Object.keys(files) }));
}

main().catch((e: unknown) => {
  log(`train:toy failed: ${(e as Error).stack ?? String(e)}`);
  throw e;
});
