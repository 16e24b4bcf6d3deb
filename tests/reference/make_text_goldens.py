#!/usr/bin/env python3
"""Make the text-backbone reference checkpoints and golden logits for lightvl's tests.

Run on the GPU machine (torch + transformers 5.17 there; see README.md beside this file). It builds two
small random MiniMax text models with transformers' native implementation (`MiniMaxForCausalLM`) and
writes, under --out (default: the repository root):

  assets/tiny-minimax-text-01/            model A in the *released* (remote-code) layout: config.json with
                                          `attn_type_list`, `layernorm_*_alpha/beta`, `rotary_dim`, ...;
                                          bf16 weights under the released tensor names, no derived
                                          buffers, sharded in 2 files + model.safetensors.index.json.
  tests/fixtures/tiny-minimax-native/     model B as `save_pretrained` writes it (native config keys,
                                          fp32, one model.safetensors, derived lightning buffers kept).
  tests/fixtures/golden/text_{released,native}.json          prompt ids, greedy continuation, versions
  tests/fixtures/golden/text_{released,native}_logits.npy    float32 [320, vocab] logits of the prompt
  build-golden/ref_src/                   the installed transformers sources the report was read from
                                          (git-ignored; never committed) and a log of the checks.

Why the native model is patched before anything is computed (spec sections 3.2, 4 and 10):
  * RoPE: 5.x native code rotates the whole head; the released model rotates only the first
    `rotary_dim` dims (NeoX rotate_half on that slice). Both the inverse frequencies and the apply
    function are replaced, and a call counter proves the replacement ran.
  * Lightning decay: native divides the layer index by (L - 1 + 1e-5), remote by (L - 1). The decay
    buffers are rebuilt with the remote formula (the effect on the logits is measured and logged).
Everything runs in fp32 on the CPU, with every weight rounded to bf16 first, so the bf16 checkpoint holds
exactly the weights that produced the logits. Full forward passes only: 5.17's cached decoding is wrong
when layer 0 is a lightning layer, so each greedy token recomputes the whole sequence.

Independent check: `minimax_text_spec.spec_forward` (beside this file) recomputes the logits in float64
straight from the released tensor names with the formulas of spec sections 3-6 (the lightning recurrence
of 3.3, not the block algorithm). Its agreement with the patched native model validates the name mapping,
the patches and the spec together.
"""

import argparse
import dataclasses
import inspect
import json
import os
import re
import sys

import numpy as np
import torch

from minimax_text_spec import FULL, LIN, rotate_prefix, spec_forward

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PROMPT_LEN = 320
GREEDY_PROMPT_LEN = 40
GREEDY_STEPS = 12
DERIVED_BUFFERS = ("slope_rate", "query_decay", "key_decay", "diagonal_decay")


@dataclasses.dataclass(frozen=True)
class TinyArch:
    """One tiny model: the numbers every writer (native config, released config, spec forward) reads."""

    vocab_size: int
    hidden_size: int
    layer_kinds: tuple  # "linear_attention" (lightning) or "full_attention" (softmax), per layer
    num_heads: int
    head_dim: int
    num_kv_heads: int
    rotary_dim: int
    rope_theta: float
    intermediate_size: int
    num_experts: int
    top_k: int
    rms_norm_eps: float
    block_size: int
    full_alpha: float
    full_beta: float
    linear_alpha: float
    linear_beta: float
    mlp_alpha: float
    mlp_beta: float
    max_position_embeddings: int
    weight_seed: int
    prompt_seed: int

    @property
    def num_layers(self):
        return len(self.layer_kinds)



# Model A: the released layout. Attention width 4*24 = 96 differs from hidden 64, like 8192 vs 6144.
RELEASED = TinyArch(
    vocab_size=512, hidden_size=64, layer_kinds=(LIN, LIN, LIN, FULL, LIN, LIN, LIN, FULL),
    num_heads=4, head_dim=24, num_kv_heads=2, rotary_dim=12, rope_theta=10000.0,
    intermediate_size=48, num_experts=4, top_k=2, rms_norm_eps=1e-5, block_size=256,
    full_alpha=1.7, full_beta=0.9, linear_alpha=2.1, linear_beta=1.1, mlp_alpha=1.3, mlp_beta=0.8,
    max_position_embeddings=4096, weight_seed=20250101, prompt_seed=101)

# Model B: the native layout. block_size 64 (5 blocks over the prompt) keeps the saved fp32
# diagonal_decay buffers small (heads * 64 * 64 floats per lightning layer instead of * 256 * 256).
NATIVE = TinyArch(
    vocab_size=384, hidden_size=48, layer_kinds=(LIN, FULL, LIN, FULL),
    num_heads=4, head_dim=16, num_kv_heads=1, rotary_dim=8, rope_theta=10000.0,
    intermediate_size=32, num_experts=4, top_k=2, rms_norm_eps=1e-5, block_size=64,
    full_alpha=1.5, full_beta=1.2, linear_alpha=1.9, linear_beta=0.7, mlp_alpha=2.3, mlp_beta=1.05,
    max_position_embeddings=4096, weight_seed=20250202, prompt_seed=202)

LOG = []


def log(msg):
    print(msg, flush=True)
    LOG.append(msg)


# --------------------------------------------------------------------------------------------------
# Native model: config, weights, patches, forward


def native_config(mm, a):
    """MiniMaxConfig for `a`; the partial rotary factor goes into rope_parameters (v5's usual key)."""
    rope = {"rope_type": "default", "rope_theta": a.rope_theta,
            "partial_rotary_factor": a.rotary_dim / a.head_dim}
    kwargs = dict(
        vocab_size=a.vocab_size, hidden_size=a.hidden_size, intermediate_size=a.intermediate_size,
        num_hidden_layers=a.num_layers, num_attention_heads=a.num_heads, num_key_value_heads=a.num_kv_heads,
        head_dim=a.head_dim, hidden_act="silu", max_position_embeddings=a.max_position_embeddings,
        rms_norm_eps=a.rms_norm_eps, tie_word_embeddings=False, num_local_experts=a.num_experts,
        num_experts_per_tok=a.top_k, router_jitter_noise=0.0, layer_types=list(a.layer_kinds),
        block_size=a.block_size, full_attn_alpha_factor=a.full_alpha, full_attn_beta_factor=a.full_beta,
        linear_attn_alpha_factor=a.linear_alpha, linear_attn_beta_factor=a.linear_beta,
        mlp_alpha_factor=a.mlp_alpha, mlp_beta_factor=a.mlp_beta, bos_token_id=None, eos_token_id=None)
    try:
        config = mm.MiniMaxConfig(rope_parameters=rope, **kwargs)
    except Exception as err:  # huggingface_hub's strict validation has its own error types
        log(f"MiniMaxConfig refused partial_rotary_factor ({err!r}); building without it")
        rope.pop("partial_rotary_factor")
        config = mm.MiniMaxConfig(rope_parameters=rope, **kwargs)
    assert list(config.layer_types) == list(a.layer_kinds), config.layer_types
    return config


def set_eager(model):
    """Plain matmul + fp32 softmax attention: the closest to the spec's arithmetic."""
    if hasattr(model, "set_attn_implementation"):
        model.set_attn_implementation("eager")
    else:
        model.config._attn_implementation = "eager"


def init_bf16_weights(model, seed):
    """Seeded init with larger scales than the default (so every layer matters), rounded to bf16.

    Norm weights get 1 +- 0.2 (uniform) so a loader that ignores them fails; matrices get N(0, 0.08^2).
    """
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in sorted(model.named_parameters()):
            if name.endswith("norm.weight"):
                value = 1.0 + 0.2 * (2.0 * torch.rand(p.shape, generator=gen) - 1.0)
            else:
                value = 0.08 * torch.randn(p.shape, generator=gen)
            p.copy_(value.to(torch.bfloat16).to(torch.float32))
    lm, emb = model.lm_head.weight, model.model.embed_tokens.weight
    assert lm.data_ptr() != emb.data_ptr(), "lm_head must not be tied to the embedding"


class RopeCounter:
    """The partial-rotary apply function installed into the native module, with a call counter."""

    def __init__(self):
        self.calls = 0
        self.original = None

    def apply(self, q, k, cos, sin, unsqueeze_dim=1):
        rd = cos.shape[-1]  # a patched model's inv_freq covers exactly the rotary dims
        if rd == q.shape[-1]:
            # A model whose inv_freq is not replaced yet (the unpatched comparison run): native behaviour.
            return self.original(q, k, cos, sin, unsqueeze_dim=unsqueeze_dim)
        self.calls += 1
        cos, sin = cos.unsqueeze(unsqueeze_dim), sin.unsqueeze(unsqueeze_dim)
        return rotate_prefix(q, cos, sin, rd), rotate_prefix(k, cos, sin, rd)


ROPE = RopeCounter()


def install_partial_rope(model, a, findings):
    """Replace inv_freq (computed over rotary_dim) and the module's apply_rotary_pos_emb."""
    # Native attention calls the module-level function; the call counter proves that still holds.
    mm = sys.modules[type(model).__module__]
    if ROPE.original is None:
        ROPE.original = mm.apply_rotary_pos_emb
        mm.apply_rotary_pos_emb = ROPE.apply
    rotary = [m for m in model.modules() if type(m).__name__.endswith("RotaryEmbedding")]
    assert len(rotary) == 1, f"expected one rotary embedding module, found {len(rotary)}"
    rot = rotary[0]
    # Same arithmetic as native's default init, over rotary_dim instead of head_dim.
    inv = 1.0 / (a.rope_theta ** (torch.arange(0, a.rotary_dim, 2, dtype=torch.int64).float() / a.rotary_dim))
    findings["native_inv_freq_len"] = int(rot.inv_freq.numel())
    findings["native_inv_freq_already_partial"] = bool(
        rot.inv_freq.numel() == inv.numel() and torch.equal(rot.inv_freq.float().cpu(), inv))
    findings["attention_scaling"] = float(getattr(rot, "attention_scaling", 1.0))
    assert findings["attention_scaling"] == 1.0
    rot.inv_freq = inv
    rot.original_inv_freq = inv


def remote_slope_rate(num_heads, layer_idx, num_layers):
    """Remote formula (spec 3.2): 2^(-8(h+1)/H) * (1 - l/(L-1) + 1e-5), computed in fp32 like native."""
    base = 1 / (2 ** (8 / num_heads))
    rate = base ** (torch.arange(num_heads) + 1)
    return (rate * (1 - layer_idx / (num_layers - 1) + 1e-5))[:, None, None]


def install_remote_decay(model, a):
    """Rebuild each lightning layer's derived decay buffers from the remote slope; returns max rel change."""
    changed, count = 0.0, 0
    for m in model.modules():
        if not all(hasattr(m, b) for b in DERIVED_BUFFERS):
            continue
        rate = remote_slope_rate(m.num_attention_heads, m.layer_idx, a.num_layers)
        new = dict(zip(DERIVED_BUFFERS, (rate, *m.decay_factors(rate))))
        changed = max(changed, float(((m.slope_rate - rate).abs() / rate).max()))
        for name, value in new.items():
            old = getattr(m, name)
            assert old.shape == value.shape, (name, old.shape, value.shape)
            setattr(m, name, value.to(old.dtype))
        count += 1
    assert count == a.layer_kinds.count(LIN), f"patched {count} lightning layers"
    return changed


@torch.no_grad()
def native_logits(model, ids):
    """Logits [T, V] of every position from one full forward pass (no cache)."""
    out = model(input_ids=torch.tensor([ids], dtype=torch.long), use_cache=False)
    return out.logits[0].float()


def greedy(model, prompt, steps):
    """Greedy continuation by full recomputation; returns ids and the smallest top1 - top2 logit gap."""
    seq, margin = list(prompt), float("inf")
    for _ in range(steps):
        last = native_logits(model, seq)[-1]
        top = torch.topk(last, 2).values
        margin = min(margin, float(top[0] - top[1]))
        seq.append(int(torch.argmax(last)))
    return seq[len(prompt):], margin


# --------------------------------------------------------------------------------------------------
# Released tensor names (spec 2.1) and the mapping from native module names


def released_shapes(a):
    """Every released tensor name of `a` with its shape, in checkpoint order."""
    hd, attn, kv = a.hidden_size, a.num_heads * a.head_dim, a.num_kv_heads * a.head_dim
    inter, e = a.intermediate_size, a.num_experts
    shapes = {"model.embed_tokens.weight": (a.vocab_size, hd)}
    for i, kind in enumerate(a.layer_kinds):
        p = f"model.layers.{i}."
        if kind == LIN:
            shapes.update({p + "self_attn.qkv_proj.weight": (3 * attn, hd),
                           p + "self_attn.output_gate.weight": (attn, hd),
                           p + "self_attn.out_proj.weight": (hd, attn),
                           p + "self_attn.norm.weight": (attn,)})
        else:
            shapes.update({p + "self_attn.q_proj.weight": (attn, hd), p + "self_attn.k_proj.weight": (kv, hd),
                           p + "self_attn.v_proj.weight": (kv, hd), p + "self_attn.o_proj.weight": (hd, attn)})
        shapes[p + "input_layernorm.weight"] = (hd,)
        shapes[p + "post_attention_layernorm.weight"] = (hd,)
        shapes[p + "block_sparse_moe.gate.weight"] = (e, hd)
        for x in range(e):
            q = f"{p}block_sparse_moe.experts.{x}."
            shapes.update({q + "w1.weight": (inter, hd), q + "w3.weight": (inter, hd),
                           q + "w2.weight": (hd, inter)})
    shapes["model.norm.weight"] = (hd,)
    shapes["lm_head.weight"] = (a.vocab_size, hd)
    return shapes


def split_fused_experts(kind, t, a):
    """Per-expert [w1, w3] (gate_up) or [w2] (down) matrices from a fused [E, ., .] parameter.

    Native's forward is linear(x, gate_up[e]).chunk(2): gate (w1) rows first, then up (w3). The layout
    is recognised by shape; a transposed [E, H, 2I] / [E, I, H] storage is handled too.
    """
    hd, inter = a.hidden_size, a.intermediate_size
    if kind == "gate_up_proj":
        if t.shape[1:] == (2 * inter, hd):
            return [(t[e, :inter], t[e, inter:]) for e in range(t.shape[0])]
        assert t.shape[1:] == (hd, 2 * inter), f"unexpected gate_up_proj shape {tuple(t.shape)}"
        return [(t[e, :, :inter].T, t[e, :, inter:].T) for e in range(t.shape[0])]
    if t.shape[1:] == (hd, inter):
        return [(t[e],) for e in range(t.shape[0])]
    assert t.shape[1:] == (inter, hd), f"unexpected down_proj shape {tuple(t.shape)}"
    return [(t[e].T,) for e in range(t.shape[0])]


MOE_RE = re.compile(r"^(model\.layers\.\d+\.)(?:mlp|block_sparse_moe)\.(gate\.weight|experts\..*)$")


def to_released(params, a):
    """Released name -> bf16 tensor from native parameter names; asserts exact coverage and shapes."""
    out = {}

    def put(name, t):
        assert name not in out, f"released name produced twice: {name}"
        out[name] = t.detach().to(torch.bfloat16).contiguous().clone()

    for name, t in params.items():
        m = MOE_RE.match(name)
        if not m:
            put(name, t)
            continue
        prefix, rest = m.group(1) + "block_sparse_moe.", m.group(2)
        if rest in ("experts.gate_up_proj", "experts.down_proj"):
            kind = rest.split(".")[1]
            names = ("w1", "w3") if kind == "gate_up_proj" else ("w2",)
            for e, mats in enumerate(split_fused_experts(kind, t, a)):
                for wname, mat in zip(names, mats):
                    put(f"{prefix}experts.{e}.{wname}.weight", mat)
        else:
            put(prefix + rest, t)  # gate.weight or per-expert experts.{e}.w{1,2,3}.weight
    expected = released_shapes(a)
    missing, extra = sorted(set(expected) - set(out)), sorted(set(out) - set(expected))
    assert not missing and not extra, f"released names: missing {missing[:8]}, unexpected {extra[:8]}"
    for name, shape in expected.items():
        assert tuple(out[name].shape) == shape, (name, tuple(out[name].shape), shape)
    return {name: out[name] for name in expected}


def native_state_from_released(model, released, a):
    """Inverse of to_released for the parameters of `model` (used to prove the checkpoint round-trips)."""
    state = {}
    for name, t in model.named_parameters():
        m = MOE_RE.match(name)
        if not m:
            state[name] = released[name].float()
            continue
        prefix, rest = m.group(1) + "block_sparse_moe.", m.group(2)
        if rest == "experts.gate_up_proj":
            per = [torch.cat([released[f"{prefix}experts.{e}.{w}.weight"] for w in ("w1", "w3")])
                   for e in range(a.num_experts)]
            fused = torch.stack(per)
            state[name] = (fused if fused.shape == t.shape else fused.transpose(1, 2)).float()
        elif rest == "experts.down_proj":
            fused = torch.stack([released[f"{prefix}experts.{e}.w2.weight"] for e in range(a.num_experts)])
            state[name] = (fused if fused.shape == t.shape else fused.transpose(1, 2)).float()
        else:
            state[name] = released[prefix + rest].float()
        assert state[name].shape == t.shape, (name, state[name].shape, t.shape)
    return state


# --------------------------------------------------------------------------------------------------
# Writers


def released_config(a):
    """config.json in the remote-code form (spec 1.1): every key of the released file, tiny values."""
    return {
        "architectures": ["MiniMaxText01ForCausalLM"],
        "attention_dropout": 0.0,
        "attn_type_list": [0 if kind == LIN else 1 for kind in a.layer_kinds],
        "auto_map": {"AutoConfig": "configuration_minimax_text_01.MiniMaxText01Config",
                     "AutoModelForCausalLM": "modeling_minimax_text_01.MiniMaxText01ForCausalLM"},
        "bos_token_id": None, "eos_token_id": None,
        "head_dim": a.head_dim, "hidden_act": "silu", "hidden_size": a.hidden_size,
        "initializer_range": 0.02, "intermediate_size": a.intermediate_size,
        "layernorm_full_attention_alpha": a.full_alpha, "layernorm_full_attention_beta": a.full_beta,
        "layernorm_linear_attention_alpha": a.linear_alpha, "layernorm_linear_attention_beta": a.linear_beta,
        "layernorm_mlp_alpha": a.mlp_alpha, "layernorm_mlp_beta": a.mlp_beta,
        "max_position_embeddings": a.max_position_embeddings, "model_type": "minimax_text_01",
        "num_attention_heads": a.num_heads, "num_experts_per_tok": a.top_k, "num_hidden_layers": a.num_layers,
        "num_key_value_heads": a.num_kv_heads, "num_local_experts": a.num_experts,
        "postnorm": True, "rms_norm_eps": a.rms_norm_eps, "rope_scaling": None, "rope_theta": a.rope_theta,
        "rotary_dim": a.rotary_dim, "router_aux_loss_coef": 0.001, "router_jitter_noise": 0.0,
        "shared_intermediate_size": 0, "shared_moe_mode": "sigmoid", "sliding_window": None,
        "tie_word_embeddings": False, "torch_dtype": "bfloat16",
        "transformers_version": "4.45.2",  # the value in the released file; written by this script
        "vocab_size": a.vocab_size,
    }


def write_json(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(obj, f, indent=2, sort_keys=True)
        f.write("\n")


def write_released_checkpoint(directory, a, tensors, save_file):
    """Two bf16 shards split at the middle layer, plus the index with total_size and weight_map."""
    os.makedirs(directory, exist_ok=True)
    half = a.num_layers // 2
    names = ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"]
    shards = ({}, {})
    for name, t in tensors.items():
        m = re.match(r"model\.layers\.(\d+)\.", name)
        first = name == "model.embed_tokens.weight" or (m is not None and int(m.group(1)) < half)
        shards[0 if first else 1][name] = t
    weight_map = {}
    for shard, fname in zip(shards, names):
        save_file(shard, os.path.join(directory, fname), metadata={"format": "pt"})
        weight_map.update({name: fname for name in shard})
    total = sum(t.numel() * t.element_size() for t in tensors.values())
    write_json(os.path.join(directory, "model.safetensors.index.json"),
               {"metadata": {"total_size": total}, "weight_map": dict(sorted(weight_map.items()))})
    write_json(os.path.join(directory, "config.json"), released_config(a))


def write_golden(out, stem, a, model_dir, prompt, greedy_ids, logits, margins, note):
    """The golden json (one key a line, lists on one line) and the float32 C-order logits .npy."""
    import transformers
    gold = os.path.join(out, "tests", "fixtures", "golden")
    os.makedirs(gold, exist_ok=True)
    array = np.ascontiguousarray(logits.numpy().astype(np.float32))
    assert array.shape == (PROMPT_LEN, a.vocab_size)
    np.save(os.path.join(gold, f"{stem}_logits.npy"), array)
    fields = {
        "prompt_ids": prompt, "greedy_prompt_ids": prompt[:GREEDY_PROMPT_LEN], "greedy_ids": greedy_ids,
        "model_dir": model_dir, "logits_file": f"tests/fixtures/golden/{stem}_logits.npy",
        "transformers_version": transformers.__version__, "torch_version": torch.__version__, "note": note,
        **margins}
    body = ",\n".join(f"  {json.dumps(k)}: {json.dumps(v)}" for k, v in sorted(fields.items()))
    with open(os.path.join(gold, f"{stem}.json"), "w") as f:
        f.write("{\n" + body + "\n}\n")


# --------------------------------------------------------------------------------------------------
# Driver


def dump_sources(out):
    """The installed sources the semantics report is read from (git-ignored build-golden/ref_src/)."""
    import transformers
    from transformers import modeling_rope_utils
    from transformers.models.minimax import configuration_minimax, modeling_minimax
    modules = [modeling_minimax, configuration_minimax, modeling_rope_utils]
    try:
        from transformers import conversion_mapping
        modules.append(conversion_mapping)
    except ImportError:
        log("transformers.conversion_mapping not present")
    dest = os.path.join(out, "build-golden", "ref_src")
    os.makedirs(dest, exist_ok=True)
    for mod in modules:
        with open(os.path.join(dest, mod.__name__.split(".")[-1] + ".py"), "w") as f:
            f.write(inspect.getsource(mod))
    log(f"transformers {transformers.__version__}, torch {torch.__version__}; sources dumped to {dest}")
    return modeling_minimax


def build_model(mm, a, findings, seed=None):
    model = mm.MiniMaxForCausalLM(native_config(mm, a)).eval()
    set_eager(model)
    init_bf16_weights(model, a.weight_seed if seed is None else seed)
    known = DERIVED_BUFFERS + ("inv_freq", "original_inv_freq")
    findings["other_buffers"] = [n for n, _ in model.named_buffers() if n.split(".")[-1] not in known]
    findings["attn_implementation"] = getattr(model.config, "_attn_implementation", None)
    findings["experts_implementation"] = getattr(model.config, "_experts_implementation", None)
    return model


def patched_logits(model, a, ids, findings, tag):
    """Native logits unpatched, with remote decay, then with partial RoPE too (the golden)."""
    raw = native_logits(model, ids)
    findings["slope_max_rel_change"] = install_remote_decay(model, a)
    decay_only = native_logits(model, ids)
    install_partial_rope(model, a, findings)
    before = ROPE.calls
    golden = native_logits(model, ids)
    calls = ROPE.calls - before
    assert calls == a.layer_kinds.count(FULL), f"{tag}: partial RoPE ran {calls} times"
    findings["logit_change_from_remote_decay"] = float((decay_only - raw).abs().max())
    findings["logit_change_from_partial_rope"] = float((golden - decay_only).abs().max())
    log(f"{tag}: partial RoPE patch ran {calls} times in one forward; findings {json.dumps(findings)}")
    return golden


def check(checks, tag, value, limit):
    ok = value <= limit
    checks.append((tag, value, limit, ok))
    log(f"{'ok  ' if ok else 'FAIL'} {tag}: {value:.3e} (limit {limit:.0e})")


def verify_against_spec(a, released, ids, golden, greedy_ids, checks, tag):
    stats = {}
    ref = spec_forward(a, released, ids, stats)
    scale = float(ref.abs().max())
    check(checks, f"{tag} spec64 vs native fp32 max|diff| (max|logit| {scale:.2f})",
          float((ref - golden.double()).abs().max()), 1e-4 * max(scale, 1.0))
    seq = ids[:GREEDY_PROMPT_LEN] + greedy_ids
    ref_greedy = spec_forward(a, released, seq[:-1], {}).argmax(-1)[GREEDY_PROMPT_LEN - 1:].tolist()
    check(checks, f"{tag} greedy ids differing from spec64 argmax", float(ref_greedy != greedy_ids), 0)
    log(f"{tag}: smallest router top-{a.top_k} vs next probability gap {stats['router_gap']:.3e}")
    return stats["router_gap"]


def prompt_ids(a):
    gen = torch.Generator().manual_seed(a.prompt_seed)
    return torch.randint(0, a.vocab_size, (PROMPT_LEN,), generator=gen).tolist()


def margins(greedy_gap, router_gap):
    """How close the reference came to a tie: tells a test how much numeric error it can absorb."""
    return {"greedy_min_top2_logit_gap": round(greedy_gap, 6),
            "router_min_topk_prob_gap": float(f"{router_gap:.3e}")}


def make_released(mm, out, checks):
    from safetensors.torch import load_file, save_file
    a, findings = RELEASED, {}
    model = build_model(mm, a, findings)
    ids = prompt_ids(a)
    golden = patched_logits(model, a, ids, findings, "released")
    greedy_ids, margin = greedy(model, ids[:GREEDY_PROMPT_LEN], GREEDY_STEPS)
    log(f"released: greedy {greedy_ids}, smallest top1-top2 logit gap {margin:.4f}")
    released = to_released(dict(model.named_parameters()), a)
    directory = os.path.join(out, "assets", "tiny-minimax-text-01")
    write_released_checkpoint(directory, a, released, save_file)
    # Round trip: the files alone, mapped back to native names, must give the same logits.
    loaded = {}
    index = json.load(open(os.path.join(directory, "model.safetensors.index.json")))
    for fname in sorted(set(index["weight_map"].values())):
        loaded.update(load_file(os.path.join(directory, fname)))
    assert set(loaded) == set(released) and all(torch.equal(loaded[n], released[n]) for n in released)
    fresh = build_model(mm, a, {}, seed=a.weight_seed + 1)  # different weights until the files are loaded
    missing, unexpected = fresh.load_state_dict(native_state_from_released(fresh, loaded, a), strict=False)
    assert not unexpected and all(n.split(".")[-1] in DERIVED_BUFFERS for n in missing), (missing, unexpected)
    install_remote_decay(fresh, a)
    install_partial_rope(fresh, a, {})
    diff = float((native_logits(fresh, ids) - golden).abs().max())
    check(checks, "released checkpoint round trip max|diff|", diff, 0)
    gap = verify_against_spec(a, released, ids, golden, greedy_ids, checks, "released")
    write_golden(out, "text_released", a, "assets/tiny-minimax-text-01", ids, greedy_ids, golden,
                 margins(margin, gap),
                 "fp32 logits of transformers-native MiniMaxForCausalLM with bf16-representable weights, "
                 "RoPE patched to rotate only the first rotary_dim dims and remote lightning decay slopes; "
                 "full forward passes, no cache. Made by tests/reference/make_text_goldens.py.")


def make_native(mm, out, checks):
    from safetensors import safe_open
    a, findings = NATIVE, {}
    model = build_model(mm, a, findings)
    ids = prompt_ids(a)
    golden = patched_logits(model, a, ids, findings, "native")
    greedy_ids, margin = greedy(model, ids[:GREEDY_PROMPT_LEN], GREEDY_STEPS)
    log(f"native: greedy {greedy_ids}, smallest top1-top2 logit gap {margin:.4f}")
    directory = os.path.join(out, "tests", "fixtures", "tiny-minimax-native")
    params = inspect.signature(model.save_pretrained).parameters
    kwargs = {"save_original_format": True} if "save_original_format" in params else {}
    log(f"save_pretrained kwargs {kwargs}; parameters {list(params)}")
    model.save_pretrained(directory, **kwargs)
    log(f"save_pretrained wrote {sorted(os.listdir(directory))}")
    with safe_open(os.path.join(directory, "model.safetensors"), framework="pt") as f:
        saved = {name: f.get_tensor(name) for name in f.keys()}
    manifest = [f"{n} {tuple(t.shape)} {t.dtype}" for n, t in sorted(saved.items())]
    with open(os.path.join(out, "build-golden", "native_manifest.txt"), "w") as f:
        f.write("\n".join(manifest) + "\n")
    expected = released_shapes(a)
    weights = {n for n in saved if n.split(".")[-1] not in DERIVED_BUFFERS}
    log(f"native file: {len(saved)} tensors; dtypes {sorted({str(t.dtype) for t in saved.values()})}; "
        f"weight names equal to released names: {weights == set(expected)}; "
        f"not released: {sorted(weights - set(expected))[:6]}; "
        f"released missing: {sorted(set(expected) - weights)[:6]}")
    cfg_path = os.path.join(directory, "config.json")
    cfg = json.load(open(cfg_path))
    rope = cfg.get("rope_parameters") or {}
    rope_key = [k for k in ("partial_rotary_factor", "rotary_dim") if k in cfg or k in rope]
    log(f"native config.json keys {sorted(cfg)}; rope_parameters {rope}; partial rotary keys {rope_key}")
    if not rope_key:
        cfg.setdefault("rope_parameters", {})["partial_rotary_factor"] = a.rotary_dim / a.head_dim
        write_json(cfg_path, cfg)
        log("partial_rotary_factor was not written by save_pretrained; added to rope_parameters by hand")
    # Reload through from_pretrained (exercises the legacy-name conversion), patch, compare.
    try:
        reloaded = mm.MiniMaxForCausalLM.from_pretrained(directory, dtype=torch.float32).eval()
    except TypeError:
        reloaded = mm.MiniMaxForCausalLM.from_pretrained(directory, torch_dtype=torch.float32).eval()
    set_eager(reloaded)
    lin = next(m for m in reloaded.modules() if hasattr(m, "slope_rate"))
    rate = remote_slope_rate(a.num_heads, lin.layer_idx, a.num_layers)
    log(f"native reload: slope_rate buffer taken from the file: {torch.equal(lin.slope_rate, rate)}")
    install_remote_decay(reloaded, a)
    install_partial_rope(reloaded, a, {})
    diff = float((native_logits(reloaded, ids) - golden).abs().max())
    check(checks, "native save/from_pretrained round trip max|diff|", diff, 0)
    released = to_released(dict(model.named_parameters()), a)
    gap = verify_against_spec(a, released, ids, golden, greedy_ids, checks, "native")
    write_golden(out, "text_native", a, "tests/fixtures/tiny-minimax-native", ids, greedy_ids, golden,
                 margins(margin, gap),
                 "fp32 logits of transformers-native MiniMaxForCausalLM as saved by save_pretrained (fp32), "
                 "RoPE patched to rotate only the first rotary_dim dims (partial_rotary_factor 0.5) and remote "
                 "lightning decay slopes (saved buffers hold them); block_size 64; full forward passes, no cache. "
                 "Made by tests/reference/make_text_goldens.py.")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=REPO_ROOT, help="root the repository-relative outputs go under")
    args = parser.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(4)
    mm = dump_sources(args.out)
    checks = []
    try:
        make_released(mm, args.out, checks)
        make_native(mm, args.out, checks)
    finally:
        with open(os.path.join(args.out, "build-golden", "golden_log.txt"), "w") as f:
            f.write("\n".join(LOG) + "\n")
    failed = [c[0] for c in checks if not c[3]]
    log(f"{len(checks) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
