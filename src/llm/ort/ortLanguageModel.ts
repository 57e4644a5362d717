// LanguageModel over an onnx-community decoder run by onnxruntime-web: WebGPU (KV cache and
// logits stay in GPU buffers, logits handed out as kind 'gpu') or the WASM fallback (kind 'cpu').
import type { CacheState, ForwardResult, GenerateCallbacks, LanguageModel, LogitsHandle, ModelInfo, ProbeBatchResult, SamplingOptions } from '../types.ts';
import { checkTokenIds, generateWithCache } from '../generate.ts';
import { halvesToFloat32 } from '../logitsRow.ts';
import { samplingFromGenerationConfig } from '../sampling.ts';
import type { HfTokenizer } from '../hub/hfTokenizer.ts';
import type { DecoderIo } from './ioConventions.ts';
import { eosTokenIds } from '../hub/modelConfig.ts';
import { contextLengthOf } from '../representability.ts';
import type { ModelSource } from '../hub/modelFiles.ts';
import { OrtCacheState } from './ortCacheState.ts';
import { loadOrtParts, type LoadedOrtParts, type OrtLoadOptions } from './ortModelLoader.ts';
import { wasmThreads, boolTensor, disposeTensor, emptyTensor, gpuBufferOf, int64Tensor, ortWebGpuDevice, tileBatch, type OrtSessionHandle, type OrtTensor } from './ortRuntime.ts';

export class OrtLanguageModel implements LanguageModel {
  readonly info: ModelInfo;
  readonly tokenizer: HfTokenizer;
  readonly device?: GPUDevice;
  readonly defaultProbe: string;
  /** Why the model runs on WASM although WebGPU was wanted (null on WebGPU). */
  readonly backendNote: string | null;
  /** Sampling defaults from generation_config.json (greedy unless do_sample). */
  readonly samplingDefaults: SamplingOptions;
  readonly io: DecoderIo;
  private readonly session: OrtSessionHandle;
  private readonly live = new Set<OrtCacheState>();
  /** Logits tensors on the GPU handed out and not yet disposed (the session owns their buffers). */
  private readonly liveLogits = new Set<OrtTensor>();
  private released = false;
  private readonly emptyState: OrtCacheState;

  private constructor(parts: LoadedOrtParts, device: GPUDevice | undefined) {
    this.session = parts.session;
    this.io = parts.io;
    this.tokenizer = parts.tokenizer;
    this.device = device;
    this.backendNote = parts.backendNote;
    // A model may name its own probe in config.json (`repro_probe`, repro-method.md §3: "for the
    // bundled toy model its own answer marker"); otherwise thinking/plain defaults apply.
    const probe = parts.config['repro_probe'];
    this.defaultProbe = typeof probe === 'string' && probe.length > 0 ? probe : parts.tokenizer.defaultProbe;
    this.samplingDefaults = samplingFromGenerationConfig(parts.generationConfig);
    this.info = {
      id: parts.id,
      runtime: 'onnxruntime',
      backend: parts.backend,
      backendNote: parts.backendNote ?? undefined,
      wasmThreads: parts.backend === 'wasm' ? wasmThreads() : undefined,
      dtype: parts.dtype,
      weightsPath: parts.weightsPath,
      availableDtypes: parts.availableDtypes ?? undefined,
      ioDtype: parts.io.kvDtype,
      estimate: parts.estimate ?? undefined,
      vocabSize: parts.io.vocabSize,
      numLayers: parts.io.numLayers,
      thinking: parts.tokenizer.thinking,
      eosIds: eosTokenIds(parts.generationConfig, parts.config),
      contextLength: contextLengthOf(parts.config),
      unkTokenId: parts.tokenizer.unkTokenId,
    };
    this.emptyState = new OrtCacheState(this, 0, null, () => undefined);
    // A failed WebGPU run replaces the session (renewingSession.ts); what the old one handed out goes with it.
    this.session.onInvalidate?.(() => {
      for (const st of [...this.live]) st.dispose();
      for (const t of this.liveLogits) disposeTensor(t);
      this.liveLogits.clear();
    });
  }

  /** Loads from the hub, picked files, or any fetchFile (tests). Errors are ModelLoadError. */
  static async load(source: ModelSource, opts: OrtLoadOptions = {}): Promise<OrtLanguageModel> {
    const parts = await loadOrtParts(source, opts);
    const device = parts.backend === 'webgpu' ? await ortWebGpuDevice() : undefined;
    return new OrtLanguageModel(parts, device);
  }

  /** KV-cache states (and their tensors) currently alive. */
  get liveCacheStates(): number {
    return this.live.size;
  }

  formatPrompt(question: string): string {
    return this.tokenizer.formatPrompt(question);
  }

  emptyCache(): CacheState {
    return this.emptyState;
  }

  async forward(tokens: number[], cache: CacheState): Promise<ForwardResult> {
    if (this.released) throw new Error(`Model ${this.info.id} was disposed.`);
    if (tokens.length === 0) throw new RangeError('tokens must hold at least one token id');
    checkTokenIds(tokens, this.info.vocabSize, 'tokens');
    if (!(cache instanceof OrtCacheState) || cache.owner !== this) throw new TypeError('cache must be a CacheState made by this model (emptyCache() or a forward result).');
    if (cache.disposed) throw new Error(`cache (length ${cache.length}) was disposed (or dropped with the session after a failed WebGPU run); forward from a live state.`);
    const io = this.io;
    const P = cache.length;
    const T = tokens.length;
    const feeds: Record<string, OrtTensor> = { input_ids: int64Tensor(tokens, [1, T]) };
    if (io.hasAttentionMask) feeds.attention_mask = int64Tensor(new Array<number>(P + T).fill(1), [1, P + T]);
    if (io.hasPositionIds) feeds.position_ids = int64Tensor(Array.from({ length: T }, (_, i) => P + i), [1, T]);
    if (io.logitsToKeepName) feeds[io.logitsToKeepName] = int64Tensor([T], []); // keep all T rows
    if (io.hasUseCacheBranch) feeds.use_cache_branch = boolTensor(P > 0);
    for (let l = 0; l < io.numLayers; l++) {
      for (const kv of ['key', 'value'] as const) {
        feeds[io.past[l][kv]] = cache.tensor(io.present[l][kv]) ?? emptyTensor(io.kvDtype, [1, io.kvHeads, 0, io.headDim]);
      }
    }
    const out = await this.session.run(feeds);
    const presents = new Map<string, OrtTensor>();
    for (const p of io.present) for (const name of [p.key, p.value]) presents.set(name, out[name]);
    const logits = out.logits;
    for (const [name, t] of Object.entries(out)) if (name !== 'logits' && !presents.has(name)) disposeTensor(t);
    const state = new OrtCacheState(this, P + T, presents, (s) => this.live.delete(s));
    this.live.add(state);
    const [, rows, vocab] = logits.dims;
    if (rows !== T || vocab !== io.vocabSize) {
      disposeTensor(logits);
      state.dispose();
      throw new Error(`logits came back as [${logits.dims.join(', ')}], expected [1, ${T}, ${io.vocabSize}]`);
    }
    const handle = await this.logitsHandle(logits, T);
    return { logits: handle, cache: state, dispose: () => this.disposeLogits(logits) };
  }

  private get kvBytes(): number {
    return this.io.kvDtype === 'float16' ? 2 : 4;
  }

  /** Tiled past K/V of one probe batch is kept under this many bytes (chunks otherwise). */
  static PROBE_BATCH_BYTES = 256 * 2 ** 20;

  /** Rows whose tiled past (of `cacheLength` positions, the longest prefix) fits PROBE_BATCH_BYTES. */
  maxProbeRows(cacheLength: number): number {
    const io = this.io;
    const perRow = io.numLayers * 2 * io.kvHeads * cacheLength * io.headDim * this.kvBytes;
    return Math.max(1, Math.floor(OrtLanguageModel.PROBE_BATCH_BYTES / Math.max(1, perRow)));
  }

  /**
   * Batched branching (LanguageModel.forwardProbes): the first max(prefixLengths) positions of the
   * cache tiled B times along the batch dim, row b's attention mask hiding positions
   * ≥ prefixLengths[b], its positions continuing from there. Needs an attention_mask input; the
   * scorer verifies the result once per model.
   */
  async forwardProbes(cache: CacheState, prefixLengths: number[], tokens: number[]): Promise<ProbeBatchResult> {
    if (this.released) throw new Error(`Model ${this.info.id} was disposed.`);
    const io = this.io;
    if (!io.hasAttentionMask) throw new Error('forwardProbes needs a graph with an attention_mask input');
    if (!(cache instanceof OrtCacheState) || cache.owner !== this || cache.length === 0 || cache.disposed) {
      throw new TypeError('forwardProbes needs a live, non-empty CacheState of this model');
    }
    checkTokenIds(tokens, this.info.vocabSize, 'tokens');
    const B = prefixLengths.length;
    const L = cache.length;
    const F = tokens.length;
    if (B === 0 || F === 0) throw new RangeError('forwardProbes needs at least one probe and one token');
    for (const n of prefixLengths) if (!Number.isInteger(n) || n < 1 || n > L) throw new RangeError(`prefix length ${n} outside 1…${L}`);
    // Positions past the longest prefix are hidden from every row: they are not copied at all
    // (unless a half-precision span would not be 4-byte aligned).
    const longest = Math.max(...prefixLengths);
    const Lk = (longest * io.headDim * this.kvBytes) % 4 === 0 ? longest : L;
    const mask = new Array<number>(B * (Lk + F)).fill(1);
    const positions = new Array<number>(B * F);
    prefixLengths.forEach((n, b) => {
      mask.fill(0, b * (Lk + F) + n, b * (Lk + F) + Lk);
      for (let j = 0; j < F; j++) positions[b * F + j] = n + j;
    });
    const ids = new Array<number>(B * F);
    for (let b = 0; b < B; b++) for (let j = 0; j < F; j++) ids[b * F + j] = tokens[j];
    const feeds: Record<string, OrtTensor> = { input_ids: int64Tensor(ids, [B, F]), attention_mask: int64Tensor(mask, [B, Lk + F]) };
    if (io.hasPositionIds) feeds.position_ids = int64Tensor(positions, [B, F]);
    if (io.logitsToKeepName) feeds[io.logitsToKeepName] = int64Tensor([F], []);
    if (io.hasUseCacheBranch) feeds.use_cache_branch = boolTensor(true);
    // The tiled past lives until the caller disposes the logits: ORT may submit its commands late.
    const tiled: OrtTensor[] = [];
    const freeTiled = () => {
      for (const t of tiled.splice(0)) disposeTensor(t);
    };
    try {
      for (let l = 0; l < io.numLayers; l++) {
        for (const kv of ['key', 'value'] as const) {
          const t = tileBatch(cache.tensor(io.present[l][kv])!, B, this.device, Lk);
          if (!t) throw new Error(`cannot tile ${io.present[l][kv]} for a probe batch`);
          tiled.push(t);
          feeds[io.past[l][kv]] = t;
        }
      }
      const out = await this.session.run(feeds);
      const logits = out.logits;
      for (const [name, t] of Object.entries(out)) if (name !== 'logits') disposeTensor(t);
      const [b, rows, vocab] = logits.dims;
      if (b !== B || rows !== F || vocab !== io.vocabSize) {
        disposeTensor(logits);
        throw new Error(`probe logits came back as [${logits.dims.join(', ')}], expected [${B}, ${F}, ${io.vocabSize}]`);
      }
      const handle = await this.logitsHandle(logits, B * F);
      return {
        logits: handle,
        dispose: () => {
          this.disposeLogits(logits);
          freeTiled();
        },
      };
    } catch (e) {
      freeTiled();
      throw e;
    }
  }

  /**
   * LanguageModel.cachePrefix: the first `length` positions of every present.* tensor copied into
   * a new state (on the GPU under WebGPU: one buffer copy per head, nothing read back).
   */
  cachePrefix(cache: CacheState, length: number): CacheState {
    if (this.released) throw new Error(`Model ${this.info.id} was disposed.`);
    if (!(cache instanceof OrtCacheState) || cache.owner !== this || cache.disposed) throw new TypeError('cachePrefix needs a live CacheState of this model');
    if (!Number.isInteger(length) || length < 0 || length > cache.length) throw new RangeError(`prefix length ${length} outside 0…${cache.length}`);
    if (length === 0) return this.emptyState;
    const presents = new Map<string, OrtTensor>();
    try {
      for (const p of this.io.present) {
        for (const name of [p.key, p.value]) {
          const t = tileBatch(cache.tensor(name)!, 1, this.device, length);
          if (!t) throw new Error(`cannot cut ${name} to ${length} positions (a float16 span of odd size on the GPU)`);
          presents.set(name, t);
        }
      }
    } catch (e) {
      for (const t of presents.values()) disposeTensor(t);
      throw e;
    }
    const state = new OrtCacheState(this, length, presents, (s) => this.live.delete(s));
    this.live.add(state);
    return state;
  }

  /** Frees GPU logits once (not again after the session dropped them). */
  private disposeLogits(t: OrtTensor): void {
    if (this.liveLogits.delete(t)) disposeTensor(t);
  }

  private async logitsHandle(t: OrtTensor, rows: number): Promise<LogitsHandle> {
    const vocab = this.io.vocabSize;
    if (t.location === 'gpu-buffer') {
      this.liveLogits.add(t);
      return { kind: 'gpu', buffer: gpuBufferOf(t), byteOffset: 0, rows, vocab, dtype: this.io.logitsDtype };
    }
    const raw = t.data as unknown;
    const data = raw instanceof Uint16Array ? halvesToFloat32(raw) : Float32Array.from(raw as ArrayLike<number>);
    disposeTensor(t);
    return { kind: 'cpu', data, rows, vocab };
  }

  generate(promptIds: number[], opts: SamplingOptions, cb?: GenerateCallbacks): Promise<number[]> {
    return generateWithCache(this, promptIds, opts, cb);
  }

  async dispose(): Promise<void> {
    if (this.released) return;
    this.released = true;
    for (const s of [...this.live]) s.dispose();
    await this.session.release();
  }
}
