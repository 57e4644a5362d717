// Prompt-set parsing and exports (pure: no DOM, no WebGPU; runs in Node and in a worker).
export { parsePromptSet, type ParsedPromptSet, type PromptSetError, type PromptSetFormat } from './parsePromptSet.ts';
export { parsePromptBytes, isParquet } from './parsePromptBytes.ts';
export { FIELD_ALIASES, type PromptItem, type FieldMapping, type SchemaName } from './promptItem.ts';
export { extractAnswer, extractGsm8k, extractLastBoxed, type ExtractionRule, type ExtractionChoice } from './answerExtraction.ts';
export { RULE_LABELS, SCHEMA_LABELS, type MappingReport } from './mappingReport.ts';
export { toCsv } from './toCsv.ts';
export { toJson } from './toJson.ts';
export { toJsonl } from './toJsonl.ts';
export { metricsToCsv, metricsToJson, metricsRows, type MetricsHistory } from './metricsHistory.ts';
export {
  inspectionRecordSchema,
  cotBranchSchema,
  type CotBranch,
  parseInspectionRecord,
  serializeInspectionRecord,
  delimiterToSetting,
  delimiterFromSetting,
  type InspectionRecord,
  type DelimiterSetting,
  type ParseInspectionResult,
} from './inspectionRecord.ts';
