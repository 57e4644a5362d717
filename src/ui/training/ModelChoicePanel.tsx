// What a run trains: the bundled toy GPT-2 (full weights, the default), the bundled Llama toy
// reasoner, a hub id or a picked folder (LoRA) — and the LoRA settings by PEFT's names, with the
// GPU budget the memory pre-flight checks against (an assumption: WebGPU reports no memory size).
import { useEffect, useRef } from 'react';
import { NumberField } from '../NumberField.tsx';
import { useRunSetup } from '../../store/runSetupStore.ts';
import { HUB_SUGGESTIONS, LORA_TARGETS, TARGET_SHORT, type ModelChoice } from '../../store/runSetup.ts';

/** The pre-flight's default budget (src/worker/runModel.ts DEFAULT_TRAINING_BUDGET_BYTES), in GiB. */
const ASSUMED_BUDGET_GIB = 4;

const KINDS: { kind: ModelChoice['kind']; label: string }[] = [
  { kind: 'toy', label: 'Toy GPT-2 (bundled, full weights)' },
  { kind: 'bundled', label: 'Llama toy reasoner (bundled, LoRA)' },
  { kind: 'hub', label: 'Hugging Face hub id (LoRA)' },
  { kind: 'files', label: 'Local folder (LoRA)' },
];

export function ModelChoicePanel({ disabled }: { disabled: boolean }) {
  const { model, lora, setModel, setLora } = useRunSetup();
  const folderRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    folderRef.current?.setAttribute('webkitdirectory', '');
  }, [model.kind]);
  const hubId = model.kind === 'hub' ? model.id : '';
  const choose = (kind: ModelChoice['kind']) => {
    if (kind === model.kind) return;
    if (kind === 'toy') setModel({ kind: 'toy' });
    else if (kind === 'bundled') setModel({ kind: 'bundled', name: 'toy-llama-verbose' });
    else if (kind === 'hub') setModel({ kind: 'hub', id: HUB_SUGGESTIONS[0] });
    else setModel({ kind: 'files', files: [], name: '' });
  };
  return (
    <fieldset className="card" disabled={disabled} data-testid="model-choice">
      <legend>Model</legend>
      <div className="row" role="radiogroup" aria-label="Model to train">
        {KINDS.map((k) => (
          <label key={k.kind}>
            <input type="radio" name="train-model" checked={model.kind === k.kind} onChange={() => choose(k.kind)} data-testid={`train-model-${k.kind}`} /> {k.label}
          </label>
        ))}
      </div>
      {model.kind === 'hub' && (
        <div className="row">
          <label>
            Hub id{' '}
            <input list="train-hub-suggestions" value={hubId} size={40} onChange={(e) => setModel({ kind: 'hub', id: e.target.value })} data-testid="train-hub-id" spellCheck={false} />
          </label>
          <datalist id="train-hub-suggestions">
            {HUB_SUGGESTIONS.map((id) => <option key={id} value={id} />)}
          </datalist>
          <span className="muted">Llama, Qwen2 and Qwen3 repositories with safetensors weights; downloaded into this browser's cache on Start.</span>
        </div>
      )}
      {model.kind === 'files' && (
        <div className="row">
          <label className="file-button">
            Pick folder…
            <input
              ref={folderRef} type="file" multiple aria-label="Pick a model folder to train"
              onChange={(e) => {
                const files = [...(e.target.files ?? [])];
                const name = files[0]?.webkitRelativePath.split('/')[0] || files[0]?.name || 'folder';
                setModel({ kind: 'files', files, name });
                e.target.value = '';
              }}
            />
          </label>
          <span data-testid="train-folder">{model.files.length > 0 ? `${model.name}: ${model.files.length} files` : 'No folder picked (config.json, tokenizer.json, *.safetensors).'}</span>
        </div>
      )}
      {model.kind !== 'toy' && (
        <div data-testid="lora-settings">
          <div className="row">
            <NumberField group="training" label="LoRA r" value={lora.r} min={1} max={256} step={1} onChange={(r) => setLora({ r })} testId="lora-r" />
            <NumberField group="training" label="lora_alpha" value={lora.lora_alpha} min={0.01} max={1024} step={0.01} onChange={(a) => setLora({ lora_alpha: a })} testId="lora-alpha" />
            <span className="muted">scaling α / r = {(lora.lora_alpha / lora.r).toFixed(2)}</span>
          </div>
          <div className="row" role="group" aria-label="target_modules">
            <span>target_modules:</span>
            {LORA_TARGETS.map((t) => (
              <label key={t} title={t}>
                <input
                  type="checkbox" checked={lora.target_modules.includes(t)} data-testid={`lora-target-${TARGET_SHORT[t]}`}
                  onChange={(e) => setLora({ target_modules: e.target.checked ? [...lora.target_modules, t] : lora.target_modules.filter((x) => x !== t) })}
                />{' '}
                {TARGET_SHORT[t]}
              </label>
            ))}
          </div>
          <div className="row">
            <NumberField
              group="training" label="GPU budget (GiB)" value={lora.budgetGiB ?? ASSUMED_BUDGET_GIB} min={0.000001} max={1024} step={0.000001}
              onChange={(g) => setLora({ budgetGiB: g })} testId="lora-budget"
            />
            <span className="muted" data-testid="budget-note">
              {lora.budgetGiB === null
                ? `Assumed ${ASSUMED_BUDGET_GIB} GiB: WebGPU reports no memory size. Set your GPU's memory for this tab here.`
                : 'Your budget (WebGPU reports no memory size); the pre-flight checks the run against it.'}
            </span>
          </div>
        </div>
      )}
    </fieldset>
  );
}
