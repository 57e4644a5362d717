// Runs before `npm start` (scripts/start.mjs) and `npm test` so the README's two commands work on a
// fresh clone: installs the locked dependencies when node_modules does not hold what the lock file
// names, and (for tests) installs Debian's chromium and the Python test packages when run as root
// on Debian/Ubuntu, or says exactly what to install when Chromium is missing.
// The install is quiet: one line while it runs (npm's own output, EBADENGINE warnings from an npm
// on an older Node included, only when it fails).
import { execSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/**
 * What the lock file names that node_modules lacks (npm's hidden lock file, written by every
 * install, lists what is there): '' when everything is installed. Compared by content, not by
 * file times, which a checkout or a copy changes without changing what is installed.
 */
export function missingDependencies(root = '.') {
  const hidden = `${root}/node_modules/.package-lock.json`;
  if (!existsSync(hidden)) return 'node_modules is missing';
  const want = JSON.parse(readFileSync(`${root}/package-lock.json`, 'utf8')).packages ?? {};
  const have = JSON.parse(readFileSync(hidden, 'utf8')).packages ?? {};
  for (const [path, entry] of Object.entries(want)) {
    if (path === '' || !path.startsWith('node_modules/') || entry.optional) continue; // optional: platform-specific builds
    if (have[path]?.version !== entry.version) return `${path.slice('node_modules/'.length)} ${entry.version} is not installed`;
  }
  return '';
}

/** Installs the locked dependencies if needed; returns whether it did. Exits on failure, with npm's output. */
export function ensureDependencies() {
  const missing = missingDependencies();
  if (missing === '') return false;
  const t0 = Date.now();
  process.stdout.write(`Installing the locked dependencies (${missing}; npm ci, a minute or two the first time) … `);
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { encoding: 'utf8', shell: process.platform === 'win32' });
  if (r.status !== 0) {
    process.stdout.write('failed.\n');
    process.stderr.write(`${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}\n`);
    process.exit(r.status ?? 1);
  }
  process.stdout.write(`done in ${Math.round((Date.now() - t0) / 1000)} s.\n`);
  return true;
}

function ensureTestTools() {
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

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  ensureDependencies();
  if (process.argv.includes('--chromium')) ensureTestTools();
}
