#include "qt_test_env.h"

#include <QTemporaryDir>

namespace lightvl::desktop::testing {

void isolate_user_folders() {
  static QTemporaryDir home;  // lives until the process ends
  qputenv("XDG_CONFIG_HOME", (home.path() + "/config").toUtf8());
  qputenv("XDG_DATA_HOME", (home.path() + "/data").toUtf8());
}

QString source_path(const QString& relative) { return QString(LIGHTVL_SOURCE_DIR) + "/" + relative; }

}  // namespace lightvl::desktop::testing
