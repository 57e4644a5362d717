// Our ONNX export of the Llama family (src/engine/onnx/llamaExport.ts) run by ONNX Runtime
// (onnxruntime-node, CPU EP) against the torch reference (python/repro_rl/llama_ref, written from
// transformers' formulas) on the tiny configurations the tests write themselves: GQA 4/2 untied;
// q/k/v bias, tied; q/k norm with head_dim ≠ hidden/heads; Llama-3 rope scaling. Every export
// variant: contrib kernels (SimplifiedLayerNormalization, com.microsoft RotaryEmbedding) or plain
// opset-17 ops; masked MatMul/Softmax attention or com.microsoft GroupQueryAttention.
// Log-probs of every position within 1e-4 (f32 weights; 2e-2 for BF16 files, widened to f32),
// (a) one pass from an empty past, (b) the same split in two with present fed back as past;
// masked attention also (c) left padding and (d) probe rows that hide a stretch of the past
// (GroupQueryAttention takes per-row valid lengths, not a mask: on ORT's CPU kernel (c) is wrong
// and (d) refused).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { withLlamaOnnx } from '../../../src/engine/onnx/llamaModelFolder.ts';
import type { LlamaExportOptions } from '../../../src/engine/onnx/llamaExport.ts';
import { Rng } from '../../../src/sampling/rng.ts';
import { tinyLlama, type TinyLlamaName } from '../../util/tinyLlama.ts';
import type { SafetensorsDtype } from '../../util/safetensorsFile.ts';

const dir = mkdtempSync(join(tmpdir(), 'llama-onnx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CASES: { name: TinyLlamaName; dtype: SafetensorsDtype; shards: number }[] = [
  { name: 'llama-gqa', dtype: 'F32', shards: 1 },
  { name: 'qwen2-bias-tied', dtype: 'F32', shards: 3 },
  { name: 'qwen3-qknorm', dtype: 'F32', shards: 1 },
  { name: 'llama3-rope', dtype: 'BF16', shards: 1 },
];
const VARIANTS: Required<LlamaExportOptions>[] = [
  { attention: 'masked', kernels: 'contrib' },
  { attention: 'masked', kernels: 'plain' },
  { attention: 'gqa', kernels: 'contrib' },
];
const T = 40;

// One Python process: the reference's log-probs of each case's sequences (float32 forward).
const models = CASES.map((c, i) => {
  const m = tinyLlama({ ...c, seed: 3 + i });
  const path = join(dir, `${c.name}-${c.dtype}`);
  for (const [p, b] of m.folder) {
    mkdirSync(dirname(join(path, p)), { recursive: true });
    writeFileSync(join(path, p), b);
  }
  const rng = new Rng(20 + i);
  const seqs = [0, 1].map(() => Array.from({ length: T }, () => rng.int(0, m.config.vocab_size - 1)));
  return { ...c, m, path, seqs };
});
const expected = (() => {
  const jobs = models.map((c) => ({ model: c.path, ids: { sequences: c.seqs.map((ids) => ({ ids, logits: false })) }, out: `${c.path}.json` }));
  writeFileSync(join(dir, 'jobs.json'), JSON.stringify(jobs));
  const r = spawnSync(process.env.PYTHON ?? '/usr/bin/python3', ['-m', 'repro_rl.llama_ref', '--jobs', join(dir, 'jobs.json')], {
    env: { ...process.env, PYTHONPATH: 'python' }, encoding: 'utf8', maxBuffer: 64 << 20,
  });
  if (r.status !== 0) throw new Error(`torch reference failed: ${r.stderr}`);
  return models.map((c) => (JSON.parse(readFileSync(`${c.path}.json`, 'utf8')) as { sequences: { logprobs: number[] }[] }).sequences.map((s) => s.logprobs));
})();

type Feeds = Record<string, ort.Tensor>;
const i64 = (rows: number[][]) => new ort.Tensor('int64', BigInt64Array.from(rows.flat().map(BigInt)), [rows.length, rows[0].length]);
const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);

/** log p(next[t] | row b, position s) from an ORT logits tensor [B, S, V], in float64. */
function logprob(logits: ort.Tensor, b: number, s: number, next: number): number {
  const [, S, V] = logits.dims;
  const row = (logits.data as Float32Array).subarray((b * S + s) * V, (b * S + s + 1) * V);
  let max = -Infinity;
  for (const x of row) max = Math.max(max, x);
  let sum = 0;
  for (const x of row) sum += Math.exp(x - max);
  return row[next] - max - Math.log(sum);
}

describe('the Llama-family ONNX export on ONNX Runtime (node) vs the torch reference', () => {
  for (const [ci, c] of models.entries()) {
    for (const v of VARIANTS) {
      it(`${c.name} (${c.dtype}${c.shards > 1 ? ', sharded' : ''}): ${v.attention} attention, ${v.kernels} kernels`, async () => {
        const cfg = c.m.config;
        const HD = typeof cfg.head_dim === 'number' ? cfg.head_dim : cfg.hidden_size / cfg.num_attention_heads;
        const NKV = cfg.num_key_value_heads;
        const session = await ort.InferenceSession.create(withLlamaOnnx(c.m.folder, v).get('onnx/model.onnx')!);
        const tol = c.dtype === 'F32' ? 1e-4 : 2e-2;
        const past = (batch: number, out?: ort.InferenceSession.OnnxValueMapType): Feeds => {
          const f: Feeds = {};
          for (let l = 0; l < cfg.num_hidden_layers; l++) {
            for (const kv of ['key', 'value']) {
              f[`past_key_values.${l}.${kv}`] = out ? (out[`present.${l}.${kv}`] as ort.Tensor) : new ort.Tensor('float32', new Float32Array(0), [batch, NKV, 0, HD]);
            }
          }
          return f;
        };
        if (v.attention === 'gqa' && HD % 8 !== 0) {
          // ORT's CPU GroupQueryAttention takes head sizes that are multiples of 8 only (real models: 64, 128)
          const ids = [c.seqs[0].slice(0, 4)];
          await expect(session.run({ input_ids: i64(ids), attention_mask: i64([[1, 1, 1, 1]]), position_ids: i64([range(0, 4)]), ...past(1) })).rejects.toThrow(/head_size must be a multiple of 8/);
          return;
        }
        let worst = 0;
        const check = (got: number, want: number, what: string) => {
          const d = Math.abs(got - want);
          worst = Math.max(worst, d);
          if (!(d <= tol)) throw new Error(`${what}: ORT ${got} vs torch ${want} (|Δ| ${d.toExponential(2)} > ${tol})`);
        };
        const ref = expected[ci];

        // (a) both sequences in one batch-2 pass from an empty past
        const a = await session.run({ input_ids: i64(c.seqs), attention_mask: i64(c.seqs.map(() => range(0, T).map(() => 1))), position_ids: i64([range(0, T), range(0, T)]), ...past(2) });
        expect((a['present.1.key'] as ort.Tensor).dims).toEqual([2, NKV, T, HD]);
        for (let b = 0; b < 2; b++) for (let s = 0; s < T - 1; s++) check(logprob(a.logits as ort.Tensor, b, s, c.seqs[b][s + 1]), ref[b][s], `(a) row ${b} position ${s}`);

        // (b) sequence 0 split at k: present fed back as past
        const k = 17;
        const first = await session.run({ input_ids: i64([c.seqs[0].slice(0, k)]), attention_mask: i64([range(0, k).map(() => 1)]), position_ids: i64([range(0, k)]), ...past(1) });
        const second = await session.run({ input_ids: i64([c.seqs[0].slice(k)]), attention_mask: i64([range(0, T).map(() => 1)]), position_ids: i64([range(k, T)]), ...past(1, first) });
        for (let s = 0; s < T - 1; s++) {
          const lp = s < k ? logprob(first.logits as ort.Tensor, 0, s, c.seqs[0][s + 1]) : logprob(second.logits as ort.Tensor, 0, s - k, c.seqs[0][s + 1]);
          check(lp, ref[0][s], `(b) position ${s}`);
        }

        if (v.attention === 'masked') {
          // (c) left padding: row 1 is sequence 1's first T − 5 tokens after 5 pads
          const pad = 5;
          const ids = [c.seqs[0], [...Array<number>(pad).fill(0), ...c.seqs[1].slice(0, T - pad)]];
          const mask = [range(0, T).map(() => 1), range(0, T).map((t) => (t < pad ? 0 : 1))];
          const pos = [range(0, T), range(0, T).map((t) => Math.max(0, t - pad))];
          const out = await session.run({ input_ids: i64(ids), attention_mask: i64(mask), position_ids: i64(pos), ...past(2) });
          for (let s = pad; s < T - 1; s++) check(logprob(out.logits as ort.Tensor, 1, s, ids[1][s + 1]), ref[1][s - pad], `(c) padded row, position ${s}`);
        }
        {
          // (d) probes as the scorer batches them: the past of the first 30 positions tiled,
          // row b hiding positions ≥ n_b, its two tokens at positions n_b, n_b + 1
          const keep = 30;
          const prefixes = [12, 30, 21];
          const cut = await session.run({ input_ids: i64([c.seqs[0].slice(0, keep)]), attention_mask: i64([range(0, keep).map(() => 1)]), position_ids: i64([range(0, keep)]), ...past(1) });
          const tiled: Feeds = {};
          for (let l = 0; l < cfg.num_hidden_layers; l++) {
            for (const kv of ['key', 'value']) {
              const t = cut[`present.${l}.${kv}`] as ort.Tensor;
              const data = new Float32Array(prefixes.length * t.data.length);
              for (let b = 0; b < prefixes.length; b++) data.set(t.data as Float32Array, b * t.data.length);
              tiled[`past_key_values.${l}.${kv}`] = new ort.Tensor('float32', data, [prefixes.length, NKV, keep, HD]);
            }
          }
          const run = session.run({
            input_ids: i64(prefixes.map((n) => c.seqs[0].slice(n, n + 2))),
            attention_mask: i64(prefixes.map((n) => [...range(0, keep).map((j) => (j < n ? 1 : 0)), 1, 1])),
            position_ids: i64(prefixes.map((n) => [n, n + 1])), ...tiled,
          });
          if (v.attention === 'gqa') {
            // ORT's CPU GroupQueryAttention refuses several rows of several new tokens after a past
            // (onnxruntime-web's WebGPU kernel runs them: test/gpu/engine/llamaOnnxReference.test.ts)
            await expect(run).rejects.toThrow(/batch_size must be 1 when sequence_length > 1 and past context is given/);
          } else {
            const probe = await run;
            prefixes.forEach((n, b) => {
              for (let j = 0; j < 2; j++) check(logprob(probe.logits as ort.Tensor, b, j, c.seqs[0][n + j + 1]), ref[0][n + j], `(d) probe after ${n}, token ${j}`);
            });
          }
        }
        expect(worst).toBeGreaterThan(0); // float32 ORT vs torch: different arithmetic, same function
        console.log(`${c.name} ${c.dtype} ${v.attention}/${v.kernels}: max |ORT − torch| log-prob ${worst.toExponential(2)}`);
        await session.release();
      });
    }
  }
});
