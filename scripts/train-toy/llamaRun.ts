// `npm run train:toy -- --arch llama [--regime verbose] [--steps N] [--spec JSON] [--eval]`: the
// toy Llama's run (scripts/trainToy.ts hands over here). Trains with torch (./llamaTrain.ts) unless
// --eval, then opens the written folder with the engine's Llama-family loader in headless Chromium
// (./llamaMain.ts) for the held-out evaluation, and writes eval.json beside the weights.
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInChromium } from '../lib/headless.ts';
import { REGIME_LLAMA_MODEL_DIR, type TaskRegime } from '../../src/task/regime.ts';
import { mergeLlamaSpec, type ToyLlamaSpec } from './llamaSpec.ts';
import { PYTHON, trainLlamaWithTorch, type LlamaTrainResult } from './llamaTrain.ts';
import { checkSequences } from './llamaCheck.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

type Given = Parameters<typeof mergeLlamaSpec>[0] & { mode?: 'train' | 'eval' | 'bench'; model?: unknown };

/** The dev server's URL of a folder under the repository (public/ is served at the root). */
function servedUrl(dir: string): string {
  const rel = relative(root, dir).split('\\').join('/');
  if (rel.startsWith('..')) throw new Error(`train:toy: --out ${dir} must be inside the repository (the evaluation page fetches it from the dev server)`);
  return `/${rel.startsWith('public/') ? rel.slice('public/'.length) : rel}/`;
}

/** The torch reference's log-probs of the check traces (./llamaCheck.ts); returns their URL. */
function torchExpectations(modelDir: string): string {
  const dir = join(root, 'artifacts/train-toy/llama-check');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'requests.json'), JSON.stringify({ sequences: checkSequences().map((ids) => ({ ids, logits: false })) }));
  const r = spawnSync(PYTHON, ['-m', 'repro_rl.llama_ref', modelDir, '--ids', join(dir, 'requests.json'), '--out', join(dir, 'expected.json')], {
    cwd: root, env: { ...process.env, PYTHONPATH: join(root, 'python') }, encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`train:toy: python -m repro_rl.llama_ref failed (exit ${r.status}): ${(r.stderr || String(r.error)).slice(-2000)}`);
  return `${servedUrl(dir)}expected.json`;
}

export async function runLlama(given: Given, outArg: string | null, timeoutMs: number): Promise<void> {
  const { mode = 'train', model, ...rest } = given;
  if (mode === 'bench') throw new Error('train:toy: --bench is for the GPT-2 on WebGPU; --arch llama trains with torch');
  if (model !== undefined) throw new Error('train:toy: --arch llama takes "llama" fields in --spec (hiddenSize, layers, heads, kvHeads, intermediateSize, ropeTheta, rmsNormEps), not "model"');
  const regime: TaskRegime = rest.regime ?? 'verbose';
  const bundled = REGIME_LLAMA_MODEL_DIR[regime];
  if (!outArg && !bundled) throw new Error(`train:toy: there is no bundled toy Llama of the ${regime} regime; give --out DIR`);
  const out = outArg ?? join(root, 'public', bundled!);
  mkdirSync(out, { recursive: true });
  const logPath = join(out, 'train-log.txt');
  const header = `# npm run train:toy ${process.argv.slice(2).join(' ')}  (${new Date().toISOString()})\n`;
  if (mode === 'eval') appendFileSync(logPath, `\n${header}`);
  else writeFileSync(logPath, header);
  const onLog = (line: string) => {
    console.log(line);
    appendFileSync(logPath, `${line}\n`);
  };

  let spec: ToyLlamaSpec;
  let training: (LlamaTrainResult & { wallSeconds: number }) | null = null;
  if (mode === 'eval') {
    // the recipe the weights were trained with, from the checkpoint's metadata
    const previous = existsSync(join(out, 'eval.json')) ? (JSON.parse(readFileSync(join(out, 'eval.json'), 'utf8')) as { spec?: ToyLlamaSpec; training?: typeof training }) : {};
    if (!previous.spec) throw new Error(`train:toy: --eval needs ${join(out, 'eval.json')} from the training run (its recipe)`);
    spec = { ...previous.spec, evalProblems: rest.evalProblems ?? previous.spec.evalProblems };
    training = previous.training ?? null;
  } else {
    spec = mergeLlamaSpec({ ...rest, regime });
    const t0 = performance.now();
    const r = await trainLlamaWithTorch(spec, out, onLog);
    training = { ...r, wallSeconds: (performance.now() - t0) / 1000 };
  }

  const check = torchExpectations(out);
  onLog(`torch reference (python -m repro_rl.llama_ref) on ${checkSequences().length} check traces → ${check}`);
  const report = await runInChromium({
    page: '/scripts/train-toy/llama.html',
    query: { spec: JSON.stringify(spec), model: servedUrl(resolve(out)), check },
    timeoutMs,
    onLog,
    onFile: (name, bytes) => {
      if (name === 'eval.json') {
        const json = { ...(JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>), spec, training };
        writeFileSync(join(out, name), `${JSON.stringify(json, null, 2)}\n`);
      } else {
        const path = join(root, 'artifacts/train-toy', `llama-${name}`); // bulky per-response diagnostics: not committed
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, bytes);
      }
      onLog(`[train:toy] wrote ${name} (${bytes.byteLength} bytes)`);
    },
  });
  onLog(`[train:toy] report ${JSON.stringify(report)}`);
}
