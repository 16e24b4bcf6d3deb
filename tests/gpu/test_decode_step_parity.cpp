// Decoding through recorded CUDA graphs (text::DecodeStep) on the tiny released-layout checkpoint:
//  - teacher-forced on the transformers golden continuation, each replayed step's greedy token must be
//    the golden one (f32 activations);
//  - beyond it, every step's logits must match the kernel-by-kernel step on the same GPU within the
//    model tests' tolerances: 1e-4 · max |logit| in f32 and the derived 1e-1 in bf16 (test_model_parity.cpp
//    explains it); the two differ only in how decode attention splits the keys, so the figures printed
//    are the real distance;
//  - the caches grow twice during the run (40 → 80 → 160 positions), so the step is recorded again;
//  - several sequences in one step; a set of sequences that changes every two steps (continuous
//    batching: recordings would never be replayed, so recording must stop); and int8 experts (whose
//    routing goes through the host, so the step cannot be recorded: it must stay kernel by kernel and
//    still be right).
// Skips without a GPU.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>

#include "io/checkpoint.h"
#include "io/model_config.h"
#include "ops/device_memory.h"
#include "ops/devices.h"
#include "text/backbone/decode_step.h"
#include "text/backbone/text_model.h"

namespace lightvl::text {
namespace {

const std::string kRoot = LIGHTVL_SOURCE_DIR;

const nlohmann::json& golden() {
  static const nlohmann::json g =
      nlohmann::json::parse(std::ifstream(kRoot + "/tests/fixtures/golden/text_released.json"));
  return g;
}

std::unique_ptr<TextModel> load(DType act, WeightFormat weights = WeightFormat::kCheckpoint) {
  const std::string dir = kRoot + "/" + golden()["model_dir"].get<std::string>();
  return std::make_unique<TextModel>(io::Checkpoint(dir), io::load_model_config(dir), Device::kCuda, act, weights);
}

// The model tests' tolerance on max |replayed − eager| / max |logit| (see the header comment).
double tolerance_for(DType act) { return act == DType::kF32 ? 1e-4 : 1e-1; }

// One state per prompt length, each fed that prefix of `prompt` (room for `reserve` positions made first,
// when given, so that no cache grows later).
std::vector<HybridState> prefilled(const TextModel& model, DType act, const std::vector<int32_t>& prompt,
                                   const std::vector<size_t>& lengths, int64_t reserve = 0) {
  std::vector<HybridState> states;
  for (size_t n : lengths) {
    states.emplace_back(model.spec(), Device::kCuda, act);
    if (reserve > 0) states.back().reserve(reserve);
    model.forward(model.embed(std::vector<int32_t>(prompt.begin(), prompt.begin() + long(n))), states.back());
  }
  return states;
}

class CudaDecodeStep : public ::testing::TestWithParam<DType> {
 protected:
  void SetUp() override {
    if (ops::gpu_devices().empty()) GTEST_SKIP() << "no CUDA device on this machine";
  }
};

class CudaDecodeStepInt8 : public ::testing::Test {
 protected:
  void SetUp() override {
    if (ops::gpu_devices().empty()) GTEST_SKIP() << "no CUDA device on this machine";
  }
};

Tensor host_rows(const Tensor& device_logits) { return ops::to_device(device_logits, Device::kCpu); }

int32_t argmax_row(const Tensor& host, int64_t row) {
  const float* x = host.data<float>() + row * host.dim(1);
  return int32_t(std::max_element(x, x + host.dim(1)) - x);
}

// max |a − b| / max |b| over every row.
double relative_distance(const Tensor& a, const Tensor& b) {
  double err = 0, scale = 0;
  for (int64_t i = 0; i < b.numel(); ++i) {
    err = std::max(err, double(std::abs(a.data<float>()[i] - b.data<float>()[i])));
    scale = std::max(scale, double(std::abs(b.data<float>()[i])));
  }
  return err / scale;
}

// The gap between the largest and second-largest logit of a row.
float top_gap(const Tensor& host, int64_t row) {
  const float* x = host.data<float>() + row * host.dim(1);
  std::vector<float> v(x, x + host.dim(1));
  std::partial_sort(v.begin(), v.begin() + 2, v.end(), std::greater<float>());
  return v[0] - v[1];
}

TEST_P(CudaDecodeStep, ReplayedStepsFollowTheGoldenAndTheEagerSteps) {
  const DType act = GetParam();
  const double tolerance = tolerance_for(act);
  const auto model = load(act);
  const std::vector<int32_t> prompt = golden()["greedy_prompt_ids"].get<std::vector<int32_t>>();
  const std::vector<int32_t> continuation = golden()["greedy_ids"].get<std::vector<int32_t>>();
  HybridState recorded(model->spec(), Device::kCuda, act), eager(model->spec(), Device::kCuda, act);
  model->forward(model->embed(prompt), recorded);
  model->forward(model->embed(prompt), eager);
  const float decisive = act == DType::kF32 ? 1e-3f : 0.2f;  // a top-2 gap beyond the precision's noise
  int32_t next = continuation.front();
  DecodeStep step(*model);
  double worst = 0;
  int golden_checked = 0, golden_agree = 0;
  for (int i = 0; i < 150; ++i) {
    if (size_t(i) < continuation.size()) next = continuation[size_t(i)];  // teacher forcing on the golden continuation
    const Tensor want = host_rows(model->logits(model->forward(model->embed({next}), eager)));
    const Tensor got = host_rows(step.run({next}, {&recorded}));
    worst = std::max(worst, relative_distance(got, want));
    if (size_t(i + 1) < continuation.size() && act == DType::kF32) {
      ++golden_checked;
      golden_agree += argmax_row(got, 0) == continuation[size_t(i + 1)];
    }
    if (top_gap(want, 0) > decisive) {
      EXPECT_EQ(argmax_row(got, 0), argmax_row(want, 0)) << "step " << i;
    }
    next = argmax_row(want, 0);
  }
  const DecodeStep::Stats s = step.stats();
  std::printf("[ figure ] %s: 150 steps, %lld recordings, %lld replays, %lld eager; max |replayed − eager| / max "
              "|logit| = %.3g (tolerance %.0e); golden tokens %d of %d\n",
              dtype_name(act), (long long)s.recordings, (long long)s.replays, (long long)s.eager_steps, worst, tolerance,
              golden_agree, golden_checked);
  EXPECT_LE(worst, tolerance);
  EXPECT_EQ(golden_agree, golden_checked);
  EXPECT_GE(s.recordings, 2) << "the caches grew at 80 and 160 positions: the step must be recorded again";
  EXPECT_GE(s.replays, 140);
  EXPECT_EQ(recorded.position(), eager.position());
  EXPECT_EQ(recorded.counters().kv_lengths, eager.counters().kv_lengths);
}

TEST_P(CudaDecodeStep, SeveralSequencesInOneRecordedStep) {
  const DType act = GetParam();
  const double tolerance = tolerance_for(act);
  const auto model = load(act);
  const std::vector<int32_t> prompt = golden()["greedy_prompt_ids"].get<std::vector<int32_t>>();
  const std::vector<size_t> lengths = {5, 23, 40};  // three different fill levels
  std::vector<HybridState> recorded = prefilled(*model, act, prompt, lengths);
  std::vector<HybridState> eager = prefilled(*model, act, prompt, lengths);
  std::vector<HybridState*> recorded_ptrs;
  SequenceBatch batch;
  for (size_t s = 0; s < recorded.size(); ++s) {
    recorded_ptrs.push_back(&recorded[s]);
    batch.states.push_back(&eager[s]);
    batch.rows.push_back(1);
  }
  DecodeStep step(*model);
  std::vector<int32_t> next = {prompt[5], prompt[23], prompt[0]};
  double worst = 0;
  for (int i = 0; i < 12; ++i) {
    const Tensor want = host_rows(model->logits(model->forward_batch(model->embed(next), batch)));
    const Tensor got = host_rows(step.run(next, recorded_ptrs));
    worst = std::max(worst, relative_distance(got, want));
    for (int64_t r = 0; r < 3; ++r) next[size_t(r)] = argmax_row(want, r);
  }
  std::printf("[ figure ] %s, 3 sequences: %lld replays of %d steps; max |replayed − eager| / max |logit| = %.3g\n",
              dtype_name(act), (long long)step.stats().replays, 12, worst);
  EXPECT_LE(worst, tolerance);
  EXPECT_GE(step.stats().replays, 6);
}

// Continuous batching: the set of sequences changes every two steps, so recordings would never be
// replayed. After one wasted recording the threshold rises and the object stops recording; every step
// still equals the kernel-by-kernel one.
TEST_P(CudaDecodeStep, ChangingBatchesStopRecording) {
  const DType act = GetParam();
  const double tolerance = tolerance_for(act);
  const auto model = load(act);
  const std::vector<int32_t> prompt = golden()["greedy_prompt_ids"].get<std::vector<int32_t>>();
  // Room for 200 positions: no cache grows during the test, only the set of sequences changes.
  const std::vector<size_t> lengths = {5, 9, 14, 23};
  std::vector<HybridState> recorded = prefilled(*model, act, prompt, lengths, 200);
  std::vector<HybridState> eager = prefilled(*model, act, prompt, lengths, 200);
  const std::vector<std::vector<size_t>> subsets = {{0, 1}, {0, 2}, {1, 2, 3}, {0, 3}, {1, 2}};
  DecodeStep step(*model);
  double worst = 0;
  for (int i = 0; i < 20; ++i) {
    const std::vector<size_t>& members = subsets[size_t(i / 2) % subsets.size()];
    std::vector<HybridState*> recorded_ptrs;
    SequenceBatch batch;
    std::vector<int32_t> next;
    for (size_t m : members) {
      recorded_ptrs.push_back(&recorded[m]);
      batch.states.push_back(&eager[m]);
      batch.rows.push_back(1);
      next.push_back(prompt[size_t(i + int(m))]);
    }
    const Tensor want = host_rows(model->logits(model->forward_batch(model->embed(next), batch)));
    const Tensor got = host_rows(step.run(next, recorded_ptrs));
    worst = std::max(worst, relative_distance(got, want));
  }
  const DecodeStep::Stats s = step.stats();
  std::printf("[ figure ] %s, a new set of sequences every 2 steps: %lld recordings, %lld replays in 20 steps, "
              "threshold now %d steps; max |replayed − eager| / max |logit| = %.3g\n",
              dtype_name(act), (long long)s.recordings, (long long)s.replays, s.steps_before_recording, worst);
  EXPECT_LE(worst, tolerance);
  EXPECT_LE(s.recordings, 2) << "recordings that are never replayed must stop";
  EXPECT_GE(s.steps_before_recording, 4);
}

INSTANTIATE_TEST_SUITE_P(Activations, CudaDecodeStep, ::testing::Values(DType::kF32, DType::kBF16),
                         [](const auto& info) { return std::string(dtype_name(info.param)); });

TEST_F(CudaDecodeStepInt8, HostRoutedExpertsStayKernelByKernel) {
  const auto model = load(DType::kBF16, WeightFormat::kInt8);
  const std::vector<int32_t> prompt = golden()["greedy_prompt_ids"].get<std::vector<int32_t>>();
  HybridState recorded(model->spec(), Device::kCuda, DType::kBF16), eager(model->spec(), Device::kCuda, DType::kBF16);
  model->forward(model->embed(prompt), recorded);
  model->forward(model->embed(prompt), eager);
  DecodeStep step(*model);
  int32_t next = prompt.back();
  for (int i = 0; i < 6; ++i) {
    const Tensor want = host_rows(model->logits(model->forward(model->embed({next}), eager)));
    const Tensor got = host_rows(step.run({next}, {&recorded}));
    EXPECT_EQ(relative_distance(got, want), 0.0) << "step " << i << ": the same kernels on the same numbers";
    next = argmax_row(want, 0);
  }
  std::printf("[ figure ] int8 experts: graphs %s after %lld eager steps\n", step.stats().graphs ? "on" : "off",
              (long long)step.stats().eager_steps);
  EXPECT_EQ(step.stats().replays, 0);
  EXPECT_EQ(recorded.position(), eager.position());
}

}  // namespace
}  // namespace lightvl::text
