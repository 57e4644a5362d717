// Writes the toy model's Hugging Face tokenizer files from src/task (run: npx tsx scripts/writeToyTokenizer.ts).
import { mkdirSync, writeFileSync } from 'node:fs';
import { toHfTokenizerConfig, toHfTokenizerJson } from '../src/task/tokenizer.ts';

const dir = new URL('../public/models/toy-reasoner/', import.meta.url);
mkdirSync(dir, { recursive: true });
for (const [name, content] of [['tokenizer.json', toHfTokenizerJson()], ['tokenizer_config.json', toHfTokenizerConfig()]] as const) {
  writeFileSync(new URL(name, dir), JSON.stringify(content, null, 2) + '\n');
  console.log(`wrote public/models/toy-reasoner/${name}`);
}
