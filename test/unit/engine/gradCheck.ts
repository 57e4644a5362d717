// Central finite differences against an analytic backward, for the CPU reference's layer tests.
import { Rng } from '../../../src/sampling/rng.ts';
import { randomArray, relErr } from './fixtures.ts';

/**
 * FD check of L = Σ w · out (w random): `forward()` reads the arrays in `wrt` and returns the output;
 * `backward(dout)` returns the analytic gradient of each array in `wrt` (freshly zeroed, so
 * accumulation starts at 0). Throws at the first element whose relative error exceeds `tol`;
 * returns the worst relative error.
 */
export function gradCheck(
  wrt: Record<string, Float64Array>,
  forward: () => Float64Array,
  backward: (dout: Float64Array) => Record<string, Float64Array>,
  seed = 1,
  tol = 1e-6,
): number {
  const out0 = forward();
  const w = randomArray(out0.length, new Rng(seed));
  const loss = () => forward().reduce((a, o, i) => a + w[i] * o, 0);
  const grads = backward(w);
  const h = 1e-5;
  let worst = 0;
  for (const [name, arr] of Object.entries(wrt)) {
    for (let i = 0; i < arr.length; i++) {
      const saved = arr[i];
      arr[i] = saved + h;
      const lp = loss();
      arr[i] = saved - h;
      const lm = loss();
      arr[i] = saved;
      const numeric = (lp - lm) / (2 * h);
      const err = relErr(grads[name][i], numeric);
      if (err > tol) throw new Error(`${name}[${i}]: analytic ${grads[name][i]} vs numeric ${numeric}`);
      worst = Math.max(worst, err);
    }
  }
  return worst;
}
