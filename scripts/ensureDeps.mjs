// Runs before `npm start` and `npm test` so the README's two commands work on a fresh clone:
// installs the locked dependencies when node_modules is missing or older than the lock file, and
// (for tests) installs Debian's chromium and the Python test packages when run as root on
// Debian/Ubuntu, or says exactly what to install when Chromium is missing.
import { execSync, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const lock = 'package-lock.json';
const installed = 'node_modules/.package-lock.json';
if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs) {
  console.log('Installing dependencies (npm ci) …');
  execSync('npm ci --no-audit --no-fund', { stdio: 'inherit' });
}

if (process.argv.includes('--chromium')) {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  // On Debian/Ubuntu as root (a fresh CI box, a container) install it; anyone else gets the command.
  const canApt = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
  if (!existsSync(path) && canApt && !process.env.CHROMIUM_PATH) {
    console.log('No Chromium found: installing Debian chromium (apt-get) for the WebGPU and end-to-end tests …');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execSync('apt-get update -qq && apt-get install -y -qq chromium', { stdio: 'inherit', env });
  }
  if (!existsSync(path)) {
    console.error(
      `No Chromium at ${path}. The GPU and end-to-end tests run in headless Chromium with WebGPU.\n` +
        'Install it (Debian/Ubuntu: sudo apt-get install chromium) or point CHROMIUM_PATH at a Chromium-based browser.',
    );
    process.exit(1);
  }
  // The Python package's tests (npm run test:python) use Debian's python3 with these packages.
  const pyOk = spawnSync('/usr/bin/python3', ['-c', 'import numpy, torch, pytest, omegaconf'], { stdio: 'ignore' }).status === 0;
  if (!pyOk && canApt && !process.env.PYTHON) {
    console.log('Installing Debian python3-numpy python3-torch python3-pytest python3-omegaconf (apt-get) for python/tests …');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execSync('apt-get update -qq && apt-get install -y -qq python3 python3-numpy python3-torch python3-pytest python3-omegaconf', { stdio: 'inherit', env });
  }
}
