// Markdown rendered as React elements (react-markdown + GFM tables), never as an HTML string: raw
// HTML in the source is not rendered and unsafe link protocols are dropped. Headings that open
// with "§N" get the id the Method links point at, and a link to themselves. Math (```math blocks,
// $`…`$ spans: methodSource.ts) is typeset by KaTeX into its own element through the DOM API.
import { useLayoutEffect, useRef, type MouseEvent, type ReactNode } from 'react';
import Markdown, { type Components } from 'react-markdown';
import remarkGfm from 'remark-gfm';
import katex from 'katex';
import 'katex/dist/katex.min.css';
import { sectionAnchor } from '../MethodLink.tsx';
import { remarkMathMarks } from './methodSource.ts';

function textOf(node: ReactNode): string {
  if (typeof node === 'string' || typeof node === 'number') return String(node);
  if (Array.isArray(node)) return node.map(textOf).join('');
  if (node && typeof node === 'object' && 'props' in node) return textOf((node.props as { children?: ReactNode }).children);
  return '';
}

function headingId(children: ReactNode): string | undefined {
  const m = /^§(\w+)/.exec(textOf(children).trim());
  return m ? sectionAnchor(`§${m[1]}`) : undefined;
}

/** Scrolls to an anchor of the page and puts it in the address bar (the app keeps its ?tab=). */
export function goToAnchor(e: MouseEvent, id: string): void {
  e.preventDefault();
  history.replaceState(null, '', `${location.pathname}${location.search}#${id}`);
  document.getElementById(id)?.scrollIntoView({ block: 'start' });
}

function Heading({ level, children }: { level: 2 | 3; children: ReactNode }) {
  const id = headingId(children);
  const H = level === 2 ? 'h2' : 'h3';
  return (
    <H id={id}>
      {children}
      {id && (
        <a className="heading-anchor" href={`?tab=method#${id}`} onClick={(e) => goToAnchor(e, id)} aria-label={`Link to ${textOf(children)}`} data-testid={`anchor-${id}`}>
          #
        </a>
      )}
    </H>
  );
}

/**
 * TeX typeset by KaTeX (no HTML strings: katex.render builds DOM nodes). The element is KaTeX's
 * alone — React renders it empty and never touches its children; data-tex keeps the source.
 */
function Tex({ tex, display }: { tex: string; display: boolean }) {
  const ref = useRef<HTMLElement>(null);
  useLayoutEffect(() => {
    if (ref.current) katex.render(tex, ref.current, { displayMode: display, throwOnError: false, output: 'htmlAndMathml' });
  }, [tex, display]);
  return display
    ? <div ref={ref as React.RefObject<HTMLDivElement>} className="math-display" data-tex={tex} />
    : <span ref={ref as React.RefObject<HTMLSpanElement>} className="math-inline" data-tex={tex} />;
}

const components: Components = {
  h2: ({ children }) => <Heading level={2}>{children}</Heading>,
  h3: ({ children }) => <Heading level={3}>{children}</Heading>,
  a: ({ href, children }) => <a href={href} target="_blank" rel="noopener noreferrer">{children}</a>,
  // A ```math block arrives as <pre><div class="math-display">: no code box around the formula.
  pre: ({ node, children }) => {
    const first = node?.children[0];
    const math = first?.type === 'element' && first.tagName === 'div' && String(first.properties.className ?? '').includes('math-display');
    return math ? <>{children}</> : <pre>{children}</pre>;
  },
  div: ({ className, children }) => (className === 'math-display' ? <Tex tex={textOf(children)} display /> : <div className={className}>{children}</div>),
  span: ({ className, children }) => (className === 'math-inline' ? <Tex tex={textOf(children)} display={false} /> : <span className={className}>{children}</span>),
};

export function MarkdownView({ source }: { source: string }) {
  return (
    <div className="markdown">
      <Markdown remarkPlugins={[remarkGfm, remarkMathMarks]} components={components} skipHtml>
        {source}
      </Markdown>
    </div>
  );
}
