// The Method page: the project's specification of RePro (docs/repro-method.md, bundled as text by
// Vite's ?raw import) rendered in the app, so every "§N" a tooltip cites can be opened and read.
import { useEffect } from 'react';
import methodMd from '../../../docs/repro-method.md?raw';
import { MarkdownView } from './MarkdownView.tsx';

export function MethodScreen() {
  useEffect(() => {
    const id = location.hash.slice(1);
    if (id) document.getElementById(id)?.scrollIntoView({ block: 'start' });
  }, []);
  return (
    <section className="screen method-screen" aria-labelledby="method-title" data-testid="method-screen">
      <h2 id="method-title" className="visually-hidden">Method</h2>
      <MarkdownView source={methodMd} />
    </section>
  );
}
