// A LoRA GRPO + RePro run through the training worker's host (issue #22 §6, CI): a tiny random
// Llama (BF16, llama-3 tokenizer and chat template) served as a hub repo, the toy task read through
// its chat format. Two steps complete with finite losses; the checkpoint in IndexedDB holds the
// adapters + AdamW moments only, and they moved from PEFT's init (B = 0); the base the host loaded
// is the repo's (the policy's reference forward = the float64 CPU forward of the repo's weights);
// paused after step 2, a fresh host (new device, base reloaded) resumes the stored run and its
// step 3 equals the original host's step 3 bit for bit. The run's PEFT export and merged folder are
// written to python/tests/fixtures/peft/lora-run-llama-gqa-bf16/, which python/tests/
// test_peft_export.py reads with torch (keys and shapes as PEFT names them, merged = base + s·B·A,
// merged logits = base with the adapter). A run over its memory budget is refused before Start
// with the pre-flight's reason.
import { commands } from 'vitest/browser';
import { afterAll, describe, expect, it } from 'vitest';
import { cpuForwardLogits } from '../../../src/engine/cpu/forward.ts';
import { LORA_TARGETS } from '../../../src/engine/lora/loraConfig.ts';
import { initLoraParams, loraLayout } from '../../../src/engine/lora/loraLayout.ts';
import type { LlamaLoraModel } from '../../../src/engine/lora/loraModel.ts';
import type { LlamaConfig } from '../../../src/engine/llamaConfig.ts';
import { decodeTrainerCheckpoint } from '../../../src/rl/checkpoint.ts';
import { presetConfig } from '../../../src/rl/config.ts';
import type { StepMetrics } from '../../../src/rl/metrics.ts';
import { toyTaskSettings } from '../../../src/rl/task/settings.ts';
import { mergedFolderOf, peftFilesOf } from '../../../src/worker/runExport.ts';
import type { RunSpec, RunStatus, TrainingEvents } from '../../../src/worker/trainingApi.ts';
import { gpuTrainingDeps } from '../../../src/worker/trainingGpu.ts';
import { TrainingHost } from '../../../src/worker/trainingHost.ts';
import { deleteRun, loadRun } from '../../../src/worker/trainingStorage.ts';
import { fakeHub } from '../../fixtures/onnx/fakeHub.ts';
import { tinyLlama } from '../../util/tinyLlama.ts';
import { engineViewOf } from '../../util/tinyLlamaLora.ts';

const REPO = 'test/tiny-llama-bf16';
const MODEL = tinyLlama({ name: 'llama-gqa', dtype: 'BF16', seed: 3 });
const HUB = fakeHub({ [REPO]: { folder: MODEL.folder } });
const LORA = { r: 4, lora_alpha: 8, lora_dropout: 0, target_modules: [...LORA_TARGETS] };
const OUT = 'python/tests/fixtures/peft/lora-run-llama-gqa-bf16';
const cleanup: string[] = [];
afterAll(async () => {
  for (const id of cleanup) await deleteRun(id).catch(() => {});
});

function spec(runId: string, over: Partial<RunSpec> = {}): RunSpec {
  const config = presetConfig('repro', {
    per_device_train_batch_size: 2, num_generations: 4, max_completion_length: 12, learning_rate: 2e-2, temperature: 1,
    eval_every: 0, checkpoint_every: 0, seed: 3, segment_delimiter: ' ', process_reward_coef: 0.5,
  });
  return {
    runId, label: runId, method: 'repro', config, steps: 3, task: toyTaskSettings({ min_digits: 1, max_digits: 1 }),
    model: { kind: 'engine', source: { kind: 'hub', id: REPO }, lora: LORA }, ...over,
  };
}

function host(onModel?: (m: LlamaLoraModel) => void): TrainingHost {
  return new TrainingHost(gpuTrainingDeps({
    sourceOptions: { fetchImpl: HUB.fetchImpl, useCache: false },
    wrapModel: (m) => { onModel?.(m as LlamaLoraModel); return m; },
  }));
}

function recorder(onMetrics?: (m: StepMetrics) => void) {
  const r = { metrics: [] as StepMetrics[], statuses: [] as { status: RunStatus; message?: string }[], logs: [] as string[] };
  const events: TrainingEvents = {
    onMetrics: (_, m) => { r.metrics.push(m); onMetrics?.(m); },
    onEval: () => {}, onSamples: () => {},
    onLog: (_, l) => r.logs.push(l),
    onStatus: (_, status, message) => r.statuses.push({ status, message }),
  };
  const until = async (what: string, ok: () => boolean) => {
    const t0 = Date.now();
    while (!ok()) {
      if (Date.now() - t0 > 150_000) throw new Error(`timed out waiting for ${what}; statuses ${JSON.stringify(r.statuses)}; logs ${r.logs.join(' | ')}`);
      await new Promise((res) => setTimeout(res, 50));
    }
  };
  return { ...r, events, until, last: () => r.statuses.at(-1)?.status };
}

function base64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** log-softmax at the targets of the float64 CPU forward of the repo's weights (no adapters), [B·T]. */
function cpuBaseLogProbs(inputs: Int32Array, targets: Int32Array, B: number, T: number): Float64Array {
  const { config, cpu } = engineViewOf(MODEL.folder);
  const V = config.vocabSize;
  const out = new Float64Array(B * T);
  for (let b = 0; b < B; b++) {
    const logits = cpuForwardLogits(config, cpu, Array.from(inputs.subarray(b * T, (b + 1) * T)), null);
    for (let t = 0; t < T; t++) {
      const tgt = targets[b * T + t];
      if (tgt < 0) continue;
      const row = logits.subarray(t * V, (t + 1) * V);
      const mx = Math.max(...row);
      out[b * T + t] = row[tgt] - mx - Math.log(row.reduce((s, x) => s + Math.exp(x - mx), 0));
    }
  }
  return out;
}

describe('a LoRA run on an engine Llama through the training host', () => {
  it('2 steps train the adapters on the hub base; a fresh host resumes the stored run and repeats step 3; the PEFT export goes to the python check', async () => {
    const runId = `lora-run-${Date.now()}`;
    cleanup.push(runId);
    let policy: LlamaLoraModel | null = null;
    const h1 = host((m) => { policy = m; });
    // pause as step 2 is reported: the loop then starts no step 3
    const rec1 = recorder((m) => { if (m.step === 2) void h1.pause(runId); });
    h1.subscribe(rec1.events);
    await h1.start(spec(runId));
    await rec1.until('paused after step 2', () => rec1.last() === 'paused');
    expect(rec1.metrics.map((m) => m.step)).toEqual([1, 2]);
    for (const m of rec1.metrics) {
      expect(Number.isFinite(m.loss), `step ${m.step} loss ${m.loss}`).toBe(true);
      expect(m.skipped).toBe(false);
      expect(m.processReward, 'RePro scored segments').not.toBeNull();
    }

    // the stored checkpoint: adapters + AdamW moments only, moved from PEFT's init
    const stored = await loadRun(runId);
    expect(stored?.step).toBe(2);
    const snap = decodeTrainerCheckpoint(stored!.checkpoint);
    const config = snap.state.modelConfig as unknown as LlamaConfig;
    expect(config.arch).toBe('llama');
    const layout = loraLayout(config, LORA);
    expect(snap.params.length).toBe(layout.total);
    expect(snap.m.length).toBe(layout.total);
    expect(snap.refParams, 'π_ref is the base: no reference copy').toBeNull();
    expect(snap.state.optimizerT).toBe(2);
    const init = initLoraParams(layout, 3);
    let moved = 0;
    for (let i = 0; i < init.length; i++) if (snap.params[i] !== init[i]) moved++;
    console.log(`adapter elements moved after 2 steps: ${moved} / ${init.length}; losses ${rec1.metrics.map((m) => m.loss.toExponential(3)).join(', ')}`);
    expect(moved / init.length).toBeGreaterThan(0.5);

    // the base the host runs on is the repo's, unchanged by training: π_ref = CPU float64 forward of its files
    const B = 2, T = 10;
    const inputs = Int32Array.from({ length: B * T }, (_, i) => (i * 37 + 5) % config.vocabSize);
    const targets = Int32Array.from({ length: B * T }, (_, i) => (i * 11 + 3) % config.vocabSize);
    const ref = await policy!.referenceForward(inputs, targets, B, T);
    const want = cpuBaseLogProbs(inputs, targets, B, T);
    const refErr = Math.max(...Array.from(ref.logProbs, (x, i) => Math.abs(x - want[i])));
    console.log(`π_ref (host's base after 2 steps) vs CPU float64 of the repo's weights: max |Δ log p| ${refErr.toExponential(2)}`);
    expect(refErr).toBeLessThan(1e-4);

    // a fresh host (its own device, the base loaded again) resumes the stored run: step 3
    const h2 = host();
    const rec2 = recorder();
    h2.subscribe(rec2.events);
    const saved = (await h2.listSaved()).find((s) => s.spec.runId === runId);
    expect(saved?.step).toBe(2);
    expect(saved?.spec.model).toMatchObject(spec(runId).model!);
    await h2.resumeSaved(runId);
    await rec2.until('step 3 on the fresh host', () => rec2.last() === 'finished');
    expect(rec2.metrics.map((m) => m.step)).toEqual([1, 2, 3]);
    expect(rec2.metrics.slice(0, 2)).toEqual(rec1.metrics); // the history travels with the checkpoint

    // the original host continues too: the same step 3, bit for bit
    await h1.resume(runId);
    await rec1.until('step 3 on the original host', () => rec1.last() === 'finished');
    const [a, b] = [rec1.metrics.at(-1)!, rec2.metrics.at(-1)!];
    expect(b.step).toBe(3);
    expect(b.loss).toBe(a.loss);
    expect(b.gradNorm).toBe(a.gradNorm);
    expect(b.reward).toBe(a.reward);
    const c1 = await h1.currentCheckpoint(runId), c2 = await h2.currentCheckpoint(runId);
    expect(Array.from(c2.params)).toEqual(Array.from(c1.params));

    // PEFT export + merged folder of the resumed run, for python/tests/test_peft_export.py
    const peft = await peftFilesOf(c2.spec, c2.config, c2.params);
    const adapterConfig = JSON.parse(new TextDecoder().decode(peft['adapter_config.json'])) as Record<string, unknown>;
    expect(adapterConfig).toMatchObject({ r: 4, lora_alpha: 8, base_model_name_or_path: REPO, peft_type: 'LORA' });
    expect([...(adapterConfig.target_modules as string[])].sort()).toEqual([...LORA_TARGETS].sort());
    const merged = await mergedFolderOf(c2.spec, c2.config, c2.params, { fetchImpl: HUB.fetchImpl, useCache: false });
    expect(merged.leftOut).toEqual([]);
    expect(Object.keys(merged.files)).toContain('model.safetensors');
    const write = (path: string, bytes: Uint8Array) => commands.writeFile(`${OUT}/${path}`, base64(bytes), 'base64');
    for (const [p, bytes] of MODEL.folder) if (p === 'config.json' || p.endsWith('.safetensors')) await write(`base/${p}`, bytes);
    for (const [p, bytes] of Object.entries(peft)) await write(`adapter/${p}`, bytes);
    for (const [p, bytes] of Object.entries(merged.files)) if (p === 'config.json' || p.endsWith('.safetensors')) await write(`merged/${p}`, bytes);
  });

  it('a run over its memory budget is refused before Start with the pre-flight\'s reason and what to lower', async () => {
    const runId = `lora-run-budget-${Date.now()}`;
    cleanup.push(runId);
    const h = host();
    const rec = recorder();
    h.subscribe(rec.events);
    const over = spec(runId);
    over.model = { kind: 'engine', source: { kind: 'hub', id: REPO }, lora: LORA, budgetBytes: 4 * 2 ** 20 };
    await expect(h.start(over)).rejects.toThrow(/does not fit on the GPU\. The run needs .* more than the 4\.0 MiB budget; the largest parts: .*Lower one of: .*rows per sampling \/ probe chunk/);
    expect(await loadRun(runId)).toBeUndefined();
    expect(rec.metrics).toEqual([]);
  });
});
