// The float64 CPU reference of the LoRA training pass (src/engine/cpu/llamaTrain.ts) against torch
// autograd (python/repro_rl/llama_ref, --float64, adapters keyed as PEFT keys them) on the four
// standard tiny configurations in F32 and BF16: log-probs, the weighted log-prob and its gradient
// with respect to every adapter matrix of all seven targets. Both sides read the same files.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { llamaTrainBackward, llamaTrainForward } from '../../../../src/engine/cpu/llamaTrain.ts';
import { LORA_TARGETS } from '../../../../src/engine/lora/loraConfig.ts';
import { loraLayout, loraTensorName, type LoraLayout } from '../../../../src/engine/lora/loraLayout.ts';
import { Rng } from '../../../../src/sampling/rng.ts';
import { engineTinyLlama, randomAdapters } from '../../../util/tinyLlamaLora.ts';
import type { TinyLlamaName } from '../../../util/tinyLlama.ts';

const NAMES: TinyLlamaName[] = ['llama-gqa', 'qwen2-bias-tied', 'qwen3-qknorm', 'llama3-rope'];
const dir = mkdtempSync(join(tmpdir(), 'lora-torch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const B = 2, T = 7;

/** The PEFT-keyed adapter tensors of a flat vector. */
function peftTensors(layout: LoraLayout, p: ArrayLike<number>): Record<string, { shape: number[]; values: number[] }> {
  const out: Record<string, { shape: number[]; values: number[] }> = {};
  for (const s of layout.slots) {
    out[loraTensorName(s.layer, s.target, 'A')] = { shape: [layout.r, s.inW], values: Array.from(p).slice(s.a, s.a + layout.r * s.inW) };
    out[loraTensorName(s.layer, s.target, 'B')] = { shape: [s.outW, layout.r], values: Array.from(p).slice(s.b, s.b + s.outW * layout.r) };
  }
  return out;
}

const relNorm = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let d = 0, n = 0;
  for (let i = 0; i < a.length; i++) { d += (a[i] - b[i]) ** 2; n += b[i] ** 2; }
  return Math.sqrt(d / n);
};

test('CPU float64 LoRA gradients = torch autograd (float64) on every adapter matrix, 4 configs × F32/BF16', () => {
  const cases = NAMES.flatMap((name) => (['F32', 'BF16'] as const).map((dtype) => ({ name, dtype })));
  const jobs = cases.map(({ name, dtype }, c) => {
    const m = engineTinyLlama({ name, dtype, seed: 2 });
    const path = join(dir, `${name}-${dtype}`);
    for (const [p, bytes] of m.model.folder) {
      mkdirSync(dirname(join(path, p)), { recursive: true });
      writeFileSync(join(path, p), bytes);
    }
    const layout = loraLayout(m.config, { r: 4, lora_alpha: 8, lora_dropout: 0, target_modules: [...LORA_TARGETS] });
    const params = randomAdapters(layout, 10 + c, 0.2);
    const rng = new Rng(20 + c);
    const seqs = Array.from({ length: B }, () => Array.from({ length: T + 1 }, () => rng.int(0, m.config.vocabSize - 1)));
    const weights = seqs.map((s) => s.slice(1).map((_, t) => (t === 2 ? 0 : 2 * rng.uniform() - 1)));
    const req = { lora: [{ r: 4, alpha: 8, adapters: peftTensors(layout, params), items: seqs.map((ids, b) => ({ ids, weights: weights[b] })) }] };
    writeFileSync(join(path, 'req.json'), JSON.stringify(req));
    return { ...m, path, layout, params, seqs, weights, name, dtype };
  });
  writeFileSync(join(dir, 'jobs.json'), JSON.stringify(jobs.map((j) => ({ model: j.path, ids: join(j.path, 'req.json'), out: join(j.path, 'out.json'), float64: true }))));
  const r = spawnSync(process.env.PYTHON ?? '/usr/bin/python3', ['-m', 'repro_rl.llama_ref', '--jobs', join(dir, 'jobs.json')], {
    env: { ...process.env, PYTHONPATH: 'python' }, encoding: 'utf8', maxBuffer: 64 << 20,
  });
  expect(r.status, r.stderr).toBe(0);
  const report: string[] = [];
  for (const j of jobs) {
    const torch = (JSON.parse(readFileSync(join(j.path, 'out.json'), 'utf8')) as { lora: { value: number; logprobs: number[][]; grads: Record<string, { values: number[] }> }[] }).lora[0];
    const inputs = Int32Array.from(j.seqs.flatMap((s) => s.slice(0, T)));
    const targets = Int32Array.from(j.seqs.flatMap((s, b) => s.slice(1).map((id, t) => (j.weights[b][t] === 0 ? -1 : id))));
    const dlogp = Float64Array.from(j.weights.flat());
    const lora = { layout: j.layout, params: Float64Array.from(j.params) };
    const rec = llamaTrainForward(j.config, j.cpu, lora, inputs, targets, B, T);
    const grads = new Float64Array(j.layout.total);
    llamaTrainBackward(j.config, j.cpu, lora, rec, targets, dlogp, grads);
    const value = rec.logp.reduce((s, x, i) => s + dlogp[i] * x, 0);
    const lpWant = torch.logprobs.flat().map((x, i) => (targets[i] < 0 ? 0 : x));
    const lpErr = Math.max(...Array.from(rec.logp, (x, i) => Math.abs(x - lpWant[i])));
    let worst = 0;
    for (const [key, t] of Object.entries(peftTensors(j.layout, grads))) worst = Math.max(worst, relNorm(t.values, torch.grads[key].values));
    report.push(`${j.name} ${j.dtype}: |Δlogp| ${lpErr.toExponential(2)}, |Δvalue| ${Math.abs(value - torch.value).toExponential(2)}, worst per-matrix relative gradient error ${worst.toExponential(2)}`);
    // torch computes rotary angles in float64, the engine (and this reference) in float32 as
    // transformers does: differences of a few 1e-7 relative remain
    expect(lpErr, j.name).toBeLessThan(1e-5);
    expect(Math.abs(value - torch.value), j.name).toBeLessThan(1e-5);
    expect(worst, `${j.name} ${j.dtype}`).toBeLessThan(1e-5);
  }
  console.log(report.join('\n'));
}, 120_000);
