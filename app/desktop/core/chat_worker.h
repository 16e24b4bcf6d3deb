// lightvl-chat model layer: every SDK call of the app, on one worker thread. The worker owns the loaded
// lightvl::Model and the one lightvl::Session the app uses; the controller moves it to a QThread, starts
// jobs with queued calls (QMetaObject::invokeMethod) and gets results back through queued signals, so the
// GUI thread never waits on the model. Jobs run one at a time, in the order they were queued.
//
// The Session is a cache of the conversation on screen, not its owner: the worker remembers which messages
// it holds (their fingerprints) and, when a turn arrives for another conversation or an edited history
// (reopened, regenerated, edited), resets the Session and replays the history within that same chat() call.
// The SDK guarantees a replayed Session is in the state the original turns left, so this is exact.
#pragma once

#include <QObject>
#include <QString>
#include <QStringList>

#include <atomic>
#include <memory>

#include "core/conversation.h"
#include "lightvl/generation.h"
#include "lightvl/model.h"
#include "lightvl/session.h"

namespace lightvl::desktop {

// What the app shows about a loaded model (from Model::info() and system_info()).
struct ModelSummary {
  QString directory;
  QString name;         // the folder's name
  QString description;  // one line: family, layers, hidden size, experts, parameters, vision or text-only
  QString details;      // several lines for a tooltip: context, dtypes, chat template, ...
  QString backend;      // where it runs: "CPU · 2 threads" or "CUDA · <GPU>"
  qint64 context_length = 0;
  bool has_vision = false;
};

// How to load a model (from the settings).
struct LoadRequest {
  QString directory;
  int threads = 0;
  quint64 memory_budget_bytes = 0;
  bool prefetch_weights = false;
  lightvl::Backend backend = lightvl::Backend::kCpu;
};

// One user turn to answer. Attachment files are absolute paths.
struct TurnRequest {
  QString conversation_id;
  QString system_prompt;
  QList<ChatMessage> history;  // the conversation before `turn`
  ChatMessage turn;            // the user message to answer
  lightvl::GenerationConfig config;
};

// An answer that ended (normally, at max tokens, or stopped by the user).
struct TurnOutcome {
  QString text;
  AnswerStats stats;
  qint64 position = 0;  // Session::position() afterwards: the tokens the conversation holds
};

class ChatWorker : public QObject {
  Q_OBJECT

 public:
  ChatWorker();
  ~ChatWorker() override;

  // Asks the running load or turn to stop at its next progress or token callback (the SDK then cancels
  // the load, the prefill or the answer). Thread-safe: called from the GUI thread.
  void request_stop() { stop_.store(true); }
  // Clears a stop request. Thread-safe; the controller calls it before queuing a job, so a stop pressed
  // after that (even before the job starts) is never lost.
  void clear_stop() { stop_.store(false); }

  // The jobs. Call them on the worker's thread only (queued). Each reports through the signals below.
  void load_model(const LoadRequest& request);
  void count_attachment(quint64 key, const Attachment& attachment);
  void measure(const QString& conversation_id, const QString& system_prompt, const QList<ChatMessage>& history);
  void run_turn(const TurnRequest& request);

 signals:
  void load_progress(double fraction, const QString& stage);
  void model_loaded(const lightvl::desktop::ModelSummary& summary);
  // `message` is the lightvl::Error message; `cancelled` when the user stopped the load.
  void load_failed(const QString& message, bool cancelled);
  // Tokens attachment `key` costs.
  void attachment_counted(quint64 key, qint64 tokens);
  void attachment_failed(quint64 key, const QString& message);
  // Tokens conversation `id` holds (or will once replayed); −1 with `error` when it cannot be counted.
  void measured(const QString& conversation_id, qint64 tokens, const QString& error);
  void prefill_progress(qint64 done, qint64 total);
  void piece(const QString& text);
  void turn_finished(const lightvl::desktop::TurnOutcome& outcome);
  // The turn did not run or was stopped before its answer began; the Session is as it was before it.
  void turn_failed(const QString& message, bool cancelled);

 private:
  // Makes the Session hold exactly conversation `id` with `wanted` fingerprints or nothing; returns the
  // SDK messages that must be sent before a new turn (the whole history after a reset, else nothing).
  std::vector<lightvl::Message> sync_history(const QString& id, const QStringList& wanted, const QString& system_prompt,
                                             const QList<ChatMessage>& history);

  std::atomic<bool> stop_{false};
  std::shared_ptr<const lightvl::Model> model_;
  std::unique_ptr<lightvl::Session> session_;
  QString held_conversation_;  // which conversation the Session holds
  QStringList held_;           // fingerprints of what it holds (system prompt first); empty = nothing
};

}  // namespace lightvl::desktop
