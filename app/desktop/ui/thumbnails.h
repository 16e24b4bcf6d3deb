// lightvl-chat widgets: small pictures of attachments, for the composer's strip and the chat bubbles.
#pragma once

#include <QImage>
#include <QString>

#include "core/conversation.h"

namespace lightvl::desktop {

// A picture of attachment `a` stored at `path` (absolute), at most `size` pixels on its long side: the
// image itself, or the PDF page rendered at low resolution. Null for documents and for files Qt cannot
// decode (WebP without the Qt plugin). Cached by path, page and size; GUI thread only.
QImage attachment_thumbnail(const Attachment& a, const QString& path, int size);

}  // namespace lightvl::desktop
