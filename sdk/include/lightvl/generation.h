// lightvl public C++ API: generation settings, streamed output and statistics.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace lightvl {

// How to pick each next token. Defaults are documented per field; greedy ignores every sampling knob.
// Order of application: repetition/presence/frequency penalties → temperature → top-k → top-p → min-p.
struct GenerationConfig {
  int32_t max_tokens = 256;       // new tokens at most (the answer may stop earlier on a stop condition)
  bool greedy = false;            // argmax decoding (deterministic; same result as temperature → 0)
  float temperature = 0.7f;       // > 0; logits are divided by it
  int32_t top_k = 0;              // keep the k most likely tokens; 0 = off
  float top_p = 0.9f;             // keep the smallest set with cumulative probability ≥ top_p; 1 = off
  float min_p = 0.0f;             // drop tokens below min_p · p(most likely); 0 = off
  float repetition_penalty = 1.0f;  // > 0; seen tokens' logits divided (if > 0) or multiplied (if < 0); 1 = off
  float presence_penalty = 0.0f;    // subtracted once from the logit of every seen token; 0 = off
  float frequency_penalty = 0.0f;   // subtracted per occurrence of a seen token; 0 = off
  int32_t penalty_window = 256;     // how many most recent tokens (prompt included) the penalties see
  int64_t seed = -1;              // RNG seed for sampling; −1 = a fresh random seed per generation
  std::vector<std::string> stop_strings;  // stop when the text ends with one (it is not included)
  std::vector<int32_t> stop_ids;  // stop on these ids (not included); the model's EOS ids always stop
  bool include_stop_token = false;  // keep a matched stop id in the returned ids (text never includes it)
};

// Why generation ended.
enum class StopReason { kMaxTokens, kEndOfSequence, kStopId, kStopString, kCancelled, kContextFull };

// Name of a stop reason ("max_tokens", "eos", "stop_id", "stop_string", "cancelled", "context_full").
const char* stop_reason_name(StopReason reason);

// Figures about one generation call. Times in seconds.
struct GenerationStats {
  int64_t prompt_tokens = 0;   // new positions prefilled by this call (text + image)
  int64_t image_tokens = 0;    // of which image positions
  int64_t generated_tokens = 0;
  double time_to_first_token = 0;  // from the call to the first generated token
  double prefill_seconds = 0;
  double decode_seconds = 0;
  double prefill_tokens_per_second() const { return prefill_seconds > 0 ? prompt_tokens / prefill_seconds : 0; }
  double decode_tokens_per_second() const {
    return decode_seconds > 0 && generated_tokens > 1 ? (generated_tokens - 1) / decode_seconds : 0;
  }
};

// One streamed step: the new token id and the text that became final with it (token is −1 for the last
// piece of a generation when it only releases text held back until the end). `text` is valid UTF-8 and
// may be empty (a multi-byte character or a possible stop string is still incomplete); concatenating every
// piece gives the final answer text exactly.
struct StreamPiece {
  int32_t token = -1;
  std::string text;
};

// Called once per generated token from the generating thread; return false to stop (StopReason
// kCancelled). Must not call back into the same Session.
using StreamCallback = std::function<bool(const StreamPiece&)>;

struct GenerationResult {
  std::vector<int32_t> ids;  // generated ids (stop ids excluded unless include_stop_token)
  std::string text;          // decoded answer (empty when the model has no tokenizer)
  StopReason stop_reason = StopReason::kMaxTokens;
  GenerationStats stats;
};

}  // namespace lightvl
