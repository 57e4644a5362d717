// Applies the theme choice to <html data-theme>, following prefers-color-scheme for 'system'.
import { useEffect, useState } from 'react';
import { useSettings } from '../store/settingsStore.ts';

export type AppliedTheme = 'light' | 'dark';

function systemTheme(): AppliedTheme {
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function useAppliedTheme(): AppliedTheme {
  const choice = useSettings((s) => s.theme);
  const [system, setSystem] = useState<AppliedTheme>(systemTheme);
  useEffect(() => {
    const mq = window.matchMedia?.('(prefers-color-scheme: dark)');
    if (!mq) return;
    const onChange = () => setSystem(mq.matches ? 'dark' : 'light');
    mq.addEventListener('change', onChange);
    return () => mq.removeEventListener('change', onChange);
  }, []);
  const applied = choice === 'system' ? system : choice;
  useEffect(() => {
    document.documentElement.dataset.theme = applied;
  }, [applied]);
  return applied;
}
