// The typed RPC surface of the training worker (src/worker/training.worker.ts). Only plain,
// structured-cloneable data crosses it; the event sink is a comlink proxy.
import type { GrpoConfig } from '../rl/config.ts';
import type { EvalMetrics, RolloutSample, StepMetrics } from '../rl/metrics.ts';
import type { TaskItem, TaskSettings } from '../rl/task/types.ts';
import type { TaskRegime } from '../task/regime.ts';
import type { RunModel } from './runModel.ts';
import type { StepTimeReport } from './stepTimeReport.ts';

export type { StepTimeReport } from './stepTimeReport.ts';
import type { PreflightReport } from './preflightReport.ts';

export type { RunModel, RunModelSource, EngineRunModel } from './runModel.ts';
export type { PreflightReport, PreflightFits, PreflightRefused, PreflightPartRow } from './preflightReport.ts';
export { comparisonBlocker, preflightBlocker, togetherBytes } from './preflightReport.ts';

export interface RunSpec {
  /** unique id (also the IndexedDB key of the run's checkpoint) */
  runId: string;
  /** shown in legends, e.g. "RePro (GRPO + process reward)" */
  label: string;
  method: 'outcome' | 'repro';
  config: GrpoConfig;
  /** stop after this many steps */
  steps: number;
  /** runs started together (outcome-only vs RePro) share it: a reload resumes them as a pair */
  comparisonId?: string;
  /** which bundled SFT checkpoint a fresh run starts from (src/task/regime.ts); absent = mixed */
  regime?: TaskRegime;
  /**
   * what the run trains on (src/rl/task/settings.ts); absent = the toy task (specs stored before the
   * task left the trainer carry its digits in config: migrateRunSpec moves them here)
   */
  task?: TaskSettings;
  /**
   * the model trained (./runModel.ts): absent or { kind: "toy" } = the toy GPT-2 from the regime's
   * SFT checkpoint (full weights); { kind: "engine", source, lora } = LoRA on a Llama-family model
   */
  model?: RunModel;
  /** a prompt-set run's items (task.kind "prompt-set"), and its held-out items when task.heldout is "separate" */
  promptSet?: { items: TaskItem[]; heldOutItems?: TaskItem[] };
}

export type RunStatus = 'starting' | 'running' | 'paused' | 'stopped' | 'finished' | 'error';

export interface TrainingEvents {
  onMetrics(runId: string, m: StepMetrics): void;
  onEval(runId: string, e: EvalMetrics): void;
  onSamples(runId: string, s: RolloutSample[]): void;
  onLog(runId: string, line: string): void;
  /** status changes; `message` explains pauses (device lost, …) and errors */
  onStatus(runId: string, status: RunStatus, message?: string): void;
}

/** A run saved in IndexedDB that a reload can resume exactly. */
export interface SavedRunInfo {
  spec: RunSpec;
  /** steps completed in the checkpoint */
  step: number;
  savedAt: number;
  history: StepMetrics[];
  evalHistory: EvalMetrics[];
}

export interface CheckpointExport {
  /** safetensors: weights, AdamW moments, trainer state metadata (src/rl/checkpoint.ts) */
  safetensors: Uint8Array;
  /** the run's spec and GRPO config, pretty JSON */
  configJson: string;
}

export interface TrainingApi {
  /** Attach the UI's event sink (one per page). */
  subscribe(events: TrainingEvents): Promise<void>;
  /**
   * The memory pre-flight of a LoRA run on an engine model, before Start: reads the model's
   * config.json, tokenizer and weight header only (cached per source), plans and checks the run
   * against this GPU's limits and the budget. Never rejects for a bad model or settings: says why.
   */
  preflight(spec: RunSpec): Promise<PreflightReport>;
  /** The time one step of a LoRA run would take on this GPU, from kernels timed at its model's shapes (before Start). */
  estimateStep(spec: RunSpec): Promise<StepTimeReport>;
  /** Start a fresh run from the bundled SFT checkpoint. Resolves once it is running. */
  start(spec: RunSpec): Promise<void>;
  pause(runId: string): Promise<void>;
  resume(runId: string): Promise<void>;
  stop(runId: string): Promise<void>;
  /** Runs saved in IndexedDB (checkpoints at pause, every checkpoint_every steps, at the end). */
  listSaved(): Promise<SavedRunInfo[]>;
  /**
   * Continue a saved run exactly where its checkpoint left it (after a reload). `repicked`: the
   * model folder picked again, for a run on a picked folder whose files the browser did not keep.
   */
  resumeSaved(runId: string, repicked?: { files: File[]; name: string }): Promise<void>;
  deleteSaved(runId: string): Promise<void>;
  /** Save every run's last completed step now (page hidden or unloading). */
  saveAll(): Promise<void>;
  exportCheckpoint(runId: string): Promise<CheckpointExport>;
  /**
   * The weights the run started from (its regime's SFT checkpoint, what a fresh run loads) as a
   * weights-only safetensors checkpoint, and where they came from.
   */
  exportStartingCheckpoint(runId: string): Promise<{ safetensors: Uint8Array; source: string }>;
  /** ONNX export (onnx-community layout) of the run's current weights (toy runs). */
  exportOnnx(runId: string): Promise<Uint8Array>;
  /** A LoRA run's current adapter in PEFT's format: adapter_config.json + adapter_model.safetensors (path → bytes). */
  exportPeft(runId: string): Promise<Record<string, Uint8Array>>;
  /** A LoRA run's base folder with its current adapter merged (model.safetensors …, config and tokenizer files); `leftOut`: base files not copied. */
  exportMerged(runId: string): Promise<{ files: Record<string, Uint8Array>; leftOut: string[] }>;
}
