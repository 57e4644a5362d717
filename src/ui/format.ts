// Number formatting shared by tables, tooltips and cards.

/** Integers with thousands separators; other numbers to `digits` significant digits. */
export function formatNumber(x: number, digits = 4): string {
  if (Number.isNaN(x)) return '—';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  if (Number.isInteger(x)) return x.toLocaleString('en-US');
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return x.toExponential(digits - 1);
  return x.toPrecision(digits);
}

/** Fixed decimals for score-like values in [-1, 1] or J in nats. */
export function fixed(x: number, decimals = 4): string {
  if (Number.isNaN(x)) return '—';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  return x.toFixed(decimals);
}

/** A probability as a percentage with enough digits for small values (the token lens). */
export function percent(p: number): string {
  if (!Number.isFinite(p)) return '—';
  if (p >= 0.9995) return `${(p * 100).toFixed(1)} %`;
  if (p >= 0.001) return `${(p * 100).toPrecision(3)} %`;
  return `${(p * 100).toExponential(1)} %`;
}
