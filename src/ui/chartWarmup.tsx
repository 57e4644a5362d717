// Warm recharts up while the page is idle, a piece at a time. The first chart a page draws costs
// several times a later one (V8 compiles recharts' code paths on first use: 0.7–1.4 s on the
// 2-core SwiftShader machine, against ~0.1–0.2 s afterwards), and it came exactly when the first
// batch result arrived. Drawing the whole chart off screen at idle moved a 0.5 s task to page
// load; growing it one part per idle callback (a bare line chart, then axes, grid, tooltip and
// legend, then a bar chart, then the responsive container) spreads the compiling over short tasks.
import { useEffect, type ReactElement, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

const rows = Array.from({ length: 8 }, (_, i) => ({ step: i + 1, a: Math.sin(i), b: Math.cos(i), label: `${i}` }));
const size = { width: 320, height: 160 };

/** Calls onDrawn after its chart's first commit. */
function Drawn({ onDrawn, children }: { onDrawn: () => void; children: ReactNode }) {
  useEffect(() => {
    onDrawn();
  }, [onDrawn]);
  return children;
}

/** Each stage adds parts to the previous one's. */
const stages: (() => ReactElement)[] = [
  () => <LineChart {...size} data={rows}><Line dataKey="a" dot={false} isAnimationActive={false} /></LineChart>,
  () => (
    <LineChart {...size} data={rows}>
      <XAxis dataKey="step" type="number" domain={['dataMin', 'dataMax']} />
      <YAxis />
      <Line dataKey="a" dot={false} isAnimationActive={false} />
    </LineChart>
  ),
  () => (
    <LineChart {...size} data={rows} syncId="warmup">
      <CartesianGrid strokeDasharray="3 3" />
      <XAxis dataKey="step" type="number" domain={['dataMin', 'dataMax']} />
      <YAxis />
      <Tooltip />
      <Legend />
      <Line dataKey="a" dot={false} isAnimationActive={false} />
      <Line dataKey="b" strokeDasharray="5 3" dot={{ r: 2 }} isAnimationActive={false} connectNulls />
    </LineChart>
  ),
  () => (
    <BarChart {...size} data={rows}>
      <CartesianGrid strokeDasharray="3 3" />
      <XAxis dataKey="label" />
      <YAxis allowDecimals={false} />
      <Tooltip />
      <Bar dataKey="a" isAnimationActive={false} />
    </BarChart>
  ),
  () => (
    <ResponsiveContainer width={size.width} height={size.height}>
      <BarChart data={rows}><Bar dataKey="a" isAnimationActive={false} /></BarChart>
    </ResponsiveContainer>
  ),
];

const idle = (f: () => void) => ('requestIdleCallback' in window ? window.requestIdleCallback(f, { timeout: 4000 }) : setTimeout(f, 500));

/** Draw each stage in its own idle task, off screen, then remove it. */
export function warmUpCharts(): void {
  const host = document.createElement('div');
  host.setAttribute('aria-hidden', 'true');
  host.style.cssText = `position:fixed;left:-10000px;top:0;width:${size.width}px;height:${size.height}px;visibility:hidden;pointer-events:none`;
  const drawStage = (i: number) => {
    if (i >= stages.length) return;
    idle(() => {
      if (!host.isConnected) document.body.appendChild(host);
      const root = createRoot(host);
      const Stage = stages[i];
      const done = () => setTimeout(() => {
        root.unmount();
        if (i === stages.length - 1) host.remove();
        drawStage(i + 1);
      }, 0);
      root.render(<Drawn onDrawn={done}><Stage /></Drawn>);
    });
  };
  drawStage(0);
}
