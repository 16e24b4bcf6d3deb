// CPU partial rotary embedding (NeoX rotate-half on the first rotary_dim dims of each head).
//
// The angle arithmetic follows the reference's f32 semantics: inv_freq_i = 1 / theta^(2i/rotary_dim)
// and angle = position · inv_freq_i are f32 products, then cos/sin of that f32 angle. Doing the angle in
// double would be "more exact" but would differ from the reference by up to an f32 ulp of a large angle.
#include "backends/cpu/rope_cpu.h"
#include "backends/cpu/parallel.h"

#include <cmath>

namespace lightvl::cpu {

void rope_inplace(Tensor& x, const std::vector<int64_t>& positions, int rotary_dim, double theta) {
  const int64_t tokens = x.dim(0), heads = x.dim(1), head_dim = x.dim(2);
  const int half = rotary_dim / 2;
  std::vector<float> inv_freq(static_cast<size_t>(half));
  for (int i = 0; i < half; ++i) {
    const float exponent = float(2 * i) / float(rotary_dim);
    inv_freq[size_t(i)] = 1.0f / std::pow(float(theta), exponent);
  }
  float* data = x.data<float>();
#pragma omp parallel for schedule(static) if(worth_parallel(tokens * heads * rotary_dim))
  for (int64_t t = 0; t < tokens; ++t) {
    std::vector<float> cos_v(static_cast<size_t>(half)), sin_v(static_cast<size_t>(half));
    for (int i = 0; i < half; ++i) {
      const float angle = float(positions[size_t(t)]) * inv_freq[size_t(i)];
      cos_v[size_t(i)] = std::cos(angle);
      sin_v[size_t(i)] = std::sin(angle);
    }
    for (int64_t h = 0; h < heads; ++h) {
      float* v = data + (t * heads + h) * head_dim;
      for (int i = 0; i < half; ++i) {
        const float a = v[i], b = v[i + half];
        v[i] = a * cos_v[size_t(i)] - b * sin_v[size_t(i)];
        v[i + half] = b * cos_v[size_t(i)] + a * sin_v[size_t(i)];
      }
    }
  }
}

}  // namespace lightvl::cpu
