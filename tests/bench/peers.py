#!/usr/bin/env python3
"""Issue 6's peer benchmark: lightvl's figures beside PyTorch's, on the same GPU and shapes.

    lightvl bench --breakdown --contexts 4096,32768 > bench.txt        # ours (any number of such files)
    python3 tests/bench/peers.py --lightvl-output bench.txt [--cuda-ops-output ops.txt]
        [--fla-path DIR] [--contexts 4096,32768] [--skip-transformers] [--json OUT]
    python3 tests/bench/peers.py --self-test                          # no GPU, no torch needed

Reads our figures from saved `lightvl bench --breakdown` output (and optionally the kernel micro-benchmark
tests/bench/cuda/cuda_ops_bench), times the peers through peers_torch.py (SDPA with the cuDNN backend,
flash-linear-attention's chunk_simple_gla, the same inside whole PyTorch sublayers, transformers'
MiniMax eager on the 8-layer slice), and prints each comparable figure as ours, peer, ours/peer and who is
faster. Like every benchmark here it is run by hand and never by ctest; tests/bench/README.md says how.
Files: this one (arguments, parsing, rows, report; no torch), peers_torch.py (the GPU peers),
peers_transformers.py (transformers' MiniMax) and peers_selftest.py (--self-test).

What compares with what (ours are host-timed means, peers CUDA-event medians; both after warm-up):
  - kernel rows: cuda_ops_bench's attention / lightning kernels vs SDPA / fla alone. Our lightning kernel
    at a length it was not run at is scaled from a shorter one (its cost is linear: the state carries).
  - sublayer rows: `breakdown  softmax|lightning attention  T tokens after 0` (projections included) vs
    the PyTorch sublayer around the peer kernel. The breakdown times only min(first context, --chunk)
    tokens; a second `lightvl bench --breakdown --contexts 32768 --chunk 32768` run gives the 32k rows.
  - model rows: time to first token and batch-1 decode of the slice vs transformers eager.
"""
import argparse
import importlib
import json
import os
import re
import sys
import time
import types

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DEFAULT_FLA = os.path.join(REPO, ".peers", "flash-linear-attention")


class ParseError(Exception):
    """A benchmark output that cannot be read; the message names the file and what was expected."""


# --------------------------------------------------------------------------------------------------
# Our figures: `lightvl bench` (app/cli/cmd_bench.cpp) and cuda_ops_bench output

# The formats of cmd_bench.cpp's and cuda_ops_bench.cpp's printf calls: a change there must change these
# (peers_selftest.py's samples copy those formats). Unknown lines, stderr mixed in, are skipped.
NUM = r"([0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?)"
UNITS = {"B": 1, "KiB": 2**10, "MiB": 2**20, "GiB": 2**30, "TiB": 2**40}
BENCH_LINES = {
    "device": re.compile(r"^device\s+(.+?)\s+\((.*)\)\s*$"),
    "limits": re.compile(rf"^limits\s+{NUM} TB/s memory bandwidth,\s+{NUM} TFLOP/s"),
    "weights": re.compile(rf"^weights\s+{NUM} (B|KiB|MiB|GiB|TiB), ready in {NUM} s; activations (\w+)"),
    "prefill": re.compile(rf"^prefill\s+(\d+) tokens: time to first token\s+{NUM} s,\s+{NUM} tokens/s"
                          rf"(?:, MFU {NUM}%)?"),
    "decode": re.compile(rf"^decode\s+batch 1 after (\d+) tokens: {NUM} tokens/s, {NUM} (B|KiB|MiB|GiB|TiB) "
                         rf"per token(?:, {NUM}% of the bandwidth roofline)?"),
    "batch": re.compile(rf"^decode\s+batch (\d+) after (\d+) tokens: {NUM} tokens/s in all"),
    "breakdown": re.compile(rf"^breakdown\s+(.+?)\s+(\d+) tokens after\s+(\d+):\s+{NUM} ms\s*$"),
    "note": re.compile(r"^note\s+(.*)$"),
    "error": re.compile(r"^(?:error|lightvl: error)\b:?\s*(.*)$", re.IGNORECASE),
}
OPS_DEVICE = re.compile(r"^device:\s+(.+?),\s+(\d+) SMs, driver (.+?)\s*$")
OPS_LINE = re.compile(rf"^\[ bench \]\s+(.+?)\s+{NUM} ms\s+{NUM} (TFLOP/s|GB/s)")
OPS_ATTENTION = re.compile(r"^attention (\w+) T=(\d+) past=(\d+)\b")
OPS_LIGHTNING = re.compile(r"^lightning (\w+) T=(\d+)\b")


def read_text(path, what):
    if not os.path.isfile(path):
        raise ParseError(f"{what} {path!r} does not exist")
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read()


def empty_ours():
    return {"files": [], "device": None, "cuda": None, "limits": None, "weights": None, "prefill": {},
            "decode": None, "batch_decode": None, "breakdown": [], "notes": [], "errors": []}


def parse_lightvl(text, source, ours=None):
    """Adds the figures of one `lightvl bench` output to `ours` (a fresh dict when None) and returns it.
    Raises ParseError when the text holds none of the lines cmd_bench.cpp prints."""
    ours = ours if ours is not None else empty_ours()
    found = 0
    # Across files the first value of a figure wins: a second run with other options (a 32k chunk) only
    # adds the figures the first one lacks.
    for raw in text.splitlines():
        line = raw.strip()
        for kind, pattern in BENCH_LINES.items():
            m = pattern.match(line)
            if not m:
                continue
            found += kind not in ("note", "error")
            g = m.groups()
            if kind == "device":
                ours["device"], ours["cuda"] = ours["device"] or g[0], ours["cuda"] or g[1]
            elif kind == "limits":
                ours["limits"] = {"bandwidth_bytes_per_s": float(g[0]) * 1e12, "bf16_flops": float(g[1]) * 1e12}
            elif kind == "weights":
                ours["weights"] = {"bytes": float(g[0]) * UNITS[g[1]], "ready_seconds": float(g[2]),
                                   "activations": g[3]}
            elif kind == "prefill":
                ours["prefill"].setdefault(str(int(g[0])), {
                    "seconds": float(g[1]), "tokens_per_second": float(g[2]),
                    "mfu_percent": float(g[3]) if g[3] else None, "source": source})
            elif kind == "decode" and ours["decode"] is None:
                ours["decode"] = {"context": int(g[0]), "tokens_per_second": float(g[1]),
                                  "bytes_per_token": float(g[2]) * UNITS[g[3]],
                                  "roofline_percent": float(g[4]) if g[4] else None, "source": source}
            elif kind == "batch" and ours["batch_decode"] is None:
                ours["batch_decode"] = {"batch": int(g[0]), "context": int(g[1]), "tokens_per_second": float(g[2])}
            elif kind == "breakdown":
                entry = {"name": g[0], "tokens": int(g[1]), "context": int(g[2]), "ms": float(g[3]),
                         "source": source}
                if breakdown_ms(ours, entry["name"], entry["tokens"], entry["context"]) is None:
                    ours["breakdown"].append(entry)
            elif kind == "note":
                ours["notes"].append(g[0])
            elif kind == "error":
                ours["errors"].append(f"{source}: {g[0]}")
            break
    if not found:
        head = "\n    ".join(text.strip().splitlines()[:5]) or "(empty)"
        raise ParseError(
            f"{source}: no `lightvl bench` figures found. Expected lines such as\n"
            "    prefill        4096 tokens: time to first token    0.119 s, ...\n"
            "    decode     batch 1 after 4096 tokens: 192.5 tokens/s, 10.92 GiB per token, ...\n"
            "    breakdown  lightning attention      4096 tokens after      0:     6.700 ms\n"
            f"  (save `lightvl bench --breakdown` stdout to the file). The file begins:\n    {head}")
    ours["files"].append(source)
    return ours


def parse_cuda_ops(text, source):
    """The attention and lightning kernel lines of tests/bench/cuda/cuda_ops_bench output."""
    ops = {"file": source, "device": None, "driver": None, "attention": {}, "lightning": {}, "other": {}}
    found = 0
    for raw in text.splitlines():
        line = raw.strip()
        m = OPS_DEVICE.match(line)
        if m:
            ops["device"], ops["driver"] = m.group(1), m.group(3)
            continue
        m = OPS_LINE.match(line)
        if not m:
            continue
        found += 1
        name, ms, rate, unit = m.group(1), float(m.group(2)), float(m.group(3)), m.group(4)
        figure = {"name": name, "ms": ms, "rate": rate, "unit": unit}
        a, li = OPS_ATTENTION.match(name), OPS_LIGHTNING.match(name)
        if a:
            ops["attention"].setdefault(f"{a.group(1)} T={int(a.group(2))} past={int(a.group(3))}", figure)
        elif li:
            ops["lightning"].setdefault(f"{li.group(1)} T={int(li.group(2))}", figure)
        else:
            ops["other"].setdefault(name, figure)
    if not found:
        raise ParseError(f"{source}: no `[ bench ] NAME  X ms  Y TFLOP/s|GB/s` lines of cuda_ops_bench found")
    return ops


def breakdown_ms(ours, name, tokens, context=0):
    for b in ours["breakdown"]:
        if b["name"] == name and b["tokens"] == tokens and b["context"] == context:
            return b["ms"]
    return None


def scaled_figure(measured, tokens, shortest=256):
    """(ms, source) at `tokens` from {T: ms}: exact, else linear from the largest T dividing it (a prefill
    of at least `shortest` tokens: one-token figures time the decode path)."""
    if tokens in measured:
        return measured[tokens], "measured"
    shorter = [t for t in measured if shortest <= t < tokens and tokens % t == 0]
    if not shorter:
        return None, None
    t = max(shorter)
    return measured[t] * tokens / t, f"scaled {tokens // t} x T={t} (linear: the state carries over)"


# --------------------------------------------------------------------------------------------------
# Analytic counts, mirroring sdk/api/benchmark.cpp for the synthetic slice


SLICE = {"hidden": 6144, "width": 8192, "kv_width": 1024, "heads": 64, "head_dim": 128, "vocab": 200064,
         "experts": 32, "top_k": 2, "intermediate": 9216, "lightning_layers": 7, "softmax_layers": 1}


def decode_bytes_per_token(context, s=SLICE):
    """Bytes one batch-1 decode step must read: bf16 active weights + lm_head, f32 lightning states read
    and written, the bf16 KV cache (benchmark.cpp's decode_bytes)."""
    h, w = s["hidden"], s["width"]
    params = s["lightning_layers"] * 5 * w * h + s["softmax_layers"] * (2 * w * h + 2 * s["kv_width"] * h)
    params += (s["lightning_layers"] + s["softmax_layers"]) * (
        s["experts"] * h + s["top_k"] * 3 * s["intermediate"] * h)
    b = 2.0 * (params + s["vocab"] * h)
    b += s["lightning_layers"] * 2.0 * s["heads"] * s["head_dim"] ** 2 * 4
    b += s["softmax_layers"] * 2.0 * s["kv_width"] * context * 2
    return b


# --------------------------------------------------------------------------------------------------
# Comparison rows and targets


def row(key, figure, unit, better, ours, ours_src, peer, peer_src, note=""):
    r = {"key": key, "figure": figure, "unit": unit, "better": better, "ours": ours, "ours_source": ours_src,
         "peer": peer, "peer_source": peer_src, "note": note, "ratio": None, "ours_speedup": None}
    if ours is not None and peer is not None and ours > 0 and peer > 0:
        r["ratio"] = ours / peer
        r["ours_speedup"] = peer / ours if better == "lower" else ours / peer
    return r


def peer_ms(entry, tokens):
    fig = (entry or {}).get(str(tokens))
    return (fig["ms"], fig) if fig else (None, None)


def build_rows(ours, ops, peers, contexts):
    """Every comparable figure. Missing sides stay None, with a note saying what would supply them."""
    rows = []
    tf_prompt = (peers.get("transformers") or {}).get("prompt_tokens", 4096)
    # Kernel rows compare the attention cores alone; sublayer rows include the projections on both sides.
    # Only lightning figures are scaled to longer prompts (linear cost); softmax cost is quadratic.
    ops = ops or {"attention": {}, "lightning": {}}
    ops_light = {int(k.split("T=")[1]): v["ms"] for k, v in ops["lightning"].items() if k.startswith("bf16 ")}
    fla = peers.get("fla", {})
    for t in contexts:
        a = ops["attention"].get(f"bf16 T={t} past=0")
        p, fig = peer_ms(peers.get("sdpa"), t)
        label = (peers.get("sdpa_info") or {}).get("label", "SDPA")
        rows.append(row(
            f"softmax_kernel/{t}", f"softmax attention kernel, prefill {t} tokens", "ms", "lower",
            a["ms"] if a else None, f"cuda_ops_bench '{a['name']}'" if a else None,
            p, f"{label} ({fig['tflops']:.0f} TFLOP/s)" if fig else None,
            "" if a or not ops.get("file") else f"cuda_ops_bench has no bf16 T={t} past=0 attention line"))
        ours_ms, how = scaled_figure(ops_light, t)
        for variant in ("g_gamma", "g"):
            entry = fla.get(variant)
            if entry is None and variant == "g":
                continue
            p, fig = peer_ms(entry, t)
            valid = (entry or {}).get("validation", {}).get("ok")
            note = "" if valid or entry is None else "PEER NUMERICS NOT VALIDATED (see validation)"
            rows.append(row(
                f"lightning_kernel/{t}/{variant}", f"lightning attention kernel, prefill {t} tokens"
                + (" (fla per-step g)" if variant == "g" else ""), "ms", "lower",
                ours_ms, f"cuda_ops_bench lightning bf16, {how}" if ours_ms else None,
                p, f"{entry['label']} ({fig['tflops']:.0f} TFLOP/s by our count)" if fig else None, note))
        for kind, key in (("softmax", "softmax_sublayer"), ("lightning", "lightning_sublayer")):
            measured = {b["tokens"]: b["ms"] for b in ours["breakdown"]
                        if b["name"] == f"{kind} attention" and b["context"] == 0}
            if kind == "softmax":
                mine, how = (measured[t], "measured") if t in measured else (None, None)
            else:
                mine, how = scaled_figure(measured, t)
            p, fig = peer_ms(peers.get(key), t)
            note = ""
            if mine is None:
                note = (f"lightvl bench --breakdown timed no {kind} sublayer at {t} tokens after 0: add the "
                        f"output of `lightvl bench --breakdown --contexts {t} --chunk {t} --decode 0 --batch 0`")
            rows.append(row(
                f"{kind}_sublayer/{t}", f"{kind} attention sublayer (with projections), prefill {t} tokens", "ms",
                "lower", mine, f"lightvl breakdown, {how}" if mine is not None else None,
                p, fig.get("label") if fig else None, note))
    runs = (peers.get("transformers") or {}).get("runs") or []
    pre = ours["prefill"].get(str(tf_prompt))
    dec = ours["decode"]
    for i, run in enumerate(runs or [None]):
        tag = f" (experts {run['experts_implementation']})" if run and len(runs) > 1 else ""
        tps = run.get("decode_tokens_per_second") if run else None
        rows.append(row(
            f"ttft/{tf_prompt}/{i}", f"time to first token, {tf_prompt}-token prompt{tag}", "s",
            "lower", pre["seconds"] if pre else None, "lightvl bench prefill" if pre else None,
            run["ttft_seconds"] if run else None, "transformers MiniMax eager" if run else None))
        note = ""
        if dec and dec["context"] != tf_prompt:
            note = f"ours decodes after {dec['context']} tokens, the peer after {tf_prompt}"
        if tps and ours.get("limits"):
            frac = decode_bytes_per_token(tf_prompt) * tps / ours["limits"]["bandwidth_bytes_per_s"]
            note = (note + "; " if note else "") + \
                f"peer at {100 * frac:.1f}% of the bandwidth roofline (lightvl's byte count)"
        if run and run.get("decode_error"):
            note = (note + "; " if note else "") + f"peer decode failed: {run['decode_error']}"
        rows.append(row(
            f"decode/{tf_prompt}/{i}", f"decode batch 1 after {tf_prompt} tokens{tag}", "tokens/s",
            "higher", dec["tokens_per_second"] if dec else None, "lightvl bench decode" if dec else None,
            tps, f"transformers eager, {run['decode_tokens']} tokens" if tps else None, note))
    return rows


def check_targets(rows, ours):
    """Issue 6's targets that these figures decide: PASS, FAIL or n/a, with the numbers."""
    by_key = {r["key"]: r for r in rows}
    out = []
    # Kernel rows decide where they exist: the targets are about the attention kernels, and a sublayer
    # row also times cuBLAS GEMMs that both sides share.
    light = by_key.get("lightning_kernel/32768/g_gamma") or by_key.get("lightning_kernel/32768/g")
    if light and light["ratio"] is not None:
        out.append(("lightning prefill per layer at 32k no slower than the peer kernel",
                    "PASS" if light["ratio"] <= 1.0 else "FAIL",
                    f"ours {light['ours']:.3f} ms vs peer {light['peer']:.3f} ms ({light['ours_source']})"))
    else:
        out.append(("lightning prefill per layer at 32k no slower than the peer kernel", "n/a",
                    "needs cuda_ops_bench output and the fla peer"))
    softmax = [r for r in rows if r["key"].startswith("softmax_kernel/") and r["ratio"] is not None]
    proxy = not softmax
    if proxy:
        softmax = [r for r in rows if r["key"].startswith("softmax_sublayer/") and r["ratio"] is not None]
    for r in softmax:
        speed = r["peer"] / r["ours"]
        what = "sublayer vs PyTorch sublayer (proxy: no kernel figure)" if proxy else "kernel"
        out.append((f"softmax prefill >= 0.9x cuDNN SDPA, {r['key'].split('/')[1]} tokens, {what}",
                    "PASS" if speed >= 0.9 else "FAIL", f"ours at {speed:.2f}x the peer's speed"))
    if not softmax:
        out.append(("softmax prefill >= 0.9x cuDNN SDPA", "n/a",
                    "needs cuda_ops_bench or breakdown output and SDPA"))
    dec = ours.get("decode")
    if dec and dec.get("roofline_percent") is not None:
        out.append(("decode batch 1 >= 75% of the bandwidth roofline", "PASS" if dec["roofline_percent"] >= 75 else
                    "FAIL", f"{dec['roofline_percent']:.1f}% ({dec['tokens_per_second']:.1f} tokens/s)"))
    else:
        out.append(("decode batch 1 >= 75% of the bandwidth roofline", "n/a", "no decode line with a roofline"))
    return [{"target": t, "status": s, "detail": d} for t, s, d in out]


def format_value(v, unit):
    if v is None:
        return "n/a"
    return {"ms": f"{v:.3f} ms", "s": f"{v:.3f} s", "tokens/s": f"{v:.1f} tok/s"}.get(unit, f"{v:.4g}")


def peer_details(peers):
    """How each peer ran and how it was checked: the lines printed under the table."""
    lines = []
    sdpa = peers.get("sdpa_info")
    if sdpa and "check_rel_err" in sdpa:
        lines.append(f"SDPA: {sdpa['label']}; causal GQA output vs f32 math at T=256: "
                     f"rel err {sdpa['check_rel_err']:.2e}")
    for key, entry in (peers.get("fla") or {}).items():
        val = entry.get("validation") or {}
        errs = ", ".join(f"{k}: {v:.2e}" for k, v in (val.get("rel_err") or {}).items())
        fails = "; ".join(f"{k} did not run: {v}" for k, v in (val.get("failed") or {}).items())
        status = "ok" if val.get("ok") else "NOT VALIDATED"
        lines.append(f"{entry.get('label', key)}: vs the f64 token recurrence (limit {val.get('limit')}): "
                     f"{errs or 'no check ran'}{'; ' + fails if fails else ''} -> {status}"
                     + (f"; error {entry['error']}" if entry.get("error") else ""))
    tf = peers.get("transformers")
    if tf:
        lines.append(f"transformers {tf.get('version')}: {tf.get('params', 0) / 1e9:.2f} B parameters "
                     f"{tf.get('param_dtypes')} built in {tf.get('build_seconds')} s, attention "
                     f"{tf.get('attn_implementation')}, default experts "
                     f"{tf.get('default_experts_implementation')}, "
                     f"peak {tf.get('max_memory_gib')} GiB")
        for run in tf.get("runs", []):
            lines.append(f"  experts {run['experts_implementation']}: prefill "
                         + ", ".join(f"{x:.3f}" for x in run.get("prefill_seconds", []))
                         + f" s (warm-up {run.get('warmup_prefill_seconds')} s), decode "
                         + (f"{run['decode_tokens']} tokens in {run['decode_seconds']:.2f} s"
                            if "decode_seconds" in run else f"failed: {run.get('decode_error')}")
                         + f"; cache length after prefill reported as {run.get('cache_seq_length_after_prefill')}")
    return lines


def verdict(r):
    if r["ours_speedup"] is None:
        return "n/a"
    s = r["ours_speedup"]
    return f"ours {s:.2f}x faster" if s >= 1 else f"peer {1 / s:.2f}x faster"


def format_report(rows, targets, env, ours, peers=None):
    lines = []
    gpu = env.get("gpu") or "unknown GPU"
    lines.append(f"GPU {gpu} ({env.get('multiprocessors', '?')} SMs), driver {env.get('driver')}, "
                 f"CUDA runtime {env.get('cuda_runtime')}, cuDNN {env.get('cudnn')}")
    commit = env.get("fla_commit") or "unknown (write it into <fla-path>/FLA_COMMIT when extracting)"
    lines.append(f"torch {env.get('torch')}, triton {env.get('triton')}, transformers {env.get('transformers')}, "
                 f"fla {env.get('fla_version')} commit {commit}, import {env.get('fla_import')}")
    lines.append(f"ours: {ours.get('device')} ({ours.get('cuda')}), from {', '.join(ours['files'])}")
    for err in ours.get("errors", []):
        lines.append(f"WARNING: the lightvl output reports an error: {err}")
    mine, theirs = ours.get("device"), env.get("gpu")
    if mine and theirs and theirs not in mine and mine not in theirs:
        lines.append(f"WARNING: our figures come from {ours['device']}, the peers ran on {env['gpu']}")
    lines.append("ours/peer: ratio of the figures; for times lower is better, for tokens/s higher is better.")
    lines.append("")
    lines.append(f"{'figure':<68} {'ours':>13} {'peer':>13} {'ours/peer':>9}  {'better':<6}  verdict")
    for r in rows:
        ratio = f"{r['ratio']:.3f}" if r["ratio"] is not None else "n/a"
        lines.append(f"{r['figure']:<68} {format_value(r['ours'], r['unit']):>13} "
                     f"{format_value(r['peer'], r['unit']):>13} {ratio:>9}  {r['better']:<6}  {verdict(r)}")
        detail = "; ".join(x for x in (f"ours: {r['ours_source']}" if r["ours_source"] else "",
                                        f"peer: {r['peer_source']}" if r["peer_source"] else "", r["note"]) if x)
        if detail:
            lines.append(f"    {detail}")
    lines.append("")
    lines.extend(peer_details(peers or {}))
    lines.append("")
    lines.append("issue 6 targets:")
    for t in targets:
        lines.append(f"  [{t['status']:>4}] {t['target']}: {t['detail']}")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------------
# Running


def import_lean(root, package, stub_parents, module):
    """Imports `module` from root/package without running the __init__.py of the packages named in
    stub_parents: each is replaced by an empty module with __path__ set and the __version__ read from
    its __init__.py (fla.utils imports `fla.__version__`). stub_parents must start with `package`."""
    pkg_dir = os.path.join(root, package)
    with open(os.path.join(pkg_dir, "__init__.py"), encoding="utf-8") as f:
        found = re.search(r"__version__\s*=\s*['\"]([^'\"]+)['\"]", f.read())
    for name in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
        del sys.modules[name]
    # No sys.path entry: the stubs' __path__ leads the import system to the submodules, and the checkout's
    # other top-level folders (tests/, utils/, ...) stay out of the way of other imports.
    for name in stub_parents:
        stub = types.ModuleType(name)
        stub.__path__ = [os.path.join(root, *name.split("."))]
        stub.__file__ = os.path.join(stub.__path__[0], "__init__.py")
        stub.__version__ = found.group(1) if found else "0"
        sys.modules[name] = stub
        if "." in name:
            parent, _, leaf = name.rpartition(".")
            setattr(sys.modules[parent], leaf, stub)
    return importlib.import_module(module)


def parse_contexts(text):
    try:
        values = [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"--contexts wants comma-separated token counts, got {text!r}")
    if not values or any(v <= 0 for v in values):
        raise argparse.ArgumentTypeError(f"--contexts wants positive token counts, got {text!r}")
    return tuple(values)


def make_parser():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--lightvl-output", action="append", default=[], metavar="FILE",
                   help="saved stdout of `lightvl bench --breakdown` (repeatable; the first file's figures win)")
    p.add_argument("--cuda-ops-output", metavar="FILE",
                   help="saved stdout of tests/bench/cuda/cuda_ops_bench (kernel rows); "
                        "a missing file is a warning")
    p.add_argument("--fla-path", default=None,
                   help=f"flash-linear-attention checkout "
                        f"(default {os.path.relpath(DEFAULT_FLA, REPO)} if present)")
    p.add_argument("--contexts", type=parse_contexts, default=(4096, 32768),
                   help="prefill lengths (default 4096,32768)")
    p.add_argument("--skip-transformers", action="store_true", help="do not build transformers' 89 GiB slice")
    p.add_argument("--skip-fla", action="store_true", help="do not run flash-linear-attention")
    p.add_argument("--json", metavar="OUT", help="write every figure, row and target as JSON")
    p.add_argument("--time-budget", type=float, default=420.0,
                   help="seconds for the whole script; later stages are skipped past it (default 420)")
    p.add_argument("--reps", type=int, default=10, help="timed repetitions per kernel (default 10)")
    p.add_argument("--tf-decode-tokens", type=int, default=16, help="tokens transformers decodes (default 16)")
    p.add_argument("--tf-experts", default="default,eager",
                   help="transformers experts implementations to time "
                        "('default' = its own; default default,eager)")
    p.add_argument("--self-test", action="store_true", help="check this script without a GPU and exit")
    return p


def main(argv=None):
    args = make_parser().parse_args(argv)
    if args.self_test:
        import peers_selftest
        return peers_selftest.self_test()
    if not args.lightvl_output:
        make_parser().error("--lightvl-output FILE is required (or --self-test)")
    start = time.perf_counter()
    if args.json and not os.path.isdir(os.path.dirname(os.path.abspath(args.json))):
        print(f"peers.py: the folder of --json {args.json} does not exist", file=sys.stderr)
        return 2
    try:  # read our side first: a bad file should fail before minutes of GPU work
        ours = empty_ours()
        for path in args.lightvl_output:
            parse_lightvl(read_text(path, "--lightvl-output"), path, ours)
        ops = None
        if args.cuda_ops_output:
            if os.path.isfile(args.cuda_ops_output):
                ops = parse_cuda_ops(read_text(args.cuda_ops_output, "--cuda-ops-output"), args.cuda_ops_output)
            else:
                print(f"warning: --cuda-ops-output {args.cuda_ops_output} does not exist; no kernel rows for ours",
                      flush=True)
    except ParseError as err:
        print(f"peers.py: {err}", file=sys.stderr)
        return 2
    fla_path = args.fla_path or (DEFAULT_FLA if os.path.isdir(DEFAULT_FLA) else None)
    print(f"ours: {len(ours['prefill'])} prefill, {len(ours['breakdown'])} breakdown figures from "
          f"{', '.join(ours['files'])}" + (f"; {len(ops['attention']) + len(ops['lightning'])} kernel figures"
                                             if ops else ""), flush=True)
    sys.path.insert(0, HERE)
    try:
        import peers_torch
    except ImportError as err:
        print(f"peers.py: {err}; run this with the GPU machine's python3, which has torch", file=sys.stderr)
        return 2
    plan = peers_torch.Plan(contexts=args.contexts, fla_path=fla_path, skip_transformers=args.skip_transformers,
                            skip_fla=args.skip_fla, deadline=start + args.time_budget, reps=args.reps,
                            tf_decode_tokens=args.tf_decode_tokens,
                            tf_experts=tuple(x.strip() for x in args.tf_experts.split(",") if x.strip()),
                            lean_importer=import_lean)
    if not peers_torch.torch.cuda.is_available():
        print("peers.py: torch sees no CUDA device; run this on the GPU machine", file=sys.stderr)
        return 2
    peers = peers_torch.run_all(plan)
    return report(args, ours, ops, peers, start)


def report(args, ours, ops, peers, start):
    env = dict(peers.get("env", {}))
    info = peers.get("fla_info") or {}
    env.update(fla_version=info.get("version"), fla_commit=info.get("commit"), fla_import=info.get("import"))
    rows = build_rows(ours, ops, peers, args.contexts)
    targets = check_targets(rows, ours)
    print("\n" + format_report(rows, targets, env, ours, peers), flush=True)
    for section in ("skipped", "errors"):
        for item in peers.get(section, []):
            print(f"{section[:-1] if section == 'errors' else 'skipped'}: {item}", flush=True)
    notes = (peers.get("transformers") or {}).get("notes") or []
    notes = notes + (peers.get("sdpa_info") or {}).get("notes", [])
    for note in notes:
        print(f"note: {note}", flush=True)
    if args.json:
        doc = {"argv": sys.argv, "elapsed_seconds": round(time.perf_counter() - start, 1), "env": env,
               "ours": ours, "cuda_ops": ops, "peers": peers, "rows": rows, "targets": targets}
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(doc, f, indent=1, default=str)
        print(f"wrote {args.json}", flush=True)
    print(f"peers.py done in {time.perf_counter() - start:.0f} s", flush=True)
    return 1 if peers.get("errors") else 0


if __name__ == "__main__":
    sys.exit(main())
