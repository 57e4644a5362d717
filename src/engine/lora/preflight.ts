// Will this LoRA RL run fit? Before Start: every buffer of ./preflightBuffers.ts against the
// adapter's per-buffer limits, their sum against a memory budget (no WebGPU API reports device
// memory: the caller's budget), and when something is over, which part is too large and what to
// lower — group size, response length, prompts per step, sequences per pass, LoRA targets, rank,
// the head's vocabulary chunk — each with the largest value that fits. Pure.
import type { LlamaConfig } from '../llamaConfig.ts';
import type { SafetensorsDtype } from '../hf/safetensorsHeader.ts';
import { LORA_TARGETS, type LoraTarget } from './loraConfig.ts';
import { memoryBuffers, type LoraMemorySettings, type MemoryBuffer, type MemoryPart, type TrainMemorySettings } from './preflightBuffers.ts';

export interface PreflightLimits {
  /** GPUDevice.limits.maxBufferSize */
  maxBufferSize: number;
  /** GPUDevice.limits.maxStorageBufferBindingSize */
  maxStorageBufferBindingSize: number;
  /** bytes the whole run may take on the GPU */
  budgetBytes: number;
}

export interface PreflightInput {
  config: LlamaConfig;
  /** the base weights' file precision */
  weightDtype: SafetensorsDtype;
  lora: LoraMemorySettings;
  train: TrainMemorySettings;
  limits: PreflightLimits;
}

export interface PartBytes { part: MemoryPart; bytes: number }

export type Knob = 'numGenerations' | 'maxCompletionTokens' | 'promptsPerStep' | 'sequencesPerPass' | 'vocabChunk' | 'r' | 'targets';

export interface Advice {
  /** what to change: one knob (its largest value that fits, the others unchanged), or the free knobs' floors and one more */
  changes: { knob: Knob; from: number | string; to: number | string }[];
  /** the run's total after the changes */
  totalBytes: number;
  message: string;
}

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

const KNOB_LABEL: Record<Knob, string> = {
  numGenerations: 'group size G (samples per prompt)',
  maxCompletionTokens: 'response length (most completion tokens)',
  promptsPerStep: 'prompts per step',
  sequencesPerPass: 'sequences per training pass',
  vocabChunk: 'the log-prob head\'s vocabulary chunk',
  r: 'LoRA rank r',
  targets: 'LoRA targets',
};

/** Bytes in words: GiB / MiB as the weight checks say them (../hf/llamaWeights.ts formatBytes), KiB and B below. */
export function formatBytes(n: number): string {
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(2)} GiB`;
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(1)} MiB`;
  return n >= 2 ** 10 ? `${(n / 2 ** 10).toFixed(1)} KiB` : `${n} B`;
}

export function total(buffers: readonly MemoryBuffer[]): number {
  return buffers.reduce((s, b) => s + b.bytes * b.count, 0);
}

function overLimit(b: MemoryBuffer, l: PreflightLimits): string | null {
  const limit = b.bytes > l.maxBufferSize ? ['maxBufferSize', l.maxBufferSize] as const
    : b.bytes > l.maxStorageBufferBindingSize ? ['maxStorageBufferBindingSize', l.maxStorageBufferBindingSize] as const : null;
  if (!limit) return null;
  return `${b.part}: the buffer "${b.name}" (${b.formula}) needs ${formatBytes(b.bytes)}, more than this adapter's ${limit[0]} (${formatBytes(limit[1])}).`;
}

function buffersOf(x: PreflightInput): MemoryBuffer[] {
  return memoryBuffers(x.config, x.weightDtype, x.lora, x.train);
}

function fitsWith(x: PreflightInput): { ok: boolean; totalBytes: number } {
  const b = buffersOf(x);
  const totalBytes = total(b);
  return { ok: totalBytes <= x.limits.budgetBytes && b.every((e) => overLimit(e, x.limits) === null), totalBytes };
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
    const top = parts.slice(0, 3).map((p) => `${p.part} ${formatBytes(p.bytes)}`).join(', ');
    problems.push(`The run needs ${formatBytes(totalBytes)} on the GPU, more than the ${formatBytes(x.limits.budgetBytes)} budget; the largest parts: ${top}.`);
  }
  const fits = problems.length === 0;
  return { buffers, parts, totalBytes, fits, problems, advice: fits ? [] : advise(x) };
}

type NumKnob = Exclude<Knob, 'targets'>;

/**
 * Lowest values advice goes down to (or the current value, if lower): GRPO needs two samples per
 * group, a chain of thought needs room, a rank below 4 adapts little.
 */
const FLOOR: Record<NumKnob, number> = { sequencesPerPass: 1, vocabChunk: 1024, numGenerations: 2, maxCompletionTokens: 32, promptsPerStep: 1, r: 4 };
/** Knobs that change memory and speed but not what is computed: tried first, and lowered to their floor before the others when no knob alone is enough. */
const FREE: NumKnob[] = ['sequencesPerPass', 'vocabChunk'];
const RESULT: NumKnob[] = ['numGenerations', 'maxCompletionTokens', 'promptsPerStep', 'r'];

function current(x: PreflightInput, k: NumKnob): number {
  const t = x.train;
  switch (k) {
    case 'sequencesPerPass': return t.sequencesPerPass ?? t.promptsPerStep * t.numGenerations;
    case 'vocabChunk': return Math.min(t.vocabChunk, x.config.vocabSize);
    case 'r': return x.lora.r;
    default: return t[k];
  }
}

function withKnob(x: PreflightInput, k: NumKnob, v: number): PreflightInput {
  const t = x.train;
  const S = current(x, 'sequencesPerPass');
  switch (k) {
    case 'r': return { ...x, lora: { ...x.lora, r: v } };
    // a pass never holds more sequences than the step has
    case 'numGenerations': return { ...x, train: { ...t, numGenerations: v, sequencesPerPass: Math.min(S, t.promptsPerStep * v) } };
    case 'promptsPerStep': return { ...x, train: { ...t, promptsPerStep: v, sequencesPerPass: Math.min(S, v * t.numGenerations) } };
    default: return { ...x, train: { ...t, [k]: v } };
  }
}

/** Each knob alone: the largest value in [floor, current) that makes the run fit. */
function singleKnobs(x: PreflightInput, knobs: NumKnob[], prefix: Advice['changes']): Advice[] {
  const out: Advice[] = [];
  for (const knob of knobs) {
    const from = current(x, knob);
    const floor = Math.min(FLOOR[knob], from);
    const best = largestFitting(floor, from - 1, (v) => fitsWith(withKnob(x, knob, v)).ok);
    if (best === null) continue;
    const totalBytes = fitsWith(withKnob(x, knob, best)).totalBytes;
    const changes = [...prefix, { knob, from, to: best }];
    out.push({ changes, totalBytes, message: `${changes.map(changeText).join(', and ')} (needs ${formatBytes(totalBytes)})` });
  }
  return out;
}

const changeText = (c: Advice['changes'][number]) =>
  c.knob === 'targets' ? `adapt only ${c.to} instead of ${c.from}` : `lower ${KNOB_LABEL[c.knob]} from ${c.from} to ${c.to}`;

/**
 * What to lower, with the value that fits: each knob alone; fewer LoRA targets; and when the
 * free knobs alone are not enough, each knob that changes the results with the free knobs at
 * their floors (it then needs to go down less).
 */
function advise(x: PreflightInput): Advice[] {
  const out = singleKnobs(x, [...FREE, ...RESULT], []);
  const fewer: LoraTarget[][] = [['q_proj', 'k_proj', 'v_proj', 'o_proj'], ['q_proj', 'v_proj']];
  for (const targets of fewer) {
    if (targets.length >= x.lora.targets.length) continue;
    const r = fitsWith({ ...x, lora: { ...x.lora, targets } });
    if (!r.ok) continue;
    const change = { knob: 'targets' as const, from: LORA_TARGETS.filter((p) => x.lora.targets.includes(p)).join(', '), to: targets.join(', ') };
    out.push({ changes: [change], totalBytes: r.totalBytes, message: `${changeText(change)} (needs ${formatBytes(r.totalBytes)})` });
    break;
  }
  if (out.some((a) => FREE.includes(a.changes[0].knob as NumKnob))) return out; // the results need not change
  let y = x;
  const prefix: Advice['changes'] = [];
  for (const k of FREE) {
    const from = current(y, k), to = Math.min(FLOOR[k], from);
    if (to < from) { prefix.push({ knob: k, from, to }); y = withKnob(y, k, to); }
  }
  return prefix.length > 0 ? [...out, ...singleKnobs(y, RESULT, prefix)] : out;
}

/** The largest v in [lo, hi] with ok(v), for ok monotone (true up to some value); null if none. */
function largestFitting(lo: number, hi: number, ok: (v: number) => boolean): number | null {
  if (hi < lo || !ok(lo)) return null;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (ok(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function checkInput(x: PreflightInput): void {
  const t = x.train;
  const ints: [string, number | undefined][] = [
    ['promptsPerStep', t.promptsPerStep], ['numGenerations', t.numGenerations], ['maxPromptTokens', t.maxPromptTokens],
    ['maxCompletionTokens', t.maxCompletionTokens], ['vocabChunk', t.vocabChunk], ['sequencesPerPass', t.sequencesPerPass], ['r', x.lora.r],
  ];
  const probe = t.probeTokensPerSample ?? 0;
  if (!Number.isInteger(probe) || probe < 0) throw new RangeError(`preflight: probeTokensPerSample must be an integer >= 0, got ${probe}`);
  for (const [k, v] of ints) {
    if (v === undefined && k === 'sequencesPerPass') continue;
    if (!Number.isInteger(v) || (v as number) <= 0) throw new RangeError(`preflight: ${k} must be a positive integer, got ${v}`);
  }
  if (t.sequencesPerPass !== undefined && t.sequencesPerPass > t.promptsPerStep * t.numGenerations) {
    throw new RangeError(`preflight: sequencesPerPass (${t.sequencesPerPass}) exceeds the step's P·G = ${t.promptsPerStep * t.numGenerations} sequences`);
  }
  if (x.lora.targets.length === 0) throw new RangeError('preflight: LoRA needs at least one target');
  for (const [k, v] of Object.entries(x.limits)) if (!(v > 0)) throw new RangeError(`preflight: limits.${k} must be > 0, got ${v}`);
}
