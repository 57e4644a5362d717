// Building an inspection record (src/data/inspectionRecord.ts) from the inspector's state, and
// the settings a record carries back. Pure.
import { delimiterToSetting, type CotBranch, type InspectionRecord } from '../data/index.ts';
import { DEFAULT_DELIMITER, overthinkingMetrics, type Trajectory } from '../repro/index.ts';
import { delimiterOf, type Settings } from './settings.ts';

export interface RecordContext {
  trajectory: Trajectory;
  settings: Settings;
  model: { id: string; backend: string };
  generated?: { correct: boolean; answerText: string };
  createdAt?: Date;
  /** Branches of this CoT (issue #17 §2); written only when there are some. */
  branches?: CotBranch[];
}

export function inspectionRecordOf(c: RecordContext): InspectionRecord {
  const { trajectory: t, settings: s } = c;
  const K = t.segments.length;
  return {
    version: 1,
    createdAt: (c.createdAt ?? new Date()).toISOString(),
    model: { id: c.model.id || 'unknown', backend: c.model.backend || 'unknown' },
    settings: {
      probe: t.probe,
      delimiter: delimiterToSetting(delimiterOf(s) ?? DEFAULT_DELIMITER),
      // topK 0 means "all segments" in the UI; the record states it as K (repro-method.md §7).
      topK: s.topK === 0 ? Math.max(1, K) : s.topK,
      w: s.w,
      eps: s.eps,
    },
    trajectory: t,
    metrics: overthinkingMetrics(t, { w: s.w, eps: s.eps, markers: s.markers }),
    ...(c.generated ? { generated: c.generated } : {}),
    ...(c.branches && c.branches.length > 0 ? { branches: c.branches } : {}),
  };
}

/** The settings patch a record restores (topK ≥ K means all: shown as 0). */
export function settingsFromRecord(r: InspectionRecord): Partial<Settings> {
  const d = r.settings.delimiter;
  const K = r.trajectory.segments.length;
  const isDefault = d.kind === 'regexp' && d.source === DEFAULT_DELIMITER.source;
  return {
    probe: r.settings.probe,
    delimiter: isDefault ? '' : d.kind === 'string' ? d.value : d.source,
    delimiterIsRegex: !isDefault && d.kind === 'regexp',
    topK: r.settings.topK >= K ? 0 : r.settings.topK,
    w: r.settings.w,
    eps: r.settings.eps,
  };
}
