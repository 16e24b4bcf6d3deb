// lightvl-chat widgets: the conversation as a read-only rich-text page. Each message is a frame (a
// "bubble") holding its Markdown rendered by Qt's Markdown reader, the attachments' thumbnails, the
// answer's figures and action links (copy, regenerate, edit). While an answer streams only its own bubble
// is redrawn, so long conversations stay cheap to update.
#pragma once

#include <QPointer>
#include <QStringList>
#include <QTextBrowser>
#include <functional>

#include "core/conversation.h"
#include "ui/theme.h"

class QTextFrame;

namespace lightvl::desktop {

class ChatView : public QTextBrowser {
  Q_OBJECT

 public:
  explicit ChatView(QWidget* parent = nullptr);

  // Colours for the next redraw.
  void set_colors(const ChatColors& colors);

  // Redraws `conversation`. `path_of` gives an attachment's absolute file (for thumbnails). When `busy`,
  // an answer bubble follows the messages for show_streaming() and no action links are offered.
  void show_conversation(const Conversation& conversation, const std::function<QString(const Attachment&)>& path_of,
                         bool busy);

  // Replaces the text of the answer being written (after show_conversation with busy = true).
  void show_streaming(const QString& text);

  // The text the view shows for message `index` (what Copy puts on the clipboard).
  QString message_text(int index) const { return index >= 0 && index < texts_.size() ? texts_[index] : QString(); }

 signals:
  void regenerate_requested();
  void edit_requested();
  void copied(int message_index);

 private:
  void on_link(const QUrl& url);
  void insert_message(const ChatMessage& m, int index, bool last_user, bool last_answer, bool busy,
                      const std::function<QString(const Attachment&)>& path_of);
  void insert_markdown(class QTextCursor& cursor, const QString& markdown);
  void insert_link(class QTextCursor& cursor, const QString& text, const QString& href);
  bool at_bottom() const;
  void scroll_to_bottom();

  ChatColors colors_;
  QStringList texts_;                 // message texts, by index
  QTextFrame* streaming_ = nullptr;   // the bubble of the answer being written
  int streaming_body_ = -1;           // where its text starts
  int thumbnails_ = 0;                // resource names of this redraw
};

}  // namespace lightvl::desktop
