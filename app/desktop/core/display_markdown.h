// What the chat view hands to Qt's Markdown reader for a message's text.
#pragma once

#include <QString>

namespace lightvl::desktop {

// `text` with every line that is nothing but an ordered-list marker ("1882.", "  7)") escaped ("1882\.")
// so that it shows as written. CommonMark reads such a line as an empty list item, which Qt draws as
// nothing at all; short answers like "1882." or "2." (a year, a count) would vanish. Lists with items
// ("1. Mix the flour") and all other Markdown are left untouched.
QString display_markdown(const QString& text);

}  // namespace lightvl::desktop
