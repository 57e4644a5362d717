// `npm run train:toy [-- options]`: SFT of the bundled toy reasoner on WebGPU in headless Chromium
// (scripts/train-toy/, through scripts/lib/headless.ts), then its held-out evaluation; writes
// public/models/toy-reasoner/{model.safetensors, onnx/model.onnx, config.json,
// generation_config.json, eval.json, train-log.jsonl, train-log.txt} (docs/toy-model.md).
//   --bench N          only time N SFT steps (nothing written)
//   --eval             no training: re-evaluate the bundled checkpoint, rewrite eval.json
//   --steps N          SFT steps (default: scripts/train-toy/spec.ts)
//   --spec JSON        any TrainToySpec fields, merged over the defaults (e.g. '{"model":{"nEmbd":64}}')
//   --regime R         mixed (default) or verbose (src/task/regime.ts): its trace mix, and its bundled
//                      folder public/models/toy-reasoner[-verbose] as the default --out
//   --out DIR          output folder (default: the regime's bundled folder)
//   --timeout-min M    whole-run limit (default 60)
//   --engine cpu       train on the float64 CPU reference in Node (faster than SwiftShader on a
//                      GPU-less machine), then evaluate on WebGPU in Chromium as with --eval
//   --engine torch     the same batches, init and recipe in PyTorch (scripts/train-toy/torchSft.py,
//                      float32 CPU threads; far faster than both on a CPU-only machine), checked
//                      against the CPU model, then evaluated on WebGPU as with --eval
//   --arch llama       the toy Llama (scripts/train-toy/llamaSpec.ts: LlamaForCausalLM, Hugging Face
//                      layout) instead: trained with torch (torchLlamaSft.py, the torch reference's
//                      forward), checked against the float64 CPU reference, written to
//                      public/models/toy-llama-<regime>/, then loaded by the engine's Llama-family
//                      loader in headless Chromium and evaluated (eval.json). --spec takes
//                      ToyLlamaSpec fields ('{"llama":{"hiddenSize":128},"sft":{…}}'); --eval works
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInChromium } from './lib/headless.ts';
import type { TrainToySpec } from './train-toy/spec.ts';
import { trainOnCpu } from './train-toy/cpuTrain.ts';
import { trainWithTorch } from './train-toy/torchTrain.ts';
import { parseRegime, REGIME_MIX, REGIME_MODEL_DIR, type TaskRegime } from '../src/task/regime.ts';
import { runLlama } from './train-toy/llamaRun.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
/** Bulky per-response diagnostics stay out of the committed model folder. */
const NOT_COMMITTED = new Set(['eval-responses.jsonl']);

interface Args { spec: Partial<TrainToySpec>; out: string | null; timeoutMs: number; engine: 'webgpu' | 'cpu' | 'torch'; arch: 'gpt2' | 'llama' }

function parseArgs(argv: string[]): Args {
  let spec: Partial<TrainToySpec> = {};
  let out: string | null = null;
  let regime: TaskRegime = 'mixed';
  let timeoutMs = 60 * 60_000;
  let engine: Args['engine'] = 'webgpu';
  let arch: Args['arch'] = 'gpt2';
  const sft: Record<string, number> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`train:toy: ${a} needs a value`);
      return v;
    };
    const count = () => {
      const n = Number(value());
      if (!Number.isInteger(n) || n <= 0) throw new Error(`train:toy: ${a} must be a positive integer`);
      return n;
    };
    if (a === '--bench') { spec.mode = 'bench'; sft.steps = count(); }
    else if (a === '--eval') spec.mode = 'eval';
    else if (a === '--steps') sft.steps = count();
    else if (a === '--spec') spec = { ...spec, ...(JSON.parse(value()) as Partial<TrainToySpec>) };
    else if (a === '--out') out = resolve(value());
    else if (a === '--regime') {
      try { regime = parseRegime(value()); } catch (e) { throw new Error(`train:toy: --${(e as Error).message}`); }
    }
    else if (a === '--timeout-min') timeoutMs = count() * 60_000;
    else if (a === '--arch') {
      const v = value();
      if (v !== 'gpt2' && v !== 'llama') throw new Error(`train:toy: --arch must be gpt2 or llama, got ${JSON.stringify(v)}`);
      arch = v;
    }
    else if (a === '--engine') {
      const e = value();
      if (e !== 'cpu' && e !== 'webgpu' && e !== 'torch') throw new Error(`train:toy: --engine must be cpu, torch or webgpu, got ${JSON.stringify(e)}`);
      engine = e;
    }
    else throw new Error(`train:toy: unknown argument ${JSON.stringify(a)} (see the header of scripts/trainToy.ts)`);
  }
  if (arch === 'llama') return { spec: { ...spec, regime, ...(Object.keys(sft).length && { sft: { ...spec.sft, ...sft } as TrainToySpec['sft'] }) }, out, timeoutMs, engine, arch };
  if (regime !== 'mixed') spec.sft = { mix: { ...REGIME_MIX[regime] }, ...spec.sft } as TrainToySpec['sft'];
  if (Object.keys(sft).length) spec.sft = { ...spec.sft, ...sft } as TrainToySpec['sft'];
  spec.regime = regime;
  return { spec, out: out ?? join(root, 'public', REGIME_MODEL_DIR[regime]), timeoutMs, engine, arch };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.arch === 'llama') return runLlama(args.spec as Parameters<typeof runLlama>[0], args.out, args.timeoutMs);
  const { spec, timeoutMs, engine } = args;
  const out = args.out!;
  const bench = spec.mode === 'bench';
  const logPath = join(out, 'train-log.txt');
  if (!bench) {
    mkdirSync(out, { recursive: true });
    if (spec.mode === 'eval') appendFileSync(logPath, `\n# npm run train:toy ${process.argv.slice(2).join(' ')}  (${new Date().toISOString()})\n`);
    else writeFileSync(logPath, `# npm run train:toy ${process.argv.slice(2).join(' ')}  (${new Date().toISOString()})\n`);
  }
  const onLog = (line: string) => {
    console.log(line);
    if (!bench) appendFileSync(logPath, `${line}\n`);
  };
  if (engine !== 'webgpu' && spec.mode !== 'bench' && spec.mode !== 'eval') {
    const bundled = join(root, 'public', REGIME_MODEL_DIR[spec.regime ?? 'mixed']);
    if (out !== bundled) throw new Error(`train:toy: --engine cpu writes the regime's bundled model folder ${bundled} (its evaluation reads it from there)`);
    await (engine === 'torch' ? trainWithTorch : trainOnCpu)(spec, out, onLog);
    spec.mode = 'eval';
  }
  const report = await runInChromium({
    page: '/scripts/train-toy/index.html',
    query: { spec: JSON.stringify(spec) },
    timeoutMs,
    onLog,
    onFile: (name, bytes) => {
      const path = NOT_COMMITTED.has(name) ? join(root, 'artifacts/train-toy', name) : join(out, name);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, bytes);
      onLog(`[train:toy] wrote ${path.slice(root.length)} (${bytes.byteLength} bytes)`);
    },
  });
  onLog(`[train:toy] report ${JSON.stringify(report)}`);
}

main().catch((e: unknown) => {
  console.error((e as Error).stack ?? String(e));
  process.exitCode = 1;
});
