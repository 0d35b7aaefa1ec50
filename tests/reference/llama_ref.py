#!/usr/bin/env python3
"""Independent float64 NumPy reference for SecondSelf's L2 model engine (SmolLM2 llama GGUF).

What: reads the GGUF with the PyPI `gguf` package (dequantizing with `gguf.quants.dequantize`),
tokenizes with the PyPI `tokenizers` package built from the GGUF vocab/merges (cross-checked
against a pure-Python byte-level BPE written here), runs a plain float64 llama forward
(RMSNorm, interleaved-pairs RoPE, GQA, SwiGLU, tied embeddings) and writes
tests/fixtures/model/reference.json: for each prompt the prompt token ids, the top-10
(id, logit) of the last position and the greedy continuation ids.

Why: the Rust engine (engine/src/model, engine/src/tokenizer) is tested against these numbers;
this script shares no code with it.

Who runs it: a developer, after a change of model or of the prompts below:

    python3 -m venv .venv && .venv/bin/pip install -r tests/reference/requirements.txt
    .venv/bin/python tests/reference/llama_ref.py MODEL.gguf [--out tests/fixtures/model/reference.json]

It takes a few minutes on two CPU cores. It never downloads anything.

RoPE layout: llama.cpp's converter permutes the HF q/k weights so that a GGUF `llama` model uses
the "normal" RoPE that rotates adjacent pairs (x[2i], x[2i+1]); `--rope neox` (rotate halves)
exists only to show that the other layout gives nonsense (the France prompt then does not answer
Paris).
"""

import argparse
import hashlib
import json
import sys
import time

import numpy as np
import regex
import gguf
from gguf.quants import dequantize
from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, pre_tokenizers

GREEDY_TOKENS = 48
TOP_K = 10

# The chat template SmolLM2's GGUF carries; render_chat() below implements exactly this.
EXPECTED_TEMPLATE = (
    "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
    "{{ '<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face"
    "<|im_end|>\n' }}{% endif %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + "
    "'<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}"
    "{% endif %}"
)
DEFAULT_SYSTEM = "You are a helpful AI assistant named SmolLM, trained by Hugging Face"

# Prompts run through the model. "chat" prompts go through the chat template with a generation
# prompt; "raw" prompts are plain text.
PROMPTS = [
    {"name": "france", "kind": "chat", "messages": [{"role": "user", "content": "What is the capital of France?"}]},
    {"name": "haiku", "kind": "chat", "messages": [{"role": "user", "content": "Write a haiku about the sea."}]},
    {
        "name": "colors_system",
        "kind": "chat",
        "messages": [
            {"role": "system", "content": "You are a concise assistant."},
            {"role": "user", "content": "List three primary colors."},
        ],
    },
    {"name": "fox_digits", "kind": "raw", "text": "The quick brown fox jumps over the lazy dog. In 2024, 1234 + 5678 ="},
    {"name": "code", "kind": "raw", "text": "def fibonacci(n):\n    "},
    {"name": "unicode", "kind": "raw", "text": "Café crème, naïve résumé 🙂 — 東京は"},
]

# Extra strings only tokenized (no forward): whitespace runs, emoji, digits, code, specials as
# plain text.
TOKENIZER_CASES = [
    "Hello world!",
    "  leading and   inner   spaces\tand\ttabs\n\n\nnewlines  ",
    "Numbers: 3.14159, 1,000,000 and 42nd; ١٢٣ arabic digits",
    "Emoji 👩‍💻🚀🇫🇷 and CJK 你好，世界",
    "fn main() {\n    println!(\"{}\", x + 1);\n}\n",
    "It's we're they've I'm you'll he'd",
    "<|im_start|>user\nnot special when parsed as plain text<|im_end|>",
    "ünïcödé Ωμέγα Привет мир",
    "control bytes without tokens: a\x04b\x1dc\x00d",
    "",
]


# ---------------------------------------------------------------- tokenizer (two routes)

def bytes_to_unicode():
    """GPT-2's reversible byte -> printable-unicode map used by byte-level BPE."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs)))


GPT2_PAT = regex.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+""")


class PureBpe:
    """A from-scratch byte-level BPE (smollm pre-tokenizer) to cross-check `tokenizers`."""

    def __init__(self, tokens, merges, specials):
        self.vocab = {t: i for i, t in enumerate(tokens)}
        self.ranks = {tuple(m.split(" ", 1)): i for i, m in enumerate(merges)}
        self.b2u = bytes_to_unicode()
        self.specials = specials
        self.cache = {}

    def bpe(self, word):
        if word in self.cache:
            return self.cache[word]
        parts = list(word)
        while len(parts) > 1:
            pairs = [(self.ranks.get((parts[i], parts[i + 1]), 1 << 60), i) for i in range(len(parts) - 1)]
            rank, i = min(pairs)
            if rank == 1 << 60:
                break
            a, b = parts[i], parts[i + 1]
            merged, j = [], 0
            while j < len(parts):
                if j < len(parts) - 1 and parts[j] == a and parts[j + 1] == b:
                    merged.append(a + b)
                    j += 2
                else:
                    merged.append(parts[j])
                    j += 1
            parts = merged
        # Characters without a token (SmolLM2 lacks a few control bytes) are dropped, as
        # llama.cpp and HF tokenizers do.
        ids = [self.vocab[p] for p in parts if p in self.vocab]
        self.cache[word] = ids
        return ids

    def encode_plain(self, text):
        ids = []
        for piece in regex.split(r"(\p{N})", text):
            if not piece:
                continue
            for word in GPT2_PAT.findall(piece):
                ids += self.bpe("".join(self.b2u[b] for b in word.encode("utf-8")))
        return ids

    def encode(self, text):
        """Encodes with special tokens recognized in the text."""
        if not self.specials:
            return self.encode_plain(text)
        pat = "(" + "|".join(regex.escape(s) for s in sorted(self.specials, key=len, reverse=True)) + ")"
        ids = []
        for seg in regex.split(pat, text):
            if seg in self.specials:
                ids.append(self.vocab[seg])
            elif seg:
                ids += self.encode_plain(seg)
        return ids


def build_hf_tokenizer(tokens, merges, specials):
    """The PyPI `tokenizers` route: BPE + smollm pre-tokenizer + ByteLevel decoder."""
    vocab = {t: i for i, t in enumerate(tokens)}
    merge_pairs = [tuple(m.split(" ", 1)) for m in merges]
    tk = Tokenizer(models.BPE(vocab=vocab, merges=merge_pairs))
    tk.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Split(Regex(r"\p{N}"), behavior="isolated"),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True),
        ]
    )
    tk.decoder = decoders.ByteLevel()
    tk.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in specials])
    return tk


def render_chat(messages, add_generation_prompt):
    """The GGUF's chat template (checked equal to EXPECTED_TEMPLATE) rendered by hand."""
    out = ""
    if messages and messages[0]["role"] != "system":
        out += "<|im_start|>system\n" + DEFAULT_SYSTEM + "<|im_end|>\n"
    for m in messages:
        out += "<|im_start|>" + m["role"] + "\n" + m["content"] + "<|im_end|>\n"
    if add_generation_prompt:
        out += "<|im_start|>assistant\n"
    return out


# ---------------------------------------------------------------- model

class Llama:
    """Plain float64 llama forward with a KV cache."""

    def __init__(self, reader, rope_layout):
        f = {k: v for k, v in reader.fields.items()}

        def meta(key):
            return f[key].contents()

        self.n_layer = int(meta("llama.block_count"))
        self.n_embd = int(meta("llama.embedding_length"))
        self.n_head = int(meta("llama.attention.head_count"))
        self.n_kv = int(meta("llama.attention.head_count_kv"))
        self.eps = float(meta("llama.attention.layer_norm_rms_epsilon"))
        self.base = float(meta("llama.rope.freq_base"))
        self.head_dim = self.n_embd // self.n_head
        self.rope_layout = rope_layout
        t = {x.name: x for x in reader.tensors}

        def w(name):
            x = t[name]
            return dequantize(x.data, x.tensor_type).astype(np.float64).reshape([int(d) for d in reversed(x.shape)])

        self.embd = w("token_embd.weight")  # (vocab, n_embd)
        self.out = w("output.weight") if "output.weight" in t else self.embd  # tied
        self.out_norm = w("output_norm.weight")
        self.layers = []
        for i in range(self.n_layer):
            p = f"blk.{i}."
            self.layers.append(
                {k: w(p + k + ".weight") for k in ("attn_norm", "attn_q", "attn_k", "attn_v", "attn_output", "ffn_norm", "ffn_gate", "ffn_up", "ffn_down")}
            )
        self.reset()

    def reset(self):
        self.k_cache = [np.zeros((0, self.n_kv, self.head_dim)) for _ in range(self.n_layer)]
        self.v_cache = [np.zeros((0, self.n_kv, self.head_dim)) for _ in range(self.n_layer)]

    def rms(self, x, w):
        return x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + self.eps) * w

    def rope(self, x, pos):
        # x: (T, H, D); pos: (T,)
        d = self.head_dim
        inv = self.base ** (-np.arange(0, d, 2, dtype=np.float64) / d)  # (D/2,)
        ang = pos[:, None].astype(np.float64) * inv[None, :]  # (T, D/2)
        cos, sin = np.cos(ang)[:, None, :], np.sin(ang)[:, None, :]
        out = np.empty_like(x)
        if self.rope_layout == "normal":  # adjacent pairs
            x0, x1 = x[..., 0::2], x[..., 1::2]
            out[..., 0::2] = x0 * cos - x1 * sin
            out[..., 1::2] = x0 * sin + x1 * cos
        else:  # neox: halves
            h = d // 2
            x0, x1 = x[..., :h], x[..., h:]
            out[..., :h] = x0 * cos - x1 * sin
            out[..., h:] = x0 * sin + x1 * cos
        return out

    def forward(self, ids):
        """Appends `ids` to the sequence; returns the logits of the last position (vocab,)."""
        start = self.k_cache[0].shape[0]
        T = len(ids)
        pos = np.arange(start, start + T)
        x = self.embd[np.asarray(ids)]  # (T, E)
        group = self.n_head // self.n_kv
        scale = 1.0 / np.sqrt(self.head_dim)
        # mask[t, s] for query t (absolute start+t) over keys s in 0..start+T
        total = start + T
        mask = np.where(np.arange(total)[None, :] <= pos[:, None], 0.0, -np.inf)
        for li, L in enumerate(self.layers):
            h = self.rms(x, L["attn_norm"])
            q = (h @ L["attn_q"].T).reshape(T, self.n_head, self.head_dim)
            k = (h @ L["attn_k"].T).reshape(T, self.n_kv, self.head_dim)
            v = (h @ L["attn_v"].T).reshape(T, self.n_kv, self.head_dim)
            q, k = self.rope(q, pos), self.rope(k, pos)
            self.k_cache[li] = K = np.concatenate([self.k_cache[li], k], axis=0)
            self.v_cache[li] = V = np.concatenate([self.v_cache[li], v], axis=0)
            att = np.empty((T, self.n_head, self.head_dim))
            for hd in range(self.n_head):
                kv = hd // group
                s = (q[:, hd, :] @ K[:, kv, :].T) * scale + mask  # (T, total)
                s = s - s.max(axis=-1, keepdims=True)
                p = np.exp(s)
                p /= p.sum(axis=-1, keepdims=True)
                att[:, hd, :] = p @ V[:, kv, :]
            x = x + att.reshape(T, self.n_embd) @ L["attn_output"].T
            h = self.rms(x, L["ffn_norm"])
            g = h @ L["ffn_gate"].T
            u = h @ L["ffn_up"].T
            x = x + ((g / (1.0 + np.exp(-g))) * u) @ L["ffn_down"].T
        h = self.rms(x[-1], self.out_norm)
        return self.out @ h


# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model", help="path to SmolLM2-135M-Instruct.Q4_1.gguf")
    ap.add_argument("--out", default="tests/fixtures/model/reference.json")
    ap.add_argument("--rope", choices=["normal", "neox"], default="normal")
    ap.add_argument("--only", help="run only the prompt with this name (debugging)")
    args = ap.parse_args()

    with open(args.model, "rb") as fh:
        sha = hashlib.sha256(fh.read()).hexdigest()
    reader = gguf.GGUFReader(args.model)
    fields = reader.fields
    tokens = list(fields["tokenizer.ggml.tokens"].contents())
    merges = list(fields["tokenizer.ggml.merges"].contents())
    types = list(fields["tokenizer.ggml.token_type"].contents())
    template = fields["tokenizer.chat_template"].contents()
    if template != EXPECTED_TEMPLATE:
        sys.exit("the GGUF's chat template differs from the one render_chat() implements; update both")
    assert fields["tokenizer.ggml.pre"].contents() == "smollm"
    specials = [t for t, ty in zip(tokens, types) if ty == 3]  # CONTROL tokens
    eos = int(fields["tokenizer.ggml.eos_token_id"].contents())
    im_end = tokens.index("<|im_end|>")

    hf = build_hf_tokenizer(tokens, merges, specials)
    pure = PureBpe(tokens, merges, specials)
    pure_plain = PureBpe(tokens, merges, [])

    def encode(text):
        a = hf.encode(text, add_special_tokens=False).ids
        b = pure.encode(text)
        if a != b:
            sys.exit(f"tokenizers and the pure-Python BPE disagree on {text!r}:\n{a}\n{b}")
        if hf.decode(a, skip_special_tokens=False) != regex.sub(r"[\x04\x06\x13\x14\x16\x1d]", "", text):
            sys.exit(f"decode(encode(x)) != x for {text!r}")
        return a

    tok_cases = []
    for text in TOKENIZER_CASES:
        plain = pure_plain.encode_plain(text)
        hf.encode_special_tokens = True  # special-token strings as ordinary text
        plain_hf = hf.encode(text, add_special_tokens=False).ids
        hf.encode_special_tokens = False
        if plain != plain_hf:
            sys.exit(f"plain-text tokenization disagrees on {text!r}:\n{plain}\n{plain_hf}")
        tok_cases.append({"text": text, "ids": encode(text), "ids_plain": plain})

    model = Llama(reader, args.rope)
    results = []
    for p in PROMPTS:
        if args.only and p["name"] != args.only:
            continue
        t0 = time.time()
        text = render_chat(p["messages"], True) if p["kind"] == "chat" else p["text"]
        ids = encode(text)
        model.reset()
        logits = model.forward(ids)
        top = np.argsort(-logits, kind="stable")[:TOP_K]
        top10 = [[int(i), round(float(logits[i]), 5)] for i in top]
        greedy, margins, stop = [], [], "max_tokens"
        cur = logits
        for _ in range(GREEDY_TOKENS):
            order = np.argsort(-cur, kind="stable")[:2]
            nxt = int(order[0])
            greedy.append(nxt)
            margins.append(round(float(cur[order[0]] - cur[order[1]]), 5))
            if nxt in (eos, im_end):
                stop = "eos" if nxt == eos else "im_end"
                break
            cur = model.forward([nxt])
        out_text = hf.decode(greedy, skip_special_tokens=False)
        entry = dict(p)
        entry.update(
            {
                "prompt_text": text,
                "prompt_ids": ids,
                "top10": top10,
                "greedy_ids": greedy,
                "greedy_top1_margins": margins,
                "greedy_stop": stop,
                "greedy_text": out_text,
            }
        )
        results.append(entry)
        print(f"[{p['name']}] {len(ids)} prompt tokens, {time.time() - t0:.1f}s: {out_text!r}", file=sys.stderr)

    france = next((r for r in results if r["name"] == "france"), None)
    if france is not None and "Paris" not in france["greedy_text"]:
        sys.exit(f"sanity check failed: the France answer does not mention Paris: {france['greedy_text']!r} (rope {args.rope})")

    doc = {
        "about": "Float64 NumPy reference of SmolLM2-135M-Instruct (GGUF Q4_1 dequantized by gguf.quants). "
        "Written by tests/reference/llama_ref.py; regenerate with `python3 tests/reference/llama_ref.py MODEL.gguf`. "
        "top10: [id, logit] of the last prompt position. greedy_ids: argmax continuation of up to "
        f"{GREEDY_TOKENS} tokens, stopping after <|im_end|> or EOS (included). greedy_top1_margins: "
        "logit gap between the best and second-best token at each step (small gaps mark where a "
        "quantized/f32 engine may legitimately diverge). tokenizer_cases: ids with special tokens "
        "recognized (ids) and with all text plain (ids_plain).",
        "model_sha256": sha,
        "rope": args.rope,
        "eos_id": eos,
        "im_end_id": im_end,
        "prompts": results,
        "tokenizer_cases": tok_cases,
    }
    with open(args.out, "w", encoding="utf-8") as fh:
        json.dump(doc, fh, ensure_ascii=False, indent=1)
        fh.write("\n")
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
