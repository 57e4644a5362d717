// npm run export:verl's argument handling: both sources, settings flags, and a clear error for each
// kind of bad input.
import { describe, expect, it } from 'vitest';
import { exportVerlCli } from '../../../scripts/lib/exportVerlCli.ts';
import { DEFAULT_GRPO_CONFIG } from '../../../src/rl/config.ts';

const FILES: Record<string, string> = {
  'set.jsonl': '{"question":"1+1?","answer":"2"}\n{"question":"no answer"}\n{"question":"2+2?","answer":4}\n',
  'empty.jsonl': '',
  'run.config.json': JSON.stringify({ runId: 'r1', label: 'RePro', method: 'repro', steps: 3, config: { ...DEFAULT_GRPO_CONFIG, num_generations: 4 } }),
  'bad-run.json': JSON.stringify({ config: { ...DEFAULT_GRPO_CONFIG, num_generations: 0 } }),
  'not-run.json': '{"hello": 1}',
  'broken.json': '{',
  'extra.json': JSON.stringify({ learning_rate: 5e-7, repro: { cot_end: ['</think>', '####'] } }),
};
const read = (p: string) => {
  if (!(p in FILES)) throw new Error(`ENOENT: no such file or directory, open '${p}'`);
  return FILES[p];
};
const run = (...argv: string[]) => exportVerlCli(argv, read);

describe('npm run export:verl', () => {
  it('exports a batch prompt set with the RePro flags, reporting skipped records', () => {
    const r = run('--prompts', 'set.jsonl', '--model', 'Qwen/Qwen2.5-1.5B-Instruct', '--alpha', '0.2', '--top-k', '0', '--settings', 'extra.json', '--estimator', 'reinforce_plus_plus');
    expect(r.out).toBe('verl-export-set');
    expect(r.warnings[0]).toMatch(/1 of 3 records skipped \(line 2: missing answer/);
    const settings = JSON.parse(new TextDecoder().decode(r.files.find((f) => f.path === 'settings.json')!.bytes));
    expect(settings).toMatchObject({ estimator: 'reinforce_plus_plus', learning_rate: 5e-7, repro: { process_reward_coef: 0.2, entropy_top_k: 0, cot_end: ['</think>', '####'], estimator: 'reinforce_plus_plus' } });
  });

  it('exports a training run from its config JSON', () => {
    const r = run('--run', 'run.config.json', '--model', 'Qwen/Qwen2.5-1.5B', '--out', 'o', '--zip');
    expect(r.out).toBe('o');
    expect(r.zip).toBe(true);
    const yaml = new TextDecoder().decode(r.files.find((f) => f.path === 'repro_verl.yaml')!.bytes);
    expect(yaml).toMatch(/\n {4}n: 4\n/);
    expect(yaml).toContain('probe: "Answer: "');
    expect(yaml).toContain('total_training_steps: 3');
  });

  it.each([
    [[], /exactly one of --prompts or --run/],
    [['--prompts', 'set.jsonl', '--run', 'run.config.json', '--model', 'm'], /exactly one/],
    [['--prompts', 'set.jsonl'], /--model is required/],
    [['--prompts', 'missing.jsonl', '--model', 'm'], /cannot read prompt set missing\.jsonl: ENOENT/],
    [['--prompts', 'empty.jsonl', '--model', 'm'], /prompt set empty\.jsonl: file is empty/],
    [['--run', 'not-run.json', '--model', 'm'], /has no "config" object/],
    [['--run', 'broken.json', '--model', 'm'], /is not valid JSON/],
    [['--run', 'bad-run.json', '--model', 'm'], /training run bad-run\.json: .*num_generations/],
    [['--prompts', 'set.jsonl', '--model', 'm', '--alpha', 'lots'], /--alpha must be a number \(got "lots"\)/],
    [['--prompts', 'set.jsonl', '--model', 'm', '--top-k', '1.5'], /--top-k must be an integer/],
    [['--prompts', 'set.jsonl', '--model', 'm', '--w', '3'], /repro\.process_weight_w/],
    [['--prompts', 'set.jsonl', '--model', 'm', '--estimator', 'ppo'], /--estimator must be one of grpo, gae, reinforce_plus_plus/],
    [['--prompts', 'set.jsonl', '--model', 'm', '--bogus'], /Unknown option '--bogus'/],
  ])('rejects %j with a clear message', (argv, message) => {
    expect(() => run(...(argv as string[]))).toThrow(message as RegExp);
  });
});
