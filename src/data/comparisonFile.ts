// A whole training comparison as one file: every run's spec (config, steps, estimator, regime),
// metric history, held-out evaluations, latest rollout samples and, optionally, its current weights
// (the toy checkpoint's safetensors, base64) — to share a result or reopen it later. Pure: runs in
// Node. Non-finite metrics (a NaN loss of a rejected step) are written as the strings "NaN",
// "Infinity", "-Infinity" (JSON has no such numbers) and read back as numbers; nulls stay null.
import { z } from './zod.ts';
import type { EvalMetrics, RolloutSample, StepMetrics } from '../rl/metrics.ts';

export const COMPARISON_FORMAT = 'repro-playground-comparison';
export const COMPARISON_VERSION = 1;

export interface ComparisonRun {
  /** the run's RunSpec (runId, label, method, config, steps, …), kept as it was */
  spec: { runId: string; label: string; method: 'outcome' | 'repro'; steps: number; config: Record<string, unknown> } & Record<string, unknown>;
  status: string;
  metrics: StepMetrics[];
  evals: EvalMetrics[];
  samples: RolloutSample[];
  /** the run's weights when exported with them: safetensors bytes and the trainer's config JSON */
  checkpoint?: { safetensors: Uint8Array; configJson: string };
}

export interface ComparisonFile {
  exportedAt: string;
  runs: ComparisonRun[];
}

const nonFiniteAsText = (_k: string, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v);
const NON_FINITE: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}
function fromBase64(b64: string): Uint8Array {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

export function serializeComparison(file: ComparisonFile): string {
  const runs = file.runs.map((r) => ({
    ...r,
    checkpoint: r.checkpoint ? { safetensorsBase64: toBase64(r.checkpoint.safetensors), configJson: r.checkpoint.configJson } : undefined,
  }));
  return JSON.stringify({ format: COMPARISON_FORMAT, version: COMPARISON_VERSION, exportedAt: file.exportedAt, runs }, nonFiniteAsText);
}

const Row = z.record(z.string(), z.unknown());
const Schema = z.object({
  format: z.literal(COMPARISON_FORMAT),
  version: z.literal(COMPARISON_VERSION),
  exportedAt: z.string(),
  runs: z.array(z.object({
    spec: z.object({
      runId: z.string().min(1).max(200),
      label: z.string().max(500),
      method: z.enum(['outcome', 'repro']),
      steps: z.number().int().positive(),
      config: Row,
    }).passthrough(),
    status: z.string().max(32),
    metrics: z.array(Row.and(z.object({ step: z.number().int() }))),
    evals: z.array(Row.and(z.object({ step: z.number().int() }))),
    samples: z.array(Row),
    checkpoint: z.object({ safetensorsBase64: z.string(), configJson: z.string() }).optional(),
  })).min(1),
});

/** "NaN" / "Infinity" / "-Infinity" back to numbers, one level deep (metric rows, timings). */
function revive<T>(rows: Record<string, unknown>[]): T[] {
  const num = (v: unknown): unknown => (typeof v === 'string' && v in NON_FINITE ? NON_FINITE[v] : v);
  return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k,
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).map(([k2, v2]) => [k2, num(v2)])) : num(v)])) as T);
}

/** Reads a comparison file; throws an Error that says what is wrong and where. */
export function parseComparison(text: string): ComparisonFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`Not a comparison file: not JSON (${(e as Error).message}).`);
  }
  if (typeof raw === 'object' && raw !== null && (raw as { format?: unknown }).format !== COMPARISON_FORMAT) {
    throw new Error(`Not a comparison file: "format" is ${JSON.stringify((raw as { format?: unknown }).format)}, expected "${COMPARISON_FORMAT}" (an exported training comparison).`);
  }
  const parsed = Schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Comparison file: ${issue.path.join('.') || '(root)'}: ${issue.message}.`);
  }
  return {
    exportedAt: parsed.data.exportedAt,
    runs: parsed.data.runs.map((r) => {
      let checkpoint: ComparisonRun['checkpoint'];
      if (r.checkpoint) {
        try {
          checkpoint = { safetensors: fromBase64(r.checkpoint.safetensorsBase64), configJson: r.checkpoint.configJson };
        } catch {
          throw new Error(`Comparison file: run ${r.spec.runId}: its weights are not valid base64.`);
        }
      }
      return {
        spec: r.spec as ComparisonRun['spec'],
        status: r.status,
        metrics: revive<StepMetrics>(r.metrics),
        evals: revive<EvalMetrics>(r.evals),
        samples: r.samples as unknown as RolloutSample[],
        checkpoint,
      };
    }),
  };
}
