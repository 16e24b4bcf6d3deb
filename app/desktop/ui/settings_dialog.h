// lightvl-chat widgets: the Settings dialog (sampling, threads, memory budget, backend, theme).
#pragma once

#include <QDialog>

#include "core/app_settings.h"

class QComboBox;
class QDoubleSpinBox;
class QSpinBox;
class QCheckBox;

namespace lightvl::desktop {

class SettingsDialog : public QDialog {
  Q_OBJECT

 public:
  // Shows `settings`. The CUDA backend is listed always but can be chosen only where cuda_available()
  // says so; a note under it says why not (or which GPU it uses).
  explicit SettingsDialog(const AppSettings& settings, QWidget* parent = nullptr);

  // The settings as edited (meaningful after accept()).
  AppSettings settings() const;

 private:
  AppSettings base_;
  QDoubleSpinBox* temperature_;
  QDoubleSpinBox* top_p_;
  QSpinBox* top_k_;
  QSpinBox* max_tokens_;
  QSpinBox* threads_;
  QSpinBox* memory_budget_;
  QCheckBox* prefetch_;
  QComboBox* backend_;
  QComboBox* theme_;
};

}  // namespace lightvl::desktop
