// The Method page: the project's specification of RePro (docs/repro-method.md, bundled as text by
// Vite's ?raw import) rendered in the app like a paper — formulas typeset, a table of contents, a
// link on every section — so every "§N" a tooltip cites can be opened and read. Notes meant for
// contributors stay in the file (methodSource.ts userView).
import { useEffect, useMemo } from 'react';
import methodMd from '../../../docs/repro-method.md?raw';
import { MarkdownView, goToAnchor } from './MarkdownView.tsx';
import { tableOfContents, userView } from './methodSource.ts';
import { sectionAnchor } from '../MethodLink.tsx';

export function MethodScreen() {
  const source = useMemo(() => userView(methodMd), []);
  const toc = useMemo(() => tableOfContents(source).filter((e) => e.level === 2), [source]);
  useEffect(() => {
    const id = location.hash.slice(1);
    if (id) document.getElementById(id)?.scrollIntoView({ block: 'start' });
  }, []);
  return (
    <section className="screen method-screen" aria-labelledby="method-title" data-testid="method-screen">
      <h2 id="method-title" className="visually-hidden">Method</h2>
      <nav className="method-toc card" aria-label="Contents" data-testid="method-toc">
        <strong>Contents</strong>
        <ol>
          {toc.map((e) => {
            const id = e.section ? sectionAnchor(e.section) : null;
            return (
              <li key={e.title}>
                {id ? <a href={`?tab=method#${id}`} onClick={(ev) => goToAnchor(ev, id)}>{e.title}</a> : e.title}
              </li>
            );
          })}
        </ol>
      </nav>
      <MarkdownView source={source} />
    </section>
  );
}
