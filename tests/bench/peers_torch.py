"""The torch half of tests/bench/peers.py: times the peers of `lightvl bench` on the GPU.

Peers, all at the shapes of one full-width MiniMax-Text-01 block (spec sections 3-6):
  - PyTorch SDPA (cuDNN backend, else flash) for the softmax layer's attention: causal, 64 query heads,
    8 KV heads (query head h reads KV head h // 8, as in the spec), head_dim 128, scale 1/sqrt(128), bf16.
  - flash-linear-attention's chunk_simple_gla for the lightning layer: q, k, v [1, T, 64, 128] bf16,
    per-head log decay -rate_h (rate = the ALiBi slope times the layer factor, spec 3.2), scale 1 (the
    lightning layer has no 1/sqrt(d), spec 3.1), an f32 initial state and the final state returned (as
    our kernel reads and writes its f32 state). Timed twice: with g_gamma (fla's per-head constant
    decay, exactly MiniMax's) and with a per-step g [1, T, 64] (the general gate path).
  - The same two kernels inside a whole PyTorch sublayer (projections, SiLU / RoPE, norm, gate), to
    set beside `lightvl bench --breakdown`, whose sublayer figures include those matrix products.
  - transformers' MiniMaxForCausalLM, eager attention, for the whole 8-layer slice: time to first token
    of a 4096-token prompt and batch-1 decode after it.

Kernels are timed with CUDA events (median of several repetitions after warm-up); whole-model figures
with the host clock around a synchronised call, as `lightvl bench` does. Every stage catches its own
errors, so one failing peer leaves the others' figures. Imports torch at module load: peers.py imports
this file only when it runs on a GPU (or in its CPU dry run).
"""
import dataclasses
import importlib
import math
import os
import platform
import statistics
import subprocess
import sys
import time
import traceback

import torch
import torch.nn.functional as F


@dataclasses.dataclass(frozen=True)
class Slice:
    """The model shapes the peers run at; FULL is what `lightvl bench` builds (spec 1.1)."""
    hidden: int = 6144
    heads: int = 64
    kv_heads: int = 8
    head_dim: int = 128
    rotary_dim: int = 64
    rope_theta: float = 1e7
    intermediate: int = 9216
    experts: int = 32
    top_k: int = 2
    vocab: int = 200064
    layer_kinds: tuple = ("linear_attention",) * 7 + ("full_attention",)
    block_size: int = 256
    rate_layers: int = 80  # the depth the decay-rate ramp uses (the released 80-layer model)

    @property
    def width(self):
        return self.heads * self.head_dim


FULL = Slice()


def log_to_stdout(msg):
    print(msg, flush=True)


# --------------------------------------------------------------------------------------------------
# Helpers: decay rates, references, timing


def lightning_rates(heads, layer=0, num_layers=80):
    """Remote-code decay rates of one layer (spec 3.2): 2^(-8(h+1)/H) * (1 - l/(L-1) + 1e-5)."""
    factor = 1.0 - layer / (num_layers - 1) + 1e-5
    return torch.tensor([2.0 ** (-8.0 * (h + 1) / heads) * factor for h in range(heads)], dtype=torch.float32)


def naive_lightning(q, k, v, rates, state=None, dtype=torch.float64):
    """The ground-truth recurrence (spec 3.3), token by token: S = lambda*S + k^T v, o = q S.

    q, k, v: [B, T, H, D]; rates: [H] (lambda = exp(-rate)); state: [B, H, D, Dv] or None.
    Returns (o [B, T, H, Dv], final state), both in `dtype`.
    """
    b, t_len, h, _ = q.shape
    q, k, v = (x.to(dtype) for x in (q, k, v))
    lam = torch.exp(-rates.to(device=q.device, dtype=dtype)).view(1, h, 1, 1)
    s = torch.zeros(b, h, q.shape[-1], v.shape[-1], dtype=dtype, device=q.device)
    if state is not None:
        s = s + state.to(dtype)
    out = torch.empty(b, t_len, h, v.shape[-1], dtype=dtype, device=q.device)
    for t in range(t_len):
        s = lam * s + k[:, t, :, :, None] * v[:, t, :, None, :]
        out[:, t] = torch.einsum("bhd,bhde->bhe", q[:, t], s)
    return out, s


def blockwise_lightning(q, k, v, rates, block=256, dtype=torch.float64):
    """The block-parallel prefill of spec 3.4 (inter: q*lambda^(j+1)*S; intra: decay matrix; update)."""
    b, t_len, h, d = q.shape
    q, k, v = (x.to(dtype).transpose(1, 2) for x in (q, k, v))  # [B, H, T, D]
    r = rates.to(device=q.device, dtype=dtype).view(1, h, 1, 1)
    s = torch.zeros(b, h, d, v.shape[-1], dtype=dtype, device=q.device)
    outs = []
    for start in range(0, t_len, block):
        qb, kb, vb = q[:, :, start:start + block], k[:, :, start:start + block], v[:, :, start:start + block]
        m = qb.shape[2]
        j = torch.arange(m, dtype=dtype, device=q.device).view(1, 1, m, 1)
        diff = j - j.transpose(-1, -2)
        zero = torch.zeros((), dtype=dtype, device=q.device)
        decay = torch.where(diff >= 0, torch.exp(-r * diff.clamp(min=0)), zero)
        intra = ((qb @ kb.transpose(-1, -2)) * decay) @ vb
        inter = (qb * torch.exp(-r * (j + 1))) @ s
        outs.append(intra + inter)
        s = torch.exp(-r * m) * s + (kb * torch.exp(-r * (m - 1 - j))).transpose(-1, -2) @ vb
    return torch.cat(outs, dim=2).transpose(1, 2), s


def math_attention(q, k, v, scale):
    """Causal GQA attention in f32 ([1, H, T, D] layouts): the reference SDPA is checked against."""
    group = q.shape[1] // k.shape[1]
    k, v = k.repeat_interleave(group, dim=1).float(), v.repeat_interleave(group, dim=1).float()
    scores = (q.float() @ k.transpose(-1, -2)) * scale
    t_q, t_k = q.shape[2], k.shape[2]
    mask = torch.ones(t_q, t_k, dtype=torch.bool, device=q.device).tril(t_k - t_q)
    scores = scores.masked_fill(~mask, float("-inf"))
    return (torch.softmax(scores, dim=-1) @ v).to(q.dtype)


def rope_tables(tokens, rotary_dim, theta, device):
    """cos, sin [T, 1, rotary_dim/2] in f32 for positions 0..T-1 (spec 4: theta^(-2i/rotary_dim))."""
    half = rotary_dim // 2
    inv = theta ** (-torch.arange(half, dtype=torch.float64) * 2.0 / rotary_dim)
    angles = torch.arange(tokens, dtype=torch.float64)[:, None] * inv[None, :]
    return (angles.cos().float().unsqueeze(1).to(device), angles.sin().float().unsqueeze(1).to(device))


def partial_rope(t, cos, sin, rotary_dim):
    """NeoX rotate-half on the first rotary_dim dims of [T, heads, D], computed in f32 (spec 4)."""
    half = rotary_dim // 2
    r = t[..., :rotary_dim].float()
    x1, x2 = r[..., :half], r[..., half:]
    rotated = torch.cat((x1 * cos - x2 * sin, x2 * cos + x1 * sin), dim=-1).to(t.dtype)
    return torch.cat((rotated, t[..., rotary_dim:]), dim=-1)


def rms_norm(x, weight, eps):
    """Spec 3.6: f32 statistics, cast back, then the weight in the input dtype."""
    xf = x.float()
    return (xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + eps)).to(x.dtype) * weight


def relative_error(got, ref):
    """max |got - ref| / max |ref|, in float64."""
    ref = ref.double()
    return float((got.double() - ref).abs().max() / ref.abs().max().clamp(min=1e-30))


def synchronize(device):
    if torch.device(device).type == "cuda":
        torch.cuda.synchronize()


def time_ms(fn, device, warmup=3, reps=10):
    """Median, min and max milliseconds of fn(): CUDA events per repetition on a GPU, else the host clock."""
    for _ in range(warmup):
        fn()
    synchronize(device)
    samples = []
    if torch.device(device).type == "cuda":
        events = []
        for _ in range(reps):
            start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            start.record()
            fn()
            end.record()
            events.append((start, end))
        torch.cuda.synchronize()
        samples = [s.elapsed_time(e) for s, e in events]
    else:
        for _ in range(reps):
            t0 = time.perf_counter()
            fn()
            samples.append(1e3 * (time.perf_counter() - t0))
    return {"ms": statistics.median(samples), "min_ms": min(samples), "max_ms": max(samples), "reps": reps}


def softmax_flops(tokens, heads, head_dim):
    """Causal QK^T and PV: 2 * 2 * T*T/2 * H * D (issue 6's count)."""
    return 2.0 * 2.0 * tokens * tokens / 2.0 * heads * head_dim


def lightning_flops(tokens, heads, head_dim, block=256):
    """tests/bench/cuda/cuda_ops_bench.cpp's count (Q.S, Q.K^T, A.V, K^T.V per block of 256), so that
    TFLOP/s figures of ours and the peer divide into the same ratio as their times."""
    return float(tokens) * heads * (4.0 * head_dim * head_dim + 4.0 * min(block, tokens) * head_dim)


def uniform(shape, low, high, device, dtype, gen):
    return torch.empty(shape, device=device, dtype=dtype).uniform_(low, high, generator=gen)


def linear_weight(out_features, in_features, device, dtype, gen):
    """U(-1/sqrt(in), 1/sqrt(in)), as lightvl's synthetic slice (text/backbone/synthetic_weights.cpp)."""
    a = 1.0 / math.sqrt(in_features)
    return uniform((out_features, in_features), -a, a, device, dtype, gen)


# --------------------------------------------------------------------------------------------------
# Environment


def environment():
    info = {"python": platform.python_version(), "torch": torch.__version__,
            "cuda_runtime": torch.version.cuda, "gpu": None, "driver": None}
    try:
        info["cudnn"] = torch.backends.cudnn.version()
    except Exception:  # noqa: BLE001 (informational only)
        info["cudnn"] = None
    if torch.cuda.is_available():
        props = torch.cuda.get_device_properties(0)
        info.update(gpu=props.name, multiprocessors=props.multi_processor_count,
                    memory_gib=round(props.total_memory / 2**30, 1))
        info["driver"] = driver_version()
    for name in ("triton", "transformers", "einops"):
        try:
            info[name] = importlib.import_module(name).__version__
        except Exception:  # noqa: BLE001
            info[name] = None
    return info


def driver_version():
    try:
        out = subprocess.run(["nvidia-smi", "--query-gpu=driver_version", "--format=csv,noheader"],
                             capture_output=True, text=True, timeout=30)
        if out.returncode == 0 and out.stdout.strip():
            return out.stdout.strip().splitlines()[0]
    except Exception:  # noqa: BLE001 (fall through to NVML)
        pass
    try:
        import pynvml
        pynvml.nvmlInit()
        v = pynvml.nvmlSystemGetDriverVersion()
        return v.decode() if isinstance(v, bytes) else v
    except Exception:  # noqa: BLE001
        return None


# --------------------------------------------------------------------------------------------------
# Peer A: PyTorch SDPA


SDPA_CHOICES = (("CUDNN_ATTENTION", True), ("CUDNN_ATTENTION", False),
                ("FLASH_ATTENTION", True), ("FLASH_ATTENTION", False))


def sdpa_function(backend_name, gqa):
    """attend(q [1,Hq,T,D], k, v [1,Hkv,T,D], scale) pinned to one SDPA backend; without GQA support
    the KV heads are expanded (repeat_interleave keeps query head h on KV head h // group)."""
    from torch.nn.attention import SDPBackend, sdpa_kernel
    backend = getattr(SDPBackend, backend_name)

    def attend(q, k, v, scale):
        if not gqa and k.shape[1] != q.shape[1]:
            group = q.shape[1] // k.shape[1]
            k, v = k.repeat_interleave(group, dim=1), v.repeat_interleave(group, dim=1)
        with sdpa_kernel([backend]):
            if gqa:
                return F.scaled_dot_product_attention(q, k, v, is_causal=True, scale=scale, enable_gqa=True)
            return F.scaled_dot_product_attention(q, k, v, is_causal=True, scale=scale)
    attend.label = f"SDPA {backend_name}" + (" enable_gqa" if gqa else " (KV heads expanded)")
    attend.gqa = gqa
    return attend


def attention_inputs(tokens, shapes, device, dtype, gen):
    q = torch.randn((1, shapes.heads, tokens, shapes.head_dim), device=device, dtype=dtype, generator=gen)
    k = torch.randn((1, shapes.kv_heads, tokens, shapes.head_dim), device=device, dtype=dtype, generator=gen)
    v = torch.randn((1, shapes.kv_heads, tokens, shapes.head_dim), device=device, dtype=dtype, generator=gen)
    return q, k, v


def pick_sdpa(shapes, device, dtype, log, choices=SDPA_CHOICES, make=sdpa_function, check_tokens=256):
    """The first backend choice that runs and matches math_attention at check_tokens; notes on the rest."""
    gen = torch.Generator(device=device).manual_seed(11)
    q, k, v = attention_inputs(check_tokens, shapes, device, dtype, gen)
    scale = 1.0 / math.sqrt(shapes.head_dim)
    ref = math_attention(q, k, v, scale)
    notes = []
    for backend_name, gqa in choices:
        try:
            attend = make(backend_name, gqa)
            err = relative_error(attend(q, k, v, scale), ref)
        except Exception as exc:  # noqa: BLE001 (an unsupported backend raises RuntimeError; try the next)
            notes.append(f"{backend_name} gqa={gqa} unavailable: {str(exc).splitlines()[0][:160]}")
            continue
        if err > 2e-2:
            notes.append(f"{backend_name} gqa={gqa} disagrees with the math reference (rel err {err:.2e})")
            continue
        if backend_name != choices[0][0]:
            notes.append(f"cuDNN attention was unavailable; fell back to {backend_name}")
        log(f"  SDPA: {attend.label}; T={check_tokens} rel err vs f32 math {err:.2e}")
        return attend, {"label": attend.label, "backend": backend_name, "enable_gqa": gqa,
                        "check_rel_err": err, "notes": notes}
    raise RuntimeError("no SDPA backend ran: " + "; ".join(notes))


def time_attention_kernel(attend, tokens, shapes, device, dtype, reps):
    gen = torch.Generator(device=device).manual_seed(tokens)
    q, k, v = attention_inputs(tokens, shapes, device, dtype, gen)
    if not getattr(attend, "gqa", True):  # kernel-only figure: expand the KV heads before timing
        group = shapes.heads // shapes.kv_heads
        k, v = k.repeat_interleave(group, dim=1), v.repeat_interleave(group, dim=1)
    scale = 1.0 / math.sqrt(shapes.head_dim)
    with torch.inference_mode():
        r = time_ms(lambda: attend(q, k, v, scale), device, reps=reps)
    r["tflops"] = softmax_flops(tokens, shapes.heads, shapes.head_dim) / (r["ms"] * 1e-3) / 1e12
    return r


# --------------------------------------------------------------------------------------------------
# Peer B: flash-linear-attention


def import_fla(fla_path, log, import_lean):
    """chunk_simple_gla from the fla checkout at fla_path: lean import first (import_lean is peers.py's:
    it skips fla/__init__.py, which pulls in every fla model through transformers, and
    fla/ops/__init__.py, which imports every kernel family), the whole package second."""
    root = os.path.abspath(fla_path)
    if not os.path.isfile(os.path.join(root, "fla", "ops", "simple_gla", "chunk.py")):
        raise FileNotFoundError(
            f"{root} holds no flash-linear-attention checkout (fla/ops/simple_gla/chunk.py is missing); "
            "see tests/bench/README.md for how to place it there")
    errors = []
    try:
        mod = import_lean(root, "fla", ("fla", "fla.ops"), "fla.ops.simple_gla.chunk")
        how = "lean (fla/__init__.py and fla/ops/__init__.py not run)"
    except Exception as exc:  # noqa: BLE001 (then the ordinary import)
        errors.append(f"lean import failed: {exc!r}")
        for name in [m for m in sys.modules if m == "fla" or m.startswith("fla.")]:
            del sys.modules[name]
        if root not in sys.path:
            sys.path.insert(0, root)
        mod = importlib.import_module("fla.ops.simple_gla")
        how = "whole package"
    version = getattr(sys.modules.get("fla"), "__version__", None)
    log(f"  fla {version} imported ({how}) from {root}")
    return mod.chunk_simple_gla, {"import": how, "import_errors": errors, "version": version,
                                  "path": root, "commit": fla_commit(root)}


def fla_commit(root):
    marker = os.path.join(root, "FLA_COMMIT")
    if os.path.isfile(marker):
        return open(marker, encoding="utf-8").read().strip() or None
    try:
        out = subprocess.run(["git", "-C", root, "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10)
        return out.stdout.strip() or None if out.returncode == 0 else None
    except Exception:  # noqa: BLE001
        return None


def fla_attention(chunk_simple_gla, per_step_gate):
    """attend(q, k, v [B,T,H,D], state [B,H,D,D] f32, rates [H]) -> o [B,T,H,D] through fla, with MiniMax's
    semantics: log decay -rate per step and head, no 1/sqrt(d) scale, the state carried in and out."""
    def attend(q, k, v, state, rates):
        g_gamma = -rates.to(device=q.device, dtype=torch.float32)
        if per_step_gate:
            g = g_gamma.view(1, 1, -1).expand(q.shape[0], q.shape[1], -1).contiguous()
            o, _ = chunk_simple_gla(q, k, v, g=g, scale=1.0, initial_state=state, output_final_state=True)
        else:
            o, _ = chunk_simple_gla(q, k, v, g_gamma=g_gamma, scale=1.0, initial_state=state,
                                    output_final_state=True)
        return o
    attend.label = "fla chunk_simple_gla " + ("g [B,T,H]" if per_step_gate else "g_gamma [H]")
    return attend


def validate_linear_attention(attend, device, dtype, log, shapes=FULL):
    """The kernel against the token recurrence (f64): tiny (T=256, H=2, D=16; slopes of heads 0 and 63,
    the fastest and slowest decay) and at the real heads (T=512, H=64, D=128). Returns relative errors;
    ok when the real-head case ran and every case that ran is within the limit."""
    out = {}
    gen = torch.Generator(device=device).manual_seed(5)
    full_rates = lightning_rates(shapes.heads, 0, shapes.rate_layers)
    cases = (("tiny T=256 H=2 D=16", 256, 2, 16, full_rates[[0, shapes.heads - 1]]),
             (f"T=512 H={shapes.heads} D={shapes.head_dim}", 512, shapes.heads, shapes.head_dim, full_rates))
    failures = {}
    for name, t_len, heads, d, rates in cases:
        q, k, v = (F.silu(torch.randn((1, t_len, heads, d), device=device, generator=gen)).to(dtype)
                   for _ in range(3))
        state0 = torch.zeros(1, heads, d, d, device=device, dtype=torch.float32)
        ref, _ = naive_lightning(q, k, v, rates.to(device))
        try:
            with torch.inference_mode():
                got = attend(q, k, v, state0, rates.to(device))
        except Exception as exc:  # noqa: BLE001 (e.g. a head size the kernel refuses; time it anyway)
            failures[name] = repr(exc)
            log(f"  {attend.label}: {name} did not run: {exc!r}")
            continue
        out[name] = relative_error(got, ref)
        log(f"  {attend.label}: {name} rel err vs the recurrence {out[name]:.2e}")
    limit = 1e-2 if dtype == torch.float32 else 3e-2
    real = cases[1][0]  # the check that decides: the shapes that are timed (the tiny one may be refused)
    return {"rel_err": out, "failed": failures, "limit": limit,
            "ok": real in out and all(e <= limit for e in out.values())}


def time_linear_attention_kernel(attend, tokens, shapes, device, dtype, reps):
    gen = torch.Generator(device=device).manual_seed(tokens + 1)
    q, k, v = (F.silu(torch.randn((1, tokens, shapes.heads, shapes.head_dim), device=device, dtype=dtype,
                                  generator=gen)) for _ in range(3))
    state = torch.zeros(1, shapes.heads, shapes.head_dim, shapes.head_dim, device=device, dtype=torch.float32)
    rates = lightning_rates(shapes.heads, 0, shapes.rate_layers).to(device)
    with torch.inference_mode():
        r = time_ms(lambda: attend(q, k, v, state, rates), device, reps=reps)
    r["tflops"] = lightning_flops(tokens, shapes.heads, shapes.head_dim) / (r["ms"] * 1e-3) / 1e12
    return r


# --------------------------------------------------------------------------------------------------
# Whole sublayers in PyTorch, the counterparts of `lightvl bench --breakdown`


def softmax_sublayer(tokens, attend, shapes, device, dtype, reps):
    """q/k/v projections, partial RoPE, KV-cache write, attention, o projection (spec 4)."""
    gen = torch.Generator(device=device).manual_seed(21)
    x = uniform((tokens, shapes.hidden), -1.0, 1.0, device, dtype, gen)
    kv_width = shapes.kv_heads * shapes.head_dim
    wq, wk, wv = (linear_weight(n, shapes.hidden, device, dtype, gen) for n in (shapes.width, kv_width, kv_width))
    wo = linear_weight(shapes.hidden, shapes.width, device, dtype, gen)
    cos, sin = rope_tables(tokens, shapes.rotary_dim, shapes.rope_theta, device)
    k_cache = torch.empty(tokens, shapes.kv_heads, shapes.head_dim, device=device, dtype=dtype)
    v_cache = torch.empty_like(k_cache)
    scale = 1.0 / math.sqrt(shapes.head_dim)

    contiguous = [False]  # [T, heads, D] caches seen as [1, heads, T, D]: strided, unless SDPA refuses

    def heads_first(t):
        t = t.transpose(0, 1).unsqueeze(0)
        return t.contiguous() if contiguous[0] else t

    def run():
        q = F.linear(x, wq).view(tokens, shapes.heads, shapes.head_dim)
        k = F.linear(x, wk).view(tokens, shapes.kv_heads, shapes.head_dim)
        v = F.linear(x, wv).view(tokens, shapes.kv_heads, shapes.head_dim)
        q = partial_rope(q, cos, sin, shapes.rotary_dim)
        k_cache.copy_(partial_rope(k, cos, sin, shapes.rotary_dim))
        v_cache.copy_(v)
        o = attend(heads_first(q), heads_first(k_cache), heads_first(v_cache), scale)
        return F.linear(o[0].transpose(0, 1).reshape(tokens, shapes.width), wo)

    with torch.inference_mode():
        try:
            run()
        except RuntimeError:
            contiguous[0] = True
        r = time_ms(run, device, reps=reps)
    r["contiguous_copies"] = contiguous[0]
    return r


def lightning_sublayer(tokens, attend, shapes, device, dtype, reps):
    """qkv projection, SiLU, the kernel, RMSNorm over 8192 (eps 1e-6), sigmoid gate, out projection
    (spec 3.1, 3.6): what text/backbone/lightning_attention_layer.cpp does."""
    gen = torch.Generator(device=device).manual_seed(22)
    x = uniform((tokens, shapes.hidden), -1.0, 1.0, device, dtype, gen)
    w_qkv = linear_weight(3 * shapes.width, shapes.hidden, device, dtype, gen)
    w_gate = linear_weight(shapes.width, shapes.hidden, device, dtype, gen)
    w_out = linear_weight(shapes.hidden, shapes.width, device, dtype, gen)
    norm_w = uniform((shapes.width,), 0.9, 1.1, device, dtype, gen)
    state = torch.zeros(1, shapes.heads, shapes.head_dim, shapes.head_dim, device=device, dtype=torch.float32)
    rates = lightning_rates(shapes.heads, 0, shapes.rate_layers).to(device)

    def run():
        u = F.silu(F.linear(x, w_qkv)).view(1, tokens, shapes.heads, 3 * shapes.head_dim)
        q, k, v = u.split(shapes.head_dim, dim=-1)  # head-major: per head q | k | v (spec 3.1)
        y = rms_norm(attend(q, k, v, state, rates).reshape(tokens, shapes.width), norm_w, 1e-6)
        return F.linear(y * torch.sigmoid(F.linear(x, w_gate)), w_out)

    with torch.inference_mode():
        return time_ms(run, device, reps=reps)


# --------------------------------------------------------------------------------------------------
# The whole peer run


@dataclasses.dataclass
class Plan:
    contexts: tuple = (4096, 32768)
    fla_path: str = None
    skip_transformers: bool = False
    skip_fla: bool = False
    deadline: float = float("inf")       # time.perf_counter() value after which stages are skipped
    reps: int = 10
    tf_decode_tokens: int = 16
    tf_experts: tuple = ("default", "eager")
    tf_prompt: int = 4096
    tf_min_seconds: float = 90.0          # do not start transformers with less time than this left
    lean_importer: object = None          # peers.import_lean
    device: str = "cuda"
    dtype: torch.dtype = torch.bfloat16
    shapes: Slice = FULL
    # Stand-ins for the CPU dry run of peers.py --self-test (None on the GPU); fla's stand-in is a
    # fake checkout at fla_path.
    attention_override: object = None
    transformers_module: object = None


def run_all(plan, log=log_to_stdout):
    """Runs every stage that plan allows, in order of importance (the per-step-g fla variant last);
    returns the peers dict that peers.py tabulates."""
    t_start = time.perf_counter()
    peers = {"env": environment(), "errors": [], "skipped": [], "sdpa": {}, "fla": {},
             "softmax_sublayer": {}, "lightning_sublayer": {}}
    device, dtype, shapes = plan.device, plan.dtype, plan.shapes
    peers["env"]["device_used"] = device
    kernel_reps, layer_reps = plan.reps, max(3, plan.reps // 2)

    def stage(name, body):
        if time.perf_counter() > plan.deadline:
            peers["skipped"].append(f"{name}: time budget spent")
            log(f"- {name}: skipped (time budget spent)")
            return None
        log(f"- [{time.perf_counter() - t_start:6.1f} s] {name}")
        try:
            return body()
        except Exception as exc:  # noqa: BLE001 (report and go on to the next peer)
            peers["errors"].append(f"{name}: {exc!r}")
            log(f"  FAILED: {exc!r}\n{traceback.format_exc()}")
            return None
        finally:
            if torch.device(device).type == "cuda":
                try:  # a kernel fault surfaces here; record it rather than lose the figures so far
                    torch.cuda.synchronize()
                    torch.cuda.empty_cache()
                except Exception as exc:  # noqa: BLE001
                    peers["errors"].append(f"{name}: device error after the stage: {exc!r}")

    def sdpa_stage():
        if plan.attention_override is not None:
            attend, info = plan.attention_override, {"label": plan.attention_override.label, "notes": []}
        else:
            attend, info = pick_sdpa(shapes, device, dtype, log)
        peers["sdpa_info"] = info
        for t in plan.contexts:
            r = time_attention_kernel(attend, t, shapes, device, dtype, kernel_reps)
            peers["sdpa"][str(t)] = r
            log(f"  {info['label']} T={t}: {r['ms']:.3f} ms, {r['tflops']:.1f} TFLOP/s")
        return attend

    def fla_variant(key, fn):
        """Times first, so that Triton's autotuner picks its configurations at the real shapes (its key
        holds neither T nor the head size), then validates against the recurrence."""
        entry = peers["fla"].setdefault(key, {"label": fn.label})
        try:
            for t in plan.contexts:
                r = time_linear_attention_kernel(fn, t, shapes, device, dtype, kernel_reps)
                entry[str(t)] = r
                log(f"  {fn.label} T={t}: {r['ms']:.3f} ms ({r['tflops']:.1f} TFLOP/s by lightvl's count)")
            entry["validation"] = validate_linear_attention(fn, device, dtype, log, shapes)
        except Exception as exc:  # noqa: BLE001 (keep what was measured)
            entry["error"] = repr(exc)
            raise
        return fn

    variants = {}
    if plan.skip_fla:
        peers["skipped"].append("flash-linear-attention: --skip-fla")
    elif not plan.fla_path:
        peers["skipped"].append("flash-linear-attention: no --fla-path and no checkout at the default place")
    else:
        def import_stage():
            chunk_simple_gla, info = import_fla(plan.fla_path, log, plan.lean_importer)
            peers["fla_info"] = info
            variants.update(g_gamma=fla_attention(chunk_simple_gla, False),
                            g=fla_attention(chunk_simple_gla, True))
        stage("import flash-linear-attention", import_stage)

    attend = stage("PyTorch SDPA, softmax attention kernel", sdpa_stage)
    linear = None
    if "g_gamma" in variants:
        linear = stage(f"{variants['g_gamma'].label}, lightning attention kernel",
                       lambda: fla_variant("g_gamma", variants["g_gamma"]))
    for t in plan.contexts:
        if attend is not None:
            r = stage(f"PyTorch softmax attention sublayer T={t}",
                      lambda t=t: softmax_sublayer(t, attend, shapes, device, dtype, layer_reps))
            if r:
                r["label"] = f"PyTorch projections + RoPE + {attend.label}"
                peers["softmax_sublayer"][str(t)] = r
                log(f"  {t} tokens: {r['ms']:.3f} ms")
        if linear is not None:
            r = stage(f"PyTorch lightning attention sublayer T={t}",
                      lambda t=t: lightning_sublayer(t, linear, shapes, device, dtype, layer_reps))
            if r:
                r["label"] = f"PyTorch projections + norm + gate + {linear.label}"
                peers["lightning_sublayer"][str(t)] = r
                log(f"  {t} tokens: {r['ms']:.3f} ms")

    if plan.skip_transformers:
        peers["skipped"].append("transformers: --skip-transformers")
    elif plan.deadline - time.perf_counter() < plan.tf_min_seconds:
        peers["skipped"].append(f"transformers: less than {plan.tf_min_seconds:.0f} s of the time budget left")
        log("- transformers MiniMax eager: skipped (time budget)")
    else:
        import peers_transformers
        peers["transformers"] = stage(
            "transformers MiniMaxForCausalLM (eager) on the 8-layer slice",
            lambda: peers_transformers.transformers_peer(
                plan.deadline, device, dtype, log, shapes, plan.transformers_module, plan.tf_prompt,
                plan.tf_decode_tokens, plan.tf_experts))

    if "g" in variants:
        stage(f"{variants['g'].label}, lightning attention kernel", lambda: fla_variant("g", variants["g"]))
    peers["seconds"] = round(time.perf_counter() - t_start, 1)
    return peers
