// Row normalisations: RMSNorm (the text backbone) and LayerNorm (the CLIP vision tower).
#pragma once

#include "core/tensor.h"

namespace lightvl::ops {

// out[r, :] = x[r, :] / sqrt(mean(x[r, :]²) + eps) * weight, for each row r of x [R, C].
// weight: [C], any float type. out may alias x (in place). Throws Error(kInternal) on shape mismatch.
void rms_norm(const Tensor& x, const Tensor& weight, float eps, Tensor& out);

// out[r, :] = (x[r, :] − mean) / sqrt(var + eps) * weight + bias (biased variance, as torch).
// weight, bias: [C], any float type. out may alias x. Throws Error(kInternal) on shape mismatch.
void layer_norm(const Tensor& x, const Tensor& weight, const Tensor& bias, float eps, Tensor& out);

}  // namespace lightvl::ops
