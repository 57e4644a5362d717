// The prompt set as verl's RL parquet schema (the layout of verl's examples/data_preprocess, which
// RLHFDataset reads): data_source, prompt (chat messages), ability, reward_model {style, ground_truth},
// extra_info {split, index, id, question, answer}. Written with hyparquet-writer (pure JS, no native
// or wasm code, so the same code runs in the tab and in Node; one dependency, maintained by the
// hyparquet reader's author); tests read it back with parquet-wasm (Rust arrow-rs), an independent reader.
import { parquetWriteBuffer } from 'hyparquet-writer';

export interface VerlPrompt {
  id: string;
  question: string;
  answer: string;
}

export interface VerlRow {
  data_source: string;
  prompt: { role: 'user'; content: string }[];
  ability: string;
  reward_model: { style: 'rule'; ground_truth: string };
  extra_info: { split: string; index: bigint; id: string; question: string; answer: string };
}

/** data_source prefix the plugin's compute_score recognises (python/repro_rl/verl/reward.py). */
export const DATA_SOURCE_PREFIX = 'repro-playground';

export function verlRows(prompts: VerlPrompt[], opts: { name: string; split: string; ability?: string }): VerlRow[] {
  return prompts.map((p, i) => ({
    data_source: `${DATA_SOURCE_PREFIX}/${opts.name}`,
    prompt: [{ role: 'user', content: p.question }],
    ability: opts.ability ?? 'math',
    reward_model: { style: 'rule', ground_truth: p.answer },
    extra_info: { split: opts.split, index: BigInt(i), id: p.id, question: p.question, answer: p.answer },
  }));
}

const str = (name: string) => ({ name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' }) as const;

/** Parquet bytes of the rows (SNAPPY, one schema verl's datasets.load_dataset("parquet") reads). */
export function writeVerlParquet(rows: VerlRow[]): Uint8Array {
  if (rows.length === 0) throw new RangeError('no prompts to export: the prompt set is empty');
  const buf = parquetWriteBuffer({
    columnData: [
      { name: 'data_source', data: rows.map((r) => r.data_source) },
      { name: 'prompt', data: rows.map((r) => r.prompt) },
      { name: 'ability', data: rows.map((r) => r.ability) },
      { name: 'reward_model', data: rows.map((r) => r.reward_model) },
      { name: 'extra_info', data: rows.map((r) => r.extra_info) },
    ],
    schema: [
      { name: 'root', num_children: 5 },
      str('data_source'),
      { name: 'prompt', repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
      { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
      { name: 'element', repetition_type: 'OPTIONAL', num_children: 2 },
      str('content'), str('role'),
      str('ability'),
      { name: 'reward_model', repetition_type: 'OPTIONAL', num_children: 2 },
      str('ground_truth'), str('style'),
      { name: 'extra_info', repetition_type: 'OPTIONAL', num_children: 5 },
      str('answer'), str('id'),
      { name: 'index', type: 'INT64', repetition_type: 'OPTIONAL' },
      str('question'), str('split'),
    ],
    kvMetadata: [{ key: 'created_by', value: 'RePro Playground verl export' }],
  });
  return new Uint8Array(buf);
}
