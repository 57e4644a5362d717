// The verl export: parquet read back by an independent reader (parquet-wasm, Rust arrow-rs), the
// config's YAML scalars, the zip, the settings checks. The YAML's values are checked by OmegaConf in
// python/tests/test_verl_export.py against the committed fixture this file also guards.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { unzipSync } from 'fflate';
import { tableFromIPC } from 'apache-arrow';
import * as pw from 'parquet-wasm/esm';
import {
  buildVerlExport, clusterModelId, defaultVerlSettings, expectedGpus, paramsFromModelId, parseVerlSettings,
  trainingExportSettings, trainingPrompts, zipExport, batchExportSettings,
} from '../../../src/export/verl/index.ts';
import { yamlNumber, yamlString } from '../../../src/export/verl/yaml.ts';
import { reproBlock } from '../../../src/export/verl/overrides.ts';
import { DEFAULT_GRPO_CONFIG } from '../../../src/rl/config.ts';
import { DEFAULT_SETTINGS } from '../../../src/store/settings.ts';
import { VERL_FIXTURE_DIR, verlFixtureExport } from '../../../scripts/lib/verlFixture.ts';

const require = createRequire(import.meta.url);
pw.initSync({ module: readFileSync(require.resolve('parquet-wasm/esm/parquet_wasm_bg.wasm')) });

function readParquet(bytes: Uint8Array) {
  const table = tableFromIPC(pw.readParquet(bytes).intoIPCStream());
  const rows = table.toArray().map((r) => JSON.parse(JSON.stringify(r.toJSON(), (_k, v) => (typeof v === 'bigint' ? Number(v) : v))));
  return { schema: table.schema.fields.map((f) => `${f.name}: ${String(f.type)}`), rows };
}

const PROMPTS = [
  { id: 'a', question: 'What is 6 × 7? Show work.\n\n(unicode: é, 数学, 😀)', answer: '42' },
  { id: 'b', question: 'Solve x + 1 = 3.', answer: 'x = 2' },
];

describe('verl export', () => {
  it('writes verl\'s RL parquet schema, read back by an independent reader', () => {
    const files = buildVerlExport({ name: 'My Set!', source: 'test', train: PROMPTS, val: [], settings: defaultVerlSettings('Qwen/Qwen2.5-1.5B-Instruct'), createdAt: 'T' });
    const train = readParquet(files.find((f) => f.path === 'data/train.parquet')!.bytes);
    expect(train.schema).toEqual([
      'data_source: Utf8',
      'prompt: List<Struct<{content:Utf8, role:Utf8}>>',
      'ability: Utf8',
      'reward_model: Struct<{ground_truth:Utf8, style:Utf8}>',
      'extra_info: Struct<{answer:Utf8, id:Utf8, index:Int64, question:Utf8, split:Utf8}>',
    ]);
    expect(train.rows[0]).toEqual({
      data_source: 'repro-playground/my-set', prompt: [{ content: PROMPTS[0].question, role: 'user' }], ability: 'math',
      reward_model: { ground_truth: '42', style: 'rule' },
      extra_info: { answer: '42', id: 'a', index: 0, question: PROMPTS[0].question, split: 'train' },
    });
    expect(train.rows[1].extra_info.index).toBe(1);
    // An empty held-out set falls back to (a slice of) the training prompts, marked split "test".
    const val = readParquet(files.find((f) => f.path === 'data/val.parquet')!.bytes);
    expect(val.rows.map((r) => r.extra_info.split)).toEqual(['test', 'test']);
  });

  it('writes YAML floats PyYAML reads as floats and strings OmegaConf does not interpolate', () => {
    expect(yamlNumber(1e-6, true)).toBe('0.000001');
    expect(yamlNumber(3e-7, true)).toBe('3.0e-7');
    expect(yamlNumber(1, true)).toBe('1.0');
    expect(yamlNumber(8, false)).toBe('8');
    expect(yamlNumber(0.2, true)).toBe('0.2');
    expect(yamlNumber(1e21, true)).toBe('1.0e+21');
    expect(yamlString('a${b}\n"c"')).toBe('"a\\\\${b}\\n\\"c\\""');
    expect(() => yamlNumber(NaN, true)).toThrow(/NaN/);
  });

  it('writes repro: texts holding "${" as base64 (verl resolves its config more than once), in the block\'s order', () => {
    const r = { ...defaultVerlSettings('m').repro, probe: 'Answer ${x} é: ', cot_end: ['</think>', '${y}'] };
    const b = reproBlock(r);
    const dec = (s: string) => new TextDecoder().decode(Uint8Array.from(atob(s), (c) => c.charCodeAt(0)));
    expect(dec(b.probe_b64 as string)).toBe('Answer ${x} é: ');
    expect((b.cot_end_b64 as string[]).map(dec)).toEqual(['</think>', '${y}']);
    expect('probe' in b || 'cot_end' in b).toBe(false);
    expect(Object.keys(b).indexOf('probe_b64')).toBe(Object.keys(r).indexOf('probe'));
    // nothing to hide: unchanged
    expect(reproBlock(defaultVerlSettings('m').repro)).toEqual(defaultVerlSettings('m').repro);
    const yaml = buildVerlExport({ name: 'x', source: 't', train: PROMPTS, val: [], createdAt: 'T', settings: { ...defaultVerlSettings('m'), repro: r } })
      .find((f) => f.path === 'repro_verl.yaml')!;
    expect(new TextDecoder().decode(yaml.bytes)).not.toContain('${');
  });

  it('zips the folder with run.sh executable', () => {
    const files = buildVerlExport({ name: 'z', source: 'test', train: PROMPTS, val: PROMPTS, settings: defaultVerlSettings('m-7B'), createdAt: 'T' });
    const zip = zipExport('z', files);
    const back = unzipSync(zip);
    expect(Object.keys(back).sort()).toEqual(['z/README.md', 'z/data/train.parquet', 'z/data/val.parquet', 'z/repro_verl.yaml', 'z/run.sh', 'z/settings.json']);
    expect(new TextDecoder().decode(back['z/run.sh'])).toContain('python3 -m verl.trainer.main_ppo');
    // external attributes of run.sh: 0o755 in the high 16 bits (central directory)
    const text = Buffer.from(zip);
    const at = text.lastIndexOf('z/run.sh');
    const cd = text.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), at);
    expect((text.readUInt32LE(cd + 38) >>> 16) & 0o777).toBe(0o755);
  });

  it('rejects bad settings naming the field', () => {
    const s = defaultVerlSettings('m');
    expect(() => parseVerlSettings({ ...s, num_generations: 0 })).toThrow(/num_generations/);
    expect(() => parseVerlSettings({ ...s, repro: { ...s.repro, process_weight_w: 2 } })).toThrow(/repro\.process_weight_w/);
    expect(() => parseVerlSettings({ ...s, bogus: 1 })).toThrow(/bogus|Unrecognized/);
    expect(() => parseVerlSettings({ ...s, estimator: 'gae' })).toThrow(/repro\.estimator/);
    expect(() => buildVerlExport({ name: '!!!', source: 't', train: PROMPTS, val: [], settings: s })).toThrow(/no letters or digits/);
    expect(() => buildVerlExport({ name: 'x', source: 't', train: [], val: [], settings: s })).toThrow(/empty/);
  });

  it('maps model ids and sizes to the cluster', () => {
    expect(clusterModelId('onnx-community/Qwen3-0.6B-ONNX')).toBe('Qwen/Qwen3-0.6B');
    expect(clusterModelId('my/own-model')).toBe('my/own-model');
    expect(paramsFromModelId('Qwen/Qwen2.5-1.5B-Instruct')).toBe(1.5);
    expect(paramsFromModelId('deepseek-ai/DeepSeek-R1-Distill-Qwen-7B')).toBe(7);
    expect(paramsFromModelId('gpt2')).toBeNull();
    expect(expectedGpus(1.5).gpus).toBe(4);
    expect(expectedGpus(7).gpus).toBe(8);
    expect(expectedGpus(14).gpus).toBe(16);
  });

  it('carries the batch tab\'s RePro settings and a training run\'s GRPO config', () => {
    const b = batchExportSettings({ ...DEFAULT_SETTINGS, w: 0.25, topK: 3, delimiter: '\\n-{3,}\\n', delimiterIsRegex: true, probe: 'So: ' }, { id: 'onnx-community/Qwen3-0.6B-ONNX', defaultProbe: 'x', thinking: true });
    expect(b.repro).toMatchObject({ process_weight_w: 0.25, entropy_top_k: 3, segment_delimiter: '\\n-{3,}\\n', segment_delimiter_is_regex: true, probe: 'So: ', cot_end: ['</think>'] });
    expect(b.model).toBe('Qwen/Qwen3-0.6B');
    const c = { ...DEFAULT_GRPO_CONFIG, num_generations: 4, process_reward_coef: 0.3 };
    const t = trainingExportSettings(c, 20, 'Qwen/Qwen2.5-1.5B', 'reinforce_plus_plus');
    expect(t).toMatchObject({ num_generations: 4, total_steps: 20, estimator: 'reinforce_plus_plus', repro: { process_reward_coef: 0.3, estimator: 'reinforce_plus_plus', probe: 'Answer: ' } });
    const p = trainingPrompts(c, 2);
    expect(p.train).toHaveLength(2 * c.per_device_train_batch_size);
    expect(p.val).toHaveLength(c.eval_size);
    expect(p.train[0].question).toMatch(/^\d+\+\d+=\?$/);
  });

  it('carries a LoRA run\'s r, lora_alpha and target_modules to verl\'s actor_rollout_ref.model keys', () => {
    const lora = { r: 8, lora_alpha: 16, target_modules: ['q_proj', 'v_proj'] as const };
    const t = trainingExportSettings(DEFAULT_GRPO_CONFIG, 5, 'HuggingFaceTB/SmolLM2-135M-Instruct', 'grpo', lora);
    expect(parseVerlSettings(t).lora).toEqual({ lora_rank: 8, lora_alpha: 16, target_modules: ['q_proj', 'v_proj'] });
    const files = buildVerlExport({ name: 'l', source: 'test', train: PROMPTS, val: [], settings: t, createdAt: 'T' });
    const yaml = new TextDecoder().decode(files.find((f) => f.path === 'repro_verl.yaml')!.bytes);
    expect(yaml).toMatch(/model:\n\s+path: "HuggingFaceTB\/SmolLM2-135M-Instruct"\n(?:.*\n)*?\s+lora_rank: 8\n\s+lora_alpha: 16\.0\n\s+target_modules:\n\s+- "q_proj"\n\s+- "v_proj"\n/);
    expect(yaml).toContain('load_format: "safetensors"');
    // a full fine-tuning run writes no LoRA key
    const full = new TextDecoder().decode(buildVerlExport({ name: 'f', source: 'test', train: PROMPTS, val: [], settings: trainingExportSettings(DEFAULT_GRPO_CONFIG, 5, 'm/x'), createdAt: 'T' })
      .find((f) => f.path === 'repro_verl.yaml')!.bytes);
    expect(full).not.toMatch(/lora_rank|load_format/);
    expect(() => parseVerlSettings({ ...t, lora: { lora_rank: 0, lora_alpha: 16, target_modules: ['q_proj'] } })).toThrow(/lora\.lora_rank/);
  });

  it('matches the committed fixture python/tests read (run `npm run fixtures:python` after changing the export)', () => {
    for (const f of verlFixtureExport()) {
      if (f.path.endsWith('.parquet')) continue; // checked above by reading; bytes are not compared
      expect(new TextDecoder().decode(f.bytes), f.path).toBe(readFileSync(`${VERL_FIXTURE_DIR}/${f.path}`, 'utf8'));
    }
  });
});
