// renewingSession: after a failed run the session's listeners drop what it handed out, it is
// released, and the next run goes to a fresh session from reopen(); successful runs never reopen.
import { expect, test } from 'vitest';
import { renewingSession } from '../../../src/llm/ort/renewingSession.ts';
import type { OrtSessionHandle } from '../../../src/llm/ort/ortRuntime.ts';

function fake(name: string, log: string[], failOn: string | null): OrtSessionHandle {
  return {
    backend: 'webgpu',
    inputs: [{ name: 'input_ids' }],
    outputs: [{ name: 'logits' }],
    run: async (feeds) => {
      const key = Object.keys(feeds)[0];
      log.push(`${name}.run(${key})`);
      if (key === failOn) throw new Error(`${name} failed on ${key}`);
      return {};
    },
    release: async () => void log.push(`${name}.release`),
  };
}

test('a failed run drops the old session (listeners first), the next run reopens; release frees the current one', async () => {
  const log: string[] = [];
  let opened = 0;
  const s = renewingSession(fake('s0', log, 'bad'), async () => fake(`s${++opened}`, log, null));
  s.onInvalidate!(() => log.push('invalidate'));
  const feed = (k: string) => ({ [k]: null as never });
  await s.run(feed('ok'));
  await expect(s.run(feed('bad'))).rejects.toThrow('s0 failed on bad');
  await s.run(feed('ok'));
  await s.run(feed('bad')); // the fresh session takes it
  await s.release();
  expect(log).toEqual(['s0.run(ok)', 's0.run(bad)', 'invalidate', 's0.release', 's1.run(ok)', 's1.run(bad)', 's1.release']);
  expect(opened).toBe(1);
  await expect(s.run(feed('ok'))).rejects.toThrow(/released/);
});
