// lightvl-chat model layer: conversations on disk. One JSON file per conversation (<id>.json) and one
// folder of attachment copies (<id>/) under a root folder, normally AppDataLocation/conversations.
// Every write goes through QSaveFile (write a temporary, then rename), so a crash mid-write leaves the
// previous version intact, never a truncated file. Not thread-safe: used from the GUI thread only.
#pragma once

#include <QList>
#include <QString>
#include <QStringList>

#include "core/conversation.h"

namespace lightvl::desktop {

// What the sidebar shows for a stored conversation.
struct ConversationSummary {
  QString id;
  QString title;
  QDateTime updated;
};

class ConversationStore {
 public:
  // A store in `root` (created on the first write).
  explicit ConversationStore(QString root);

  // The user's data folder for conversations: QStandardPaths::AppDataLocation + "/conversations".
  static QString default_root();

  const QString& root() const { return root_; }

  // Every readable conversation, most recently updated first. Files that cannot be read or parsed are
  // skipped and described in `problems` (when given), one line each; they are left on disk untouched.
  QList<ConversationSummary> list(QStringList* problems = nullptr) const;

  // Reads conversation `id`. Returns false with the reason in `error` for a missing or unreadable file.
  bool load(const QString& id, Conversation* out, QString* error) const;

  // Writes `conversation` atomically (QSaveFile). Returns false with the reason in `error`; the previous
  // version, if any, is then still on disk.
  bool save(const Conversation& conversation, QString* error);

  // Deletes the conversation's file and its attachment folder. Returns false with the reason in `error`.
  bool remove(const QString& id, QString* error);

  // Sets the title of stored conversation `id` (load, change, save). Returns false with the reason.
  bool rename(const QString& id, const QString& title, QString* error);

  // The folder of conversation `id`'s attachment copies.
  QString attachment_dir(const QString& id) const;

  // Where `attachment` of conversation `id` lives: `file` itself when absolute (still pending), else
  // inside attachment_dir(id).
  QString attachment_path(const QString& id, const Attachment& attachment) const;

  // Copies a pending attachment (absolute `file`) into conversation `id`'s folder and makes `file` the
  // copy's name there. An attachment already inside that folder is only renamed to its relative form.
  // Returns false with the reason in `error` (the attachment is then unchanged).
  bool import_attachment(const QString& id, Attachment* attachment, QString* error);

 private:
  QString file_of(const QString& id) const;

  QString root_;
};

}  // namespace lightvl::desktop
