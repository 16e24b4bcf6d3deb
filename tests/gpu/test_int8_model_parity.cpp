// The whole model with int8 projections on CUDA against the same int8 model on the CPU (bit-identical
// int8 weights: both are quantised on the host by the same code). f32 activations: the backends differ
// only in summation order, so the float model's CUDA bound holds, max |error| ≤ 1e-4 · max |logit|, and
// greedy continuations are identical. bf16 activations: the bf16 bound of test_model_parity.cpp, 1e-1.
// Skips without a GPU.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>

#include "lightvl/session.h"
#include "ops/devices.h"

namespace lightvl {
namespace {

const std::string kRoot = LIGHTVL_SOURCE_DIR;

std::shared_ptr<const Model> int8_model(const std::string& dir, Backend backend, bool bf16) {
  LoadOptions o;
  o.backend = backend;
  o.cuda_bf16 = bf16;
  o.weights = WeightFormat::kInt8;
  return Model::load(kRoot + "/" + dir, o);
}

double relative_error(const Logits& got, const Logits& want, const std::string& label, double tolerance) {
  EXPECT_EQ(got.rows, want.rows);
  double max_err = 0, max_ref = 0;
  for (size_t i = 0; i < std::min(got.values.size(), want.values.size()); ++i) {
    max_err = std::max(max_err, double(std::abs(got.values[i] - want.values[i])));
    max_ref = std::max(max_ref, double(std::abs(want.values[i])));
  }
  std::printf("[ figure ] int8 cuda vs cpu %s: relative error %.3g (tolerance %.0e)\n", label.c_str(),
              max_err / max_ref, tolerance);
  return max_err / max_ref;
}

class CudaInt8Model : public ::testing::Test {
 protected:
  void SetUp() override {
    if (ops::gpu_devices().empty()) GTEST_SKIP() << "no CUDA device on this machine";
  }
};

TEST_F(CudaInt8Model, LogitsMatchTheCpuInt8Model) {
  for (const char* name : {"text_released", "text_native"}) {
    std::ifstream in(kRoot + "/tests/fixtures/golden/" + name + ".json");
    const nlohmann::json g = nlohmann::json::parse(in);
    const std::string dir = g["model_dir"];
    const auto prompt = g["prompt_ids"].get<std::vector<int32_t>>();
    FeedOptions o;
    o.all_logits = true;
    o.chunk_tokens = 100;
    Session cpu(int8_model(dir, Backend::kCpu, false));
    const Logits want = cpu.feed(prompt, o);
    for (bool bf16 : {false, true}) {
      Session gpu(int8_model(dir, Backend::kCuda, bf16));
      const double tol = bf16 ? 1e-1 : 1e-4;
      EXPECT_LT(relative_error(gpu.feed(prompt, o), want, std::string(name) + (bf16 ? " bf16" : " f32"), tol), tol);
    }
    // Greedy continuations agree at f32.
    GenerationConfig c;
    c.greedy = true;
    c.max_tokens = 12;
    Session a(int8_model(dir, Backend::kCpu, false)), b(int8_model(dir, Backend::kCuda, false));
    const auto greedy_prompt = g["greedy_prompt_ids"].get<std::vector<int32_t>>();
    EXPECT_EQ(a.generate_ids(greedy_prompt, c).ids, b.generate_ids(greedy_prompt, c).ids) << name;
  }
}

}  // namespace
}  // namespace lightvl
