// The bundled toy model (public/models/toy-reasoner: its ONNX export, tokenizer and chat template)
// as a LanguageModel run by onnxruntime-node on the CPU, so the real scorer (src/llm/scorer/scoreTrajectory.ts)
// can score trajectories in Node: cached prefix pass + batched masked probes, logits on the CPU;
// it also generates and cuts a cache to a prefix (branches, src/llm/branch/).
// Test/fixture code only; the app runs the same ONNX file through onnxruntime-web.
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { HfTokenizer } from '../../src/llm/hub/hfTokenizer.ts';
import { generateWithCache } from '../../src/llm/generate.ts';
import type { CacheState, ForwardResult, LanguageModel, ModelInfo, ProbeBatchResult } from '../../src/llm/types.ts';

const DIR = 'public/models/toy-reasoner';

class NodeCache implements CacheState {
  constructor(readonly length: number, readonly kv: ort.Tensor[] | null) {}
  dispose(): void {}
}

export interface ToyModel extends LanguageModel {
  forwardProbes(cache: CacheState, prefixLengths: number[], tokens: number[]): Promise<ProbeBatchResult>;
  maxProbeRows(cacheLength: number): number;
  cachePrefix(cache: CacheState, length: number): CacheState;
}

export async function loadToyModelNode(): Promise<ToyModel> {
  const config = JSON.parse(readFileSync(`${DIR}/config.json`, 'utf8')) as Record<string, number | string>;
  const tokenizer = new HfTokenizer(
    JSON.parse(readFileSync(`${DIR}/tokenizer.json`, 'utf8')),
    JSON.parse(readFileSync(`${DIR}/tokenizer_config.json`, 'utf8')),
  );
  const session = await ort.InferenceSession.create(readFileSync(`${DIR}/onnx/model.onnx`), { executionProviders: ['cpu'] });
  const L = config.n_layer as number, NH = config.n_head as number, HS = (config.n_embd as number) / NH, V = config.vocab_size as number;
  const i64 = (xs: number[], dims: number[]) => new ort.Tensor('int64', BigInt64Array.from(xs.map(BigInt)), dims);
  const emptyKv = (b: number) => new ort.Tensor('float32', new Float32Array(0), [b, NH, 0, HS]);

  async function run(ids: number[], B: number, F: number, mask: number[], pos: number[], past: ort.Tensor[] | null) {
    const feeds: Record<string, ort.Tensor> = {
      input_ids: i64(ids, [B, F]),
      attention_mask: i64(mask, [B, mask.length / B]),
      position_ids: i64(pos, [B, F]),
    };
    for (let l = 0; l < L; l++) {
      feeds[`past_key_values.${l}.key`] = past ? past[2 * l] : emptyKv(B);
      feeds[`past_key_values.${l}.value`] = past ? past[2 * l + 1] : emptyKv(B);
    }
    const out = await session.run(feeds);
    const present: ort.Tensor[] = [];
    for (let l = 0; l < L; l++) present.push(out[`present.${l}.key`] as ort.Tensor, out[`present.${l}.value`] as ort.Tensor);
    return { logits: out.logits as ort.Tensor, present };
  }

  /** The first `keep` positions of a [1, NH, len, HS] tensor, tiled B times. */
  function tile(t: ort.Tensor, B: number, keep: number): ort.Tensor {
    const src = t.data as Float32Array;
    const len = t.dims[2];
    const out = new Float32Array(B * NH * keep * HS);
    for (let b = 0; b < B; b++) {
      for (let h = 0; h < NH; h++) {
        out.set(src.subarray(h * len * HS, (h * len + keep) * HS), ((b * NH + h) * keep) * HS);
      }
    }
    return new ort.Tensor('float32', out, [B, NH, keep, HS]);
  }

  const info: ModelInfo = { runtime: 'onnxruntime', id: 'toy-reasoner (onnxruntime-node)', backend: 'wasm', dtype: 'float32', vocabSize: V, numLayers: L, thinking: false, eosIds: [2] };
  const empty = new NodeCache(0, null);
  const model: ToyModel = {
    info,
    tokenizer,
    defaultProbe: String(config.repro_probe),
    formatPrompt: (q) => tokenizer.formatPrompt(q),
    emptyCache: () => empty,
    async forward(tokens, cache): Promise<ForwardResult> {
      const c = cache as NodeCache;
      const P = c.length, T = tokens.length;
      const r = await run(tokens, 1, T, new Array(P + T).fill(1), tokens.map((_, i) => P + i), c.kv);
      return { logits: { kind: 'cpu', data: r.logits.data as Float32Array, rows: T, vocab: V }, cache: new NodeCache(P + T, r.present), dispose() {} };
    },
    async forwardProbes(cache, prefixLengths, tokens): Promise<ProbeBatchResult> {
      const c = cache as NodeCache;
      const B = prefixLengths.length, F = tokens.length;
      const keep = Math.max(...prefixLengths);
      const mask: number[] = [], pos: number[] = [], ids: number[] = [];
      for (const n of prefixLengths) {
        for (let j = 0; j < keep; j++) mask.push(j < n ? 1 : 0);
        for (let j = 0; j < F; j++) { mask.push(1); pos.push(n + j); ids.push(tokens[j]); }
      }
      const r = await run(ids, B, F, mask, pos, c.kv!.map((t) => tile(t, B, keep)));
      return { logits: { kind: 'cpu', data: r.logits.data as Float32Array, rows: B * F, vocab: V }, dispose() {} };
    },
    maxProbeRows: () => 64,
    cachePrefix(cache, n): CacheState {
      const c = cache as NodeCache;
      return n === 0 ? empty : new NodeCache(n, c.kv!.map((t) => tile(t, 1, n)));
    },
    generate: (ids, opts, cb) => generateWithCache(model, ids, opts, cb),
    async dispose() { await session.release(); },
  };
  return model;
}
