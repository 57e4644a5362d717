// "Export for verl": the prompt set as verl's parquet schema, the Hydra config, run.sh and a README
// (docs/scale-out.md). Pure: runs in the tab and in Node (npm run export:verl).
export { buildVerlExport, zipExport, exportName, type ExportFile, type VerlExportInput } from './bundle.ts';
export { verlRows, writeVerlParquet, DATA_SOURCE_PREFIX, type VerlPrompt, type VerlRow } from './dataset.ts';
export { overridesObject, overridesYaml, CONFIG_NAME } from './overrides.ts';
export {
  defaultVerlSettings, expectedGpus, paramsFromModelId, parseVerlSettings, ESTIMATORS,
  type Estimator, type ReproBlock, type VerlRunSettings,
} from './settings.ts';
export { batchExportSettings, batchPrompts, clusterModelId, trainingExportSettings, trainingPrompts } from './fromTab.ts';
