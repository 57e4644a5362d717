// Reading fields out of a dataset record: case-insensitive keys, dot paths into nested objects
// (verl's reward_model.ground_truth), and chat message lists (TRL / OpenAI "messages").

export interface ChatMessage {
  role: string;
  content: string;
}

/** The value at a dot path, keys matched case-insensitively; undefined when absent. */
export function getPath(record: unknown, path: string): unknown {
  if (!path.includes('.')) return record !== null && typeof record === 'object' && !Array.isArray(record) ? getKey(record as Record<string, unknown>, path) : undefined;
  let v: unknown = record;
  for (const key of path.split('.')) {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
    v = getKey(v as Record<string, unknown>, key);
  }
  return v;
}

/** The value under `key`: an exact key first, else the first key equal ignoring case and surrounding spaces. */
export function getKey(obj: Record<string, unknown>, key: string): unknown {
  if (Object.hasOwn(obj, key)) return obj[key];
  const want = key.trim().toLowerCase();
  for (const k in obj) {
    // Cheap length test first: this runs for every alias of every record.
    if (k.length >= want.length && Object.hasOwn(obj, k) && k.trim().toLowerCase() === want) return obj[k];
  }
  return undefined;
}

export function hasPath(record: unknown, path: string): boolean {
  return getPath(record, path) !== undefined;
}

/**
 * A list of chat messages, or null when `v` is not one. Content may be a string or a list of
 * parts ({type: 'text', text}), as the OpenAI/TRL formats allow; non-text parts are skipped.
 */
export function asMessages(v: unknown): ChatMessage[] | null {
  if (!Array.isArray(v) || v.length === 0) return null;
  const out: ChatMessage[] = [];
  for (const m of v) {
    if (m === null || typeof m !== 'object' || Array.isArray(m)) return null;
    const role = getKey(m as Record<string, unknown>, 'role');
    const content = contentText(getKey(m as Record<string, unknown>, 'content'));
    if (typeof role !== 'string' || content === null) return null;
    out.push({ role, content });
  }
  return out;
}

function contentText(c: unknown): string | null {
  if (typeof c === 'string') return c;
  if (!Array.isArray(c)) return null;
  const parts: string[] = [];
  for (const p of c) {
    if (typeof p === 'string') parts.push(p);
    else if (p !== null && typeof p === 'object' && typeof (p as { text?: unknown }).text === 'string') parts.push((p as { text: string }).text);
  }
  return parts.join('');
}

/** The last message with `role` (index and text), or null. */
export function lastOfRole(messages: ChatMessage[], role: string, before = messages.length): { index: number; text: string } | null {
  for (let i = Math.min(before, messages.length) - 1; i >= 0; i--) if (messages[i].role === role) return { index: i, text: messages[i].content };
  return null;
}

/**
 * Field paths seen in `records` (top-level keys and one level into plain objects), in order of
 * first appearance: the choices a mapping override offers.
 */
export function fieldPaths(records: readonly unknown[]): string[] {
  const seen = new Set<string>();
  for (const r of records) {
    if (r === null || typeof r !== 'object' || Array.isArray(r)) continue;
    for (const [k, v] of Object.entries(r)) {
      seen.add(k);
      if (v !== null && typeof v === 'object' && !Array.isArray(v) && !ArrayBuffer.isView(v)) {
        for (const sub of Object.keys(v)) seen.add(`${k}.${sub}`);
      }
    }
  }
  return [...seen];
}

/** Strings as-is; finite numbers, bigints (parquet INT64) and booleans as text; else the kind found. */
export function asText(v: unknown): string | { found: string } {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  return { found: kindOf(v) };
}

export function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}
