// The onnxruntime-genai model builder writes genai_config.json ({ model: { decoder: … }, search: … })
// beside model.onnx, where onnx-community folders have config.json + generation_config.json. A
// builder folder without config.json is read through this mapping onto the fields the loader uses
// (layers, heads, head size, vocabulary, context length, EOS; sampling defaults). Pure.
import { ModelLoadError } from '../hub/modelLoadError.ts';

type Obj = Record<string, unknown>;

const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});

function defined(o: Obj): Obj {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/** config.json- and generation_config.json-shaped objects from a genai_config.json. */
export function configFromGenai(genai: Obj): { config: Obj; generationConfig: Obj } {
  const model = obj(genai.model);
  const decoder = obj(model.decoder);
  if (Object.keys(decoder).length === 0) {
    throw new ModelLoadError('invalid-config', 'genai_config.json has no model.decoder section (not an onnxruntime-genai model folder?), and there is no config.json.');
  }
  const search = obj(genai.search);
  const config = defined({
    model_type: model.type,
    vocab_size: model.vocab_size,
    hidden_size: decoder.hidden_size,
    num_hidden_layers: decoder.num_hidden_layers,
    num_attention_heads: decoder.num_attention_heads,
    num_key_value_heads: decoder.num_key_value_heads,
    head_dim: decoder.head_size,
    max_position_embeddings: model.context_length,
    bos_token_id: model.bos_token_id,
    eos_token_id: model.eos_token_id,
    pad_token_id: model.pad_token_id,
  });
  const generationConfig = defined({
    eos_token_id: model.eos_token_id,
    do_sample: search.do_sample,
    temperature: search.temperature,
    top_k: search.top_k,
    top_p: search.top_p,
  });
  return { config, generationConfig };
}
