// Header: title, the tab list (arrow keys move between tabs), backend badge and theme toggle.
import { useRef, type KeyboardEvent } from 'react';
import { TABS, type Tab } from '../store/settings.ts';
import { useSettings, type ThemeChoice } from '../store/settingsStore.ts';
import { BackendBadge } from './BackendBadge.tsx';
import { CopyLinkButton } from './CopyLinkButton.tsx';

const LABELS: Record<Tab, string> = { status: 'Status', inspector: 'Inspector', batch: 'Batch', training: 'Training', method: 'Method' };
const THEMES: ThemeChoice[] = ['system', 'light', 'dark'];

export function Header() {
  const tab = useSettings((s) => s.settings.tab);
  const setTab = useSettings((s) => s.setTab);
  const theme = useSettings((s) => s.theme);
  const setTheme = useSettings((s) => s.setTheme);
  const refs = useRef<(HTMLButtonElement | null)[]>([]);

  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const i = TABS.indexOf(tab);
    let next = -1;
    if (e.key === 'ArrowRight') next = (i + 1) % TABS.length;
    else if (e.key === 'ArrowLeft') next = (i + TABS.length - 1) % TABS.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = TABS.length - 1;
    if (next < 0) return;
    e.preventDefault();
    setTab(TABS[next]);
    refs.current[next]?.focus();
  };

  return (
    <header className="app-header">
      <h1>RePro Playground</h1>
      <div role="tablist" aria-label="Screens" className="tabs" onKeyDown={onKey}>
        {TABS.map((t, i) => (
          <button
            key={t}
            ref={(el) => {
              refs.current[i] = el;
            }}
            type="button"
            role="tab"
            id={`tab-${t}`}
            aria-selected={t === tab}
            aria-controls={`panel-${t}`}
            tabIndex={t === tab ? 0 : -1}
            className={t === tab ? 'tab active' : 'tab'}
            onClick={() => setTab(t)}
            data-testid={`tab-${t}`}
          >
            {LABELS[t]}
          </button>
        ))}
      </div>
      <div className="header-right">
        <CopyLinkButton />
        <BackendBadge />
        <label className="theme-select">
          Theme{' '}
          <select value={theme} onChange={(e) => setTheme(e.target.value as ThemeChoice)} data-testid="theme-select">
            {THEMES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
      </div>
    </header>
  );
}
