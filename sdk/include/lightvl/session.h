// lightvl public C++ API: one sequence (conversation) over a shared model.
//
// A Session owns its hybrid state (lightning states + KV cache): feeding tokens continues from where the
// previous call stopped, so a new turn only prefills its new tokens. Sessions are independent; one
// Session must not be used from two threads at once. Errors: lightvl::Error, see lightvl/error.h.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "lightvl/model.h"

namespace lightvl {

namespace text {
class HybridState;
}

// Row-major logits: rows × vocab f32 values.
struct Logits {
  int64_t rows = 0;
  int64_t vocab = 0;
  std::vector<float> values;
  const float* row(int64_t r) const { return values.data() + r * vocab; }
};

struct FeedOptions {
  bool token_by_token = false;  // the decode path (one token per forward pass) instead of chunked prefill
  int64_t chunk_tokens = 512;   // chunk size of the chunked prefill
  bool all_logits = false;      // logits of every fed position, else only the last
  // Progress (positions done, total); return false to cancel (throws Error(kCancelled); the state keeps
  // the positions done so far).
  std::function<bool(int64_t, int64_t)> progress;
};

class Session {
 public:
  // A fresh sequence (position 0) over `model`, which it keeps alive.
  explicit Session(std::shared_ptr<const Model> model);
  ~Session();
  Session(Session&&) noexcept;
  Session& operator=(Session&&) noexcept;

  // Feeds `ids` after everything fed so far and returns their logits (see FeedOptions). Throws
  // Error(kInvalidArgument) for an empty list or ids outside the vocabulary, leaving the state unchanged.
  Logits feed(const std::vector<int32_t>& ids, const FeedOptions& options = {});

  // Number of positions fed so far.
  int64_t position() const;
  // Forgets everything fed (position 0); keeps the model.
  void reset();
  // An independent copy of this sequence's state (for branching a conversation).
  Session fork() const;

 private:
  std::shared_ptr<const Model> model_;
  std::unique_ptr<text::HybridState> state_;
};

// Writes `values` (row-major, `shape`) as a float32 NumPy .npy file. Throws Error(kIo) naming the path.
void save_npy(const std::string& path, const std::vector<float>& values, const std::vector<int64_t>& shape);

}  // namespace lightvl
