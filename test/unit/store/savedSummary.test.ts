// Issue #10 item 8: four saved "37+48=?" inspections must be told apart (model, K, J₀ → J_K).
import { expect, test } from 'vitest';
import { describeSaved, savedSummary } from '../../../src/store/savedSummary.ts';
import { parseRunInfo, runInfoColumns, describeRunInfo } from '../../../src/store/batchRunInfo.ts';

test('a record: model id, K = J.length − 1, first and last J, the generated verdict', () => {
  const json = JSON.stringify({ model: { id: 'toy-reasoner', backend: 'webgpu' }, trajectory: { J: [-4.123, -1, -0.0199] }, generated: { correct: true, answerText: '85' } });
  const s = savedSummary(json);
  expect(s).toEqual({ model: 'toy-reasoner', K: 2, J0: -4.123, JK: -0.0199, correct: true });
  expect(describeSaved(s)).toBe('toy-reasoner · K = 2 · J₀ −4.12 → J_K −0.02 · generated ✓');
});

test('unreadable or partial records still list, with what is known', () => {
  expect(describeSaved(savedSummary('{not json'))).toBe('unknown model');
  expect(describeSaved(savedSummary(JSON.stringify({ model: { id: 'm' }, trajectory: { J: ['x'] } })))).toBe('m');
});

test('batch run info: what the run stored, read back for the screen and every CSV row', () => {
  const sampling = { maxNewTokens: 96, temperature: 0.7, topK: 0, topP: 0.95, seed: 1 };
  const info = parseRunInfo(JSON.stringify({ probe: 'Answer: ', delimiter: '', delimiterIsRegex: false, sampling, model: 'toy-reasoner', backend: 'webgpu', label: 'bundled toy model (toy-reasoner)' }));
  // a run saved before dtype / entropy top-k / markers were kept says so in those columns
  expect(info).toEqual({ model: 'toy-reasoner', backend: 'webgpu', label: 'bundled toy model (toy-reasoner)', probe: 'Answer: ', delimiter: '', delimiterIsRegex: false, sampling, dtype: undefined, entropyTopK: undefined, markers: undefined });
  expect(runInfoColumns(info, { w: 0.5, eps: 1e-6 })).toEqual({
    model: 'toy-reasoner', backend: 'webgpu', dtype: 'unrecorded', probe: 'Answer: ', delimiter: '(blank lines)', delimiterIsRegex: false,
    temperature: 0.7, topP: 0.95, topK: 0, maxNewTokens: 96, seed: 1, entropyTopK: 'unrecorded', markers: 'unrecorded', unrepresentable: 'unrecorded', w: 0.5, eps: 1e-6,
  });
  const full = parseRunInfo(JSON.stringify({ probe: 'Answer: ', delimiter: '', delimiterIsRegex: false, sampling, model: 'm', backend: 'wasm', dtype: 'q4f16', entropyTopK: 8, markers: ['wait', 'hmm'] }));
  expect(runInfoColumns(full, { w: 0.5, eps: 1e-6 })).toMatchObject({ dtype: 'q4f16', entropyTopK: 8, markers: '["wait","hmm"]' });
  expect(describeRunInfo(full!)).toMatch(/^m \(wasm, q4f16\) · /);
  expect(describeRunInfo(info!)).toBe('bundled toy model (toy-reasoner) (webgpu) · probe "Answer: " · delimiter blank lines · temperature 0.7, top-p 0.95, top-k 0, max 96 tokens, seed 1');
  // a GSM8K-style run split at single newlines, scoring unrepresentable input anyway, says both in words
  const gsm = parseRunInfo(JSON.stringify({ probe: 'Answer: ', delimiter: '\n', delimiterIsRegex: false, sampling, model: 'm', backend: 'wasm', scoreUnrepresentable: true }));
  expect(runInfoColumns(gsm, { w: 0.5, eps: 1e-6 })).toMatchObject({ delimiter: '(single newline)', unrepresentable: 'scored anyway (flagged)' });
  expect(describeRunInfo(gsm!)).toBe('m (wasm) · probe "Answer: " · delimiter single newline · temperature 0.7, top-p 0.95, top-k 0, max 96 tokens, seed 1 · input the model cannot represent scored anyway (flagged ⚠)');
  const skip = parseRunInfo(JSON.stringify({ probe: 'A', delimiter: '\\n', delimiterIsRegex: true, sampling, model: 'm', backend: 'wasm', scoreUnrepresentable: false }));
  expect(runInfoColumns(skip, { w: 0.5, eps: 1e-6 })).toMatchObject({ delimiter: '\\n', unrepresentable: 'not scored' });
  expect(describeRunInfo(skip!)).toContain('delimiter RegExp "\\\\n"');
  expect(parseRunInfo('{}')).toBeNull();
  expect(runInfoColumns(null, { w: 0.3, eps: 0 })).toEqual({ model: 'unknown', w: 0.3, eps: 0 });
});
