// The TypeScript-written tiny Llama-family folders (test/util/tinyLlama.ts) read by the torch
// reference (python/repro_rl/llama_ref): every tensor decodes in Python to exactly the float32
// values the TS meant (F32 as is, F16 / BF16 rounded to nearest even by src/numeric/halfFloat.ts),
// compared by SHA-256 of the little-endian float32 bytes; shards equal the single file; the
// reference runs each model (finite, non-uniform logits); a shape config.json disagrees with is refused.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { bf16ToFloat, floatToBf16, floatToHalf, halfToFloat } from '../../../src/numeric/halfFloat.ts';
import type { SafetensorsDtype } from '../../util/safetensorsFile.ts';
import { tinyLlama, type TinyLlamaName, type TinyLlamaSpec } from '../../util/tinyLlama.ts';

const NAMES: TinyLlamaName[] = ['llama-gqa', 'qwen2-bias-tied', 'qwen3-qknorm', 'llama3-rope'];
const DTYPES: SafetensorsDtype[] = ['F32', 'F16', 'BF16'];
const dir = mkdtempSync(join(tmpdir(), 'tiny-llama-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function rounded(x: Float32Array, dtype: SafetensorsDtype): Float32Array {
  if (dtype === 'F32') return x;
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = dtype === 'F16' ? halfToFloat(floatToHalf(x[i])) : bf16ToFloat(floatToBf16(x[i]));
  return out;
}

const sha = (x: Float32Array) => createHash('sha256').update(new Uint8Array(x.buffer, x.byteOffset, x.byteLength)).digest('hex');

// One Python process for every folder: {folder: {tensor: sha256 of float32 LE bytes, ...}, logits stats}.
const SCRIPT = `
import hashlib, json, sys
import numpy as np, torch
from repro_rl.llama_ref import LlamaRef, load_folder
out = {}
for d in json.loads(sys.argv[1]):
    try:
        cfg, raw, tensors, dtypes = load_folder(d)
    except Exception as e:
        out[d] = {"error": f"{type(e).__name__}: {e}"}
        continue
    logits = LlamaRef.from_folder(d).forward([1, 50, 100, 200, 7, 7, 33])
    out[d] = {
        "sha": {k: hashlib.sha256(v.astype("<f4").tobytes()).hexdigest() for k, v in tensors.items()},
        "dtypes": sorted(set(dtypes.values())),
        "std": float(logits.std()), "finite": bool(torch.isfinite(logits).all()),
        "argmaxes": len(set(logits.argmax(-1).tolist())),
    }
print(json.dumps(out))
`;

function write(spec: TinyLlamaSpec, sub: string): { path: string; model: ReturnType<typeof tinyLlama> } {
  const model = tinyLlama(spec);
  const path = join(dir, sub);
  for (const [p, b] of model.folder) {
    mkdirSync(dirname(join(path, p)), { recursive: true });
    writeFileSync(join(path, p), b);
  }
  return { path, model };
}

test('TS-written safetensors (F32 / F16 / BF16, one file and 3 shards) decode in the torch reference to the intended values, and it runs them', () => {
  const cases = NAMES.flatMap((name) => DTYPES.flatMap((dtype) => [1, 3].map((shards) => ({ spec: { name, dtype, shards, seed: 5 }, sub: `${name}-${dtype}-${shards}` }))));
  const written = cases.map((c) => ({ ...c, ...write(c.spec, c.sub) }));
  // A config.json that disagrees with the weights: the reference refuses it by name.
  const bad = write({ name: 'llama-gqa' }, 'bad');
  writeFileSync(join(bad.path, 'config.json'), JSON.stringify({ ...bad.model.config, intermediate_size: 70 }));
  const r = spawnSync(process.env.PYTHON ?? '/usr/bin/python3', ['-c', SCRIPT, JSON.stringify([...written.map((w) => w.path), bad.path])], {
    env: { ...process.env, PYTHONPATH: 'python' }, encoding: 'utf8', maxBuffer: 64 << 20,
  });
  expect(r.status, r.stderr).toBe(0);
  const got = JSON.parse(r.stdout) as Record<string, { sha: Record<string, string>; dtypes: string[]; std: number; finite: boolean; argmaxes: number; error?: string }>;
  for (const w of written) {
    const py = got[w.path];
    expect(py.error, w.sub).toBeUndefined();
    expect(py.dtypes).toEqual([w.spec.dtype]);
    const want = Object.fromEntries(w.model.weights.map((t) => [t.name, sha(rounded(t.data, w.spec.dtype))]));
    expect(py.sha, w.sub).toEqual(want);
    expect(py.finite).toBe(true);
    expect(py.std, `${w.sub}: logits spread`).toBeGreaterThan(1);
    expect(py.argmaxes, `${w.sub}: not one token everywhere`).toBeGreaterThan(1);
  }
  // Half rounding really happened (F16 ≠ F32 somewhere), and shards hold what the single file holds.
  const [f32, f16] = ['llama-gqa-F32-1', 'llama-gqa-F16-1'].map((s) => got[join(dir, s)].sha['model.layers.0.mlp.up_proj.weight']);
  expect(f16).not.toBe(f32);
  for (const w of written.filter((x) => x.spec.shards === 3)) expect(got[w.path].sha).toEqual(got[w.path.replace(/-3$/, '-1')].sha);
  expect(got[bad.path].error).toMatch(/mlp\.gate_proj\.weight" has shape \[72, 32\], config\.json implies \[70, 32\]/);
}, 120_000); // one Python process (torch import) on a shared CPU
