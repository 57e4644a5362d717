// The training worker's run manager on the real WebGPU engine and real IndexedDB (in Chromium):
// a device destroyed mid-run is recovered (pause → new device → last checkpoint → resume) redoing
// at most the steps since that checkpoint (checkpoint_every 3) with the metrics history intact; a
// NaN injected through the engine API makes that one update rejected (weights untouched) and the
// run goes on; a run whose KL needs π_ref trains against a frozen reference model, not a weight swap.
import { afterAll, describe, expect, it } from 'vitest';
import { acquireGpu, type GpuContext } from '../../../src/gpu/device.ts';
import { initParams } from '../../../src/engine/init.ts';
import type { ModelConfig } from '../../../src/engine/config.ts';
import { presetConfig } from '../../../src/rl/config.ts';
import type { StepMetrics } from '../../../src/rl/metrics.ts';
import { decodeTrainerCheckpoint } from '../../../src/rl/checkpoint.ts';
import { TrainingHost } from '../../../src/worker/trainingHost.ts';
import { gpuTrainingDeps, type GpuTrainingOptions } from '../../../src/worker/trainingGpu.ts';
import type { RunSpec, RunStatus, TrainingEvents } from '../../../src/worker/trainingApi.ts';
import { deleteRun, loadRun } from '../../../src/worker/trainingStorage.ts';
import { FaultyModel } from './faultyModel.ts';
import { toyTaskSettings } from '../../../src/rl/task/settings.ts';

const CONFIG: ModelConfig = { vocabSize: 50, blockSize: 40, nLayer: 1, nHead: 2, nEmbd: 16 };
const STEPS = 7;

function spec(runId: string): RunSpec {
  const config = presetConfig('repro', {
    per_device_train_batch_size: 2, num_generations: 4, max_completion_length: 20,
    learning_rate: 1e-3, eval_every: 0, checkpoint_every: 3, seed: 11,
  });
  return { runId, label: runId, method: 'repro', config, steps: STEPS, task: toyTaskSettings({ min_digits: 1, max_digits: 1 }) };
}

/** Everything the host reports, with a poll-until helper. */
function recorder() {
  const r = {
    metrics: [] as StepMetrics[],
    statuses: [] as { status: RunStatus; message?: string; afterStep: number }[],
    logs: [] as string[],
  };
  const events: TrainingEvents = {
    onMetrics: (_, m) => r.metrics.push(m),
    onEval: () => {},
    onSamples: () => {},
    onLog: (_, l) => r.logs.push(l),
    onStatus: (_, status, message) => r.statuses.push({ status, message, afterStep: r.metrics.at(-1)?.step ?? 0 }),
  };
  const until = async (what: string, ok: () => boolean, ms = 150_000) => {
    const t0 = Date.now();
    while (!ok()) {
      if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}; statuses ${JSON.stringify(r.statuses)}; logs ${r.logs.join(' | ')}`);
      await new Promise((res) => setTimeout(res, 50));
    }
  };
  const last = () => r.statuses.at(-1)?.status;
  return { ...r, events, until, last };
}

const hosts: { host: TrainingHost; runId: string }[] = [];
afterAll(async () => {
  for (const { host, runId } of hosts) await host.deleteSaved(runId).catch(() => deleteRun(runId));
});

function makeHost(opts: Partial<GpuTrainingOptions>, runId: string): TrainingHost {
  const host = new TrainingHost(gpuTrainingDeps({
    initialWeights: async () => ({ config: CONFIG, params: initParams(CONFIG, 7) }),
    ...opts,
  }));
  hosts.push({ host, runId });
  return host;
}

describe('TrainingHost on GpuModel', () => {
  it('recovers from a destroyed GPUDevice: pause, new device, last checkpoint, resume; at most checkpoint_every steps redone', async () => {
    const runId = `device-loss-${Date.now()}`;
    const devices: GpuContext[] = [];
    const host = makeHost({ acquire: async () => { const c = await acquireGpu(); devices.push(c); return c; } }, runId);
    const rec = recorder();
    host.subscribe(rec.events);
    await host.start(spec(runId));
    await rec.until('step 3', () => (rec.metrics.at(-1)?.step ?? 0) >= 3);
    const seenBeforeLoss = rec.metrics.slice();
    devices[0].device.destroy(); // the simulated loss, mid-run
    await rec.until('the run to finish', () => rec.last() === 'finished' || rec.last() === 'error');

    const lastSeen = seenBeforeLoss.at(-1)!.step;
    expect(rec.last(), JSON.stringify(rec.statuses)).toBe('finished');
    expect(devices).toHaveLength(2);
    expect(devices[0].isLost()).toBe(true);
    // pause (naming the loss) → running again → finished
    const pausedAt = rec.statuses.findIndex((s) => s.status === 'paused');
    expect(pausedAt).toBeGreaterThan(0);
    expect(rec.statuses[pausedAt].message).toMatch(/device lost/i);
    expect(rec.statuses.slice(pausedAt + 1).map((s) => s.status)).toEqual(['running', 'finished']);
    // restored from the last checkpoint (every 3 steps, and after step 1): at most 3 steps are
    // redone; a checkpoint of the step in flight may already have been taken
    const rebuilt = rec.logs.map((l) => /rebuilt on a new device at step (\d+)/.exec(l)).find((m) => m !== null);
    expect(rebuilt, rec.logs.join('\n')).toBeDefined();
    const resumedAt = Number(rebuilt![1]);
    console.log(`device destroyed after step ${lastSeen} was reported; resumed from the checkpoint of step ${resumedAt}`);
    expect(resumedAt === 1 || resumedAt % 3 === 0).toBe(true);
    expect(resumedAt).toBeGreaterThanOrEqual(lastSeen - 3);
    expect(resumedAt).toBeLessThanOrEqual(lastSeen + 1);

    // history intact: the saved run holds steps 1 … STEPS once each, and the steps before the loss
    // are exactly the metrics reported before it
    const stored = await loadRun(runId);
    expect(stored?.step).toBe(STEPS);
    expect(stored!.history.map((m) => m.step)).toEqual(Array.from({ length: STEPS }, (_, i) => i + 1));
    for (const m of seenBeforeLoss.filter((x) => x.step <= resumedAt)) {
      expect({ ...stored!.history[m.step - 1], timings: null }).toEqual({ ...m, timings: null });
    }
    const snap = decodeTrainerCheckpoint(stored!.checkpoint);
    expect(snap.state.step).toBe(STEPS);
    expect(snap.state.optimizerT).toBe(STEPS);
    for (const m of stored!.history) {
      expect(m.skipped).toBe(false);
      expect(Number.isFinite(m.loss)).toBe(true);
    }
  });

  it('a PPO run (adv_estimator gae) builds its critic on the device, recovers from a device loss with the critic, and saves it', async () => {
    const runId = `ppo-${Date.now()}`;
    const devices: GpuContext[] = [];
    const host = makeHost({ acquire: async () => { const c = await acquireGpu(); devices.push(c); return c; } }, runId);
    const rec = recorder();
    host.subscribe(rec.events);
    const s = spec(runId);
    await host.start({ ...s, config: { ...s.config, adv_estimator: 'gae' } });
    await rec.until('step 2', () => (rec.metrics.at(-1)?.step ?? 0) >= 2);
    devices[0].device.destroy();
    await rec.until('the run to finish', () => rec.last() === 'finished' || rec.last() === 'error');
    expect(rec.last(), JSON.stringify(rec.statuses) + rec.logs.join(' | ')).toBe('finished');
    expect(devices).toHaveLength(2);
    const stored = await loadRun(runId);
    const snap = decodeTrainerCheckpoint(stored!.checkpoint);
    expect(snap.state.config.adv_estimator).toBe('gae');
    // the critic took one AdamW step per trainer step (num_iterations 1), across the recovery
    expect(snap.critic!.t).toBe(STEPS);
    for (const m of stored!.history) {
      expect(Number.isFinite(m.valueLoss!) && Number.isFinite(m.explainedVariance!)).toBe(true);
      expect(m.timings.critic).toBeGreaterThan(0);
    }
  });

  it('a NaN gradient or a NaN loss injected through the engine API rejects that update; the run goes on', async () => {
    const runId = `nan-injection-${Date.now()}`;
    const faulty: FaultyModel[] = [];
    const host = makeHost({
      wrapModel: (m) => {
        const f = new FaultyModel(m, { nanGradientAt: [2], nanLogProbAt: [4] });
        faulty.push(f);
        return f;
      },
    }, runId);
    const rec = recorder();
    host.subscribe(rec.events);
    await host.start(spec(runId));
    await rec.until('the run to finish', () => rec.last() === 'finished' || rec.last() === 'error');
    expect(rec.last(), JSON.stringify(rec.statuses)).toBe('finished');
    expect(faulty).toHaveLength(1);

    const byStep = rec.metrics.map((m) => ({ step: m.step, skipped: m.skipped, loss: m.loss, gradNorm: m.gradNorm }));
    expect(byStep.map((m) => m.step)).toEqual(Array.from({ length: STEPS }, (_, i) => i + 1));
    // step 2: gradients poisoned → the optimizer rejected the step without touching weights or t
    expect(byStep[1].skipped).toBe(true);
    expect(Number.isFinite(byStep[1].gradNorm)).toBe(false);
    expect(faulty[0].rejected).toHaveLength(1);
    expect(faulty[0].rejected[0]).toMatchObject({ call: 2, weightsUnchanged: true, optimizerStepUnchanged: true });
    expect(faulty[0].rejected[0].result.skipped).toBe(true);
    // step 4: the 4th forward returned a NaN log-prob → loss NaN: no backward, no optimizer step
    expect(byStep[3].skipped).toBe(true);
    expect(Number.isNaN(byStep[3].loss)).toBe(true);
    // every other step updated normally
    for (const m of byStep.filter((x) => x.step !== 2 && x.step !== 4)) {
      expect(m.skipped, `step ${m.step}`).toBe(false);
      expect(Number.isFinite(m.loss)).toBe(true);
    }
    expect(rec.logs.some((l) => /step rejected/.test(l))).toBe(true);
    expect(rec.logs.some((l) => /loss is NaN; update rejected/.test(l))).toBe(true);
    // 7 steps, 2 rejected: the optimizer advanced 5 times
    const stored = await loadRun(runId);
    expect(decodeTrainerCheckpoint(stored!.checkpoint).state.optimizerT).toBe(STEPS - 2);
  });

  it('a run whose KL needs π_ref gets a frozen reference model: its checkpoints hold no reference weights, and it resumes', async () => {
    const runId = `reference-${Date.now()}`;
    const host = makeHost({}, runId);
    const rec = recorder();
    host.subscribe(rec.events);
    const s = spec(runId);
    await host.start({ ...s, steps: 3, config: { ...s.config, beta: 0.05, checkpoint_every: 2 } });
    await rec.until('step 2 saved', () => rec.metrics.some((m) => m.step === 2));
    await host.pause(runId);
    const paused = await loadRun(runId);
    const snap = decodeTrainerCheckpoint(paused!.checkpoint);
    expect(snap.refParams).toBeNull();
    expect(snap.state.config.beta).toBe(0.05);
    // a reload: another host resumes it from storage, its reference rebuilt from the starting weights
    const again = makeHost({}, runId);
    const rec2 = recorder();
    again.subscribe(rec2.events);
    await again.resumeSaved(runId);
    await rec2.until('the run to finish', () => rec2.last() === 'finished' || rec2.last() === 'error');
    expect(rec2.last(), rec2.logs.join(' | ')).toBe('finished');
    const done = await loadRun(runId);
    expect(done!.history.map((m) => m.step)).toEqual([1, 2, 3]);
    for (const m of done!.history) expect(m.kl >= 0 && Number.isFinite(m.kl)).toBe(true);
    expect(done!.history.at(-1)!.kl).toBeGreaterThan(0);
  });
});
