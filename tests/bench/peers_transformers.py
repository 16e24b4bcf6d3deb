"""Peer C of tests/bench/peers.py: transformers' MiniMaxForCausalLM, eager attention, on the 8-layer slice.

Built from a MiniMaxConfig with the slice's shapes (transformers 5.x names: layer_types, the
*_alpha_factor / *_beta_factor residual weights, rope_parameters), random weights created directly on the
GPU in bf16 (torch's default device and dtype set around the constructor: 89 GiB of f32 would not fit a
141 GB H200). Timed like `lightvl bench`: a warm-up prefill, then time to first token = the prompt's
forward pass with logits_to_keep=1 and the greedy token read back on the host; then batch-1 greedy decode,
one forward per token with the cache, timed on the host around a synchronised loop.

The experts run through transformers' default experts implementation (grouped_mm in 5.17) and, when
asked, "eager" (a Python loop over the experts that receive tokens); attention is always "eager".
"""
import contextlib
import statistics
import time
import traceback

import torch

from peers_torch import FULL, synchronize

CACHE_NOTE = ("transformers 5.17's cached decoding is wrong when layer 0 is a lightning layer (its cache reports "
              "length 0, so the softmax layer gets a wrong mask and, without explicit position_ids, wrong RoPE "
              "positions); that changes no timing. Decode here passes explicit position_ids; its tokens are not "
              "checked.")


def minimax_config(mm, shapes):
    """MiniMaxConfig of the slice; `mm` is transformers.models.minimax.modeling_minimax (or a stand-in)."""
    alpha = (2.0 * 80) ** 0.25  # the released DeepNorm alpha (spec 1.1), as lightvl's synthetic slice
    rope = {"rope_type": "default", "rope_theta": shapes.rope_theta,
            "partial_rotary_factor": shapes.rotary_dim / shapes.head_dim}
    kwargs = dict(
        vocab_size=shapes.vocab, hidden_size=shapes.hidden, intermediate_size=shapes.intermediate,
        num_hidden_layers=len(shapes.layer_kinds), num_attention_heads=shapes.heads,
        num_key_value_heads=shapes.kv_heads, head_dim=shapes.head_dim, hidden_act="silu",
        max_position_embeddings=131072, rms_norm_eps=1e-5, tie_word_embeddings=False,
        num_local_experts=shapes.experts, num_experts_per_tok=shapes.top_k, router_jitter_noise=0.0,
        layer_types=list(shapes.layer_kinds), block_size=shapes.block_size,
        full_attn_alpha_factor=alpha, full_attn_beta_factor=1.0, linear_attn_alpha_factor=alpha,
        linear_attn_beta_factor=1.0, mlp_alpha_factor=alpha, mlp_beta_factor=1.0,
        bos_token_id=None, eos_token_id=None, use_cache=True)
    try:
        config = mm.MiniMaxConfig(rope_parameters=rope, **kwargs)
    except Exception:  # noqa: BLE001 (strict config validation; 5.17's RoPE ignores the factor anyway)
        rope.pop("partial_rotary_factor")
        config = mm.MiniMaxConfig(rope_parameters=rope, **kwargs)
    if list(config.layer_types) != list(shapes.layer_kinds):  # its default alternates the two kinds
        raise RuntimeError(f"MiniMaxConfig kept layer_types {config.layer_types}, not {shapes.layer_kinds}")
    return config


def slice_weight_bytes(shapes):
    """bf16 bytes of the slice's matrices (embedding, lm_head, attention, experts; norms and routers left out)."""
    kv_width = shapes.kv_heads * shapes.head_dim
    attention = sum(5 * shapes.width * shapes.hidden if kind == "linear_attention" else
                    2 * (shapes.width + kv_width) * shapes.hidden for kind in shapes.layer_kinds)
    experts = len(shapes.layer_kinds) * shapes.experts * 3 * shapes.intermediate * shapes.hidden
    return 2 * (2 * shapes.vocab * shapes.hidden + attention + experts)


@contextlib.contextmanager
def default_device_and_dtype(device, dtype):
    """Parameters are created where they live, in their final dtype."""
    previous = torch.get_default_dtype()
    torch.set_default_dtype(dtype)
    try:
        place = torch.device(device)
        with place if hasattr(place, "__enter__") else contextlib.nullcontext():
            yield
    finally:
        torch.set_default_dtype(previous)


def set_implementation(model, kind, name):
    """model.set_attn_implementation / set_experts_implementation, else the config field; returns what is set."""
    setter = getattr(model, f"set_{kind}_implementation", None)
    if setter is not None:
        setter(name)
    else:
        setattr(model.config, f"_{kind}_implementation", name)
    return getattr(model.config, f"_{kind}_implementation", None)


def transformers_peer(deadline, device, dtype, log, shapes=FULL, mm=None, prompt_tokens=4096,
                      decode_tokens=16, experts=("default", "eager"), prefill_reps=2):
    """Builds the slice, then times prefill and decode once per experts implementation in `experts`."""
    result = {"runs": [], "notes": [CACHE_NOTE], "prompt_tokens": prompt_tokens}
    if mm is None:
        import transformers
        from transformers.models.minimax import modeling_minimax as mm
        result["version"] = transformers.__version__
    config = minimax_config(mm, shapes)
    dev = torch.device(device)
    need = slice_weight_bytes(shapes)
    result["weight_gib"] = round(need / 2**30, 2)
    if dev.type == "cuda":
        torch.cuda.reset_peak_memory_stats()
        free, total = torch.cuda.mem_get_info()
        if free < need * 1.1:
            raise RuntimeError(f"{free / 2**30:.1f} GiB free of {total / 2**30:.1f}; the slice needs "
                               f"{need / 2**30:.1f} GiB of bf16 weights plus activations")
    t0 = time.perf_counter()
    with default_device_and_dtype(device, dtype):
        model = mm.MiniMaxForCausalLM(config)
    model.eval().requires_grad_(False)
    synchronize(device)
    result["build_seconds"] = round(time.perf_counter() - t0, 1)
    dtypes = sorted({str(p.dtype) for p in model.parameters()})
    devices = sorted({str(p.device) for p in model.parameters()})
    result.update(param_dtypes=dtypes, param_devices=devices, params=sum(p.numel() for p in model.parameters()))
    log(f"  built MiniMaxForCausalLM in {result['build_seconds']} s: {result['params'] / 1e9:.2f} B parameters, "
        f"{dtypes} on {devices}")
    result["attn_implementation"] = set_implementation(model, "attn", "eager")
    result["default_experts_implementation"] = getattr(model.config, "_experts_implementation", None)
    gen = torch.Generator(device=device).manual_seed(3)
    ids = torch.randint(0, min(shapes.vocab, 100000), (1, prompt_tokens), device=device, generator=gen)
    done = set()
    try:
        for name in experts:
            if time.perf_counter() > deadline:
                result["notes"].append(f"experts={name}: skipped, time budget spent")
                break
            try:
                used = result["default_experts_implementation"] if name == "default" else \
                    set_implementation(model, "experts", name)
                if used in done:
                    continue
                done.add(used)
                result["runs"].append(time_generation(model, ids, device, deadline, decode_tokens, prefill_reps,
                                                      used, log))
            except Exception as exc:  # noqa: BLE001 (keep the runs that worked)
                result["notes"].append(f"experts={name}: failed: {exc!r}")
                log(f"  experts={name} failed:\n{traceback.format_exc()}")
    finally:
        del model
        if dev.type == "cuda":
            result["max_memory_gib"] = round(torch.cuda.max_memory_allocated() / 2**30, 1)
            torch.cuda.empty_cache()
    return result


def time_generation(model, ids, device, deadline, decode_tokens, prefill_reps, experts_name, log):
    """One experts implementation: prefill figures, then decode (a decode failure keeps the prefill ones)."""
    prompt = ids.shape[1]
    run = {"experts_implementation": experts_name, "prefill_seconds": [], "decode_context": prompt}

    def prefill():
        out = model(input_ids=ids, use_cache=True, logits_to_keep=1)
        return out.past_key_values, out.logits[:, -1].argmax(-1)

    with torch.inference_mode():
        t0 = time.perf_counter()
        past, token = prefill()
        token.item()
        run["warmup_prefill_seconds"] = round(time.perf_counter() - t0, 3)
        for _ in range(prefill_reps):
            del past
            t0 = time.perf_counter()
            past, token = prefill()
            token.item()  # the host has the first token: time to first token
            run["prefill_seconds"].append(time.perf_counter() - t0)
        run["ttft_seconds"] = statistics.median(run["prefill_seconds"])
        length = getattr(past, "get_seq_length", None)
        run["cache_seq_length_after_prefill"] = length() if length else None
        log(f"  experts={experts_name}: time to first token ({prompt} tokens) {run['ttft_seconds']:.3f} s "
            f"(warm-up {run['warmup_prefill_seconds']:.2f} s)")
        try:
            decode(model, past, token, prompt, device, deadline, decode_tokens, run)
        except Exception as exc:  # noqa: BLE001
            run["decode_error"] = repr(exc)
            log(f"  experts={experts_name}: decode failed:\n{traceback.format_exc()}")
            return run
    log(f"  experts={experts_name}: decode batch 1 after {prompt} tokens: "
        f"{run['decode_tokens_per_second']:.1f} tokens/s ({run['decode_tokens']} tokens)")
    return run


def decode(model, past, token, prompt, device, deadline, decode_tokens, run):
    """Greedy batch-1 steps on `past`: two warm-up steps (the first also probes explicit position_ids),
    then as many timed steps as decode_tokens and half the remaining budget allow (at least 2)."""
    explicit = [True]

    def step(tok, pos):
        kwargs = dict(input_ids=tok.view(1, 1), past_key_values=past, use_cache=True)
        if explicit[0]:
            kwargs["position_ids"] = torch.full((1, 1), pos, device=tok.device, dtype=torch.long)
        return model(**kwargs).logits[:, -1].argmax(-1)

    try:
        token = step(token, prompt)
    except Exception as exc:  # noqa: BLE001 (then as generate() would call it, without positions)
        run["note"] = f"decode with explicit position_ids failed ({exc!r}); decoded without them"
        explicit[0] = False
        token = step(token, prompt)
    t0 = time.perf_counter()
    token = step(token, prompt + 1)
    token.item()
    per_step = time.perf_counter() - t0
    budget = max(0.0, deadline - time.perf_counter()) / 2
    n = max(2, min(decode_tokens, int(budget / max(per_step, 1e-6))))
    synchronize(device)
    t0 = time.perf_counter()
    for i in range(n):
        token = step(token, prompt + 2 + i)
    token.item()
    seconds = time.perf_counter() - t0
    run.update(decode_tokens=n, decode_seconds=seconds, decode_tokens_per_second=n / seconds,
               position_ids_passed=explicit[0])
