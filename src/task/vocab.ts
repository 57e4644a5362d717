// The toy task's fixed character-level vocabulary. Ids are part of the checkpoint format: never
// reorder, only append (and regenerate public/models/toy-reasoner/tokenizer.json).

export const PAD = '<pad>';
export const BOS = '<bos>';
export const EOS = '<eos>';
export const UNK = '<unk>';

/** Special tokens, ids 0 … 3; each is also recognised as literal text ("<eos>") when encoding. */
export const SPECIAL_TOKENS = [PAD, BOS, EOS, UNK] as const;

const LOWERCASE = Array.from('abcdefghijklmnopqrstuvwxyz');

/** Every token in id order: specials, newline, space, digits, symbols, 'A', 'a'–'z' (V = 50). */
export const VOCAB: readonly string[] = [
  ...SPECIAL_TOKENS, // 0 … 3
  '\n', ' ', // 4, 5
  '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', // 6 … 15
  '+', '-', '=', '?', ':', ',', '.', // 16 … 22
  'A', // 23 (the "Answer: " marker)
  ...LOWERCASE, // 24 … 49
];

export const PAD_ID = 0;
export const BOS_ID = 1;
export const EOS_ID = 2;
export const UNK_ID = 3;
export const VOCAB_SIZE = VOCAB.length;
