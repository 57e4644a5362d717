// What the training worker's live memory pre-flight (./runPreflight.ts) tells the setup screen:
// the breakdown by part, the total against the budget and the largest buffer against the
// adapter's limits — or, when the model cannot be opened or the settings cannot be sized, why.
// Plain data (crosses the worker boundary). Pure.

export interface PreflightPartRow {
  /** the part as the pre-flight names it to the user ("base weights", "KV cache", …) */
  label: string;
  bytes: number;
}

export interface PreflightFits {
  ok: true;
  fits: boolean;
  /** the model as logs name it (src/worker/runModel.ts sourceLabel) */
  model: string;
  /** the base's file precision, from the safetensors header */
  weightDtype: string;
  /** layers, hidden size, vocabulary: what the sizes follow from */
  arch: { family: string; layers: number; hidden: number; vocab: number };
  parts: PreflightPartRow[];
  totalBytes: number;
  budgetBytes: number;
  /** the budget is the default (no WebGPU API reports a GPU's memory), not the user's */
  assumedBudget: boolean;
  largestBuffer: { name: string; bytes: number };
  limits: { maxBufferSize: number; maxStorageBufferBindingSize: number };
  /** the longest prompt of the task through the model's format, and a training row's length */
  maxPromptTokens: number;
  maxSeqLen: number;
  /** each buffer over a limit, then the budget (empty when it fits) */
  problems: string[];
  /** what to lower, each with the value that fits */
  advice: string[];
}

export interface PreflightRefused {
  ok: false;
  /** 'model': the model could not be opened (bad id, unsupported architecture, missing files); 'settings': the run cannot be sized */
  kind: 'model' | 'settings';
  error: string;
}

export type PreflightReport = PreflightFits | PreflightRefused;

/** One line for Start's disabled reason: empty when the run fits. */
export function preflightBlocker(r: PreflightReport): string | null {
  if (!r.ok) return r.kind === 'model' ? `The model cannot be opened: ${r.error}` : r.error;
  if (r.fits) return null;
  return `This run does not fit on the GPU. ${r.problems.join(' ')}${r.advice.length > 0 ? ` Lower one of: ${r.advice.join(' ')}` : ' Pick a smaller model.'}`;
}
