// allclose for tests: |a - b| <= atol + rtol * |b|, element-wise, with the worst index in the message.
export function allcloseReport(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  { rtol = 1e-5, atol = 1e-6 }: { rtol?: number; atol?: number } = {},
): { ok: boolean; message: string; maxAbs: number } {
  if (actual.length !== expected.length) {
    return { ok: false, message: `length ${actual.length} != ${expected.length}`, maxAbs: Infinity };
  }
  let worst = -1;
  let worstExcess = -Infinity;
  let maxAbs = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const b = expected[i];
    if (Object.is(a, b) || a === b) continue; // equal, including matching infinities
    const d = Math.abs(a - b);
    if (!Number.isFinite(d)) {
      return { ok: false, message: `index ${i}: ${a} vs ${b}`, maxAbs: Infinity };
    }
    maxAbs = Math.max(maxAbs, d);
    const excess = d - (atol + rtol * Math.abs(b));
    if (excess > worstExcess) { worstExcess = excess; worst = i; }
  }
  if (worst >= 0 && worstExcess > 0) {
    return { ok: false, message: `index ${worst}: ${actual[worst]} vs ${expected[worst]} (max abs diff ${maxAbs})`, maxAbs };
  }
  return { ok: true, message: `max abs diff ${maxAbs}`, maxAbs };
}

export function expectAllclose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol?: { rtol?: number; atol?: number },
): void {
  const r = allcloseReport(actual, expected, tol);
  if (!r.ok) throw new Error(`not allclose: ${r.message}`);
}
