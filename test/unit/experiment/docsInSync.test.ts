// The figures quoted in docs/experiment.md and README.md are the committed results' (issue #24 §4):
// every <!-- fig:ID --> span must hold what experiment/docFigures.ts computes from experiment/**/*.json
// now. Fix a failure with `npm run experiment -- --docs` (after a new run) — never by typing a number.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { docFigures, DOCS_WITH_FIGURES } from '../../../experiment/docFigures.ts';
import { fillSpans, spanIds } from '../../../experiment/docFill.ts';

const read = (p: string) => (existsSync(p) ? readFileSync(p, 'utf8') : null);

describe('generated figures in the docs', () => {
  const figures = docFigures(read);

  for (const doc of DOCS_WITH_FIGURES) {
    it(`${doc} holds the figures the committed results give`, () => {
      const text = read(doc)!;
      expect(spanIds(text).length).toBeGreaterThan(0);
      expect(fillSpans(text, figures)).toBe(text);
    });
  }

  it('fillSpans replaces a span\'s content, keeps the markers, and refuses an unknown ID', () => {
    const doc = 'a <!-- fig:x -->old<!-- /fig --> b\n<!-- fig:t -->\n| 1 |\n<!-- /fig -->';
    expect(fillSpans(doc, { x: '1.5', t: '| 2 |\n| 3 |' })).toBe('a <!-- fig:x -->1.5<!-- /fig --> b\n<!-- fig:t -->\n| 2 |\n| 3 |\n<!-- /fig -->');
    expect(() => fillSpans(doc, { x: '1' })).toThrow(/no generated figure "t"/);
    expect(spanIds(doc)).toEqual(['x', 't']);
  });
});
