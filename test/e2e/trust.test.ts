// Issue #10's silent failures, as a user meets them in the inspector with the bundled toy model:
// the Try-this path (1 click → scored trajectory, 8), unrepresentable input refused (1), the answer
// kept out of the CoT in its own field with a verdict (2) and the real stop reason (3), an invalid
// w flagged inline and never applied (4), a failed hub load keeping the model (5), saved
// inspections told apart (8), metric definitions linking to the Method page.
import { expect, test } from 'vitest';
import { resolve } from 'node:path';
import { ARTIFACTS } from './harness.ts';
import { HAS_TOY_MODEL, inspectorState, scoredTryThis, toyInspectorE2E } from './toyInspector.ts';

interface InspectorState { trajectory: { J: number[]; question: string } | null; cot: string; generating: string | null; scoring: string | null; generation: { stopped: string; tokens: number; modelAnswer: string; maxTokens: number } | null }

const e2e = toyInspectorE2E();

test.skipIf(!HAS_TOY_MODEL)('inspector: try-this, representability, answer field, stop reason, invalid w, failed load, saved list', async () => {
  // 8: the first screen offers example problems; one click loads the toy model and scores.
  const { page, errors } = await scoredTryThis(e2e());
  const state = () => inspectorState<InspectorState>(page);
  expect((await state()).trajectory!.question).toBe('37+65=?');
  expect(await page.getByTestId('model-loaded').textContent()).toContain('toy-reasoner');
  // metric definitions on hover, and the Method link opens the rendered repro-method.md at §10
  expect(await page.getByTestId('metric-def-tokensAfterCertainty').getAttribute('title')).toMatch(/J ≥ log 0\.9.*Method §10/);

  // 2 + 3: generate, score, generate again: the answer never enters the CoT; EOS is reported.
  for (let round = 0; round < 2; round++) {
    await page.getByTestId('generate').click();
    await page.getByTestId('generation-info').waitFor({ timeout: 120_000 });
    await expect.poll(async () => (await state()).generating === null, { timeout: 60_000 }).toBe(true);
    const s = await state();
    expect(s.cot, `round ${round}: CoT box`).not.toContain('Answer:');
    expect(await page.getByTestId('cot').inputValue()).toBe(s.cot);
    expect(s.generation!.modelAnswer).toMatch(/^\d+$/);
    expect(await page.getByTestId('generated-answer').inputValue()).toBe(s.generation!.modelAnswer);
    expect(await page.getByTestId('answer-verdict').textContent()).toMatch(s.generation!.modelAnswer === '102' ? /✓ correct/ : /✗ wrong/);
    expect(s.generation!.stopped).toBe('eos');
    expect(await page.getByTestId('generation-info').textContent()).toBe(`Stopped: end of sequence at ${s.generation!.tokens} of ${s.generation!.maxTokens} tokens, answer complete`);
    expect(s.generation!.tokens).toBeLessThan(s.generation!.maxTokens);
    // the click sets `scoring` at once; waiting for it to clear waits for this round's score (the
    // previous trajectory already has J values, so polling those alone would not wait)
    await page.getByTestId('score').click();
    await expect.poll(async () => { const s = await state(); return s.scoring === null && (s.trajectory?.J.length ?? 0) > 1; }, { timeout: 120_000 }).toBe(true);
  }
  // a pasted CoT that ends in the answer line is flagged, and one click removes it
  await page.getByTestId('cot').fill('7+5=12\n\n3+6+1=10\n\nAnswer: 102');
  await page.getByTestId('answer-in-cot').waitFor();
  await page.getByTestId('strip-answer').click();
  expect(await page.getByTestId('cot').inputValue()).toBe('7+5=12\n\n3+6+1=10');

  // 4: w = 7 is flagged inline, not applied (S unchanged, not in the URL); w = 0.3 is applied.
  await page.getByTestId('score').click();
  await page.getByTestId('inspection').waitFor({ timeout: 120_000 });
  await expect.poll(async () => (await state()).scoring === null, { timeout: 120_000 }).toBe(true);
  const K = (await state()).trajectory!.J.length - 1;
  const S = async () => Number(await page.getByTestId(`S-${K}`).getAttribute('data-value'));
  const before = await S();
  await page.getByTestId('w').fill('7');
  expect(await page.getByTestId('w-error').textContent()).toBe('w (magnitude weight): 7 is outside the allowed range; enter a number from 0 to 1. Not applied — still using 0.5.');
  expect(await page.getByTestId('w').getAttribute('aria-invalid')).toBe('true');
  expect(await S()).toBe(before);
  expect(page.url()).not.toContain('w=7');
  await page.getByTestId('w').fill('0.3');
  await expect.poll(() => page.getByTestId('w-error').count()).toBe(0);
  await expect.poll(() => page.url()).toContain('w=0.3');
  await expect.poll(S).not.toBe(before);

  // 1: a natural-language question and CoT: flagged, Score disabled, Generate refuses with the reason.
  await page.getByTestId('question').fill('What is 37 plus 48? Please explain.');
  await page.getByTestId('answer').fill('85');
  await page.getByTestId('cot').fill('First, add the ones: 7 plus 8 is 15, so write 5 and carry 1.\n\nThen the tens: 3 plus 4 plus 1 is 8.\n\nSo the total is 85, which I double-checked carefully by counting up again from 37.');
  await page.getByTestId('unrepresentable').waitFor({ timeout: 120_000 });
  const flag = (await page.getByTestId('unrepresentable').textContent())!;
  expect(flag).toMatch(/unknown tokens: the model's vocabulary has no "W"/);
  expect(flag).toMatch(/tokens \(prompt \+ CoT \+ probe \+ answer\) is longer than the model's 128-token context/);
  expect(await page.getByTestId('score').isDisabled()).toBe(true);
  await page.getByTestId('generate').click();
  await expect.poll(() => page.getByTestId('inspector-error').textContent(), { timeout: 120_000 }).toMatch(/The prompt cannot be represented by toy-reasoner: \d+ unknown token.*Generation refused\./);
  await page.screenshot({ path: resolve(ARTIFACTS, 'inspector-unrepresentable.png'), fullPage: true });

  // 5: a hub load that cannot succeed (no network here) keeps the working model.
  await page.getByLabel('Hugging Face model id').fill('onnx-community/does-not-exist-ONNX');
  await page.getByRole('button', { name: 'Load from hub' }).click();
  await page.getByTestId('model-error').waitFor({ timeout: 120_000 });
  expect(await page.getByTestId('model-error').textContent()).toMatch(/still using bundled toy model \(toy-reasoner\)\.$/);
  expect(await page.getByTestId('model-loaded').textContent()).toContain('toy-reasoner');
  await page.getByTestId('question').fill('11+17=?');
  await page.getByTestId('answer').fill('28');
  await page.getByTestId('cot').fill('1+7=8\n\n1+1=2\n\n');
  await page.getByTestId('score').click();
  await expect.poll(async () => (await state()).trajectory?.question, { timeout: 120_000 }).toBe('11+17=?');

  // 8: saved inspections say when, with which model, K and J₀ → J_K.
  const infos = await page.getByTestId('saved-item-info').allTextContents();
  expect(infos.length).toBeGreaterThanOrEqual(4);
  for (const t of infos) expect(t).toMatch(/ · toy-reasoner · K = \d+ · J₀ −?\d+\.\d\d → J_K −?\d+\.\d\d/);

  // the Method page: a definition's link opens repro-method.md rendered, at its section
  await page.getByTestId('summary').getByTestId('method-link-§10').first().click();
  await page.getByTestId('method-screen').waitFor();
  expect(await page.locator('#method-s10').textContent()).toMatch(/^§10 Overthinking/);
  expect(await page.locator('#method-s3').count()).toBe(1);

  if (errors.length) console.log('page errors:', errors);
  expect(errors).toEqual([]);
});
