// batch-prompts-per-s / batch-overhead-share: batch analysis of the toy task's prompt set on the
// bundled toy model through the app's own code path: the worker's prompt-file parsing
// (src/worker/parsePromptFile.ts → src/data parsePromptSet), the worker's batch runner
// (src/worker/modelHost.ts modelApi.runBatch: generation when an item has no CoT, then the J
// trajectory, src/llm/scorer/scoreTrajectory.ts), the per-row §10 metrics the batch store computes
// (src/analysis/batchRows.ts rowOf) and the CSV + JSON exports (src/data toCsv / toJson).
// Time "inside the model" = time inside OrtLanguageModel.forward / .forwardProbes / .generate (outermost call only)
// plus the fused logits kernel that reads their logits (LogitsStatsKernel.run: its readback is
// where the wait for ORT's GPU work lands); everything else is overhead. Both are measured by
// wrapping those prototypes' methods with timers for the duration of the suite.
import type { GpuContext } from '../../src/gpu/device.ts';
import { LogitsStatsKernel } from '../../src/gpu/logitsStats.ts';
import { OrtLanguageModel } from '../../src/llm/ort/ortLanguageModel.ts';
import { modelApi } from '../../src/worker/modelHost.ts';
import { parsePromptFile } from '../../src/worker/parsePromptFile.ts';
import type { BatchItemInput, BatchItemResult, BatchOptions, ModelSourceSpec } from '../../src/worker/api.ts';
import { CSV_COLUMNS, rowOf } from '../../src/analysis/batchRows.ts';
import { DEFAULT_SETTINGS } from '../../src/store/settings.ts';
import { toCsv, toJson } from '../../src/data/index.ts';
import { exportOnnx } from '../../src/engine/onnx/export.ts';
import { exportGenerationConfig, exportHfConfig } from '../../src/engine/onnx/hfConfig.ts';
import { initParams } from '../../src/engine/init.ts';
import { makeProblem } from '../../src/task/problem.ts';
import { renderTrace } from '../../src/task/trace.ts';
import { pickStyle } from '../../src/task/sft.ts';
import { toHfTokenizerConfig, toHfTokenizerJson } from '../../src/task/tokenizer.ts';
import { ANSWER_MARKER } from '../../src/task/format.ts';
import { BOS_ID, EOS_ID, PAD_ID } from '../../src/task/vocab.ts';
import { DEFAULT_TRAIN_TOY_SPEC } from '../../scripts/train-toy/spec.ts';
import type { BenchEntry, BenchSuite } from './index.ts';
import { Rng } from '../../src/sampling/rng.ts';
import { median } from './median.ts';

const EXAMPLE_URL = '/examples/toy-addition.jsonl';
const BUNDLED_ONNX_URL = '/models/toy-reasoner/onnx/model.onnx';
const GENERATED_PROMPTS = 50;
const REPS = 3;
/** The toy model's probe is its answer marker (src/task/format.ts, repro-method.md §3). */
const OPTIONS: BatchOptions = {
  probe: ANSWER_MARKER, delimiter: '', delimiterIsRegex: false,
  sampling: { maxNewTokens: 100, temperature: 0, topK: 0, topP: 1, seed: 1 }, // greedy: same work every rep
};


/** A served file, or null (a dev server answers a missing public file with index.html). */
async function served(url: string): Promise<Blob | null> {
  const res = await fetch(url).catch(() => null);
  if (!res || !res.ok || (res.headers.get('content-type') ?? '').includes('text/html')) return null;
  return res.blob();
}

/** The example prompt set, else GENERATED_PROMPTS toy problems with their traces as JSONL. */
async function promptFile(): Promise<{ blob: Blob; name: string; source: string }> {
  const example = await served(EXAMPLE_URL);
  if (example) return { blob: example, name: 'toy-addition.jsonl', source: `public${EXAMPLE_URL}` };
  const rng = new Rng(99);
  const lines = Array.from({ length: GENERATED_PROMPTS }, (_, i) => {
    const p = makeProblem(rng);
    const trace = renderTrace(p, pickStyle(rng), rng);
    return JSON.stringify({ id: `toy-${i}`, question: p.question, answer: p.answer, cot: trace.cot });
  });
  return { blob: new Blob([`${lines.join('\n')}\n`]), name: 'toy-generated.jsonl', source: `${GENERATED_PROMPTS} src/task problems with their traces (no example file served)` };
}

/** The bundled toy model, else a freshly initialised one exported in the same layout (picked files). */
async function modelSource(): Promise<{ spec: ModelSourceSpec; source: string }> {
  if (await served(BUNDLED_ONNX_URL)) return { spec: { kind: 'bundled' }, source: 'bundled toy model (public/models/toy-reasoner)' };
  const config = DEFAULT_TRAIN_TOY_SPEC.model;
  const params = initParams(config, DEFAULT_TRAIN_TOY_SPEC.initSeed);
  const ids = { bosTokenId: BOS_ID, eosTokenId: EOS_ID, padTokenId: PAD_ID };
  const json = (x: unknown) => new TextEncoder().encode(JSON.stringify(x));
  const files: [string, Uint8Array][] = [
    ['config.json', json(exportHfConfig(config, ids))],
    ['generation_config.json', json(exportGenerationConfig({ ...ids, maxLength: config.blockSize }))],
    ['tokenizer.json', json(toHfTokenizerJson())],
    ['tokenizer_config.json', json(toHfTokenizerConfig())],
    ['onnx/model.onnx', exportOnnx(config, params)],
  ];
  return {
    spec: { kind: 'local', files: files.map(([path, bytes]) => ({ path: `toy-fresh/${path}`, file: new File([bytes as BlobPart], path.split('/').pop()!) })) },
    source: `freshly initialised toy model (exportOnnx + initParams, ${JSON.stringify(config)}): no bundled ONNX served`,
  };
}

/** Wraps async prototype methods so their outermost calls add to `total.ms`; returns the undo. */
export function timeMethods(targets: [object, string][], total: { ms: number; calls: number }): () => void {
  let depth = 0;
  const undo: (() => void)[] = [];
  for (const [proto, name] of targets) {
    const rec = proto as Record<string, (...args: unknown[]) => Promise<unknown>>;
    const original = rec[name];
    rec[name] = async function timed(this: unknown, ...args: unknown[]) {
      const outer = depth++ === 0;
      const t0 = performance.now();
      try {
        return await original.apply(this, args);
      } finally {
        depth--;
        if (outer) {
          total.ms += performance.now() - t0;
          total.calls++;
        }
      }
    };
    undo.push(() => { rec[name] = original; });
  }
  return () => undo.forEach((u) => u());
}

interface RunTimes { wallMs: number; parseMs: number; runBatchMs: number; metricsMs: number; serialiseMs: number; insideMs: number; modelCalls: number; items: number; errors: number }

async function analyseOnce(file: { blob: Blob; name: string }, jobId: string, limit = Infinity): Promise<RunTimes> {
  const inside = { ms: 0, calls: 0 };
  const undo = timeMethods([[OrtLanguageModel.prototype, 'forward'], [OrtLanguageModel.prototype, 'forwardProbes'], [OrtLanguageModel.prototype, 'generate'], [LogitsStatsKernel.prototype, 'run']], inside);
  try {
    const rowOpts = { w: DEFAULT_SETTINGS.w, eps: DEFAULT_SETTINGS.eps, markers: DEFAULT_SETTINGS.markers };
    const t0 = performance.now();
    const parsed = await parsePromptFile(file.blob, file.name);
    if (parsed.fatal) throw new Error(`batch: the prompt file does not parse: ${parsed.fatal}`);
    const items: BatchItemInput[] = parsed.items.slice(0, limit).map((i) => ({ id: i.id, line: i.line, question: i.question, answer: i.answer, cot: i.cot }));
    const t1 = performance.now();
    const results: BatchItemResult[] = [];
    const rows: ReturnType<typeof rowOf>[] = [];
    let metricsMs = 0;
    await modelApi.runBatch(jobId, items, OPTIONS, (r) => { // as the batch store's onResult does
      const m0 = performance.now();
      results.push(r);
      rows.push(rowOf(rows.length, r, rowOpts));
      metricsMs += performance.now() - m0;
    });
    const t2 = performance.now();
    const csv = toCsv(rows.map((r) => Object.fromEntries(CSV_COLUMNS.map((c) => [c, r[c]]))), CSV_COLUMNS);
    const json = toJson({ run: jobId, results });
    const t3 = performance.now();
    if (csv.length === 0 || json.length === 0) throw new Error('batch: empty export');
    return {
      wallMs: t3 - t0, parseMs: t1 - t0, runBatchMs: t2 - t1 - metricsMs, metricsMs, serialiseMs: t3 - t2,
      insideMs: inside.ms, modelCalls: inside.calls, items: results.length, errors: results.filter((r) => r.error !== null).length,
    };
  } finally {
    undo();
  }
}

export const batchThroughput: BenchSuite = {
  name: 'batch-throughput',
  async run(ctx: GpuContext, log): Promise<BenchEntry[]> {
    void ctx; // the worker's model runs on ORT's own GPUDevice, as in the app
    const file = await promptFile();
    const model = await modelSource();
    const loaded = await modelApi.loadModel(model.spec, () => undefined);
    try {
      if (loaded.info.backend !== 'webgpu') throw new Error(`batch-throughput: ORT runs on ${loaded.info.backend}, not WebGPU`);
      const warm = await analyseOnce(file, 'bench-batch-warmup', 3); // ORT programs compile per shape
      log(`warm-up: ${warm.items} items in ${warm.wallMs.toFixed(0)} ms`);
      const runs: RunTimes[] = [];
      for (let rep = 0; rep < REPS; rep++) {
        const r = await analyseOnce(file, `bench-batch-${rep}`);
        if (r.errors > 0) throw new Error(`batch-throughput: ${r.errors} of ${r.items} items failed`);
        runs.push(r);
        log(`rep ${rep + 1}/${REPS}: ${r.items} items in ${r.wallMs.toFixed(0)} ms, inside model ${r.insideMs.toFixed(0)} ms (${r.modelCalls} calls), parse ${r.parseMs.toFixed(1)} ms, metrics ${r.metricsMs.toFixed(1)} ms, serialise ${r.serialiseMs.toFixed(1)} ms`);
      }
      const share = (r: RunTimes) => (r.wallMs - r.insideMs) / r.wallMs;
      const perS = (r: RunTimes) => r.items / (r.wallMs / 1000);
      const pick = (k: keyof RunTimes) => median(runs.map((r) => r[k]));
      const detail = {
        items: runs[0].items, reps: REPS, withCot: runs[0].items > 0 && (await parsePromptFile(file.blob, file.name)).items.every((i) => i.cot !== undefined),
        wallMs: pick('wallMs'), insideModelMs: pick('insideMs'), parseMs: pick('parseMs'), runBatchMs: pick('runBatchMs'),
        metricsMs: pick('metricsMs'), serialiseMs: pick('serialiseMs'), modelCalls: pick('modelCalls'),
        promptsPerSRuns: runs.map(perS), overheadShareRuns: runs.map(share),
        prompts: file.source, model: model.source, probe: OPTIONS.probe, sampling: OPTIONS.sampling,
        note: 'inside = OrtLanguageModel.forward/generate (outermost) + LogitsStatsKernel.run; overhead = wall − inside '
          + '(parsing, tokenization and J/§10 math, metrics, CSV+JSON export, JS glue)',
      };
      return [
        { name: 'batch-prompts-per-s', value: median(runs.map(perS)), unit: 'prompts/s', goal: 'report', detail },
        { name: 'batch-overhead-share', value: median(runs.map(share)), unit: 'share', goal: '≤ 0.10', detail },
      ];
    } finally {
      await modelApi.unloadModel();
    }
  },
};
