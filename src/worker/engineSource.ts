// An engine run's source as the loaders read it (the bundled folders served from public/models/),
// and whether a tokenizer is the toy task's (then the run reads its task with the toy format).
// Pure (no GPU): the live pre-flight (./runPreflight.ts) and buildEngineRun (./engineRun.ts) share it.
import type { ModelSource } from '../llm/hub/modelFiles.ts';
import type { EngineLanguageModel } from '../engine/lm/engineLanguageModel.ts';
import { siteUrl } from '../site/siteUrl.ts';
import { VOCAB } from '../task/vocab.ts';
import { BUNDLED_ENGINE_MODELS, type RunModelSource } from './runModel.ts';

/** The source as the loaders read it (the bundled folders are served from public/models/). */
export function modelSourceOf(s: RunModelSource, fetchImpl: typeof fetch = fetch): ModelSource {
  if (s.kind === 'hub') return { kind: 'hub', id: s.id, revision: s.revision };
  if (s.kind === 'files') return { kind: 'files', files: s.files, name: s.name };
  const dir = siteUrl(`models/${s.name}/`);
  return {
    kind: 'fetch', id: s.name, files: [...BUNDLED_ENGINE_MODELS[s.name]],
    async fetchFile(path) {
      const r = await fetchImpl(new URL(path, dir));
      if (!r.ok) throw new Error(`the bundled model file models/${s.name}/${path} could not be loaded (HTTP ${r.status})`);
      return new Uint8Array(await r.arrayBuffer());
    },
  };
}

/** The toy task's tokenizer: a model whose every id decodes to the toy vocabulary's token is read with the toy format. */
export function isToyVocabulary(m: Pick<EngineLanguageModel, 'tokenizer'>): boolean {
  const tok = m.tokenizer;
  return tok.vocabSize === VOCAB.length && VOCAB.every((t, i) => tok.decode([i], { skipSpecialTokens: false }) === t);
}
