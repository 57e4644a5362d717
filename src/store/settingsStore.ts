// Settings (shareable through the URL) and the theme (kept in localStorage, not shared).
import { create } from 'zustand';
import { settingsFromQuery, settingsToQuery, type Settings, type Tab } from './settings.ts';
import { linkViewErrors } from './linkView.ts';

export type ThemeChoice = 'system' | 'light' | 'dark';
const THEME_KEY = 'repro-playground.theme';

function initialTheme(): ThemeChoice {
  try {
    const t = localStorage.getItem(THEME_KEY);
    if (t === 'light' || t === 'dark' || t === 'system') return t;
  } catch {
    // storage blocked (private mode): fall through to the system theme
  }
  return 'system';
}

interface SettingsState {
  settings: Settings;
  /** Query parameters that were ignored when the page loaded, with the reason. */
  urlErrors: string[];
  theme: ThemeChoice;
  update(patch: Partial<Settings>): void;
  setTab(tab: Tab): void;
  setTheme(theme: ThemeChoice): void;
}

const initial = settingsFromQuery(typeof location === 'undefined' ? '' : location.search);

function writeUrl(s: Settings): void {
  const q = settingsToQuery(s);
  history.replaceState(null, '', `${location.pathname}${q ? `?${q}` : ''}${location.hash}`);
}

export const useSettings = create<SettingsState>((set, get) => ({
  settings: initial.settings,
  urlErrors: [...initial.errors, ...linkViewErrors()],
  theme: initialTheme(),
  update(patch) {
    const settings = { ...get().settings, ...patch };
    set({ settings });
    writeUrl(settings);
  },
  setTab(tab) {
    get().update({ tab });
  },
  setTheme(theme) {
    try {
      localStorage.setItem(THEME_KEY, theme);
    } catch {
      // not persisted; still applied for this session
    }
    set({ theme });
  },
}));
