// The typed RPC surface between the UI (main thread) and the worker, which owns the model and
// every long GPU job. Only plain, structured-cloneable data crosses it; callbacks are comlink
// proxies; long jobs carry a job id that cancel(jobId) aborts.
import type { TaskRegime } from '../task/regime.ts';
import type { Trajectory } from '../repro/types.ts';
import type { BatchItemResult } from '../analysis/batchRows.ts';
import type { ModelInfo, SamplingOptions } from '../llm/types.ts';
import type { ParsedPromptSet } from '../data/parsePromptSet.ts';
import type { Representability } from '../llm/representability.ts';
import type { GenerationStop } from '../analysis/generationOutcome.ts';
import type { FieldMapping } from '../data/promptItem.ts';
import type { OrtDtype } from '../llm/ort/dtypeChoice.ts';
import type { CachedModel } from '../llm/hub/modelCache.ts';
import type { ScoringPathInfo } from '../llm/scoringPath.ts';
import type { BranchPhase, BranchRequest, BranchResult, ScorerInput } from './branchTypes.ts';

export type GpuStatus =
  | {
      available: true;
      adapter: { vendor: string; architecture: string; description: string; device: string };
      /** Key limits: what the device got, and the adapter's maximum. */
      limits: { name: string; device: number; adapter: number }[];
      adapterFeatures: string[];
      deviceFeatures: string[];
      /** whether our engine's kernels use shader-f16, and why (src/engine/gpu/shaderF16.ts) */
      engineShaderF16?: { used: boolean; note: string };
    }
  | { available: false; reason: string; message: string };

export interface SelfTestReport {
  ok: boolean;
  /** Logits tested: rows × vocab. */
  rows: number;
  vocab: number;
  /** Largest |gpu − cpu| over all statistics, and per statistic. */
  maxAbsError: number;
  perStatistic: Record<string, number>;
  gpuMs: number;
  cpuMs: number;
  message: string;
}

/**
 * What runs a model: our own WebGPU engine (safetensors of the Llama family, the toy models) or
 * ONNX Runtime (onnx-community exports). 'auto': the engine when it can run the model here, else
 * ONNX Runtime.
 */
export type ModelBackendChoice = 'auto' | 'engine' | 'ort';

/** Where a model comes from (and, optionally, which backend runs it). Local files carry their folder-relative paths. */
export type ModelSourceSpec = (
  | BaseModelSourceSpec
  /**
   * a base with a PEFT adapter applied, on our engine only (src/worker/peftHost.ts openAdapted):
   * `adapter` = the adapter folder's files (adapter_config.json + adapter_model.safetensors), path → bytes;
   * `adapterName` names it in labels ("run X, step N", a picked folder's name)
   */
  | { kind: 'adapted'; base: BaseModelSourceSpec; adapter: Record<string, Uint8Array>; adapterName: string }
) & { backend?: ModelBackendChoice };

/** A model source without an adapter. */
export type BaseModelSourceSpec = (
  /**
   * a bundled toy model; regime (src/task/regime.ts) picks its folder, absent = mixed; arch 'llama':
   * the regime's toy Llama in the Hugging Face layout (REGIME_LLAMA_MODEL_DIR), absent = the GPT-2
   */
  | { kind: 'bundled'; regime?: TaskRegime; arch?: 'llama' }
  /** dtype: an ONNX weight variant the user picked; token: a Hugging Face access token (kept in memory, never stored). */
  | { kind: 'hub'; id: string; revision?: string; dtype?: OrtDtype; token?: string }
  | { kind: 'local'; files: { path: string; file: File }[] }
  /** A toy-reasoner safetensors checkpoint (SFT or a GRPO run's). */
  | { kind: 'checkpoint'; name: string; bytes: Uint8Array }
) & { backend?: ModelBackendChoice };

export interface LoadProgress {
  file: string;
  loaded: number;
  /** Bytes expected, 0 when unknown. */
  total: number;
  phase: string;
}

/** Which backends can open the loaded model's source: null = yes, else why not. */
export interface BackendOptions { engine: string | null; ort: string | null }

export interface LoadedModel {
  info: ModelInfo;
  /** What each backend says about this source (the panel offers the other one when it can open it). */
  backends?: BackendOptions;
  defaultProbe: string;
  /** What the worker used to load it, for display ("bundled toy model", a hub id, a folder). */
  label: string;
  /** How J is scored on this graph (cached / one token at a time / re-encoding) and its cost. */
  scoring?: ScoringPathInfo;
}

/** Error that crossed the worker boundary: a message to show and the loader's error kind. */
export interface WorkerError {
  kind: string;
  message: string;
}

export interface ScoreRequest extends ScorerInput {
  /** Alternatives per CoT token in Trajectory.tokenLens (1…20, default 10; issue #17 §1). */
  lensK?: number;
}

/** Scoring with weights other than the loaded model's (compare with the starting model, issue #17 §3). */
export interface ScoreWithWeightsRequest extends Omit<ScoreRequest, 'probe'> {
  /** null = the default probe of the model these weights load as. */
  probe: string | null;
}

export interface GenerateRequest {
  question: string;
  sampling: SamplingOptions;
}

export interface GenerateResult {
  /** The whole generated text (prompt excluded). */
  text: string;
  /** The CoT part: text before the probe / end-of-thinking marker (all of it if none). */
  cot: string;
  /** What the model wrote as its answer after the CoT ('' if it never got there). */
  modelAnswer: string;
  tokens: number;
  stopped: GenerationStop;
  /** The answer marker appeared and an answer followed it. */
  answerComplete?: boolean;
  /** The token budget in force (maxNewTokens, cut to what the context leaves). */
  maxTokens?: number;
}

/** A scoring input to check against the model's vocabulary and context (llm/representability.ts). */
export interface CheckInputRequest {
  question: string;
  cot: string;
  answer: string;
  probe: string;
}

export interface BatchItemInput {
  id: string;
  line: number;
  question: string;
  answer: string;
  cot?: string;
}

/** One batch item's result: the type lives with the pure code that turns it into table rows. */
export type { BatchItemResult };

export interface BatchOptions {
  probe: string;
  delimiter: string;
  delimiterIsRegex: boolean;
  sampling: SamplingOptions;
  /**
   * Score input the model cannot represent anyway (its numbers are flagged wherever shown). Off:
   * such input is not scored, the inspector's rule.
   */
  scoreUnrepresentable?: boolean;
}

/** The parse report of an uploaded prompt file (src/data parsePromptSet), plus the file's name. */
export type ParsedPromptFile = ParsedPromptSet & { name: string; bytes: number };

export interface DataApi {
  /** Reads and parses a prompt file in the worker (big files never block the page). */
  parsePromptFile(file: Blob, name: string, mapping?: FieldMapping): Promise<ParsedPromptFile>;
}

export interface StatusApi {
  gpuStatus(): Promise<GpuStatus>;
  runSelfTest(): Promise<SelfTestReport>;
}

export interface ModelApi {
  loadModel(source: ModelSourceSpec, onProgress: (p: LoadProgress) => void): Promise<LoadedModel>;
  unloadModel(): Promise<void>;
  cacheSize(): Promise<number>;
  clearCache(): Promise<void>;
  /** Cached models (per repository and revision) with their sizes; delete one. */
  listCachedModels(): Promise<CachedModel[]>;
  deleteCachedModel(id: string, revision?: string): Promise<number>;
  /** Streamed: onText gets the CoT so far (never the answer line) and the answer text so far. */
  generate(jobId: string, req: GenerateRequest, onText: (cot: string, tokens: number, answer: string) => void): Promise<GenerateResult>;
  /** Unknown tokens and context length of a scoring input, for the loaded model. */
  checkInput(req: CheckInputRequest): Promise<Representability>;
  score(jobId: string, req: ScoreRequest, onProgress: (done: number, total: number) => void): Promise<Trajectory>;
  /**
   * Loads `source` as a second, temporary model (the loaded one stays), scores with it and frees
   * it. Progress: 'load' (files) then 'score' (boundaries done / total).
   */
  scoreWithWeights(
    jobId: string,
    source: ModelSourceSpec,
    req: ScoreWithWeightsRequest,
    onProgress: (phase: 'load' | 'score', done: number, total: number) => void,
  ): Promise<{ trajectory: Trajectory; modelLabel: string }>;
  /** Runs every item; results stream through onResult; a cancelled run resolves with what it finished. */
  runBatch(
    jobId: string,
    items: BatchItemInput[],
    opts: BatchOptions,
    onResult: (r: BatchItemResult, done: number, total: number) => void,
  ): Promise<{ done: number; cancelled: boolean }>;
  /**
   * runBatch on `source` loaded as a second, temporary model (the loaded one stays untouched) and
   * freed after: the same items under a base and under base + adapter, before → after. probe null =
   * that model's default probe. `results`: every finished item (onResult is for progress: its calls
   * travel on their own port and may arrive after the promise settles).
   */
  runBatchWith(
    jobId: string,
    source: ModelSourceSpec,
    items: BatchItemInput[],
    opts: Omit<BatchOptions, 'probe'> & { probe: string | null },
    onResult: (r: BatchItemResult, done: number, total: number) => void,
  ): Promise<{ done: number; cancelled: boolean; modelLabel: string; results: BatchItemResult[] }>;
  cancel(jobId: string): void;
  /**
   * Branch the scored CoT at a token (issue #17 §2): continue from the kept KV cache at the fork,
   * then score the new CoT with the same probe, delimiter and answer. Cancellable by jobId.
   */
  branch(jobId: string, req: BranchRequest, onProgress: (phase: BranchPhase, done: number, total: number) => void): Promise<BranchResult>;
  /** Keep the worker's KV cache only if it is this inspection's (null: free it). */
  retainBranchCache(inspection: CheckInputRequest & { delimiter: string; delimiterIsRegex: boolean } | null): Promise<void>;
}

export type { BranchPhase, BranchRequest, BranchResult } from './branchTypes.ts';

export type WorkerApi = StatusApi & ModelApi & DataApi;

/** The weight variants a hub model may be loaded as (the model panel's dtype choice). */
export { ORT_DTYPES, type OrtDtype } from '../llm/ort/dtypeChoice.ts';
