"""Float64 MiniMax text forward written from lightvl's spec (sections 3-6), over released tensor names.

make_text_goldens.py uses it to check transformers' native model independently: it reads only the
released tensors and the numbers of a TinyArch, and follows the spec's formulas literally (the token-by-
token lightning recurrence of 3.3 rather than the block algorithm, RoPE on the first rotary_dim dims,
softmax routing with renormalised top-k, postnorm residuals with alpha/beta). It is slow on purpose and
meant for tiny models only.
"""

import torch

LIN, FULL = "linear_attention", "full_attention"
LIGHTNING_NORM_EPS = 1e-6  # remote builds the lightning output norm without eps (spec 3.6)


def rotate_prefix(x, cos, sin, rd):
    """NeoX rotate_half on x[..., :rd] (pairs i, i + rd/2); x[..., rd:] passes through (spec 4)."""
    rot, rest = x[..., :rd], x[..., rd:]
    half = rd // 2
    rotated_half = torch.cat((-rot[..., half:], rot[..., :half]), dim=-1)
    return torch.cat((rot * cos + rotated_half * sin, rest), dim=-1)


def rms(x, w, eps):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * w


def spec_lightning(a, layer, x, w, p):
    """Section 3: SiLU(qkv) head-major, recurrence S = lam S + k^T v, o = q S, norm(eps 1e-6), gate."""
    t_len, h, d = x.shape[0], a.num_heads, a.head_dim
    u = torch.nn.functional.silu(x @ w[p + "qkv_proj.weight"].T).view(t_len, h, 3 * d)
    q, k, v = u[..., :d], u[..., d:2 * d], u[..., 2 * d:]
    slope = 2.0 ** (-8.0 * (torch.arange(h, dtype=torch.float64) + 1) / h)
    lam = torch.exp(-slope * (1 - layer / (a.num_layers - 1) + 1e-5))[:, None, None]
    state, out = torch.zeros(h, d, d, dtype=torch.float64), torch.empty(t_len, h, d, dtype=torch.float64)
    for t in range(t_len):
        state = lam * state + k[t][:, :, None] * v[t][:, None, :]
        out[t] = torch.einsum("hd,hde->he", q[t], state)
    o = rms(out.reshape(t_len, h * d), w[p + "norm.weight"], LIGHTNING_NORM_EPS)
    gate = torch.sigmoid(x @ w[p + "output_gate.weight"].T)
    return (gate * o) @ w[p + "out_proj.weight"].T


def spec_softmax_attention(a, x, w, p):
    """Section 4: GQA, RoPE on the first rotary_dim dims, scale 1/sqrt(head_dim), causal softmax."""
    t_len, h, kvh, d, rd = x.shape[0], a.num_heads, a.num_kv_heads, a.head_dim, a.rotary_dim
    q = (x @ w[p + "q_proj.weight"].T).view(t_len, h, d)
    k = (x @ w[p + "k_proj.weight"].T).view(t_len, kvh, d)
    v = (x @ w[p + "v_proj.weight"].T).view(t_len, kvh, d)
    inv = a.rope_theta ** (-torch.arange(0, rd, 2, dtype=torch.float64) / rd)
    ang = torch.arange(t_len, dtype=torch.float64)[:, None] * inv[None, :]
    cos, sin = torch.cat((ang, ang), -1).cos()[:, None, :], torch.cat((ang, ang), -1).sin()[:, None, :]
    q, k = rotate_prefix(q, cos, sin, rd), rotate_prefix(k, cos, sin, rd)
    group = h // kvh
    k, v = k.repeat_interleave(group, dim=1), v.repeat_interleave(group, dim=1)  # head i uses kv i // group
    scores = torch.einsum("thd,shd->hts", q, k) / d ** 0.5
    causal = torch.ones(t_len, t_len, dtype=torch.bool).tril()
    probs = torch.softmax(scores.masked_fill(~causal, float("-inf")), dim=-1)
    o = torch.einsum("hts,shd->thd", probs, v).reshape(t_len, h * d)
    return o @ w[p + "o_proj.weight"].T


def spec_moe(a, x, w, p, stats):
    """Section 6: softmax router, top-k, renormalise, SwiGLU experts; records the routing margin."""
    probs = torch.softmax(x @ w[p + "gate.weight"].T, dim=-1)
    ranked = torch.sort(probs, dim=-1, descending=True).values
    gap = float((ranked[:, a.top_k - 1] - ranked[:, a.top_k]).min())
    stats["router_gap"] = min(stats.get("router_gap", 1.0), gap)
    top = torch.topk(probs, a.top_k, dim=-1)
    weights = torch.zeros_like(probs).scatter(1, top.indices, top.values / top.values.sum(-1, keepdim=True))
    out = torch.zeros_like(x)
    for e in range(a.num_experts):
        q = f"{p}experts.{e}."
        y = torch.nn.functional.silu(x @ w[q + "w1.weight"].T) * (x @ w[q + "w3.weight"].T)
        out += weights[:, e:e + 1] * (y @ w[q + "w2.weight"].T)
    return out


def spec_forward(a, released, ids, stats):
    """Float64 logits [T, V] of `ids` from released tensors, with postnorm residuals (section 5)."""
    w = {name: t.to(torch.float64) for name, t in released.items()}
    x = w["model.embed_tokens.weight"][torch.tensor(ids)]
    for i, kind in enumerate(a.layer_kinds):
        p = f"model.layers.{i}."
        n1 = rms(x, w[p + "input_layernorm.weight"], a.rms_norm_eps)
        if kind == LIN:
            h = a.linear_alpha * n1 + a.linear_beta * spec_lightning(a, i, n1, w, p + "self_attn.")
        else:
            h = a.full_alpha * n1 + a.full_beta * spec_softmax_attention(a, n1, w, p + "self_attn.")
        n2 = rms(h, w[p + "post_attention_layernorm.weight"], a.rms_norm_eps)
        x = a.mlp_alpha * n2 + a.mlp_beta * spec_moe(a, n2, w, p + "block_sparse_moe.", stats)
    return rms(x, w["model.norm.weight"], a.rms_norm_eps) @ w["lm_head.weight"].T
