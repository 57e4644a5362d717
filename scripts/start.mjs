// `npm start`: a quiet start. Installs the locked dependencies if needed (one line), then runs the
// dev server on the project's own Node (the `node` package in node_modules — Vite 8 needs Node
// ≥ 22.12, and npm may run on an older one), says once which Node that is, and prints what a user
// needs: the URL and what loads when the page opens. Vite's own chatter is kept to warnings.
import { spawnSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { ensureDependencies } from './ensureDeps.mjs';

const ROOT = resolve(fileURLToPath(import.meta.url), '../..');
process.chdir(ROOT);
ensureDependencies();

const projectNode = resolve(ROOT, 'node_modules/node/bin/node');
const onProjectNode = existsSync(projectNode) && realpathSync(process.execPath) === realpathSync(projectNode);
if (!onProjectNode && existsSync(projectNode)) {
  // Run this script again on the project's Node, telling it which Node npm used.
  const r = spawnSync(projectNode, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, REPRO_STARTED_ON: process.version },
  });
  process.exit(r.status ?? 1);
}

// npm names the Node it runs on in its user agent ("npm/11.1.0 node/v20.20.2 linux x64 …").
const startedOn = process.env.REPRO_STARTED_ON ?? /\bnode\/(v[\d.]+)/.exec(process.env.npm_config_user_agent ?? '')?.[1];
console.log(
  `RePro Playground — the app runs on Node ${process.version}` +
    (onProjectNode ? ' (the project\'s own, node_modules/node)' : ' (node_modules/node is missing: the Node that started npm)') +
    (startedOn && startedOn !== process.version ? `; npm itself runs on ${startedOn}.` : '.'),
);

const { createServer } = await import('vite');
const server = await createServer({ configFile: resolve(ROOT, 'vite.config.ts'), root: ROOT, logLevel: 'warn', clearScreen: false });
await server.listen();
const url = server.resolvedUrls?.local[0] ?? `http://127.0.0.1:${server.config.server.port}/`;
console.log(`
  ➜  Open ${url}

  Loading when the page opens: the app (the first visit waits a few seconds while Vite prepares
  its dependencies), then the Status screen's WebGPU check. The bundled toy model (under 1 MB)
  loads in the tab when you pick it, or in one click from "Try this".
  Ctrl+C stops the server.
`);
