#!/usr/bin/env python3
"""Make the tiny MiniMax-VL-01 checkpoint and the vision-language goldens for lightvl's tests.

Run on the GPU machine (torch + transformers 5.17 + Pillow there; see README.md beside this file). 5.17 has
no `minimax_vl_01` module, so transformers' own source files are imported from git-ignored folders
(spec section 11): the modeling and configuration files from tests/reference/_vendor/vl_model/, the image
processor and processor from tests/reference/_vendor/minimax_vl_01/ (vendored for make_vision_goldens.py).
Nothing is installed or committed. The model's text half is reached through `AutoModel.from_config`, which
5.17 cannot map for `minimax_vl_01_text`; the modeling module's `AutoModel` is wrapped for that one config.

The model: a tiny random MiniMaxVL01ForConditionalGeneration, fp32 on the CPU, every weight rounded to bf16
first (so the bf16 checkpoint holds exactly the weights that made the goldens). Text half: the shapes of
assets/tiny-minimax-text-01 (make_text_goldens.RELEASED) with its own seed. Vision: CLIP with 42 px tiles,
14 px patches (3 x 3 + CLS = 10 positions), hidden 32, 2 layers, 4 heads, intermediate 64, exact GELU;
vision_feature_layer -1, strategy "default"; projector GELU; the 28 released pinpoints scaled by 42/336;
image_token_index = the id of "<image>" in the tiny tokenizer.

Writes under --out (default: the repository root):
  assets/tiny-minimax-vl-01/          config.json (remote-code VL form, nested remote text_config),
                                      preprocessor_config.json (released processor key names), the tiny
                                      tokenizer files, 3 bf16 shards + model.safetensors.index.json in the
                                      released layout (language_model.model.*, language_model.lm_head.*,
                                      vision_tower.vision_model.*, multi_modal_projector.*, image_newline;
                                      per-expert w1/w2/w3; no derived buffers, no post_layernorm)
  tests/fixtures/golden/vl_golden.json                 cases, counts, file names, versions, check figures
  tests/fixtures/golden/vl_<case>_logits.npy           float32 [T, vocab], every expanded position
  tests/fixtures/golden/vl_pixels_<image>.npy          float32 [tiles, 3, 42, 42], the processor's output
  tests/fixtures/golden/vl_image_<image>.npy           float32 [N_img, 64], packed image embeddings
  tests/fixtures/golden/vl_tile_features_<image>.npy   float32 [tiles, 9, 64], projector output (one image)
  tests/fixtures/golden/vl_clip_states_<image>.npy     float32 [L+1, tiles, 10, 32], CLIP hidden states
  build-golden/vl_golden_log.txt                       the log

Independent checks (all must pass; the script exits non-zero otherwise): a float64 forward written from the
spec (sections 7.4-7.6 here, 3-6 in minimax_text_spec.spec_forward) reproduces the CLIP hidden states, the
packed image embeddings and the logits; the token counts of the processor, of the model's packing and of
the spec formula agree; the written checkpoint, read back and mapped to the model's names, reproduces the
logits exactly. Full forward passes only (5.17's cached decoding is wrong when layer 0 is lightning).

Regenerating (GPU machine, repository root, `run` carrying tests/reference/_vendor; about 15 s):
    set -o pipefail; mkdir -p $OUT/t && python3 tests/reference/make_vl_goldens.py --out $OUT/t 2>&1 | tee $OUT/log.txt;
    rc=$?; tar -C $OUT/t -cf $OUT/vl_golden.tar .; rm -rf $OUT/t; exit $rc
then here: tar -xf <files_at>/vl_golden.tar --no-same-owner --no-same-permissions --no-overwrite-dir \
    ./assets/tiny-minimax-vl-01 ./tests/fixtures ./build-golden
The vendored folders must hold configuration_minimax_vl_01.py and modeling_minimax_vl_01.py (vl_model/) and
image_processing_pil_minimax_vl_01.py and processing_minimax_vl_01.py (minimax_vl_01/), copied from
transformers' src/transformers/models/minimax_vl_01/. The output is deterministic for given versions.
"""

import argparse
import dataclasses
import importlib
import json
import os
import re
import shutil
import sys
import types

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from make_text_goldens import (  # noqa: E402  (after the path set-up)
    LOG, RELEASED, check, install_partial_rope, log, native_config, native_state_from_released,
    released_config, released_shapes, remote_slope_rate, set_eager, to_released, write_json)
from make_vision_goldens import CLIP_MEAN, CLIP_STD, PATCH, TINY_PINPOINTS, TINY_TILE, remote_token_count  # noqa: E402
from minimax_text_spec import spec_forward  # noqa: E402

REPO_ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
MODEL_DIR = "assets/tiny-minimax-vl-01"
GOLDEN_DIR = "tests/fixtures/golden"
IMAGE_DIR = "tests/fixtures/images"
TOKENIZER_DIR = "assets/tiny-minimax-text-01"
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")

TEXT = dataclasses.replace(RELEASED, weight_seed=20250707, prompt_seed=707)
VISION = {"image_size": TINY_TILE, "patch_size": PATCH, "num_channels": 3, "hidden_size": 32,
          "num_hidden_layers": 2, "num_attention_heads": 4, "intermediate_size": 64, "hidden_act": "gelu",
          "layer_norm_eps": 1e-5, "projection_dim": 64}
VISION_SEED = 20250708
SPEC_TOLERANCE = 1e-4  # relative to max |reference|: fp32 vs float64 rounding is ~1e-6, a semantic slip >> 1e-3
VISION_ROOT = "vision_tower.vision_model."

# (name, fixture images in prompt order, lengths of the text runs around the placeholders)
CASES = [
    ("one_image", ["png_rgb.png"], [12, 19]),
    ("two_images", ["png_rgba.png", "small_30x20.png"], [7, 9, 11]),
    ("extreme_aspect", ["tall_20x300.jpg"], [5, 17]),
    ("gray", ["png_gray.png"], [10, 6]),
]
DETAIL_IMAGE = "png_rgb.png"  # the image whose tile features and CLIP states are stored as well


# --------------------------------------------------------------------------------------------------
# Spec forward of the vision half (float64, released tensor names): sections 7.4-7.6


def layer_norm(x, w, prefix, eps):
    return torch.nn.functional.layer_norm(x, x.shape[-1:], w[prefix + ".weight"], w[prefix + ".bias"], eps)


def spec_clip_states(w, pixels):
    """The L+1 CLIP hidden states [tiles, positions, hidden]: 0 = embeddings after pre_layrnorm."""
    p, hidden, heads = VISION["patch_size"], VISION["hidden_size"], VISION["num_attention_heads"]
    eps, d = VISION["layer_norm_eps"], VISION["hidden_size"] // VISION["num_attention_heads"]
    tiles, side = pixels.shape[0], pixels.shape[-1]
    n = side // p
    patches = pixels.reshape(tiles, 3, n, p, n, p).permute(0, 2, 4, 1, 3, 5).reshape(tiles, n * n, 3 * p * p)
    x = patches @ w[VISION_ROOT + "embeddings.patch_embedding.weight"].reshape(hidden, -1).T
    cls = w[VISION_ROOT + "embeddings.class_embedding"].expand(tiles, 1, hidden)
    x = torch.cat([cls, x], dim=1) + w[VISION_ROOT + "embeddings.position_embedding.weight"]
    x = layer_norm(x, w, VISION_ROOT + "pre_layrnorm", eps)
    states = [x]
    for layer in range(VISION["num_hidden_layers"]):
        q = f"{VISION_ROOT}encoder.layers.{layer}."

        def proj(name, t):
            return t @ w[q + name + ".weight"].T + w[q + name + ".bias"]

        h = layer_norm(x, w, q + "layer_norm1", eps)
        qs, ks, vs = (proj(f"self_attn.{m}_proj", h).reshape(tiles, n * n + 1, heads, d) for m in "qkv")
        probs = torch.softmax(torch.einsum("bthd,bshd->bhts", qs, ks) / d ** 0.5, dim=-1)
        x = x + proj("self_attn.out_proj", torch.einsum("bhts,bshd->bthd", probs, vs).reshape(x.shape))
        h = layer_norm(x, w, q + "layer_norm2", eps)
        x = x + proj("mlp.fc2", torch.nn.functional.gelu(proj("mlp.fc1", h)))
        states.append(x)
    return states


def spec_project(w, features):
    h = torch.nn.functional.gelu(features @ w["multi_modal_projector.linear_1.weight"].T
                                 + w["multi_modal_projector.linear_1.bias"])
    return h @ w["multi_modal_projector.linear_2.weight"].T + w["multi_modal_projector.linear_2.bias"]


def spec_pack(tile_features, newline, width, height):
    """Thumbnail, then the unpadded canvas with a newline after each row (floor unpadding, spec 7.6)."""
    tokens, (grid_w, grid_h) = remote_token_count(width, height, TINY_PINPOINTS, TINY_TILE, PATCH)
    n, c = TINY_TILE // PATCH, tile_features.shape[-1]
    tiles_x, tiles_y = grid_w // TINY_TILE, grid_h // TINY_TILE
    assert tile_features.shape[0] == 1 + tiles_x * tiles_y, (tile_features.shape, grid_w, grid_h)
    canvas = tile_features[1:].reshape(tiles_y, tiles_x, n, n, c).permute(0, 2, 1, 3, 4).reshape(tiles_y * n, tiles_x * n, c)
    cols, rows = grid_w // PATCH, grid_h // PATCH
    if width / height > cols / rows:
        pad = (rows - (height * cols) // width) // 2
        canvas = canvas[pad: rows - pad]
    else:
        pad = (cols - (width * rows) // height) // 2
        canvas = canvas[:, pad: cols - pad]
    lines = torch.cat([canvas, newline.expand(canvas.shape[0], 1, c)], dim=1).reshape(-1, c)
    packed = torch.cat([tile_features[0], lines])
    assert packed.shape[0] == tokens, (packed.shape, tokens)
    return packed


def spec_image(w, pixels, width, height):
    """(CLIP states, projected tile features [tiles, n*n, C], packed embeddings [N, C]) in float64."""
    states = spec_clip_states(w, pixels)
    tile_features = spec_project(w, states[-1][:, 1:])
    return states, tile_features, spec_pack(tile_features, w["image_newline"], width, height)


def spec_logits(released, prompt_embeddings):
    """Spec logits (float64) of merged input embeddings, through minimax_text_spec.spec_forward.

    spec_forward embeds ids with model.embed_tokens.weight; handing it the merged embeddings as the table
    and ids 0..T-1 makes it run the backbone on exactly those inputs without a second implementation.
    """
    text = {name[len("language_model."):]: t for name, t in released.items() if name.startswith("language_model.")}
    text["model.embed_tokens.weight"] = prompt_embeddings
    return spec_forward(TEXT, text, list(range(prompt_embeddings.shape[0])), {})


def expand(prompt, image_token, counts):
    out, image = [], 0
    for i in prompt:
        if i == image_token:
            out += [image_token] * counts[image]
            image += 1
        else:
            out.append(i)
    assert image == len(counts)
    return out


def case_prompt(index, runs, image_token):
    """Seeded text runs with one placeholder between consecutive runs (never the image id by chance)."""
    gen = torch.Generator().manual_seed(TEXT.prompt_seed + index)
    prompt = []
    for r, length in enumerate(runs):
        ids = torch.randint(0, TEXT.vocab_size, (length,), generator=gen).tolist()
        prompt += [(i + 1) % TEXT.vocab_size if i == image_token else i for i in ids]
        if r + 1 < len(runs):
            prompt.append(image_token)
    return prompt


# --------------------------------------------------------------------------------------------------
# Released layout (spec 2.2)


def released_vl_shapes(image_token):
    """Every released tensor name with its shape: text (under language_model.), vision, projector."""
    shapes = {"language_model." + n: s for n, s in released_shapes(TEXT).items()}
    h, inter, p = VISION["hidden_size"], VISION["intermediate_size"], VISION["patch_size"]
    positions = (VISION["image_size"] // p) ** 2 + 1
    shapes.update({VISION_ROOT + "embeddings.class_embedding": (h,),
                   VISION_ROOT + "embeddings.patch_embedding.weight": (h, 3, p, p),
                   VISION_ROOT + "embeddings.position_embedding.weight": (positions, h),
                   VISION_ROOT + "pre_layrnorm.weight": (h,), VISION_ROOT + "pre_layrnorm.bias": (h,)})
    for layer in range(VISION["num_hidden_layers"]):
        q = f"{VISION_ROOT}encoder.layers.{layer}."
        for name, (out, inp) in {"self_attn.q_proj": (h, h), "self_attn.k_proj": (h, h), "self_attn.v_proj": (h, h),
                                 "self_attn.out_proj": (h, h), "mlp.fc1": (inter, h), "mlp.fc2": (h, inter)}.items():
            shapes[q + name + ".weight"] = (out, inp)
            shapes[q + name + ".bias"] = (out,)
        for name in ("layer_norm1", "layer_norm2"):
            shapes[q + name + ".weight"] = (h,)
            shapes[q + name + ".bias"] = (h,)
    th = TEXT.hidden_size
    shapes.update({"multi_modal_projector.linear_1.weight": (th, h), "multi_modal_projector.linear_1.bias": (th,),
                   "multi_modal_projector.linear_2.weight": (th, th), "multi_modal_projector.linear_2.bias": (th,),
                   "image_newline": (th,)})
    return shapes


def vision_released_name(name):
    """Released name of a non-text model parameter; None for CLIP's unused post_layernorm."""
    if name.startswith("model.vision_tower."):
        rest = name[len("model.vision_tower."):]
        rest = rest if rest.startswith("vision_model.") else "vision_model." + rest  # either module layout
        return None if rest.startswith("vision_model.post_layernorm.") else "vision_tower." + rest
    if name.startswith("model.multi_modal_projector.") or name == "model.image_newline":
        return name[len("model."):]
    raise AssertionError(f"unexpected parameter {name}")


class TextView:
    """The VL model's text parameters under the text model's names (model.*, lm_head.weight), so the
    name mappings of make_text_goldens apply unchanged."""

    def __init__(self, model):
        self.model = model

    def named_parameters(self):
        for name, p in self.model.model.language_model.named_parameters():
            yield "model." + name, p
        yield "lm_head.weight", self.model.lm_head.weight


def is_text_param(name):
    return name.startswith("model.language_model.") or name == "lm_head.weight"


def to_released_vl(model, image_token):
    """Released name -> bf16 tensor; asserts exact coverage and shapes."""
    out = {"language_model." + n: t for n, t in to_released(dict(TextView(model).named_parameters()), TEXT).items()}
    for name, t in model.named_parameters():
        if is_text_param(name):
            continue
        released = vision_released_name(name)
        if released is not None:
            assert released not in out, released
            out[released] = t.detach().to(torch.bfloat16).contiguous().clone()
    expected = released_vl_shapes(image_token)
    missing, extra = sorted(set(expected) - set(out)), sorted(set(out) - set(expected))
    assert not missing and not extra, f"released names: missing {missing[:8]}, unexpected {extra[:8]}"
    for name, shape in expected.items():
        assert tuple(out[name].shape) == shape, (name, tuple(out[name].shape), shape)
    return {name: out[name] for name in expected}


def model_state_from_released(model, released):
    """Inverse of to_released_vl for `model`'s parameters (post_layernorm is left as initialised)."""
    text = {n[len("language_model."):]: t for n, t in released.items() if n.startswith("language_model.")}
    view_state = native_state_from_released(TextView(model), text, TEXT)
    state = {("lm_head.weight" if n == "lm_head.weight" else "model.language_model." + n[len("model."):]): t
             for n, t in view_state.items()}
    for name, _ in model.named_parameters():
        if not is_text_param(name) and vision_released_name(name) is not None:
            state[name] = released[vision_released_name(name)].float()
    return state


def vl_config_json(image_token):
    """config.json in the released remote-code form (spec 1.2), tiny values."""
    text = released_config(TEXT)
    text["shared_intermediate_size"] = [0]  # the VL release writes a one-element list
    return {
        "architectures": ["MiniMaxVL01ForConditionalGeneration"],
        "auto_map": {"AutoConfig": "configuration_minimax_vl_01.MiniMaxVL01Config",
                     "AutoModelForCausalLM": "modeling_minimax_vl_01.MiniMaxVL01ForConditionalGeneration"},
        "ignore_index": -100, "image_grid_pinpoints": TINY_PINPOINTS, "image_token_index": image_token,
        "model_type": "minimax_vl_01", "projector_hidden_act": "gelu", "text_config": text,
        "torch_dtype": "bfloat16", "transformers_version": "4.47.1",
        "vision_config": {"model_type": "clip_vision_model", **VISION, "vocab_size": 32000},
        "vision_feature_layer": -1, "vision_feature_select_strategy": "default",
    }


def preprocessor_config_json():
    """preprocessor_config.json with the released (remote-code) processor's key names (spec 7.1)."""
    return {"image_processor_type": "MiniMaxVL01ImageProcessor", "processor_class": "MiniMaxVL01Processor",
            "process_image_mode": "anyres", "size": [TINY_TILE, TINY_TILE], "patch_size": PATCH,
            "image_grid_pinpoints": TINY_PINPOINTS, "image_mean": CLIP_MEAN, "image_std": CLIP_STD}


def shard_of(name):
    """Three shards: text layers 0-3 (+ embeddings), text layers 4-7 (+ norm, head), vision half."""
    if not name.startswith("language_model."):
        return 2
    m = re.match(r"language_model\.model\.layers\.(\d+)\.", name)
    if name == "language_model.model.embed_tokens.weight" or (m and int(m.group(1)) < TEXT.num_layers // 2):
        return 0
    return 1


def write_checkpoint(directory, tensors, image_token, save_file):
    os.makedirs(directory, exist_ok=True)
    names = [f"model-0000{i}-of-00003.safetensors" for i in (1, 2, 3)]
    shards = ({}, {}, {})
    for name, t in tensors.items():
        shards[shard_of(name)][name] = t
    weight_map = {}
    for shard, fname in zip(shards, names):
        save_file(shard, os.path.join(directory, fname), metadata={"format": "pt"})
        weight_map.update({name: fname for name in shard})
    total = sum(t.numel() * t.element_size() for t in tensors.values())
    write_json(os.path.join(directory, "model.safetensors.index.json"),
               {"metadata": {"total_size": total}, "weight_map": dict(sorted(weight_map.items()))})
    write_json(os.path.join(directory, "config.json"), vl_config_json(image_token))
    write_json(os.path.join(directory, "preprocessor_config.json"), preprocessor_config_json())


def image_token_id(root):
    """The id of "<image>" in the tiny tokenizer (its added tokens)."""
    path = os.path.join(root, TOKENIZER_DIR, "tokenizer.json")
    with open(path) as f:
        added = json.load(f).get("added_tokens", [])
    ids = [t["id"] for t in added if t.get("content") == "<image>"]
    assert len(ids) == 1, f"{path} must hold exactly one added token '<image>', found {ids}"
    assert 0 <= ids[0] < TEXT.vocab_size, ids
    return ids[0]


def copy_tokenizer(root, directory):
    for name in TOKENIZER_FILES:
        src = os.path.join(root, TOKENIZER_DIR, name)
        if os.path.exists(src):
            shutil.copyfile(src, os.path.join(directory, name))


# --------------------------------------------------------------------------------------------------
# Goldens


def save_npy(out, name, array):
    path = os.path.join(out, GOLDEN_DIR, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    np.save(path, np.ascontiguousarray(np.asarray(array, dtype=np.float32)), allow_pickle=False)
    return f"{GOLDEN_DIR}/{name}"


def stem(image):
    return image.rsplit(".", 1)[0]


def write_golden_json(out, fields):
    path = os.path.join(out, GOLDEN_DIR, "vl_golden.json")
    with open(path, "w") as f:
        json.dump(fields, f, indent=1, sort_keys=True)
        f.write("\n")


def relative_diff(ours, ref):
    scale = float(ref.abs().max())
    return float((ours.double() - ref.double()).abs().max()) / max(scale, 1e-30), scale


# --------------------------------------------------------------------------------------------------
# The reference (GPU machine only)


def import_reference(vendor_model, vendor_processor):
    """transformers.models.minimax_vl_01 from the two git-ignored folders; AutoModel wrapped for the text half."""
    import transformers
    import transformers.utils as tu
    if not hasattr(tu, "torch_compilable_check"):  # newer than 5.17: same contract, a plain check
        def torch_compilable_check(condition, message):
            if not bool(condition):
                raise ValueError(message)
        tu.torch_compilable_check = torch_compilable_check
        log("transformers.utils.torch_compilable_check missing in this version: shimmed with a plain check")
    name = "transformers.models.minimax_vl_01"
    package = types.ModuleType(name)
    package.__path__ = [os.path.abspath(vendor_model), os.path.abspath(vendor_processor)]
    sys.modules[name] = package
    mc = importlib.import_module(name + ".configuration_minimax_vl_01")
    mm = importlib.import_module(name + ".modeling_minimax_vl_01")
    pil = importlib.import_module(name + ".image_processing_pil_minimax_vl_01")
    proc = importlib.import_module(name + ".processing_minimax_vl_01")
    auto = mm.AutoModel

    class TextAwareAutoModel:
        """5.17's AutoModel does not know minimax_vl_01_text: build that one directly."""

        @staticmethod
        def from_config(config, **kwargs):
            if isinstance(config, mc.MiniMaxVL01TextConfig):
                return mm.MiniMaxVL01TextModel(config)
            return auto.from_config(config, **kwargs)

    mm.AutoModel = TextAwareAutoModel
    log(f"transformers {transformers.__version__}, torch {torch.__version__}; reference from {package.__path__}")
    return mc, mm, pil.MiniMaxVL01ImageProcessorPil, proc.MiniMaxVL01Processor


def build_model(mc, mm, image_token, seed_offset=0):
    text_config = native_config(types.SimpleNamespace(MiniMaxConfig=mc.MiniMaxVL01TextConfig), TEXT)
    config = mc.MiniMaxVL01Config(
        text_config=text_config, vision_config=dict(VISION, model_type="clip_vision_model"),
        image_token_index=image_token, projector_hidden_act="gelu", vision_feature_layer=-1,
        vision_feature_select_strategy="default", image_grid_pinpoints=TINY_PINPOINTS, tie_word_embeddings=False)
    model = mm.MiniMaxVL01ForConditionalGeneration(config).eval()
    set_eager(model)
    init_bf16_weights(model, TEXT.weight_seed + seed_offset, VISION_SEED + seed_offset)
    return model


def init_bf16_weights(model, text_seed, vision_seed):
    """Seeded init rounded to bf16: norms 1 +- 0.2, class/position embeddings N(0, 0.5^2) (so a loader
    that drops them fails), everything else N(0, 0.08^2). Text and vision draw from separate generators."""
    gens = {"text": torch.Generator().manual_seed(text_seed), "vision": torch.Generator().manual_seed(vision_seed)}
    with torch.no_grad():
        for name, p in sorted(model.named_parameters()):
            gen = gens["text" if is_text_param(name) else "vision"]
            if re.search(r"(norm|norm1|norm2|layrnorm)\.weight$", name):
                value = 1.0 + 0.2 * (2.0 * torch.rand(p.shape, generator=gen) - 1.0)
            elif name.endswith(("class_embedding", "position_embedding.weight")):
                value = 0.5 * torch.randn(p.shape, generator=gen)
            else:
                value = 0.08 * torch.randn(p.shape, generator=gen)
            p.copy_(value.to(torch.bfloat16).to(torch.float32))
    assert model.lm_head.weight.data_ptr() != model.model.language_model.embed_tokens.weight.data_ptr()


def check_text_semantics(model, findings):
    """The VL text half must already follow the released semantics (spec 3.2, 4): assert it, patch if not."""
    lightning = [m for m in model.modules() if hasattr(m, "get_slope_rate")]
    assert len(lightning) == sum(k != "full_attention" for k in TEXT.layer_kinds), len(lightning)
    worst = 0.0
    for m in lightning:
        remote = remote_slope_rate(TEXT.num_heads, m.layer_idx, TEXT.num_layers)
        worst = max(worst, float(((m.get_slope_rate() - remote).abs() / remote).max()))
    findings["slope_max_rel_diff_from_remote"] = worst
    # Rounding differences are ~1e-7; native's (L - 1 + 1e-5) denominator would show as ~1e-5 here.
    assert worst < 1e-6, f"the vendored lightning slope differs from the remote formula (relative {worst})"
    rotary = [m for m in model.modules() if type(m).__name__.endswith("RotaryEmbedding")]
    assert len(rotary) == 1, len(rotary)
    findings["inv_freq_len"] = int(rotary[0].inv_freq.numel())
    if findings["inv_freq_len"] * 2 != TEXT.rotary_dim:  # a full-head RoPE: use make_text_goldens' patch
        install_partial_rope(model, TEXT, findings)
        findings["partial_rope_patched"] = True
    findings["vision_attn_implementation"] = getattr(model.config.vision_config, "_attn_implementation", None)
    findings["text_attn_implementation"] = getattr(model.config.text_config, "_attn_implementation", None)


def reference_pixels(processor, count, path):
    """pixel_values [tiles, 3, S, S] float32, (height, width) and the processor's token count."""
    from PIL import Image
    with Image.open(path) as im:
        out = processor.preprocess([im], return_tensors=None)
    height, width = (int(v) for v in out["image_sizes"][0])
    pixels = np.asarray(out["pixel_values"], dtype=np.float32).reshape(-1, 3, TINY_TILE, TINY_TILE)
    return pixels, height, width, count([(height, width)])[0]


@torch.no_grad()
def reference_forward(model, ids, pixels, sizes):
    out = model(input_ids=torch.tensor([ids]), pixel_values=torch.from_numpy(np.concatenate(pixels)),
                image_sizes=torch.tensor(sizes), use_cache=False)
    return out.logits[0].float(), out.image_hidden_states.float()


GREEDY_STEPS = 8


def greedy_continuation(model, ids, pixels, sizes, image_token):
    """Greedy ids after the expanded prompt, each from a full forward pass over the whole sequence (no cache).

    Stops early if the argmax is the image placeholder (the reference cannot embed a placeholder without an
    image). Also returns the smallest top-1 minus top-2 logit gap seen, to judge how robust the ids are."""
    seq, out, gap = list(ids), [], float("inf")
    with torch.no_grad():
        for _ in range(GREEDY_STEPS):
            last = reference_forward(model, seq, pixels, sizes)[0][-1]
            top = torch.topk(last, 2)
            gap = min(gap, float(top.values[0] - top.values[1]))
            token = int(top.indices[0])
            if token == image_token:
                break
            out.append(token)
            seq.append(token)
    return out, gap


def make(args, checks):
    from safetensors.torch import load_file, save_file
    import transformers
    mc, mm, processor_pil, processor_class = import_reference(args.vendor_model, args.vendor_processor)
    from make_vision_goldens import make_counter
    image_token = image_token_id(args.root)
    log(f"<image> id in the tiny tokenizer: {image_token}")
    processor = processor_pil(size={"height": TINY_TILE, "width": TINY_TILE}, image_grid_pinpoints=TINY_PINPOINTS,
                              image_mean=CLIP_MEAN, image_std=CLIP_STD, patch_size=PATCH)
    count = make_counter(processor_class, processor)

    findings = {}
    model = build_model(mc, mm, image_token)
    check_text_semantics(model, findings)
    log(f"findings {json.dumps(findings)}")
    released = to_released_vl(model, image_token)
    w64 = {name: t.double() for name, t in released.items()}

    images, cases, first_logits = {}, [], None
    for index, (name, files, runs) in enumerate(CASES):
        prompt = case_prompt(index, runs, image_token)
        pixels, sizes, counts = [], [], []
        for file in files:
            px, height, width, tokens = reference_pixels(processor, count, os.path.join(args.root, IMAGE_DIR, file))
            spec_tokens, _ = remote_token_count(width, height, TINY_PINPOINTS, TINY_TILE, PATCH)
            check(checks, f"{name}/{file} token count processor {tokens} vs spec formula {spec_tokens}",
                  float(tokens != spec_tokens), 0)
            pixels.append(px)
            sizes.append([height, width])
            counts.append(tokens)
        ids = expand(prompt, image_token, counts)
        logits, image_rows = reference_forward(model, ids, pixels, sizes)
        if first_logits is None:
            first_logits = (ids, pixels, sizes, logits)

        spec_rows, offset = [], 0
        for file, px, (height, width), tokens in zip(files, pixels, sizes, counts):
            states, tile_features, packed = spec_image(w64, torch.from_numpy(px).double(), width, height)
            ref_packed = image_rows[offset: offset + tokens]
            offset += tokens
            rel, scale = relative_diff(ref_packed, packed)
            check(checks, f"{name}/{file} packed image embeddings, spec64 vs reference (max |ref| {scale:.2f})", rel, SPEC_TOLERANCE)
            spec_rows.append(packed)
            if stem(file) not in images:
                images[stem(file)] = {"file": f"{IMAGE_DIR}/{file}", "width": width, "height": height,
                                      "num_tokens": tokens, "num_tiles": int(px.shape[0]),
                                      "pixels": save_npy(args.out, f"vl_pixels_{stem(file)}.npy", px),
                                      "embeddings": save_npy(args.out, f"vl_image_{stem(file)}.npy", ref_packed)}
            if file == DETAIL_IMAGE and "tile_features" not in images[stem(file)]:
                store_detail(model, args.out, images[stem(file)], px, height, width, states, tile_features, checks)
        check(checks, f"{name}: placeholder positions {ids.count(image_token)} vs packed rows {image_rows.shape[0]}",
              float(ids.count(image_token) != image_rows.shape[0]), 0)

        merged = w64["language_model.model.embed_tokens.weight"][torch.tensor(ids)].clone()
        merged[torch.tensor(ids) == image_token] = torch.cat(spec_rows)
        rel, scale = relative_diff(logits, spec_logits(released, merged))
        check(checks, f"{name}: logits, spec64 vs reference fp32 (max |logit| {scale:.2f})", rel, SPEC_TOLERANCE)
        greedy, gap = greedy_continuation(model, ids, pixels, sizes, image_token)
        cases.append({"name": name, "prompt_ids": prompt, "images": [stem(f) for f in files], "image_tokens": counts,
                      "expanded_length": len(ids), "greedy_ids": greedy, "greedy_min_top2_logit_gap": gap,
                      "logits_file": save_npy(args.out, f"vl_{name}_logits.npy", logits.numpy())})
        log(f"{name}: {len(prompt)} prompt ids, images {files} with {counts} tokens, {len(ids)} positions")

    directory = os.path.join(args.out, MODEL_DIR)
    write_checkpoint(directory, released, image_token, save_file)
    copy_tokenizer(args.root, directory)
    round_trip(mc, mm, image_token, directory, load_file, first_logits, checks)

    write_golden_json(args.out, {
        "model_dir": MODEL_DIR, "image_token_index": image_token, "cases": cases, "images": images,
        "vision_feature_layer": -1, "transformers_version": transformers.__version__,
        "torch_version": torch.__version__, "findings": findings,
        "note": "fp32 reference (transformers' minimax_vl_01 port, vendored, on transformers "
                f"{transformers.__version__}) with bf16-representable weights; prompt_ids hold one placeholder "
                "per image; logits cover every expanded position; full forward passes, no cache. "
                "Made by tests/reference/make_vl_goldens.py."})


def store_detail(model, out, entry, px, height, width, spec_states, spec_tile_features, checks):
    """CLIP hidden states and projector output per tile of one image, from the reference modules."""
    with torch.no_grad():
        result = model.model.get_image_features(pixel_values=torch.from_numpy(px), image_sizes=torch.tensor([[height, width]]),
                                                return_dict=True)
        states = result.hidden_states
        tile_features = model.model.multi_modal_projector(states[-1][:, 1:])
    check(checks, f"CLIP hidden states: {len(states)} (layers + 1 = {VISION['num_hidden_layers'] + 1})",
          float(len(states) != VISION["num_hidden_layers"] + 1), 0)
    for k, (ref, spec) in enumerate(zip(states, spec_states)):
        rel, scale = relative_diff(ref, spec)
        check(checks, f"CLIP hidden state {k}, spec64 vs reference (max |ref| {scale:.2f})", rel, SPEC_TOLERANCE)
    rel, scale = relative_diff(tile_features, spec_tile_features)
    check(checks, f"projected tile features, spec64 vs reference (max |ref| {scale:.2f})", rel, SPEC_TOLERANCE)
    entry["tile_features"] = save_npy(out, f"vl_tile_features_{stem(entry['file'].split('/')[-1])}.npy", tile_features)
    entry["clip_states"] = save_npy(out, f"vl_clip_states_{stem(entry['file'].split('/')[-1])}.npy",
                                    torch.stack([s.float() for s in states]))


def round_trip(mc, mm, image_token, directory, load_file, first, checks):
    """The written files alone, mapped back to the model's names, must reproduce the first case's logits."""
    index = json.load(open(os.path.join(directory, "model.safetensors.index.json")))
    loaded = {}
    for fname in sorted(set(index["weight_map"].values())):
        loaded.update(load_file(os.path.join(directory, fname)))
    fresh = build_model(mc, mm, image_token, seed_offset=1)
    missing, unexpected = fresh.load_state_dict(model_state_from_released(fresh, loaded), strict=False)
    assert not unexpected, unexpected
    derived = ("slope_rate", "query_decay", "key_decay", "diagonal_decay", "position_ids")
    assert all("post_layernorm" in n or n.split(".")[-1] in derived for n in missing), missing
    check_text_semantics(fresh, {})
    ids, pixels, sizes, logits = first
    diff = float((reference_forward(fresh, ids, pixels, sizes)[0] - logits).abs().max())
    check(checks, "VL checkpoint round trip max|diff|", diff, 0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=REPO_ROOT, help="root the repository-relative outputs go under")
    parser.add_argument("--root", default=REPO_ROOT, help="repository root the fixtures are read from")
    parser.add_argument("--vendor-model", default=os.path.join(HERE, "_vendor", "vl_model"))
    parser.add_argument("--vendor-processor", default=os.path.join(HERE, "_vendor", "minimax_vl_01"))
    args = parser.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(4)
    os.makedirs(os.path.join(args.out, "build-golden"), exist_ok=True)
    checks = []
    try:
        make(args, checks)
        failed = [c[0] for c in checks if not c[3]]
        log(f"{len(checks) - len(failed)} passed, {len(failed)} failed")
    finally:
        with open(os.path.join(args.out, "build-golden", "vl_golden_log.txt"), "w") as f:
            f.write("\n".join(LOG) + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    sys.exit(main())
