// lightvl-chat model layer: the app without its widgets. The controller holds the conversation on screen,
// the attachments waiting in the composer, the settings and the loaded model's summary; it saves through
// the ConversationStore and runs every SDK call on a ChatWorker in its own QThread. Widgets call its
// methods and redraw on its signals; tests drive it directly. Lives on the GUI thread; not thread-safe.
//
// Turn flow: send() stores the user message (so a crash keeps it), queues the turn and streams the answer
// (answer_streamed); turn_finished appends the answer and saves again. A turn refused or stopped before
// its answer began takes the user message back out and returns it to the composer (draft_restored).
#pragma once

#include <QImage>
#include <QObject>
#include <QSet>
#include <QTemporaryDir>
#include <QThread>

#include "core/app_settings.h"
#include "core/chat_worker.h"
#include "core/context_meter.h"
#include "core/conversation.h"
#include "core/conversation_store.h"

namespace lightvl::desktop {

// Largest file the composer accepts (a 300-page PDF is a few MiB; this stops a misplaced disk image).
inline constexpr qint64 kMaxAttachmentBytes = qint64(256) << 20;

class ChatController : public QObject {
  Q_OBJECT

 public:
  enum class State { kNoModel, kLoading, kIdle, kBusy };
  Q_ENUM(State)

  // Conversations are read from and saved to `store_root`. Starts the worker thread.
  explicit ChatController(const QString& store_root, QObject* parent = nullptr);
  // Cancels a running load or answer, then stops and joins the worker thread.
  ~ChatController() override;

  State state() const { return state_; }
  bool has_model() const { return has_model_; }
  const ModelSummary& model() const { return model_; }  // meaningful when has_model()
  const AppSettings& settings() const { return settings_; }
  // Sampling settings apply to the next answer; threads, memory budget and prefetch to the next load.
  void set_settings(const AppSettings& settings);

  // --- model -------------------------------------------------------------------------------------
  // Loads the model folder on the worker (state kLoading, load_progress, then model_changed or error).
  // The previous model stays usable until the new one has loaded. Refused while busy or loading.
  void load_model(const QString& directory);
  void cancel_load();

  // --- conversations -----------------------------------------------------------------------------
  ConversationStore& store() { return store_; }
  // The stored conversations, newest first (unreadable files are skipped and reported through error()).
  QList<ConversationSummary> conversations();
  const Conversation& current() const { return current_; }
  // Starts an empty conversation (saved when its first message is sent). Refused while an answer is
  // being written (it belongs to the open conversation).
  bool new_conversation();
  // Opens stored conversation `id`. Its history is replayed into the Session lazily, with the next turn.
  bool open_conversation(const QString& id);
  bool rename_conversation(const QString& id, const QString& title);
  // Deletes a stored conversation and its attachment copies; deleting the open one starts a new one.
  bool delete_conversation(const QString& id);
  // Writes the open conversation as Markdown to `path` (atomically). False + error() on failure.
  bool export_markdown_to(const QString& path);
  void set_system_prompt(const QString& prompt);

  // --- composing ---------------------------------------------------------------------------------
  const QList<Attachment>& pending() const { return pending_; }
  // Attaches a file: images (PNG, JPEG, BMP, GIF, WebP) as images, anything else as a document read whole
  // (.txt, .md, .pdf, ...). Unreadable, empty or oversized files are refused with error(); files the SDK
  // cannot read are dropped when their token count fails, with the SDK's message.
  bool attach_file(const QString& path);
  // Attaches each page of a PDF as an image (at most kMaxPdfPageImages pages).
  bool attach_pdf_pages(const QString& path);
  // Attaches an in-memory picture (pasted from the clipboard), kept as a PNG.
  bool attach_image(const QImage& image, const QString& name = "pasted image");
  void remove_pending(int index);
  // The composer's text, for the meter's estimate.
  void set_draft(const QString& text);
  // Absolute path of an attachment of the open conversation (stored or pending), for thumbnails.
  QString attachment_path(const Attachment& attachment) const;

  // --- turns -------------------------------------------------------------------------------------
  // Sends `text` with the pending attachments. Refused (false, with error()) without a model, while busy,
  // when nothing would be sent, or when the meter shows the turn would overflow the context.
  bool send(const QString& text);
  // Stops the running answer (or the prefill of a long document) soon. Safe to call at any time.
  void stop();
  // Drops the last answer and answers the last user message again.
  bool regenerate();
  // Takes the last user message (and its answer) out of the conversation and puts its text and
  // attachments back into the composer (draft_restored), to be edited and sent again.
  bool edit_last();

  // --- what the window shows ---------------------------------------------------------------------
  MeterReading meter() const;
  ContextFigures figures() const;
  // The answer being generated so far (empty when idle).
  const QString& streaming_text() const { return streaming_; }

 signals:
  void state_changed(lightvl::desktop::ChatController::State state);
  void load_progress(double fraction, const QString& stage);
  void model_changed();
  void conversation_changed();   // the open conversation's messages, title or system prompt changed
  void conversations_changed();  // the stored list changed
  void pending_changed();
  void meter_changed();
  void answer_streamed(const QString& text_so_far);
  void prefill_progress(qint64 done, qint64 total);
  void answer_finished(const lightvl::desktop::AnswerStats& stats);
  void draft_restored(const QString& text);
  void error(const QString& message);
  void notice(const QString& message);

 private:
  void set_state(State state);
  // Queues `job` on the worker thread.
  template <typename Job>
  void post(Job job);
  void connect_worker();
  void add_pending(Attachment attachment);
  void count_pending(int index);
  void remeasure();
  bool save_current();
  void start_turn();
  QList<ChatMessage> resolved(QList<ChatMessage> messages) const;
  void on_model_loaded(const ModelSummary& summary);
  void on_load_failed(const QString& message, bool cancelled);
  void on_turn_finished(const TurnOutcome& outcome);
  void on_turn_failed(const QString& message, bool cancelled);

  ConversationStore store_;
  AppSettings settings_;
  QThread thread_;
  ChatWorker* worker_;  // lives on thread_; deleted when it finishes
  State state_ = State::kNoModel;
  bool has_model_ = false;
  ModelSummary model_;
  QString loading_dir_;
  Conversation current_;
  bool current_saved_ = false;
  qint64 used_tokens_ = 0;
  QList<Attachment> pending_;
  QList<quint64> pending_keys_;  // parallel to pending_
  // Keys of the attachments of the message sent last (counts can arrive after it was sent).
  QList<quint64> sent_keys_;
  int sent_index_ = -1;  // that message's index in current_.messages
  quint64 next_key_ = 1;
  QString draft_;
  QString streaming_;
  QSet<QString> reported_problems_;  // unreadable stored files already reported
  QTemporaryDir scratch_;  // pasted pictures until they are sent
  int pasted_ = 0;
};

}  // namespace lightvl::desktop
