// Counts the GPU buffer bytes a piece of code allocates, at the device: GPUDevice.createBuffer is
// wrapped (and each buffer's destroy) until stop(); live bytes, their peak, and the live bytes
// per label at that peak (labels with their digits dropped, so "engine kv layer 3" adds to
// "engine kv layer #"). Buffers created before the meter started are not seen.

export interface AllocationMeter {
  readonly liveBytes: number;
  readonly peakBytes: number;
  /** buffers created while metering */
  readonly created: number;
  /** live bytes per label (digits → #) at the moment of the peak */
  readonly peakByLabel: Map<string, number>;
  /** restores the device's createBuffer */
  stop(): void;
}

type Creator = Pick<GPUDevice, 'createBuffer'>;

export function meterAllocations(device: Creator): AllocationMeter {
  const original = device.createBuffer;
  const live = new Map<GPUBuffer, { size: number; label: string }>();
  let liveBytes = 0, peakBytes = 0, created = 0;
  let peakByLabel = new Map<string, number>();
  const snapshot = () => {
    const m = new Map<string, number>();
    for (const b of live.values()) m.set(b.label, (m.get(b.label) ?? 0) + b.size);
    return m;
  };
  device.createBuffer = function (this: GPUDevice, desc: GPUBufferDescriptor): GPUBuffer {
    const buf = original.call(this, desc);
    created++;
    const entry = { size: desc.size, label: (desc.label ?? '(no label)').replace(/\d+/g, '#') };
    live.set(buf, entry);
    liveBytes += entry.size;
    if (liveBytes > peakBytes) {
      peakBytes = liveBytes;
      peakByLabel = snapshot();
    }
    const destroy = buf.destroy.bind(buf);
    buf.destroy = () => {
      if (live.delete(buf)) liveBytes -= entry.size;
      destroy();
    };
    return buf;
  } as GPUDevice['createBuffer'];
  return {
    get liveBytes() { return liveBytes; },
    get peakBytes() { return peakBytes; },
    get created() { return created; },
    get peakByLabel() { return peakByLabel; },
    stop() { device.createBuffer = original; },
  };
}
