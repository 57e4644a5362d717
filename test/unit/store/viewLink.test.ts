import { describe, expect, test } from 'vitest';
import { compressToEncodedURIComponent } from 'lz-string';
import { decodeView, encodeView, viewFromQuery, type LinkView } from '../../../src/store/viewLink.ts';
import { shareUrl } from '../../../src/store/linkView.ts';
import { DEFAULT_SETTINGS, settingsFromQuery } from '../../../src/store/settings.ts';

const cot = 'First, 7 + 5 = 12, write 2 carry 1.\n\nWait, let me verify: 7 + 5 = 12. 😀 ✓\r\n\r\nThen 4 + 3 + 1 = 8.';

describe('shared-link view', () => {
  test('an inspector view round-trips exactly (unicode, CRLF, a hub model with its dtype)', () => {
    const v: LinkView = { inspector: { question: '47+35=?', answer: '82', cot, model: { kind: 'hub', id: 'onnx-community/Qwen3-0.6B-ONNX', dtype: 'q4f16' } } };
    expect(decodeView(encodeView(v))).toEqual({ view: v, errors: [] });
  });

  test('batch and training views round-trip', () => {
    const v: LinkView = { batch: { sort: { key: 'finalScore', dir: 'desc' }, filter: 'carry', show: 'wrong' }, training: { steps: 40, seed: 3, learning_rate: 1e-4 } };
    expect(decodeView(encodeView(v)).view).toEqual(v);
  });

  test('long texts are compressed: a repetitive 20 kB CoT makes a much shorter parameter', () => {
    const long = Array.from({ length: 400 }, (_, i) => `Step ${i}: wait, let me re-check.`).join('\n\n');
    const p = encodeView({ inspector: { question: 'q', answer: 'a', cot: long } });
    expect(p.length).toBeLessThan(long.length / 4);
    // '+' would read back as a space from a raw query: through URLSearchParams it survives
    const q = new URLSearchParams({ view: p }).toString();
    expect(viewFromQuery(q).view.inspector?.cot).toBe(long);
  });

  test('a cut, non-JSON or ill-shaped view is refused with a reason, never half-applied', () => {
    const good = encodeView({ inspector: { question: 'q', answer: 'a', cot: 'c' } });
    expect(decodeView(good.slice(0, 5)).view).toEqual({});
    expect(decodeView('%%%').errors[0]).toMatch(/view: not a compressed view/);
    expect(decodeView(compressToEncodedURIComponent('{nope')).errors[0]).toMatch(/view: not JSON/);
    const local = compressToEncodedURIComponent(JSON.stringify({ inspector: { question: 'q', answer: 'a', cot: 'c', model: { kind: 'local' } } }));
    expect(decodeView(local).errors[0]).toMatch(/^view: inspector\.model/);
    const badId = compressToEncodedURIComponent(JSON.stringify({ inspector: { question: 'q', answer: 'a', cot: 'c', model: { kind: 'hub', id: 'https://evil.example/x' } } }));
    expect(decodeView(badId).errors[0]).toMatch(/inspector\.model\.id/);
    const badDtype = compressToEncodedURIComponent(JSON.stringify({ inspector: { question: 'q', answer: 'a', cot: 'c', model: { kind: 'hub', id: 'a/b', dtype: 'fp9' } } }));
    expect(decodeView(badDtype).errors[0]).toMatch(/inspector\.model\.dtype: dtype must be one of fp32/);
    const extra = compressToEncodedURIComponent(JSON.stringify({ script: 'alert(1)' }));
    expect(decodeView(extra).view).toEqual({});
  });

  test('shareUrl: screen-scoped settings plus the view, read back by both parsers', () => {
    const settings = { ...DEFAULT_SETTINGS, tab: 'inspector' as const, w: 0.3, seed: 9 };
    const view: LinkView = { inspector: { question: '12+30=?', answer: '42', cot } };
    const url = shareUrl('http://127.0.0.1:4173/repro-playground/', settings, view);
    const query = new URL(url).search;
    expect(settingsFromQuery(query)).toEqual({ settings, errors: [] });
    expect(viewFromQuery(query)).toEqual({ view, errors: [] });
    // a training link carries the training form and none of the inspector's settings
    const t = new URL(shareUrl('http://h/', { ...settings, tab: 'training' }, { training: { steps: 5, seed: 1 } })).searchParams;
    expect([...t.keys()].sort()).toEqual(['tab', 'view']);
    expect(shareUrl('http://h/', DEFAULT_SETTINGS, {})).toBe('http://h/');
  });
});
