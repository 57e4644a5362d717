// Per-chart downloads: the chart's own SVG (self-contained: colours are attributes, a background
// and a title are added), a PNG drawn from that SVG at 2×, and the chart's data as CSV.
import { toCsv } from '../../data/index.ts';
import { downloadBlob, downloadText } from '../download.ts';

/** The recharts SVG inside `figure`, serialised with a background rect and the title. */
export function chartSvg(figure: HTMLElement, title: string, background: string): { svg: string; width: number; height: number } | null {
  const el = figure.querySelector('svg.recharts-surface');
  if (!(el instanceof SVGSVGElement)) return null;
  const { width, height } = el.getBoundingClientRect();
  const clone = el.cloneNode(true) as SVGSVGElement;
  const ns = 'http://www.w3.org/2000/svg';
  clone.setAttribute('xmlns', ns);
  clone.setAttribute('width', String(width));
  clone.setAttribute('height', String(height + 24));
  clone.setAttribute('viewBox', `0 -24 ${width} ${height + 24}`);
  const bg = document.createElementNS(ns, 'rect');
  for (const [k, v] of [['x', '0'], ['y', '-24'], ['width', String(width)], ['height', String(height + 24)], ['fill', background]]) bg.setAttribute(k, v);
  clone.insertBefore(bg, clone.firstChild);
  const t = document.createElementNS(ns, 'text');
  for (const [k, v] of [['x', '8'], ['y', '-8'], ['font-size', '13'], ['font-family', 'system-ui, sans-serif'], ['fill', '#57606a']]) t.setAttribute(k, v);
  t.textContent = title;
  clone.appendChild(t);
  return { svg: new XMLSerializer().serializeToString(clone), width, height: height + 24 };
}

export function downloadSvg(figure: HTMLElement, title: string, stem: string, background: string): void {
  const s = chartSvg(figure, title, background);
  if (s) downloadText(`${stem}.svg`, s.svg, 'image/svg+xml');
}

export async function downloadPng(figure: HTMLElement, title: string, stem: string, background: string): Promise<void> {
  const s = chartSvg(figure, title, background);
  if (!s) return;
  const url = URL.createObjectURL(new Blob([s.svg], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    await new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error('the chart SVG could not be drawn'));
      img.src = url;
    });
    const scale = 2;
    const canvas = document.createElement('canvas');
    canvas.width = Math.ceil(s.width * scale);
    canvas.height = Math.ceil(s.height * scale);
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.scale(scale, scale);
    ctx.drawImage(img, 0, 0, s.width, s.height);
    const blob = await new Promise<Blob | null>((r) => canvas.toBlob(r, 'image/png'));
    if (blob) downloadBlob(`${stem}.png`, blob);
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** The chart's rows: step plus one column per series, named by its label. */
export function downloadChartCsv(rows: Record<string, number | null>[], series: { key: string; label: string }[], stem: string): void {
  const out = rows.map((r) => Object.fromEntries([['step', r.step], ...series.map((s) => [s.label, r[s.key] ?? null])]));
  downloadText(`${stem}.csv`, toCsv(out, ['step', ...series.map((s) => s.label)]), 'text/csv');
}
