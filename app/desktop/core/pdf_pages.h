// lightvl-chat model layer: PDF pages as pictures, through poppler-cpp's page_renderer. Used to send PDF
// pages to the model as images (scans, slides, figures) and to draw their thumbnails.
// Thread-safe: every call opens its own poppler document.
#pragma once

#include <QImage>
#include <QString>

namespace lightvl::desktop {

// Resolution of the page images sent to the model: a Letter/A4 page becomes about 830×1100 pixels, enough
// for the anyres tiling to read body text.
inline constexpr double kPageImageDpi = 100;

// Most pages one "PDF pages as images" attachment adds (each page costs an image's worth of tokens).
inline constexpr int kMaxPdfPageImages = 32;

// Number of pages of the PDF at `path`, or −1 with the reason in `error` (missing, not a PDF, encrypted).
int pdf_page_count(const QString& path, QString* error);

// Page `page` (0-based) rendered at `dpi` on white, as an RGB888 image. A null image with the reason in
// `error` when the file or page cannot be rendered.
QImage render_pdf_page(const QString& path, int page, double dpi, QString* error);

}  // namespace lightvl::desktop
