// Vitest globalSetup (browser project): the torch reference's outputs (python -m repro_rl.llama_ref)
// for the bundled toy Llama (public/models/toy-llama-verbose/, docs/toy-model.md) on held-out toy
// traces, written to test/.generated/toy-llama/ for test/gpu/engine/toyLlama.test.ts: the log-probs
// of every position, the answer log-probs after every segment boundary (J), and greedy decoding
// from the prompts. Skipped when a stamp (the model files, the reference's sources, this file) is
// unchanged; without Python + torch, reference-error.txt says why.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { heldOutProblems } from '../../src/task/problem.ts';
import { renderTrace, type TraceStyle } from '../../src/task/trace.ts';
import { toyTokenizer } from '../../src/task/tokenizer.ts';
import { ANSWER_MARKER, SEGMENT_DELIMITER } from '../../src/task/format.ts';
import { Rng } from '../../src/sampling/rng.ts';
import { TOY_LLAMA_DIR, TOY_LLAMA_GENERATED, type ToyLlamaRequests } from '../util/toyLlamaFixture.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const PY_DIR = 'python/repro_rl/llama_ref';
const STYLES: TraceStyle[] = ['concise', 'redundant', 'hesitation', 'verify'];

function requests(): ToyLlamaRequests {
  const rng = new Rng(2024);
  const traces = heldOutProblems(4321, 8, { minDigits: 2, maxDigits: 2 }).map((p, i) => renderTrace(p, STYLES[i % STYLES.length], rng));
  const enc = (t: string) => toyTokenizer.encode(t);
  const jProbes = traces.slice(0, 4).map((t) => {
    const cuts = [0, ...t.segments.map((_, k) => t.segments.slice(0, k + 1).reduce((n, s) => n + s.length + SEGMENT_DELIMITER.length, 0))];
    return {
      context: enc(t.prompt + t.cot),
      boundaries: cuts.map((c) => enc(t.prompt + t.cot.slice(0, c)).length),
      fed: enc(ANSWER_MARKER + t.answer), // the last scored token (<eos>) is only predicted
      scored: enc(`${t.answer}<eos>`),
    };
  });
  return {
    traces: traces.map((t) => ({ prompt: t.prompt, cot: t.cot, probe: t.probe, answer: t.answer, text: t.text })),
    sequences: traces.map((t) => ({ ids: enc(t.text), logits: false })),
    // J after 0 … K segments of the first four traces: prompt + τ≤k + "Answer: " → answer + <eos>
    answers: jProbes.flatMap((j) => j.boundaries.map((b) => ({ prefix: [...j.context.slice(0, b), ...enc(ANSWER_MARKER)], answer: j.scored }))),
    jProbes,
    greedy: traces.map((t) => ({ prompt: enc(t.prompt), steps: 40 })),
  };
}

function stamp(): string {
  const h = createHash('sha256');
  const py = readdirSync(join(ROOT, PY_DIR)).filter((f) => f.endsWith('.py')).sort().map((f) => `${PY_DIR}/${f}`);
  const model = readdirSync(join(ROOT, TOY_LLAMA_DIR)).filter((f) => f.endsWith('.json') || f.endsWith('.safetensors')).sort().map((f) => `${TOY_LLAMA_DIR}/${f}`);
  for (const f of ['test/globalSetup/toyLlamaReference.ts', 'src/task/trace.ts', 'src/task/tokenizer.ts', ...py, ...model]) h.update(f).update(readFileSync(join(ROOT, f)));
  return h.digest('hex');
}

export default function setup(): void {
  if (!existsSync(join(ROOT, TOY_LLAMA_DIR, 'model.safetensors'))) return; // the test says what is missing
  const out = join(ROOT, TOY_LLAMA_GENERATED);
  const want = stamp();
  const stampFile = join(out, 'stamp.json');
  if (existsSync(stampFile) && existsSync(join(out, 'expected.json')) && (JSON.parse(readFileSync(stampFile, 'utf8')) as { stamp: string }).stamp === want) return;
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const req = requests();
  writeFileSync(join(out, 'requests.json'), JSON.stringify(req));
  // the reference takes only its own request fields (sequences, answers, greedy); the test reads all
  writeFileSync(join(out, 'torch-requests.json'), JSON.stringify({ sequences: req.sequences, answers: req.answers, greedy: req.greedy }));
  const python = [process.env.PYTHON, '/usr/bin/python3', 'python3'].filter((p): p is string => !!p)
    .find((p) => spawnSync(p, ['-c', 'import numpy, torch'], { stdio: 'ignore' }).status === 0);
  let error: string | null = null;
  if (!python) error = 'no Python with numpy and torch ($PYTHON, /usr/bin/python3, python3). Debian: apt-get install python3-torch python3-numpy';
  else {
    const r = spawnSync(python, ['-m', 'repro_rl.llama_ref', TOY_LLAMA_DIR, '--ids', join(TOY_LLAMA_GENERATED, 'torch-requests.json'), '--out', join(TOY_LLAMA_GENERATED, 'expected.json')], {
      cwd: ROOT, env: { ...process.env, PYTHONPATH: join(ROOT, 'python') }, encoding: 'utf8', maxBuffer: 16 << 20,
    });
    if (r.status !== 0) error = `python -m repro_rl.llama_ref failed (exit ${r.status}):\n${(r.stderr || String(r.error)).slice(-4000)}`;
  }
  if (error) {
    writeFileSync(join(out, 'reference-error.txt'), error);
    console.warn(`toy llama reference: ${error}`);
  } else writeFileSync(stampFile, JSON.stringify({ stamp: want }));
}
