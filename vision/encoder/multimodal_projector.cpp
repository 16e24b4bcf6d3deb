#include "vision/encoder/multimodal_projector.h"

#include "ops/activation.h"
#include "ops/device_memory.h"
#include "ops/linear.h"

namespace lightvl::vision {

Tensor project_features(const ProjectorWeights& w, io::Activation act, const Tensor& features) {
  const int64_t rows = features.dim(0), text_hidden = w.linear1_weight.dim(0);
  Tensor inner = ops::empty(features.dtype(), {rows, text_hidden}, features.device());
  ops::linear(features, w.linear1_weight, &w.linear1_bias, inner);
  ops::gelu_inplace(inner, act == io::Activation::kQuickGelu ? ops::GeluKind::kQuick : ops::GeluKind::kExact);
  Tensor out = ops::empty(features.dtype(), {rows, text_hidden}, features.device());
  ops::linear(inner, w.linear2_weight, &w.linear2_bias, out);
  return out;
}

}  // namespace lightvl::vision
