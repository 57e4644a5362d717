// Writes python/tests/fixtures/repro_math.json from the TypeScript RePro math (npm run fixtures:python).
import { writeFileSync } from 'node:fs';
import { buildReproFixtures } from './lib/reproFixtures.ts';

export const REPRO_MATH_FIXTURE = 'python/tests/fixtures/repro_math.json';

const text = JSON.stringify(buildReproFixtures()) + '\n';
writeFileSync(REPRO_MATH_FIXTURE, text);
console.log(`wrote ${REPRO_MATH_FIXTURE} (${(text.length / 1024).toFixed(0)} KiB)`);
