// The one interface every model backend implements (ORT/onnx-community decoders, the toy model
// through its ONNX export). The scorer, generation and the UI only see this.

export type LogitsDType = 'float32' | 'float16';

/**
 * Logits of `rows` consecutive positions, row-major [rows, vocab]. On WebGPU they stay in a GPU
 * buffer (never read back whole); on the WASM fallback they are a CPU array.
 */
export type LogitsHandle =
  | { kind: 'gpu'; buffer: GPUBuffer; byteOffset: number; rows: number; vocab: number; dtype: LogitsDType }
  | { kind: 'cpu'; data: Float32Array; rows: number; vocab: number };

/**
 * A KV-cache state after `length` tokens. States form a tree: forwarding from a state returns a
 * new state and leaves the old one usable (branching: one prefix, many probes). dispose() frees
 * the GPU tensors the state owns.
 */
export interface CacheState {
  readonly length: number;
  dispose(): void;
}

export interface ForwardResult {
  /**
   * Logits of the fed tokens from firstRow on, [tokens.length − firstRow, vocab]; owned by the
   * caller until dispose().
   */
  logits: LogitsHandle;
  /** The fed token of logits row 0: the logitsFrom the model honoured (absent = 0, every row). */
  firstRow?: number;
  cache: CacheState;
  dispose(): void; // frees logits only; the cache is disposed separately
}

/**
 * Logits of a batch of probes: row b·R + (j − firstRow) is probe b's j-th fed token, for
 * j = firstRow…F − 1 (R = F − firstRow rows per probe).
 */
export interface ProbeBatchResult {
  logits: LogitsHandle;
  /** each probe's first row with logits (absent: 0, every fed token's row) */
  firstRow?: number;
  dispose(): void;
}

export interface TokenizerLike {
  readonly vocabSize: number;
  /** True when prompts come from a chat template (which writes any BOS itself); see promptIds.ts. */
  readonly chatTemplated?: boolean;
  encode(text: string, opts?: { addSpecialTokens?: boolean }): number[];
  decode(ids: number[], opts?: { skipSpecialTokens?: boolean }): string;
}

// The one sampling option type (src/sampling/options.ts) and the random stream draws come from.
import type { SamplingOptions } from '../sampling/options.ts';
import type { UniformSource } from '../sampling/rng.ts';
export type { SamplingOptions };

export type StopReason = 'eos' | 'stop-string' | 'max-tokens';

export interface GenerateCallbacks {
  onToken?: (id: number, text: string) => void;
  signal?: AbortSignal;
  /** Why generation ended (not called when it is aborted or fails). */
  onStop?: (reason: StopReason) => void;
}

export interface ModelInfo {
  id: string;
  /** What runs the model: our own WebGPU engine, or ONNX Runtime Web (onnx-community exports). */
  runtime: 'engine' | 'onnxruntime';
  backend: 'webgpu' | 'wasm';
  /** Why the model runs on WASM when WebGPU was asked for (shown in the UI), else undefined. */
  backendNote?: string;
  /** WASM backend only: the threads ORT runs (1 when the page is not cross-origin isolated). */
  wasmThreads?: number;
  dtype: string;
  /** The weight file loaded (e.g. onnx/model_q4.onnx), and every dtype the source ships (when listed). */
  weightsPath?: string;
  availableDtypes?: string[];
  /** Element type of the graph's KV / logits I/O ('float16' for fp16 exports). */
  ioDtype?: string;
  /** Weights + KV bytes estimated before loading (checked against the backend's limits). */
  estimate?: { weightBytes: number; kvBytes: number; contextTokens: number; embeddingBytes: number | null };
  vocabSize: number;
  numLayers: number;
  /** true when the chat template / tokenizer uses <think> … </think>. */
  thinking: boolean;
  eosIds: number[];
  /** Positions the model was trained on (config.json max_position_embeddings, n_positions, …). */
  contextLength?: number;
  /** The tokenizer's unknown-token id; undefined when it has none (byte-level BPE). */
  unkTokenId?: number;
}

export interface LanguageModel {
  readonly info: ModelInfo;
  readonly tokenizer: TokenizerLike;
  /** The GPUDevice the logits live on (shared with our kernels), when on WebGPU. */
  readonly device?: GPUDevice;
  /** Default answer probe text for this model (repro-method.md §3). */
  readonly defaultProbe: string;
  /** The prompt text up to where the CoT begins (chat template applied, thinking opened). */
  formatPrompt(question: string): string;
  emptyCache(): CacheState;
  /**
   * logitsFrom: the caller reads only rows j ≥ logitsFrom (e.g. a scorer skipping the prompt's
   * rows), so a model may skip the LM head before them (ForwardResult.firstRow says if it did).
   */
  forward(tokens: number[], cache: CacheState, logitsFrom?: number): Promise<ForwardResult>;
  generate(promptIds: number[], opts: SamplingOptions, cb?: GenerateCallbacks): Promise<number[]>;
  /**
   * Optional batched branching: probe b feeds `tokens` after the first prefixLengths[b] positions
   * of `cache` (the later positions masked out), all in one call. Every prefix of a KV cache is
   * the cache of that prefix (causal attention), so this equals forwarding `tokens` from each
   * boundary's own state — if the graph honours the attention mask; the scorer checks that once.
   * Positions past max(prefixLengths) are hidden from every row, so a call may drop them.
   * logitsFrom: the caller reads only each probe's rows j ≥ logitsFrom (the answer's rows), so a
   * model may skip the LM head for the rows before (ProbeBatchResult.firstRow says if it did).
   */
  forwardProbes?(cache: CacheState, prefixLengths: number[], tokens: number[], logitsFrom?: number): Promise<ProbeBatchResult>;
  /** Most probes one forwardProbes call takes when its longest prefix is this long (memory bound). */
  maxProbeRows?(cacheLength: number): number;
  /**
   * Optional: true when forwardProbes reads each probe's prefix of the cache in place (no copy of
   * the cache per probe; a row attends to its own prefix only), so splitting the probes over
   * several calls saves no work and the scorer makes as few calls as memory allows.
   */
  readonly probesReadCacheInPlace?: boolean;
  /**
   * Optional: a new state holding the first `length` positions of `cache` (causal attention: a
   * cache's prefix is the cache of that prefix), owned by the caller; `cache` stays usable. Lets a
   * branch continue at any position of a kept cache without re-encoding the prefix; checked once
   * per model against re-encoding (src/llm/branch/branchPath.ts).
   */
  cachePrefix?(cache: CacheState, length: number): CacheState;
  /**
   * Optional: the next token drawn from row `row` of a logits handle on the model's own device,
   * with src/sampling/sampleToken.ts's semantics and random stream (one uniform from `rng` when
   * temperature > 0), so decoding reads back an id, never a row of V floats (src/llm/generate.ts).
   */
  sampleLogitsRow?(logits: LogitsHandle, row: number, opts: Pick<SamplingOptions, 'temperature' | 'topK' | 'topP'>, rng: UniformSource): Promise<number>;
  dispose(): Promise<void>;
}

/**
 * Per-row entropy and log p(target) of a logits handle (targets −1 = none): the kernel the
 * J-trajectory scorer is given (src/gpu/logitsKernel.ts in the app).
 */
export type LogitsStatsFn = (logits: LogitsHandle, targets: Int32Array | null) => Promise<{ entropy: ArrayLike<number>; targetLogProb: ArrayLike<number> }>;

/**
 * Per row the k most likely token ids with their log-probs (descending; ties → lower id), and the
 * rank (0 = argmax) and log p of the chosen id (−1 = none); status ≠ 0 marks a row with NaN / +inf
 * entries or none finite (src/gpu/logitsTopKCpu.ts). The top-k kernel on the model's device (CPU
 * reference on WASM) is what the scorer is given for Trajectory.tokenLens (src/gpu/logitsKernel.ts).
 */
export type LogitsTopKFn = (logits: LogitsHandle, k: number, chosen: Int32Array | null) => Promise<{
  ids: ArrayLike<number>; logProbs: ArrayLike<number>; rank: ArrayLike<number>; chosenLogProb: ArrayLike<number>; status: ArrayLike<number>;
  /** Each row's entropy (nats), from the same read of the row; NaN where status ≠ 0. */
  entropy: ArrayLike<number>;
}>;
