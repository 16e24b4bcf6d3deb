#!/usr/bin/env python3
"""Makes lightvl's tiny test tokenizer and the Hugging Face goldens the C++ tokenizer tests read.

Run on the GPU machine (it has the `tokenizers`, `transformers` and `jinja2` Python packages; nothing is
downloaded):

    python3 tests/reference/make_tiny_tokenizer.py --out DIR [--tiny-tokenizer PATH] \
        [--reference qwen3=PATH/tokenizer.json --reference llama3=PATH/tokenizer.json]

and copy DIR/tokenizer.json and DIR/tokenizer_config.json to assets/tiny-minimax-text-01/ and
DIR/tiny_tokenizer_ids.json to tests/fixtures/golden/. DIR/hf_crosscheck.json (not committed) holds the
Hugging Face ids of the reference tokenizers over the whole corpus, for comparing @lenml/tokenizers
(the test-time reference) with Hugging Face itself.

The tiny tokenizer is a real byte-level BPE trained with `tokenizers` on a small corpus generated here
(English prose, code, digits, a little unicode). Its vocabulary has exactly 512 ids (the tiny checkpoints'
vocab_size): the 256 byte-level characters, 251 merges, then the MiniMax special tokens at the top:

    507 <beginning_of_sentence>  (bos)      510 <begin_of_document>
    508 <end_of_sentence>        (eos)      511 <image>              (image_token_index)
    509 <end_of_document>        (unk)

Pre-tokenizer: MiniMax's own tokenizer.json was not available (spec 8.1 marks the regex unverified). The
most plausible choice for the family is used: GPT-4o's o200k split regex (Split, Isolated), then
ByteLevel(add_prefix_space=false, use_regex=false); decoder ByteLevel; post-processor ByteLevel (no BOS is
added, spec 8.1); no normalizer.

tokenizer_config.json carries bos/eos/unk, added_tokens_decoder and lightvl's MiniMax-VL-01 chat template
(text/chat/templates/minimax_vl_01.jinja, written from spec 8.3).

The goldens (tiny_tokenizer_ids.json):
  tokenizers.<name>.files.<file>.{special,no_special}: Hugging Face ids of every corpus file
      (tests/tokenizer/corpus, hf_only/ included) for the tiny tokenizer; for the reference tokenizers only
      hf_only/ (Oniguruma edge cases that @lenml/tokenizers, being JavaScript, cannot reproduce).
      "no_special" sets encode_special_tokens (split_special_tokens).
  decode: Hugging Face decode() of id sequences, including ones that cut UTF-8 characters.
  chat: conversations rendered by transformers' own chat-template engine (jinja2) with lightvl's two
      template sources, and the tiny tokenizer's ids of each prompt.
  variants.<name>: two more small tokenizers trained here only to get Hugging Face's answers for the
      tokenizer.json components the tiny one does not use: "metaspace" (NFKC, Metaspace prepend_scheme
      "first", Digits, unk fusing, TemplateProcessing, lstrip/rstrip/single_word/normalized added tokens)
      and "byte_fallback" (the Llama 2 layout: Prepend/Replace normalizers, no pre-tokenizer, byte
      fallback, the Replace/ByteFallback/Fuse/Strip decoder chain). Each holds its tokenizer.json
      document, ids of some corpus files and decode() results.

--tiny-tokenizer PATH makes the goldens for an existing tiny tokenizer.json (the committed one) instead of
a freshly trained one, and reports whether training reproduces it.
"""

import argparse
import json
import os
import random
import sys

import tokenizers
from tokenizers import (AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors,
                        trainers)

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CORPUS_DIR = os.path.join(REPO, "tests", "tokenizer", "corpus")
TEMPLATE_DIR = os.path.join(REPO, "text", "chat", "templates")

VOCAB_SIZE = 512
SPECIAL_TOKENS = [  # in id order, from 507
    "<beginning_of_sentence>",
    "<end_of_sentence>",
    "<end_of_document>",
    "<begin_of_document>",
    "<image>",
]
BPE_VOCAB_SIZE = VOCAB_SIZE - len(SPECIAL_TOKENS)

# GPT-4o (tiktoken o200k_base) word split.
O200K_PATTERN = "|".join([
    r"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
    r"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
    r"\p{N}{1,3}",
    r" ?[^\s\p{L}\p{N}]+[\r\n/]*",
    r"\s*[\r\n]+",
    r"\s+(?!\S)",
    r"\s+",
])

# ---------------------------------------------------------------------------------------------------
# Training corpus (deterministic)

PROSE = """The small model reads a sentence, then another, and slowly learns which letters like to sit
together. Most words in English are short: the, of, and, to, in, is, it, that, was, for, on, are, with.
A tokenizer that has seen enough text will keep them whole, and split the rare ones into pieces. We don't
need a large vocabulary for tests; we need one that is real, deterministic and small enough to read.
Rivers run to the sea, yet the sea is never full. Winter follows autumn, and the garden waits for rain.
She opened the window, looked at the harbour, and counted the boats that were coming home before dark."""

CODE = """def add(a, b):
    return a + b

for (int i = 0; i < n; ++i) { sum += values[i]; }
if (x == nullptr) return -1;
{"key": "value", "list": [1, 2, 3], "flag": true}
"""

WORDS = ("time person year way day thing man world life hand part child eye woman place work week case "
         "point government company number group problem fact be have do say get make go know take see "
         "come think look want give use find tell ask seem feel try leave call good new first last long "
         "great little own other old right big high different small large next early young important few "
         "public bad same able model token text image vision layer weight matrix vector sample").split()

UNICODE = ["café", "naïve", "über", "señor", "中文", "日本語", "한국어", "Ελληνικά", "русский", "😀", "👍🏽", "€", "½"]


def training_corpus():
    rng = random.Random(20240517)
    lines = PROSE.splitlines() + CODE.splitlines()
    for _ in range(3000):
        words = [rng.choice(WORDS) for _ in range(rng.randint(4, 14))]
        words[0] = words[0].capitalize()
        if rng.random() < 0.3:
            words.insert(rng.randrange(len(words)), str(rng.randint(0, 100000)))
        if rng.random() < 0.1:
            words.insert(rng.randrange(len(words)), rng.choice(UNICODE))
        lines.append(" ".join(words) + rng.choice([".", ",", "!", "?", ";", ":"]))
    lines += CODE.splitlines() * 50
    return lines


def train_tiny_tokenizer():
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(O200K_PATTERN), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=False, use_regex=False),
    ])
    tok.decoder = decoders.ByteLevel()
    tok.post_processor = processors.ByteLevel(trim_offsets=False)
    trainer = trainers.BpeTrainer(vocab_size=BPE_VOCAB_SIZE, min_frequency=1, show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), special_tokens=[])
    tok.train_from_iterator(training_corpus(), trainer=trainer)
    assert tok.get_vocab_size(with_added_tokens=False) == BPE_VOCAB_SIZE, tok.get_vocab_size()
    tok.add_special_tokens([AddedToken(t, special=True, normalized=False) for t in SPECIAL_TOKENS])
    for offset, token in enumerate(SPECIAL_TOKENS):
        assert tok.token_to_id(token) == BPE_VOCAB_SIZE + offset, (token, tok.token_to_id(token))
    vocab = tok.get_vocab(with_added_tokens=True)
    assert len(vocab) == VOCAB_SIZE and max(vocab.values()) == VOCAB_SIZE - 1
    return tok


def read_template(name):
    with open(os.path.join(TEMPLATE_DIR, name + ".jinja"), encoding="utf-8") as f:
        source = f.read()
    return source[:-1] if source.endswith("\n") else source  # as CMake embeds it


def tokenizer_config():
    decoder = {}
    for offset, token in enumerate(SPECIAL_TOKENS):
        decoder[str(BPE_VOCAB_SIZE + offset)] = {
            "content": token, "lstrip": False, "normalized": False, "rstrip": False,
            "single_word": False, "special": True,
        }
    return {
        "add_bos_token": False,
        "add_eos_token": False,
        "add_prefix_space": False,
        "added_tokens_decoder": decoder,
        "bos_token": "<beginning_of_sentence>",
        "eos_token": "<end_of_sentence>",
        "unk_token": "<end_of_document>",
        "chat_template": read_template("minimax_vl_01"),
        "clean_up_tokenization_spaces": False,
        "model_max_length": 4096,
        "tokenizer_class": "GPT2Tokenizer",
    }

# ---------------------------------------------------------------------------------------------------
# Goldens


def corpus_files(hf_only_only=False):
    names = []
    for root, _, files in os.walk(CORPUS_DIR):
        for f in files:
            if f.endswith(".txt"):
                rel = os.path.relpath(os.path.join(root, f), CORPUS_DIR).replace(os.sep, "/")
                if not hf_only_only or rel.startswith("hf_only/"):
                    names.append(rel)
    return sorted(names)


def encode_files(tok, names):
    assert hasattr(tok, "encode_special_tokens"), "tokenizers too old: no encode_special_tokens"
    out = {}
    for name in names:
        with open(os.path.join(CORPUS_DIR, name), encoding="utf-8", newline="") as f:
            text = f.read()
        tok.encode_special_tokens = False
        special = tok.encode(text, add_special_tokens=False).ids
        tok.encode_special_tokens = True
        no_special = tok.encode(text, add_special_tokens=False).ids
        tok.encode_special_tokens = False
        out[name] = {"special": special, "no_special": no_special}
    return out


def decode_cases(tok):
    rng = random.Random(7)
    cases = [{"ids": [i], "skip_special": False} for i in range(VOCAB_SIZE)]
    for _ in range(150):
        ids = [rng.randrange(VOCAB_SIZE) for _ in range(rng.randint(1, 24))]
        cases.append({"ids": ids, "skip_special": rng.random() < 0.5})
    for case in cases:
        case["text"] = tok.decode(case["ids"], skip_special_tokens=case["skip_special"])
    return cases


TOOLS = [
    {"name": "get_weather", "description": "Weather for a city — «quoted» \"and\" escaped\n",
     "parameters": {"type": "object", "properties": {"city": {"type": "string", "description": "城市"}},
                    "required": ["city"]}},
    {"name": "add", "description": "Adds numbers", "parameters": {"type": "object", "properties": {
        "a": {"type": "number", "default": 0.5}, "b": {"type": "integer", "minimum": -3}}, "strict": True,
        "extra": None}},
]

CONVERSATIONS = [
    [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": "Describe it"}]}],
    [{"role": "system", "content": "You are a helpful assistant."},
     {"role": "user", "content": "Hello!"}],
    [{"role": "system", "content": ""},
     {"role": "user", "content": [{"type": "text", "text": "Compare "}, {"type": "image"},
                                  {"type": "text", "text": " and "}, {"type": "image"}]},
     {"role": "assistant", "content": [{"type": "text", "text": "The first is brighter."}]},
     {"role": "user", "content": [{"type": "text", "text": "Why?\n\n  Explain {{ in }} detail {% raw %}"}]}],
    [{"role": "user", "content": "天気はどう？ 🌧️ مرحبا"},
     {"role": "assistant", "content": "Let me check."},
     {"role": "function", "name": "get_weather", "content": "{\"temp\": 21, \"sky\": \"clear\"}"},
     {"role": "user", "content": [{"type": "text", "text": "<end_of_sentence> inside text"}]}],
    [{"role": "user", "content": [{"type": "image"}, {"type": "image"}, {"type": "image"},
                                  {"type": "text", "text": "three images, tab\there, back\\slash"}]}],
]


def jinja2_renderer():
    """transformers' chat-template environment rebuilt with jinja2 (used only if transformers fails)."""
    import jinja2
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    def raise_exception(message):
        raise jinja2.exceptions.TemplateError(message)

    def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception

    def render(source, messages, tools, add_generation_prompt):
        return env.from_string(source).render(messages=messages, tools=tools,
                                              add_generation_prompt=add_generation_prompt)
    return render, "jinja2 %s (transformers settings)" % jinja2.__version__


def chat_renderer(tok_dir):
    """Renders with transformers' own apply_chat_template (jinja2 inside), the reference engine."""
    try:
        import transformers
        from transformers import AutoTokenizer
        hf = AutoTokenizer.from_pretrained(tok_dir)

        def render(source, messages, tools, add_generation_prompt):
            text = hf.apply_chat_template(messages, tools=tools, chat_template=source,
                                          add_generation_prompt=add_generation_prompt, tokenize=False)
            assert isinstance(text, str), type(text)
            return text
        return render, "transformers %s apply_chat_template" % transformers.__version__
    except Exception as e:  # keep the run useful: fall back to the same engine, configured by hand
        print("warning: transformers rendering unavailable (%r); using jinja2 directly" % (e,))
        return jinja2_renderer()


def render_chat(render, tiny):
    sources = {"vl": read_template("minimax_vl_01"), "text01": read_template("minimax_text_01")}
    cases = []
    for index, messages in enumerate(CONVERSATIONS):
        for fmt, source in sources.items():
            first_parts = [m["content"][0]["type"] for m in messages if isinstance(m["content"], list)]
            if fmt == "text01" and "image" in first_parts:
                continue  # Text-01 takes the first part's text: it has no image input
            for tools in ([None, TOOLS] if index % 2 == 1 else [None]):
                for add_generation_prompt in (False, True):
                    text = render(source, messages, tools, add_generation_prompt)
                    cases.append({"format": fmt, "messages": messages, "tools": tools,
                                  "add_generation_prompt": add_generation_prompt, "text": text,
                                  "ids": tiny.encode(text, add_special_tokens=False).ids if tiny else None})
    return cases


# ---------------------------------------------------------------------------------------------------
# Variant tokenizers (see the module docstring)

VARIANT_FILES = ["code.txt", "combining.txt", "emoji.txt", "english_prose.txt", "hf_only/onig_unicode_edges.txt",
                 "mixed_edge.txt", "numbers.txt", "special_tokens.txt", "whitespace.txt"]


def train_variant(name):
    specials = ["<unk>", "<s>", "</s>"]
    if name == "metaspace":
        tok = Tokenizer(models.BPE(unk_token="<unk>", fuse_unk=True))
        tok.normalizer = normalizers.NFKC()
        tok.pre_tokenizer = pre_tokenizers.Sequence([
            pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="first", split=True),
            pre_tokenizers.Digits(individual_digits=True),
        ])
        tok.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="first", split=True)
        limit_alphabet = 80
    else:
        tok = Tokenizer(models.BPE(unk_token="<unk>", fuse_unk=True, byte_fallback=True))
        tok.normalizer = normalizers.Sequence([normalizers.Prepend("\u2581"), normalizers.Replace(" ", "\u2581")])
        tok.decoder = decoders.Sequence([decoders.Replace("\u2581", " "), decoders.ByteFallback(), decoders.Fuse(),
                                         decoders.Strip(" ", 1, 0)])
        limit_alphabet = 40
    trainer = trainers.BpeTrainer(vocab_size=300, special_tokens=specials, limit_alphabet=limit_alphabet,
                                  show_progress=False)
    tok.train_from_iterator(training_corpus(), trainer=trainer)
    bos, eos = tok.token_to_id("<s>"), tok.token_to_id("</s>")
    if name == "metaspace":
        tok.post_processor = processors.TemplateProcessing(single="<s> $A </s>",
                                                           special_tokens=[("<s>", bos), ("</s>", eos)])
        tok.add_special_tokens([AddedToken("<mask>", lstrip=True, rstrip=True, normalized=False)])
        tok.add_tokens([AddedToken("\ufb01x", normalized=True),
                        AddedToken("[w]", single_word=True, normalized=False)])
        return tok
    tok.post_processor = processors.TemplateProcessing(single="<s> $A", special_tokens=[("<s>", bos)])
    # Llama 2 keeps the 256 <0xXX> byte tokens in its vocabulary; the trainer does not make them.
    doc = json.loads(tok.to_str())
    vocab = doc["model"]["vocab"]
    next_id = max(vocab.values()) + 1
    for b in range(256):
        if "<0x%02X>" % b not in vocab:
            vocab["<0x%02X>" % b] = next_id
            next_id += 1
    doc["model"]["byte_fallback"] = True
    return Tokenizer.from_str(json.dumps(doc))


def variant_golden(name):
    tok = train_variant(name)
    files = {}
    for file in VARIANT_FILES:
        with open(os.path.join(CORPUS_DIR, file), encoding="utf-8", newline="") as f:
            text = f.read()
        entry = {"special": tok.encode(text, add_special_tokens=False).ids}
        if file == "special_tokens.txt":
            entry["with_template"] = tok.encode(text, add_special_tokens=True).ids
            tok.encode_special_tokens = True
            entry["no_special"] = tok.encode(text, add_special_tokens=False).ids
            tok.encode_special_tokens = False
        entry["decoded"] = tok.decode(entry["special"], skip_special_tokens=False)
        files[file] = entry
    rng = random.Random(11)
    size = tok.get_vocab_size(with_added_tokens=True)
    decode = []
    for _ in range(200):
        ids = [rng.randrange(size) for _ in range(rng.randint(1, 16))]
        skip = rng.random() < 0.5
        decode.append({"ids": ids, "skip_special": skip, "text": tok.decode(ids, skip_special_tokens=skip)})
    return {"tokenizer": json.loads(tok.to_str()), "files": files, "decode": decode}

# ---------------------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", required=True, help="output directory")
    parser.add_argument("--reference", action="append", default=[], metavar="NAME=PATH",
                        help="a reference tokenizer.json for the hf_only goldens and the cross-check")
    parser.add_argument("--tiny-tokenizer", metavar="PATH", help="use this tiny tokenizer.json instead of training")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    tiny = train_tiny_tokenizer()
    if args.tiny_tokenizer:
        existing = Tokenizer.from_file(args.tiny_tokenizer)
        print("training reproduces %s: %s" % (args.tiny_tokenizer, existing.to_str() == tiny.to_str()))
        tiny = existing
    tiny.save(os.path.join(args.out, "tokenizer.json"))
    with open(os.path.join(args.out, "tokenizer_config.json"), "w", encoding="utf-8") as f:
        json.dump(tokenizer_config(), f, indent=2, ensure_ascii=False)
        f.write("\n")
    tiny = Tokenizer.from_file(os.path.join(args.out, "tokenizer.json"))  # exactly what is committed

    golden = {
        "generator": "tests/reference/make_tiny_tokenizer.py",
        "tokenizers_version": tokenizers.__version__,
        "tokenizers": {"tiny": {"files": encode_files(tiny, corpus_files())}},
        "decode": decode_cases(tiny),
    }
    crosscheck = {}
    for spec in args.reference:
        name, path = spec.split("=", 1)
        ref = Tokenizer.from_file(path)
        golden["tokenizers"][name] = {"files": encode_files(ref, corpus_files(hf_only_only=True))}
        crosscheck[name] = {"files": encode_files(ref, corpus_files())}

    render, engine = chat_renderer(args.out)
    golden["chat_engine"] = engine
    golden["chat"] = render_chat(render, tiny)
    golden["variants"] = {name: variant_golden(name) for name in ("metaspace", "byte_fallback")}

    with open(os.path.join(args.out, "tiny_tokenizer_ids.json"), "w", encoding="utf-8") as f:
        json.dump(golden, f, ensure_ascii=False)
        f.write("\n")
    with open(os.path.join(args.out, "hf_crosscheck.json"), "w", encoding="utf-8") as f:
        json.dump(crosscheck, f)
    vocab = tiny.get_vocab(with_added_tokens=True)
    print("tiny tokenizer: %d ids, specials %s" % (len(vocab), {t: vocab[t] for t in SPECIAL_TOKENS}))
    print("chat cases: %d, decode cases: %d" % (len(golden["chat"]), len(golden["decode"])))
    for name, v in golden["variants"].items():
        print("variant %s: %d ids, %d tokens over %d files" % (
            name, len(v["tokenizer"]["model"]["vocab"]), sum(len(f["special"]) for f in v["files"].values()),
            len(v["files"])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
