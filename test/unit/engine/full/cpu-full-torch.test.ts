// The float64 CPU reference's full-weight gradients (src/engine/cpu/llamaTrain.ts with `dw`, in the
// flat layout of src/engine/full/fullLayout.ts) against torch autograd (python/repro_rl/llama_ref,
// --float64, gradients by hub tensor name, itself checked against central differences in
// python/tests/test_llama_ref_grads.py): every tensor of two tiny configurations — Qwen3 with GQA
// 4 / 2, q/k/v/o bias and q/k norm, untied head; Qwen2 with q/k/v bias and a tied embedding (the
// head's and the embedding's shares in one gradient). torch gets one sequence per item; the batch's
// gradient is their sum.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { llamaTrainBackward, llamaTrainForward } from '../../../../src/engine/cpu/llamaTrain.ts';
import { fullCpuView, fullLayout } from '../../../../src/engine/full/fullLayout.ts';
import { llamaCpuWeights } from '../../../../src/engine/hf/llamaCpuWeights.ts';
import { Rng } from '../../../../src/sampling/rng.ts';
import { engineTinyLlama } from '../../../util/tinyLlamaLora.ts';
import type { TinyLlamaSpec } from '../../../util/tinyLlama.ts';

const dir = mkdtempSync(join(tmpdir(), 'full-torch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const B = 2, T = 6;
const SPECS: TinyLlamaSpec[] = [
  { name: 'qwen3-qknorm', dtype: 'BF16', seed: 3, override: { attention_bias: true } },
  { name: 'qwen2-bias-tied', dtype: 'F32', seed: 3 },
];

const relNorm = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let d = 0, n = 0;
  for (let i = 0; i < a.length; i++) { d += (a[i] - b[i]) ** 2; n += b[i] ** 2; }
  return Math.sqrt(d / n);
};

test('CPU float64 full-weight gradients = torch autograd (float64) on every tensor: GQA + bias + q/k norm, and tied', () => {
  const jobs = SPECS.map((spec, c) => {
    const m = engineTinyLlama(spec);
    const path = join(dir, `${spec.name}-${c}`);
    for (const [p, bytes] of m.model.folder) {
      mkdirSync(dirname(join(path, p)), { recursive: true });
      writeFileSync(join(path, p), bytes);
    }
    const rng = new Rng(30 + c);
    const seqs = Array.from({ length: B }, () => Array.from({ length: T + 1 }, () => rng.int(0, m.config.vocabSize - 1)));
    const weights = seqs.map((s) => s.slice(1).map((_, t) => (t === 2 ? 0 : 2 * rng.uniform() - 1)));
    writeFileSync(join(path, 'req.json'), JSON.stringify({ grads: seqs.map((ids, b) => ({ ids, weights: weights[b] })) }));
    return { ...m, path, seqs, weights, spec };
  });
  writeFileSync(join(dir, 'jobs.json'), JSON.stringify(jobs.map((j) => ({ model: j.path, ids: join(j.path, 'req.json'), out: join(j.path, 'out.json'), float64: true }))));
  const r = spawnSync(process.env.PYTHON ?? '/usr/bin/python3', ['-m', 'repro_rl.llama_ref', '--jobs', join(dir, 'jobs.json')], {
    env: { ...process.env, PYTHONPATH: 'python' }, encoding: 'utf8', maxBuffer: 64 << 20,
  });
  expect(r.status, r.stderr).toBe(0);
  const report: string[] = [];
  for (const j of jobs) {
    type Item = { value: number; grads: Record<string, { values: number[] }> };
    const items = (JSON.parse(readFileSync(join(j.path, 'out.json'), 'utf8')) as { grads: Item[] }).grads;
    // the batch's gradient by hub name (sum over the sequences), packed as the engine packs weights
    const summed = new Map<string, Float64Array>();
    for (const it of items) {
      for (const [k, g] of Object.entries(it.grads)) {
        const acc = summed.get(k) ?? new Float64Array(g.values.length);
        g.values.forEach((x, i) => { acc[i] += x; });
        summed.set(k, acc);
      }
    }
    const want = llamaCpuWeights(j.config, summed);
    const inputs = Int32Array.from(j.seqs.flatMap((s) => s.slice(0, T)));
    const targets = Int32Array.from(j.seqs.flatMap((s, b) => s.slice(1).map((id, t) => (j.weights[b][t] === 0 ? -1 : id))));
    const dlogp = Float64Array.from(j.weights.flat());
    const layout = fullLayout(j.config);
    const flat = new Float64Array(layout.total);
    const got = fullCpuView(layout, flat);
    const rec = llamaTrainForward(j.config, j.cpu, null, inputs, targets, B, T);
    llamaTrainBackward(j.config, j.cpu, null, rec, targets, dlogp, null, got);
    const value = rec.logp.reduce((s, x, i) => s + dlogp[i] * x, 0);
    expect(Math.abs(value - items.reduce((s, it) => s + it.value, 0)), j.spec.name).toBeLessThan(1e-5);
    let worst = 0;
    for (const t of layout.tensors) {
      const w = t.param ? want.layer(t.layer, t.param) : t.name === 'embed' ? want.embed : t.name === 'head' ? want.head : want.finalNormW;
      const g = flat.subarray(t.off, t.off + t.rows * t.cols);
      expect(g.length, t.name).toBe(w.length);
      const e = relNorm(g, w);
      // torch computes rotary angles in float64, the engine (and this reference) in float32 as transformers does
      expect(e, `${j.spec.name} ${t.name}`).toBeLessThan(1e-5);
      expect(w.some((x) => x !== 0), `${t.name} not vacuous`).toBe(true);
      worst = Math.max(worst, e);
    }
    report.push(`${j.spec.name} ${j.spec.dtype}: ${layout.tensors.length} tensors, worst relative gradient error ${worst.toExponential(2)}`);
  }
  console.log(report.join('\n'));
}, 120_000);
