// The "Export for verl" button in a real React root (headless Chromium): disabled with the reason
// until there is something to export; then the downloaded zip holds the folder, with the tab's
// RePro settings in settings.json and the prompt set in the parquet; a blank model is a clear error.
import { afterEach, expect, test } from 'vitest';
import { act, createElement } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { unzipSync } from 'fflate';
import { VerlExportButton } from '../../../src/ui/export/VerlExportButton.tsx';
import { useBatch } from '../../../src/store/batchStore.ts';
import { useModel } from '../../../src/store/modelStore.ts';
import { useSettings } from '../../../src/store/settingsStore.ts';
import { parsePromptSet } from '../../../src/data/parsePromptSet.ts';
import type { LoadedModel } from '../../../src/worker/api.ts';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let root: Root | null = null;
let host: HTMLElement;
afterEach(() => {
  act(() => root?.unmount());
  root = null;
  host?.remove();
});

const q = (id: string) => host.querySelector(`[data-testid="${id}"]`) as HTMLElement | null;

function mount() {
  host = document.createElement('div');
  document.body.appendChild(host);
  root = createRoot(host);
  act(() => root!.render(createElement(VerlExportButton, { source: 'batch' })));
}

test('batch export: reason while not ready, then a zip with the tab\'s settings; blank model → error', async () => {
  useBatch.setState({ parsed: null });
  useModel.setState({ loaded: null });
  mount();
  expect((q('verl-export-button') as HTMLButtonElement).disabled).toBe(true);
  expect(host.textContent).toContain('upload a prompt set first');

  const parsed = { ...parsePromptSet('{"question":"6 × 7 = ? <b>x</b>","answer":"42"}\n', { filename: 'set.jsonl' }), name: 'set.jsonl', bytes: 40 };
  const loaded: LoadedModel = {
    info: { runtime: 'onnxruntime', id: 'onnx-community/Qwen3-0.6B-ONNX', backend: 'webgpu', dtype: 'q4f16', vocabSize: 10, numLayers: 1, thinking: true, eosIds: [1] },
    defaultProbe: '\n</think>\n\nThe final answer is \\boxed{', label: 'test',
  };
  const blobs: Blob[] = [];
  const original = URL.createObjectURL;
  URL.createObjectURL = (b: Blob | MediaSource) => { blobs.push(b as Blob); return 'blob:test'; };
  try {
    act(() => {
      useBatch.setState({ parsed });
      useModel.setState({ loaded });
      useSettings.setState({ settings: { ...useSettings.getState().settings, w: 0.3, topK: 2 } });
    });
    expect((q('verl-export-model') as HTMLInputElement).value).toBe('Qwen/Qwen3-0.6B');
    expect(q('verl-export-gpus')!.textContent).toContain('4 GPUs');
    act(() => (q('verl-export-button') as HTMLButtonElement).click());
    expect(q('verl-export-error')).toBeNull();
    expect(blobs).toHaveLength(1);
    const files = unzipSync(new Uint8Array(await blobs[0].arrayBuffer()));
    expect(Object.keys(files).sort()).toEqual(['set/README.md', 'set/data/train.parquet', 'set/data/val.parquet', 'set/repro_verl.yaml', 'set/run.sh', 'set/settings.json']);
    const settings = JSON.parse(new TextDecoder().decode(files['set/settings.json']));
    expect(settings.repro).toMatchObject({ process_weight_w: 0.3, entropy_top_k: 2, probe: loaded.defaultProbe, cot_end: ['</think>'] });
    expect(settings.model).toBe('Qwen/Qwen3-0.6B');

    // A blank cluster model: nothing downloaded, the reason shown next to the button.
    const input = q('verl-export-model') as HTMLInputElement;
    act(() => {
      const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
      set.call(input, '   ');
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
    act(() => (q('verl-export-button') as HTMLButtonElement).click());
    expect(q('verl-export-error')!.textContent).toMatch(/enter the HF id or path/);
    expect(blobs).toHaveLength(1);
  } finally {
    URL.createObjectURL = original;
  }
});
