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
  if (p >= 1) return '100 %';
  if (p <= 0) return '0 %';
  // Near 1 the distance from 100 % is what tells tokens apart.
  if (1 - p < 1e-5) return `100 − ${((1 - p) * 100).toExponential(1)} %`;
  if (p >= 0.999) return `${(p * 100).toFixed(3)} %`;
  if (p >= 0.001) return `${(p * 100).toPrecision(3)} %`;
  return `${(p * 100).toExponential(1)} %`;
}
