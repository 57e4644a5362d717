// The traces the toy Llama's run checks the engine on (./llamaMain.ts) against the torch reference
// (python -m repro_rl.llama_ref, run by ./llamaRun.ts) and the float64 CPU reference: held-out
// 2-digit problems in each verbose-regime style, as the SFT data encodes them (<bos> … <eos>).
import { heldOutProblems } from '../../src/task/problem.ts';
import { encodeTrace } from '../../src/task/sft.ts';
import { renderTrace, type TraceStyle } from '../../src/task/trace.ts';
import { Rng } from '../../src/sampling/rng.ts';

const STYLES: TraceStyle[] = ['concise', 'redundant', 'hesitation', 'verify'];

export function checkSequences(n = 8): number[][] {
  const rng = new Rng(31);
  return heldOutProblems(555, n, { minDigits: 2, maxDigits: 2 }).map((p, i) => encodeTrace(renderTrace(p, STYLES[i % STYLES.length], rng)).tokens);
}

/** max |a − b| over two equal-length lists of per-position log-probs. */
export function maxAbsDiff(a: number[][], b: number[][]): number {
  let worst = 0;
  a.forEach((row, i) => {
    if (row.length !== b[i].length) throw new RangeError(`sequence ${i}: ${row.length} vs ${b[i].length} log-probs`);
    row.forEach((x, t) => { worst = Math.max(worst, Math.abs(x - b[i][t])); });
  });
  return worst;
}
