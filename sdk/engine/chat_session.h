// Engine role: one conversation over a loaded model. It keeps the hybrid state equal to what replaying
// the whole conversation from scratch would give: each turn renders the full conversation, feeds only
// the positions past the longest prefix already in the state, and when the prefix diverges (an answer
// that re-tokenises differently, an edited message) rewinds to the last prompt's snapshot or, failing
// that, starts over. Lightning states cannot be rolled back token by token; the snapshot (lightning
// states + KV lengths) is what makes rewinding cheap.
#pragma once

#include <atomic>
#include <functional>
#include <optional>
#include <vector>

#include "engine/conversation.h"
#include "engine/generator.h"
#include "engine/loaded_model.h"
#include "engine/prefill.h"
#include "lightvl/generation.h"
#include "text/backbone/decode_step.h"
#include "text/backbone/hybrid_state.h"

namespace lightvl::engine {

struct TurnOptions {
  const GenerationConfig* config = nullptr;
  const StreamCallback* on_piece = nullptr;          // may be null
  const std::atomic<bool>* cancel = nullptr;         // may be null
  std::function<bool(int64_t, int64_t)> on_prefill;  // prefill progress (done, total); false cancels
  int64_t chunk_tokens = 512;
  uint64_t memory_budget = 0;                        // bytes for state + KV + activations; 0 = no check
};

// A turn whose prompt is in the state and whose answer is still to be generated: what the batched
// generator decodes together with other sessions' turns. Heap-allocated (the request points into it).
struct PendingTurn {
  Tensor first_logits;                // [1, vocab] f32 on the host: the logits after the prompt
  std::unique_ptr<TextStream> text;   // incremental detokenizer (null without a tokenizer)
  DecodeRequest request;              // sampling and stopping for the answer
  GenerationStats stats;              // prefill figures so far
  bool joins_conversation = false;    // a chat turn: the answer is appended to the conversation
};

// Raw ids with their images resolved and placeholders expanded (see ChatSession::continue_ids).
struct RawPrompt {
  std::vector<vision::PreprocessedImage> images;
  PromptPlan plan;  // the whole sequence: what the state holds, then the new ids; points into `images`
};

class ChatSession {
 public:
  // `model` must outlive the session.
  explicit ChatSession(const LoadedModel& model);

  // Appends `messages` to the conversation, then generates the assistant's answer (which is appended to
  // the conversation too). Throws before touching the state for unreadable attachments, a prompt that
  // does not fit the context or the memory budget (Error kInvalidArgument / kOutOfMemory with the
  // figures), and Error(kCancelled) when prefill is cancelled (the conversation is then unchanged).
  GenerationResult chat(const std::vector<Message>& messages, const TurnOptions& options);

  // Continues the raw sequence with `ids` (no chat template; image placeholders expanded for `images`, in
  // order) and generates. Throws like chat().
  GenerationResult continue_ids(const std::vector<int32_t>& ids, const std::vector<Image>& images,
                                const TurnOptions& options);

  // The two halves of chat() / continue_ids(), for callers that decode several sessions together:
  // begin_* prefills the prompt and returns the pending turn; the caller runs a SequenceDecoder over
  // state() with turn->request; end_turn() records the outcome and returns the result. `options` must
  // outlive the turn.
  std::unique_ptr<PendingTurn> begin_chat(const std::vector<Message>& messages, const TurnOptions& options);
  std::unique_ptr<PendingTurn> begin_ids(const std::vector<int32_t>& ids, const std::vector<Image>& images,
                                         const TurnOptions& options);
  GenerationResult end_turn(PendingTurn& turn, DecodeOutcome outcome);
  text::HybridState& state() { return state_; }
  const LoadedModel& model() const { return *model_; }

  // Feeds raw ids (placeholders expanded for `images`) and returns their logits (see prefill).
  Tensor feed(const std::vector<int32_t>& ids, const std::vector<Image>& images, const PrefillOptions& options);

  // How many tokens the conversation plus `messages` would occupy (images and documents included) without
  // running anything; for context meters. Throws like chat() for unreadable attachments.
  int64_t count_tokens(const std::vector<Message>& messages) const;

  int64_t position() const { return state_.position() + (unfed_ >= 0 ? 1 : 0); }
  void reset();
  ChatSession fork() const;
  int64_t context_length() const { return model_->context_length; }

 private:
  // Brings the state to `ids` (feeding what is missing) and returns the logits of the last position.
  Tensor sync_to(const PromptPlan& plan, const TurnOptions& options, GenerationStats& stats);
  std::unique_ptr<PendingTurn> pending_turn(Tensor first_logits, const std::vector<int32_t>& prompt,
                                            const TurnOptions& options, GenerationStats stats) const;
  void check_budget(int64_t prompt_tokens, const TurnOptions& options) const;
  RawPrompt raw_prompt(const std::vector<int32_t>& ids, const std::vector<Image>& images) const;

  const LoadedModel* model_;
  text::HybridState state_;
  text::DecodeStep decode_step_;  // keeps its recorded decode graph across turns
  std::vector<ResolvedMessage> conversation_;
  std::vector<int32_t> fed_;    // ids whose positions the state holds
  int32_t unfed_ = -1;          // sampled last, not yet fed (fed on demand by the next turn)
  std::optional<text::HybridState::Snapshot> snapshot_;  // taken at the end of the last prompt
};

}  // namespace lightvl::engine
