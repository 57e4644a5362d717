// One ORT WASM instance with a fixed thread count (ORT reads it once per realm, so each count gets
// its own worker): load a toy-architecture decoder exported to ONNX, time prefill forwards.
import { setWasmThreads } from '../src/llm/ort/ortRuntime.ts';
import { OrtLanguageModel } from '../src/llm/ort/ortLanguageModel.ts';
import { exportOnnx } from '../src/engine/onnx/export.ts';
import { exportGenerationConfig, exportHfConfig } from '../src/engine/onnx/hfConfig.ts';
import { initParams } from '../src/engine/init.ts';
import type { ModelConfig } from '../src/engine/config.ts';
import { toHfTokenizerConfig, toHfTokenizerJson } from '../src/task/tokenizer.ts';
import { BOS_ID, EOS_ID, PAD_ID } from '../src/task/vocab.ts';

export interface ThreadsJob { threads: number; config: ModelConfig; tokens: number; reps: number }
export interface ThreadsResult { threads: number; crossOriginIsolated: boolean; msPerForward: number[] }

self.onmessage = async (e: MessageEvent<ThreadsJob>) => {
  try {
    const { threads, config, tokens, reps } = e.data;
    setWasmThreads(threads);
    const ids = { bosTokenId: BOS_ID, eosTokenId: EOS_ID, padTokenId: PAD_ID };
    const json = (x: unknown) => new TextEncoder().encode(JSON.stringify(x));
    const files = new Map<string, Uint8Array>([
      ['config.json', json(exportHfConfig(config, ids))],
      ['generation_config.json', json(exportGenerationConfig({ ...ids, maxLength: config.blockSize }))],
      ['tokenizer.json', json(toHfTokenizerJson())],
      ['tokenizer_config.json', json(toHfTokenizerConfig())],
      ['onnx/model.onnx', exportOnnx(config, initParams(config, 7))],
    ]);
    const fetchFile = async (path: string) => {
      const bytes = files.get(path);
      if (!bytes) throw new Error(`no file ${path}`);
      return bytes;
    };
    const model = await OrtLanguageModel.load({ kind: 'fetch', id: 'bench/toy-wide', fetchFile, files: [...files.keys()] }, { backend: 'wasm' });
    const ids0 = Array.from({ length: tokens }, (_, i) => 4 + (i * 7) % (config.vocabSize - 4));
    const msPerForward: number[] = [];
    for (let r = 0; r <= reps; r++) {
      const t0 = performance.now();
      const out = await model.forward(ids0, model.emptyCache());
      const dt = performance.now() - t0;
      out.cache.dispose();
      if (r > 0) msPerForward.push(dt); // rep 0 warms up (kernel setup, allocations)
    }
    const result: ThreadsResult = { threads, crossOriginIsolated: self.crossOriginIsolated, msPerForward };
    self.postMessage({ ok: true, result });
  } catch (err) {
    self.postMessage({ ok: false, message: (err as Error).message });
  }
};
