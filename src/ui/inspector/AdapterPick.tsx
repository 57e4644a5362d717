// "Apply a PEFT adapter" (issue #23 §3): pick an adapter folder (adapter_config.json +
// adapter_model.safetensors, ours or anyone's for a supported base) and open it on top of the
// engine model loaded now. A bad adapter or one for another base is refused with the reason (the
// model store's error), and the loaded model stays in use.
import { useEffect, useRef } from 'react';
import { useModel } from '../../store/modelStore.ts';
import type { BaseModelSourceSpec } from '../../worker/api.ts';

export function AdapterPick() {
  const { loaded, lastSource, loading, load } = useModel();
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => ref.current?.setAttribute('webkitdirectory', ''), []);
  // the base: the loaded model's own source, or the base under an adapter already applied
  const base: BaseModelSourceSpec | null = !lastSource ? null : lastSource.kind === 'adapted' ? lastSource.base : lastSource;
  const usable = loaded?.info.runtime === 'engine' && base !== null && !(base.kind === 'bundled' && base.arch !== 'llama') && base.kind !== 'checkpoint';
  const onPick = async (list: FileList | null) => {
    if (!list || list.length === 0 || !base) return;
    const files = [...list];
    const top = files[0].webkitRelativePath.split('/')[0] || 'adapter';
    const adapter: Record<string, Uint8Array> = {};
    for (const f of files) adapter[f.webkitRelativePath ? f.webkitRelativePath.split('/').slice(1).join('/') : f.name] = new Uint8Array(await f.arrayBuffer());
    await load({ kind: 'adapted', base, adapter, adapterName: top, backend: 'engine' });
    if (ref.current) ref.current.value = '';
  };
  return (
    <label className="muted" title={usable ? 'A PEFT adapter folder (adapter_config.json + adapter_model.safetensors) for the loaded base' : 'Load a Llama-family model on our engine first'}>
      PEFT adapter on this model:{' '}
      <input ref={ref} type="file" multiple disabled={!usable || loading} onChange={(e) => void onPick(e.target.files)} data-testid="adapter-folder" />
    </label>
  );
}
