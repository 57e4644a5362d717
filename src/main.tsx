// Entry point: mount the app. Everything else lives in src/ui (screens), src/store (state) and
// src/worker (model + GPU work, off the main thread).
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './ui/App.tsx';
import './ui/theme.css';

if (import.meta.env.DEV) void import('./ui/debugHook.ts').then((m) => m.installDebugHook());

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
