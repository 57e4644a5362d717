// LoRA runs through the training host on the bundled toy Llama (public/models/toy-llama-verbose/,
// the toy task's vocabulary: read with the toy format, no chat template in the way): a PPO run
// (adv_estimator "gae": LlamaLoraCritic on the same base) survives a destroyed GPU device — paused
// naming the loss, the base loaded again on the new device, rebuilt from the last checkpoint
// (adapters + AdamW moments of policy and critic), finished — and its stored checkpoint holds the
// critic's adapters + value head (one AdamW step per trainer step across the recovery). A tiny
// hub-style Llama with its own tokenizer is read with its chat format instead.
import { describe, expect, it } from 'vitest';
import { acquireGpu, type GpuContext } from '../../../src/gpu/device.ts';
import { loadEngineModel } from '../../../src/engine/lm/loadEngineModel.ts';
import { LORA_TARGETS } from '../../../src/engine/lora/loraConfig.ts';
import { loraLayout } from '../../../src/engine/lora/loraLayout.ts';
import { loraCriticParamCount } from '../../../src/engine/lora/loraCritic.ts';
import type { LlamaConfig } from '../../../src/engine/llamaConfig.ts';
import { decodeTrainerCheckpoint } from '../../../src/rl/checkpoint.ts';
import { presetConfig } from '../../../src/rl/config.ts';
import type { StepMetrics } from '../../../src/rl/metrics.ts';
import { TOY_FORMAT } from '../../../src/rl/task/toyFormat.ts';
import { formatOf, modelSourceOf } from '../../../src/worker/engineRun.ts';
import type { RunSpec, RunStatus, TrainingEvents } from '../../../src/worker/trainingApi.ts';
import { gpuTrainingDeps } from '../../../src/worker/trainingGpu.ts';
import { TrainingHost } from '../../../src/worker/trainingHost.ts';
import { deleteRun, loadRun } from '../../../src/worker/trainingStorage.ts';
import { folderFetcher } from '../../fixtures/onnx/modelFolder.ts';
import { tinyLlama } from '../../util/tinyLlama.ts';
import { gpu } from '../engine/helpers.ts';

const LORA = { r: 2, lora_alpha: 4, lora_dropout: 0, target_modules: [...LORA_TARGETS] };
const STEPS = 2; // one step before the device loss, one after: the recovery and the AdamW count across it

function recorder() {
  const r = { metrics: [] as StepMetrics[], statuses: [] as { status: RunStatus; message?: string }[], logs: [] as string[] };
  const events: TrainingEvents = {
    onMetrics: (_, m) => r.metrics.push(m), onEval: () => {}, onSamples: () => {},
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

describe('LoRA runs on the bundled toy Llama through the training host', () => {
  it('the model format: the toy format for the toy vocabulary, the chat format for a hub tokenizer', async () => {
    const ctx = await gpu();
    const toy = await loadEngineModel(ctx, modelSourceOf({ kind: 'bundled', name: 'toy-llama-verbose' }));
    const folder = tinyLlama({ name: 'llama-gqa', dtype: 'F16', seed: 1 }).folder;
    const hub = await loadEngineModel(ctx, { kind: 'fetch', id: 'tiny', fetchFile: folderFetcher(folder), files: [...folder.keys()] });
    try {
      expect(formatOf(toy)).toBe(TOY_FORMAT);
      const chat = formatOf(hub);
      expect(chat.kind).toBe('chat');
      expect(chat.promptText('What is 2 + 3?')).toContain('<|start_header_id|>');
    } finally {
      await toy.dispose();
      await hub.dispose();
    }
  });

  it('PPO with a LoRA critic recovers from a destroyed device and stores the critic', async () => {
    const runId = `lora-ppo-${Date.now()}`;
    const devices: GpuContext[] = [];
    const host = new TrainingHost(gpuTrainingDeps({ acquire: async () => { const c = await acquireGpu(); devices.push(c); return c; } }));
    const rec = recorder();
    host.subscribe(rec.events);
    const config = presetConfig('repro', {
      adv_estimator: 'gae', per_device_train_batch_size: 2, num_generations: 2, max_completion_length: 16, learning_rate: 1e-3,
      eval_every: 0, checkpoint_every: 1, seed: 4, process_reward_coef: 0.5,
    });
    const spec: RunSpec = {
      runId, label: runId, method: 'repro', config, steps: STEPS,
      model: { kind: 'engine', source: { kind: 'bundled', name: 'toy-llama-verbose' }, lora: LORA },
    };
    try {
      await host.start(spec);
      await rec.until('step 1', () => (rec.metrics.at(-1)?.step ?? 0) >= 1);
      devices[0].device.destroy();
      await rec.until('the run to finish', () => rec.last() === 'finished' || rec.last() === 'error');
      expect(rec.last(), JSON.stringify(rec.statuses) + rec.logs.join(' | ')).toBe('finished');
      expect(devices).toHaveLength(2);
      const paused = rec.statuses.find((s) => s.status === 'paused');
      expect(paused?.message).toMatch(/device lost/i);
      // at step 0 when the loss came while step 1's checkpoint was being read back (the run starts over)
      expect(rec.logs.some((l) => /rebuilt on a new device at step [0-2]/.test(l)), rec.logs.join('\n')).toBe(true);

      const stored = await loadRun(runId);
      expect(stored?.step).toBe(STEPS);
      const snap = decodeTrainerCheckpoint(stored!.checkpoint);
      const mc = snap.state.modelConfig as unknown as LlamaConfig;
      const layout = loraLayout(mc, LORA);
      expect(snap.params.length).toBe(layout.total);
      expect(snap.critic!.params.length).toBe(loraCriticParamCount(layout, mc));
      expect(snap.critic!.t).toBe(STEPS);
      expect(snap.state.optimizerT).toBe(STEPS);
      expect(stored!.history.map((m) => m.step)).toEqual([1, 2]);
      for (const m of stored!.history) {
        expect(Number.isFinite(m.loss) && Number.isFinite(m.valueLoss!), JSON.stringify(m)).toBe(true);
        expect(m.skipped).toBe(false);
      }
      console.log(`LoRA PPO on the toy Llama: rewards ${stored!.history.map((m) => m.reward.toFixed(2)).join(', ')}, value losses ${stored!.history.map((m) => m.valueLoss!.toExponential(2)).join(', ')}`);
    } finally {
      await host.deleteSaved(runId).catch(() => deleteRun(runId));
    }
  });
});
