// The app's shareable settings as one serialisable object that round-trips through the URL
// query string (share a link to an inspection setting). Pure: no DOM, runs in Node.
import { DEFAULT_BACKTRACKING_MARKERS, DEFAULT_EPS, DEFAULT_W } from '../repro/index.ts';

export const TABS = ['status', 'inspector', 'batch', 'training', 'method'] as const;
export type Tab = (typeof TABS)[number];

export interface Settings {
  tab: Tab;
  /** Probe text between CoT prefix and answer (repro-method.md §3); null = the model's default. */
  probe: string | null;
  /** Segment delimiter (repro-method.md §2); '' = the default blank-line RegExp. */
  delimiter: string;
  /** Interpret `delimiter` as a RegExp source (flags none) rather than a literal string. */
  delimiterIsRegex: boolean;
  /** Segments kept by entropy (repro-method.md §7); 0 = all segments (the full trajectory). */
  topK: number;
  /** Magnitude weight w in S = w·S_magn + (1−w)·S_stab (repro-method.md §6). */
  w: number;
  /** ε of the magnitude normaliser (repro-method.md §4). */
  eps: number;
  /** Backtracking markers (repro-method.md §10). */
  markers: string[];
  /** Alternatives kept per CoT token when scoring (the token lens, issue #17 §1), 1…20. */
  lensK: number;
  /** Sampling for CoT generation. */
  temperature: number;
  topP: number;
  samplingTopK: number;
  maxNewTokens: number;
  seed: number;
}

export const DEFAULT_SETTINGS: Settings = {
  tab: 'status',
  probe: null,
  delimiter: '',
  delimiterIsRegex: false,
  topK: 0,
  w: DEFAULT_W,
  eps: DEFAULT_EPS,
  markers: [...DEFAULT_BACKTRACKING_MARKERS],
  lensK: 10,
  temperature: 0.7,
  topP: 0.95,
  samplingTopK: 0,
  maxNewTokens: 256,
  seed: 1,
};

type NumKey = 'topK' | 'w' | 'eps' | 'lensK' | 'temperature' | 'topP' | 'samplingTopK' | 'maxNewTokens' | 'seed';
/** Allowed range and integrality of each numeric setting. */
const NUMERIC: Record<NumKey, { min: number; max: number; int: boolean }> = {
  topK: { min: 0, max: 100_000, int: true },
  w: { min: 0, max: 1, int: false },
  eps: { min: 0, max: 1, int: false },
  lensK: { min: 1, max: 20, int: true },
  temperature: { min: 0, max: 10, int: false },
  topP: { min: 0, max: 1, int: false },
  samplingTopK: { min: 0, max: 1_000_000, int: true },
  maxNewTokens: { min: 1, max: 32_768, int: true },
  seed: { min: 0, max: 2 ** 32 - 1, int: true },
};

/** Check one numeric setting; throws a RangeError naming the setting. */
export function checkNumericSetting(key: NumKey, value: number): number {
  const spec = NUMERIC[key];
  if (!Number.isFinite(value)) throw new RangeError(`setting ${key}: ${value} is not a finite number`);
  if (spec.int && !Number.isInteger(value)) throw new RangeError(`setting ${key}: ${value} is not an integer`);
  if (value < spec.min || value > spec.max) {
    throw new RangeError(`setting ${key}: ${value} is outside [${spec.min}, ${spec.max}]`);
  }
  return value;
}

/**
 * The screens the scoring and sampling settings belong to: a link to any other screen carries none
 * of them (the inspector's seed does not leak into a training link).
 */
export const SCREENS_WITH_SETTINGS: readonly Tab[] = ['inspector', 'batch'];

/** Only the settings that differ from the defaults go into the URL, so links stay short. */
export function settingsToQuery(s: Settings): string {
  const q = new URLSearchParams();
  if (s.tab !== DEFAULT_SETTINGS.tab) q.set('tab', s.tab);
  if (!SCREENS_WITH_SETTINGS.includes(s.tab)) return q.toString();
  if (s.probe !== null) q.set('probe', s.probe);
  if (s.delimiter !== '') q.set('delim', s.delimiter);
  if (s.delimiterIsRegex) q.set('delimRe', '1');
  for (const key of Object.keys(NUMERIC) as NumKey[]) {
    if (s[key] !== DEFAULT_SETTINGS[key]) q.set(key, String(s[key]));
  }
  if (s.markers.join('\n') !== DEFAULT_SETTINGS.markers.join('\n')) q.set('markers', JSON.stringify(s.markers));
  return q.toString();
}

export interface ParsedSettings {
  settings: Settings;
  /** One message per query parameter that was ignored, naming it. */
  errors: string[];
}

/** Read settings from a query string; bad values are reported and fall back to the default. */
export function settingsFromQuery(query: string): ParsedSettings {
  const q = new URLSearchParams(query);
  const s: Settings = { ...DEFAULT_SETTINGS, markers: [...DEFAULT_SETTINGS.markers] };
  const errors: string[] = [];
  const tab = q.get('tab');
  if (tab !== null) {
    if ((TABS as readonly string[]).includes(tab)) s.tab = tab as Tab;
    else errors.push(`tab: unknown tab "${tab}"`);
  }
  const probe = q.get('probe');
  if (probe !== null) s.probe = probe;
  const delim = q.get('delim');
  if (delim !== null) s.delimiter = delim;
  s.delimiterIsRegex = q.get('delimRe') === '1';
  if (s.delimiterIsRegex) {
    try {
      new RegExp(s.delimiter);
    } catch (e) {
      errors.push(`delim: invalid RegExp (${(e as Error).message})`);
      s.delimiter = '';
      s.delimiterIsRegex = false;
    }
  }
  for (const key of Object.keys(NUMERIC) as NumKey[]) {
    const raw = q.get(key);
    if (raw === null) continue;
    try {
      s[key] = checkNumericSetting(key, raw.trim() === '' ? NaN : Number(raw));
    } catch (e) {
      errors.push((e as Error).message);
    }
  }
  const markers = q.get('markers');
  if (markers !== null) {
    try {
      const parsed: unknown = JSON.parse(markers);
      if (!Array.isArray(parsed)) throw new TypeError('not an array');
      parsed.forEach((m, i) => {
        if (typeof m !== 'string') throw new TypeError(`markers[${i}] is not a string`);
      });
      s.markers = parsed as string[];
    } catch (e) {
      errors.push(`markers: ${(e as Error).message}`);
    }
  }
  return { settings: s, errors };
}

export { delimiterOf } from '../analysis/delimiter.ts';
