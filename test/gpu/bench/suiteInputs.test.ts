// What the benchmark suites feed and count, checked without timing anything: the J-trajectory
// suite's synthetic CoT and tokenizer (K = 16 segments of ~32 tokens, a probe of BPE-like length),
// and the batch suite's timers (outermost calls only, so generate → forward is not counted twice).
// The train-step suite trains with src/engine/sft.ts's loss and gradient (tested in sft.test.ts).
import { expect, test } from 'vitest';
import { syntheticCot, tokenizerWithProbeWords } from '../../../bench/suites/jTrajectoryInput.ts';
import { timeMethods } from '../../../bench/suites/batchThroughput.ts';
import { HfTokenizer } from '../../../src/llm/hub/hfTokenizer.ts';
import { scorerTokens } from '../../../src/llm/scorer/scorerTokens.ts';

test('j-trajectory input: 16 segments, ~512 CoT tokens, a probe of at most 10 tokens', () => {
  const files = tokenizerWithProbeWords();
  const json = (name: string) => JSON.parse(new TextDecoder().decode(files.get(name)!)) as Record<string, unknown>;
  const tok = new HfTokenizer(json('tokenizer.json'), json('tokenizer_config.json'));
  const t = scorerTokens(tok, { prompt: tok.formatPrompt('What is the sum?'), cot: syntheticCot(), answer: '4242}', probe: tok.defaultProbe });
  expect(t.segments.length).toBe(16);
  expect(t.cotTokens.length).toBeGreaterThanOrEqual(480);
  expect(t.cotTokens.length).toBeLessThanOrEqual(560);
  for (const s of t.tokenSpans) expect(s.end - s.start).toBeGreaterThanOrEqual(28);
  expect(t.probeIds.length).toBeLessThanOrEqual(10);
  expect(tok.decode(t.probeIds.concat(t.answerIds))).toBe(`${tok.defaultProbe}4242}`);
});

test('batch timers add only outermost calls, and undo restores the methods', async () => {
  const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
  class Fake {
    inner = 0;
    async forward(): Promise<number> { await wait(20); return ++this.inner; }
    async generate(): Promise<number> { await this.forward(); await this.forward(); return 2; }
  }
  const original = Fake.prototype.forward;
  const total = { ms: 0, calls: 0 };
  const undo = timeMethods([[Fake.prototype, 'forward'], [Fake.prototype, 'generate']], total);
  const f = new Fake();
  const t0 = performance.now();
  expect(await f.generate()).toBe(2);
  const wall = performance.now() - t0;
  expect(total.calls).toBe(1); // generate; its two forwards are inside it
  expect(total.ms).toBeGreaterThanOrEqual(39);
  expect(total.ms).toBeLessThanOrEqual(wall + 1);
  await f.forward();
  expect(total.calls).toBe(2);
  undo();
  expect(Fake.prototype.forward).toBe(original);
});
