#include "ui/attachment_strip.h"

#include <QHBoxLayout>
#include <QPixmap>
#include <QScrollArea>
#include <QStyle>
#include <QToolButton>

#include "core/context_meter.h"
#include "ui/thumbnails.h"

namespace lightvl::desktop {
namespace {

constexpr int kChipThumbnail = 40;

QString chip_text(const Attachment& a) {
  const QString tokens = a.tokens >= 0 ? QString("%1 tokens").arg(format_count(a.tokens)) : QString("counting…");
  QString name = a.name;
  if (name.size() > 28) name = name.left(27) + QChar(0x2026);
  return QString("%1\n%2").arg(name, tokens);
}

}  // namespace

AttachmentStrip::AttachmentStrip(QWidget* parent) : QWidget(parent) {
  auto* scroll = new QScrollArea(this);
  scroll->setFrameShape(QFrame::NoFrame);
  scroll->setWidgetResizable(true);
  scroll->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  scroll->setFixedHeight(64);
  auto* inner = new QWidget;
  row_ = new QHBoxLayout(inner);
  row_->setContentsMargins(0, 0, 0, 0);
  row_->addStretch();
  scroll->setWidget(inner);
  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(scroll);
  setVisible(false);
}

void AttachmentStrip::show_attachments(const QList<Attachment>& attachments,
                                       const std::function<QString(const Attachment&)>& path_of) {
  while (row_->count() > 1) {  // keep the trailing stretch
    QLayoutItem* item = row_->takeAt(0);
    delete item->widget();
    delete item;
  }
  for (int i = 0; i < attachments.size(); ++i) {
    const Attachment& a = attachments[i];
    auto* chip = new QToolButton;
    chip->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    chip->setText(chip_text(a));
    chip->setToolTip(QString("%1 — click to remove").arg(a.name));
    chip->setAutoRaise(false);
    const QImage thumb = attachment_thumbnail(a, path_of(a), kChipThumbnail);
    if (!thumb.isNull()) {
      chip->setIcon(QPixmap::fromImage(thumb));
      chip->setIconSize(QSize(kChipThumbnail, kChipThumbnail));
    } else {
      chip->setIcon(style()->standardIcon(QStyle::SP_FileIcon));
    }
    connect(chip, &QToolButton::clicked, this, [this, i] { emit remove_requested(i); });
    row_->insertWidget(i, chip);
  }
  setVisible(!attachments.isEmpty());
}

}  // namespace lightvl::desktop
