import { describe, expect, test } from 'vitest';
import { DEFAULT_SETTINGS, delimiterOf, settingsFromQuery, settingsToQuery, type Settings } from '../../../src/store/settings.ts';

describe('settings ⇄ URL query', () => {
  test('defaults serialise to an empty query and read back as defaults', () => {
    expect(settingsToQuery(DEFAULT_SETTINGS)).toBe('');
    expect(settingsFromQuery('')).toEqual({ settings: DEFAULT_SETTINGS, errors: [] });
  });

  test('every field round-trips, including newlines, RegExp delimiters and markers', () => {
    const s: Settings = {
      tab: 'inspector',
      probe: '\n</think>\n\nThe final answer is \\boxed{',
      delimiter: '\\n-{3,}\\n',
      delimiterIsRegex: true,
      topK: 4,
      w: 0.25,
      eps: 1e-4,
      markers: ['wait', 'hmm, no', '<script>'],
      lensK: 20,
      temperature: 0,
      topP: 0.9,
      samplingTopK: 40,
      maxNewTokens: 1024,
      seed: 42,
    };
    const q = settingsToQuery(s);
    const back = settingsFromQuery(`?${q}`);
    expect(back.errors).toEqual([]);
    expect(back.settings).toEqual(s);
    expect(delimiterOf(back.settings)).toEqual(/\n-{3,}\n/);
  });

  test('lensK (alternatives per token) must be an integer in [1, 20]', () => {
    expect(settingsFromQuery('?lensK=3').settings.lensK).toBe(3);
    for (const [raw, why] of [['0', 'outside \\[1, 20\\]'], ['21', 'outside \\[1, 20\\]'], ['2.5', 'not an integer']]) {
      const { settings, errors } = settingsFromQuery(`?lensK=${raw}`);
      expect(settings.lensK).toBe(10);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(new RegExp(`setting lensK: ${raw} is ${why}`));
    }
  });

  test('bad values are reported by name and fall back to the default', () => {
    const { settings, errors } = settingsFromQuery('?tab=nope&w=1.5&topK=2.5&seed=abc&delim=(&delimRe=1&markers=%7B%7D&maxNewTokens=');
    expect(settings).toEqual(DEFAULT_SETTINGS);
    expect(errors).toHaveLength(7);
    expect(errors.join('\n')).toMatch(/tab: unknown tab "nope"/);
    expect(errors.join('\n')).toMatch(/setting w: 1.5 is outside \[0, 1\]/);
    expect(errors.join('\n')).toMatch(/setting topK: 2.5 is not an integer/);
    expect(errors.join('\n')).toMatch(/setting seed: NaN/);
    expect(errors.join('\n')).toMatch(/delim: invalid RegExp/);
    expect(errors.join('\n')).toMatch(/markers: not an array/);
    expect(errors.join('\n')).toMatch(/setting maxNewTokens: NaN/);
  });

  test('settings are screen-scoped: a training or status link carries none of the inspector settings', () => {
    const s: Settings = { ...DEFAULT_SETTINGS, tab: 'inspector', seed: 42, w: 0.25 };
    expect(settingsToQuery(s)).toBe('tab=inspector&w=0.25&seed=42');
    expect(settingsToQuery({ ...s, tab: 'batch' })).toBe('tab=batch&w=0.25&seed=42');
    expect(settingsToQuery({ ...s, tab: 'training' })).toBe('tab=training');
    expect(settingsToQuery({ ...s, tab: 'status' })).toBe('');
  });

  test('a literal delimiter stays a string; empty means the §2 default', () => {
    expect(delimiterOf({ delimiter: '---', delimiterIsRegex: false })).toBe('---');
    expect(delimiterOf({ delimiter: '', delimiterIsRegex: false })).toBeUndefined();
  });
});
