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
  /** the frozen base's share of totalBytes: runs on one source share it */
  weightsBytes: number;
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

/**
 * Runs started together train side by side on one device, sharing the frozen base: the bytes they
 * hold together (each run's own buffers plus one base).
 */
export function togetherBytes(reports: readonly PreflightFits[]): number {
  if (reports.length === 0) return 0;
  return Math.max(...reports.map((r) => r.weightsBytes)) + reports.reduce((s, r) => s + r.totalBytes - r.weightsBytes, 0);
}

const gib = (n: number) => `${(n / 2 ** 30).toFixed(2)} GiB`;

/**
 * Why the runs of one Start cannot start (null: they fit): the first run's refusal, or — each run
 * fitting alone — the runs together over the budget (they train side by side on one device).
 */
export function comparisonBlocker(reports: readonly PreflightReport[]): string | null {
  for (const r of reports) {
    const b = preflightBlocker(r);
    if (b) return b;
  }
  const fits = reports as readonly PreflightFits[];
  if (fits.length < 2) return null;
  const together = togetherBytes(fits);
  const budget = Math.min(...fits.map((r) => r.budgetBytes));
  if (together <= budget) return null;
  return `The ${fits.length} runs train side by side: together they need ${gib(together)} (one shared base), more than the ${gib(budget)} budget. Start fewer estimators, or lower the group size or response length.`;
}
