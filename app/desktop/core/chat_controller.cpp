#include "core/chat_controller.h"

#include <QFileInfo>
#include <QHash>
#include <QSet>
#include <QSaveFile>

#include <algorithm>

#include "core/markdown_export.h"
#include "core/pdf_pages.h"

namespace lightvl::desktop {
namespace {

bool is_image_file(const QString& path) {
  static const QStringList kImageSuffixes{"png", "jpg", "jpeg", "bmp", "gif", "webp"};
  return kImageSuffixes.contains(QFileInfo(path).suffix().toLower());
}

// Refuses a file the composer should not take, saying why; empty when it is acceptable.
QString check_file(const QString& path) {
  const QFileInfo info(path);
  if (!info.exists()) return QString("%1 does not exist").arg(path);
  if (!info.isFile() || !info.isReadable()) return QString("%1 is not a readable file").arg(path);
  if (info.size() == 0) return QString("%1 is empty").arg(info.fileName());
  if (info.size() > kMaxAttachmentBytes) {
    return QString("%1 is too large to attach (%2 MiB; the limit is %3 MiB)")
        .arg(info.fileName())
        .arg(info.size() >> 20)
        .arg(kMaxAttachmentBytes >> 20);
  }
  return {};
}

}  // namespace

ChatController::ChatController(const QString& store_root, QObject* parent)
    : QObject(parent), store_(store_root), worker_(new ChatWorker) {
  worker_->moveToThread(&thread_);
  connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);
  connect_worker();
  thread_.start();
  new_conversation();
}

ChatController::~ChatController() {
  worker_->request_stop();  // a running load or answer ends at its next callback
  thread_.quit();
  thread_.wait();
}

template <typename Job>
void ChatController::post(Job job) {
  QMetaObject::invokeMethod(worker_, std::move(job), Qt::QueuedConnection);
}

void ChatController::connect_worker() {
  // `this` lives on the GUI thread and the worker on thread_, so every connection here is queued.
  connect(worker_, &ChatWorker::load_progress, this, &ChatController::load_progress);
  connect(worker_, &ChatWorker::model_loaded, this, &ChatController::on_model_loaded);
  connect(worker_, &ChatWorker::load_failed, this, &ChatController::on_load_failed);
  connect(worker_, &ChatWorker::attachment_counted, this, [this](quint64 key, qint64 tokens) {
    const int i = int(pending_keys_.indexOf(key));
    if (i >= 0) {
      pending_[i].tokens = tokens;
      emit pending_changed();
      emit meter_changed();
      return;
    }
    // Sent before its count came back: record the count on the sent message (saved with the answer).
    const int j = int(sent_keys_.indexOf(key));
    if (j >= 0 && sent_index_ >= 0 && sent_index_ < current_.messages.size() &&
        j < current_.messages[sent_index_].attachments.size()) {
      current_.messages[sent_index_].attachments[j].tokens = tokens;
      emit conversation_changed();
    }
  });
  connect(worker_, &ChatWorker::attachment_failed, this, [this](quint64 key, const QString& message) {
    const int i = int(pending_keys_.indexOf(key));
    if (i < 0) return;
    const QString name = pending_[i].name;
    remove_pending(i);
    emit error(QString("Cannot attach %1: %2").arg(name, message));
  });
  connect(worker_, &ChatWorker::measured, this, [this](const QString& id, qint64 tokens, const QString& why) {
    if (id != current_.id) return;
    used_tokens_ = std::max<qint64>(tokens, 0);
    if (!why.isEmpty()) emit error(QString("This conversation cannot be replayed: %1").arg(why));
    emit meter_changed();
  });
  connect(worker_, &ChatWorker::prefill_progress, this, &ChatController::prefill_progress);
  connect(worker_, &ChatWorker::piece, this, [this](const QString& text) {
    streaming_ += text;
    emit answer_streamed(streaming_);
  });
  connect(worker_, &ChatWorker::turn_finished, this, &ChatController::on_turn_finished);
  connect(worker_, &ChatWorker::turn_failed, this, &ChatController::on_turn_failed);
}

void ChatController::set_state(State state) {
  if (state_ == state) return;
  state_ = state;
  emit state_changed(state);
}

void ChatController::set_settings(const AppSettings& settings) {
  settings_ = settings;
  emit meter_changed();  // max tokens is the room kept for the answer
}

// --- model ---------------------------------------------------------------------------------------

void ChatController::load_model(const QString& directory) {
  if (state_ == State::kLoading || state_ == State::kBusy) {
    emit error("Wait for the current answer or load to finish (or stop it) before loading a model.");
    return;
  }
  loading_dir_ = QFileInfo(directory).absoluteFilePath();  // remembered between runs: never relative
  set_state(State::kLoading);
  LoadRequest request{loading_dir_, settings_.threads, quint64(settings_.memory_budget_mib) << 20,
                      settings_.prefetch_weights, settings_.backend};
  worker_->clear_stop();
  post([w = worker_, request] { w->load_model(request); });
}

void ChatController::cancel_load() {
  if (state_ == State::kLoading) worker_->request_stop();
}

void ChatController::on_model_loaded(const ModelSummary& summary) {
  model_ = summary;
  has_model_ = true;
  settings_.last_model_dir = summary.directory;
  set_state(State::kIdle);
  // Token counts depend on the model: count the waiting attachments and the conversation again.
  for (int i = 0; i < pending_.size(); ++i) {
    pending_[i].tokens = -1;
    count_pending(i);
  }
  remeasure();
  emit model_changed();
  emit pending_changed();
  emit meter_changed();
}

void ChatController::on_load_failed(const QString& message, bool cancelled) {
  set_state(has_model_ ? State::kIdle : State::kNoModel);
  if (cancelled) {
    emit notice("Loading cancelled.");
  } else {
    emit error(QString("Could not load the model in %1: %2").arg(loading_dir_, message));
  }
}

// --- conversations -------------------------------------------------------------------------------

QList<ConversationSummary> ChatController::conversations() {
  QStringList problems;
  const QList<ConversationSummary> list = store_.list(&problems);
  for (const QString& p : problems) {
    if (reported_problems_.contains(p)) continue;  // the list is re-read often: say it once
    reported_problems_.insert(p);
    emit error(QString("Skipped a saved conversation: %1").arg(p));
  }
  return list;
}

bool ChatController::new_conversation() {
  if (state_ == State::kBusy) {
    emit error("Stop the current answer before starting a new chat.");
    return false;
  }
  sent_keys_.clear();
  current_ = Conversation{};
  current_.id = new_conversation_id();
  current_.created = current_.updated = QDateTime::currentDateTimeUtc();
  current_saved_ = false;
  used_tokens_ = 0;
  emit conversation_changed();
  emit meter_changed();
  return true;
}

bool ChatController::open_conversation(const QString& id) {
  if (state_ == State::kBusy) {
    emit error("Stop the current answer before opening another conversation.");
    return false;
  }
  Conversation c;
  QString why;
  if (!store_.load(id, &c, &why)) {
    emit error(QString("Cannot open the conversation: %1").arg(why));
    return false;
  }
  current_ = c;
  current_saved_ = true;
  sent_keys_.clear();
  used_tokens_ = 0;
  remeasure();
  emit conversation_changed();
  emit meter_changed();
  return true;
}

bool ChatController::rename_conversation(const QString& id, const QString& title) {
  QString why;
  if (id == current_.id) {
    current_.title = title;
    emit conversation_changed();
    if (!current_saved_) return true;
    if (!save_current()) return false;
  } else if (!store_.rename(id, title, &why)) {
    emit error(QString("Cannot rename the conversation: %1").arg(why));
    return false;
  }
  emit conversations_changed();
  return true;
}

bool ChatController::delete_conversation(const QString& id) {
  if (id == current_.id && state_ == State::kBusy) {
    emit error("Stop the current answer before deleting this conversation.");
    return false;
  }
  QString why;
  if (!store_.remove(id, &why)) {
    emit error(QString("Cannot delete the conversation: %1").arg(why));
    return false;
  }
  if (id == current_.id) new_conversation();
  emit conversations_changed();
  return true;
}

bool ChatController::export_markdown_to(const QString& path) {
  QSaveFile file(path);
  if (file.open(QIODevice::WriteOnly)) {
    file.write(export_markdown(current_).toUtf8());
    if (file.commit()) return true;
  }
  emit error(QString("Cannot write %1: %2").arg(path, file.errorString()));
  return false;
}

void ChatController::set_system_prompt(const QString& prompt) {
  if (prompt == current_.system_prompt) return;
  current_.system_prompt = prompt;
  if (current_saved_) save_current();
  remeasure();  // the worker replays the history with the new prompt at the next turn
}

bool ChatController::save_current() {
  current_.updated = QDateTime::currentDateTimeUtc();
  QString why;
  if (!store_.save(current_, &why)) {
    emit error(QString("Cannot save the conversation: %1").arg(why));
    return false;
  }
  current_saved_ = true;
  return true;
}

void ChatController::remeasure() {
  if (!has_model_ || state_ == State::kLoading) return;
  post([w = worker_, id = current_.id, prompt = current_.system_prompt, history = resolved(current_.messages)] {
    w->measure(id, prompt, history);
  });
}

// --- composing -----------------------------------------------------------------------------------

void ChatController::add_pending(Attachment attachment) {
  pending_.push_back(attachment);
  pending_keys_.push_back(next_key_++);
  count_pending(int(pending_.size()) - 1);
  emit pending_changed();
  emit meter_changed();
}

void ChatController::count_pending(int index) {
  if (!has_model_) return;  // counted when a model loads
  post([w = worker_, key = pending_keys_[index], a = pending_[index]] { w->count_attachment(key, a); });
}

bool ChatController::attach_file(const QString& path) {
  const QString problem = check_file(path);
  if (!problem.isEmpty()) {
    emit error(QString("Cannot attach: %1.").arg(problem));
    return false;
  }
  Attachment a;
  a.kind = is_image_file(path) ? Attachment::Kind::kImage : Attachment::Kind::kDocument;
  a.file = QFileInfo(path).absoluteFilePath();
  a.name = QFileInfo(path).fileName();
  add_pending(a);
  return true;
}

bool ChatController::attach_pdf_pages(const QString& path) {
  QString problem = check_file(path);
  const int pages = problem.isEmpty() ? pdf_page_count(path, &problem) : -1;
  if (pages <= 0) {
    emit error(QString("Cannot attach the pages of %1: %2.").arg(QFileInfo(path).fileName(),
                                                                 problem.isEmpty() ? "it has no pages" : problem));
    return false;
  }
  const int count = std::min(pages, kMaxPdfPageImages);
  for (int page = 0; page < count; ++page) {
    add_pending({Attachment::Kind::kPdfPage, QFileInfo(path).absoluteFilePath(),
                 QString("%1 p. %2").arg(QFileInfo(path).fileName()).arg(page + 1), page, -1});
  }
  if (count < pages) {
    emit notice(QString("Attached the first %1 of %2 pages as images; attach the PDF as a document for all of its text.")
                    .arg(count)
                    .arg(pages));
  }
  return true;
}

bool ChatController::attach_image(const QImage& image, const QString& name) {
  const QString path = scratch_.filePath(QString("pasted-%1.png").arg(++pasted_));
  if (image.isNull() || !scratch_.isValid() || !image.save(path, "PNG")) {
    emit error("Cannot attach the pasted picture: it could not be saved as PNG.");
    return false;
  }
  Attachment a{Attachment::Kind::kImage, path, name, 0, -1};
  add_pending(a);
  return true;
}

void ChatController::remove_pending(int index) {
  if (index < 0 || index >= pending_.size()) return;
  pending_.removeAt(index);
  pending_keys_.removeAt(index);
  emit pending_changed();
  emit meter_changed();
}

void ChatController::set_draft(const QString& text) {
  draft_ = text;
  emit meter_changed();
}

QString ChatController::attachment_path(const Attachment& attachment) const {
  return store_.attachment_path(current_.id, attachment);
}

QList<ChatMessage> ChatController::resolved(QList<ChatMessage> messages) const {
  for (ChatMessage& m : messages) {
    for (Attachment& a : m.attachments) a.file = attachment_path(a);
  }
  return messages;
}

ContextFigures ChatController::figures() const {
  ContextFigures f;
  f.context_length = has_model_ ? model_.context_length : 0;
  f.used = used_tokens_;
  for (const Attachment& a : pending_) {
    if (a.tokens >= 0) f.attachments += a.tokens;
    else ++f.uncounted;
  }
  f.draft = estimate_text_tokens(draft_);
  f.reserve = settings_.max_tokens;
  return f;
}

MeterReading ChatController::meter() const { return read_meter(figures()); }

// --- turns ---------------------------------------------------------------------------------------

bool ChatController::send(const QString& text) {
  if (state_ != State::kIdle) {
    emit error(state_ == State::kBusy ? "An answer is still being written: wait for it or press Stop."
               : state_ == State::kLoading ? "The model is still loading."
                                           : "Load a model first: File ▸ Open model folder.");
    return false;
  }
  if (text.trimmed().isEmpty() && pending_.isEmpty()) return false;
  const MeterReading reading = meter();
  if (reading.level == MeterLevel::kOverflow) {
    emit error(reading.warning);
    return false;
  }
  ChatMessage user{ChatMessage::Role::kUser, text.trimmed(), pending_, false, {}};
  // Copy the attachments into the conversation's folder; pages of one PDF share one copy.
  QHash<QString, QString> copies;
  for (Attachment& a : user.attachments) {
    if (copies.contains(a.file)) {
      a.file = copies[a.file];
      continue;
    }
    const QString source = a.file;
    QString why;
    if (!store_.import_attachment(current_.id, &a, &why)) {
      emit error(QString("Cannot keep %1 with the conversation: %2").arg(a.name, why));
      return false;
    }
    copies[source] = a.file;
  }
  if (current_.title.isEmpty()) {
    current_.title = title_from_text(user.text.isEmpty() ? user.attachments.front().name : user.text);
  }
  current_.messages.push_back(user);
  save_current();
  sent_keys_ = pending_keys_;
  sent_index_ = int(current_.messages.size()) - 1;
  pending_.clear();
  pending_keys_.clear();
  draft_.clear();
  emit pending_changed();
  emit conversation_changed();
  emit conversations_changed();
  start_turn();
  return true;
}

void ChatController::start_turn() {
  TurnRequest request;
  request.conversation_id = current_.id;
  request.system_prompt = current_.system_prompt;
  request.history = resolved(current_.messages.mid(0, current_.messages.size() - 1));
  request.turn = resolved({current_.messages.back()}).front();
  request.config = generation_config(settings_);
  streaming_.clear();
  worker_->clear_stop();
  set_state(State::kBusy);
  post([w = worker_, request] { w->run_turn(request); });
}

void ChatController::stop() {
  if (state_ == State::kBusy || state_ == State::kLoading) worker_->request_stop();
}

void ChatController::on_turn_finished(const TurnOutcome& outcome) {
  ChatMessage answer{ChatMessage::Role::kAssistant, outcome.text, {}, true, outcome.stats};
  current_.messages.push_back(answer);
  used_tokens_ = outcome.position;
  streaming_.clear();
  save_current();
  set_state(State::kIdle);
  emit conversation_changed();
  emit conversations_changed();
  emit meter_changed();
  emit answer_finished(outcome.stats);
}

void ChatController::on_turn_failed(const QString& message, bool cancelled) {
  streaming_.clear();
  set_state(State::kIdle);
  // The SDK left the Session as before the turn: take the unanswered message back out, into the composer.
  if (!current_.messages.isEmpty() && current_.messages.back().role == ChatMessage::Role::kUser) {
    edit_last();
  }
  if (cancelled) emit notice("Stopped before the answer began; your message is back in the box.");
  else emit error(message);
}

bool ChatController::regenerate() {
  if (state_ != State::kIdle || current_.messages.isEmpty()) return false;
  if (current_.messages.back().role == ChatMessage::Role::kAssistant) current_.messages.removeLast();
  if (current_.messages.isEmpty()) return false;
  save_current();
  emit conversation_changed();
  start_turn();
  return true;
}

bool ChatController::edit_last() {
  if (state_ != State::kIdle) return false;
  int last_user = int(current_.messages.size()) - 1;
  while (last_user >= 0 && current_.messages[last_user].role != ChatMessage::Role::kUser) --last_user;
  if (last_user < 0) return false;
  const ChatMessage user = current_.messages[last_user];
  current_.messages.erase(current_.messages.begin() + last_user, current_.messages.end());
  if (current_saved_) save_current();
  pending_.clear();
  pending_keys_.clear();
  for (Attachment a : user.attachments) {
    a.file = attachment_path(a);  // the stored copy; send() recognises it and does not copy it again
    pending_.push_back(a);
    pending_keys_.push_back(next_key_++);
  }
  remeasure();
  emit conversation_changed();
  emit pending_changed();
  emit meter_changed();
  emit draft_restored(user.text);
  return true;
}

}  // namespace lightvl::desktop
