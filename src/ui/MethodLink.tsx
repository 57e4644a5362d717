// A link to a section of the Method page (docs/repro-method.md rendered in the app).
import { useSettings } from '../store/settingsStore.ts';

/** '§10' → the heading id the Method page gives that section. */
export function sectionAnchor(section: string): string {
  return `method-s${section.replace(/^§/, '')}`;
}

export function openMethod(section: string | null): void {
  useSettings.getState().setTab('method');
  if (section) {
    history.replaceState(null, '', `${location.pathname}${location.search}#${sectionAnchor(section)}`);
    // the page renders lazily: scroll once the heading exists
    const tryScroll = (n: number) => {
      const el = document.getElementById(sectionAnchor(section));
      if (el) el.scrollIntoView({ block: 'start' });
      else if (n > 0) setTimeout(() => tryScroll(n - 1), 50);
    };
    tryScroll(40);
  }
}

export function MethodLink({ section, children }: { section: string; children?: React.ReactNode }) {
  return (
    <a
      href={`?tab=method#${sectionAnchor(section)}`}
      className="method-link"
      onClick={(e) => {
        e.preventDefault();
        openMethod(section);
      }}
      data-testid={`method-link-${section}`}
    >
      {children ?? `Method ${section}`}
    </a>
  );
}
