// Warm recharts up while the page is idle. The first chart a page draws costs several times a
// later one (V8 compiles recharts' code paths on first use: 1.4 s on the 2-core SwiftShader machine
// for one bar chart, against ~0.2 s afterwards), and it came exactly when the first batch result
// or training step arrived. Drawing one small line chart and one bar chart off screen, each in its
// own idle task, moves that cost to a moment when nothing waits for the main thread.
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

const rows = Array.from({ length: 8 }, (_, i) => ({ step: i + 1, a: Math.sin(i), b: Math.cos(i), label: `${i}` }));

const charts = [
  () => (
    <ResponsiveContainer width={320} height={160}>
      <LineChart data={rows} syncId="warmup">
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="step" type="number" domain={['dataMin', 'dataMax']} />
        <YAxis />
        <Tooltip />
        <Legend />
        <Line dataKey="a" dot={false} isAnimationActive={false} />
        <Line dataKey="b" strokeDasharray="5 3" dot={{ r: 2 }} isAnimationActive={false} connectNulls />
      </LineChart>
    </ResponsiveContainer>
  ),
  () => (
    <BarChart width={320} height={160} data={rows}>
      <CartesianGrid strokeDasharray="3 3" />
      <XAxis dataKey="label" />
      <YAxis allowDecimals={false} />
      <Tooltip />
      <Legend />
      <Bar dataKey="a" isAnimationActive={false} />
    </BarChart>
  ),
];

const idle = (f: () => void) => ('requestIdleCallback' in window ? window.requestIdleCallback(f, { timeout: 4000 }) : setTimeout(f, 1000));

/** Draw each warm-up chart in its own idle task, off screen, then remove it. */
export function warmUpCharts(): void {
  const drawNext = (i: number) => {
    if (i >= charts.length) return;
    idle(() => {
      const host = document.createElement('div');
      host.setAttribute('aria-hidden', 'true');
      host.style.cssText = 'position:fixed;left:-10000px;top:0;width:320px;height:160px;visibility:hidden;pointer-events:none';
      document.body.appendChild(host);
      const root = createRoot(host);
      const Chart = charts[i];
      flushSync(() => root.render(<Chart />));
      setTimeout(() => {
        root.unmount();
        host.remove();
        drawNext(i + 1);
      }, 0);
    });
  };
  drawNext(0);
}
