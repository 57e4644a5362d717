// The trainer serves any task on any model: a prompt set on a model with its own byte-level BPE
// tokenizer and ChatML template (test/util/tinyTokenizer.ts; the float64 CpuModel sized to that
// vocabulary, its sampler scripted to write chat-style answers). What the trainer sends the model
// (prompt ids from the chat template, the EOS stop id, J probes of the chat probe and the answer's
// own tokens) and what it computes from the replies (rewards = the batch screen's answer match) are
// checked against independent readings; GRPO, PPO and REINFORCE++ step, evaluate on the held-out
// split, and a checkpoint of a prompt-set run resumes bit-exactly, stream position included; a model
// of which only some tensors train (test/util/partTrainable.ts, shaped like a LoRA model) trains,
// checkpoints only what it trains (flat format) and resumes bit-exactly.
import { describe, expect, it } from 'vitest';
import { CpuModel } from '../../../src/engine/cpu/cpuModel.ts';
import { CpuCritic } from '../../../src/engine/cpu/critic.ts';
import { initCriticParams } from '../../../src/engine/critic.ts';
import type { ModelConfig } from '../../../src/engine/config.ts';
import { initParams } from '../../../src/engine/init.ts';
import { paramLayout } from '../../../src/engine/config.ts';
import type { ProbeRequest, SampleOutput, SamplingOptions } from '../../../src/engine/types.ts';
import { HfTokenizer, PLAIN_PROBE } from '../../../src/llm/hub/hfTokenizer.ts';
import { answersMatch } from '../../../src/analysis/responseSplit.ts';
import { decodeTrainerCheckpoint, encodeTrainerCheckpoint } from '../../../src/rl/checkpoint.ts';
import { flatCheckpointHeader } from '../../../src/rl/flatCheckpoint.ts';
import { presetConfig, type GrpoConfig } from '../../../src/rl/config.ts';
import type { RolloutSample } from '../../../src/rl/metrics.ts';
import { GrpoTrainer } from '../../../src/rl/trainer.ts';
import { chatFormat } from '../../../src/rl/task/chatFormat.ts';
import { taskEnv } from '../../../src/rl/task/env.ts';
import { PromptSetTask } from '../../../src/rl/task/promptSetTask.ts';
import type { TaskItem } from '../../../src/rl/task/types.ts';
import { Rng } from '../../../src/sampling/rng.ts';
import { tinyTokenizer } from '../../util/tinyTokenizer.ts';
import { PartTrainableModel } from '../../util/partTrainable.ts';

const t = tinyTokenizer('chatml');
const json = (b: Uint8Array | undefined) => JSON.parse(new TextDecoder().decode(b)) as Record<string, unknown>;
const tok = new HfTokenizer(json(t.files.get('tokenizer.json')), json(t.files.get('tokenizer_config.json')));
const EOS = t.eosId;
const format = chatFormat({ tokenizer: tok, formatPrompt: (q) => tok.formatPrompt(q), stopIds: [EOS], probe: tok.defaultProbe, thinking: tok.thinking });
const CONFIG: ModelConfig = { vocabSize: t.size, blockSize: 128, nLayer: 1, nHead: 2, nEmbd: 8 };
const ITEMS: TaskItem[] = Array.from({ length: 20 }, (_, i) => ({ id: `p${i}`, question: `What is ${i} + ${(7 * i) % 10}?`, answer: String(i + ((7 * i) % 10)) }));

/** The exact CpuModel, its sampler replaced by chat-style answers, right half the time; records what it was sent. */
class ScriptedChatPolicy extends CpuModel {
  readonly sent: { prompts: number[][]; opts: SamplingOptions }[] = [];
  readonly probes: ProbeRequest[][] = [];
  constructor(seed: number) {
    super(CONFIG, initParams(CONFIG, seed));
  }

  override async sample(prompts: number[][], opts: SamplingOptions): Promise<SampleOutput> {
    this.sent.push({ prompts: prompts.map((p) => p.slice()), opts });
    const rng = new Rng(opts.seed);
    const tokens = prompts.map((p) => {
      const [, a, b] = /What is (\d+) \+ (\d+)\?/.exec(tok.decode(p))!;
      const sum = Number(a) + Number(b);
      const wait = rng.uniform() < 0.5 ? `Wait, ${a} + ${b} = ${sum}.\n\n` : '';
      const answer = rng.uniform() < 0.5 ? sum : sum + 1;
      const ids = tok.encode(`We add ${a} and ${b}.\n\n${wait}So ${a} + ${b} = ${sum}.${PLAIN_PROBE}${answer}`, { addSpecialTokens: false });
      return ids.concat(EOS).slice(0, Math.min(opts.maxNewTokens, CONFIG.blockSize + 1 - p.length));
    });
    return { tokens, entropy: tokens.map((ids) => ids.map(() => 3 * rng.uniform())) };
  }

  override probeLogProbs(requests: ProbeRequest[]): Promise<number[][][]> {
    this.probes.push(requests);
    return super.probeLogProbs(requests);
  }
}

const task = () => new PromptSetTask(ITEMS, { name: 'sums.jsonl', heldout: 'random', heldoutSize: 4, splitSeed: 2 });
const cfg = (over: Partial<GrpoConfig> = {}) => presetConfig('repro', {
  num_generations: 4, per_device_train_batch_size: 2, max_completion_length: 60, learning_rate: 1e-2,
  eval_every: 2, eval_size: 4, seed: 3, process_reward_coef: 0.5, ...over,
});

describe('the trainer on a prompt set, a chat-templated BPE model', () => {
  it('sends chat-template prompts with the EOS stop id, rewards by the answer match, probes with the chat probe', async () => {
    const policy = new ScriptedChatPolicy(1);
    const set = task();
    const env = taskEnv(set, format);
    const samples: RolloutSample[][] = [];
    const trainer = await GrpoTrainer.create(policy, cfg(), { onSamples: (s) => samples.push(s) }, null, { env });
    const prep = await trainer.prepareStep();
    const sent = policy.sent[0];
    expect(sent.opts.stopIds).toEqual([EOS]);
    // prompts: the chat template of a training item, G times each
    for (const [i, r] of prep.rollouts.entries()) {
      expect(sent.prompts[i]).toEqual(tok.encode(`<|im_start|>user\n${r.problem.question}<|im_end|>\n<|im_start|>assistant\n`, { addSpecialTokens: false }));
      expect(set.train).toContain(r.problem);
      // the reward: the text after "The final answer is", matched as the batch screen matches
      const said = /The final answer is (\d+)<\|im_end\|>$/.exec(tok.decode(r.completion))![1];
      expect(r.reward).toBe(answersMatch(said, r.problem.answer) ? 1 : 0);
      expect(r.cot.startsWith('We add')).toBe(true);
      expect(r.cot.includes('The final answer')).toBe(false);
    }
    expect(new Set(prep.rollouts.map((r) => r.reward)).size).toBe(2);
    // RePro: one batched probe call; every request appends the chat probe and the answer's tokens
    expect(policy.probes).toHaveLength(1);
    for (const [i, req] of policy.probes[0].entries()) {
      const r = prep.rollouts[i];
      expect(tok.decode(req.continuation)).toBe(PLAIN_PROBE + r.problem.answer);
      expect(req.continuation.slice(req.scoreFrom)).toEqual(r.answerIds);
      expect(tok.decode(r.answerIds)).toBe(r.problem.answer);
    }
    expect(prep.scores!.some((s) => s.rewards.length >= 2)).toBe(true);
    const before = await policy.getParams();
    await trainer.trainStep();
    await trainer.trainStep();
    expect(Array.from(await policy.getParams())).not.toEqual(Array.from(before));
    // evaluation after step 2 on the held-out items, greedy, prompted the same way
    expect(trainer.evalHistory).toHaveLength(1);
    expect(trainer.evalHistory[0].n).toBe(4);
    const evalPrompts = policy.sent.at(-1)!.prompts.map((p) => tok.decode(p));
    expect(evalPrompts).toEqual(env.task.heldOut(4).map((it) => format.promptText(it.question)));
    expect(policy.sent.at(-1)!.opts.temperature).toBe(0);
    expect(samples[0].every((x) => set.train.some((it) => it.question === x.question))).toBe(true);
  }, 120_000);

  it('a prompt-set run\'s checkpoint resumes bit-exactly (the stream position included); without the set it is refused', async () => {
    const a = await GrpoTrainer.create(new ScriptedChatPolicy(1), cfg({ eval_every: 0, per_device_train_batch_size: 3 }), {}, null, { env: taskEnv(task(), format) });
    for (let s = 0; s < 7; s++) await a.trainStep(); // 21 draws: into the second epoch of 16 items
    const bytes = encodeTrainerCheckpoint(await a.snapshot());
    expect(flatCheckpointHeader(bytes)).toBeNull(); // the toy's full weights keep their per-tensor format
    const snap = decodeTrainerCheckpoint(bytes);
    // CpuModel keeps float64 state; a float32 engine (GpuModel) holds exactly what the file holds.
    await a.engine.setParams(await a.engine.getParams());
    await a.engine.setOptimizerState(await a.engine.getOptimizerState());
    expect(snap.state.taskRngState).toEqual({ epoch: 1, index: 5 });
    expect(snap.state.task).toEqual(task().settings);
    await expect(GrpoTrainer.restore(new ScriptedChatPolicy(9), snap)).rejects.toThrow(/needs that prompt set/);
    const env = taskEnv(PromptSetTask.fromSettings(ITEMS, snap.state.task as never), format);
    const b = await GrpoTrainer.restore(new ScriptedChatPolicy(9), snap, {}, null, { env });
    const strip = (m: { timings: unknown }) => ({ ...m, timings: null });
    const pa = await a.prepareStep();
    const pb = await b.prepareStep();
    expect(pb.rollouts.map((r) => r.problem.id)).toEqual(pa.rollouts.map((r) => r.problem.id));
    expect(strip(await b.trainStep())).toEqual(strip(await a.trainStep()));
    expect(Array.from(await b.engine.getParams())).toEqual(Array.from(await a.engine.getParams()));
  }, 120_000);

  it('an adapter-shaped model (only some tensors trained): only they move, the checkpoint holds only them plus their moments and the KL\'s reference, and resumes bit-exactly', async () => {
    const TRAINED = ['attprojw', 'lnfw', 'lnfb'] as const;
    const make = () => new PartTrainableModel(new ScriptedChatPolicy(1), [...TRAINED]);
    const c = cfg({ eval_every: 0, beta: 0.05 });
    const a = make();
    const start = Float64Array.from(a.base.params);
    const startPart = await a.getParams();
    const ta = await GrpoTrainer.create(a, c, {}, null, { env: taskEnv(task(), format) });
    for (let s = 0; s < 3; s++) await ta.trainStep();
    const layout = paramLayout(CONFIG);
    const inPart = (i: number) => TRAINED.some((n) => i >= layout.offsets[n] && i < layout.offsets[n] + layout.sizes[n]);
    let moved = 0;
    for (let i = 0; i < start.length; i++) {
      if (!inPart(i)) expect(a.base.params[i]).toBe(start[i]);
      else if (a.base.params[i] !== start[i]) moved++;
    }
    expect(moved).toBeGreaterThan(a.size / 2);
    expect(ta.history.at(-1)!.kl).toBeGreaterThan(0);
    const bytes = encodeTrainerCheckpoint(await ta.snapshot());
    const header = flatCheckpointHeader(bytes)!;
    expect(header.tensors.map((x) => [x.name, x.shape])).toEqual(['params', 'adam_m', 'adam_v', 'ref_params'].map((n) => [n, [a.size]]));
    expect(a.size).toBeLessThan(layout.total / 10);
    const snap = decodeTrainerCheckpoint(bytes);
    expect(Array.from(snap.refParams!)).toEqual(Array.from(startPart));
    expect(snap.state.modelConfig).toEqual(CONFIG);
    expect(snap.state.optimizerT).toBe(3);
    const b = make();
    const tb = await GrpoTrainer.restore(b, snap, {}, null, { env: taskEnv(task(), format) });
    const strip = (m: { timings: unknown }) => ({ ...m, timings: null });
    for (let s = 0; s < 2; s++) expect(strip(await tb.trainStep())).toEqual(strip(await ta.trainStep()));
    expect(Array.from(b.base.params)).toEqual(Array.from(a.base.params));
    // a model with its own π_ref (TrainableModel.referenceForward, LoRA's base): the same numbers, no reference kept
    const own = new PartTrainableModel(new ScriptedChatPolicy(1), [...TRAINED], { referenceForward: true });
    const tc = await GrpoTrainer.create(own, c, {}, null, { env: taskEnv(task(), format) });
    const swap = await GrpoTrainer.create(make(), c, {}, null, { env: taskEnv(task(), format) });
    for (let s = 0; s < 2; s++) expect(strip(await tc.trainStep())).toEqual(strip(await swap.trainStep()));
    const ownSnap = await tc.snapshot();
    expect(ownSnap.refParams).toBeNull();
    expect(flatCheckpointHeader(encodeTrainerCheckpoint(ownSnap))!.tensors.map((x) => x.name)).toEqual(['params', 'adam_m', 'adam_v']);
    await GrpoTrainer.restore(new PartTrainableModel(new ScriptedChatPolicy(1), [...TRAINED], { referenceForward: true }), decodeTrainerCheckpoint(encodeTrainerCheckpoint(ownSnap)), {}, null, { env: taskEnv(task(), format) });
    // a checkpoint of another model is refused by name, before anything is loaded
    const other = { ...snap, state: { ...snap.state, modelConfig: { ...CONFIG, nLayer: 2 } } };
    await expect(GrpoTrainer.restore(make(), other, {}, null, { env: taskEnv(task(), format) })).rejects.toThrow(/different model: nLayer 2 \(the model given has 1\)/);
  }, 120_000);

  it('PPO (with a critic) and REINFORCE++ step on it too', async () => {
    for (const est of ['gae', 'reinforce_plus_plus'] as const) {
      const policy = new ScriptedChatPolicy(2);
      const critic = est === 'gae' ? new CpuCritic(CONFIG, initCriticParams(CONFIG, await policy.getParams(), 4)) : null;
      const trainer = await GrpoTrainer.create(policy, cfg({ adv_estimator: est, eval_every: 0 }), {}, critic, { env: taskEnv(task(), format) });
      const m = await trainer.trainStep();
      expect(m.skipped).toBe(false);
      expect(Number.isFinite(m.loss) && Number.isFinite(m.processReward!)).toBe(true);
      if (est === 'gae') expect(Number.isFinite(m.valueLoss!)).toBe(true);
    }
    // PPO on the adapter-shaped model: the critic (its own flat vector) travels in the flat checkpoint
    const part = new PartTrainableModel(new ScriptedChatPolicy(2), ['lnfw', 'lnfb']);
    const critic = new CpuCritic(CONFIG, initCriticParams(CONFIG, Float32Array.from(part.base.params), 4));
    const trainer = await GrpoTrainer.create(part, cfg({ adv_estimator: 'gae', eval_every: 0 }), {}, critic, { env: taskEnv(task(), format) });
    await trainer.trainStep();
    const snap = await trainer.snapshot();
    const back = decodeTrainerCheckpoint(encodeTrainerCheckpoint(snap));
    expect(flatCheckpointHeader(encodeTrainerCheckpoint(snap))).not.toBeNull();
    for (const k of ['params', 'm', 'v'] as const) expect(Array.from(back.critic![k])).toEqual(Array.from(snap.critic![k]));
    expect(back.critic!.t).toBe(1);
    expect(back.params.length).toBe(2 * CONFIG.nEmbd);
  }, 120_000);

  it('evaluating a set without a held-out split is refused at the start, by name', async () => {
    const env = taskEnv(new PromptSetTask(ITEMS, { name: 'sums.jsonl', heldout: 'last', heldoutSize: 0 }), format);
    await expect(GrpoTrainer.create(new ScriptedChatPolicy(1), cfg({ eval_every: 5 }), {}, null, { env })).rejects.toThrow(/"sums\.jsonl" has no held-out split/);
  });
});
