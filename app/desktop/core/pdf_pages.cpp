#include "core/pdf_pages.h"

#include <poppler-document.h>
#include <poppler-image.h>
#include <poppler-page-renderer.h>
#include <poppler-page.h>

#include <QFileInfo>

#include <memory>

namespace lightvl::desktop {
namespace {

// Opens `path` or says why not.
std::unique_ptr<poppler::document> open_pdf(const QString& path, QString* error) {
  if (!QFileInfo(path).isReadable()) {
    *error = QString("cannot read %1").arg(path);
    return nullptr;
  }
  std::unique_ptr<poppler::document> doc(poppler::document::load_from_file(QFileInfo(path).absoluteFilePath().toStdString()));
  if (!doc) {
    *error = QString("%1 is not a readable PDF").arg(QFileInfo(path).fileName());
    return nullptr;
  }
  if (doc->is_locked()) {
    *error = QString("%1 is encrypted; remove the password first").arg(QFileInfo(path).fileName());
    return nullptr;
  }
  return doc;
}

}  // namespace

int pdf_page_count(const QString& path, QString* error) {
  const std::unique_ptr<poppler::document> doc = open_pdf(path, error);
  return doc ? doc->pages() : -1;
}

QImage render_pdf_page(const QString& path, int page, double dpi, QString* error) {
  const std::unique_ptr<poppler::document> doc = open_pdf(path, error);
  if (!doc) return {};
  if (page < 0 || page >= doc->pages()) {
    *error = QString("%1 has no page %2").arg(QFileInfo(path).fileName()).arg(page + 1);
    return {};
  }
  const std::unique_ptr<poppler::page> p(doc->create_page(page));
  poppler::page_renderer renderer;
  if (!p || !poppler::page_renderer::can_render()) {
    *error = QString("poppler cannot render page %1 of %2").arg(page + 1).arg(QFileInfo(path).fileName());
    return {};
  }
  renderer.set_render_hints(poppler::page_renderer::antialiasing | poppler::page_renderer::text_antialiasing);
  renderer.set_image_format(poppler::image::format_rgb24);
  renderer.set_paper_color(0xffffffff);
  const poppler::image image = renderer.render_page(p.get(), dpi, dpi);
  if (!image.is_valid()) {
    *error = QString("poppler could not render page %1 of %2").arg(page + 1).arg(QFileInfo(path).fileName());
    return {};
  }
  // poppler owns the pixels: copy them into an image Qt owns.
  return QImage(reinterpret_cast<const uchar*>(image.const_data()), image.width(), image.height(),
                image.bytes_per_row(), QImage::Format_RGB888)
      .copy();
}

}  // namespace lightvl::desktop
