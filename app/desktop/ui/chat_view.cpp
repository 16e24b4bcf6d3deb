#include "ui/chat_view.h"

#include <QClipboard>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QScrollBar>
#include <QTextBlock>
#include <QTextCursor>
#include <QTextDocument>
#include <QTextFrame>
#include <QTextTable>

#include "core/context_meter.h"
#include "core/display_markdown.h"
#include "core/markdown_export.h"
#include "ui/thumbnails.h"

namespace lightvl::desktop {
namespace {

constexpr int kThumbnailSize = 140;
constexpr int kBubbleIndent = 72;  // how far a bubble stays from the opposite edge

QTextCharFormat label_format(const QColor& color, bool bold) {
  QTextCharFormat f;
  f.setForeground(color);
  f.setFontWeight(bold ? QFont::DemiBold : QFont::Normal);
  f.setFontPointSize(QGuiApplication::font().pointSizeF() * 0.9);
  return f;
}

bool is_code_block(const QTextBlock& b) {
  return b.isValid() && (b.blockFormat().hasProperty(QTextFormat::BlockCodeFence) ||
                         b.blockFormat().hasProperty(QTextFormat::BlockCodeLanguage));
}

QString attachment_caption(const Attachment& a) {
  QString caption = a.name;
  if (a.kind == Attachment::Kind::kDocument) caption = QString("[document] %1").arg(a.name);
  if (a.tokens >= 0) caption += QString(" · %1 tokens").arg(format_count(a.tokens));
  return caption;
}

}  // namespace

ChatView::ChatView(QWidget* parent) : QTextBrowser(parent) {
  setOpenLinks(false);
  setOpenExternalLinks(false);
  setFrameShape(QFrame::NoFrame);
  document()->setDocumentMargin(16);
  connect(this, &QTextBrowser::anchorClicked, this, &ChatView::on_link);
}

void ChatView::set_colors(const ChatColors& colors) {
  colors_ = colors;
  QPalette p = palette();
  p.setColor(QPalette::Base, colors.page);
  p.setColor(QPalette::Text, colors.text);
  setPalette(p);
}

bool ChatView::at_bottom() const { return verticalScrollBar()->value() >= verticalScrollBar()->maximum() - 24; }

void ChatView::scroll_to_bottom() { verticalScrollBar()->setValue(verticalScrollBar()->maximum()); }

void ChatView::insert_link(QTextCursor& cursor, const QString& text, const QString& href) {
  QTextCharFormat f = label_format(colors_.accent, false);
  f.setAnchor(true);
  f.setAnchorHref(href);
  cursor.insertText(text, f);
  cursor.insertText("   ", label_format(colors_.muted, false));
}

void ChatView::insert_markdown(QTextCursor& cursor, const QString& markdown) {
  const int start = cursor.position();
  cursor.insertMarkdown(display_markdown(markdown));
  // Qt's Markdown reader marks code in a fixed-pitch font but gives it no background: add one, so code
  // blocks and inline code stand out from prose. Each line of a code block is its own text block, so only
  // the first and last lines get the space that sets the block apart.
  QList<QTextTable*> tables;
  for (QTextBlock b = document()->findBlock(start); b.isValid() && b.position() <= cursor.position(); b = b.next()) {
    QTextCursor c(b);
    if (QTextTable* table = c.currentTable(); table && !tables.contains(table)) tables << table;
    if (is_code_block(b)) {
      QTextBlockFormat bf;
      bf.setBackground(colors_.code_background);
      bf.setLeftMargin(4);
      if (!is_code_block(b.previous())) bf.setTopMargin(6);
      if (!is_code_block(b.next())) bf.setBottomMargin(6);
      c.mergeBlockFormat(bf);
      continue;
    }
    for (auto it = b.begin(); !it.atEnd(); ++it) {
      const QTextFragment fragment = it.fragment();
      if (!fragment.charFormat().fontFixedPitch()) continue;
      QTextCursor f(document());
      f.setPosition(fragment.position());
      f.setPosition(fragment.position() + fragment.length(), QTextCursor::KeepAnchor);
      QTextCharFormat cf;
      cf.setBackground(colors_.code_background);
      f.mergeCharFormat(cf);
    }
  }
  for (QTextTable* table : tables) {
    QTextTableFormat tf = table->format();
    tf.setCellPadding(4);
    tf.setCellSpacing(0);
    tf.setBorder(1);
    tf.setBorderBrush(colors_.muted);
    tf.setBorderCollapse(true);
    table->setFormat(tf);
  }
}

void ChatView::insert_message(const ChatMessage& m, int index, bool last_user, bool last_answer, bool busy,
                              const std::function<QString(const Attachment&)>& path_of) {
  const bool user = m.role == ChatMessage::Role::kUser;
  QTextCursor cursor(document());
  cursor.movePosition(QTextCursor::End);
  QTextFrameFormat bubble;
  bubble.setBackground(user ? colors_.user_bubble : colors_.assistant_bubble);
  bubble.setPadding(12);
  bubble.setBorder(0);
  bubble.setTopMargin(6);
  bubble.setBottomMargin(6);
  (user ? bubble.setLeftMargin(kBubbleIndent) : bubble.setRightMargin(kBubbleIndent));
  QTextFrame* frame = cursor.insertFrame(bubble);

  cursor.insertText(user ? "You" : "lightvl", label_format(colors_.muted, true));
  cursor.insertBlock();
  if (index < 0) {  // the answer being written: remember where its text goes
    streaming_ = frame;
    streaming_body_ = cursor.position();
    cursor.insertText("…", label_format(colors_.muted, false));
    return;
  }
  if (!m.text.isEmpty()) insert_markdown(cursor, m.text);

  if (!m.attachments.isEmpty()) {
    bool first_picture = true;
    for (const Attachment& a : m.attachments) {
      const QImage thumb = attachment_thumbnail(a, path_of(a), kThumbnailSize);
      if (!thumb.isNull()) {
        if (first_picture) cursor.insertBlock(QTextBlockFormat(), QTextCharFormat());
        first_picture = false;
        const QString name = QString("thumb:%1").arg(++thumbnails_);
        document()->addResource(QTextDocument::ImageResource, QUrl(name), thumb);
        QTextImageFormat image;
        image.setName(name);
        image.setToolTip(attachment_caption(a));
        cursor.insertImage(image);
        cursor.insertText("  ", QTextCharFormat());
      }
    }
    cursor.insertBlock(QTextBlockFormat(), QTextCharFormat());
    QStringList captions;
    for (const Attachment& a : m.attachments) captions << attachment_caption(a);
    cursor.insertText(captions.join("   "), label_format(colors_.muted, false));
  }

  cursor.insertBlock(QTextBlockFormat(), QTextCharFormat());
  if (m.has_stats) cursor.insertText(describe_stats(m.stats) + "     ", label_format(colors_.muted, false));
  insert_link(cursor, "Copy", QString("lightvl:copy/%1").arg(index));
  if (!busy && last_answer) insert_link(cursor, "Regenerate", "lightvl:regenerate");
  if (!busy && last_user) insert_link(cursor, "Edit", "lightvl:edit");
}

void ChatView::show_conversation(const Conversation& c, const std::function<QString(const Attachment&)>& path_of,
                                 bool busy) {
  const bool follow = at_bottom();
  const int scroll = verticalScrollBar()->value();
  document()->clear();
  streaming_ = nullptr;
  streaming_body_ = -1;
  thumbnails_ = 0;
  texts_.clear();
  QTextCursor(document()).setBlockFormat(QTextBlockFormat());

  int last_user = -1;
  for (int i = 0; i < c.messages.size(); ++i) {
    if (c.messages[i].role == ChatMessage::Role::kUser) last_user = i;
  }
  if (!c.system_prompt.isEmpty()) {
    QTextCursor cursor(document());
    cursor.insertText(QString("System prompt: %1").arg(c.system_prompt), label_format(colors_.muted, false));
  }
  for (int i = 0; i < c.messages.size(); ++i) {
    const ChatMessage& m = c.messages[i];
    texts_ << m.text;
    const bool last = i == c.messages.size() - 1;
    insert_message(m, i, i == last_user, last && m.role == ChatMessage::Role::kAssistant, busy, path_of);
  }
  if (busy) insert_message(ChatMessage{ChatMessage::Role::kAssistant, {}, {}, false, {}}, -1, false, false, busy, path_of);
  if (c.messages.isEmpty() && !busy) {
    QTextCursor cursor(document());
    cursor.movePosition(QTextCursor::End);
    cursor.insertBlock();
    cursor.insertText("Ask a question, or drop in an image or a document (txt, md, pdf).",
                      label_format(colors_.muted, false));
  }
  if (follow || busy) scroll_to_bottom();
  else verticalScrollBar()->setValue(scroll);
}

void ChatView::show_streaming(const QString& text) {
  if (!streaming_ || streaming_body_ < 0) return;
  const bool follow = at_bottom();
  QTextCursor cursor(document());
  cursor.setPosition(streaming_body_);
  cursor.setPosition(streaming_->lastPosition(), QTextCursor::KeepAnchor);
  cursor.removeSelectedText();
  cursor.setBlockFormat(QTextBlockFormat());
  cursor.setCharFormat(QTextCharFormat());
  if (text.isEmpty()) cursor.insertText("…", label_format(colors_.muted, false));
  else insert_markdown(cursor, text);
  if (follow) scroll_to_bottom();
}

void ChatView::on_link(const QUrl& url) {
  const QString link = url.toString();
  if (link == "lightvl:regenerate") {
    emit regenerate_requested();
  } else if (link == "lightvl:edit") {
    emit edit_requested();
  } else if (link.startsWith("lightvl:copy/")) {
    const int index = link.mid(QString("lightvl:copy/").size()).toInt();
    QGuiApplication::clipboard()->setText(message_text(index));
    emit copied(index);
  }
}

}  // namespace lightvl::desktop
