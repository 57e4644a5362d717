"""The toy model's tokenizer (public/models/toy-reasoner/tokenizer.json: a BPE with no merges, one
token per character, added special tokens matched first) and its chat template's prompt, enough to
score the toy model from Python without the `tokenizers` package. Real models use their HF tokenizer."""
from __future__ import annotations

import json
import re
from typing import Dict, List


class ToyTokenizer:
    def __init__(self, tokenizer_json: dict, tokenizer_config: dict):
        model = tokenizer_json["model"]
        if model.get("type") != "BPE" or model.get("merges"):
            raise ValueError("ToyTokenizer reads only merge-free, character-level BPE tokenizer.json files")
        self.vocab: Dict[str, int] = dict(model["vocab"])
        self.unk_id = self.vocab[model["unk_token"]]
        self.specials = {t["content"]: t["id"] for t in tokenizer_json.get("added_tokens", [])}
        self.id_to_token = {i: t for t, i in self.vocab.items()}
        self.id_to_token.update({i: t for t, i in self.specials.items()})
        self.vocab_size = max(self.id_to_token) + 1
        self.bos = tokenizer_config.get("bos_token", "")
        alts = sorted(self.specials, key=len, reverse=True)
        self._split = re.compile("(" + "|".join(re.escape(s) for s in alts) + ")") if alts else None

    @classmethod
    def from_dir(cls, path) -> "ToyTokenizer":
        with open(f"{path}/tokenizer.json", encoding="utf-8") as f:
            tj = json.load(f)
        with open(f"{path}/tokenizer_config.json", encoding="utf-8") as f:
            tc = json.load(f)
        return cls(tj, tc)

    def encode(self, text: str) -> List[int]:
        ids: List[int] = []
        parts = self._split.split(text) if self._split else [text]
        for part in parts:
            if part in self.specials:
                ids.append(self.specials[part])
            else:
                ids.extend(self.vocab.get(ch, self.unk_id) for ch in part)
        return ids

    def decode(self, ids: List[int]) -> str:
        return "".join(self.id_to_token[int(i)] for i in ids)

    def format_prompt(self, question: str) -> str:
        # The chat template: bos + user content + "\n" (tokenizer_config.json).
        return f"{self.bos}{question}\n"
