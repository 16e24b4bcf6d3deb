// CUDA parity of ops::argmax_rows (greedy decoding on the device) with the CPU op: random logits at the
// vocabulary size of MiniMax-Text-01 and of the demo model, with planted ties (a later copy of the row's
// maximum), NaN entries and NaN first entries, in f32 and bf16 (the CPU sees the bf16 values widened).
// Ids must be identical.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "gpu_test_util.h"
#include "ops/argmax.h"

namespace lightvl {
namespace {
using test::to_gpu;
using test::to_host_f32;

class CudaArgmax : public test::CudaTest {};

// [rows, vocab] random logits; row r gets a planted feature by r mod 4: none, a tie of its maximum at a
// later column, a few NaN entries, a NaN first entry.
Tensor logits_with_traps(int64_t rows, int64_t vocab, uint32_t seed) {
  Tensor t = Tensor::zeros(DType::kF32, {rows, vocab});
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 3.0f);
  std::uniform_int_distribution<int64_t> column(0, vocab - 1);
  for (int64_t r = 0; r < rows; ++r) {
    float* row = t.data<float>() + r * vocab;
    int64_t best = 0;
    for (int64_t c = 0; c < vocab; ++c) {
      row[c] = normal(rng);
      if (row[c] > row[best]) best = c;
    }
    if (r % 4 == 1 && best + 1 < vocab) row[best + 1 + column(rng) % (vocab - best - 1)] = row[best];
    if (r % 4 == 2) {
      for (int i = 0; i < 5; ++i) row[column(rng)] = std::numeric_limits<float>::quiet_NaN();
    }
    if (r % 4 == 3) row[0] = std::numeric_limits<float>::quiet_NaN();
  }
  return t;
}

TEST_F(CudaArgmax, IdsEqualTheCpu) {
  for (const int64_t vocab : {int64_t(200064), int64_t(3072), int64_t(1)}) {
    const Tensor host = logits_with_traps(37, vocab, 7);
    for (const DType dtype : {DType::kF32, DType::kBF16}) {
      const Tensor gpu = to_gpu(host, dtype);
      const std::vector<int32_t> want = ops::argmax_rows(to_host_f32(gpu));  // the values the GPU sees
      const std::vector<int32_t> got = ops::argmax_rows(gpu);
      EXPECT_EQ(got, want) << "vocab " << vocab << " " << test::name_of(dtype);
      std::printf("[ figure ] argmax_rows %s 37 x %lld: %s\n", test::name_of(dtype).c_str(), (long long)vocab,
                  got == want ? "ids identical" : "ids differ");
    }
  }
}

}  // namespace
}  // namespace lightvl
