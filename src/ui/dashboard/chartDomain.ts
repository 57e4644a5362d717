// The y range of a dashboard chart when none is fixed. recharts' automatic ticks on a zero-width
// range (a constant series: KL 0 with β = 0, a flat loss) come out as repeated equal ticks with
// duplicate React keys; a constant series (equal up to float noise) gets a small symmetric range around its value instead.
export function yDomain(rows: Record<string, number | null | undefined>[], keys: string[]): [number, number] | ['auto', 'auto'] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const r of rows) {
    for (const k of keys) {
      const v = r[k];
      if (typeof v === 'number' && Number.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
  }
  if (!(lo <= hi)) return ['auto', 'auto'];
  // equal up to float noise (0.059493319173554084 vs …409): constant too
  if (hi - lo > 1e-9 * Math.max(1, Math.abs(lo))) return ['auto', 'auto'];
  const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
  return [lo - pad, lo + pad];
}
