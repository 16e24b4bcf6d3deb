// WebP through libwebp's animation decoder (libwebpdemux), called the way Pillow calls it.
//
// Why this API: Pillow decodes every WebP file, still or animated, with WebPAnimDecoder and its default
// options (non-premultiplied RGBA on the full canvas), then drops alpha for RGB. Lossy WebP pixels depend
// on the decoder's YUV->RGB conversion and upsampling, so going through the same libwebp entry point with
// the same options is what makes the bytes equal; it also gives the first frame of an animation exactly as
// Pillow composes it. libwebp reports errors by return value (no longjmp needed).
#include <webp/decode.h>
#include <webp/demux.h>

#include <memory>

#include "core/error.h"
#include "vision/image/format_decoders.h"

namespace lightvl::vision::detail {

namespace {

constexpr const char* kFormat = "WebP";

struct AnimDecoderDeleter {
  void operator()(WebPAnimDecoder* decoder) const { WebPAnimDecoderDelete(decoder); }
};

std::string status_text(VP8StatusCode status) {
  switch (status) {
    case VP8_STATUS_NOT_ENOUGH_DATA: return "the data ends before the image is complete (truncated)";
    case VP8_STATUS_BITSTREAM_ERROR: return "invalid bitstream";
    case VP8_STATUS_UNSUPPORTED_FEATURE: return "unsupported feature";
    case VP8_STATUS_OUT_OF_MEMORY: return "out of memory";
    default: return "invalid header (status " + std::to_string(int(status)) + ")";
  }
}

}  // namespace

RgbImage decode_webp(std::span<const uint8_t> bytes, const std::string& name, const DecodeOptions& options) {
  // The header gives the canvas size without allocating; the animation decoder allocates the canvas at once.
  WebPBitstreamFeatures features;
  const VP8StatusCode status = WebPGetFeatures(bytes.data(), bytes.size(), &features);
  if (status == VP8_STATUS_UNSUPPORTED_FEATURE) fail_unsupported(name, kFormat, status_text(status));
  if (status != VP8_STATUS_OK) fail_corrupt(name, kFormat, status_text(status));
  check_image_size(features.width, features.height, options, name, kFormat);

  WebPAnimDecoderOptions decoder_options;
  WebPAnimDecoderOptionsInit(&decoder_options);  // MODE_RGBA, one thread: Pillow's defaults
  const WebPData data = {bytes.data(), bytes.size()};
  std::unique_ptr<WebPAnimDecoder, AnimDecoderDeleter> decoder(WebPAnimDecoderNew(&data, &decoder_options));
  if (!decoder) fail_corrupt(name, kFormat, "libwebp cannot parse the container");
  WebPAnimInfo info;
  if (!WebPAnimDecoderGetInfo(decoder.get(), &info)) fail_corrupt(name, kFormat, "libwebp cannot read the header");
  check_image_size(info.canvas_width, info.canvas_height, options, name, kFormat);

  uint8_t* rgba = nullptr;
  int timestamp = 0;
  if (!WebPAnimDecoderGetNext(decoder.get(), &rgba, &timestamp)) {
    fail_corrupt(name, kFormat, "the first frame cannot be decoded (damaged or truncated data)");
  }
  RgbImage image = make_rgb_image(int(info.canvas_width), int(info.canvas_height), name);
  const size_t count = size_t(image.width) * size_t(image.height);
  for (size_t i = 0; i < count; ++i) {
    image.pixels[3 * i] = rgba[4 * i];
    image.pixels[3 * i + 1] = rgba[4 * i + 1];
    image.pixels[3 * i + 2] = rgba[4 * i + 2];
  }
  return image;
}

}  // namespace lightvl::vision::detail
