#include "core/conversation.h"

#include <QJsonArray>
#include <QRandomGenerator>

namespace lightvl::desktop {
namespace {

constexpr int kFormatVersion = 1;
constexpr int kTitleLength = 48;

QJsonObject attachment_to_json(const Attachment& a) {
  QJsonObject o{{"kind", kind_name(a.kind)}, {"file", a.file}, {"name", a.name}, {"tokens", a.tokens}};
  if (a.kind == Attachment::Kind::kPdfPage) o["page"] = a.page;
  return o;
}

QJsonObject stats_to_json(const AnswerStats& s) {
  return {{"prompt_tokens", s.prompt_tokens},
          {"image_tokens", s.image_tokens},
          {"generated_tokens", s.generated_tokens},
          {"time_to_first_token", s.time_to_first_token},
          {"decode_tokens_per_second", s.decode_tokens_per_second},
          {"stop_reason", s.stop_reason}};
}

AnswerStats stats_from_json(const QJsonObject& o) {
  AnswerStats s;
  s.prompt_tokens = o["prompt_tokens"].toInteger();
  s.image_tokens = o["image_tokens"].toInteger();
  s.generated_tokens = o["generated_tokens"].toInteger();
  s.time_to_first_token = o["time_to_first_token"].toDouble();
  s.decode_tokens_per_second = o["decode_tokens_per_second"].toDouble();
  s.stop_reason = o["stop_reason"].toString();
  return s;
}

bool message_from_json(const QJsonObject& o, int index, ChatMessage* out, QString* error) {
  const QString role = o["role"].toString();
  if (role == "user") {
    out->role = ChatMessage::Role::kUser;
  } else if (role == "assistant") {
    out->role = ChatMessage::Role::kAssistant;
  } else {
    *error = QString("message %1 has role '%2' (expected user or assistant)").arg(index).arg(role);
    return false;
  }
  out->text = o["text"].toString();
  for (const QJsonValue& v : o["attachments"].toArray()) {
    const QJsonObject a = v.toObject();
    Attachment att;
    if (!kind_from_name(a["kind"].toString(), &att.kind)) {
      *error = QString("message %1 has an attachment of unknown kind '%2'").arg(index).arg(a["kind"].toString());
      return false;
    }
    att.file = a["file"].toString();
    att.name = a["name"].toString();
    att.page = a["page"].toInt();
    att.tokens = a["tokens"].toInteger(-1);
    out->attachments.push_back(att);
  }
  out->has_stats = o.contains("stats");
  if (out->has_stats) out->stats = stats_from_json(o["stats"].toObject());
  return true;
}

}  // namespace

QString new_conversation_id() {
  const QString stamp = QDateTime::currentDateTimeUtc().toString("yyyyMMdd-HHmmss");
  return stamp + "-" + QString::number(QRandomGenerator::global()->generate(), 16).rightJustified(8, '0');
}

QString title_from_text(const QString& text) {
  QString line = text.trimmed().section('\n', 0, 0).simplified();
  if (line.size() > kTitleLength) line = line.left(kTitleLength - 1).trimmed() + QChar(0x2026);  // …
  return line;
}

QString kind_name(Attachment::Kind kind) {
  switch (kind) {
    case Attachment::Kind::kDocument: return "document";
    case Attachment::Kind::kPdfPage: return "pdf_page";
    case Attachment::Kind::kImage: break;
  }
  return "image";
}

bool kind_from_name(const QString& name, Attachment::Kind* out) {
  for (Attachment::Kind k : {Attachment::Kind::kImage, Attachment::Kind::kDocument, Attachment::Kind::kPdfPage}) {
    if (kind_name(k) == name) {
      *out = k;
      return true;
    }
  }
  return false;
}

QJsonObject to_json(const Conversation& c) {
  QJsonArray messages;
  for (const ChatMessage& m : c.messages) {
    QJsonObject o{{"role", m.role == ChatMessage::Role::kUser ? "user" : "assistant"}, {"text", m.text}};
    if (!m.attachments.isEmpty()) {
      QJsonArray attachments;
      for (const Attachment& a : m.attachments) attachments.append(attachment_to_json(a));
      o["attachments"] = attachments;
    }
    if (m.has_stats) o["stats"] = stats_to_json(m.stats);
    messages.append(o);
  }
  return {{"format", "lightvl-chat conversation"},
          {"version", kFormatVersion},
          {"id", c.id},
          {"title", c.title},
          {"system_prompt", c.system_prompt},
          {"created", c.created.toString(Qt::ISODateWithMs)},
          {"updated", c.updated.toString(Qt::ISODateWithMs)},
          {"messages", messages}};
}

bool from_json(const QJsonObject& json, Conversation* out, QString* error) {
  if (json["version"].toInt() != kFormatVersion) {
    *error = QString("unsupported conversation format version %1 (this app reads version %2)")
                 .arg(json["version"].toInt())
                 .arg(kFormatVersion);
    return false;
  }
  Conversation c;
  c.id = json["id"].toString();
  if (c.id.isEmpty()) {
    *error = "the conversation has no id";
    return false;
  }
  c.title = json["title"].toString();
  c.system_prompt = json["system_prompt"].toString();
  c.created = QDateTime::fromString(json["created"].toString(), Qt::ISODateWithMs);
  c.updated = QDateTime::fromString(json["updated"].toString(), Qt::ISODateWithMs);
  const QJsonArray messages = json["messages"].toArray();
  for (int i = 0; i < messages.size(); ++i) {
    ChatMessage m;
    if (!message_from_json(messages[i].toObject(), i, &m, error)) return false;
    c.messages.push_back(m);
  }
  *out = c;
  return true;
}

}  // namespace lightvl::desktop
