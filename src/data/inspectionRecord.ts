// The exported record of one inspection (settings + trajectory + metrics), validated with zod so
// a file from disk or another version is checked field by field before the UI reads it.
import { z } from './zod.ts';
import type { OverthinkingMetrics, Trajectory } from '../repro/index.ts';
import { toJson } from './toJson.ts';

const J_TOLERANCE = 1e-6; // J ≤ 0 up to float noise (repro-method.md §3)

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const count = z.number().int().nonnegative();
const logProb = finite.refine((v) => v <= J_TOLERANCE, 'must be a log-probability (≤ 0)');
const span = z.object({ start: count, end: count });

/** Issue #17 §1: per CoT token the top-k alternatives; optional, so older records still load. */
const tokenLensSchema = z.object({
  k: z.number().int().min(1).max(20),
  ids: z.array(z.array(count)),
  logProbs: z.array(z.array(logProb)),
  chosenLogProb: z.array(logProb),
  chosenRank: z.array(count),
});

/** A segment delimiter: a literal string, or a RegExp stored as source + flags. */
export const delimiterSettingSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('string'), value: z.string().min(1) }),
  z.object({
    kind: z.literal('regexp'),
    source: z.string().min(1),
    flags: z.string().regex(/^[dimsuv]*$/, 'only d, i, m, s, u, v flags (g and y are dropped)'),
  }).refine((d) => compiles(d.source, d.flags), { message: 'is not a valid regular expression', path: ['source'] }),
]);
export type DelimiterSetting = z.infer<typeof delimiterSettingSchema>;

export const trajectorySchema = z
  .object({
    question: z.string(),
    cot: z.string(),
    answer: z.string(),
    probe: z.string(),
    segments: z.array(span),
    cotTokens: z.array(count),
    tokenOffsets: z.array(count),
    tokenSpans: z.array(span),
    J: z.array(logProb).min(1),
    answerLogProbs: z.array(z.array(logProb)),
    tokenEntropy: z.array(finite),
    firstTokenEntropy: z.array(finite),
    tokenLens: tokenLensSchema.optional(),
    tokenText: z.record(z.string().regex(/^\d+$/, 'must be a token id'), z.string()).optional(),
  })
  .superRefine((t, ctx) => {
    const K = t.segments.length;
    const need = (ok: boolean, path: string, message: string) => {
      if (!ok) ctx.addIssue({ code: 'custom', path: [path], message });
    };
    need(t.J.length === K + 1, 'J', `has ${t.J.length} values; ${K} segments need ${K + 1}`);
    need(t.answerLogProbs.length === t.J.length, 'answerLogProbs', `has ${t.answerLogProbs.length} rows; J has ${t.J.length}`);
    need(t.tokenSpans.length === K, 'tokenSpans', `has ${t.tokenSpans.length} entries; there are ${K} segments`);
    need(t.firstTokenEntropy.length === K, 'firstTokenEntropy', `has ${t.firstTokenEntropy.length} entries; there are ${K} segments`);
    need(t.tokenOffsets.length === t.cotTokens.length, 'tokenOffsets', `has ${t.tokenOffsets.length} entries; there are ${t.cotTokens.length} CoT tokens`);
    need(t.tokenEntropy.length === t.cotTokens.length, 'tokenEntropy', `has ${t.tokenEntropy.length} entries; there are ${t.cotTokens.length} CoT tokens`);
    if (t.tokenLens) checkTokenLens(t.tokenLens, t.cotTokens, need);
    let at = 0;
    t.segments.forEach((s, i) => {
      need(s.start === at && s.end > s.start, 'segments', `segments[${i}] = [${s.start}, ${s.end}) is not contiguous from ${at}`);
      at = s.end;
    });
    need(K === 0 || at === t.cot.length, 'segments', `end at ${at} but the CoT has ${t.cot.length} chars`);
  });

/** Lengths match the CoT, each row's log-probs descend, and a rank inside the list names the chosen id's own log p. */
function checkTokenLens(l: z.infer<typeof tokenLensSchema>, cot: number[], need: (ok: boolean, path: string, message: string) => void): void {
  const N = cot.length;
  for (const key of ['ids', 'logProbs', 'chosenLogProb', 'chosenRank'] as const) {
    need(l[key].length === N, `tokenLens.${key}`, `has ${l[key].length} entries; there are ${N} CoT tokens`);
  }
  for (let i = 0; i < Math.min(N, l.ids.length, l.logProbs.length); i++) {
    const ids = l.ids[i];
    const lp = l.logProbs[i];
    const at = `tokenLens[${i}]`;
    if (ids.length !== lp.length || ids.length > l.k) {
      need(false, 'tokenLens', `${at}: ${ids.length} ids and ${lp.length} log-probs; both must be equal and ≤ k = ${l.k}`);
      return;
    }
    if (lp.some((v, j) => j > 0 && v > lp[j - 1] + J_TOLERANCE)) {
      need(false, 'tokenLens', `${at}: log-probs must be in descending order`);
      return;
    }
    const r = l.chosenRank[i];
    if (r !== undefined && r < ids.length && (ids[r] !== cot[i] || Math.abs(lp[r] - l.chosenLogProb[i]) > 1e-3)) {
      need(false, 'tokenLens', `${at}: chosen rank ${r} must list the CoT token ${cot[i]} with chosenLogProb ${l.chosenLogProb[i]} (has id ${ids[r]}, log p ${lp[r]})`);
      return;
    }
  }
}

export const overthinkingMetricsSchema = z.object({
  cotTokens: count,
  segments: count,
  backtracking: count,
  backtrackingSegments: z.array(count),
  tokensAfterCertainty: count,
  certaintySegment: count.nullable(),
  plateaus: count,
  plateauSegments: z.array(count),
  finalScore: finite,
  J0: finite,
  JK: finite,
  meanJGain: finite,
});

/**
 * A branch of the inspection's CoT (issue #17 §2, lens-contract.md): tokens [0, fork.position)
 * kept, then fork.tokenId or fork.text (neither: resampled there), then the model's continuation,
 * scored like the original. The optional fields say how it was made.
 */
export const cotBranchSchema = z.object({
  id: z.string().min(1),
  fork: z.object({ position: count, tokenId: count.optional(), text: z.string().optional() }),
  seed: z.number().int(),
  trajectory: trajectorySchema,
  metrics: overthinkingMetricsSchema,
  createdAt: finite,
  sampling: z.object({ maxNewTokens: count, temperature: finite, topK: count, topP: finite }).optional(),
  continuation: z.object({
    path: z.enum(['cached', 'one-token', 're-encode']),
    note: z.string(),
    reason: z.string().optional(),
    prefixEncoded: z.boolean(),
    generated: count,
  }).optional(),
  modelAnswer: z.string().optional(),
  correct: z.boolean().optional(),
  stopped: z.string().optional(),
});
export type CotBranch = z.infer<typeof cotBranchSchema>;

export const inspectionRecordSchema = z.object({
  version: z.literal(1),
  createdAt: z.iso.datetime(),
  model: z.object({ id: z.string().min(1), backend: z.string().min(1) }),
  settings: z.object({
    probe: z.string(),
    delimiter: delimiterSettingSchema,
    topK: z.number().int().positive(),
    w: z.number().min(0).max(1),
    eps: finite.refine((v) => v > 0, 'must be > 0'),
  }),
  trajectory: trajectorySchema,
  metrics: overthinkingMetricsSchema,
  generated: z.object({ correct: z.boolean(), answerText: z.string() }).optional(),
  branches: z.array(cotBranchSchema).optional(),
}).superRefine((r, ctx) => {
  r.branches?.forEach((b, i) => {
    const bad = (path: string[], message: string) => ctx.addIssue({ code: 'custom', path: ['branches', i, ...path], message });
    if (b.fork.position > r.trajectory.cotTokens.length) bad(['fork', 'position'], `${b.fork.position} is past the CoT's ${r.trajectory.cotTokens.length} tokens`);
    if (b.fork.tokenId !== undefined && b.fork.text !== undefined) bad(['fork'], 'has both a token id and a text');
    if (b.trajectory.question !== r.trajectory.question || b.trajectory.answer !== r.trajectory.answer) bad(['trajectory'], 'is not for the inspection\'s question and answer');
  });
});

export type InspectionRecord = z.infer<typeof inspectionRecordSchema>;

// The schema must describe exactly the shapes the math produces (compile-time check).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _trajectoryMatches: Same<z.infer<typeof trajectorySchema>, Trajectory> = true;
const _metricsMatch: Same<z.infer<typeof overthinkingMetricsSchema>, OverthinkingMetrics> = true;
void _trajectoryMatches;
void _metricsMatch;

export type ParseInspectionResult =
  | { ok: true; record: InspectionRecord }
  | { ok: false; error: string; issues: { path: string; message: string }[] };

/** Parses and validates a record; on failure, `error` lists every issue as "path: message". */
export function parseInspectionRecord(json: string): ParseInspectionResult {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (e) {
    const message = `invalid JSON: ${(e as Error).message}`;
    return { ok: false, error: `not an inspection record: ${message}`, issues: [{ path: '', message }] };
  }
  const parsed = inspectionRecordSchema.safeParse(value);
  if (parsed.success) return { ok: true, record: parsed.data };
  const issues = parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
  const error = `not a valid inspection record (${issues.length} issue${issues.length > 1 ? 's' : ''}): ` +
    issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ');
  return { ok: false, error, issues };
}

/** Validates then writes pretty JSON; throws with the issue list when the record is invalid. */
export function serializeInspectionRecord(record: InspectionRecord): string {
  const parsed = inspectionRecordSchema.safeParse(record);
  if (!parsed.success) {
    throw new TypeError(
      'cannot serialise an invalid inspection record: ' +
        parsed.error.issues.map((i) => `${formatPath(i.path) || '(root)'}: ${i.message}`).join('; '),
    );
  }
  return toJson(parsed.data);
}

/** A RegExp delimiter as stored in settings (g and y dropped: segmentCot copies it anyway). */
export function delimiterToSetting(delimiter: string | RegExp): DelimiterSetting {
  return typeof delimiter === 'string'
    ? { kind: 'string', value: delimiter }
    : { kind: 'regexp', source: delimiter.source, flags: delimiter.flags.replace(/[gy]/g, '') };
}

export function delimiterFromSetting(setting: DelimiterSetting): string | RegExp {
  return setting.kind === 'string' ? setting.value : new RegExp(setting.source, setting.flags);
}

function formatPath(path: PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('');
}

function compiles(source: string, flags: string): boolean {
  try {
    new RegExp(source, flags);
    return true;
  } catch {
    return false;
  }
}
