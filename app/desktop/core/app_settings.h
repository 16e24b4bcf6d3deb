// lightvl-chat model layer: the user's settings, remembered between runs with QSettings.
#pragma once

#include <QSettings>
#include <QString>

#include "lightvl/generation.h"
#include "lightvl/model.h"

namespace lightvl::desktop {

enum class Theme { kLight, kDark };

struct AppSettings {
  // Sampling. temperature 0 means greedy (argmax) decoding.
  double temperature = 0.7;
  double top_p = 0.9;
  int top_k = 0;            // 0 = off
  int max_tokens = 512;     // new tokens per answer; also the room the context meter keeps for it
  // Loading (applies at the next model load).
  int threads = 0;          // CPU threads; 0 = all hardware threads
  int memory_budget_mib = 0;  // memory a session may use before a turn is refused; 0 = available memory
  bool prefetch_weights = false;  // read every weight during load (slower load, no first-answer stalls)
  lightvl::Backend backend = lightvl::Backend::kCpu;  // kCuda only where cuda_available() says so
  Theme theme = Theme::kLight;
  QString last_model_dir;   // loaded again at start-up when set

  bool operator==(const AppSettings&) const = default;
};

// Reads the settings from `store`; missing or out-of-range values fall back to the defaults above.
AppSettings load_settings(QSettings& store);

// Writes `settings` to `store` (QSettings persists it).
void save_settings(QSettings& store, const AppSettings& settings);

// Whether this build and machine can run models on CUDA; when not, `why_not` says why (for the settings).
bool cuda_available(QString* why_not);

// The SDK's generation settings for one answer.
GenerationConfig generation_config(const AppSettings& settings);

}  // namespace lightvl::desktop
