// Runs before `npm start` and `npm test` so the README's two commands work on a fresh clone:
// installs the locked dependencies when node_modules is missing or older than the lock file, and
// (for tests) says exactly what to install when no Chromium is found.
import { execSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const lock = 'package-lock.json';
const installed = 'node_modules/.package-lock.json';
if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs) {
  console.log('Installing dependencies (npm ci) …');
  execSync('npm ci --no-audit --no-fund', { stdio: 'inherit' });
}

if (process.argv.includes('--chromium')) {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(path)) {
    console.error(
      `No Chromium at ${path}. The GPU and end-to-end tests run in headless Chromium with WebGPU.\n` +
        'Install it (Debian/Ubuntu: sudo apt-get install chromium) or point CHROMIUM_PATH at a Chromium-based browser.',
    );
    process.exit(1);
  }
}
