// The "how were the fields read" part of a parse report: counts per schema, per source field and
// per extraction rule, so the user sees (and can override) what became the question and answer.
import type { ExtractionRule } from './answerExtraction.ts';
import type { FieldMapping, ItemMapping, SchemaName } from './promptItem.ts';
import { fieldPaths } from './recordFields.ts';

export type MappedPart = 'question' | 'answer' | 'referenceCot' | 'cot' | 'id';

export interface MappingReport {
  /** Records read under each recognised schema. */
  schemas: Partial<Record<SchemaName, number>>;
  /** For each part, the source field (path) → how many items took it from there. */
  fields: Record<MappedPart, Record<string, number>>;
  /** Items whose answer each extraction rule produced. */
  rules: Partial<Record<ExtractionRule, number>>;
  /** Field paths seen in the first records: the choices an override offers. */
  fieldPaths: string[];
  /** The override the set was parsed with ({} = automatic). */
  applied: FieldMapping;
}

/** Records sampled for the field-path list (enough to see optional fields, cheap on big files). */
const SAMPLED = 50;

export class MappingTally {
  private readonly report: MappingReport;
  private readonly sample: unknown[] = [];

  constructor(applied: FieldMapping) {
    this.report = { schemas: {}, fields: { question: {}, answer: {}, referenceCot: {}, cot: {}, id: {} }, rules: {}, fieldPaths: [], applied };
  }

  see(record: unknown): void {
    if (this.sample.length < SAMPLED) this.sample.push(record);
  }

  add(m: ItemMapping): void {
    const r = this.report;
    r.schemas[m.schema] = (r.schemas[m.schema] ?? 0) + 1;
    r.rules[m.rule] = (r.rules[m.rule] ?? 0) + 1;
    for (const part of ['question', 'answer', 'referenceCot', 'cot', 'id'] as const) {
      const path = m[part];
      if (path !== undefined) r.fields[part][path] = (r.fields[part][path] ?? 0) + 1;
    }
  }

  done(): MappingReport {
    return { ...this.report, fieldPaths: fieldPaths(this.sample) };
  }
}

export const RULE_LABELS: Record<ExtractionRule, string> = {
  'gsm8k-####': 'text after the last "####" (GSM8K; thousands commas removed)',
  'last-boxed': 'contents of the last \\boxed{…} (MATH)',
  'whole-field': 'the whole field',
};

export const SCHEMA_LABELS: Record<SchemaName, string> = {
  fields: 'plain fields',
  gsm8k: 'GSM8K (answer with "#### x")',
  math: 'MATH (solution with \\boxed{…})',
  'trl-conversational': 'TRL conversational (prompt messages)',
  'chat-messages': 'chat messages',
  verl: 'verl (prompt messages + reward_model.ground_truth)',
};
