#include "core/sdk_messages.h"

#include <QFileInfo>

#include "core/pdf_pages.h"
#include "lightvl/error.h"

namespace lightvl::desktop {
namespace {

lightvl::Image page_image(const Attachment& a) {
  QString error;
  QImage page = render_pdf_page(a.file, a.page, kPageImageDpi, &error);
  if (page.isNull()) throw lightvl::Error(lightvl::ErrorCode::kIo, error.toStdString());
  page = page.convertToFormat(QImage::Format_RGB888);
  // QImage pads rows to 4 bytes; the SDK wants tightly packed RGB rows.
  const int row = page.width() * 3;
  std::vector<uint8_t> rgb(size_t(row) * size_t(page.height()));
  for (int y = 0; y < page.height(); ++y) std::copy_n(page.constScanLine(y), row, rgb.data() + size_t(y) * row);
  const QString label = QString("%1, page %2").arg(QFileInfo(a.file).fileName()).arg(a.page + 1);
  return lightvl::Image::from_rgb(page.width(), page.height(), std::move(rgb), label.toStdString());
}

void add_attachment(lightvl::Message& m, const Attachment& a) {
  switch (a.kind) {
    case Attachment::Kind::kImage: m.add_image(lightvl::Image::from_file(a.file.toStdString())); break;
    case Attachment::Kind::kDocument: m.add_document(lightvl::Document::from_file(a.file.toStdString())); break;
    case Attachment::Kind::kPdfPage: m.add_image(page_image(a)); break;
  }
}

}  // namespace

lightvl::Message probe_message(const Attachment& attachment) {
  lightvl::Message m = lightvl::Message::user(".");
  add_attachment(m, attachment);
  return m;
}

lightvl::Message to_sdk_message(const ChatMessage& message) {
  if (message.role == ChatMessage::Role::kAssistant) return lightvl::Message::assistant(message.text.toStdString());
  // Attachments first, then the question: the order of MiniMax-VL-01's own examples and of `lightvl run`
  // (a model trained that way, like the bundled demo model, answers worse when the text comes first).
  lightvl::Message m = lightvl::Message::user();
  for (const Attachment& a : message.attachments) add_attachment(m, a);
  if (!message.text.isEmpty()) m.add_text(message.text.toStdString());
  return m;
}

std::vector<lightvl::Message> to_sdk_messages(const QString& system_prompt, const QList<ChatMessage>& messages) {
  std::vector<lightvl::Message> out;
  if (!system_prompt.isEmpty()) out.push_back(lightvl::Message::system(system_prompt.toStdString()));
  for (const ChatMessage& m : messages) out.push_back(to_sdk_message(m));
  return out;
}

QString fingerprint(const ChatMessage& message) {
  QString f = message.role == ChatMessage::Role::kUser ? "user\n" : "assistant\n";
  for (const Attachment& a : message.attachments) f += QString("%1:%2#%3\n").arg(kind_name(a.kind), a.file).arg(a.page);
  return f + message.text;
}

QStringList fingerprints(const QString& system_prompt, const QList<ChatMessage>& messages) {
  QStringList out{"system\n" + system_prompt};
  for (const ChatMessage& m : messages) out.push_back(fingerprint(m));
  return out;
}

}  // namespace lightvl::desktop
