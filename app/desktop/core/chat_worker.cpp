#include "core/chat_worker.h"

#include <QFileInfo>
#include <QStringList>

#include <cmath>
#include <new>

#include "core/context_meter.h"
#include "core/sdk_messages.h"
#include "lightvl/system.h"

namespace lightvl::desktop {
namespace {

QString family_name(const ModelInfo& info) {
  if (info.model_type == "minimax_vl_01") return "MiniMax-VL-01";
  if (info.model_type == "minimax_text_01" || info.model_type == "minimax") return "MiniMax-Text-01";
  return QString::fromStdString(info.model_type);
}

QString parameter_count(uint64_t n) {
  if (n >= 1'000'000'000ull) return QString("%1 B").arg(double(n) / 1e9, 0, 'f', 1);
  if (n >= 1'000'000ull) return QString("%1 M").arg(double(n) / 1e6, 0, 'f', 1);
  return QString("%1 K").arg(double(n) / 1e3, 0, 'f', 1);
}

ModelSummary summarize(const ModelInfo& info) {
  ModelSummary s;
  s.directory = QString::fromStdString(info.directory);
  s.name = QFileInfo(s.directory).fileName();
  QString pattern;
  for (const std::string& kind : info.layer_kinds) pattern += kind == "softmax" ? 'S' : 'L';
  s.description = QString("%1 · %2 layers · hidden %3 · %4 experts · %5 parameters · %6")
                      .arg(family_name(info))
                      .arg(info.num_layers)
                      .arg(info.hidden_size)
                      .arg(info.num_experts)
                      .arg(parameter_count(info.parameters), info.has_vision ? "text + images" : "text only");
  QStringList dtypes;
  for (const DTypeBytes& d : info.bytes_by_dtype) {
    dtypes << QString("%1 %2 MiB").arg(QString::fromStdString(d.dtype)).arg(double(d.bytes) / (1 << 20), 0, 'f', 1);
  }
  s.details = QStringList{
      QString("Folder: %1").arg(s.directory),
      QString("Layers: %1 (L = lightning attention, S = softmax attention)").arg(pattern),
      QString("Heads: %1 (%2 KV), head size %3").arg(info.num_heads).arg(info.num_kv_heads).arg(info.head_dim),
      QString("Context: %1 tokens").arg(format_count(info.context_length)),
      QString("Weights: %1").arg(dtypes.join(", ")),
      QString("Chat template: %1").arg(QString::fromStdString(info.chat_template)),
      QString("Config: %1 form, %2").arg(QString::fromStdString(info.config_form),
                                         QString::fromStdString(info.checkpoint_layout))}
                  .join('\n');
  const SystemInfo system = system_info();
  s.backend = info.backend == "cuda" && !system.gpus.empty()
                  ? QString("CUDA · %1").arg(QString::fromStdString(system.gpus.front().name))
                  : QString("CPU · %1 threads").arg(system.cpu_threads);
  s.context_length = info.context_length;
  s.has_vision = info.has_vision;
  return s;
}

AnswerStats stats_of(const GenerationResult& r) {
  AnswerStats s;
  s.prompt_tokens = r.stats.prompt_tokens;
  s.image_tokens = r.stats.image_tokens;
  s.generated_tokens = r.stats.generated_tokens;
  s.time_to_first_token = r.stats.time_to_first_token;
  s.decode_tokens_per_second = r.stats.decode_tokens_per_second();
  s.stop_reason = stop_reason_name(r.stop_reason);
  return s;
}

QString message_of(const std::exception& e) { return QString::fromUtf8(e.what()); }

}  // namespace

ChatWorker::ChatWorker() = default;
ChatWorker::~ChatWorker() = default;

void ChatWorker::load_model(const LoadRequest& request) {
  LoadOptions options;
  options.cpu_threads = request.threads;
  options.memory_budget_bytes = request.memory_budget_bytes;
  options.prefetch_weights = request.prefetch_weights;
  options.backend = request.backend;
  double reported = -1;
  QString last_stage;
  options.progress = [&](float fraction, const std::string& stage) {
    // Report each stage and every whole percent: enough for a smooth bar without flooding the GUI queue.
    const QString s = QString::fromStdString(stage);
    if (s != last_stage || fraction - reported >= 0.01) {
      reported = fraction;
      last_stage = s;
      emit load_progress(fraction, s);
    }
    return !stop_.load();
  };
  try {
    std::shared_ptr<const Model> model = Model::load(request.directory.toStdString(), options);
    // The old model and session stay in use until the new model has loaded.
    session_ = std::make_unique<Session>(model);
    model_ = std::move(model);
    held_conversation_.clear();
    held_.clear();
    emit model_loaded(summarize(model_->info()));
  } catch (const Error& e) {
    emit load_failed(message_of(e), e.code() == ErrorCode::kCancelled);
  } catch (const std::bad_alloc&) {
    emit load_failed("out of memory while loading the model", false);
  } catch (const std::exception& e) {
    emit load_failed(message_of(e), false);
  }
}

void ChatWorker::count_attachment(quint64 key, const Attachment& attachment) {
  if (!session_) return;  // counted again once a model is loaded
  try {
    if (attachment.kind == Attachment::Kind::kImage) {  // the model's own tiling of the file
      emit attachment_counted(key, model_->image_layout(attachment.file.toStdString()).tokens);
      return;
    }
    // Documents and PDF pages: the difference the attachment makes to a one-word message. The Session's
    // own conversation cancels out of the difference.
    const int64_t with = session_->count_tokens({probe_message(attachment)});
    const int64_t without = session_->count_tokens({Message::user(".")});
    emit attachment_counted(key, with - without);
  } catch (const std::exception& e) {
    emit attachment_failed(key, message_of(e));
  }
}

void ChatWorker::measure(const QString& conversation_id, const QString& system_prompt,
                         const QList<ChatMessage>& history) {
  if (!session_) return;
  try {
    const QStringList wanted = fingerprints(system_prompt, history);
    if (held_conversation_ == conversation_id && held_ == wanted) {
      emit measured(conversation_id, session_->position(), {});
      return;
    }
    const std::vector<Message> messages = sync_history(conversation_id, wanted, system_prompt, history);
    emit measured(conversation_id, messages.empty() ? 0 : session_->count_tokens(messages), {});
  } catch (const std::exception& e) {
    emit measured(conversation_id, -1, message_of(e));
  }
}

std::vector<Message> ChatWorker::sync_history(const QString& id, const QStringList& wanted,
                                              const QString& system_prompt, const QList<ChatMessage>& history) {
  if (held_conversation_ == id && held_ == wanted) return {};
  session_->reset();
  held_conversation_ = id;
  held_.clear();
  return to_sdk_messages(system_prompt, history);
}

void ChatWorker::run_turn(const TurnRequest& r) {
  if (!session_) {
    emit turn_failed("No model is loaded: choose a model folder first.", false);
    return;
  }
  if (stop_.load()) {  // stopped while queued: the promise of clear_stop() holds however fast the prefill is
    emit turn_failed("Stopped before the answer began.", true);
    return;
  }
  try {
    const QStringList wanted = fingerprints(r.system_prompt, r.history);
    std::vector<Message> messages = sync_history(r.conversation_id, wanted, r.system_prompt, r.history);
    messages.push_back(to_sdk_message(r.turn));
    TurnSettings settings;
    settings.on_piece = [this](const StreamPiece& p) {
      if (!p.text.empty()) emit piece(QString::fromStdString(p.text));
      return !stop_.load();
    };
    settings.on_prefill = [this](int64_t done, int64_t total) {
      emit prefill_progress(done, total);
      return !stop_.load();
    };
    const GenerationResult result = session_->chat(messages, r.config, settings);
    ChatMessage answer;
    answer.role = ChatMessage::Role::kAssistant;
    answer.text = QString::fromStdString(result.text);
    held_ = wanted;
    held_ << fingerprint(r.turn) << fingerprint(answer);
    emit turn_finished({answer.text, stats_of(result), session_->position()});
  } catch (const Error& e) {
    emit turn_failed(message_of(e), e.code() == ErrorCode::kCancelled);
  } catch (const std::bad_alloc&) {
    emit turn_failed("out of memory: the turn needs more memory than this machine has free", false);
  } catch (const std::exception& e) {
    emit turn_failed(message_of(e), false);
  }
}

}  // namespace lightvl::desktop
