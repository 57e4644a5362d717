// npm run test:python: the Python package's tests (python/tests, pytest) on an interpreter that has
// numpy, torch, pytest and omegaconf (Debian's /usr/bin/python3 with python3-numpy, python3-torch,
// python3-pytest, python3-omegaconf; or $PYTHON). Exits with pytest's status, so npm test fails with it.
import { spawnSync } from 'node:child_process';

const NEEDS = 'import numpy, torch, pytest, omegaconf';
const candidates = [process.env.PYTHON, '/usr/bin/python3', 'python3'].filter(Boolean);
const python = candidates.find((p) => spawnSync(p, ['-c', NEEDS], { stdio: 'ignore' }).status === 0);
if (!python) {
  console.error(
    `test:python: no Python among ${candidates.join(', ')} can ${NEEDS}.\n` +
      '  Debian/Ubuntu: apt-get install -y python3-numpy python3-torch python3-pytest python3-omegaconf (or set PYTHON=…)',
  );
  process.exit(1);
}
const r = spawnSync(python, ['-m', 'pytest', 'python/tests', '-q', '-ra', '-p', 'no:cacheprovider'], { stdio: 'inherit' });
process.exit(r.status ?? 1);
