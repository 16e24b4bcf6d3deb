#include "ui/composer.h"

#include <QKeyEvent>
#include <QMimeData>
#include <QUrl>

namespace lightvl::desktop {

QStringList local_files(const QMimeData* mime) {
  QStringList paths;
  if (!mime || !mime->hasUrls()) return paths;
  for (const QUrl& url : mime->urls()) {
    if (url.isLocalFile()) paths << url.toLocalFile();
  }
  return paths;
}

Composer::Composer(QWidget* parent) : QPlainTextEdit(parent) {
  setPlaceholderText("Message lightvl…  (Enter sends, Shift+Enter for a new line; drop or paste images and documents)");
  setTabChangesFocus(true);
}

void Composer::keyPressEvent(QKeyEvent* event) {
  const bool enter = event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter;
  if (enter && !(event->modifiers() & Qt::ShiftModifier)) {
    emit submitted();
    return;
  }
  QPlainTextEdit::keyPressEvent(event);
}

bool Composer::canInsertFromMimeData(const QMimeData* source) const {
  return !local_files(source).isEmpty() || source->hasImage() || QPlainTextEdit::canInsertFromMimeData(source);
}

void Composer::insertFromMimeData(const QMimeData* source) {
  // Files first: a file manager's copy also carries the paths as text, which should not land in the box.
  const QStringList files = local_files(source);
  if (!files.isEmpty()) {
    emit files_dropped(files);
  } else if (source->hasImage()) {
    emit image_pasted(qvariant_cast<QImage>(source->imageData()));
  } else {
    QPlainTextEdit::insertFromMimeData(source);
  }
}

}  // namespace lightvl::desktop
