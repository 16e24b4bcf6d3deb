// Where the bundled demo model is: the model lightvl-chat opens on its first run, before the user has
// chosen one (the model card, assets/lightvl-demo-vl/MODEL_CARD.md, says what it can and cannot do).
#pragma once

#include <QString>

namespace lightvl::desktop {

// The bundled demo model's folder: the installed copy (<prefix>/share/lightvl/models/lightvl-demo-vl,
// found from the executable's folder <prefix>/bin) if there is one, else the source tree's
// assets/lightvl-demo-vl when running from a build tree; an empty string when neither exists.
QString bundled_model_dir();

}  // namespace lightvl::desktop
