#!/usr/bin/env python3
"""Makes lightvl's image-decoding and anyres-preprocessing goldens from the reference implementation.

The reference is transformers' MiniMax-VL-01 port (`MiniMaxVL01ImageProcessorPil` for pixels, the
processor's own token-count function for image tokens) running on Pillow. transformers 5.17 on the GPU
machine lacks that module, so its source files are vendored, git-ignored, in tests/reference/_vendor/
(spec §11) and imported from there under their package name; nothing is installed or committed.

The vendored files are image_processing_pil_minimax_vl_01.py and processing_minimax_vl_01.py from
huggingface/transformers src/transformers/models/minimax_vl_01/ (commit 8029eef5c08b), placed in
tests/reference/_vendor/minimax_vl_01/.

Exact command (GPU machine, repository root; `run` must carry tests/reference/_vendor; the outputs are
packed into one file because `run` returns only a few files):
    python3 tests/reference/make_vision_goldens.py --vendor tests/reference/_vendor/minimax_vl_01 \
        --out /tmp/vg && tar czf "$OUT/vision_goldens.tgz" -C /tmp/vg images golden
then unpack it here and copy images/* to tests/fixtures/images/ and golden/vision_preprocess/ to
tests/fixtures/golden/vision_preprocess/. The outputs are deterministic (seeded content, fixed encoder
settings): a second run on the same machine gives the same bytes.
Local dry run of the image generation only (Debian's python3-pil and python3-numpy):
    /usr/bin/python3 tests/reference/make_vision_goldens.py --images-only --out /tmp/vision_goldens

What it writes:
  images/                 deterministic test images (every format and PNG variant the decoder reads, odd
                          sizes, both extreme aspect ratios, one smaller than a tile, one larger than the
                          largest pinpoint) and bad files (corrupt, truncated, bomb, zero width);
  golden/vision_preprocess/
    manifest.json         versions, the tiny config, per image: Pillow mode, size (w, h), chosen grid,
                          tile count, token count, file names; resize cases; Pillow's verdict on bad files
    <stem>.rgb.npy        uint8 [H, W, 3]: Image.open(f).convert("RGB")
    <stem>.tiles_u8.npy   uint8 [T, 3, S, S]: the processor's tiles before rescale/normalise (thumbnail first)
    <stem>.pixels_f32.npy float32 [T, 3, S, S]: the processor's pixel_values
    resize_<case>.npy     uint8 [h, w, 3]: Pillow's BICUBIC resize of a fixture
    token_counts_336.json image-token counts of the released 336/14 configuration for many sizes
The tiny configuration (tile 42, patch 14, the 28 released pinpoints scaled by 1/8, CLIP mean/std) keeps
the goldens small and the C++ tests fast while exercising the same code paths as 336.
"""

import argparse
import importlib
import json
import os
import struct
import sys
import traceback
import types
import zlib
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

RELEASED_PINPOINTS = [
    [336, 336], [336, 672], [336, 1008], [336, 1344], [336, 1680], [336, 2016],
    [672, 336], [672, 672], [672, 1008], [672, 1344], [672, 1680], [672, 2016],
    [1008, 336], [1008, 672], [1008, 1008], [1008, 1344], [1008, 1680], [1008, 2016],
    [1344, 336], [1344, 672], [1344, 1008], [1344, 1344],
    [1680, 336], [1680, 672], [1680, 1008],
    [2016, 336], [2016, 672], [2016, 1008],
]
TINY_TILE = 42
TINY_PINPOINTS = [[a * TINY_TILE // 336, b * TINY_TILE // 336] for a, b in RELEASED_PINPOINTS]
PATCH = 14
CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073]
CLIP_STD = [0.26862954, 0.26130258, 0.27577711]

# Sizes from spec §7.6's table, the 18-tile maximum, and both sides of the too-thin limit.
SPEC_SIZES = [(336, 336), (100, 100), (640, 480), (480, 640), (1000, 1000), (1280, 720), (1024, 768),
              (800, 1200), (1920, 1080), (2016, 2016), (3000, 500), (500, 3000), (2016, 1008),
              (1, 1), (1, 2), (2, 1), (1, 2016), (2016, 1), (1, 5000), (5000, 1), (10000, 10), (10, 10000),
              (337, 337), (335, 335), (672, 336), (336, 672), (4000, 3000), (3000, 4000)]


# ----------------------------------------------------------------------------------------------------
# Deterministic picture content
# ----------------------------------------------------------------------------------------------------

def photo(width, height, seed):
    """A photo-like RGB picture: smooth gradients, stripes, filled shapes and mild noise."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    fx, fy = rng.uniform(0.03, 0.25, size=2)
    base = np.stack([
        120 + 100 * np.sin(fx * x + 0.7 * seed) * np.cos(fy * y),
        128 + 90 * np.cos(0.5 * fx * x + fy * y + seed),
        110 + 110 * (x / max(width - 1, 1)) * (y / max(height - 1, 1)),
    ], axis=-1)
    image = Image.fromarray(np.clip(base, 0, 255).astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        x0, x1 = sorted(int(v) for v in rng.integers(0, width, size=2))
        y0, y1 = sorted(int(v) for v in rng.integers(0, height, size=2))
        color = tuple(int(v) for v in rng.integers(0, 256, size=3))
        if rng.integers(0, 2):
            draw.rectangle([x0, y0, x1, y1], fill=color)
        else:
            draw.ellipse([x0, y0, x1, y1], fill=color)
    noisy = np.asarray(image).astype(np.int16) + rng.integers(-12, 13, size=(height, width, 3))
    return np.clip(noisy, 0, 255).astype(np.uint8)


def alpha_ramp(width, height, seed):
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width]
    alpha = (x * 255 // max(width - 1, 1)).astype(np.uint8)
    alpha[rng.random((height, width)) < 0.1] = 0  # fully transparent specks keep their colour
    alpha[:, : width // 5] = 0
    return alpha


# ----------------------------------------------------------------------------------------------------
# A minimal PNG writer, for the variants Pillow cannot write (16-bit colour, 1/2/4-bit, Adam7, a palette
# shorter than the indices it is used with).
# ----------------------------------------------------------------------------------------------------

ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def pack_rows(samples, bit_depth):
    """samples: [h, w, c] integers -> filter-type-0 scanlines."""
    out = bytearray()
    for row in samples:
        out.append(0)
        flat = row.reshape(-1)
        if bit_depth == 16:
            out += flat.astype(">u2").tobytes()
        elif bit_depth == 8:
            out += flat.astype(np.uint8).tobytes()
        else:
            per_byte = 8 // bit_depth
            padded = np.zeros(-(-len(flat) // per_byte) * per_byte, dtype=np.int64)
            padded[: len(flat)] = flat
            for i in range(0, len(padded), per_byte):
                byte = 0
                for v in padded[i: i + per_byte]:
                    byte = (byte << bit_depth) | int(v)
                out.append(byte)
    return bytes(out)


def write_png(path, samples, color_type, bit_depth, palette=None, trns=None, interlace=False):
    samples = np.asarray(samples)
    if samples.ndim == 2:
        samples = samples[:, :, None]
    height, width = samples.shape[:2]
    if interlace:
        raw = b"".join(pack_rows(samples[y0::dy, x0::dx], bit_depth)
                       for x0, y0, dx, dy in ADAM7 if width > x0 and height > y0)
    else:
        raw = pack_rows(samples, bit_depth)
    data = b"\x89PNG\r\n\x1a\n"
    data += png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, int(interlace)))
    if palette is not None:
        data += png_chunk(b"PLTE", bytes(np.asarray(palette, dtype=np.uint8).reshape(-1)))
    if trns is not None:
        data += png_chunk(b"tRNS", trns)
    data += png_chunk(b"IDAT", zlib.compress(raw, 9)) + png_chunk(b"IEND", b"")
    Path(path).write_bytes(data)


def png_header_only(path, width, height):
    """A PNG whose header claims width x height, followed by a token IDAT (bomb / zero-size cases)."""
    data = b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
    data += png_chunk(b"IDAT", zlib.compress(b"\x00" * 16)) + png_chunk(b"IEND", b"")
    Path(path).write_bytes(data)


# ----------------------------------------------------------------------------------------------------
# The fixture set
# ----------------------------------------------------------------------------------------------------

def make_images(folder):
    """Writes every fixture; returns (good file names in order, bad file names)."""
    folder.mkdir(parents=True, exist_ok=True)
    good = []

    def save(name, image, **kwargs):
        image.save(folder / name, **kwargs)
        good.append(name)

    rgb = lambda w, h, s: Image.fromarray(photo(w, h, s), "RGB")  # noqa: E731
    # JPEG: chroma subsampling 4:2:0 and 4:4:4, progressive, gray, CMYK (partial MCUs on every edge).
    save("jpeg_420.jpg", rgb(83, 41, 1), quality=90, subsampling=2)
    save("jpeg_444.jpg", rgb(79, 37, 2), quality=95, subsampling=0)
    save("jpeg_progressive.jpg", rgb(77, 39, 3), quality=85, subsampling=2, progressive=True)
    save("jpeg_gray.jpg", rgb(61, 33, 4).convert("L"), quality=90)
    save("jpeg_cmyk.jpg", rgb(57, 31, 5).convert("CMYK"), quality=90)
    # PNG written by Pillow: RGB, RGBA, L, LA, P with tRNS.
    save("png_rgb.png", rgb(81, 40, 6))
    rgba = np.dstack([photo(69, 35, 7), alpha_ramp(69, 35, 7)])
    save("png_rgba.png", Image.fromarray(rgba, "RGBA"))
    save("png_gray.png", rgb(63, 38, 8).convert("L"))
    la = np.dstack([np.asarray(rgb(59, 30, 9).convert("L")), alpha_ramp(59, 30, 9)])
    save("png_gray_alpha.png", Image.fromarray(la, "LA"))
    palette_image = rgb(61, 34, 10).quantize(colors=40)
    save("png_palette_trns.png", palette_image, transparency=3)
    # PNG written by hand: sub-byte depths, 16 bits, Adam7, indices past a short palette.
    rng = np.random.default_rng(11)
    indices = (np.arange(35)[None, :] + np.arange(29)[:, None]) % 16
    write_png(folder / "png_palette4_short.png", indices, 3, 4,
              palette=rng.integers(0, 256, size=(5, 3)), trns=bytes([0, 128]))
    good.append("png_palette4_short.png")
    wide = photo(41, 33, 12).astype(np.uint16) * 257 + rng.integers(0, 257, size=(33, 41, 3)).astype(np.uint16)
    write_png(folder / "png_rgb16.png", wide, 2, 16)
    good.append("png_rgb16.png")
    gray16 = (np.arange(40)[None, :] * 1489 + np.arange(31)[:, None] * 7) % 65536
    gray16[:5, :] = np.arange(40)[None, :] * 6  # some values below 256, which survive Pillow's clipping
    write_png(folder / "png_gray16.png", gray16, 0, 16)
    good.append("png_gray16.png")
    rgba16 = np.dstack([photo(37, 27, 13), alpha_ramp(37, 27, 13)]).astype(np.uint16) * 257
    write_png(folder / "png_rgba16_interlaced.png", rgba16, 6, 16, interlace=True)
    good.append("png_rgba16_interlaced.png")
    gray2 = (np.arange(41)[None, :] // 3 + np.arange(26)[:, None]) % 4
    write_png(folder / "png_gray2_interlaced.png", gray2, 0, 2, interlace=True)
    good.append("png_gray2_interlaced.png")
    gray1 = ((np.arange(39)[None, :] ^ np.arange(25)[:, None]) >> 2) & 1
    write_png(folder / "png_gray1.png", gray1, 0, 1)
    good.append("png_gray1.png")
    # BMP, GIF (animated, transparent index), WebP lossy and lossless with alpha.
    save("bmp_rgb.bmp", rgb(75, 37, 14))
    frames = [rgb(67, 36, 15).quantize(colors=64), rgb(67, 36, 16).quantize(colors=64)]
    frames[0].save(folder / "gif_anim.gif", save_all=True, append_images=frames[1:], transparency=5,
                   duration=100, loop=0, disposal=2)
    good.append("gif_anim.gif")
    save("webp_lossy.webp", rgb(73, 38, 17), quality=80)
    webp_rgba = np.dstack([photo(51, 29, 18), alpha_ramp(51, 29, 18)])
    save("webp_lossless_alpha.webp", Image.fromarray(webp_rgba, "RGBA"), lossless=True)
    # Geometry: both extreme aspect ratios, smaller than a tile, larger than the largest pinpoint.
    save("wide_300x20.png", rgb(300, 20, 19))
    save("tall_20x300.jpg", rgb(20, 300, 20), quality=90)
    save("small_30x20.png", rgb(30, 20, 21))
    save("large_271x199.jpg", rgb(271, 199, 22), quality=92)

    # Bad files.
    jpeg = (folder / "jpeg_420.jpg").read_bytes()
    dht = jpeg.index(b"\xff\xc4")
    corrupt = bytearray(jpeg)
    corrupt[dht + 5: dht + 21] = b"\xff" * 16  # Huffman code counts summing past 256
    (folder / "corrupt.jpg").write_bytes(bytes(corrupt))
    large = (folder / "large_271x199.jpg").read_bytes()
    (folder / "truncated.jpg").write_bytes(large[: len(large) * 6 // 10])
    png = (folder / "wide_300x20.png").read_bytes()
    (folder / "truncated.png").write_bytes(png[: len(png) * 6 // 10])
    png_header_only(folder / "bomb.png", 40000, 40000)
    png_header_only(folder / "zero_width.png", 0, 16)
    bad = ["corrupt.jpg", "truncated.jpg", "truncated.png", "bomb.png", "zero_width.png"]
    return good, bad


# ----------------------------------------------------------------------------------------------------
# The reference
# ----------------------------------------------------------------------------------------------------

def import_reference(vendor):
    """Imports the vendored minimax_vl_01 modules as transformers.models.minimax_vl_01.*.

    Returns (image processor class, processor class, description). If the vendored files do not import
    into the installed transformers, falls back to LLaVA-NeXT's PIL processor with exactly MiniMax's
    documented differences (spec §7.8: floor resize, floor unpadding) and says so in the description,
    which goes into the manifest.
    """
    import transformers  # noqa: F401  (the vendored files import from the installed package)
    package_name = "transformers.models.minimax_vl_01"
    try:
        package = types.ModuleType(package_name)
        package.__path__ = [str(Path(vendor).resolve())]
        sys.modules[package_name] = package
        image_module = importlib.import_module(package_name + ".image_processing_pil_minimax_vl_01")
        processing_module = importlib.import_module(package_name + ".processing_minimax_vl_01")
        return (image_module.MiniMaxVL01ImageProcessorPil, processing_module.MiniMaxVL01Processor,
                "transformers minimax_vl_01 (vendored): MiniMaxVL01ImageProcessorPil, MiniMaxVL01Processor")
    except Exception:  # noqa: BLE001
        traceback.print_exc()
        print("vendored minimax_vl_01 does not import; falling back to LLaVA-NeXT + MiniMax's floor rules")
    from transformers.image_utils import SizeDict
    from transformers.models.llava_next.image_processing_pil_llava_next import LlavaNextImageProcessorPil
    from transformers.models.llava_next.processing_llava_next import LlavaNextProcessor

    class FloorImageProcessor(LlavaNextImageProcessorPil):
        def _resize_for_patching(self, image, target_resolution, resample, *args, **kwargs):
            height, width = image.shape[-2:]
            target_height, target_width = target_resolution
            if width / height > target_width / target_height:
                size = SizeDict(height=int(target_width * height / width), width=target_width)
            else:
                size = SizeDict(height=target_height, width=int(target_height * width / height))
            return self.resize(image=image, size=size, resample=resample)

    class FloorProcessor(LlavaNextProcessor):
        def _get_unpadded_features(self, height, width, patches_height, patches_width, scale_height, scale_width):
            current_height, current_width = patches_height * scale_height, patches_width * scale_width
            if width / height > current_width / current_height:
                current_height -= 2 * ((current_height - (height * current_width) // width) // 2)
            else:
                current_width -= 2 * ((current_width - (width * current_height) // height) // 2)
            return current_height * current_width, current_height

    return FloorImageProcessor, FloorProcessor, "FALLBACK: LlavaNext PIL processor with MiniMax floor rules"


def make_counter(processor_class, image_processor):
    """The processor's own token count, without a tokenizer (only the counting state is set)."""
    processor = processor_class.__new__(processor_class)
    processor.image_processor = image_processor
    processor.patch_size = PATCH
    processor.num_additional_image_tokens = 1
    processor.vision_feature_select_strategy = "default"

    def count(sizes_hw):
        return [int(n) for n in processor._get_num_multimodal_tokens(image_sizes=sizes_hw).num_image_tokens]
    return count


def remote_token_count(width, height, pinpoints, tile, patch):
    """Spec §7.2/§7.6 as the released remote code reads the pinpoints ((w, h) pairs): a cross-check."""
    best, best_eff, best_waste = None, 0, float("inf")
    for w, h in pinpoints:
        scale = min(w / width, h / height)
        eff = min(int(width * scale) * int(height * scale), width * height)
        waste = w * h - eff
        if eff > best_eff or (eff == best_eff and waste < best_waste):
            best, best_eff, best_waste = (w, h), eff, waste
    cw, ch = best[0] // patch, best[1] // patch
    if width / height > cw / ch:
        pad = (ch - (height * cw) // width) // 2
        w_num, h_num = cw, ch - 2 * pad
    else:
        pad = (cw - (width * ch) // height) // 2
        w_num, h_num = cw - 2 * pad, ch
    return (tile // patch) ** 2 + h_num * (w_num + 1), best


def resize_is_zero(width, height, grid_w, grid_h):
    if width / height > grid_w / grid_h:
        return int(grid_w * height / width) == 0
    return int(grid_h * width / height) == 0


def save_npy(folder, name, array):
    np.save(folder / name, np.ascontiguousarray(array), allow_pickle=False)
    return name


def make_goldens(args, images, good, bad):
    from transformers.image_processing_utils import select_best_resolution
    import PIL
    import transformers
    from PIL import features

    processor_pil, processor_class, reference = import_reference(args.vendor)
    print(f"reference: {reference}; transformers {transformers.__version__}, Pillow {PIL.__version__}, "
          f"libjpeg-turbo {features.version('jpg')}, libwebp {features.version('webp')}")
    out = Path(args.out) / "golden" / "vision_preprocess"
    out.mkdir(parents=True, exist_ok=True)

    tiny = processor_pil(size={"height": TINY_TILE, "width": TINY_TILE}, image_grid_pinpoints=TINY_PINPOINTS,
                         image_mean=CLIP_MEAN, image_std=CLIP_STD, patch_size=PATCH)
    tiny_count = make_counter(processor_class, tiny)
    manifest = {
        "generator": "tests/reference/make_vision_goldens.py",
        "reference": reference,
        "versions": {"transformers": transformers.__version__, "pillow": PIL.__version__, "numpy": np.__version__,
                     "libjpeg_turbo": features.version("jpg"), "libwebp": features.version("webp")},
        "config": {"tile_size": TINY_TILE, "patch_size": PATCH, "image_grid_pinpoints": TINY_PINPOINTS,
                   "image_mean": CLIP_MEAN, "image_std": CLIP_STD, "rescale_factor": 1 / 255},
        "images": [], "bad_images": [], "resize": [],
    }
    for name in good:
        stem = name.rsplit(".", 1)[0]
        with Image.open(images / name) as im:
            mode = im.mode
            rgb = np.asarray(im.convert("RGB"))
        height, width = rgb.shape[:2]
        with Image.open(images / name) as im:
            pixels = tiny.preprocess([im], return_tensors=None)
        with Image.open(images / name) as im:
            raw = tiny.preprocess([im], do_rescale=False, do_normalize=False, return_tensors=None)
        pixel_values = np.asarray(pixels["pixel_values"])
        tiles = np.asarray(raw["pixel_values"])
        assert pixel_values.dtype == np.float32, pixel_values.dtype
        assert tiles.dtype == np.uint8 or np.array_equal(tiles, np.round(tiles)), tiles.dtype
        tiles = tiles.astype(np.uint8)
        assert tiles.shape == pixel_values.shape, (tiles.shape, pixel_values.shape)
        assert [int(v) for v in pixels["image_sizes"][0]] == [height, width]
        grid_h, grid_w = select_best_resolution((height, width), TINY_PINPOINTS)
        tokens = tiny_count([(height, width)])[0]
        remote, _ = remote_token_count(width, height, TINY_PINPOINTS, TINY_TILE, PATCH)
        assert remote == tokens, (name, remote, tokens)
        manifest["images"].append({
            "file": name, "pillow_mode": mode, "width": width, "height": height,
            "grid_width": int(grid_w), "grid_height": int(grid_h), "num_tiles": int(tiles.shape[0]),
            "num_tokens": tokens,
            "rgb": save_npy(out, stem + ".rgb.npy", rgb),
            "tiles_u8": save_npy(out, stem + ".tiles_u8.npy", tiles),
            "pixels_f32": save_npy(out, stem + ".pixels_f32.npy", pixel_values),
        })
        print(f"{name}: mode {mode} {width}x{height} grid {grid_w}x{grid_h} tiles {tiles.shape[0]} tokens {tokens}")

    for name in bad:
        try:
            with Image.open(images / name) as im:
                im.convert("RGB")
            verdict = "decoded"
        except Exception as e:  # noqa: BLE001 (any refusal is the answer here)
            verdict = f"{type(e).__name__}: {e}"
        manifest["bad_images"].append({"file": name, "pillow": verdict})
        print(f"{name}: Pillow says {verdict}")

    # Pillow's BICUBIC resize, directly: down by large factors, one axis only, up, and mixed.
    cases = [("large_271x199.jpg", 42, 42), ("large_271x199.jpg", 13, 9), ("large_271x199.jpg", 271, 50),
             ("large_271x199.jpg", 60, 199), ("large_271x199.jpg", 23, 311), ("small_30x20.png", 120, 90),
             ("small_30x20.png", 7, 100)]
    for name, w, h in cases:
        with Image.open(images / name) as im:
            resized = np.asarray(im.convert("RGB").resize((w, h), Image.BICUBIC))
        file = save_npy(out, f"resize_{name.rsplit('.', 1)[0]}_{w}x{h}.npy", resized)
        manifest["resize"].append({"source": name, "width": w, "height": h, "golden": file})

    # Token counts of the released configuration.
    released = processor_pil(size={"height": 336, "width": 336}, image_grid_pinpoints=RELEASED_PINPOINTS,
                             patch_size=PATCH)
    count336 = make_counter(processor_class, released)
    rng = np.random.default_rng(2024)
    sizes = list(SPEC_SIZES)
    sizes += [(int(w), int(h)) for w, h in rng.integers(1, 4001, size=(250, 2))]
    sizes += [(int(w), int(h)) for w, h in np.exp(rng.uniform(0, np.log(6000), size=(150, 2))).astype(int) + 1]
    entries, mismatches = [], 0
    for w, h in sizes:
        tokens = count336([(h, w)])[0]
        grid_h, grid_w = select_best_resolution((h, w), RELEASED_PINPOINTS)
        remote, _ = remote_token_count(w, h, RELEASED_PINPOINTS, 336, PATCH)
        mismatches += remote != tokens
        entries.append({"width": w, "height": h, "num_tokens": tokens, "grid_width": int(grid_w),
                        "grid_height": int(grid_h), "resize_is_zero": resize_is_zero(w, h, grid_w, grid_h)})
    print(f"token counts at 336: {len(entries)} sizes, {mismatches} differences from the remote-code formula")
    assert mismatches == 0
    (out / "token_counts_336.json").write_text(json.dumps(
        {"config": {"tile_size": 336, "patch_size": PATCH, "image_grid_pinpoints": RELEASED_PINPOINTS},
         "sizes": entries}, indent=1) + "\n")
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    total = sum(f.stat().st_size for f in out.iterdir())
    print(f"goldens: {total / 1e6:.2f} MB in {out}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", required=True, help="output folder (images/ and golden/ are made in it)")
    parser.add_argument("--vendor", default="tests/reference/_vendor/minimax_vl_01",
                        help="folder holding transformers' minimax_vl_01 sources")
    parser.add_argument("--images-only", action="store_true", help="only generate the test images")
    args = parser.parse_args()
    images = Path(args.out) / "images"
    good, bad = make_images(images)
    total = sum(f.stat().st_size for f in images.iterdir())
    print(f"images: {len(good)} good, {len(bad)} bad, {total / 1e3:.0f} KB in {images}")
    if args.images_only:
        return
    try:
        make_goldens(args, images, good, bad)
    except Exception:
        traceback.print_exc()
        sys.exit(1)


if __name__ == "__main__":
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    main()
