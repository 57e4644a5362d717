// The app shell: header (title, tabs, backend badge, theme toggle) and the current screen.
import { lazy, Suspense, useEffect, type ComponentType } from 'react';
import { useSettings } from '../store/settingsStore.ts';
import { StatusScreen } from './status/StatusScreen.tsx';
import { Header } from './Header.tsx';
import { ErrorBoundary } from './ErrorBoundary.tsx';
import { useAppliedTheme } from './useAppliedTheme.ts';

// The Training screen belongs to another module; glob so the app still builds without it.
const trainingModules = import.meta.glob<{ TrainingScreen: ComponentType }>('./training/TrainingScreen.tsx');
const loadTraining = trainingModules['./training/TrainingScreen.tsx'];
const TrainingScreen = loadTraining
  ? lazy(() => loadTraining().then((m) => ({ default: m.TrainingScreen })))
  : () => (
      <section className="screen">
        <h2>Training</h2>
        <p>The training screen is not part of this build yet.</p>
      </section>
    );
const InspectorScreen = lazy(() => import('./inspector/InspectorScreen.tsx').then((m) => ({ default: m.InspectorScreen })));
const MethodScreen = lazy(() => import('./method/MethodScreen.tsx').then((m) => ({ default: m.MethodScreen })));
const BatchScreen = lazy(() => import('./batch/BatchScreen.tsx').then((m) => ({ default: m.BatchScreen })));

export function App() {
  const tab = useSettings((s) => s.settings.tab);
  const urlErrors = useSettings((s) => s.urlErrors);
  useAppliedTheme();
  useEffect(() => {
    document.title = `RePro Playground — ${tab[0].toUpperCase()}${tab.slice(1)}`;
  }, [tab]);
  return (
    <div className="app">
      <Header />
      <main id={`panel-${tab}`} role="tabpanel" aria-labelledby={`tab-${tab}`} tabIndex={-1}>
        {urlErrors.length > 0 && (
          <p className="warning" role="status" data-testid="url-errors">
            Some link settings were ignored: {urlErrors.join('; ')}
          </p>
        )}
        <ErrorBoundary key={tab}>
          <Suspense fallback={<p className="screen">Loading…</p>}>
            {tab === 'status' && <StatusScreen />}
            {tab === 'inspector' && <InspectorScreen />}
            {tab === 'batch' && <BatchScreen />}
            {tab === 'training' && <TrainingScreen />}
            {tab === 'method' && <MethodScreen />}
          </Suspense>
        </ErrorBoundary>
      </main>
    </div>
  );
}
