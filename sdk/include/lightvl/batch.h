// lightvl public C++ API: continuous batching of independent requests (the captioner's engine).
#pragma once

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "lightvl/generation.h"
#include "lightvl/message.h"
#include "lightvl/model.h"

namespace lightvl {

namespace engine {
class BatchGenerator;
}

// Generates answers to many independent one-turn requests at once: each request is prefilled on its own,
// then decoded together with the others, one batched forward pass per step; a finished request leaves
// the batch at once so another can take its place. Results equal Session::chat's for the same request
// (same config and seed). Not thread-safe: drive it from one thread. Errors: lightvl::Error.
class BatchGenerator {
 public:
  explicit BatchGenerator(std::shared_ptr<const Model> model);
  ~BatchGenerator();
  BatchGenerator(BatchGenerator&&) noexcept;
  BatchGenerator& operator=(BatchGenerator&&) noexcept;

  // Prefills `messages` as a new conversation and adds it to the batch; returns its id (0, 1, ...).
  // Throws what Session::chat throws for the request (bad image, over the context ...); the batch is then
  // unchanged.
  int64_t add(const std::vector<Message>& messages, const GenerationConfig& config = {},
              StreamCallback on_piece = {});
  // One decode step for every active request; returns the (id, result) of those that finished.
  std::vector<std::pair<int64_t, GenerationResult>> step();
  // Requests still generating.
  size_t active() const;

 private:
  std::shared_ptr<const Model> model_;
  std::unique_ptr<engine::BatchGenerator> impl_;
};

}  // namespace lightvl
