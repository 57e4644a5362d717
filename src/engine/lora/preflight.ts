// Will this LoRA RL run fit? Before Start: every buffer of ./preflightBuffers.ts against the
// adapter's per-buffer limits, their sum against a memory budget (no WebGPU API reports device
// memory: the caller's budget), and when something is over, which part is too large and what to
// lower — group size, response length, prompts per step, sequences per pass, LoRA targets, rank,
// the head's vocabulary chunk — each with the largest value that fits. Pure.
import { advise, type Advice } from './preflightAdvice.ts';
import { PART_LABEL, type MemoryBuffer, type MemoryPart } from './preflightBuffers.ts';
import { buffersOf, formatBytes, overLimit, total, type PreflightInput } from './preflightCheck.ts';

export type { Advice, Knob } from './preflightAdvice.ts';
export { formatBytes } from './preflightCheck.ts';
export type { PreflightInput, PreflightLimits } from './preflightCheck.ts';

export interface PartBytes { part: MemoryPart; bytes: number }

export interface Preflight {
  buffers: MemoryBuffer[];
  /** bytes per part, largest first */
  parts: PartBytes[];
  totalBytes: number;
  fits: boolean;
  /** each buffer over a limit, then the budget: one sentence each */
  problems: string[];
  /** what to lower, one knob at a time, with the value that fits (empty when it fits, or when nothing but a smaller model helps) */
  advice: Advice[];
}

export function preflight(x: PreflightInput): Preflight {
  checkInput(x);
  const buffers = buffersOf(x);
  const totalBytes = total(buffers);
  const byPart = new Map<MemoryPart, number>();
  for (const b of buffers) byPart.set(b.part, (byPart.get(b.part) ?? 0) + b.bytes * b.count);
  const parts = [...byPart].map(([part, bytes]) => ({ part, bytes })).sort((a, b) => b.bytes - a.bytes);
  const problems = buffers.map((b) => overLimit(b, x.limits)).filter((p): p is string => p !== null);
  if (totalBytes > x.limits.budgetBytes) {
    const top = parts.slice(0, 3).map((p) => `${PART_LABEL[p.part]} ${formatBytes(p.bytes)}`).join(', ');
    problems.push(`The run needs ${formatBytes(totalBytes)} on the GPU, more than the ${formatBytes(x.limits.budgetBytes)} budget; the largest parts: ${top}.`);
  }
  const fits = problems.length === 0;
  return { buffers, parts, totalBytes, fits, problems, advice: fits ? [] : advise(x) };
}

function checkInput(x: PreflightInput): void {
  const t = x.train;
  const ints: [string, number | undefined][] = [
    ['promptsPerStep', t.promptsPerStep], ['numGenerations', t.numGenerations], ['maxPromptTokens', t.maxPromptTokens],
    ['maxCompletionTokens', t.maxCompletionTokens], ['vocabChunk', t.vocabChunk], ['sequencesPerPass', t.sequencesPerPass],
    ['inferenceRows', t.inferenceRows], ['r', x.lora.r],
  ];
  const probe = t.probeTokensPerSample ?? 0;
  if (!Number.isInteger(probe) || probe < 0) throw new RangeError(`preflight: probeTokensPerSample must be an integer >= 0, got ${probe}`);
  for (const [k, v] of ints) {
    if (v === undefined && (k === 'sequencesPerPass' || k === 'vocabChunk' || k === 'inferenceRows')) continue;
    if (!Number.isInteger(v) || (v as number) <= 0) throw new RangeError(`preflight: ${k} must be a positive integer, got ${v}`);
  }
  if (t.sequencesPerPass !== undefined && t.sequencesPerPass > t.promptsPerStep * t.numGenerations) {
    throw new RangeError(`preflight: sequencesPerPass (${t.sequencesPerPass}) exceeds the step's P·G = ${t.promptsPerStep * t.numGenerations} sequences`);
  }
  if (x.lora.targets.length === 0) throw new RangeError('preflight: LoRA needs at least one target');
  for (const [k, v] of Object.entries(x.limits)) if (!(v > 0)) throw new RangeError(`preflight: limits.${k} must be > 0, got ${v}`);
}
