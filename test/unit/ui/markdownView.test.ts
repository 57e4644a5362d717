// The Method page renders docs/repro-method.md as React elements: every "§N" heading gets the
// anchor the tooltips link to, and hostile markdown (raw HTML, javascript: links) renders inert.
import { readFileSync } from 'node:fs';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { expect, test } from 'vitest';
import { MarkdownView } from '../../../src/ui/method/MarkdownView.tsx';
import { sectionAnchor } from '../../../src/ui/MethodLink.tsx';
import { METRIC_DEFS } from '../../../src/ui/dashboard/metricDefs.ts';

const md = readFileSync(new URL('../../../docs/repro-method.md', import.meta.url), 'utf8');

test('every section a metric definition cites is a heading with its anchor on the Method page', () => {
  const html = renderToStaticMarkup(createElement(MarkdownView, { source: md }));
  const sections = new Set(Object.values(METRIC_DEFS).map((d) => d.section).filter((s): s is string => s !== null));
  expect(sections.size).toBeGreaterThan(5);
  for (const s of sections) expect(html, s).toContain(`id="${sectionAnchor(s)}"`);
  expect(renderToStaticMarkup(createElement(MarkdownView, { source: '| a | b |\n|---|---|\n| 1 | 2 |' }))).toContain('<table>'); // GFM tables
});

test('raw HTML and javascript: links in markdown are not rendered as live HTML', () => {
  const html = renderToStaticMarkup(createElement(MarkdownView, { source: '# T\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[click](javascript:alert(1))' }));
  expect(html).not.toContain('<script');
  expect(html).not.toContain('<img');
  expect(html).not.toContain('javascript:');
  expect(html).toContain('click');
});
