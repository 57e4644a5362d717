// The "which models fit which GPUs" table of docs/rl-on-a-real-model.md, from the LoRA pre-flight
// (src/engine/lora/preflight.ts) on the real config.json values (test/unit/engine/hf/realConfigs.ts).
// test/unit/docs/rlOnRealModel.test.ts checks the page holds exactly this table.
import { llamaConfigFromHf } from '../../src/engine/hf/hfConfig.ts';
import { preflight } from '../../src/engine/lora/preflight.ts';
import { formatBytes } from '../../src/engine/lora/preflightCheck.ts';
import { LORA_TARGETS, type LoraTarget } from '../../src/engine/lora/loraConfig.ts';
import { QWEN2_5_0_5B, QWEN3_0_6B, SMOLLM2_135M, SMOLLM2_360M } from '../../test/unit/engine/hf/realConfigs.ts';

export const FIT_MODELS: [string, Record<string, unknown>][] = [
  ['SmolLM2-135M-Instruct', SMOLLM2_135M], ['SmolLM2-360M-Instruct', SMOLLM2_360M], ['Qwen2.5-0.5B-Instruct', QWEN2_5_0_5B], ['Qwen3-0.6B', QWEN3_0_6B],
];
export const FIT_BUDGETS_GIB = [2, 4, 8, 16];
export const FIT_SETTINGS: { name: string; r: number; targets: LoraTarget[]; P: number; G: number; Tp: number; Tc: number }[] = [
  { name: 'r 16, all 7 targets, 8 prompts × 8 samples, prompt ≤ 128 + response ≤ 128 tokens', r: 16, targets: [...LORA_TARGETS], P: 8, G: 8, Tp: 128, Tc: 128 },
  { name: 'r 8, q_proj + v_proj, 4 prompts × 4 samples, prompt ≤ 64 + response ≤ 256 tokens', r: 8, targets: ['q_proj', 'v_proj'], P: 4, G: 4, Tp: 64, Tc: 256 },
];

const BIG = 2 ** 50;

export function modelFitTable(): string {
  const lines: string[] = [];
  for (const s of FIT_SETTINGS) {
    lines.push(`**${s.name}** (BF16 base, GRPO, no critic):`, '');
    lines.push(`| model | GPU memory the run needs | largest single buffer | ${FIT_BUDGETS_GIB.map((g) => `${g} GiB`).join(' | ')} |`);
    lines.push(`|---|---|---|${FIT_BUDGETS_GIB.map(() => '---').join('|')}|`);
    for (const [name, json] of FIT_MODELS) {
      const p = preflight({
        config: llamaConfigFromHf(json), weightDtype: 'BF16', lora: { r: s.r, targets: s.targets },
        train: { promptsPerStep: s.P, numGenerations: s.G, maxPromptTokens: s.Tp, maxCompletionTokens: s.Tc, critic: false },
        limits: { maxBufferSize: BIG, maxStorageBufferBindingSize: BIG, budgetBytes: BIG },
      });
      const largest = p.buffers.reduce((a, b) => (b.bytes > a.bytes ? b : a));
      const fits = FIT_BUDGETS_GIB.map((g) => (p.totalBytes <= g * 2 ** 30 ? 'fits' : '—'));
      lines.push(`| ${name} | ${formatBytes(p.totalBytes)} | ${formatBytes(largest.bytes)} (${largest.name}) | ${fits.join(' | ')} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

if (process.argv[1]?.endsWith('modelFit.ts')) console.log(modelFitTable());
