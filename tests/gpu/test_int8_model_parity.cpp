// The whole model with int8 projections on CUDA against the same int8 model on the CPU (bit-identical
// int8 weights: both are quantised on the host by the same code). f32 activations: the backends differ
// only in summation order, so the float model's CUDA bound holds, max |error| ≤ 1e-4 · max |logit|, and
// greedy continuations are identical. bf16 activations: the bf16 bound of test_model_parity.cpp, 1e-1.
// Skips without a GPU.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ops/devices.h"
#include "support/text_golden.h"

namespace lightvl {
namespace {

std::shared_ptr<const Model> int8_model(const std::string& dir, Backend backend, bool bf16) {
  LoadOptions o;
  o.backend = backend;
  o.cuda_bf16 = bf16;
  o.weights = WeightFormat::kInt8;
  return Model::load(dir, o);
}

double relative_error(const Logits& got, const Logits& want, const std::string& label, double tolerance) {
  EXPECT_EQ(got.rows, want.rows) << label;
  return testing::relative_error(got.values.data(), got.values.size(), want.values.data(), want.values.size(),
                                 "int8 cuda vs cpu " + label, tolerance);
}

class CudaInt8Model : public ::testing::Test {
 protected:
  void SetUp() override {
    if (ops::gpu_devices().empty()) GTEST_SKIP() << "no CUDA device on this machine";
  }
};

TEST_F(CudaInt8Model, LogitsMatchTheCpuInt8Model) {
  for (const char* name : {"text_released", "text_native"}) {
    const testing::TextGolden g = testing::load_text_golden(name);
    const std::string& dir = g.model_dir;
    Session cpu(int8_model(dir, Backend::kCpu, false));
    const Logits want = testing::feed_golden_prompt(cpu, g, /*token_by_token=*/false);
    for (bool bf16 : {false, true}) {
      Session gpu(int8_model(dir, Backend::kCuda, bf16));
      const double tol = bf16 ? 1e-1 : 1e-4;
      const Logits got = testing::feed_golden_prompt(gpu, g, /*token_by_token=*/false);
      EXPECT_LT(relative_error(got, want, std::string(name) + (bf16 ? " bf16" : " f32"), tol), tol);
    }
    // Greedy continuations agree at f32.
    GenerationConfig c;
    c.greedy = true;
    c.max_tokens = 12;
    Session a(int8_model(dir, Backend::kCpu, false)), b(int8_model(dir, Backend::kCuda, false));
    EXPECT_EQ(a.generate_ids(g.greedy_prompt, c).ids, b.generate_ids(g.greedy_prompt, c).ids) << name;
  }
}

}  // namespace
}  // namespace lightvl
