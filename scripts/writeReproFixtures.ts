// Writes python/tests/fixtures/repro_math.json from the TypeScript RePro math (npm run fixtures:python).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { buildReproFixtures } from './lib/reproFixtures.ts';
import { VERL_FIXTURE_DIR, verlFixtureExport } from './lib/verlFixture.ts';

export const REPRO_MATH_FIXTURE = 'python/tests/fixtures/repro_math.json';

const text = JSON.stringify(buildReproFixtures()) + '\n';
writeFileSync(REPRO_MATH_FIXTURE, text);
console.log(`wrote ${REPRO_MATH_FIXTURE} (${(text.length / 1024).toFixed(0)} KiB)`);

for (const f of verlFixtureExport()) {
  const path = `${VERL_FIXTURE_DIR}/${f.path}`;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, f.bytes);
}
console.log(`wrote ${VERL_FIXTURE_DIR}/`);
