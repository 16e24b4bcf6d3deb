#include "core/markdown_export.h"

#include <QStringList>

#include "core/context_meter.h"

namespace lightvl::desktop {
namespace {

QString describe_attachment(const Attachment& a) {
  QString kind = a.kind == Attachment::Kind::kImage      ? "image"
                 : a.kind == Attachment::Kind::kDocument ? "document"
                                                         : QString("PDF page %1").arg(a.page + 1);
  if (a.tokens >= 0) kind += QString(", %1 tokens").arg(format_count(a.tokens));
  return QString("`%1` (%2)").arg(a.name, kind);
}

}  // namespace

QString describe_stats(const AnswerStats& s) {
  QStringList parts;
  parts << QString("%1 tokens").arg(format_count(s.generated_tokens));
  if (s.decode_tokens_per_second > 0) parts << QString("%1 tokens/s").arg(s.decode_tokens_per_second, 0, 'f', 1);
  parts << QString("first token %1 s").arg(s.time_to_first_token, 0, 'f', 2);
  if (s.stop_reason == "cancelled") parts << "stopped";
  else if (s.stop_reason == "max_tokens") parts << "reached max tokens";
  else if (s.stop_reason == "context_full") parts << "context full";
  return parts.join(" · ");
}

QString export_markdown(const Conversation& c) {
  QString md = QString("# %1\n\n").arg(c.title.isEmpty() ? "Conversation" : c.title);
  if (c.created.isValid()) md += QString("*lightvl-chat conversation, started %1*\n\n").arg(c.created.toString(Qt::ISODate));
  if (!c.system_prompt.isEmpty()) md += QString("**System prompt:** %1\n\n").arg(c.system_prompt);
  for (const ChatMessage& m : c.messages) {
    md += m.role == ChatMessage::Role::kUser ? "## User\n\n" : "## Assistant\n\n";
    if (!m.text.isEmpty()) md += m.text.trimmed() + "\n\n";
    if (!m.attachments.isEmpty()) {
      QStringList items;
      for (const Attachment& a : m.attachments) items << describe_attachment(a);
      md += "Attachments: " + items.join(", ") + "\n\n";
    }
    if (m.has_stats) md += QString("*%1*\n\n").arg(describe_stats(m.stats));
  }
  return md;
}

}  // namespace lightvl::desktop
