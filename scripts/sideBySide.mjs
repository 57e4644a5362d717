// npm test's first step: `node scripts/sideBySide.mjs typecheck lint` runs those npm scripts at the
// same time. tsc and eslint are one single-threaded process each, so on a 2-core machine the pair
// takes about as long as the slower one instead of their sum. (test:python stays npm test's last
// step: pytest's summary is the log's last line.) Output is printed per script when it ends (not
// interleaved); exits non-zero if any fails, so npm test stops as it did when they ran in a row.
import { spawn } from 'node:child_process';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const scripts = process.argv.slice(2);
if (scripts.length === 0) {
  console.error('usage: node scripts/sideBySide.mjs <npm script>…');
  process.exit(2);
}

function run(script) {
  return new Promise((done) => {
    const t0 = Date.now();
    const child = spawn(npm, ['run', '--silent', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    child.stdout.on('data', (b) => out.push(b));
    child.stderr.on('data', (b) => out.push(b));
    child.on('close', (code, signal) => {
      const s = ((Date.now() - t0) / 1000).toFixed(1);
      process.stdout.write(`\n> npm run ${script} (${s} s): ${code === 0 ? 'ok' : `failed (${signal ?? code})`}\n`);
      process.stdout.write(Buffer.concat(out));
      done(code === 0);
    });
    child.on('error', (e) => {
      process.stdout.write(`\n> npm run ${script}: ${e.message}\n`);
      done(false);
    });
  });
}

const results = await Promise.all(scripts.map(run));
process.exit(results.every(Boolean) ? 0 : 1);
