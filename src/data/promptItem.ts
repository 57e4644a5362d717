// One prompt of a prompt set, and how a parsed record (JSON object, CSV or parquet row) becomes
// one: plain fields, GSM8K, MATH, TRL conversational, chat "messages" and verl's schema.
import { extractAnswer, extractLastBoxed, type ExtractionChoice, type ExtractionRule } from './answerExtraction.ts';
import { asMessages, asText, getKey, getPath, kindOf, lastOfRole } from './recordFields.ts';

/** A question with its ground-truth answer, and optionally a CoT to score as-is. */
export interface PromptItem {
  /** The record's `id` field when present, else `line-<line>`; unique within a set. */
  id: string;
  /** 1-based line (or parquet row) where the record starts. */
  line: number;
  /** Verbatim text (never interpreted as HTML). */
  question: string;
  /** Trimmed final answer: the answer tokens are what J scores (repro-method.md §3). */
  answer: string;
  /** A CoT to score as-is (no generation). */
  cot?: string;
  /** The dataset's own rationale (GSM8K's text before ####, MATH's solution, a reference reply). */
  referenceCot?: string;
}

/** Accepted field names, case-insensitive, in priority order (the first present wins). */
export const FIELD_ALIASES = {
  question: ['question', 'problem', 'prompt', 'input'],
  answer: ['answer', 'solution', 'ground_truth', 'target', 'output'],
  cot: ['cot', 'response', 'completion', 'reasoning'],
  id: ['id'],
} as const;

/** A user's override of the automatic mapping; each path is a dot path (e.g. reward_model.ground_truth). */
export interface FieldMapping {
  question?: string;
  answer?: string;
  cot?: string;
  id?: string;
  extraction?: ExtractionChoice;
  /** Score the dataset's reference rationale as the CoT instead of generating one. */
  useReferenceCot?: boolean;
}

export type SchemaName = 'fields' | 'gsm8k' | 'math' | 'trl-conversational' | 'chat-messages' | 'verl';

/** How one record was read: the schema recognised, the field behind each part, the rule applied. */
export interface ItemMapping {
  schema: SchemaName;
  question: string;
  answer: string;
  rule: ExtractionRule;
  referenceCot?: string;
  cot?: string;
  id?: string;
}

export type RecordResult = { item: PromptItem; mapping: ItemMapping } | { reason: string };

interface Source {
  path: string;
  text: string;
}

/** Turns one parsed record into a PromptItem, or says precisely why it cannot be one. */
export function itemFromRecord(record: unknown, line: number, mapping: FieldMapping = {}): RecordResult {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) {
    return { reason: `not an object (found ${kindOf(record)})` };
  }
  const rec = record as Record<string, unknown>;
  let schema: SchemaName = 'fields';
  let question: Source | null = null;
  let reply: Source | null = null; // an assistant reply holding rationale + answer
  const rewardModel = getKey(rec, 'reward_model');
  const groundTruth = rewardModel !== null && typeof rewardModel === 'object' && !Array.isArray(rewardModel) ? getKey(rewardModel as Record<string, unknown>, 'ground_truth') : undefined;

  if (mapping.question !== undefined) {
    const r = readPath(rec, mapping.question, 'user');
    if ('reason' in r) return r;
    question = r;
  } else {
    const prompt = asMessages(getKey(rec, 'prompt'));
    const messages = asMessages(getKey(rec, 'messages'));
    if (prompt) {
      schema = groundTruth !== undefined ? 'verl' : 'trl-conversational';
      const u = lastOfRole(prompt, 'user');
      if (!u) return { reason: 'prompt messages hold no user message' };
      question = { path: 'prompt[user]', text: u.text };
      const completion = asMessages(getKey(rec, 'completion'));
      const a = completion && lastOfRole(completion, 'assistant');
      if (a) reply = { path: 'completion[assistant]', text: a.text };
    } else if (messages) {
      schema = 'chat-messages';
      const a = lastOfRole(messages, 'assistant');
      const u = lastOfRole(messages, 'user', a?.index);
      if (!u) return { reason: 'messages hold no user message' + (a ? ' before the last assistant message' : '') };
      question = { path: 'messages[user]', text: u.text };
      if (a) reply = { path: 'messages[assistant]', text: a.text };
    } else {
      const q = pickAlias(rec, FIELD_ALIASES.question);
      if (!q) return { reason: missing('question', rec) };
      const t = asText(q.value);
      if (typeof t !== 'string') return { reason: `${q.alias} must be text (found ${t.found})` };
      question = { path: q.alias, text: t };
    }
  }
  if (question.text.trim().length === 0) return { reason: `${question.path} empty${question.text.length ? ' (only whitespace)' : ''}` };

  // The answer: the mapped field, else verl's ground truth, an answer alias, or the reply.
  let answerSrc: Source | null = null;
  if (mapping.answer !== undefined) {
    const r = readPath(rec, mapping.answer, 'assistant');
    if ('reason' in r) return r;
    answerSrc = r;
  } else {
    const a = groundTruth !== undefined ? { alias: 'reward_model.ground_truth', value: groundTruth } : pickAlias(rec, FIELD_ALIASES.answer);
    if (a) {
      const t = asText(a.value);
      if (typeof t !== 'string') return { reason: `${a.alias} must be text or a number (found ${t.found})` };
      answerSrc = { path: a.alias, text: t };
    } else if (reply) answerSrc = reply;
  }
  if (!answerSrc) return { reason: missing('answer', rec) };
  if (answerSrc.text.trim().length === 0) return { reason: `${answerSrc.path} empty${answerSrc.text.length ? ' (only whitespace)' : ''}` };
  const ex = extractAnswer(answerSrc.text, mapping.extraction ?? 'auto');
  if ('error' in ex) return { reason: `${answerSrc.path}: ${ex.error}` };
  if (answerSrc === reply && ex.rule === 'whole-field') {
    return { reason: `${reply.path} has no "#### answer" or \\boxed{…} and no answer field is present (map one)` };
  }
  if (ex.answer.length === 0) return { reason: `${answerSrc.path}: the extracted answer is empty` };

  const item: PromptItem = { id: `line-${line}`, line, question: question.text, answer: ex.answer };
  const how: ItemMapping = { schema, question: question.path, answer: answerSrc.path, rule: ex.rule };
  if (schema === 'fields' && ex.rule === 'gsm8k-####') how.schema = 'gsm8k';
  if (schema === 'fields' && ex.rule === 'last-boxed') how.schema = 'math';

  // The reference rationale: the answer field's text before the answer, else a reply or MATH solution.
  const ref = referenceOf(rec, ex.rationale, answerSrc, reply, mapping.extraction ?? 'auto');
  if (ref) {
    item.referenceCot = ref.text;
    how.referenceCot = ref.path;
    if (how.schema === 'fields' && ref.path === 'solution') how.schema = 'math';
  }

  const c = mapping.cot !== undefined ? { alias: mapping.cot, value: getPath(rec, mapping.cot) } : pickAlias(rec, FIELD_ALIASES.cot);
  if (c && c.value !== null && c.value !== undefined && !(reply && asMessages(c.value))) {
    if (typeof c.value !== 'string') return { reason: `${c.alias} must be text (found ${kindOf(c.value)})` };
    if (c.value.length > 0) {
      item.cot = c.value;
      how.cot = c.alias;
    }
  }
  if (item.cot === undefined && mapping.useReferenceCot && item.referenceCot !== undefined) {
    item.cot = item.referenceCot;
    how.cot = `${how.referenceCot} (reference)`;
  }

  const id = mapping.id !== undefined ? { alias: mapping.id, value: getPath(rec, mapping.id) } : pickAlias(rec, FIELD_ALIASES.id);
  if (id && id.value !== null && id.value !== undefined && id.value !== '') {
    if (typeof id.value !== 'string' && typeof id.value !== 'number' && typeof id.value !== 'bigint') {
      return { reason: `${id.alias} must be text or a number (found ${kindOf(id.value)})` };
    }
    item.id = String(id.value);
    how.id = id.alias;
  }
  return { item, mapping: how };
}

function referenceOf(rec: Record<string, unknown>, rationale: string, answerSrc: Source, reply: Source | null, choice: ExtractionChoice): Source | null {
  if (rationale.length > 0) return { path: answerSrc.path, text: rationale };
  if (reply && reply !== answerSrc) {
    const r = extractAnswer(reply.text, choice);
    const text = 'error' in r || r.rationale.length === 0 ? reply.text.trim() : r.rationale;
    return text.length > 0 ? { path: reply.path, text } : null;
  }
  const sol = getKey(rec, 'solution');
  if (answerSrc.path.toLowerCase() !== 'solution' && typeof sol === 'string' && sol.trim().length > 0) {
    return { path: 'solution', text: extractLastBoxed(sol)?.rationale || sol.trim() };
  }
  return null;
}

/** A mapped path's text; a message list gives its last message of `role` (else the last one). */
function readPath(rec: Record<string, unknown>, path: string, role: string): Source | { reason: string } {
  const v = getPath(rec, path);
  if (v === undefined) return { reason: `mapped field "${path}" not found` };
  const msgs = asMessages(v);
  if (msgs) {
    const m = lastOfRole(msgs, role) ?? { text: msgs[msgs.length - 1].content };
    return { path: `${path}[${role}]`, text: m.text };
  }
  const t = asText(v);
  if (typeof t !== 'string') return { reason: `${path} must be text (found ${t.found})` };
  return { path, text: t };
}

function pickAlias(rec: Record<string, unknown>, aliases: readonly string[]): { alias: string; value: unknown } | null {
  for (const alias of aliases) {
    const value = getKey(rec, alias);
    if (value !== undefined) return { alias, value };
  }
  return null;
}

function missing(field: 'question' | 'answer', record: object): string {
  const keys = Object.keys(record);
  const shown = keys.slice(0, 10).map((k) => JSON.stringify(k)).join(', ');
  const more = keys.length > 10 ? `, … ${keys.length - 10} more` : '';
  const formats = field === 'question' ? ', or chat messages under prompt/messages' : ', or reward_model.ground_truth';
  return (
    `missing ${field} field (expected one of ${FIELD_ALIASES[field].join(', ')}${formats}; ` +
    `found keys: ${keys.length ? shown + more : 'none'})`
  );
}
