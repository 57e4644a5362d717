// Which way a model's graph can be scored, detected once per model (as masked-middle probing is
// checked in the scorer): several tokens after a cache (the usual decoder), one token at a time
// after a cache only (the onnxruntime-genai model builder's attention-mask reformat subgraph fails
// with "Expand … invalid expand shape" on several), or neither (every prefix re-encoded). Each is
// checked against re-encoding the same tokens from scratch, not only for not throwing.
import type { CacheState, ForwardResult, LanguageModel, LogitsHandle } from './types.ts';
import { readLogitsRow } from './logitsRow.ts';

export type ScoringPath = 'cached' | 'one-token' | 're-encode';

export interface ScoringPathInfo {
  path: ScoringPath;
  /** What the user is told: the path and its cost in model calls (K segments, N CoT tokens, F probe tokens). */
  note: string;
  /** The error that ruled out the faster path, if one threw. */
  reason?: string;
}

const NOTES: Record<ScoringPath, string> = {
  cached: 'cached: one pass over prompt + CoT, probes branched from the KV cache (batched when the graph allows; at most 2(K+1) calls)',
  'one-token': 'one token at a time: this graph takes only one token after a cache, so segments and probes are fed token by token from branched caches (1 + N + (K+1)·F calls, each small)',
  're-encode': 're-encoding: this graph cannot continue from a cache, so every boundary re-encodes prompt + CoT prefix + probe (K+1 full forwards)',
};

/** A per-model check run on first call and remembered (this file's and the branch path's). */
export function oncePerModel<T>(detect: (model: LanguageModel) => Promise<T>): (model: LanguageModel) => Promise<T> {
  const detected = new WeakMap<LanguageModel, Promise<T>>();
  return (model) => {
    let p = detected.get(model);
    if (!p) {
      p = detect(model);
      detected.set(model, p);
    }
    return p;
  };
}

/** The model's scoring path, detected on first call (four short forwards) and remembered. */
export const scoringPath: (model: LanguageModel) => Promise<ScoringPathInfo> = oncePerModel((m) => detect(m));

async function rows(model: LanguageModel, r: ForwardResult, which: number[]): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (const i of which) out.push(await readLogitsRow(r.logits, i, model.device));
  return out;
}

/** Logits agree within float16-level tolerance (the graphs differ only in how the cache is fed). */
export function logitsAgree(a: Float32Array[], b: Float32Array[]): boolean {
  return a.length === b.length && a.every((row, i) => {
    let scale = 0;
    for (const x of b[i]) scale = Math.max(scale, Math.abs(x));
    return row.every((x, j) => Math.abs(x - b[i][j]) <= 1e-3 + 1e-2 * scale);
  });
}

async function detect(model: LanguageModel): Promise<ScoringPathInfo> {
  const V = model.info.vocabSize;
  const ids = [1, 2, 3, 4].map((i) => (i * 7919) % V);
  const full = await model.forward(ids, model.emptyCache());
  const ref = await rows(model, full, [2, 3]);
  full.dispose();
  full.cache.dispose();
  // Each attempt continues its own prefill: a failed WebGPU run drops every cache the session
  // made (src/llm/ort/renewingSession.ts), so a head made before a failure cannot be reused.
  const fromHead = async <T>(attempt: (head: CacheState) => Promise<T>): Promise<T> => {
    const head = await model.forward(ids.slice(0, 2), model.emptyCache());
    head.dispose();
    try {
      return await attempt(head.cache);
    } finally {
      head.cache.dispose();
    }
  };
  let reason: string | undefined;
  try {
    const agrees = await fromHead(async (head) => {
      const two = await model.forward(ids.slice(2), head);
      try {
        return logitsAgree(await rows(model, two, [0, 1]), ref);
      } finally {
        two.dispose();
        two.cache.dispose();
      }
    });
    if (agrees) return { path: 'cached', note: NOTES.cached };
    reason = 'several tokens after a cache gave other logits than re-encoding';
  } catch (e) {
    reason = String((e as Error)?.message ?? e);
  }
  try {
    const agrees = await fromHead(async (head) => {
      const a = await model.forward([ids[2]], head);
      try {
        const b = await model.forward([ids[3]], a.cache);
        try {
          return logitsAgree([...(await rows(model, a, [0])), ...(await rows(model, b, [0]))], ref);
        } finally {
          b.dispose();
          b.cache.dispose();
        }
      } finally {
        a.dispose();
        a.cache.dispose();
      }
    });
    if (agrees) return { path: 'one-token', note: NOTES['one-token'], reason };
    reason = `${reason}; one token after a cache gave other logits than re-encoding`;
  } catch (e) {
    reason = `${reason}; one token after a cache: ${String((e as Error)?.message ?? e)}`;
  }
  return { path: 're-encode', note: NOTES['re-encode'], reason };
}

/**
 * The model with forward() feeding one token at a time whenever a cache is continued, the
 * per-token logits gathered into one handle (copied on the GPU, never read back), and no
 * batched probes: the sequential scorer then runs unchanged on graphs of the 'one-token' kind.
 */
export function oneTokenAfterCache(model: LanguageModel): LanguageModel {
  const forward = async (tokens: number[], cache: CacheState): Promise<ForwardResult> => {
    if (cache.length === 0 || tokens.length <= 1) return model.forward(tokens, cache);
    const steps: ForwardResult[] = [];
    try {
      let c = cache;
      for (const t of tokens) {
        const r = await model.forward([t], c);
        steps.push(r);
        c = r.cache;
      }
      const logits = await gather(model, steps.map((s) => s.logits));
      const last = steps[steps.length - 1].cache;
      for (const s of steps) {
        s.dispose();
        if (s.cache !== last) s.cache.dispose();
      }
      steps.length = 0;
      return { logits: logits.handle, cache: last, dispose: logits.dispose };
    } catch (e) {
      for (const s of steps) {
        s.dispose();
        s.cache.dispose();
      }
      throw e;
    }
  };
  return {
    get info() { return model.info; },
    get tokenizer() { return model.tokenizer; },
    get device() { return model.device; },
    get defaultProbe() { return model.defaultProbe; },
    formatPrompt: (q) => model.formatPrompt(q),
    emptyCache: () => model.emptyCache(),
    forward,
    generate: (ids, opts, cb) => model.generate(ids, opts, cb),
    ...(model.sampleLogitsRow && { sampleLogitsRow: model.sampleLogitsRow.bind(model) }),
    dispose: () => model.dispose(),
  };
}

async function gather(model: LanguageModel, parts: LogitsHandle[]): Promise<{ handle: LogitsHandle; dispose(): void }> {
  const V = parts[0].vocab;
  if (parts.every((p) => p.kind === 'cpu')) {
    const data = new Float32Array(parts.length * V);
    parts.forEach((p, i) => data.set((p as Extract<LogitsHandle, { kind: 'cpu' }>).data.subarray(0, V), i * V));
    return { handle: { kind: 'cpu', data, rows: parts.length, vocab: V }, dispose: () => undefined };
  }
  const gpu = parts as Extract<LogitsHandle, { kind: 'gpu' }>[];
  const device = model.device!;
  const elem = gpu[0].dtype === 'float16' ? 2 : 4;
  const rowBytes = V * elem;
  if (rowBytes % 4 !== 0) throw new RangeError(`one-token scoring gathers logits rows on the GPU in 4-byte units; a float16 vocabulary of odd size (${V}) cannot be`);
  const size = rowBytes * parts.length;
  const buffer = device.createBuffer({ size, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
  const enc = device.createCommandEncoder();
  gpu.forEach((p, i) => enc.copyBufferToBuffer(p.buffer, p.byteOffset, buffer, i * rowBytes, rowBytes));
  device.queue.submit([enc.finish()]);
  return { handle: { kind: 'gpu', buffer, byteOffset: 0, rows: parts.length, vocab: V, dtype: gpu[0].dtype }, dispose: () => buffer.destroy() };
}
