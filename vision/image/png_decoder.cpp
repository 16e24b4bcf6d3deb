// PNG through libpng, with Pillow's conversions to RGB done here.
//
// Why libpng: it reads every PNG variant (bit depths 1-16, palette, gray, alpha, tRNS, Adam7 interlace)
// and reports damage precisely. Pillow inflates PNGs itself with zlib, but PNG is lossless, so the
// samples are the same; what must match is Pillow's mapping of those samples to RGB:
//   - alpha (RGBA, gray+alpha, tRNS) is dropped, never composited;
//   - 1/2/4-bit gray is scaled to 8 bits (x255, x85, x17), which is libpng's expansion too;
//   - 16-bit RGB, RGBA and gray+alpha keep the high byte of each sample ("RGB;16B" and friends);
//   - 16-bit gray becomes a 32-bit integer image ("I;16") whose conversion to RGB clips at 255;
//   - palette indices are looked up in a 256-entry table that is black past the stored palette.
// libpng's simplified API is not used: it composites alpha and scales 16-bit samples differently.
//
// Errors: libpng's default error handler aborts through longjmp to a jmp_buf we must provide; the
// handler installed here records the message and longjmps into the guarded function that made the
// call, which holds only C state (no C++ destructor is skipped). Warnings are ignored, as Pillow has none.
#include <png.h>

#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <vector>

#include "core/error.h"
#include "vision/image/format_decoders.h"

namespace lightvl::vision::detail {

namespace {

constexpr const char* kFormat = "PNG";

// All libpng state for one decode. Plain C data only (see the file comment on longjmp).
struct PngState {
  png_structp png;
  png_infop info;
  const uint8_t* data;
  size_t size;
  size_t offset;
  char message[256];
  // Header, after read_header_guarded.
  png_uint_32 width, height;
  int bit_depth, color_type, interlace;
  int passes;  // 7 for Adam7, 1 otherwise
  // Samples per pixel and bytes per sample after the transformations chosen below.
  int channels, sample_bytes;
  png_color palette[256];  // black past the stored entries
};

void on_read(png_structp png, png_bytep out, size_t length) {
  auto* st = static_cast<PngState*>(png_get_io_ptr(png));
  if (length > st->size - st->offset) png_error(png, "the data ends before the image is complete (truncated)");
  std::memcpy(out, st->data + st->offset, length);
  st->offset += length;
}

[[noreturn]] void on_error(png_structp png, png_const_charp message) {
  auto* st = static_cast<PngState*>(png_get_error_ptr(png));
  std::snprintf(st->message, sizeof(st->message), "%s", message);
  png_longjmp(png, 1);
}

void on_warning(png_structp, png_const_charp) {}

// Reads the chunks up to the image data and sets up the transformations. Returns false with
// st->message set on damage.
bool read_header_guarded(PngState* st) {
  if (setjmp(png_jmpbuf(st->png))) return false;
  png_set_read_fn(st->png, st, on_read);
  png_read_info(st->png, st->info);
  png_get_IHDR(st->png, st->info, &st->width, &st->height, &st->bit_depth, &st->color_type, &st->interlace,
               nullptr, nullptr);

  if (st->color_type == PNG_COLOR_TYPE_PALETTE) {
    png_colorp entries = nullptr;
    int count = 0;
    if (png_get_PLTE(st->png, st->info, &entries, &count) & PNG_INFO_PLTE) {
      for (int i = 0; i < count && i < 256; ++i) st->palette[i] = entries[i];
    }
    png_set_packing(st->png);  // one byte per index
  } else if (st->color_type == PNG_COLOR_TYPE_GRAY && st->bit_depth < 8) {
    png_set_expand_gray_1_2_4_to_8(st->png);
  }
  // Keep 16 bits only for plain gray, whose clipping needs the full value; elsewhere take the high byte.
  if (st->bit_depth == 16 && st->color_type != PNG_COLOR_TYPE_GRAY) png_set_strip_16(st->png);
  st->passes = png_set_interlace_handling(st->png);
  png_read_update_info(st->png, st->info);

  st->channels = png_get_channels(st->png, st->info);
  st->sample_bytes = png_get_bit_depth(st->png, st->info) == 16 ? 2 : 1;
  return true;
}

// Maps one row of transformed samples to RGB, with Pillow's rules (file comment).
void convert_row(const PngState& st, const uint8_t* in, uint8_t* out) {
  const int width = int(st.width);
  if (st.color_type == PNG_COLOR_TYPE_PALETTE) {
    for (int x = 0; x < width; ++x) {
      const png_color& c = st.palette[in[x]];
      out[3 * x] = c.red;
      out[3 * x + 1] = c.green;
      out[3 * x + 2] = c.blue;
    }
  } else if (st.sample_bytes == 2) {  // 16-bit gray, big-endian samples
    for (int x = 0; x < width; ++x) {
      const uint8_t v = in[2 * x] != 0 ? 255 : in[2 * x + 1];
      out[3 * x] = out[3 * x + 1] = out[3 * x + 2] = v;
    }
  } else if (st.channels <= 2) {  // gray, gray + alpha
    for (int x = 0; x < width; ++x) {
      const uint8_t v = in[x * st.channels];
      out[3 * x] = out[3 * x + 1] = out[3 * x + 2] = v;
    }
  } else {  // RGB, RGBA
    for (int x = 0; x < width; ++x) std::memcpy(out + 3 * x, in + x * st.channels, 3);
  }
}

// Reads the image data into `out` (RGB). Non-interlaced images go row by row through `row`; interlaced
// ones need the whole transformed image in `whole` (rows of `row_bytes`). Returns false on damage.
bool read_pixels_guarded(PngState* st, uint8_t* out, uint8_t* row, uint8_t* whole, size_t row_bytes) {
  if (setjmp(png_jmpbuf(st->png))) return false;
  const size_t out_row_bytes = size_t(st->width) * 3;
  if (whole == nullptr) {
    for (png_uint_32 y = 0; y < st->height; ++y) {
      png_read_row(st->png, row, nullptr);
      convert_row(*st, row, out + y * out_row_bytes);
    }
    return true;
  }
  // With interlace handling on, libpng fills each row once per Adam7 pass, combining in place.
  for (int pass = 0; pass < st->passes; ++pass) {
    for (png_uint_32 y = 0; y < st->height; ++y) png_read_row(st->png, whole + y * row_bytes, nullptr);
  }
  for (png_uint_32 y = 0; y < st->height; ++y) convert_row(*st, whole + y * row_bytes, out + y * out_row_bytes);
  return true;
}

struct PngStateGuard {
  PngState* st;
  ~PngStateGuard() { png_destroy_read_struct(&st->png, st->info ? &st->info : nullptr, nullptr); }
};

}  // namespace

RgbImage decode_png(std::span<const uint8_t> bytes, const std::string& name, const DecodeOptions& options) {
  PngState st;
  std::memset(&st, 0, sizeof(st));
  st.data = bytes.data();
  st.size = bytes.size();
  st.png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &st, on_error, on_warning);
  require(st.png != nullptr, ErrorCode::kOutOfMemory, name + ": cannot create a PNG reader (out of memory)");
  PngStateGuard guard{&st};
  st.info = png_create_info_struct(st.png);
  require(st.info != nullptr, ErrorCode::kOutOfMemory, name + ": cannot create a PNG reader (out of memory)");
  // libpng's own size limits are far above ours; ours is checked below, before any allocation.
  png_set_user_limits(st.png, 0x7fffffff, 0x7fffffff);

  if (!read_header_guarded(&st)) fail_corrupt(name, kFormat, st.message);
  check_image_size(st.width, st.height, options, name, kFormat);

  RgbImage image = make_rgb_image(int(st.width), int(st.height), name);
  const size_t row_bytes = png_get_rowbytes(st.png, st.info);
  std::vector<uint8_t> row, whole;
  try {
    if (st.interlace == PNG_INTERLACE_NONE) {
      row.resize(row_bytes);
    } else {
      whole.resize(row_bytes * st.height);
    }
  } catch (const std::bad_alloc&) {
    fail(ErrorCode::kOutOfMemory, name + ": cannot allocate memory to de-interlace the PNG; use a smaller image");
  }
  if (!read_pixels_guarded(&st, image.pixels.data(), row.data(), whole.empty() ? nullptr : whole.data(),
                           row_bytes)) {
    fail_corrupt(name, kFormat, st.message);
  }
  return image;
}

}  // namespace lightvl::vision::detail
