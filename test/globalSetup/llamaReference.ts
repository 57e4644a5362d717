// Vitest globalSetup (browser project): writes the tiny Llama-family models of
// test/util/llamaFixtures.ts under test/.generated/llama/ and runs the torch reference
// (python -m repro_rl.llama_ref --jobs, every model in one process) on fixed token sequences, so a
// browser test fetches model files and expectations through the Vite server. Skipped when a stamp
// (hash of every source the output depends on) is unchanged. Without Python + torch the models are
// still written and reference-error.txt says why; only tests that ask for expectations fail.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tokenizer } from '@huggingface/tokenizers';
import { Template } from '@huggingface/jinja';
import { Rng } from '../../src/sampling/rng.ts';
import { tinyLlama, TINY_LLAMA_CONFIGS, type TinyLlamaName } from '../util/tinyLlama.ts';
import { GENERATED_LLAMA_DIR, GENERATED_LLAMAS, type LlamaFixtureInfo, type LlamaRequests } from '../util/llamaFixtures.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SOURCES = [
  'test/globalSetup/llamaReference.ts', 'test/util/tinyLlama.ts', 'test/util/tinyTokenizer.ts',
  'test/util/safetensorsFile.ts', 'src/numeric/halfFloat.ts', 'src/sampling/rng.ts', 'python/repro_rl/safetensors_io.py',
];
const PY_DIR = 'python/repro_rl/llama_ref';

function stamp(): string {
  const h = createHash('sha256').update(JSON.stringify(GENERATED_LLAMAS));
  const py = readdirSync(join(ROOT, PY_DIR)).filter((f) => f.endsWith('.py')).sort().map((f) => `${PY_DIR}/${f}`);
  for (const f of [...SOURCES, ...py]) h.update(f).update(readFileSync(join(ROOT, f)));
  return h.digest('hex');
}

const QUESTION = 'What is 12 + 30?';
const COT = 'We add 12 and 30. First 2 + 0 = 2. Then 1 + 3 = 4. So the sum is 42.';

/** The texts behind the token ids, and the requests the reference runs on (per family tokenizer). */
function requestsFor(name: TinyLlamaName, files: Map<string, Uint8Array>): { texts: LlamaFixtureInfo['texts']; requests: LlamaRequests } {
  const json = (p: string) => JSON.parse(new TextDecoder().decode(files.get(p))) as Record<string, unknown>;
  const tokConfig = json('tokenizer_config.json');
  const tok = new Tokenizer(json('tokenizer.json'), tokConfig);
  const thinking = tok.token_to_id('<think>') !== undefined;
  const rendered = new Template(tokConfig.chat_template as string).render({
    messages: [{ role: 'user', content: QUESTION }], add_generation_prompt: true, bos_token: tokConfig.bos_token ?? '',
  });
  const prompt = thinking ? `${rendered}<think>\n` : rendered;
  const probe = thinking ? '\n</think>\n\nThe final answer is \\boxed{' : '\nThe final answer is ';
  const answer = thinking ? '42}' : '42';
  const boundaries = [...COT.matchAll(/\. /g)].map((m) => m.index + 2).concat(COT.length);
  // The chat template already holds <|begin_of_text|>; the post-processor must not add a second.
  const enc = (text: string) => tok.encode(text, { add_special_tokens: false }).ids;
  const V = TINY_LLAMA_CONFIGS[name].vocab_size;
  const rng = new Rng(7);
  const random = (n: number) => Array.from({ length: n }, () => rng.int(0, V - 1)); // padded rows too
  const full = enc(prompt + COT + probe + answer);
  const noise = random(48);
  return {
    texts: { prompt, cot: COT, probe, answer, boundaries },
    requests: {
      sequences: [full, noise, full.slice(0, 3), { ids: random(200), logits: false }],
      greedy: [{ prompt: enc(prompt), steps: 32 }, { prompt: noise.slice(0, 6), steps: 32 }],
      answers: boundaries.map((b) => ({ prefix: enc(prompt + COT.slice(0, b) + probe), answer: enc(answer) })),
    },
  };
}

function findPython(): string | null {
  const candidates = [process.env.PYTHON, '/usr/bin/python3', 'python3'].filter((p): p is string => !!p);
  return candidates.find((p) => spawnSync(p, ['-c', 'import numpy, torch'], { stdio: 'ignore' }).status === 0) ?? null;
}

export default function setup(): void {
  const out = join(ROOT, GENERATED_LLAMA_DIR);
  const want = stamp();
  const stampFile = join(out, 'stamp.json');
  const fresh = existsSync(stampFile) && (JSON.parse(readFileSync(stampFile, 'utf8')) as { stamp: string }).stamp === want;
  if (fresh && GENERATED_LLAMAS.every((s) => existsSync(join(out, s.id, 'expected.json')))) return;

  const t0 = performance.now();
  const tmp = `${out}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  const jobs: { model: string; ids: string; out: string }[] = [];
  const perName = new Map<TinyLlamaName, ReturnType<typeof requestsFor>>();
  for (const spec of GENERATED_LLAMAS) {
    const m = tinyLlama(spec);
    const dir = join(tmp, spec.id);
    for (const [path, bytes] of m.folder) {
      mkdirSync(dirname(join(dir, 'repo', path)), { recursive: true });
      writeFileSync(join(dir, 'repo', path), bytes);
    }
    if (!perName.has(spec.name)) perName.set(spec.name, requestsFor(spec.name, m.folder));
    const { texts, requests } = perName.get(spec.name)!;
    const info: LlamaFixtureInfo = { spec, files: Object.fromEntries([...m.folder].map(([p, b]) => [p, b.byteLength])), texts };
    writeFileSync(join(dir, 'fixture.json'), JSON.stringify(info, null, 2));
    writeFileSync(join(dir, 'requests.json'), JSON.stringify(requests));
    const final = join(GENERATED_LLAMA_DIR, spec.id); // relative to the repository root, where python runs
    jobs.push({ model: join(final, 'repo'), ids: join(final, 'requests.json'), out: join(final, 'expected.json') });
  }
  writeFileSync(join(tmp, 'jobs.json'), JSON.stringify(jobs, null, 1));
  rmSync(out, { recursive: true, force: true });
  try {
    renameSync(tmp, out);
  } catch (e) {
    // Another run swapped its own (identical) folder in first.
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(out)) throw e;
  }
  const tWrite = performance.now();
  const python = findPython();
  let error: string | null = null;
  if (!python) {
    error = 'no Python with numpy and torch ($PYTHON, /usr/bin/python3, python3). Debian: apt-get install python3-torch python3-numpy';
  } else {
    const r = spawnSync(python, ['-m', 'repro_rl.llama_ref', '--jobs', join(GENERATED_LLAMA_DIR, 'jobs.json')], {
      cwd: ROOT, env: { ...process.env, PYTHONPATH: join(ROOT, 'python') }, encoding: 'utf8', maxBuffer: 16 << 20,
    });
    if (r.status !== 0) error = `python -m repro_rl.llama_ref failed (exit ${r.status}):\n${(r.stderr || String(r.error)).slice(-4000)}`;
  }
  if (error) writeFileSync(join(out, 'reference-error.txt'), error);
  else writeFileSync(stampFile, JSON.stringify({ stamp: want }));
  const s = (ms: number) => (ms / 1000).toFixed(1);
  const tEnd = performance.now();
  console.log(`llama reference fixtures: ${GENERATED_LLAMAS.length} models written in ${s(tWrite - t0)} s, torch reference ${error ? 'FAILED' : 'ran'} in ${s(tEnd - tWrite)} s → ${GENERATED_LLAMA_DIR}/`);
  if (error) console.warn(`llama reference: ${error}`);
}
