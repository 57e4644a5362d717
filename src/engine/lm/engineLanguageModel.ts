// LanguageModel on our own WebGPU engine (the toy GPT-2 or a Llama-family model): the inspector,
// batch, compare, token lens and branching drive it exactly as they drive the ONNX Runtime
// backend. Logits stay on the GPU (a 'gpu' handle over a buffer this model allocates per call,
// read by the injected logits kernels); the KV cache lives in the engine's KV store, and a state's
// positions are read in place by probes and continuations (./cacheStates.ts).
import type { GpuContext } from '../../gpu/device.ts';
import { createBuffer } from '../../gpu/buffers.ts';
import type {
  CacheState, ForwardResult, GenerateCallbacks, LanguageModel, LogitsHandle, ModelInfo, ProbeBatchResult, SamplingOptions, TokenizerLike,
} from '../../llm/types.ts';
import { checkTokenIds, generateWithCache } from '../../llm/generate.ts';
import type { EngineConfig } from '../block.ts';
import { CachedInference, type InferenceRow } from '../gpu/inference.ts';
import { Recorder } from '../gpu/encoding.ts';
import type { KvStore } from '../gpu/kvStore.ts';
import type { EngineWeights } from '../gpu/weights.ts';
import { EngineCacheState, planAppend } from './cacheStates.ts';
import { GpuSampler } from '../gpu/layers/sample.ts';
import { at } from '../gpu/tensor.ts';
import type { UniformSource } from '../../sampling/rng.ts';

/** What a model needs from its tokenizer: encode/decode plus the chat template and the probe. */
export interface EngineTokenizer extends TokenizerLike {
  formatPrompt(question: string): string;
  readonly defaultProbe: string;
}

export interface EngineModelParts {
  ctx: GpuContext;
  config: EngineConfig;
  weights: EngineWeights;
  kv: KvStore;
  tokenizer: EngineTokenizer;
  /** ModelInfo minus what the engine knows itself (backend, vocab, layers) */
  info: Omit<ModelInfo, 'runtime' | 'backend' | 'vocabSize' | 'numLayers'>;
  /** config.json's repro_probe, when the model names its own probe (repro-method.md §3) */
  probe?: string;
  /** rows per inference chunk (scratch is sized for it); default 512 */
  maxRows?: number;
}

/** Bytes of logits one forward / probe call may hand out (a [rows, V] f32 buffer). */
const LOGITS_BUDGET_BYTES = 512 << 20;

export class EngineLanguageModel implements LanguageModel {
  readonly info: ModelInfo;
  readonly tokenizer: EngineTokenizer;
  readonly device: GPUDevice;
  readonly defaultProbe: string;
  readonly config: EngineConfig;
  private readonly ctx: GpuContext;
  private readonly inference: CachedInference;
  private readonly rec: Recorder;
  private readonly kv: KvStore;
  private readonly weights: EngineWeights;
  private readonly live = new Set<EngineCacheState>();
  private readonly liveLogits = new Set<GPUBuffer>();
  private readonly emptyState: EngineCacheState;
  private readonly sampler: GpuSampler;
  private released = false;

  constructor(p: EngineModelParts) {
    this.ctx = p.ctx;
    this.device = p.ctx.device;
    this.config = p.config;
    this.tokenizer = p.tokenizer;
    this.weights = p.weights;
    this.kv = p.kv;
    this.defaultProbe = p.probe ?? p.tokenizer.defaultProbe;
    this.info = { ...p.info, runtime: 'engine', backend: 'webgpu', vocabSize: p.config.vocabSize, numLayers: p.config.nLayer };
    this.rec = new Recorder(p.ctx);
    this.inference = new CachedInference(p.ctx, p.config, this.rec, p.weights, p.kv, p.maxRows ?? 512);
    this.emptyState = new EngineCacheState(this, 0, null, 0, null);
    this.sampler = new GpuSampler(p.ctx.device, 1);
  }

  /** KV-cache states alive (tests check nothing leaks). */
  get liveCacheStates(): number {
    return this.live.size;
  }

  /** GPU bytes held for weights. */
  get weightBytes(): number {
    return this.weights.bytes;
  }

  /**
   * The frozen base — config and weights, owned by this model — for training adapters on it
   * without a second copy (src/engine/lora/loraModel.ts LoraBase); valid until dispose().
   */
  get base(): { config: EngineConfig; weights: EngineWeights } {
    return { config: this.config, weights: this.weights };
  }

  formatPrompt(question: string): string {
    return this.tokenizer.formatPrompt(question);
  }

  emptyCache(): CacheState {
    return this.emptyState;
  }

  private checkState(cache: CacheState, what: string): EngineCacheState {
    if (this.released) throw new Error(`Model ${this.info.id} was disposed.`);
    this.checkDevice();
    if (!(cache instanceof EngineCacheState) || cache.owner !== this) throw new TypeError(`${what} needs a CacheState made by this model (emptyCache() or a forward result).`);
    if (cache.isDisposed) throw new Error(`cache (length ${cache.length}) was disposed; ${what} needs a live state.`);
    return cache;
  }

  private track = (s: EngineCacheState) => this.live.delete(s);

  /** After a device loss every buffer is gone: say so plainly (what was already scored is kept by the caller). */
  private checkDevice(): void {
    if (this.ctx.isLost()) throw new Error(`The WebGPU device running ${this.info.id} was lost (driver reset, or the GPU was needed elsewhere): load the model again.`);
  }

  private checkPositions(last: number): void {
    const max = this.inference.maxPositions;
    if (last > max) {
      const why = max < this.config.blockSize ? `the engine's ${max}-position limit (its context is ${this.config.blockSize})` : `${this.info.id}'s context of ${max} (max_position_embeddings)`;
      throw new RangeError(`${last} positions exceed ${why}`);
    }
  }

  private logitsBuffer(rows: number): { buf: GPUBuffer; handle: LogitsHandle } {
    const V = this.config.vocabSize;
    const bytes = rows * V * 4;
    const lim = Math.min(this.device.limits.maxStorageBufferBindingSize, this.device.limits.maxBufferSize);
    if (bytes > lim) {
      throw new RangeError(`${rows} rows of logits (${(bytes / 2 ** 20).toFixed(0)} MiB for a ${V}-token vocabulary) exceed the adapter's maxStorageBufferBindingSize of ${(lim / 2 ** 20).toFixed(0)} MiB; score a shorter text`);
    }
    const buf = createBuffer(this.device, bytes, undefined, 'engine logits');
    this.liveLogits.add(buf);
    return { buf, handle: { kind: 'gpu', buffer: buf, byteOffset: 0, rows, vocab: V, dtype: 'float32' } };
  }

  private freeLogits(buf: GPUBuffer): void {
    if (this.liveLogits.delete(buf)) buf.destroy();
  }

  /** Logits of rows j ≥ logitsFrom only: the LM head (most of a row's cost at a big vocabulary) skips the rest. */
  async forward(tokens: number[], cache: CacheState, logitsFrom = 0): Promise<ForwardResult> {
    const state = this.checkState(cache, 'forward');
    if (tokens.length === 0) throw new RangeError('tokens must hold at least one token id');
    checkTokenIds(tokens, this.config.vocabSize, 'tokens');
    const n = state.length;
    const T = tokens.length;
    if (!Number.isInteger(logitsFrom) || logitsFrom < 0 || logitsFrom >= T) throw new RangeError(`logitsFrom ${logitsFrom} outside 0…${T - 1}`);
    this.checkPositions(n + T);
    const { buf, handle } = this.logitsBuffer(T - logitsFrom);
    let plan;
    try {
      plan = planAppend(state, T, this.kv, Math.max(64, 2 * (state.ownLength + T)), this.track);
    } catch (e) {
      this.freeLogits(buf);
      throw e;
    }
    this.live.add(plan.next);
    try {
      if (plan.copy) this.kv.copyRows(plan.copy.from, plan.copy.to, plan.copy.rows);
      const rows: InferenceRow[] = tokens.map((token, j) => ({ token, pos: n + j, ownBase: plan.ownBase, prefixBase: plan.prefixBase, prefixLen: plan.prefixLen, select: j >= logitsFrom }));
      await this.inference.run(rows, logitsFrom > 0 ? { kind: 'select', out: buf } : { kind: 'logits', out: buf, outRow: 0 });
    } catch (e) {
      plan.next.dispose();
      this.freeLogits(buf);
      throw e;
    }
    return { logits: handle, firstRow: logitsFrom, cache: plan.next, dispose: () => this.freeLogits(buf) };
  }

  /** forwardProbes' rows read their prefixes of the cache in place: one call for all probes costs no extra work. */
  readonly probesReadCacheInPlace = true;

  /** Probes per call: their logits ([B·F, V]) stay under the logits budget (F unknown here: 32 assumed). */
  maxProbeRows(): number {
    return Math.max(1, Math.floor(LOGITS_BUDGET_BYTES / (32 * this.config.vocabSize * 4)));
  }

  /**
   * Batched branching: probe b feeds `tokens` after the first prefixLengths[b] positions of `cache`,
   * reading them in place (no copy of past K/V per probe) and writing its own F positions into a
   * small region of its own. Logits of each probe's rows j ≥ logitsFrom only (firstRow).
   */
  async forwardProbes(cache: CacheState, prefixLengths: number[], tokens: number[], logitsFrom = 0): Promise<ProbeBatchResult> {
    let state = this.checkState(cache, 'forwardProbes');
    checkTokenIds(tokens, this.config.vocabSize, 'tokens');
    const B = prefixLengths.length;
    const F = tokens.length;
    if (B === 0 || F === 0) throw new RangeError('forwardProbes needs at least one probe and one token');
    if (!Number.isInteger(logitsFrom) || logitsFrom < 0 || logitsFrom >= F) throw new RangeError(`logitsFrom ${logitsFrom} outside 0…${F - 1}`);
    for (const n of prefixLengths) if (!Number.isInteger(n) || n < 0 || n > state.length) throw new RangeError(`prefix length ${n} outside 0…${state.length}`);
    this.checkPositions(Math.max(...prefixLengths) + F);
    // The kernel reads one prefix region per row: a state split over two regions is joined first.
    let joined: EngineCacheState | null = null;
    if (state.prefix && state.own) {
      joined = this.flatten(state);
      state = joined;
    }
    const src = state.own ?? state.prefix;
    // The LM head (most of a probe row's cost at a big vocabulary) only for rows j ≥ logitsFrom.
    const { buf, handle } = this.logitsBuffer(B * (F - logitsFrom));
    const regions = prefixLengths.map(() => this.kv.allocate(F));
    try {
      const rows: InferenceRow[] = [];
      prefixLengths.forEach((n, b) => {
        for (let j = 0; j < F; j++) rows.push({ token: tokens[j], pos: n + j, ownBase: regions[b].base, prefixBase: src?.base ?? 0, prefixLen: n, select: j >= logitsFrom });
      });
      await this.inference.run(rows, logitsFrom > 0 ? { kind: 'select', out: buf } : { kind: 'logits', out: buf, outRow: 0 });
    } catch (e) {
      this.freeLogits(buf);
      throw e;
    } finally {
      // the probes' own rows are dead once their logits are written (queue order keeps them valid until then)
      for (const r of regions) this.kv.release(r);
      joined?.dispose();
    }
    return { logits: handle, firstRow: logitsFrom, dispose: () => this.freeLogits(buf) };
  }

  /** A copy of a two-region state in one region (positions 0…length−1 contiguous). */
  private flatten(state: EngineCacheState): EngineCacheState {
    const fresh = planAppend(this.emptyState, state.length, this.kv, state.length, this.track);
    this.live.add(fresh.next);
    if (state.prefix) this.kv.copyRows(state.prefix.base, fresh.ownBase, state.prefixLen);
    if (state.own) this.kv.copyRows(state.own.base, fresh.ownBase + state.prefixLen, state.ownLength);
    return fresh.next;
  }

  cachePrefix(cache: CacheState, length: number): CacheState {
    const state = this.checkState(cache, 'cachePrefix');
    if (length === 0) return this.emptyState;
    const cut = state.cut(length, this.track);
    this.live.add(cut);
    return cut;
  }

  /** Decoding's draw on the GPU (src/engine/gpu/layers/sample.ts): only the id is read back. */
  async sampleLogitsRow(logits: LogitsHandle, row: number, opts: Pick<SamplingOptions, 'temperature' | 'topK' | 'topP'>, rng: UniformSource): Promise<number> {
    this.checkDevice();
    if (logits.kind !== 'gpu' || logits.dtype !== 'float32' || logits.byteOffset % 4 !== 0) throw new TypeError('sampleLogitsRow needs float32 logits on the GPU');
    if (!Number.isInteger(row) || row < 0 || row >= logits.rows) throw new RangeError(`row must be in [0, ${logits.rows}) (got ${row})`);
    const V = logits.vocab;
    this.rec.begin();
    try {
      this.sampler.record(this.rec, at(logits.buffer, logits.byteOffset / 4 + row * V), 1, V, opts, rng);
    } catch (e) {
      this.rec.submit(); // close the empty recording
      throw e;
    }
    return (await this.sampler.read(this.rec)).ids[0];
  }

  generate(promptIds: number[], opts: SamplingOptions, cb?: GenerateCallbacks): Promise<number[]> {
    return generateWithCache(this, promptIds, opts, cb);
  }

  async dispose(): Promise<void> {
    if (this.released) return;
    this.released = true;
    for (const s of [...this.live]) s.dispose();
    for (const b of [...this.liveLogits]) this.freeLogits(b);
    this.inference.destroy();
    this.sampler.destroy();
    this.rec.destroy();
    this.kv.destroy();
    this.weights.destroy();
  }
}
