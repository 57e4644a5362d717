// One prompt of a prompt set, and how a parsed record (JSON object or CSV row) becomes one.

/** A question with its ground-truth answer, and optionally a CoT to score as-is. */
export interface PromptItem {
  /** The record's `id` field when present, else `line-<line>`; unique within a set. */
  id: string;
  /** 1-based line in the file where the record starts. */
  line: number;
  /** Verbatim text (never interpreted as HTML). */
  question: string;
  /** Trimmed: the answer tokens are what J scores (repro-method.md §3). */
  answer: string;
  cot?: string;
}

/** Accepted field names, case-insensitive, in priority order (the first present wins). */
export const FIELD_ALIASES = {
  question: ['question', 'problem', 'prompt', 'input'],
  answer: ['answer', 'solution', 'ground_truth', 'target', 'output'],
  cot: ['cot', 'response', 'completion', 'reasoning'],
  id: ['id'],
} as const;

export type RecordResult = { item: PromptItem } | { reason: string };

/** Turns one parsed record into a PromptItem, or says precisely why it cannot be one. */
export function itemFromRecord(record: unknown, line: number): RecordResult {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) {
    return { reason: `not an object (found ${kindOf(record)})` };
  }
  const byLowerKey = new Map<string, unknown>();
  for (const [k, v] of Object.entries(record)) {
    const lower = k.trim().toLowerCase();
    if (!byLowerKey.has(lower)) byLowerKey.set(lower, v);
  }
  const pick = (field: keyof typeof FIELD_ALIASES) => {
    for (const alias of FIELD_ALIASES[field]) if (byLowerKey.has(alias)) return { alias, value: byLowerKey.get(alias) };
    return null;
  };

  const q = pick('question');
  if (!q) return { reason: missing('question', record) };
  const question = asText(q.value);
  if (typeof question !== 'string') return { reason: `${q.alias} must be text (found ${question.found})` };
  if (question.trim().length === 0) return { reason: `${q.alias} empty${question.length ? ' (only whitespace)' : ''}` };

  const a = pick('answer');
  if (!a) return { reason: missing('answer', record) };
  const answerText = asText(a.value);
  if (typeof answerText !== 'string') return { reason: `${a.alias} must be text or a number (found ${answerText.found})` };
  const answer = answerText.trim();
  if (answer.length === 0) return { reason: `${a.alias} empty${answerText.length ? ' (only whitespace)' : ''}` };

  const item: PromptItem = { id: `line-${line}`, line, question, answer };
  const c = pick('cot');
  if (c && c.value !== null && c.value !== undefined) {
    if (typeof c.value !== 'string') return { reason: `${c.alias} must be text (found ${kindOf(c.value)})` };
    if (c.value.length > 0) item.cot = c.value;
  }
  const id = pick('id');
  if (id && id.value !== null && id.value !== undefined && id.value !== '') {
    if (typeof id.value !== 'string' && typeof id.value !== 'number') {
      return { reason: `id must be text or a number (found ${kindOf(id.value)})` };
    }
    item.id = String(id.value);
  }
  return { item };
}

/** Strings as-is; finite numbers and booleans coerced to text; anything else is refused. */
function asText(v: unknown): string | { found: string } {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'boolean') return String(v);
  return { found: kindOf(v) };
}

function missing(field: 'question' | 'answer', record: object): string {
  const keys = Object.keys(record);
  const shown = keys.slice(0, 10).map((k) => JSON.stringify(k)).join(', ');
  const more = keys.length > 10 ? `, … ${keys.length - 10} more` : '';
  return (
    `missing ${field} field (expected one of ${FIELD_ALIASES[field].join(', ')}; ` +
    `found keys: ${keys.length ? shown + more : 'none'})`
  );
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}
