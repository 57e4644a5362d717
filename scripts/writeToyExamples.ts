// Writes public/examples/toy-addition.jsonl, the batch screen's example prompt set for the bundled
// toy model: 2-digit held-out problems (the bundled model's training range, never trained on),
// three with a supervised CoT of each trace style and four without a CoT (the batch run generates
// them). Deterministic. Run: npx tsx scripts/writeToyExamples.ts
import { writeFileSync } from 'node:fs';
import { heldOutProblems } from '../src/task/problem.ts';
import { renderTrace, TRACE_STYLES } from '../src/task/trace.ts';
import { Rng } from '../src/sampling/rng.ts';

const SEED = 2026;
const problems = heldOutProblems(SEED, 16, { minDigits: 2, maxDigits: 2 });
const rng = new Rng(SEED);
const lines = problems.map((p, i) => {
  const id = `toy-${i + 1}`;
  if (i >= 12) return { id: `${id}-generate`, question: p.question, answer: p.answer };
  const style = TRACE_STYLES[i % TRACE_STYLES.length];
  return { id: `${id}-${style}`, question: p.question, answer: p.answer, cot: renderTrace(p, style, rng).cot };
});
const out = new URL('../public/examples/toy-addition.jsonl', import.meta.url);
writeFileSync(out, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
console.log(`wrote public/examples/toy-addition.jsonl (${lines.length} prompts)`);
