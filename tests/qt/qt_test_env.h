// Shared set-up of the lightvl-chat tests: a private home for settings and data, and fixture paths.
#pragma once

#include <QString>

namespace lightvl::desktop::testing {

// Points XDG_CONFIG_HOME and XDG_DATA_HOME at a fresh temporary folder (removed at exit), so QSettings and
// the data folder never touch the user's own. Call before the first QSettings use.
void isolate_user_folders();

// A file under the source tree, e.g. source_path("assets/tiny-minimax-vl-01").
QString source_path(const QString& relative);

// The tiny random-weight VL checkpoint every model test uses.
inline QString tiny_model() { return source_path("assets/tiny-minimax-vl-01"); }

}  // namespace lightvl::desktop::testing
