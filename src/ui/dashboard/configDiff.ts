// Every run's full config side by side, and which keys differ between runs. Pure.

export interface ConfigRow {
  key: string;
  /** one value per run, as shown (JSON for non-scalars; '—' when a run lacks the key) */
  values: string[];
  differs: boolean;
}

function show(v: unknown): string {
  if (v === undefined) return '—';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** Union of keys in order of first appearance; `differs` when any two runs' values are unequal. */
export function configRows(configs: Record<string, unknown>[]): ConfigRow[] {
  const keys: string[] = [];
  const seen = new Set<string>();
  for (const c of configs) for (const k of Object.keys(c)) if (!seen.has(k)) { seen.add(k); keys.push(k); }
  return keys.map((key) => {
    const values = configs.map((c) => show(c[key]));
    return { key, values, differs: new Set(values).size > 1 };
  });
}
