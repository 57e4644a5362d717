// Chart colours per theme (recharts draws SVG attributes, so give it concrete colours).
import { useAppliedTheme } from './useAppliedTheme.ts';

export interface ChartColors {
  c1: string;
  c2: string;
  c3: string;
  c4: string;
  /** 5th and 6th series: a comparison of three estimators draws six runs */
  c5: string;
  c6: string;
  grid: string;
  axis: string;
  cursor: string;
  bg: string;
  pos: string;
  neg: string;
  /** Numbers flagged as not meaningful (⚠ series). */
  warn: string;
}

const LIGHT: ChartColors = { c1: '#0b62d6', c2: '#d1631a', c3: '#1a7f37', c4: '#8250df', c5: '#1b7c83', c6: '#bf3989', grid: '#d8dee4', axis: '#57606a', cursor: '#cf222e', bg: '#ffffff', pos: '#1a7f37', neg: '#cf222e', warn: '#9a6700' };
const DARK: ChartColors = { c1: '#58a6ff', c2: '#f0883e', c3: '#56d364', c4: '#bc8cff', c5: '#39c5cf', c6: '#f778ba', grid: '#30363d', axis: '#9198a1', cursor: '#ff7b72', bg: '#161b22', pos: '#3fb950', neg: '#f85149', warn: '#d29922' };

export function useChartColors(): ChartColors {
  return useAppliedTheme() === 'dark' ? DARK : LIGHT;
}

/** Exact values in tooltips: enough digits to tell float32 neighbours apart. */
export function exact(v: unknown): string {
  return typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toPrecision(9)) : String(v);
}
