// The sides a comparison can be built from (issue #17 §3), each with the analysis settings of its
// own inspection, so the compare view shows the numbers that inspection shows. Pure.
import type { CompareItem } from '../analysis/compareCots.ts';
import type { AnalysisSettings } from '../analysis/inspectionAnalysis.ts';
import { parseInspectionRecord, type InspectionRecord } from '../data/index.ts';
import { overthinkingMetrics, type Trajectory } from '../repro/index.ts';
import type { Settings } from './settings.ts';
import { settingsFromRecord } from './inspectionRecordOf.ts';

export function analysisSettingsOf(s: Pick<Settings, 'topK' | 'w' | 'eps' | 'markers'>): AnalysisSettings {
  return { topK: s.topK, w: s.w, eps: s.eps, markers: s.markers };
}

/** A trajectory scored now, analysed with the settings in force (the current inspection, a fresh sample). */
export function itemOf(label: string, t: Trajectory, s: AnalysisSettings, weights?: string): CompareItem {
  return { label, trajectory: t, metrics: overthinkingMetrics(t, { w: s.w, eps: s.eps, markers: s.markers }), settings: s, weights };
}

/**
 * A saved inspection as it opens: the record's topK, w and ε (settingsFromRecord), the markers in
 * force (records do not store them), and the metrics the record holds.
 */
export function itemFromRecord(label: string, r: InspectionRecord, markers: readonly string[]): CompareItem {
  const restored = settingsFromRecord(r);
  const settings: AnalysisSettings = { topK: restored.topK ?? 0, w: r.settings.w, eps: r.settings.eps, markers };
  return { label, trajectory: r.trajectory, metrics: r.metrics, settings, weights: `${r.model.id} (${r.model.backend})` };
}

/** Parses a saved inspection's JSON into an item; throws with the record's issues. */
export function itemFromRecordJson(label: string, json: string, markers: readonly string[]): CompareItem {
  const parsed = parseInspectionRecord(json);
  if (!parsed.ok) throw new Error(`${label}: ${parsed.error}`);
  return itemFromRecord(label, parsed.record, markers);
}
