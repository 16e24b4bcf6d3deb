"""`python3 tests/bench/peers.py --self-test`: checks peers.py without a GPU.

Always (no torch needed): the parsers on outputs shaped exactly as app/cli/cmd_bench.cpp and
tests/bench/cuda/cuda_ops_bench.cpp print them, their error messages, the analytic byte count, the rows
(ratios, directions, scaling, missing sides), the targets, the report, the arguments and the lean import.
Where torch imports (even a CPU-only torch): peers_torch.py's references against each other and the spec,
then a dry run of the whole peer run on the CPU with tiny shapes and stand-ins for the GPU kernels and for
transformers' MiniMax, tabulated and written as JSON.
"""
import argparse
import contextlib
import importlib
import io
import json
import os
import shutil
import sys
import tempfile
import time
import types

from peers import (HERE, ParseError, breakdown_ms, build_rows, check_targets, decode_bytes_per_token,
                   format_report, import_lean, main, make_parser, parse_contexts, parse_cuda_ops, parse_lightvl,
                   report, scaled_figure, verdict)


SAMPLE_BENCH = """\
device     NVIDIA H200 (CUDA runtime 13.0, driver 13.0)
model      synthetic MiniMax-Text-01 slice: 8 layers (7 lightning + 1 softmax per block), random bf16 weights
weights    89.41 GiB, ready in 11.2 s; activations bf16
limits     4.80 TB/s memory bandwidth, 989 TFLOP/s dense bf16
prefill        4096 tokens: time to first token    0.119 s,     34420 tokens/s, MFU 32.0%
decode     batch 1 after 4096 tokens: 192.5 tokens/s, 10.92 GiB per token, 46.9% of the bandwidth roofline
decode     batch 32 after 4096 tokens: 1600.0 tokens/s in all
prefill       32768 tokens: time to first token    1.150 s,     28494 tokens/s, MFU 28.0%
memory     95.02 GiB in use on the GPU
breakdown  lightning attention         1 tokens after   4096:     0.176 ms
breakdown  softmax attention           1 tokens after   4096:     0.175 ms
breakdown  moe                         1 tokens after   4096:     0.335 ms
breakdown  lm_head (last row)          1 tokens after   4096:     0.607 ms
breakdown  lightning attention      4096 tokens after      0:     6.700 ms
breakdown  softmax attention        4096 tokens after      0:     6.400 ms
breakdown  moe                      4096 tokens after      0:     6.300 ms
breakdown  lm_head (last row)       4096 tokens after      0:     0.610 ms
vision     ViT-L/14-336 (random bf16 weights), bf16 activations, 128 tiles of 336 px: 623.1 tiles/s, MFU 24.1%
"""
SAMPLE_BENCH_32K = """\
device     NVIDIA H200 (CUDA runtime 13.0, driver 13.0)
prefill       32768 tokens: time to first token    1.300 s,     25206 tokens/s, MFU 25.0%
breakdown  lightning attention     32768 tokens after      0:    52.000 ms
breakdown  softmax attention       32768 tokens after      0:    90.000 ms
"""
SAMPLE_OPS = """\
device: NVIDIA H200, 132 SMs, driver 13.0
[ bench ] linear qkv bf16 4096x6144x24576                               1.534 ms    806.0 TFLOP/s  (81.5% of 989)
[ bench ] attention bf16 T=4096 past=0 64q/8kv x128 (TC)                5.200 ms     53.0 TFLOP/s  ( 5.4% of 989)
[ bench ] attention bf16 T=1 past=32767 64q/8kv x128                     0.210 ms     2497 GB/s     (52.0% of 4800)
[ bench ] lightning bf16 T=4096 64x128                                  3.200 ms     26.9 TFLOP/s  (40.1% of 67)
[ bench ] lightning bf16 T=1 64x128                                      0.008 ms     4194 GB/s     (87.4% of 4800)
[ bench ] lightning f32 T=4096 64x128                                   5.000 ms     17.2 TFLOP/s  (25.7% of 67)
"""


# The printf formats of the two programs, copied; self_test_formats checks that they are still in the
# sources and that lines printed with them parse.
BENCH_FORMATS = (
    ("device     %s (%s)\n", ("NVIDIA H200", "CUDA 13.0")),
    ("limits     %.2f TB/s memory bandwidth, %.0f TFLOP/s dense bf16\n", (4.8, 989.0)),
    ("weights    %s, ready in %.1f s; activations %s\n", ("89.41 GiB", 11.24, "bf16")),
    ("prefill    %8lld tokens: time to first token %8.3f s, %9.0f tokens/s", (4096, 0.1191, 34420.4)),
    ("decode     batch 1 after %lld tokens: %.1f tokens/s, %s per token", (4096, 192.53, "10.92 GiB")),
    ("decode     batch %d after %lld tokens: %.1f tokens/s in all\n", (32, 4096, 1600.04)),
    ("breakdown  %-22s %6lld tokens after %6lld: %9.3f ms\n", ("lm_head (last row)", 4096, 0, 0.6104)),
)
OPS_FORMATS = (
    ("device: %s, %d SMs, driver %s\n", ("NVIDIA H200", 132, "13.0")),
    ("[ bench ] %-58s %9.3f ms  %7.1f TFLOP/s  (%4.1f%% of %.0f)\n",
     ("attention bf16 T=4096 past=0 64q/8kv x128 (TC)", 5.2004, 53.01, 5.4, 989.0)),
    ("[ bench ] %-58s %9.3f ms  %7.0f GB/s     (%4.1f%% of %.0f)\n",
     ("lightning bf16 T=1 64x128", 0.0081, 4194.2, 87.4, 4800.0)),
)


def self_test_formats():
    """Lines printed with the programs' own formats parse to the printed values."""
    for rel, formats in (("app/cli/cmd_bench.cpp", BENCH_FORMATS),
                         ("tests/bench/cuda/cuda_ops_bench.cpp", OPS_FORMATS)):
        path = os.path.join(os.path.dirname(os.path.dirname(HERE)), rel)
        if os.path.isfile(path):
            with open(path, encoding="utf-8") as f:
                source = f.read()
            for fmt, _ in formats:
                check(fmt.replace("\n", "\\n") in source, f"{rel} no longer prints {fmt!r}: update peers.py")
    text = "".join((fmt.replace("lld", "d") % values).rstrip("\n") + "\n" for fmt, values in BENCH_FORMATS)
    text = text.replace("tokens/s\n", "tokens/s, MFU 32.0%\n", 1).replace(
        "GiB per token\n", "GiB per token, 46.9% of the bandwidth roofline\n")
    ours = parse_lightvl(text, "printed")
    check(ours["device"] == "NVIDIA H200" and ours["limits"]["bf16_flops"] == 989e12, "printed device, limits")
    check(ours["weights"]["ready_seconds"] == 11.2 and ours["prefill"]["4096"] == {
        "seconds": 0.119, "tokens_per_second": 34420.0, "mfu_percent": 32.0, "source": "printed"}, ours["prefill"])
    check(ours["decode"]["tokens_per_second"] == 192.5 and ours["decode"]["roofline_percent"] == 46.9,
          "printed decode")
    check(ours["batch_decode"]["tokens_per_second"] == 1600.0
          and breakdown_ms(ours, "lm_head (last row)", 4096) == 0.61, "printed batch decode, breakdown")
    ops = parse_cuda_ops("".join(fmt % values for fmt, values in OPS_FORMATS), "printed")
    check(ops["device"] == "NVIDIA H200" and ops["attention"]["bf16 T=4096 past=0"]["ms"] == 5.2, "printed ops")
    check(ops["lightning"]["bf16 T=1"]["rate"] == 4194.0, "printed ops GB/s")


def fake_peers():
    t = {"ms": 0.0, "tflops": 500.0}
    return {
        "env": {"gpu": "NVIDIA H200", "driver": "580.159.04", "torch": "2.11.0", "cuda_runtime": "13.0"},
        "sdpa_info": {"label": "SDPA CUDNN_ATTENTION enable_gqa", "notes": []},
        "sdpa": {"4096": dict(t, ms=0.5), "32768": dict(t, ms=30.0)},
        "fla_info": {"version": "0.5.2", "commit": "bc3b101", "import": "lean"},
        "fla": {"g_gamma": {"label": "fla g_gamma", "validation": {"ok": True}, "4096": dict(t, ms=0.25),
                            "32768": dict(t, ms=1.7)},
                "g": {"label": "fla g", "validation": {"ok": False}, "4096": dict(t, ms=0.3)}},
        "softmax_sublayer": {"4096": {"ms": 3.0, "label": "PyTorch sublayer"}},
        "lightning_sublayer": {"4096": {"ms": 4.0, "label": "PyTorch sublayer"},
                               "32768": {"ms": 40.0, "label": "PyTorch sublayer"}},
        "transformers": {"runs": [{"experts_implementation": "grouped_mm", "ttft_seconds": 1.0,
                                   "decode_tokens_per_second": 23.0, "decode_tokens": 16}], "notes": ["n"]},
        "errors": [], "skipped": ["x: y"]}


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def self_test():
    t0 = time.perf_counter()
    ours = parse_lightvl(SAMPLE_BENCH, "bench.txt")
    check(ours["device"] == "NVIDIA H200" and ours["limits"]["bandwidth_bytes_per_s"] == 4.8e12, "device, limits")
    check(ours["prefill"]["4096"]["seconds"] == 0.119 and ours["prefill"]["32768"]["mfu_percent"] == 28.0,
          "prefill")
    check(ours["decode"]["context"] == 4096 and ours["decode"]["roofline_percent"] == 46.9, "decode")
    check(ours["batch_decode"] == {"batch": 32, "context": 4096, "tokens_per_second": 1600.0}, "batch decode")
    check(len(ours["breakdown"]) == 8 and breakdown_ms(ours, "lm_head (last row)", 4096) == 0.61, "breakdown")
    check(breakdown_ms(ours, "lightning attention", 1, 4096) == 0.176 and len(ours["notes"]) == 1,
          "decode breakdown")
    parse_lightvl(SAMPLE_BENCH_32K, "bench32k.txt", ours)
    check(ours["prefill"]["32768"]["seconds"] == 1.15, "the first file's figure wins")
    check(breakdown_ms(ours, "softmax attention", 32768) == 90.0 and len(ours["files"]) == 2, "second file merged")
    # The analytic byte count matches what lightvl printed (10.92 GiB) and the README's 10.9 GiB.
    gib = decode_bytes_per_token(4096) / 2**30
    check(abs(gib - 10.92) < 0.006, f"decode bytes {gib} GiB")
    for bad, expect in (("", "(empty)"), ("hello\nworld\n", "hello"), ("note       only a note\n", "no `lightvl")):
        try:
            parse_lightvl(bad, "bad.txt")
            raise AssertionError(f"no ParseError for {bad!r}")
        except ParseError as err:
            check("bad.txt" in str(err) and expect in str(err), f"error text: {err}")
    err_out = parse_lightvl("lightvl: error: out of memory\n"
                            "prefill 4096 tokens: time to first token 0.2 s, 1 tokens/s\n", "e.txt")
    check(err_out["errors"] == ["e.txt: out of memory"] and err_out["prefill"]["4096"]["mfu_percent"] is None,
          "errors")
    parse_lightvl("prefill 1024 tokens: time to first token 0.1 s, 1 tokens/s\n"
                  "lightvl: error (out of memory): an allocation failed\n", "f.txt", err_out)
    check(err_out["errors"][-1] == "f.txt: (out of memory): an allocation failed", err_out["errors"])
    with contextlib.redirect_stderr(io.StringIO()) as err:
        code = main(["--lightvl-output", os.path.join(tempfile.gettempdir(), "no-such-peers-file.txt")])
    check(code == 2 and "does not exist" in err.getvalue(), "a missing file returns 2 with a message")
    ops = parse_cuda_ops(SAMPLE_OPS, "ops.txt")
    check(ops["device"] == "NVIDIA H200" and ops["attention"]["bf16 T=4096 past=0"]["ms"] == 5.2, "ops attention")
    check(ops["lightning"]["bf16 T=4096"]["ms"] == 3.2 and "f32 T=4096" in ops["lightning"], "ops lightning")
    check(ops["attention"]["bf16 T=1 past=32767"]["unit"] == "GB/s" and len(ops["other"]) == 1, "ops other")
    try:
        parse_cuda_ops(SAMPLE_BENCH, "ops.txt")
        raise AssertionError("cuda_ops parse of bench output")
    except ParseError:
        pass
    check(scaled_figure({4096: 3.2}, 32768)[0] == 25.6 and scaled_figure({4096: 3.2}, 6000) == (None, None),
          "scaling")
    check(scaled_figure({1: 0.008}, 4096) == (None, None), "a one-token (decode) figure is never scaled up")
    # Rows, directions, targets and the report.
    rows = build_rows(ours, ops, fake_peers(), (4096, 32768))
    by = {r["key"]: r for r in rows}
    s = by["softmax_kernel/4096"]
    check(abs(s["ratio"] - 10.4) < 1e-9 and abs(s["ours_speedup"] - 0.5 / 5.2) < 1e-12, "softmax kernel row")
    check(verdict(s) == "peer 10.40x faster", verdict(s))
    lk = by["lightning_kernel/32768/g_gamma"]
    check(lk["ours"] == 25.6 and "scaled 8 x T=4096" in lk["ours_source"], "scaled lightning kernel")
    check(by["lightning_kernel/4096/g"]["note"].startswith("PEER NUMERICS"), "unvalidated peer flagged")
    check(by["softmax_sublayer/32768"]["ours"] == 90.0 and by["softmax_sublayer/4096"]["ours"] == 6.4, "sublayers")
    check(by["lightning_sublayer/32768"]["ours"] == 52.0, "measured beats scaled")
    d = by["decode/4096/0"]
    check(abs(d["ratio"] - 192.5 / 23) < 1e-9 and d["better"] == "higher" and verdict(d) == "ours 8.37x faster",
          "decode row")
    check("roofline" in d["note"], "peer roofline note")
    check(by["ttft/4096/0"]["ours"] == 0.119 and by["ttft/4096/0"]["peer"] == 1.0, "ttft")
    targets = [(t["target"], t["status"]) for t in check_targets(rows, ours)]
    check([s for _, s in targets] == ["FAIL"] * 3, targets)  # lightning 32k, softmax 4096 (no 32k kernel), decode
    check("4096 tokens, kernel" in targets[1][0], targets)
    only_ours = build_rows(parse_lightvl(SAMPLE_BENCH, "b"), None, {}, (4096, 32768))
    check(all(r["ratio"] is None for r in only_ours) and any("--chunk 32768" in r["note"] for r in only_ours),
          "rows without peers")
    check({t["status"] for t in check_targets(only_ours, {})} == {"n/a"}, "targets without figures")
    text = format_report(rows, check_targets(rows, ours), fake_peers()["env"], ours, fake_peers())
    check("fla g: vs the f64 token recurrence" in text and "NOT VALIDATED" in text, "peer details")
    check("ours/peer" in text and "PASS" not in text.split("issue 6 targets:")[0], "report")
    json.dumps({"rows": rows, "ours": ours, "ops": ops}, default=str)
    # Arguments.
    a = make_parser().parse_args(["--lightvl-output", "x", "--lightvl-output", "y", "--contexts", "1024, 2048"])
    check(a.lightvl_output == ["x", "y"] and a.contexts == (1024, 2048) and a.time_budget == 420.0, "args")
    for bad in ("4096,abc", "0", ""):
        try:
            parse_contexts(bad)
            raise AssertionError(f"--contexts {bad!r} accepted")
        except argparse.ArgumentTypeError:
            pass
    self_test_lean_import()
    self_test_formats()
    # peers_torch.py must at least compile here; with torch present it is run on the CPU too.
    with open(os.path.join(HERE, "peers_torch.py"), encoding="utf-8") as f:
        compile(f.read(), "peers_torch.py", "exec")
    try:
        importlib.import_module("torch")
        have_torch = True
    except ImportError:
        have_torch = False
    if have_torch:
        self_test_torch(ours, ops)
    else:
        print("self-test: torch not importable here; the CPU dry run of peers_torch.py was skipped", flush=True)
    print(f"self-test passed in {time.perf_counter() - t0:.1f} s", flush=True)
    return 0


def self_test_lean_import():
    """import_lean must load a submodule without running its parents' __init__.py."""
    with tempfile.TemporaryDirectory() as root:
        pkg = os.path.join(root, "fakepkg")
        os.makedirs(os.path.join(pkg, "ops", "leaf"))
        with open(os.path.join(pkg, "__init__.py"), "w") as f:
            f.write("__version__ = '9.8'\nraise RuntimeError('package __init__ ran')\n")
        with open(os.path.join(pkg, "ops", "__init__.py"), "w") as f:
            f.write("raise RuntimeError('ops __init__ ran')\n")
        with open(os.path.join(pkg, "ops", "leaf", "__init__.py"), "w") as f:
            f.write("from .impl import value\n")
        with open(os.path.join(pkg, "ops", "leaf", "impl.py"), "w") as f:
            f.write("from fakepkg import __version__\nvalue = 'ok ' + __version__\n")
        try:
            mod = import_lean(root, "fakepkg", ("fakepkg", "fakepkg.ops"), "fakepkg.ops.leaf")
            check(mod.value == "ok 9.8", "lean import")
        finally:
            for name in [m for m in sys.modules if m.startswith("fakepkg")]:
                del sys.modules[name]
            check(root not in sys.path, "the lean import leaves sys.path alone")


def self_test_torch(ours, ops):
    """peers_torch.py on the CPU: its references checked, then the whole run with tiny shapes, stand-in
    kernels (f32 math attention; a fake fla checkout whose chunk_simple_gla is fla's documented recurrence,
    S = exp(g) S + k^T v, o = scale q S) and a stand-in for transformers' MiniMax."""
    import torch
    import peers_torch as pt
    cpu_checks(pt)

    def math_attend(q, k, v, scale):
        return pt.math_attention(q, k, v, scale)
    math_attend.label = "math attention (CPU stand-in)"


    class FakeConfig:
        def __init__(self, rope_parameters=None, **kwargs):
            self.__dict__.update(kwargs)
            self.rope_parameters = rope_parameters
            self._attn_implementation, self._experts_implementation = "sdpa", "grouped_mm"

    class FakeCache:
        def get_seq_length(self, layer_idx=0):
            return 0

    class FakeLM(torch.nn.Module):
        def __init__(self, config):
            super().__init__()
            self.config = config
            self.embed = torch.nn.Embedding(config.vocab_size, config.hidden_size)
            self.head = torch.nn.Linear(config.hidden_size, config.vocab_size, bias=False)

        def set_attn_implementation(self, name):
            self.config._attn_implementation = name

        def forward(self, input_ids, use_cache=True, past_key_values=None, position_ids=None, logits_to_keep=0):
            h = self.embed(input_ids)
            h = h[:, -logits_to_keep:] if logits_to_keep else h
            return types.SimpleNamespace(logits=self.head(h), past_key_values=past_key_values or FakeCache())

    tiny = pt.Slice(hidden=32, heads=4, kv_heads=2, head_dim=16, rotary_dim=8, rope_theta=1e4, intermediate=16,
                    experts=4, top_k=2, vocab=64, block_size=16)
    self_test_pick_sdpa(pt, tiny)
    fla_dir = tempfile.mkdtemp(prefix="fake-fla-")
    try:
        write_fake_fla(fla_dir)
        plan = pt.Plan(contexts=(32, 64), fla_path=fla_dir, deadline=time.perf_counter() + 120, reps=2,
                       tf_decode_tokens=3, tf_prompt=16, tf_min_seconds=0, device="cpu", dtype=torch.float32,
                       shapes=tiny, attention_override=math_attend,
                       transformers_module=types.SimpleNamespace(MiniMaxConfig=FakeConfig,
                                                                 MiniMaxForCausalLM=FakeLM),
                       lean_importer=import_lean)
        lines = []
        peers = pt.run_all(plan, log=lines.append)
    finally:
        for name in [m for m in sys.modules if m == "fla" or m.startswith("fla.")]:
            del sys.modules[name]
        if fla_dir in sys.path:
            sys.path.remove(fla_dir)
        shutil.rmtree(fla_dir)
    check(not peers["errors"], f"dry run errors: {peers['errors']}\n" + "\n".join(lines))
    check(set(peers["sdpa"]) == {"32", "64"} and set(peers["lightning_sublayer"]) == {"32", "64"},
          "dry run stages")
    for key in ("g_gamma", "g"):
        check(peers["fla"][key]["validation"]["ok"], f"fake fla {key}: {peers['fla'][key]}\n" + "\n".join(lines))
    check(peers["fla_info"]["commit"] == "fake-commit" and peers["fla_info"]["import"].startswith("lean"),
          f"fla import {peers['fla_info']}")
    runs = peers["transformers"]["runs"]
    check([r["experts_implementation"] for r in runs] == ["grouped_mm", "eager"], f"experts runs {runs}")
    check(all(r["decode_tokens"] == 3 and r["ttft_seconds"] > 0 for r in runs), "transformers stand-in timings")
    rows = build_rows(ours, ops, peers, (32, 64))
    check(any(r["peer"] is not None for r in rows if r["key"].startswith("lightning_sublayer/")), "dry-run rows")
    args = types.SimpleNamespace(contexts=(32, 64),
                                 json=os.path.join(tempfile.gettempdir(), "peers-selftest.json"))
    check(report(args, ours, ops, peers, time.perf_counter()) == 0, "report of the dry run")
    with open(args.json, encoding="utf-8") as f:
        check(json.load(f)["peers"]["transformers"]["runs"][0]["decode_tokens"] == 3, "json round trip")
    os.remove(args.json)
    if not torch.cuda.is_available():  # main() up to the GPU check: its argument and file handling
        with tempfile.TemporaryDirectory() as tmp:
            paths = [os.path.join(tmp, n) for n in ("bench.txt", "bench32k.txt", "ops.txt")]
            for path, text in zip(paths, (SAMPLE_BENCH, SAMPLE_BENCH_32K, SAMPLE_OPS)):
                with open(path, "w") as f:
                    f.write(text)
            argv = ["--lightvl-output", paths[0], "--lightvl-output", paths[1], "--cuda-ops-output", paths[2],
                    "--fla-path", tmp, "--json", os.path.join(tmp, "out.json"), "--tf-experts", "eager"]
            with contextlib.redirect_stderr(io.StringIO()) as err:
                with contextlib.redirect_stdout(io.StringIO()) as out:
                    code = main(argv)
            check(code == 2 and "no CUDA device" in err.getvalue() and "8 breakdown figures" not in out.getvalue()
                  and "10 breakdown figures" in out.getvalue(), f"main without a GPU: {code} {err.getvalue()}")
    print(f"self-test: CPU dry run of peers_torch.py ok ({len(lines)} log lines; torch {torch.__version__})",
          flush=True)



FAKE_FLA_CHUNK = """
import torch

from fla import __version__  # as fla.utils does: only the stub's __version__ exists


def chunk_simple_gla(q, k, v, g=None, g_gamma=None, scale=None, initial_state=None, output_final_state=False,
                     **kwargs):
    b, t_len, h, d = q.shape
    scale = d ** -0.5 if scale is None else scale
    g = g_gamma.view(1, 1, h).expand(b, t_len, h) if g_gamma is not None else g
    s = torch.zeros(b, h, d, v.shape[-1], dtype=torch.float64)
    s = s + initial_state.double() if initial_state is not None else s
    o = torch.empty(b, t_len, h, v.shape[-1], dtype=torch.float64)
    for t in range(t_len):
        kv = k[:, t, :, :, None].double() * v[:, t, :, None, :].double()
        s = torch.exp(g[:, t].double())[..., None, None] * s + kv
        o[:, t] = scale * torch.einsum("bhk,bhkv->bhv", q[:, t].double(), s)
    return o.to(q.dtype), (s.float() if output_final_state else None)
"""


def write_fake_fla(root):
    """A checkout shaped like fla's whose package __init__ files fail if run (the lean import skips them)."""
    files = {"FLA_COMMIT": "fake-commit\n",
             "fla/__init__.py": "__version__ = '0.0.fake'\nraise RuntimeError('fla/__init__.py ran')\n",
             "fla/ops/__init__.py": "raise RuntimeError('fla/ops/__init__.py ran')\n",
             "fla/ops/simple_gla/__init__.py": "from .chunk import chunk_simple_gla\n",
             "fla/ops/simple_gla/chunk.py": FAKE_FLA_CHUNK}
    for name, text in files.items():
        os.makedirs(os.path.dirname(os.path.join(root, name)) or root, exist_ok=True)
        with open(os.path.join(root, name), "w") as f:
            f.write(text)


def self_test_pick_sdpa(pt, shapes):
    """pick_sdpa skips a backend that raises and one that disagrees with the math reference."""
    import torch

    def make(backend, gqa):
        def attend(q, k, v, scale):
            if backend == "A":
                raise RuntimeError("No available kernel. Aborting execution.")
            out = pt.math_attention(q, k, v, scale)
            return out + 1.0 if backend == "B" else out
        attend.label, attend.gqa = f"fake {backend}", gqa
        return attend
    attend, info = pt.pick_sdpa(shapes, "cpu", torch.float32, lambda msg: None,
                                choices=(("A", True), ("B", True), ("C", False)), make=make, check_tokens=16)
    check(attend.label == "fake C" and info["enable_gqa"] is False and len(info["notes"]) == 3,
          f"pick_sdpa {info}")
    check("unavailable" in info["notes"][0] and "disagrees" in info["notes"][1], info["notes"])


def cpu_checks(pt, log=print):
    """peers_torch's references (which validate the peers) against each other and the spec."""
    import torch
    import torch.nn.functional as F
    gen = torch.Generator().manual_seed(0)
    rates = pt.lightning_rates(64)
    assert abs(float(rates[0]) - 0.917004 * 1.00001) < 1e-5 and abs(float(rates[63]) - 0.00390625 * 1.00001) < 1e-9
    assert abs(float(pt.lightning_rates(64, 78)[7]) - 0.5 * 0.0126682) < 1e-6  # spec 3.2's layer-78 factor
    q, k, v = (F.silu(torch.randn((1, 300, 3, 8), generator=gen)) for _ in range(3))
    r3 = rates[[0, 31, 63]]
    o1, s1 = pt.naive_lightning(q, k, v, r3)
    o2, s2 = pt.blockwise_lightning(q, k, v, r3, block=64)
    assert pt.relative_error(o2, o1) < 1e-12 and pt.relative_error(s2, s1) < 1e-12, "recurrence vs spec 3.4 blocks"
    # The state carries: two halves with the state passed on equal one pass.
    oa, sa = pt.naive_lightning(q[:, :128], k[:, :128], v[:, :128], r3)
    ob, _ = pt.naive_lightning(q[:, 128:], k[:, 128:], v[:, 128:], r3, state=sa)
    assert pt.relative_error(torch.cat((oa, ob), 1), o1) < 1e-12
    # Partial RoPE against complex rotation of pairs (i, i + 32) on the first 64 dims.
    x = torch.randn((5, 2, 128), generator=gen)
    cos, sin = pt.rope_tables(5, 64, 1e7, "cpu")
    got = pt.partial_rope(x, cos, sin, 64)
    z = torch.complex(x[..., :32].double(), x[..., 32:64].double())
    inv = 1e7 ** (-torch.arange(32, dtype=torch.float64) / 32)
    ang = torch.arange(5, dtype=torch.float64)[:, None, None] * inv
    z = z * torch.exp(1j * ang)
    want = torch.cat((z.real, z.imag, x[..., 64:].double()), -1)
    assert pt.relative_error(got, want) < 1e-6, "partial RoPE"
    # GQA mapping of the attention reference: query head h reads KV head h // group.
    q4, k4, v4 = (torch.randn((1, h, 6, 4), generator=gen) for h in (4, 2, 2))
    o4 = pt.math_attention(q4, k4, v4, 0.5)
    o_head3 = pt.math_attention(q4[:, 3:4], k4[:, 1:2], v4[:, 1:2], 0.5)
    assert pt.relative_error(o4[:, 3:4], o_head3) < 1e-6, "GQA head mapping"
    assert abs(float(o4[0, 0, 0, 0] - v4[0, 0, 0, 0])) < 1e-6, "causal: the first query sees only key 0"
    y = pt.rms_norm(torch.full((2, 8), 3.0), torch.full((8,), 2.0), 1e-6)
    assert torch.allclose(y, torch.full((2, 8), 2.0), atol=1e-5)
    log("cpu checks: rates, recurrence = blockwise (spec 3.4), state carry, partial RoPE, GQA mapping, "
        "RMSNorm: ok")
