// A tiny YAML emitter for the override file: nested maps, lists and scalars only. Strings are
// double-quoted JSON (valid YAML) with OmegaConf's "${" escaped, and floats always carry a dot and a
// signed exponent, because PyYAML (YAML 1.1, what OmegaConf uses) reads "1e-06" as a string.

export type YamlValue = string | number | boolean | null | YamlValue[] | { [k: string]: YamlValue };

export function yamlNumber(x: number, float: boolean): string {
  if (!Number.isFinite(x)) throw new RangeError(`cannot write ${x} to YAML`);
  if (!float && Number.isInteger(x)) return String(x);
  const s = String(x);
  if (!/e/i.test(s)) return s.includes('.') ? s : `${s}.0`;
  const [m, e] = s.split('e');
  return `${m.includes('.') ? m : `${m}.0`}e${e.startsWith('-') || e.startsWith('+') ? e : `+${e}`}`;
}

export function yamlString(s: string): string {
  // JSON escapes are YAML double-quoted escapes; "\\${" makes OmegaConf read a literal "${".
  return JSON.stringify(s).replace(/\$\{/g, '\\\\${');
}

/** Keys whose numbers are floats even when integral (1.0, not 1): what verl's configs type as float. */
export function toYaml(v: YamlValue, floatKeys: ReadonlySet<string>, indent = 0, key = ''): string {
  const pad = ' '.repeat(indent);
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return v.map((x) => `\n${pad}- ${toYaml(x, floatKeys, indent + 2, key).replace(/^\n\s*/, '')}`).join('');
  }
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v);
    if (entries.length === 0) return '{}';
    return entries.map(([k, x]) => {
      const inner = toYaml(x, floatKeys, indent + 2, k);
      const block = (Array.isArray(x) && x.length > 0) || (x !== null && typeof x === 'object' && !Array.isArray(x) && Object.keys(x).length > 0);
      return `\n${pad}${k}:${block ? inner : ` ${inner}`}`;
    }).join('');
  }
  if (typeof v === 'string') return yamlString(v);
  if (typeof v === 'number') return yamlNumber(v, floatKeys.has(key));
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return 'null';
}
