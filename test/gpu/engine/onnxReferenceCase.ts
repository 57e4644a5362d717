// One case of ONNX Runtime as a second reference for the Llama family (issue #21 §4): our export
// of a tiny model's weights (src/engine/onnx/llamaExport.ts) opened by OrtLanguageModel from
// picked files (the path a user takes) on onnxruntime-web's WebGPU EP, against the torch
// reference's expectations (python/repro_rl/llama_ref) and against our engine loaded from the same
// folder as a hub repo: log-probs of every position, the scorer's J trajectory (the first-use
// check, batched probes via attention_mask), a cache cut by cachePrefix and continued, greedy
// decoding. llamaOnnxReference.test.ts picks the configurations, all in one file so the engine's
// and ORT's pipelines compiled for the first case (most of its time on SwiftShader) serve the
// others. All checks of the ORT-node export test (test/unit/engine/onnx-llama-export.test.ts)
// cover every configuration and variant on the CPU.
import { expect } from 'vitest';
import { loadEngineModel } from '../../../src/engine/lm/loadEngineModel.ts';
import type { EngineLanguageModel } from '../../../src/engine/lm/engineLanguageModel.ts';
import { withLlamaOnnx } from '../../../src/engine/onnx/llamaModelFolder.ts';
import type { LlamaExportOptions } from '../../../src/engine/onnx/llamaExport.ts';
import { OrtLanguageModel } from '../../../src/llm/ort/ortLanguageModel.ts';
import { liveGpuTensorCount } from '../../../src/llm/ort/ortRuntime.ts';
import { probeBatching, scoreTrajectory } from '../../../src/llm/scorer/scoreTrajectory.ts';
import { logitsKernelFor } from '../../../src/gpu/logitsKernel.ts';
import { readLogitsRow } from '../../../src/llm/logitsRow.ts';
import type { LanguageModel } from '../../../src/llm/types.ts';
import { asPickedFiles } from '../../fixtures/onnx/modelFolder.ts';
import { fetchExpected, generatedHub } from '../../util/llamaFixtures.ts';
import { gpu } from './helpers.ts';

/** f32 weights: the bound. Measured (SwiftShader): printed per case. */
const TOL = 1e-4;

async function logprobs(model: LanguageModel, ids: number[]): Promise<number[]> {
  const r = await model.forward(ids.slice(0, -1), model.emptyCache());
  try {
    return Array.from((await logitsKernelFor(model)(r.logits, Int32Array.from(ids.slice(1)))).targetLogProb);
  } finally {
    r.dispose();
    r.cache.dispose();
  }
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

const INPUT = {
  question: 'What is 12 + 30?',
  cot: 'We add 12 and 30.\n\nFirst 2 + 0 = 2.\n\nThen 1 + 3 = 4.\n\nSo the sum is 42.',
  answer: '42',
};

export interface OrtReferenceCase { id: string; variant: Required<LlamaExportOptions> }

/** Our engine on a generated model, loaded once per test file (models are disposed by the caller). */
export class EngineModels {
  private readonly engines = new Map<string, Promise<EngineLanguageModel>>();
  readonly open: LanguageModel[] = [];

  get(id: string): Promise<EngineLanguageModel> {
    if (!this.engines.has(id)) {
      this.engines.set(id, (async () => {
        const hub = await generatedHub({ [`test/${id}`]: id });
        const m = await loadEngineModel(await gpu(), { kind: 'hub', id: `test/${id}` }, { fetchImpl: hub.fetchImpl, useCache: false });
        this.open.push(m);
        return m;
      })());
    }
    return this.engines.get(id)!;
  }

  async disposeAll(): Promise<void> {
    for (const m of this.open.splice(0)) await m.dispose();
  }
}

export async function checkOrtReference(c: OrtReferenceCase, engines: EngineModels): Promise<void> {
  const hub = await generatedHub({ [`test/${c.id}`]: c.id });
  const exp = await fetchExpected(c.id);
  const engine = await engines.get(c.id);
  const folder = withLlamaOnnx(hub.models.get(`test/${c.id}`)!.folder, c.variant);
  const ort = await OrtLanguageModel.load({ kind: 'files', files: asPickedFiles(folder, c.id), name: c.id });
  try {
    expect(ort.info.backend, ort.backendNote ?? '').toBe('webgpu');
    expect(ort.io.kvHeads).toBe(2); // the onnx-community layout with NKV heads
    const gpuTensors = liveGpuTensorCount();

    // log-probs of every position: ORT vs torch, ORT vs engine
    let vsTorch = 0, vsEngine = 0;
    for (const s of exp.sequences) {
      const o = await logprobs(ort, s.ids);
      vsTorch = Math.max(vsTorch, maxDiff(o, s.logprobs));
      vsEngine = Math.max(vsEngine, maxDiff(o, await logprobs(engine, s.ids)));
    }
    // The answer after the probe at the first boundary (the last boundary's is sequences[0]'s tail;
    // the middle ones take the same path, one forward from an empty cache, and reach ORT's probe
    // rows through the J trajectory below).
    for (const a of exp.answers.slice(0, 1)) {
      const o = (await logprobs(ort, a.prefix.concat(a.answer))).slice(a.prefix.length - 1);
      vsTorch = Math.max(vsTorch, maxDiff(o, a.logprobs));
    }
    expect(vsTorch, `max |ORT − torch| = ${vsTorch.toExponential(2)}`).toBeLessThanOrEqual(TOL);
    expect(vsEngine, `max |ORT − engine| = ${vsEngine.toExponential(2)}`).toBeLessThanOrEqual(TOL);

    // the J trajectory: the scorer's first-use check decides batched probes on each backend
    const fromOrt = await scoreTrajectory(ort, INPUT, { kernel: logitsKernelFor(ort) });
    const fromEngine = await scoreTrajectory(engine, INPUT, { kernel: logitsKernelFor(engine) });
    expect(probeBatching(ort)).toBe(true);
    expect(probeBatching(engine)).toBe(true);
    expect(fromOrt.cotTokens).toEqual(fromEngine.cotTokens);
    expect(fromOrt.J.length).toBe(5); // K = 4 segments + the empty-CoT boundary
    const dJ = maxDiff(fromOrt.J, fromEngine.J);
    expect(dJ, `max |J_ORT − J_engine| = ${dJ.toExponential(2)}`).toBeLessThanOrEqual(TOL);
    expect(maxDiff(fromOrt.tokenEntropy, fromEngine.tokenEntropy)).toBeLessThanOrEqual(TOL);

    // cachePrefix: a cache cut to n positions and continued gives the full pass's rows
    const ids = exp.sequences[0].ids;
    const n = 9;
    const full = await ort.forward(ids, ort.emptyCache());
    const cut = ort.cachePrefix(full.cache, n);
    const rest = await ort.forward(ids.slice(n), cut);
    let dCut = 0;
    for (const t of [n, n + 3, ids.length - 1]) dCut = Math.max(dCut, maxDiff(await readLogitsRow(rest.logits, t - n, ort.device), await readLogitsRow(full.logits, t, ort.device)));
    expect(dCut, 'cut-and-continued vs full pass').toBeLessThanOrEqual(TOL);
    for (const r of [full, rest]) {
      r.dispose();
      r.cache.dispose();
    }
    cut.dispose();

    // greedy decoding: ORT = engine = the reference (up to an EOS or a near-tie), on the chat prompt
    // (the other prompt takes the same decode loop; every ORT step costs seconds on SwiftShader)
    for (const g of exp.greedy.slice(0, 1)) {
      const opts = { maxNewTokens: g.tokens.length, temperature: 0, topK: 0, topP: 1, seed: 0 };
      const fromOrtIds = await ort.generate(g.prompt, opts);
      expect(fromOrtIds).toEqual(await engine.generate(g.prompt, opts));
      const stops = [g.tokens.findIndex((id) => ort.info.eosIds.includes(id)), g.margins.findIndex((m) => m < 1e-3)].filter((i) => i >= 0);
      const upTo = Math.min(g.tokens.length, ...stops);
      expect(fromOrtIds.slice(0, upTo)).toEqual(g.tokens.slice(0, upTo));
    }
    console.log(`${c.id} ${c.variant.attention}: |ORT − torch| ${vsTorch.toExponential(2)}, |ORT − engine| ${vsEngine.toExponential(2)}, |ΔJ| ${dJ.toExponential(2)}, cachePrefix ${dCut.toExponential(2)}`);
    expect(ort.liveCacheStates).toBe(0);
    expect(liveGpuTensorCount()).toBe(gpuTensors);
  } finally {
    await ort.dispose();
  }
}
