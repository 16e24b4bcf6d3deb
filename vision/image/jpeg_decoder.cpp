// JPEG through libjpeg-turbo, the library Pillow itself links, used with Pillow's settings.
//
// Why libjpeg-turbo: JPEG decoding is not bit-exact across decoders (IDCT variant, chroma upsampling,
// colour conversion rounding all differ). Pillow calls libjpeg-turbo with its defaults (JDCT_ISLOW,
// fancy upsampling on, block smoothing on) and asks for JCS_RGB / JCS_GRAYSCALE / JCS_CMYK output by
// component count. Doing the same here gives the same bytes; stb_image or OpenCV's own paths would not.
//
// Pillow's conversions after decoding: gray is replicated to RGB; a 4-component image (CMYK or YCCK) is
// read as Adobe-inverted CMYK ("CMYK;I", whether or not an Adobe marker is present) and converted with
// Pillow's cmyk2rgb: nk = 255 - k, out = nk - round(c * nk / 255) in Pillow's integer form.
//
// Errors: libjpeg's default error handler calls exit(). It is replaced by one that records the message
// and longjmps back into the guarded function that made the call. Those functions hold only C state,
// so no C++ destructor is skipped. A premature end of data (libjpeg's JWRN_JPEG_EOF warning, after which
// it would pad the image with gray) is an error, as in Pillow; other warnings are ignored, as in Pillow.
#include <csetjmp>
#include <cstdio>
#include <cstring>

// jpeglib.h needs size_t and FILE declared first.
#include <jpeglib.h>
#include <jerror.h>

#include "core/error.h"
#include "vision/image/format_decoders.h"

namespace lightvl::vision::detail {

namespace {

constexpr const char* kFormat = "JPEG";

struct JpegErrorManager {
  jpeg_error_mgr pub;  // first member: libjpeg sees a jpeg_error_mgr*
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

// All libjpeg state for one decode. Plain C data only (see the file comment on longjmp).
struct JpegState {
  jpeg_decompress_struct cinfo;
  JpegErrorManager err;
  bool created;
};

[[noreturn]] void on_error_exit(j_common_ptr cinfo) {
  auto* err = reinterpret_cast<JpegErrorManager*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, err->message);
  std::longjmp(err->jump, 1);
}

void on_emit_message(j_common_ptr cinfo, int msg_level) {
  if (msg_level == -1 && cinfo->err->msg_code == JWRN_JPEG_EOF) {
    auto* err = reinterpret_cast<JpegErrorManager*>(cinfo->err);
    std::snprintf(err->message, sizeof(err->message), "the data ends before the image is complete (truncated)");
    std::longjmp(err->jump, 1);
  }
}

void on_output_message(j_common_ptr) {}  // the library never prints

// Reads the header and chooses Pillow's output colour space. Returns false with err.message set.
bool read_header_guarded(JpegState* st, const uint8_t* data, size_t size) {
  if (setjmp(st->err.jump)) return false;
  jpeg_create_decompress(&st->cinfo);
  st->created = true;
  jpeg_mem_src(&st->cinfo, data, static_cast<unsigned long>(size));
  if (jpeg_read_header(&st->cinfo, TRUE) != JPEG_HEADER_OK) {
    std::snprintf(st->err.message, sizeof(st->err.message), "the data holds tables but no image");
    return false;
  }
  switch (st->cinfo.num_components) {
    case 1: st->cinfo.out_color_space = JCS_GRAYSCALE; break;
    case 3: st->cinfo.out_color_space = JCS_RGB; break;
    case 4: st->cinfo.out_color_space = JCS_CMYK; break;
    default: break;  // refused by the caller
  }
  // libjpeg's defaults, which are what Pillow uses; set explicitly because exactness depends on them.
  st->cinfo.dct_method = JDCT_ISLOW;
  st->cinfo.do_fancy_upsampling = TRUE;
  st->cinfo.scale_num = 1;
  st->cinfo.scale_denom = 1;
  return true;
}

// Pillow's MULDIV255: a * b / 255 rounded, in integers.
inline int muldiv255(int a, int b) {
  int t = a * b + 128;
  return ((t >> 8) + t) >> 8;
}

// Converts one decoded row (output_components samples a pixel) to RGB in `out`.
void convert_row(const uint8_t* in, uint8_t* out, int width, int components) {
  if (components == 1) {
    for (int x = 0; x < width; ++x) out[3 * x] = out[3 * x + 1] = out[3 * x + 2] = in[x];
    return;
  }
  // CMYK: libjpeg returns the stored (Adobe-inverted) samples; Pillow inverts them back, then converts.
  for (int x = 0; x < width; ++x) {
    const uint8_t* p = in + 4 * x;
    const int k = 255 - p[3];
    const int nk = 255 - k;
    for (int c = 0; c < 3; ++c) out[3 * x + c] = uint8_t(nk - muldiv255(255 - p[c], nk));
  }
}

// Decodes all scanlines into `out` (width * height * 3 bytes). Returns false with err.message set.
bool read_pixels_guarded(JpegState* st, uint8_t* out) {
  if (setjmp(st->err.jump)) return false;
  jpeg_decompress_struct* cinfo = &st->cinfo;
  jpeg_start_decompress(cinfo);
  const JDIMENSION width = cinfo->output_width;
  const int components = cinfo->output_components;
  // Scratch row for gray and CMYK; libjpeg owns it and frees it in jpeg_destroy_decompress.
  JSAMPARRAY scratch = (*cinfo->mem->alloc_sarray)(reinterpret_cast<j_common_ptr>(cinfo), JPOOL_IMAGE,
                                                   width * JDIMENSION(components), 1);
  while (cinfo->output_scanline < cinfo->output_height) {
    uint8_t* dst = out + size_t(cinfo->output_scanline) * width * 3;
    if (components == 3) {
      JSAMPROW row = dst;
      jpeg_read_scanlines(cinfo, &row, 1);
    } else {
      jpeg_read_scanlines(cinfo, scratch, 1);
      convert_row(scratch[0], dst, int(width), components);
    }
  }
  jpeg_finish_decompress(cinfo);
  return true;
}

// Destroys the libjpeg object on every exit path of decode_jpeg, including thrown Errors.
struct JpegStateGuard {
  JpegState* st;
  ~JpegStateGuard() {
    if (st->created) jpeg_destroy_decompress(&st->cinfo);
  }
};

}  // namespace

RgbImage decode_jpeg(std::span<const uint8_t> bytes, const std::string& name, const DecodeOptions& options) {
  JpegState st;
  std::memset(&st, 0, sizeof(st));
  st.cinfo.err = jpeg_std_error(&st.err.pub);
  st.err.pub.error_exit = on_error_exit;
  st.err.pub.emit_message = on_emit_message;
  st.err.pub.output_message = on_output_message;
  JpegStateGuard guard{&st};

  if (!read_header_guarded(&st, bytes.data(), bytes.size())) fail_corrupt(name, kFormat, st.err.message);
  const int components = st.cinfo.num_components;
  if (components != 1 && components != 3 && components != 4) {
    fail_unsupported(name, kFormat, std::to_string(components) + " colour components (Pillow reads 1, 3 or 4)");
  }
  check_image_size(st.cinfo.image_width, st.cinfo.image_height, options, name, kFormat);

  RgbImage image = make_rgb_image(int(st.cinfo.image_width), int(st.cinfo.image_height), name);
  if (!read_pixels_guarded(&st, image.pixels.data())) fail_corrupt(name, kFormat, st.err.message);
  return image;
}

}  // namespace lightvl::vision::detail
