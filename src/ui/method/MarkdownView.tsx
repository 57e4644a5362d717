// Markdown rendered as React elements (react-markdown + GFM tables), never as an HTML string: raw
// HTML in the source is not rendered and unsafe link protocols are dropped. Headings that open
// with "§N" get the id the Method links point at.
import type { ReactNode } from 'react';
import Markdown, { type Components } from 'react-markdown';
import remarkGfm from 'remark-gfm';
import { sectionAnchor } from '../MethodLink.tsx';

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

const components: Components = {
  h2: ({ children }) => <h2 id={headingId(children)}>{children}</h2>,
  h3: ({ children }) => <h3 id={headingId(children)}>{children}</h3>,
  a: ({ href, children }) => <a href={href} target="_blank" rel="noopener noreferrer">{children}</a>,
};

export function MarkdownView({ source }: { source: string }) {
  return (
    <div className="markdown">
      <Markdown remarkPlugins={[remarkGfm]} components={components} skipHtml>
        {source}
      </Markdown>
    </div>
  );
}
