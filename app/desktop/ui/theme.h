// lightvl-chat widgets: the light and dark looks. One place for every colour the app draws with, so the
// chat bubbles, banners and the meter follow the chosen theme together.
#pragma once

#include <QColor>

#include "core/app_settings.h"

class QApplication;

namespace lightvl::desktop {

// Colours the chat view and the status widgets use beyond the QPalette.
struct ChatColors {
  QColor page;              // the chat view's background
  QColor user_bubble;       // the user's messages
  QColor assistant_bubble;  // the answers
  QColor text;
  QColor muted;             // role labels, figures
  QColor accent;            // links, the meter's used part
  QColor code_background;   // fenced code blocks
  QColor warning;           // the meter when nearly full or overflowing, error banners
  QColor warning_background;
};

// Colours of `theme`.
ChatColors chat_colors(Theme theme);

// Sets the Fusion style and a palette for `theme` on the whole application.
void apply_theme(QApplication& app, Theme theme);

}  // namespace lightvl::desktop
