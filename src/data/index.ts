// Prompt-set parsing and exports (pure: no DOM, no WebGPU; runs in Node and in a worker).
export { parsePromptSet, type ParsedPromptSet, type PromptSetError, type PromptSetFormat } from './parsePromptSet.ts';
export { FIELD_ALIASES, type PromptItem } from './promptItem.ts';
export { toCsv } from './toCsv.ts';
export { toJson } from './toJson.ts';
export {
  inspectionRecordSchema,
  parseInspectionRecord,
  serializeInspectionRecord,
  delimiterToSetting,
  delimiterFromSetting,
  type InspectionRecord,
  type DelimiterSetting,
  type ParseInspectionResult,
} from './inspectionRecord.ts';
