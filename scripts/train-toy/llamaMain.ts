// The page `npm run train:toy -- --arch llama` opens in headless Chromium (./llamaRun.ts): the
// written toy Llama folder opened by the engine's Llama-family loader (src/engine/lm/
// loadEngineModel.ts, as the app opens any hub model), its log-probs on a few traces checked
// against the torch reference (expectations from the runner) and the float64 CPU reference, then
// the held-out evaluation of the GPT-2 checkpoints' eval.json (src/rl/evaluate.ts: greedy, and
// sampled at temperature 1 as RL rollouts are). Query: ?spec= (ToyLlamaSpec JSON), ?model= (the
// folder's URL), ?check= (the torch expectations' URL).
import { acquireGpu } from '../../src/gpu/device.ts';
import { loadEngineModel } from '../../src/engine/lm/loadEngineModel.ts';
import type { EngineLanguageModel } from '../../src/engine/lm/engineLanguageModel.ts';
import { llamaConfigFromHf } from '../../src/engine/hf/hfConfig.ts';
import { decodeSafetensors, llamaCpuWeights } from '../../src/engine/hf/llamaCpuWeights.ts';
import { cpuForwardLogits } from '../../src/engine/cpu/forward.ts';
import { logitsKernelFor } from '../../src/gpu/logitsKernel.ts';
import { evaluatePolicy } from '../../src/rl/evaluate.ts';
import type { TrainableModel } from '../../src/engine/types.ts';
import { heldOutProblems } from '../../src/task/problem.ts';
import { bridge, log } from '../lib/pageBridge.ts';
import { enginePolicy } from './enginePolicy.ts';
import { checkSequences, maxAbsDiff } from './llamaCheck.ts';
import type { ToyLlamaSpec } from './llamaSpec.ts';
import { jsonFile, toBase64 } from './outputs.ts';
import { formatExample, pickExamples } from './trajectories.ts';

const GUARD_PROBLEMS = 50;
const SAMPLED_SEED = 99;
/** The model folder's files (a fetch source lists them: the loader looks for nothing else). */
const FILES = ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'model.safetensors'];

const q = new URLSearchParams(location.search);

async function fetchBytes(url: string): Promise<Uint8Array> {
  const r = await fetch(url);
  if (!r.ok || (r.headers.get('content-type') ?? '').includes('text/html')) throw new Error(`GET ${url}: not found`);
  return new Uint8Array(await r.arrayBuffer());
}

/** log p(ids[t+1] | ids[..t]) for every t: one engine forward, the fused stats kernel. */
async function engineLogprobs(model: EngineLanguageModel, ids: number[]): Promise<number[]> {
  const r = await model.forward(ids.slice(0, -1), model.emptyCache());
  try {
    return Array.from((await logitsKernelFor(model)(r.logits, Int32Array.from(ids.slice(1)))).targetLogProb);
  } finally {
    r.dispose();
    r.cache.dispose();
  }
}

/** Engine vs torch vs the float64 CPU reference on the check traces. */
async function agreement(model: EngineLanguageModel, base: string): Promise<Record<string, number>> {
  const seqs = checkSequences();
  const expected = (await (await fetch(q.get('check')!)).json()) as { sequences: { ids: number[]; logprobs: number[] }[] };
  expected.sequences.forEach((s, i) => {
    if (s.ids.join() !== seqs[i].join()) throw new Error(`torch expectations: sequence ${i} is not the check trace`);
  });
  const cfg = llamaConfigFromHf(JSON.parse(new TextDecoder().decode(await fetchBytes(`${base}config.json`))) as Record<string, unknown>);
  const w = llamaCpuWeights(cfg, decodeSafetensors([await fetchBytes(`${base}model.safetensors`)]));
  const V = cfg.vocabSize;
  const engine: number[][] = [];
  const cpu: number[][] = [];
  for (const ids of seqs) {
    engine.push(await engineLogprobs(model, ids));
    const logits = cpuForwardLogits(cfg, w, ids.slice(0, -1));
    cpu.push(ids.slice(1).map((id, t) => {
      const z = logits.subarray(t * V, (t + 1) * V);
      const m = Math.max(...z);
      return z[id] - m - Math.log(z.reduce((a, x) => a + Math.exp(x - m), 0));
    }));
  }
  const torch = expected.sequences.map((s) => s.logprobs);
  return {
    sequences: seqs.length, positions: seqs.reduce((n, s) => n + s.length - 1, 0),
    engineVsTorch: maxAbsDiff(engine, torch), engineVsCpu: maxAbsDiff(engine, cpu), cpuVsTorch: maxAbsDiff(cpu, torch),
  };
}

async function main(): Promise<void> {
  const spec = JSON.parse(q.get('spec')!) as ToyLlamaSpec;
  const base = q.get('model')!;
  const ctx = await acquireGpu();
  const adapter = `${ctx.adapterInfo.vendor}/${ctx.adapterInfo.architecture}`;
  const id = base.split('/').filter(Boolean).at(-1)!;
  const model = await loadEngineModel(ctx, { kind: 'fetch', id, fetchFile: (p) => fetchBytes(`${base}${p}`), files: FILES });
  log(`adapter ${adapter}; opened ${id} on the engine (${model.info.dtype}, ${(model.weightBytes / 2 ** 20).toFixed(2)} MiB of weights, probe ${JSON.stringify(model.defaultProbe)})`);
  const check = await agreement(model, base);
  log(`log-probs on ${check.sequences} traces (${check.positions} positions): max |engine − torch| ${check.engineVsTorch.toExponential(2)}, |engine − CPU float64| ${check.engineVsCpu.toExponential(2)}, |CPU − torch| ${check.cpuVsTorch.toExponential(2)}`);

  // evaluatePolicy reads only config, sample and probeLogProbs (./enginePolicy.ts)
  const policy = enginePolicy(model) as TrainableModel;
  const problems = heldOutProblems(spec.evalSeed, spec.evalProblems, spec.sft.problem);
  const e0 = performance.now();
  const greedy = await evaluatePolicy(policy, problems, { probeJ: true });
  log(`held-out greedy (${problems.length} problems): ${JSON.stringify(greedy.summary)}`);
  const n = Math.min(GUARD_PROBLEMS, greedy.responses.length);
  const guard = { problems: n, accuracy: greedy.responses.slice(0, n).filter((r) => r.correct).length / Math.max(1, n) };
  const head = { adapter, date: new Date().toISOString(), model: { id, dtype: model.info.dtype, weightBytes: model.weightBytes }, agreement: check };
  // the greedy figures are kept even if the (longer) sampled pass never finishes; rewritten below
  await bridge.__writeFile?.('eval.json', toBase64(jsonFile({ ...head, evalSeconds: (performance.now() - e0) / 1000, greedy: greedy.summary, sampled: null, guard })));
  const sampled = await evaluatePolicy(policy, problems, { probeJ: true, temperature: 1, seed: SAMPLED_SEED });
  log(`held-out sampled T=1: ${JSON.stringify(sampled.summary)}`);
  const evalSeconds = (performance.now() - e0) / 1000;
  const examples = pickExamples(sampled.responses, spec.showTrajectories);
  for (const e of examples) for (const line of formatExample(e)) log(line);
  const json = {
    ...head, evalSeconds,
    greedy: greedy.summary, sampled: { temperature: 1, seed: SAMPLED_SEED, ...sampled.summary }, guard, examples,
  };
  const responses = [...greedy.responses.map((r) => ({ decoding: 'greedy', ...r })), ...sampled.responses.map((r) => ({ decoding: 'sampled', ...r }))];
  await bridge.__writeFile?.('eval.json', toBase64(jsonFile(json)));
  await bridge.__writeFile?.('eval-responses.jsonl', toBase64(new TextEncoder().encode(`${responses.map((r) => JSON.stringify(r)).join('\n')}\n`)));
  await model.dispose();
  ctx.device.destroy();
  await bridge.__report?.(JSON.stringify({ agreement: check, greedy: greedy.summary.accuracy, sampled: sampled.summary.accuracy, split: sampled.summary.overthinkingSplit }));
}

main().catch((e: unknown) => {
  log(`train:toy --arch llama failed: ${(e as Error).stack ?? String(e)}`);
  throw e;
});
