#include "core/bundled_model.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

namespace lightvl::desktop {

QString bundled_model_dir() {
  const QString installed =
      QDir(QCoreApplication::applicationDirPath()).filePath("../share/lightvl/models/lightvl-demo-vl");
  for (const QString& dir : {installed, QStringLiteral(LIGHTVL_SOURCE_DEMO_MODEL)}) {
    if (QFileInfo(QDir(dir).filePath("config.json")).isFile()) return QDir::cleanPath(dir);
  }
  return {};
}

}  // namespace lightvl::desktop
