// results.svg (pure: a string built from numbers): per regime, the seed-mean curves of both methods
// in four panels — the train reward per step (the verifier's 0/1, at the ceiling from step 1 in the
// verbose regime), CoT tokens and backtracking per step (training rollouts, solid) with the
// held-out evaluations (dashed, dots), and held-out tokens after certainty by the fixed judge.
import type { EvalPoint, ExperimentResults, ExperimentRun } from '../src/rl/report.ts';
import { REGIME_LABEL, TASK_REGIMES } from '../src/task/regime.ts';
import { regimeOf } from './regimeReport.ts';
import { mean } from './stats.ts';

const COLOR = { outcome: '#d1631a', repro: '#0b62d6' } as const;
type Method = keyof typeof COLOR;
interface Series { method: Method; dashed: boolean; points: [number, number][] }

/** Seed mean at each index every run has. */
function meanCurve(curves: number[][]): number[] {
  const n = Math.min(...curves.map((c) => c.length));
  return Number.isFinite(n) ? Array.from({ length: n }, (_, k) => mean(curves.map((c) => c[k]))) : [];
}

/** Held-out points: the seed mean of `key` at each evaluated step all runs share. */
function evalSeries(runs: ExperimentRun[], key: keyof EvalPoint): [number, number][] {
  const curves = runs.map((r) => r.eval_curve ?? []).filter((c) => c.length > 0);
  if (curves.length === 0) return [];
  return curves[0].map((p) => p.step).filter((s) => curves.every((c) => c.some((p) => p.step === s)))
    .map((s) => [s, mean(curves.map((c) => Number(c.find((p) => p.step === s)![key] ?? NaN)))] as [number, number])
    .filter(([, v]) => Number.isFinite(v));
}

/** One panel; `range` fixes the y axis (the 0/1 reward on [0, 1], so a ceiling shows as one). */
function panel(x0: number, y0: number, w: number, h: number, title: string, steps: number, series: Series[], range?: [number, number]): string[] {
  const pad = { l: 44, r: 10, t: 22, b: 26 };
  const ys = series.flatMap((s) => s.points.map((p) => p[1]));
  const out = [`<text x="${x0 + w / 2}" y="${y0 + 15}" font-size="12" text-anchor="middle">${title}</text>`];
  if (ys.length === 0) return [...out, `<text x="${x0 + w / 2}" y="${y0 + h / 2}" font-size="11" fill="#57606a" text-anchor="middle">not recorded by these runs</text>`];
  let [lo, hi] = range ?? [Math.min(...ys), Math.max(...ys)];
  if (!range) {
    if (hi - lo < 1e-9) { lo -= 0.5; hi += 0.5; }
    const span = hi - lo;
    lo -= 0.05 * span;
    hi += 0.05 * span;
  }
  const x = (s: number) => x0 + pad.l + (s / Math.max(1, steps)) * (w - pad.l - pad.r);
  const y = (v: number) => y0 + h - pad.b - ((v - lo) / (hi - lo)) * (h - pad.t - pad.b);
  const digits = hi - lo < 2 ? 2 : 1;
  out.push(
    `<line x1="${x(0)}" y1="${y(lo)}" x2="${x(steps)}" y2="${y(lo)}" stroke="#57606a"/>`,
    `<line x1="${x(0)}" y1="${y(lo)}" x2="${x(0)}" y2="${y(hi)}" stroke="#57606a"/>`,
    `<text x="${x(0) - 4}" y="${y(lo) + 4}" font-size="10" text-anchor="end">${lo.toFixed(digits)}</text>`,
    `<text x="${x(0) - 4}" y="${y(hi) + 4}" font-size="10" text-anchor="end">${hi.toFixed(digits)}</text>`,
    `<text x="${x(0)}" y="${y(lo) + 14}" font-size="10" text-anchor="middle">0</text>`,
    `<text x="${x(steps)}" y="${y(lo) + 14}" font-size="10" text-anchor="middle">${steps}</text>`,
    `<text x="${(x(0) + x(steps)) / 2}" y="${y(lo) + 14}" font-size="10" text-anchor="middle">step</text>`,
  );
  for (const s of series) {
    if (s.points.length === 0) continue;
    const d = s.points.map(([sx, sy], k) => `${k === 0 ? 'M' : 'L'}${x(sx).toFixed(1)},${y(sy).toFixed(1)}`).join(' ');
    // per-step training values are noisy (one step's rollouts): thin and light, the held-out points on top
    out.push(`<path d="${d}" fill="none" stroke="${COLOR[s.method]}" stroke-width="${s.dashed ? 2 : 1.2}"${s.dashed ? ' stroke-dasharray="5 3"' : ' stroke-opacity="0.55"'}/>`);
    if (s.dashed) for (const [sx, sy] of s.points) out.push(`<circle cx="${x(sx).toFixed(1)}" cy="${y(sy).toFixed(1)}" r="2.5" fill="${COLOR[s.method]}"/>`);
  }
  return out;
}

/** Per regime present: four panels of seed-mean curves, outcome-only and RePro. */
export function curvesSvg(results: ExperimentResults, width = 900, panelHeight = 190): string {
  const regimes = TASK_REGIMES.filter((g) => results.runs.some((r) => regimeOf(r) === g));
  const block = 2 * panelHeight + 40;
  const height = block * Math.max(1, regimes.length) + 24;
  const pw = width / 2;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="10" y="16" font-size="12" fill="${COLOR.outcome}">Outcome only</text>`,
    `<text x="110" y="16" font-size="12" fill="${COLOR.repro}">RePro (process reward)</text>`,
    '<text x="270" y="16" font-size="11" fill="#57606a">solid: training rollouts per step · dashed with dots: held-out evaluations (sampled) · mean over seeds</text>',
  ];
  regimes.forEach((regime, i) => {
    const top = 24 + i * block;
    const runs = (m: Method) => results.runs.filter((r) => regimeOf(r) === regime && r.method === m);
    const steps = Math.max(1, ...results.runs.filter((r) => regimeOf(r) === regime).map((r) => r.steps));
    const perStep = (m: Method, pick: (r: ExperimentRun) => number[] | undefined): [number, number][] =>
      meanCurve(runs(m).map(pick).filter((c): c is number[] => c !== undefined)).map((v, k) => [k + 1, v]);
    const both = (f: (m: Method) => Series[]) => [...f('outcome'), ...f('repro')];
    parts.push(`<text x="${width / 2}" y="${top + 14}" font-size="13" font-weight="bold" text-anchor="middle">${regime} regime (${REGIME_LABEL[regime]})</text>`);
    const y1 = top + 20;
    const y2 = y1 + panelHeight + 10;
    parts.push(
      ...panel(0, y1, pw, panelHeight, 'train reward (verifier, per step)', steps, both((m) => [{ method: m, dashed: false, points: perStep(m, (r) => r.reward_curve) }]), [0, 1]),
      ...panel(pw, y1, pw, panelHeight, 'CoT tokens per response', steps, both((m) => [
        { method: m, dashed: false, points: perStep(m, (r) => r.train_curve?.cot_tokens) },
        { method: m, dashed: true, points: evalSeries(runs(m), 'cot_tokens') }])),
      ...panel(0, y2, pw, panelHeight, 'backtracking segments per response', steps, both((m) => [
        { method: m, dashed: false, points: perStep(m, (r) => r.train_curve?.backtracking) },
        { method: m, dashed: true, points: evalSeries(runs(m), 'backtracking') }])),
      ...panel(pw, y2, pw, panelHeight, 'tokens after certainty (held-out, fixed judge)', steps, both((m) => [
        { method: m, dashed: true, points: evalSeries(runs(m), 'tokens_after_certainty') }])),
    );
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
