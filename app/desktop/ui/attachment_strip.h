// lightvl-chat widgets: the attachments waiting to be sent, as a row of chips (thumbnail or document
// label, token count); clicking a chip's button removes that attachment. Hidden when there are none.
#pragma once

#include <QList>
#include <QWidget>
#include <functional>

#include "core/conversation.h"

class QHBoxLayout;

namespace lightvl::desktop {

class AttachmentStrip : public QWidget {
  Q_OBJECT

 public:
  explicit AttachmentStrip(QWidget* parent = nullptr);

  // Shows `attachments`; `path_of` gives each one's absolute file for its thumbnail.
  void show_attachments(const QList<Attachment>& attachments, const std::function<QString(const Attachment&)>& path_of);

 signals:
  void remove_requested(int index);

 private:
  QHBoxLayout* row_;
};

}  // namespace lightvl::desktop
