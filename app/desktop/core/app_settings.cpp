#include "core/app_settings.h"

#include <algorithm>

#include "lightvl/system.h"

namespace lightvl::desktop {
namespace {

// A stored value inside [low, high], else `fallback` (a hand-edited or stale file must not break the app).
template <typename T>
T bounded(const QSettings& store, const char* key, T fallback, T low, T high) {
  bool ok = false;
  const QVariant v = store.value(key);
  if (!v.isValid()) return fallback;
  const double x = v.toDouble(&ok);
  if (!ok || x < double(low) || x > double(high)) return fallback;
  return T(x);
}

}  // namespace

AppSettings load_settings(QSettings& store) {
  const AppSettings d;
  AppSettings s;
  s.temperature = bounded(store, "sampling/temperature", d.temperature, 0.0, 5.0);
  s.top_p = bounded(store, "sampling/top_p", d.top_p, 0.0, 1.0);
  s.top_k = bounded(store, "sampling/top_k", d.top_k, 0, 100000);
  s.max_tokens = bounded(store, "sampling/max_tokens", d.max_tokens, 1, 1 << 20);
  s.threads = bounded(store, "model/threads", d.threads, 0, 4096);
  s.memory_budget_mib = bounded(store, "model/memory_budget_mib", d.memory_budget_mib, 0, 1 << 24);
  s.prefetch_weights = store.value("model/prefetch_weights", d.prefetch_weights).toBool();
  s.backend = store.value("model/backend").toString() == "cuda" ? Backend::kCuda : Backend::kCpu;
  s.theme = store.value("ui/theme").toString() == "dark" ? Theme::kDark : Theme::kLight;
  s.last_model_dir = store.value("model/last_dir").toString();
  return s;
}

void save_settings(QSettings& store, const AppSettings& s) {
  store.setValue("sampling/temperature", s.temperature);
  store.setValue("sampling/top_p", s.top_p);
  store.setValue("sampling/top_k", s.top_k);
  store.setValue("sampling/max_tokens", s.max_tokens);
  store.setValue("model/threads", s.threads);
  store.setValue("model/memory_budget_mib", s.memory_budget_mib);
  store.setValue("model/prefetch_weights", s.prefetch_weights);
  store.setValue("model/backend", s.backend == Backend::kCuda ? "cuda" : "cpu");
  store.setValue("ui/theme", s.theme == Theme::kDark ? "dark" : "light");
  store.setValue("model/last_dir", s.last_model_dir);
}

bool cuda_available(QString* why_not) {
  const SystemInfo s = system_info();
  if (!s.cuda_built) {
    *why_not = "This build has no CUDA backend (configure with -DLIGHTVL_CUDA=ON); lightvl runs on the CPU.";
    return false;
  }
  if (s.gpus.empty()) {
    *why_not = QString("No GPU is visible (%1); lightvl runs on the CPU.").arg(QString::fromStdString(s.cuda));
    return false;
  }
  *why_not = QString("CUDA runs the text model on %1; images are encoded on the CPU.")
                 .arg(QString::fromStdString(s.gpus.front().name));
  return true;
}

GenerationConfig generation_config(const AppSettings& s) {
  GenerationConfig c;
  c.max_tokens = s.max_tokens;
  c.greedy = s.temperature <= 0;
  c.temperature = float(std::max(s.temperature, 1e-3));
  c.top_p = float(s.top_p <= 0 ? 1.0 : s.top_p);
  c.top_k = s.top_k;
  return c;
}

}  // namespace lightvl::desktop
