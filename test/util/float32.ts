// How close two float32 computations of the same quantity must be (run to run, machine to machine):
// CPU kernels sum in different orders on different processors, so the last bits move. The bound is
// relative to the value's size with a floor of 1 (log-probs and entropies come out of logits and a
// log-sum-exp of order 1–15, so a value near 0 carries their absolute error):
//   |a − b| ≤ FLOAT32_RUN_TO_RUN · max(1, |a|, |b|),   FLOAT32_RUN_TO_RUN = 64 ε32 (ε32 = 2⁻²³).
// Measured (test/unit/python/toyJReference.test.ts): the committed toy-model fixture (onnxruntime-node,
// float32) sits at most 12.5 ε32·max(1, |x|) from the float64 reference, so two float32 runs differ
// by at most ~25 units; another machine's run differed by 1.9e-6 (16 units at |x| ≤ 1). A real change
// moves far more: rounding the weights to float16 moves every J of the fixture by 222–11 094 units.
export const FLOAT32_EPS = 2 ** -23;
export const FLOAT32_RUN_TO_RUN = 64 * FLOAT32_EPS;

/** |a − b| in units of ε32 · max(1, |a|, |b|). */
export const float32Units = (a: number, b: number): number => Math.abs(a - b) / (FLOAT32_EPS * Math.max(1, Math.abs(a), Math.abs(b)));

/** Whether two float32 results agree within run-to-run noise. */
export const float32Close = (a: number, b: number): boolean => Math.abs(a - b) <= FLOAT32_RUN_TO_RUN * Math.max(1, Math.abs(a), Math.abs(b));
