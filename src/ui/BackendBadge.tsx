// The backend badge: the loaded model's backend when there is one, else what the GPU allows.
import { useEffect } from 'react';
import { useGpu } from '../store/gpuStore.ts';

export function BackendBadge({ backend }: { backend?: 'webgpu' | 'wasm' | null }) {
  const status = useGpu((s) => s.status);
  const refresh = useGpu((s) => s.refresh);
  useEffect(() => {
    if (!status) void refresh();
  }, [status, refresh]);
  let label: string;
  let kind: string;
  if (backend) {
    label = backend === 'webgpu' ? 'WebGPU' : 'WASM';
    kind = backend;
  } else if (!status) {
    label = 'checking GPU…';
    kind = 'pending';
  } else if (status.available) {
    label = `WebGPU · ${status.adapter.vendor || 'unknown'} ${status.adapter.architecture}`.trim();
    kind = 'webgpu';
  } else {
    label = 'no WebGPU (WASM)';
    kind = 'wasm';
  }
  return (
    <span className={`badge badge-${kind}`} data-testid="backend-badge" title="Compute backend">
      {label}
    </span>
  );
}
