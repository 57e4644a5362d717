// Entry point: mount the app. Everything else lives in src/ui (screens), src/store (state) and
// src/worker (model + GPU work, off the main thread).
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './ui/App.tsx';
import './ui/theme.css';

if (import.meta.env.DEV) void import('./ui/debugHook.ts').then((m) => m.installDebugHook());
// The built site works offline and is cross-origin isolated on any host (src/site/sw.ts).
if (import.meta.env.PROD) void import('./site/registerSw.ts').then((m) => m.registerSiteWorker());

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
// After the first screen is up: compile recharts' code paths, a piece per idle task, before the
// first real chart needs them (src/ui/chartWarmup.tsx).
void import('./ui/chartWarmup.tsx').then((m) => m.warmUpCharts());
