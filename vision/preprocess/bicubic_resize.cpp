// Pillow's separable bicubic resampling (libImaging/Resample.c), restated for 8-bit RGB.
//
// Algorithm, per axis, for an input of n samples resized to m (box = the whole image):
//   scale = n / m; filterscale = max(scale, 1)       (downscaling widens the filter, upscaling does not)
//   support = 2 * filterscale                        (the cubic kernel's support, scaled)
//   taps = 2 * ceil(support) + 1                     (coefficient slots per output sample)
//   for output i: center = (i + 0.5) * scale
//     first = max(0, int(center - support + 0.5)); last = min(n, int(center + support + 0.5))
//     w[j] = K((first + j - center + 0.5) / filterscale) for j in [0, last - first), then w /= sum(w)
//   K is the Keys cubic with a = -0.5. Weights become fixed point with 22 fraction bits, rounded half
//   away from zero; each output sample is (2^21 + sum(in * w)) >> 22 (arithmetic shift), clamped to
//   [0, 255].
// Pass order: horizontal first, over only the input rows the vertical pass will read, into an 8-bit
// temporary (rounded and clamped); then vertical. A pass whose size does not change is skipped; if
// neither changes, the image is copied.
// Exactness: every double operation is written in Pillow's order. Floating-point contraction into FMA
// would change rounding, so this file is compiled with -ffp-contract=off (see CMakeLists.txt).
#include "vision/preprocess/bicubic_resize.h"

#include <cmath>
#include <cstdint>
#include <vector>

#include "core/error.h"

namespace lightvl::vision {

namespace {

constexpr int kPrecisionBits = 32 - 8 - 2;  // Pillow's: 8 bits of result, 2 for filter overshoot

double keys_cubic(double x) {
  constexpr double a = -0.5;
  if (x < 0.0) x = -x;
  if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
  if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
  return 0.0;
}

// Fixed-point weights of one axis: output i reads count[i] inputs from first[i], with weights at
// weights[i * taps ...].
struct AxisWeights {
  int taps = 0;
  std::vector<int> first;
  std::vector<int> count;
  std::vector<int32_t> weights;
};

AxisWeights compute_axis_weights(int in_size, int out_size) {
  // Pillow passes the box as floats; (float)n - 0.0f is exact for any image size.
  const double scale = double(float(in_size) - 0.0f) / out_size;
  const double filterscale = scale < 1.0 ? 1.0 : scale;
  const double support = 2.0 * filterscale;

  AxisWeights axis;
  axis.taps = int(std::ceil(support)) * 2 + 1;
  axis.first.resize(size_t(out_size));
  axis.count.resize(size_t(out_size));
  axis.weights.assign(size_t(out_size) * size_t(axis.taps), 0);
  std::vector<double> w(size_t(axis.taps));
  for (int i = 0; i < out_size; ++i) {
    const double center = 0.0 + (i + 0.5) * scale;
    const double ss = 1.0 / filterscale;
    int first = int(center - support + 0.5);  // truncation toward zero, as Pillow's (int) cast
    if (first < 0) first = 0;
    int last = int(center + support + 0.5);
    if (last > in_size) last = in_size;
    const int count = last - first;
    double sum = 0.0;
    for (int j = 0; j < count; ++j) {
      w[size_t(j)] = keys_cubic((j + first - center + 0.5) * ss);
      sum += w[size_t(j)];
    }
    int32_t* fixed = &axis.weights[size_t(i) * size_t(axis.taps)];
    for (int j = 0; j < count; ++j) {
      const double k = sum != 0.0 ? w[size_t(j)] / sum : w[size_t(j)];
      fixed[j] = k < 0 ? int32_t(-0.5 + k * (1 << kPrecisionBits)) : int32_t(0.5 + k * (1 << kPrecisionBits));
    }
    axis.first[size_t(i)] = first;
    axis.count[size_t(i)] = count;
  }
  return axis;
}

inline uint8_t clamp_fixed(int32_t acc) {
  const int32_t v = acc >> kPrecisionBits;
  return uint8_t(v < 0 ? 0 : v > 255 ? 255 : v);
}

// Horizontal pass over src rows [row_begin, row_begin + dst.height).
void resample_rows(const RgbImage& src, int row_begin, const AxisWeights& axis, RgbImage& dst) {
  for (int y = 0; y < dst.height; ++y) {
    const uint8_t* in = src.row(row_begin + y);
    uint8_t* out = dst.row(y);
    for (int x = 0; x < dst.width; ++x) {
      const int32_t* k = &axis.weights[size_t(x) * size_t(axis.taps)];
      const uint8_t* p = in + size_t(axis.first[size_t(x)]) * 3;
      int32_t r = 1 << (kPrecisionBits - 1), g = r, b = r;
      for (int j = 0; j < axis.count[size_t(x)]; ++j) {
        r += p[3 * j] * k[j];
        g += p[3 * j + 1] * k[j];
        b += p[3 * j + 2] * k[j];
      }
      out[3 * x] = clamp_fixed(r);
      out[3 * x + 1] = clamp_fixed(g);
      out[3 * x + 2] = clamp_fixed(b);
    }
  }
}

// Vertical pass; `first_shift` is subtracted from the weights' first rows (the rows the horizontal
// pass skipped). Integer sums do not depend on order, so whole rows are accumulated at once.
void resample_columns(const RgbImage& src, const AxisWeights& axis, int first_shift, RgbImage& dst) {
  const size_t n = dst.row_bytes();
  std::vector<int32_t> acc(n);
  for (int y = 0; y < dst.height; ++y) {
    const int32_t* k = &axis.weights[size_t(y) * size_t(axis.taps)];
    const int first = axis.first[size_t(y)] - first_shift;
    std::fill(acc.begin(), acc.end(), int32_t(1) << (kPrecisionBits - 1));
    for (int j = 0; j < axis.count[size_t(y)]; ++j) {
      const uint8_t* in = src.row(first + j);
      const int32_t kj = k[j];
      for (size_t i = 0; i < n; ++i) acc[i] += in[i] * kj;
    }
    uint8_t* out = dst.row(y);
    for (size_t i = 0; i < n; ++i) out[i] = clamp_fixed(acc[i]);
  }
}

}  // namespace

RgbImage resize_bicubic(const RgbImage& src, int out_width, int out_height) {
  require(src.width > 0 && src.height > 0 && src.pixels.size() == size_t(src.width) * size_t(src.height) * 3,
          ErrorCode::kInvalidArgument, "resize_bicubic: the source image is empty or inconsistent");
  require(out_width > 0 && out_height > 0, ErrorCode::kInvalidArgument,
          "resize_bicubic: output size " + std::to_string(out_width) + "x" + std::to_string(out_height) +
              " is not positive");
  const bool horizontal = out_width != src.width;
  const bool vertical = out_height != src.height;
  if (!horizontal && !vertical) return src;

  const AxisWeights rows = compute_axis_weights(src.height, out_height);
  // Input rows the vertical pass reads: only those go through the horizontal pass.
  const int row_begin = rows.first.front();
  const int row_end = rows.first.back() + rows.count.back();

  if (!horizontal) {
    RgbImage out = make_rgb_image(out_width, out_height, "resized image");
    resample_columns(src, rows, 0, out);
    return out;
  }
  const AxisWeights columns = compute_axis_weights(src.width, out_width);
  RgbImage temp = make_rgb_image(out_width, row_end - row_begin, "resized image");
  resample_rows(src, row_begin, columns, temp);
  if (!vertical) return temp;
  RgbImage out = make_rgb_image(out_width, out_height, "resized image");
  resample_columns(temp, rows, row_begin, out);
  return out;
}

}  // namespace lightvl::vision
