// The input the J-trajectory and branch suites share (ORT and engine alike): a byte-level
// tokenizer with the default probe's words as added tokens, so the probe is ~9 tokens as with a
// real BPE vocabulary (Qwen3: 10), not ~30 bytes; and a synthetic CoT of SEGMENTS blank-line-
// separated steps (~500 tokens).
import { THINKING_PROBE } from '../../src/llm/hub/hfTokenizer.ts';
import type { ScoreInput } from '../../src/llm/scorer/scoreTrajectory.ts';
import type { ModelFolder } from '../../test/fixtures/onnx/modelFolder.ts';
import { byteTokenizerFiles } from '../../test/fixtures/onnx/byteTokenizer.ts';

const SEGMENTS = 16;
const SEGMENT_CHARS = 31; // byte-level: ~31 tokens + the "\n\n" delimiter ≈ 32 per segment

export const BENCH_QUESTION = 'What is the sum of all the numbers below?';

/** The fixtures' byte-level tokenizer with the probe's words as (non-special) added tokens. */
export function tokenizerWithProbeWords(): ModelFolder {
  const folder = byteTokenizerFiles();
  const json = JSON.parse(new TextDecoder().decode(folder.get('tokenizer.json')!)) as { added_tokens: { id: number }[] };
  let id = Math.max(...json.added_tokens.map((t) => t.id)) + 1;
  for (const content of ['The', ' final', ' answer', ' is', ' \\boxed{']) {
    if (!THINKING_PROBE.includes(content)) throw new Error(`probe word ${JSON.stringify(content)} is not in the default probe`);
    json.added_tokens.push({ id: id++, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: false } as { id: number });
  }
  folder.set('tokenizer.json', new TextEncoder().encode(JSON.stringify(json)));
  return folder;
}

/** SEGMENTS blank-line-separated steps of SEGMENT_CHARS characters each (deterministic). */
export function syntheticCot(segments = SEGMENTS, chars = SEGMENT_CHARS): string {
  const steps: string[] = [];
  for (let k = 0; k < segments; k++) {
    const a = 100 + ((k * 37) % 900);
    const b = 10 + ((k * 53) % 90);
    const step = `Step ${k + 1}: ${a} plus ${b} gives ${a + b}, so far so good and we continue.`;
    steps.push(step.slice(0, chars));
  }
  return steps.join('\n\n');
}

/** The scored input: the question, the synthetic CoT and an answer of a few tokens. */
export function benchScoreInput(): ScoreInput {
  return { question: BENCH_QUESTION, cot: syntheticCot(), answer: '4242}' };
}
