#include <gtest/gtest.h>

#include "core/error.h"
#include "core/tensor.h"

namespace lightvl {
namespace {

TEST(Tensor, ZerosSliceAndReshapeShareMemory) {
  Tensor t = Tensor::zeros(DType::kF32, {4, 3});
  EXPECT_EQ(t.numel(), 12);
  Tensor rows = t.slice_rows(1, 3);
  rows.data<float>()[0] = 5.0f;
  EXPECT_EQ(t.data<float>()[3], 5.0f);
  EXPECT_EQ(t.reshaped({2, 6}).data<float>()[3], 5.0f);
  Tensor copy = t.clone();
  copy.data<float>()[3] = 1.0f;
  EXPECT_EQ(t.data<float>()[3], 5.0f);
}

TEST(Tensor, BadReshapeAndSliceThrow) {
  Tensor t = Tensor::zeros(DType::kF32, {4, 3});
  EXPECT_THROW(t.reshaped({5, 3}), Error);
  EXPECT_THROW(t.slice_rows(2, 5), Error);
}

}  // namespace
}  // namespace lightvl
