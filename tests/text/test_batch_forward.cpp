// Batched forward (several sequences per pass) against each sequence run alone: after prompts of
// different lengths, batched decode steps (and a batched mixed prefill of unequal chunks) must give the
// same logits as the sequences fed one at a time. And the recordable form of a step (row positions in a
// tensor, SequenceBatch::positions, as a recorded decode graph runs it) must equal the plain one.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "io/checkpoint.h"
#include "io/model_config.h"
#include "text/backbone/text_model.h"

namespace lightvl::text {
namespace {

const std::string kModel = std::string(LIGHTVL_SOURCE_DIR) + "/assets/tiny-minimax-text-01";

std::vector<int32_t> random_ids(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<int32_t> ids(n);
  for (int32_t& id : ids) id = int32_t(rng() % 500);
  return ids;
}

double max_abs_diff(const Tensor& a, const Tensor& b) {
  double m = 0;
  for (int64_t i = 0; i < a.numel(); ++i) m = std::max(m, double(std::abs(a.data<float>()[i] - b.data<float>()[i])));
  return m;
}

TEST(BatchForward, BatchedStepsEqualSequentialOnes) {
  const io::ModelConfig config = io::load_model_config(kModel);
  const io::Checkpoint checkpoint(kModel);
  const TextModel model(checkpoint, config);
  const std::vector<size_t> prompt_lengths = {5, 37, 300};
  std::vector<HybridState> alone, together;
  for (size_t s = 0; s < prompt_lengths.size(); ++s) {
    const std::vector<int32_t> prompt = random_ids(prompt_lengths[s], uint32_t(s));
    alone.emplace_back(model.spec());
    model.forward(model.embed(prompt), alone.back());
    together.push_back(alone.back().clone());
  }
  // A mixed step: 1, 3 and 2 new tokens for the three sequences, then two single-token steps.
  for (const std::vector<int64_t>& rows : {std::vector<int64_t>{1, 3, 2}, {1, 1, 1}, {1, 1, 1}}) {
    std::vector<int32_t> ids;
    SequenceBatch batch;
    std::vector<Tensor> expected;
    for (size_t s = 0; s < rows.size(); ++s) {
      const std::vector<int32_t> step = random_ids(size_t(rows[s]), uint32_t(100 + s + ids.size()));
      ids.insert(ids.end(), step.begin(), step.end());
      batch.states.push_back(&together[s]);
      batch.rows.push_back(rows[s]);
      expected.push_back(model.logits(model.forward(model.embed(step), alone[s])));
    }
    const Tensor got = model.logits(model.forward_batch(model.embed(ids), batch));
    int64_t row = 0;
    for (size_t s = 0; s < rows.size(); ++s) {
      const double diff = max_abs_diff(got.slice_rows(row, row + rows[s]), expected[s]);
      std::printf("[ figure ] sequence %zu, %lld rows: max |batched - alone| = %.3g\n", s, (long long)rows[s], diff);
      EXPECT_LT(diff, 1e-5);
      EXPECT_EQ(together[s].position(), alone[s].position());
      row += rows[s];
    }
  }
}

TEST(BatchForward, PositionsFromATensorGiveTheSameSteps) {
  const io::ModelConfig config = io::load_model_config(kModel);
  const io::Checkpoint checkpoint(kModel);
  const TextModel model(checkpoint, config);
  const std::vector<size_t> prompt_lengths = {5, 37};
  std::vector<HybridState> plain, recordable;
  for (size_t s = 0; s < prompt_lengths.size(); ++s) {
    plain.emplace_back(model.spec());
    model.forward(model.embed(random_ids(prompt_lengths[s], uint32_t(7 + s))), plain.back());
    recordable.push_back(plain.back().clone());
  }
  for (const std::vector<int64_t>& rows : {std::vector<int64_t>{1, 3}, {1, 1}, {1, 1}}) {
    std::vector<int32_t> ids;
    SequenceBatch a, b;
    std::vector<int64_t> positions;
    for (size_t s = 0; s < rows.size(); ++s) {
      const std::vector<int32_t> step = random_ids(size_t(rows[s]), uint32_t(200 + s + ids.size()));
      ids.insert(ids.end(), step.begin(), step.end());
      for (int64_t j = 0; j < rows[s]; ++j) positions.push_back(recordable[s].position() + j);
      a.states.push_back(&plain[s]);
      b.states.push_back(&recordable[s]);
      a.rows.push_back(rows[s]);
      b.rows.push_back(rows[s]);
    }
    b.positions = Tensor::zeros(DType::kI64, {int64_t(positions.size())});
    std::copy(positions.begin(), positions.end(), b.positions.data<int64_t>());
    const Tensor want = model.logits(model.forward_batch(model.embed(ids), a));
    const Tensor got = model.logits(model.forward_batch(model.embed(ids), b));
    const double diff = max_abs_diff(got, want);
    std::printf("[ figure ] rows %lld+%lld: max |positions tensor - plain| = %.3g\n", (long long)rows[0],
                (long long)rows[1], diff);
    EXPECT_EQ(diff, 0.0);  // the same kernels on the same numbers
    for (size_t s = 0; s < rows.size(); ++s) {
      EXPECT_EQ(recordable[s].position(), plain[s].position());
      EXPECT_EQ(recordable[s].counters().kv_lengths, plain[s].counters().kv_lengths);
    }
  }
}

}  // namespace
}  // namespace lightvl::text
