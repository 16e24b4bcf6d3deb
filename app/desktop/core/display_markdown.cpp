#include "core/display_markdown.h"

#include <QRegularExpression>
#include <QStringList>

namespace lightvl::desktop {

QString display_markdown(const QString& text) {
  // Up to three spaces of indent, 1-9 digits, then '.' or ')' and only spaces to the end of the line.
  static const QRegularExpression lone_marker(R"(^ {0,3}\d{1,9}([.)]) *$)");
  QStringList lines = text.split('\n');
  for (QString& line : lines) {
    const QRegularExpressionMatch m = lone_marker.match(line);
    if (m.hasMatch()) line.insert(m.capturedStart(1), '\\');
  }
  return lines.join('\n');
}

}  // namespace lightvl::desktop
