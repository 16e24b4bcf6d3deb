// lightvl public C++ API: one conversation (sequence) over a shared model.
//
// A Session owns its hybrid state (lightning states + KV cache). A new turn prefills only its new tokens;
// the state always equals what replaying the whole conversation from scratch would give. Sessions are
// independent; one Session must not be used from two threads at once, except cancel(), which any thread
// may call at any time. Errors: lightvl::Error (lightvl/error.h); a failed call leaves the conversation
// as it was before the call.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "lightvl/generation.h"
#include "lightvl/message.h"
#include "lightvl/model.h"

namespace lightvl {

namespace engine {
class ChatSession;
struct TurnOptions;
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

// Per-call options of chat() and generate_ids().
struct TurnSettings {
  StreamCallback on_piece;                          // streamed text; may be empty
  std::function<bool(int64_t, int64_t)> on_prefill; // prefill progress (done, total); false cancels
  int64_t chunk_tokens = 512;                       // prefill chunk (bounds activation memory)
};

class Session {
 public:
  // A fresh sequence (position 0) over `model`, which it keeps alive.
  explicit Session(std::shared_ptr<const Model> model);
  ~Session();
  Session(Session&&) noexcept;
  Session& operator=(Session&&) noexcept;

  // Appends `messages` (user turns, optionally a system message first) and generates the assistant's
  // answer, which joins the conversation. Text is tokenised with the checkpoint's tokenizer and chat
  // template; images and documents are loaded now (errors name the file). Throws Error(kInvalidArgument)
  // for a prompt over the context (with the token counts), Error(kOutOfMemory) over the memory budget,
  // Error(kUnsupported) for images on a text-only model or a model without tokenizer files.
  GenerationResult chat(const std::vector<Message>& messages, const GenerationConfig& config = {},
                        const TurnSettings& settings = {});

  // Continues the raw token sequence with `ids` (no chat template) and generates. In a VL model each
  // image placeholder id (ModelInfo::image_token_id) in `ids` stands for one of `images`, in order, and is
  // expanded to that image's token count. The answer's text is decoded when the model has a tokenizer.
  // Throws Error(kInvalidArgument) when placeholders and images differ in number.
  GenerationResult generate_ids(const std::vector<int32_t>& ids, const GenerationConfig& config = {},
                                const TurnSettings& settings = {}, const std::vector<Image>& images = {});

  // Feeds `ids` (placeholders expanded as in generate_ids) after everything fed so far and returns the
  // logits of the fed positions (one row per expanded position with all_logits). Throws
  // Error(kInvalidArgument) for an empty list, ids outside the vocabulary or a placeholder/image count
  // mismatch, leaving the state unchanged.
  Logits feed(const std::vector<int32_t>& ids, const FeedOptions& options = {}, const std::vector<Image>& images = {});

  // Tokens the conversation would hold with `messages` added (images and documents included), without
  // running the model: for context meters and for refusing oversized input early.
  int64_t count_tokens(const std::vector<Message>& messages) const;
  // Positions the model accepts (the checkpoint's max_position_embeddings unless overridden at load).
  int64_t context_length() const;

  // Asks the generation or prefill running in another thread to stop soon (thread-safe). The running call
  // returns with StopReason::kCancelled (generation) or throws Error(kCancelled) (prefill). The request is
  // cleared when the next call starts.
  void cancel();

  // Number of positions in the sequence.
  int64_t position() const;
  // Forgets the conversation and the state (position 0); keeps the model.
  void reset();
  // An independent copy of this conversation and its state (for branching).
  Session fork() const;

 private:
  // Per-call engine options; clears an earlier cancel request.
  engine::TurnOptions turn_options(const GenerationConfig& config, const TurnSettings& settings);

  std::shared_ptr<const Model> model_;
  std::unique_ptr<engine::ChatSession> chat_;
  std::unique_ptr<std::atomic<bool>> cancel_;
};

// Writes `values` (row-major, `shape`) as a float32 NumPy .npy file. Throws Error(kIo) naming the path.
void save_npy(const std::string& path, const std::vector<float>& values, const std::vector<int64_t>& shape);

}  // namespace lightvl
