#include "core/conversation_store.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSaveFile>
#include <QStandardPaths>

#include <algorithm>

namespace lightvl::desktop {
namespace {

// Conversation ids become file names: refuse anything that could leave the root folder.
bool safe_id(const QString& id) {
  if (id.isEmpty() || id.size() > 100) return false;
  return std::all_of(id.begin(), id.end(), [](QChar c) { return c.isLetterOrNumber() || c == '-' || c == '_'; });
}

}  // namespace

ConversationStore::ConversationStore(QString root) : root_(std::move(root)) {}

QString ConversationStore::default_root() {
  return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + "/conversations";
}

QString ConversationStore::file_of(const QString& id) const { return root_ + "/" + id + ".json"; }

QString ConversationStore::attachment_dir(const QString& id) const { return root_ + "/" + id; }

QString ConversationStore::attachment_path(const QString& id, const Attachment& attachment) const {
  if (QFileInfo(attachment.file).isAbsolute()) return attachment.file;
  return attachment_dir(id) + "/" + attachment.file;
}

QList<ConversationSummary> ConversationStore::list(QStringList* problems) const {
  QList<ConversationSummary> out;
  const QStringList files = QDir(root_).entryList({"*.json"}, QDir::Files);
  for (const QString& name : files) {
    Conversation c;
    QString error;
    if (!load(QFileInfo(name).completeBaseName(), &c, &error)) {
      if (problems) problems->push_back(error);
      continue;
    }
    out.push_back({c.id, c.title, c.updated});
  }
  std::sort(out.begin(), out.end(), [](const ConversationSummary& a, const ConversationSummary& b) {
    return a.updated > b.updated;
  });
  return out;
}

bool ConversationStore::load(const QString& id, Conversation* out, QString* error) const {
  if (!safe_id(id)) {
    *error = QString("'%1' is not a conversation id").arg(id);
    return false;
  }
  QFile file(file_of(id));
  if (!file.open(QIODevice::ReadOnly)) {
    *error = QString("cannot read %1: %2").arg(file.fileName(), file.errorString());
    return false;
  }
  QJsonParseError parse;
  const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parse);
  if (parse.error != QJsonParseError::NoError || !doc.isObject()) {
    *error = QString("%1 is not valid JSON (%2 at byte %3)").arg(file.fileName(), parse.errorString()).arg(parse.offset);
    return false;
  }
  QString why;
  if (!from_json(doc.object(), out, &why)) {
    *error = QString("%1: %2").arg(file.fileName(), why);
    return false;
  }
  if (out->id != id) {
    *error = QString("%1 holds conversation '%2', not '%3'").arg(file.fileName(), out->id, id);
    return false;
  }
  return true;
}

bool ConversationStore::save(const Conversation& conversation, QString* error) {
  if (!safe_id(conversation.id)) {
    *error = QString("'%1' is not a conversation id").arg(conversation.id);
    return false;
  }
  if (!QDir().mkpath(root_)) {
    *error = QString("cannot create the folder %1").arg(root_);
    return false;
  }
  QSaveFile file(file_of(conversation.id));
  if (!file.open(QIODevice::WriteOnly)) {
    *error = QString("cannot write %1: %2").arg(file.fileName(), file.errorString());
    return false;
  }
  file.write(QJsonDocument(to_json(conversation)).toJson(QJsonDocument::Indented));
  if (!file.commit()) {  // the rename happens here; on failure the old file is untouched
    *error = QString("cannot write %1: %2").arg(file.fileName(), file.errorString());
    return false;
  }
  return true;
}

bool ConversationStore::remove(const QString& id, QString* error) {
  if (!safe_id(id)) {
    *error = QString("'%1' is not a conversation id").arg(id);
    return false;
  }
  QFile file(file_of(id));
  if (file.exists() && !file.remove()) {
    *error = QString("cannot delete %1: %2").arg(file.fileName(), file.errorString());
    return false;
  }
  QDir attachments(attachment_dir(id));
  if (attachments.exists() && !attachments.removeRecursively()) {
    *error = QString("cannot delete the folder %1").arg(attachments.path());
    return false;
  }
  return true;
}

bool ConversationStore::rename(const QString& id, const QString& title, QString* error) {
  Conversation c;
  if (!load(id, &c, error)) return false;
  c.title = title;
  return save(c, error);
}

bool ConversationStore::import_attachment(const QString& id, Attachment* attachment, QString* error) {
  const QFileInfo source(attachment->file);
  if (!source.isAbsolute()) return true;  // already stored
  const QString dir = attachment_dir(id);
  const QString stored_prefix = QFileInfo(dir).absoluteFilePath() + "/";
  if (source.absoluteFilePath().startsWith(stored_prefix)) {  // a stored copy put back into the composer
    attachment->file = source.absoluteFilePath().mid(stored_prefix.size());
    return true;
  }
  // Each copy gets a numbered sub-folder: two attachments called the same stay apart, and the copy keeps
  // its original file name, which is the name the model sees for a document.
  int number = 1;
  while (QFileInfo::exists(QString("%1/%2").arg(dir).arg(number))) ++number;
  const QString name = QString("%1/%2").arg(number).arg(source.fileName());
  if (!QDir().mkpath(QString("%1/%2").arg(dir).arg(number))) {
    *error = QString("cannot create a folder in %1").arg(dir);
    return false;
  }
  if (!QFile::copy(source.filePath(), dir + "/" + name)) {
    *error = QString("cannot copy %1 into %2").arg(source.filePath(), dir);
    return false;
  }
  attachment->file = name;
  return true;
}

}  // namespace lightvl::desktop
