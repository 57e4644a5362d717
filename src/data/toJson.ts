// JSON export: pretty-printed, and refusing values JSON cannot hold instead of silently
// writing null (JSON.stringify turns NaN and ±Infinity into null).

/**
 * Pretty JSON (2-space indent, trailing newline); typed arrays become arrays; throws a RangeError
 * naming the path of a non-finite number.
 */
export function toJson(value: unknown, opts: { indent?: number } = {}): string {
  checkFinite(value, '$');
  return JSON.stringify(value, typedArraysAsArrays, opts.indent ?? 2) + '\n';
}

/** Float32Array etc. as plain arrays (JSON.stringify would write {"0": …, "1": …}). */
function typedArraysAsArrays(_key: string, v: unknown): unknown {
  return ArrayBuffer.isView(v) && !(v instanceof DataView) ? Array.from(v as unknown as ArrayLike<number>) : v;
}

function checkFinite(v: unknown, path: string): void {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new RangeError(`${path} = ${v} cannot be written as JSON`);
  } else if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) checkFinite(v[i], `${path}[${i}]`);
  } else if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    const a = v as unknown as ArrayLike<number>;
    for (let i = 0; i < a.length; i++) checkFinite(a[i], `${path}[${i}]`);
  } else if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON !== 'function') {
    for (const [k, x] of Object.entries(v)) checkFinite(x, `${path}.${k}`);
  }
}
