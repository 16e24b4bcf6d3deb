// Chat sessions. The invariant: `fed_` lists exactly the ids whose positions `state_` holds (the unfed
// last answer token excepted), so every turn can compare the full re-rendered prompt with `fed_` and
// feed only the difference. Rewinding uses the snapshot taken at the end of the previous prompt: the
// lightning states cannot be unwound token by token, but a snapshot of them (constant size) plus the KV
// lengths restores any earlier prompt end exactly. Any failure after the state moved re-establishes the
// invariant before the error propagates.
#include "engine/chat_session.h"

#include <algorithm>
#include <chrono>
#include <cstring>

#include "core/error.h"
#include "engine/generator.h"
#include "engine/memory_estimate.h"
#include "engine/multimodal_prompt.h"
#include "tokenizer/streaming_detokenizer.h"

namespace lightvl::engine {
namespace {

using Clock = std::chrono::steady_clock;

// TextStream over the tokenizer's streaming detokenizer.
class DetokenizerStream final : public TextStream {
 public:
  explicit DetokenizerStream(const text::Tokenizer& tokenizer) : detok_(tokenizer, /*skip_special=*/true) {}
  std::string push(int32_t id) override { return detok_.push(text::TokenId(id)); }
  std::string flush() override { return detok_.finish(); }

 private:
  text::StreamingDetokenizer detok_;
};

// An empty sequence state matching the model's device and activation dtype.
text::HybridState fresh_state(const LoadedModel& model) {
  return text::HybridState(model.text->spec(), model.text->device(), model.text->activation_dtype());
}

size_t common_prefix(const std::vector<int32_t>& a, const std::vector<int32_t>& b) {
  const size_t n = std::min(a.size(), b.size());
  size_t i = 0;
  while (i < n && a[i] == b[i]) ++i;
  return i;
}

}  // namespace

ChatSession::ChatSession(const LoadedModel& model)
    : model_(&model), state_(fresh_state(model)), decode_step_(*model.text) {}

void ChatSession::reset() {
  state_ = fresh_state(*model_);
  conversation_.clear();
  fed_.clear();
  unfed_ = -1;
  snapshot_.reset();
}

ChatSession ChatSession::fork() const {
  ChatSession copy(*model_);
  copy.state_ = state_.clone();
  copy.conversation_ = conversation_;
  copy.fed_ = fed_;
  copy.unfed_ = unfed_;
  copy.snapshot_ = snapshot_;
  return copy;
}

void ChatSession::check_budget(int64_t prompt_tokens, const TurnOptions& options) const {
  const int64_t needed = prompt_tokens + options.config->max_tokens;
  if (model_->context_length > 0 && needed > model_->context_length) {
    fail(ErrorCode::kInvalidArgument,
         "the conversation needs " + std::to_string(prompt_tokens) + " prompt tokens + " +
             std::to_string(options.config->max_tokens) + " new tokens = " + std::to_string(needed) +
             ", more than the model's context of " + std::to_string(model_->context_length) +
             " tokens; shorten the documents or images, start a new conversation, or raise the context length");
  }
  if (options.memory_budget > 0) {
    const MemoryEstimate m = estimate_memory(model_->text->spec(), 0, needed, 4, options.chunk_tokens);
    if (m.total() > options.memory_budget) {
      fail(ErrorCode::kOutOfMemory,
           "the conversation needs about " + std::to_string(m.total() >> 20) + " MiB for " + std::to_string(needed) +
               " tokens of state, more than the memory budget of " + std::to_string(options.memory_budget >> 20) +
               " MiB; shorten the input or raise the budget");
    }
  }
}

Tensor ChatSession::sync_to(const PromptPlan& plan, const TurnOptions& options, GenerationStats& stats) {
  require(!plan.ids.empty(), ErrorCode::kInvalidArgument, "the prompt is empty");
  // Keep the longest prefix already in the state, but always re-feed at least the last position (its
  // logits start the answer; they are not stored anywhere).
  size_t keep = std::min(common_prefix(fed_, plan.ids), plan.ids.size() - 1);
  // An image must be fed whole: never resume inside one.
  for (size_t i = 0; i < plan.images.size(); ++i) {
    const int64_t begin = plan.image_offsets[i], end = begin + plan.images[i]->plan.num_tokens;
    if (int64_t(keep) > begin && int64_t(keep) < end) keep = size_t(begin);
  }
  if (keep < fed_.size()) {  // the state holds positions the new prompt does not: rewind
    if (snapshot_ && size_t(snapshot_->position) <= keep) {
      state_.restore(*snapshot_);
      keep = size_t(snapshot_->position);
    } else {
      state_ = fresh_state(*model_);
      keep = 0;
    }
    fed_.resize(keep);
  }
  unfed_ = -1;

  std::vector<EmbeddingRun> runs;
  for (size_t i = 0; i < plan.images.size(); ++i) {
    if (plan.image_offsets[i] < int64_t(keep)) continue;
    runs.push_back({plan.image_offsets[i] - int64_t(keep), model_->image_encoder->encode(*plan.images[i])});
    stats.image_tokens += plan.images[i]->plan.num_tokens;
  }
  const std::vector<int32_t> fresh(plan.ids.begin() + int64_t(keep), plan.ids.end());
  PrefillOptions p;
  p.chunk_tokens = options.chunk_tokens;
  p.progress = options.on_prefill;
  const Clock::time_point start = Clock::now();
  Tensor logits;
  try {
    logits = prefill(*model_->text, fresh, state_, p, runs);
  } catch (...) {
    // Cancelled or failed part-way: record exactly what the state now holds, so the next turn resumes
    // from (or rewinds past) it correctly.
    fed_.assign(plan.ids.begin(), plan.ids.begin() + state_.position());
    throw;
  }
  stats.prefill_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  stats.prompt_tokens = int64_t(fresh.size());
  fed_ = plan.ids;
  snapshot_ = state_.snapshot();
  return logits;
}

std::unique_ptr<PendingTurn> ChatSession::pending_turn(Tensor first_logits, const std::vector<int32_t>& prompt,
                                                       const TurnOptions& options, GenerationStats stats) const {
  auto turn = std::make_unique<PendingTurn>();
  turn->first_logits = std::move(first_logits);
  if (model_->tokenizer) turn->text = std::make_unique<DetokenizerStream>(*model_->tokenizer);
  DecodeRequest& request = turn->request;
  request.config = options.config;
  request.end_ids = model_->end_ids;
  const size_t window = size_t(std::max(0, options.config->penalty_window));
  request.history.assign(prompt.end() - int64_t(std::min(window, prompt.size())), prompt.end());
  request.max_context = model_->context_length;
  request.text = turn->text.get();
  request.on_piece = options.on_piece;
  request.cancel = options.cancel;
  turn->stats = stats;
  return turn;
}

GenerationResult ChatSession::end_turn(PendingTurn& turn, DecodeOutcome outcome) {
  GenerationResult& r = outcome.result;
  // Every kept id but the last sampled one went through the state.
  const size_t fed_answer = r.ids.size() - (outcome.unfed_token >= 0 ? 1 : 0);
  fed_.insert(fed_.end(), r.ids.begin(), r.ids.begin() + int64_t(fed_answer));
  unfed_ = outcome.unfed_token;
  const double decode_seconds = r.stats.decode_seconds, first = r.stats.time_to_first_token;
  r.stats = turn.stats;
  r.stats.generated_tokens = int64_t(r.ids.size());
  r.stats.decode_seconds = decode_seconds;
  r.stats.time_to_first_token = turn.stats.prefill_seconds + first;
  if (turn.joins_conversation) {
    ResolvedMessage answer;
    answer.chat.role = "assistant";
    answer.chat.content.push_back(text::ContentPart{text::ContentPart::Type::kText, r.text, {}});
    conversation_.push_back(std::move(answer));
  }
  return r;
}

std::unique_ptr<PendingTurn> ChatSession::begin_chat(const std::vector<Message>& messages, const TurnOptions& options) {
  std::vector<ResolvedMessage> candidate = conversation_;
  for (const Message& m : messages) candidate.push_back(resolve_message(*model_, m));
  const PromptPlan plan = plan_prompt(*model_, candidate);
  check_budget(int64_t(plan.ids.size()), options);
  GenerationStats stats;
  Tensor logits = sync_to(plan, options, stats);
  conversation_ = std::move(candidate);
  std::unique_ptr<PendingTurn> turn = pending_turn(std::move(logits), plan.ids, options, stats);
  turn->joins_conversation = true;
  return turn;
}

GenerationResult ChatSession::chat(const std::vector<Message>& messages, const TurnOptions& options) {
  std::unique_ptr<PendingTurn> turn = begin_chat(messages, options);
  return end_turn(*turn, decode(decode_step_, state_, turn->first_logits.data<float>(), turn->request));
}

RawPrompt ChatSession::raw_prompt(const std::vector<int32_t>& ids, const std::vector<Image>& images) const {
  require(!ids.empty(), ErrorCode::kInvalidArgument, "the prompt is empty: pass at least one token id");
  RawPrompt raw;
  for (const Image& image : images) raw.images.push_back(load_image(*model_, image));
  std::vector<int64_t> counts;
  for (const vision::PreprocessedImage& image : raw.images) counts.push_back(image.plan.num_tokens);
  const std::vector<int32_t> expanded =
      model_->image_token_id >= 0 ? expand_image_placeholders(ids, model_->image_token_id, counts) : ids;
  require(!images.empty() || model_->image_token_id < 0 ||
              count_image_placeholders(ids, model_->image_token_id) == 0,
          ErrorCode::kInvalidArgument, "the ids hold image placeholders but no image was given");
  raw.plan.ids = fed_;
  if (unfed_ >= 0) raw.plan.ids.push_back(unfed_);
  const int64_t base = int64_t(raw.plan.ids.size());
  raw.plan.ids.insert(raw.plan.ids.end(), expanded.begin(), expanded.end());
  for (int64_t offset : image_run_offsets(expanded, model_->image_token_id, counts)) {
    raw.plan.image_offsets.push_back(base + offset);
  }
  for (size_t i = 0; i < raw.images.size(); ++i) {
    raw.plan.images.push_back(&raw.images[i]);
    raw.plan.image_tokens += counts[i];
  }
  return raw;
}

std::unique_ptr<PendingTurn> ChatSession::begin_ids(const std::vector<int32_t>& ids, const std::vector<Image>& images,
                                                    const TurnOptions& options) {
  const RawPrompt raw = raw_prompt(ids, images);
  const PromptPlan& plan = raw.plan;
  check_budget(int64_t(plan.ids.size()), options);
  GenerationStats stats;
  Tensor logits = sync_to(plan, options, stats);
  conversation_.clear();  // raw ids are outside any chat template
  return pending_turn(std::move(logits), plan.ids, options, stats);
}

GenerationResult ChatSession::continue_ids(const std::vector<int32_t>& ids, const std::vector<Image>& images,
                                           const TurnOptions& options) {
  std::unique_ptr<PendingTurn> turn = begin_ids(ids, images, options);
  return end_turn(*turn, decode(decode_step_, state_, turn->first_logits.data<float>(), turn->request));
}

Tensor ChatSession::feed(const std::vector<int32_t>& ids, const std::vector<Image>& images,
                         const PrefillOptions& options) {
  const RawPrompt raw = raw_prompt(ids, images);
  const int64_t start = int64_t(fed_.size());  // the unfed token, if any, is fed first
  const std::vector<int32_t> fresh(raw.plan.ids.begin() + start, raw.plan.ids.end());
  std::vector<EmbeddingRun> runs;
  for (size_t i = 0; i < raw.images.size(); ++i) {
    runs.push_back({raw.plan.image_offsets[i] - start, model_->image_encoder->encode(raw.images[i])});
  }
  Tensor logits = prefill(*model_->text, fresh, state_, options, runs);
  if (unfed_ >= 0 && options.all_logits) logits = logits.slice_rows(1, logits.dim(0));
  fed_ = raw.plan.ids;
  unfed_ = -1;
  return logits;
}

int64_t ChatSession::count_tokens(const std::vector<Message>& messages) const {
  std::vector<ResolvedMessage> candidate = conversation_;
  for (const Message& m : messages) candidate.push_back(resolve_message(*model_, m));
  return int64_t(plan_prompt(*model_, candidate).ids.size());
}

}  // namespace lightvl::engine
