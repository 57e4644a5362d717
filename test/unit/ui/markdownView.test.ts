// The Method page renders docs/repro-method.md as React elements: every "§N" heading gets the
// anchor the tooltips link to, and hostile markdown (raw HTML, javascript: links) renders inert.
import { readFileSync } from 'node:fs';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { expect, test } from 'vitest';
import { MarkdownView } from '../../../src/ui/method/MarkdownView.tsx';
import { sectionAnchor } from '../../../src/ui/MethodLink.tsx';
import { METRIC_DEFS } from '../../../src/ui/dashboard/metricDefs.ts';
import katex from 'katex';
import { tableOfContents, userView } from '../../../src/ui/method/methodSource.ts';

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

test('the user view leaves the contributor notes out, and keeps every section users read', () => {
  const page = userView(md);
  expect(md).toContain('cite the section');
  expect(page).not.toContain('cite the section');
  expect(page).not.toContain('§API');
  expect(page).not.toContain('contributors');
  expect(page).toContain('## §11 Token-level rewards');
  expect(userView('a<!-- contributors -->b<!-- /contributors -->c<!-- contributors -->d')).toBe('ac');
  // the contents: every ## section of the page, §0 … §11, in order
  const toc = tableOfContents(page).filter((e) => e.level === 2);
  expect(toc.map((e) => e.section)).toEqual(['§0', '§1', '§2', '§3', '§4', '§5', '§6', '§7', '§8', '§9', '§10', '§11']);
  expect(toc[3].title).toBe('§3 The surrogate objective J');
  expect(tableOfContents('## §1 A\n```\n## not a heading\n```\n### §1.5 `x` and $`y`$')).toEqual([
    { section: '§1', title: '§1 A', level: 2 },
    { section: '§1', title: '§1.5 x and y', level: 3 },
  ]);
});

test('every formula of the Method page is valid TeX, typeset as math, with an anchor per section', () => {
  const page = userView(md);
  const display = [...page.matchAll(/```math\n([\s\S]*?)\n```/g)].map((m) => m[1]);
  const inline = [...page.matchAll(/\$`([^`]+)`\$/g)].map((m) => m[1]);
  expect(display.length).toBeGreaterThanOrEqual(6); // §3, §4, §5, §6, §8, §11
  expect(inline.length).toBeGreaterThanOrEqual(10);
  for (const tex of [...display, ...inline]) expect(() => katex.renderToString(tex, { throwOnError: true }), tex).not.toThrow();
  // rendered: one math element per formula, holding the TeX (KaTeX fills it in the browser), no $ or backtick left over
  const html = renderToStaticMarkup(createElement(MarkdownView, { source: page }));
  expect(html.match(/class="math-display"/g)).toHaveLength(display.length);
  expect(html.match(/class="math-inline"/g)).toHaveLength(inline.length);
  expect(html).toContain('data-tex="J_k = \\frac{1}{|a|}');
  expect(html).not.toMatch(/\$<code/);
  expect(html).not.toContain('language-math');
  expect(html).not.toMatch(/<pre>\s*<div class="math-display"/); // no code box around a formula
  for (const s of ['§3', '§10', '§11']) expect(html).toContain(`href="?tab=method#${sectionAnchor(s)}"`);
  // a lone code span and a dollar amount stay what they are
  const plain = renderToStaticMarkup(createElement(MarkdownView, { source: 'costs $5 and `x` and $`y`$' }));
  expect(plain).toContain('costs $5 and <code>x</code> and <span class="math-inline" data-tex="y"></span>');
});
