// A titled card holding one responsive recharts chart (inspector and batch screens).
import type { ReactElement } from 'react';
import { ResponsiveContainer } from 'recharts';

export function ChartCard({ title, testId, height = 220, children }: { title: string; testId?: string; height?: number; children: ReactElement }) {
  return (
    <figure className="card chart-card" data-testid={testId} style={{ margin: 0 }}>
      <figcaption className="chart-title">{title}</figcaption>
      <div style={{ width: '100%', height }}>
        <ResponsiveContainer width="100%" height="100%">
          {children}
        </ResponsiveContainer>
      </div>
    </figure>
  );
}
