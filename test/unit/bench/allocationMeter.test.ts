// The bench's allocation meter (bench/suites/allocationMeter.ts) on a stand-in device: live and
// peak bytes follow creates and destroys (a second destroy counts once), per-label bytes at the
// peak, buffers from before the meter and after stop() unseen, createBuffer restored.
import { expect, test } from 'vitest';
import { meterAllocations } from '../../../bench/suites/allocationMeter.ts';

function fakeDevice() {
  const destroyed: number[] = [];
  let id = 0;
  const device = {
    createBuffer(desc: GPUBufferDescriptor): GPUBuffer {
      const me = id++;
      return { size: desc.size, label: desc.label ?? '', destroy: () => void destroyed.push(me) } as unknown as GPUBuffer;
    },
  };
  return { device, destroyed };
}

test('live, peak and per-label bytes', () => {
  const { device, destroyed } = fakeDevice();
  const original = device.createBuffer;
  const before = device.createBuffer({ size: 1000, usage: 0 });
  const m = meterAllocations(device);
  const a = device.createBuffer({ size: 100, usage: 0, label: 'engine kv layer 0' });
  const b = device.createBuffer({ size: 100, usage: 0, label: 'engine kv layer 1' });
  device.createBuffer({ size: 40, usage: 0, label: 'adapters' });
  expect([m.liveBytes, m.peakBytes, m.created]).toEqual([240, 240, 3]);
  expect(m.peakByLabel).toEqual(new Map([['engine kv layer #', 200], ['adapters', 40]]));
  a.destroy();
  a.destroy();
  before.destroy();
  expect([m.liveBytes, m.peakBytes]).toEqual([140, 240]);
  device.createBuffer({ size: 50, usage: 0 });
  expect([m.liveBytes, m.peakBytes]).toEqual([190, 240]);
  device.createBuffer({ size: 60, usage: 0 });
  expect([m.liveBytes, m.peakBytes]).toEqual([250, 250]);
  expect(m.peakByLabel).toEqual(new Map([['engine kv layer #', 100], ['adapters', 40], ['(no label)', 110]]));
  m.stop();
  expect(device.createBuffer).toBe(original);
  device.createBuffer({ size: 999, usage: 0 });
  b.destroy();
  expect([m.liveBytes, m.created]).toEqual([150, 5]);
  expect(destroyed).toEqual([1, 1, 0, 2]);
});
