"""An independent torch reference of the Llama family's forward (issue #21 §4): config.json +
safetensors (one file or sharded; F32, F16, BF16) in, logits / log-probs / greedy tokens / answer
log-probs / weight gradients out. CLI: python -m repro_rl.llama_ref (see cli.py)."""
from .config import Llama3Scaling, RefConfig, parse_config
from .model import (
    LlamaRef, apply_rotary, attention, default_inv_freq, forward, inv_freq_of, llama3_inv_freq, mlp, repeat_kv,
    rms_norm, rotary_cos_sin, rotate_half,
)
from .outputs import answer_logprobs, greedy, next_token_logprobs, weighted_logprob, weighted_logprob_grads
from .weights import expected_shapes, load_folder, write_folder

__all__ = [
    "Llama3Scaling", "RefConfig", "parse_config", "LlamaRef", "apply_rotary", "attention", "default_inv_freq",
    "forward", "inv_freq_of", "llama3_inv_freq", "mlp", "repeat_kv", "rms_norm", "rotary_cos_sin", "rotate_half",
    "answer_logprobs", "greedy", "next_token_logprobs", "weighted_logprob", "weighted_logprob_grads",
    "expected_shapes", "load_folder", "write_folder",
]
