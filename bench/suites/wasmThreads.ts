// wasm-threads-speedup: ONNX Runtime's WASM fallback with threads vs one thread, same model and
// input. Threads need a cross-origin isolated page (the dev/preview servers' COOP/COEP headers,
// src/site/policy.ts); each thread count runs in its own worker (ORT fixes it once per realm), one
// after the other so they never compete. Model: the toy architecture widened (4 layers, C = 256,
// exported by src/engine/onnx) so a forward is real work; prefill of T = 128 tokens, median of reps.
import type { ModelConfig } from '../../src/engine/config.ts';
import { VOCAB_SIZE } from '../../src/task/vocab.ts';
import type { ThreadsJob, ThreadsResult } from '../wasmThreadsWorker.ts';
import type { BenchSuite } from './index.ts';
import { median } from './median.ts';

const CONFIG: ModelConfig = { vocabSize: VOCAB_SIZE, blockSize: 256, nLayer: 4, nHead: 4, nEmbd: 256 };
const TOKENS = 128;
const REPS = 7;


function runWorker(job: ThreadsJob): Promise<ThreadsResult> {
  const worker = new Worker(new URL('../wasmThreadsWorker.ts', import.meta.url), { type: 'module' });
  return new Promise<ThreadsResult>((resolve, reject) => {
    worker.onmessage = (e: MessageEvent<{ ok: true; result: ThreadsResult } | { ok: false; message: string }>) => {
      worker.terminate();
      if (e.data.ok) resolve(e.data.result);
      else reject(new Error(`threads=${job.threads}: ${e.data.message}`));
    };
    worker.onerror = (e) => {
      worker.terminate();
      reject(new Error(`threads=${job.threads}: worker failed: ${e.message}`));
    };
    worker.postMessage(job);
  });
}

export const wasmThreads: BenchSuite = {
  name: 'wasm-threads',
  async run(_ctx, log) {
    if (!self.crossOriginIsolated) throw new Error('the bench page is not cross-origin isolated (no COOP/COEP headers): WASM threads are unavailable');
    const threads = Math.max(1, Math.min(4, navigator.hardwareConcurrency ?? 1));
    const one = await runWorker({ threads: 1, config: CONFIG, tokens: TOKENS, reps: REPS });
    const many = await runWorker({ threads, config: CONFIG, tokens: TOKENS, reps: REPS });
    const t1 = median(one.msPerForward);
    const tn = median(many.msPerForward);
    log(`wasm threads: 1 thread ${t1.toFixed(1)} ms, ${threads} threads ${tn.toFixed(1)} ms per T=${TOKENS} forward`);
    return [{
      name: 'wasm-threads-speedup', value: t1 / tn, unit: '×', goal: 'report',
      detail: {
        threads, hardwareConcurrency: navigator.hardwareConcurrency, tokens: TOKENS, reps: REPS, model: JSON.stringify(CONFIG),
        msOneThread: t1, msThreads: tn, oneThread: one.msPerForward, withThreads: many.msPerForward,
        isolatedInWorkers: one.crossOriginIsolated && many.crossOriginIsolated,
      },
    }];
  },
};
