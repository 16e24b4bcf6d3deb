// GIF (first frame) through giflib, laid out and coloured the way Pillow does it.
//
// Why giflib rather than stb_image: stb returns composited RGBA and paints transparent pixels as black,
// while Pillow keeps the first frame as a palette image and convert("RGB") gives the palette colour of
// every index, the transparent one included. giflib hands over the raw indices, so Pillow's rules can be
// applied exactly:
//   - the canvas is the logical screen, enlarged if the first frame reaches past it;
//   - canvas pixels outside the frame hold the frame's transparent index if it has one, else index 0;
//   - colours come from the frame's local table, else the global one, else the index is a gray level;
//     indices past the table are black (Pillow's palette is zero-filled beyond its entries).
// Only the first image is read; the rest of an animation is never decoded. giflib reports errors through
// return codes (it never exits), so no longjmp is needed here.
#include <gif_lib.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <vector>

#include "core/error.h"
#include "vision/image/format_decoders.h"

namespace lightvl::vision::detail {

namespace {

constexpr const char* kFormat = "GIF";

struct MemoryReader {
  const uint8_t* data;
  size_t size;
  size_t offset;
};

int read_from_memory(GifFileType* gif, GifByteType* out, int length) {
  auto* reader = static_cast<MemoryReader*>(gif->UserData);
  const size_t n = std::min(size_t(std::max(length, 0)), reader->size - reader->offset);
  std::memcpy(out, reader->data + reader->offset, n);
  reader->offset += n;
  return int(n);  // fewer bytes than asked makes giflib report a read failure (truncation)
}

struct GifCloser {
  GifFileType* gif;
  ~GifCloser() {
    int ignored = 0;
    if (gif != nullptr) DGifCloseFile(gif, &ignored);
  }
};

std::string gif_error(const GifFileType* gif) {
  const char* text = GifErrorString(gif->Error);
  return text != nullptr ? text : "giflib error " + std::to_string(gif->Error);
}

// Reads extension blocks until the first image descriptor, keeping the last graphic control
// extension's transparent index. Returns the index or NO_TRANSPARENT_COLOR.
int read_until_first_image(GifFileType* gif, const std::string& name) {
  int transparent = NO_TRANSPARENT_COLOR;
  for (;;) {
    GifRecordType type = UNDEFINED_RECORD_TYPE;
    if (DGifGetRecordType(gif, &type) == GIF_ERROR) fail_corrupt(name, kFormat, gif_error(gif));
    if (type == IMAGE_DESC_RECORD_TYPE) return transparent;
    if (type == TERMINATE_RECORD_TYPE) fail_corrupt(name, kFormat, "the file holds no image");
    if (type != EXTENSION_RECORD_TYPE) continue;
    int code = 0;
    GifByteType* block = nullptr;
    if (DGifGetExtension(gif, &code, &block) == GIF_ERROR) fail_corrupt(name, kFormat, gif_error(gif));
    if (code == GRAPHICS_EXT_FUNC_CODE && block != nullptr) {
      GraphicsControlBlock gcb;
      if (DGifExtensionToGCB(block[0], block + 1, &gcb) == GIF_OK) transparent = gcb.TransparentColor;
    }
    while (block != nullptr) {
      if (DGifGetExtensionNext(gif, &block) == GIF_ERROR) fail_corrupt(name, kFormat, gif_error(gif));
    }
  }
}

// Row order of an interlaced frame: the four passes of the GIF specification.
std::vector<int> frame_row_order(int height, bool interlaced) {
  std::vector<int> rows;
  rows.reserve(size_t(height));
  if (!interlaced) {
    for (int y = 0; y < height; ++y) rows.push_back(y);
    return rows;
  }
  constexpr std::array<int, 4> kStart = {0, 4, 2, 1};
  constexpr std::array<int, 4> kStep = {8, 8, 4, 2};
  for (int pass = 0; pass < 4; ++pass) {
    for (int y = kStart[size_t(pass)]; y < height; y += kStep[size_t(pass)]) rows.push_back(y);
  }
  return rows;
}

}  // namespace

RgbImage decode_gif(std::span<const uint8_t> bytes, const std::string& name, const DecodeOptions& options) {
  MemoryReader reader{bytes.data(), bytes.size(), 0};
  int open_error = 0;
  GifFileType* gif = DGifOpen(&reader, read_from_memory, &open_error);
  if (gif == nullptr) {
    const char* text = GifErrorString(open_error);
    fail_corrupt(name, kFormat, text != nullptr ? text : "cannot read the header");
  }
  GifCloser closer{gif};
  // The screen size alone can already be a bomb; check it before reading further.
  if (int64_t(gif->SWidth) * gif->SHeight > options.max_pixels) {
    check_image_size(gif->SWidth, gif->SHeight, options, name, kFormat);
  }

  const int transparent = read_until_first_image(gif, name);
  if (DGifGetImageDesc(gif) == GIF_ERROR) fail_corrupt(name, kFormat, gif_error(gif));
  const GifImageDesc& frame = gif->Image;
  if (frame.Width <= 0 || frame.Height <= 0) fail_corrupt(name, kFormat, "the first frame is empty");
  const int canvas_width = std::max(gif->SWidth, frame.Left + frame.Width);
  const int canvas_height = std::max(gif->SHeight, frame.Top + frame.Height);
  check_image_size(canvas_width, canvas_height, options, name, kFormat);

  // Canvas of indices, Pillow's background first, then the frame's rows in file order.
  std::vector<uint8_t> indices;
  try {
    indices.assign(size_t(canvas_width) * size_t(canvas_height),
                   uint8_t(transparent == NO_TRANSPARENT_COLOR ? 0 : transparent));
  } catch (const std::bad_alloc&) {
    fail(ErrorCode::kOutOfMemory, name + ": cannot allocate the GIF canvas; use a smaller image");
  }
  for (int y : frame_row_order(frame.Height, frame.Interlace)) {
    GifPixelType* row = indices.data() + size_t(frame.Top + y) * size_t(canvas_width) + size_t(frame.Left);
    if (DGifGetLine(gif, row, frame.Width) == GIF_ERROR) fail_corrupt(name, kFormat, gif_error(gif));
  }

  // 256-entry colour table: local, else global, else gray levels; black past the stored entries.
  std::array<GifColorType, 256> colors{};
  const ColorMapObject* map = frame.ColorMap != nullptr ? frame.ColorMap : gif->SColorMap;
  if (map != nullptr) {
    for (int i = 0; i < std::min(map->ColorCount, 256); ++i) colors[size_t(i)] = map->Colors[i];
  } else {
    for (int i = 0; i < 256; ++i) colors[size_t(i)] = {GifByteType(i), GifByteType(i), GifByteType(i)};
  }

  RgbImage image = make_rgb_image(canvas_width, canvas_height, name);
  for (size_t i = 0; i < indices.size(); ++i) {
    const GifColorType& c = colors[indices[i]];
    image.pixels[3 * i] = c.Red;
    image.pixels[3 * i + 1] = c.Green;
    image.pixels[3 * i + 2] = c.Blue;
  }
  return image;
}

}  // namespace lightvl::vision::detail
