// lightvl-chat model layer: a conversation as the app keeps and stores it. Plain values with a JSON form;
// no SDK types here, so the store and the widgets never depend on a loaded model.
#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace lightvl::desktop {

// One attached file. While it waits in the composer `file` is an absolute path; once its message is sent
// the store copies it into the conversation's folder and `file` becomes a name inside that folder, so a
// saved conversation does not depend on where the original lived.
struct Attachment {
  enum class Kind { kImage, kDocument, kPdfPage };
  Kind kind = Kind::kImage;
  QString file;
  QString name;        // what the user sees (and, for documents, the name the model sees)
  int page = 0;        // kPdfPage: the 0-based page of the PDF in `file`
  qint64 tokens = -1;  // context tokens it costs; −1 = not counted yet (no model, or counting)

  bool operator==(const Attachment&) const = default;
};

// Figures of one answer, from lightvl::GenerationStats.
struct AnswerStats {
  qint64 prompt_tokens = 0;
  qint64 image_tokens = 0;
  qint64 generated_tokens = 0;
  double time_to_first_token = 0;   // seconds
  double decode_tokens_per_second = 0;
  QString stop_reason;              // lightvl::stop_reason_name(): "eos", "max_tokens", "cancelled", ...

  bool operator==(const AnswerStats&) const = default;
};

// A user turn or an answer. The system prompt is not a message: it belongs to the conversation.
struct ChatMessage {
  enum class Role { kUser, kAssistant };
  Role role = Role::kUser;
  QString text;
  QList<Attachment> attachments;  // user messages only
  bool has_stats = false;         // assistant messages produced by this app carry their figures
  AnswerStats stats;

  bool operator==(const ChatMessage&) const = default;
};

struct Conversation {
  QString id;             // stable file name stem (see new_conversation_id)
  QString title;          // empty until the first message or a rename
  QString system_prompt;  // may be empty
  QDateTime created, updated;
  QList<ChatMessage> messages;

  bool operator==(const Conversation&) const = default;
};

// A fresh id: the creation time plus random hex, safe as a file name. Never throws.
QString new_conversation_id();

// A short title from a first message: its first line, at most 48 characters.
QString title_from_text(const QString& text);

// The JSON form written to disk (format version 1).
QJsonObject to_json(const Conversation& conversation);

// Reads the JSON form. Returns false and says why in `error` for a document that is not a version-1
// conversation (unknown role or kind, missing id); unknown extra keys are ignored.
bool from_json(const QJsonObject& json, Conversation* out, QString* error);

// "image", "document", "pdf_page" and back; false for an unknown name.
QString kind_name(Attachment::Kind kind);
bool kind_from_name(const QString& name, Attachment::Kind* out);

}  // namespace lightvl::desktop
