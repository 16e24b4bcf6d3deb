#include "ui/thumbnails.h"

#include <QCache>
#include <QImageReader>
#include <QPainter>

#include "core/pdf_pages.h"

namespace lightvl::desktop {

QImage attachment_thumbnail(const Attachment& a, const QString& path, int size) {
  if (a.kind == Attachment::Kind::kDocument) return {};
  static QCache<QString, QImage> cache(200);  // about 200 small pictures
  const QString key = QString("%1#%2@%3").arg(path).arg(a.page).arg(size);
  if (const QImage* hit = cache.object(key)) return *hit;

  QImage picture;
  if (a.kind == Attachment::Kind::kImage) {
    QImageReader reader(path);
    reader.setAutoTransform(true);
    const QSize full = reader.size();
    // Decode big pictures straight at thumbnail size instead of decoding every pixel first.
    if (full.isValid() && (full.width() > size || full.height() > size)) {
      reader.setScaledSize(full.scaled(size, size, Qt::KeepAspectRatio));
    }
    picture = reader.read();
  } else {
    QString ignored;
    // 20 dpi gives a Letter page about 170×220 pixels: plenty for a thumbnail, fast to render.
    picture = render_pdf_page(path, a.page, 20, &ignored);
  }
  if (!picture.isNull() && (picture.width() > size || picture.height() > size)) {
    picture = picture.scaled(size, size, Qt::KeepAspectRatio, Qt::SmoothTransformation);
  }
  if (a.kind == Attachment::Kind::kPdfPage && !picture.isNull()) {
    // Pages are mostly white: a thin frame shows where the sheet ends.
    picture = picture.convertToFormat(QImage::Format_RGB32);
    QPainter painter(&picture);
    painter.setPen(QColor(150, 150, 150));
    painter.drawRect(0, 0, picture.width() - 1, picture.height() - 1);
  }
  cache.insert(key, new QImage(picture));
  return picture;
}

}  // namespace lightvl::desktop
