// The live memory pre-flight before Start (src/worker/runPreflight.ts, issue #23 §1): a tiny random
// Llama served as a hub repo is sized from config.json, its tokenizer and the weight header alone —
// the weights' dtype read from the header even when config.json names none — and the report's
// numbers are the pre-flight's on a plan built here from the repo's own config.json and tokenizer;
// the source is read once for any number of settings changes; a tiny budget is refused with the
// reason and the budget marked assumed or not; a repository that does not exist and an
// architecture the engine does not run come back as "model" refusals, unusable settings as "settings".
import { describe, expect, it } from 'vitest';
import { llamaConfigFromHf } from '../../../src/engine/hf/hfConfig.ts';
import { preflight } from '../../../src/engine/lora/preflight.ts';
import { LORA_TARGETS } from '../../../src/engine/lora/loraConfig.ts';
import { HfTokenizer } from '../../../src/llm/hub/hfTokenizer.ts';
import { presetConfig } from '../../../src/rl/config.ts';
import { toyTaskSettings } from '../../../src/rl/task/settings.ts';
import { PromptSetTask } from '../../../src/rl/task/promptSetTask.ts';
import { engineRunPlan } from '../../../src/worker/engineRunPlan.ts';
import { cachedSizing, preflightRun } from '../../../src/worker/runPreflight.ts';
import { envWith } from '../../../src/worker/runTrainers.ts';
import { preflightBlocker } from '../../../src/worker/preflightReport.ts';
import type { RunSpec } from '../../../src/worker/trainingApi.ts';
import { fakeHub } from '../../fixtures/onnx/fakeHub.ts';
import { tinyLlama } from '../../util/tinyLlama.ts';

const LIMITS = { maxBufferSize: 2 ** 28, maxStorageBufferBindingSize: 2 ** 27 };
const MODEL = tinyLlama({ name: 'llama-gqa', dtype: 'BF16', seed: 3 });
// config.json without torch_dtype: the dtype can only come from the weight header
const json = (b: Uint8Array) => JSON.parse(new TextDecoder().decode(b)) as Record<string, unknown>;
const { torch_dtype: _dropped, ...undeclared } = json(MODEL.folder.get('config.json')!);
const NO_DTYPE = new Map(MODEL.folder);
NO_DTYPE.set('config.json', new TextEncoder().encode(JSON.stringify(undeclared)));
const MISTRAL = new Map(MODEL.folder);
MISTRAL.set('config.json', new TextEncoder().encode(JSON.stringify({ ...undeclared, model_type: 'mistral', architectures: ['MistralForCausalLM'] })));
const HUB = fakeHub({ 'test/tiny': { folder: NO_DTYPE }, 'test/mistral': { folder: MISTRAL } });

function spec(over: Partial<RunSpec> = {}, id = 'test/tiny', budgetBytes?: number): RunSpec {
  const config = presetConfig('repro', { per_device_train_batch_size: 2, num_generations: 4, max_completion_length: 24, eval_every: 0, seed: 1 });
  return {
    runId: 'p', label: 'p', method: 'repro', config, steps: 2, task: toyTaskSettings({ min_digits: 1, max_digits: 2 }),
    model: { kind: 'engine', source: { kind: 'hub', id }, lora: { r: 4, lora_alpha: 8, lora_dropout: 0, target_modules: [...LORA_TARGETS] }, budgetBytes },
    ...over,
  };
}

describe('the live pre-flight', { timeout: 30_000 }, () => {
  const sizing = cachedSizing({ fetchImpl: HUB.fetchImpl, useCache: false });

  it('sizes a hub repo from config, tokenizer and weight header: the pre-flight of a plan built from the repo itself', async () => {
    const r = await preflightRun(spec(), LIMITS, sizing);
    if (!r.ok) throw new Error(r.error);
    expect(r.weightDtype).toBe('BF16');
    expect(r.arch).toEqual({ family: 'llama', layers: 2, hidden: 32, vocab: 294 });
    // the reference: config.json and the tokenizer read here, the format's prompt ids through the chat template
    const config = llamaConfigFromHf(json(MODEL.folder.get('config.json')!));
    const tok = new HfTokenizer(json(MODEL.folder.get('tokenizer.json')!), json(MODEL.folder.get('tokenizer_config.json')!));
    const s = spec();
    const env = envWith(s, { ...(await sizing({ kind: 'hub', id: 'test/tiny' })).format });
    const plan = engineRunPlan(config, 'BF16', s.model as never, s.config, env, LIMITS);
    const want = preflight(plan.preflight);
    expect(r.totalBytes).toBe(want.totalBytes);
    expect(r.parts.reduce((a, p) => a + p.bytes, 0)).toBe(r.totalBytes);
    expect(r.fits).toBe(true);
    expect(preflightBlocker(r)).toBeNull();
    // the longest toy prompts (two-digit operands) through the llama-3 chat template, tokenised here
    let most = 0;
    for (const q of ['99+99=?', '98+97=?', '10+10=?', '9+9=?']) most = Math.max(most, tok.encode(tok.formatPrompt(q)).length);
    expect(r.maxPromptTokens).toBeGreaterThanOrEqual(most);
    expect(r.maxSeqLen).toBe(r.maxPromptTokens + 24);
    expect(r.assumedBudget).toBe(true);
  });

  it('reads the source once for any number of settings changes', async () => {
    const before = HUB.requests.length;
    for (const G of [2, 3, 6]) {
      const s = spec();
      const r = await preflightRun({ ...s, config: { ...s.config, num_generations: G } }, LIMITS, sizing);
      expect(r.ok && r.fits).toBe(true);
    }
    expect(HUB.requests.length).toBe(before);
    // what was read at all: the listing, the config files, the tokenizer's, the weight file (for its header)
    expect(new Set(HUB.served.get('test/tiny'))).toEqual(new Set(['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'model.safetensors']));
  });

  it('a tiny budget is refused with the largest parts and what to lower; the blocker says so', async () => {
    const r = await preflightRun(spec({}, 'test/tiny', 64 * 1024), LIMITS, sizing);
    if (!r.ok) throw new Error(r.error);
    expect(r.fits).toBe(false);
    expect(r.assumedBudget).toBe(false);
    expect(r.budgetBytes).toBe(64 * 1024);
    expect(r.problems.join(' ')).toMatch(/more than the 64\.0 KiB budget; the largest parts: /);
    expect(preflightBlocker(r)).toMatch(/^This run does not fit on the GPU\. The run needs .* more than the 64\.0 KiB budget/);
  });

  it('a prompt set is sized by its own longest prompt', async () => {
    const items = Array.from({ length: 6 }, (_, i) => ({ question: `What is ${i} plus ${'1'.repeat(i + 1)}?`, answer: String(i) }));
    const task = new PromptSetTask(items, { name: 'set', heldout: 'last', heldoutSize: 1 });
    const short = await preflightRun(spec({ task: new PromptSetTask(items.slice(0, 2), { name: 'set', heldout: 'last', heldoutSize: 1 }).settings, promptSet: { items: items.slice(0, 2) } }), LIMITS, sizing);
    const long = await preflightRun(spec({ task: task.settings, promptSet: { items } }), LIMITS, sizing);
    if (!short.ok || !long.ok) throw new Error('refused');
    expect(long.maxPromptTokens).toBeGreaterThan(short.maxPromptTokens);
  });

  it('a repository that does not exist, an unsupported architecture, unusable settings: refused with the reason', async () => {
    const missing = await preflightRun(spec({}, 'test/nothing'), LIMITS, sizing);
    expect(missing.ok).toBe(false);
    expect(!missing.ok && missing.kind).toBe('model');
    expect(!missing.ok && missing.error).toMatch(/^test\/nothing: /);
    const mistral = await preflightRun(spec({}, 'test/mistral'), LIMITS, sizing);
    expect(!mistral.ok && mistral.kind).toBe('model');
    expect(!mistral.ok && mistral.error).toMatch(/model_type "mistral".*the engine runs llama/);
    expect(preflightBlocker(mistral)).toMatch(/^The model cannot be opened: test\/mistral: /);
    const s = spec();
    const bad = await preflightRun({ ...s, model: { ...(s.model as object), kind: 'engine', source: { kind: 'hub', id: 'test/tiny' }, lora: { r: 0, lora_alpha: 8, lora_dropout: 0, target_modules: ['q_proj'] } } }, LIMITS, sizing);
    expect(!bad.ok && bad.kind).toBe('settings');
    expect(!bad.ok && bad.error).toMatch(/LoRA r must be a positive integer/);
    const toy = await preflightRun({ ...s, model: { kind: 'toy' } }, LIMITS, sizing);
    expect(!toy.ok && toy.kind).toBe('settings');
  });
});
