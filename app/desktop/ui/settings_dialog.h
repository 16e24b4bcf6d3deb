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
  // Shows `settings`; `cuda_note` says why the CUDA backend cannot be chosen (it is listed, disabled).
  SettingsDialog(const AppSettings& settings, const QString& cuda_note, QWidget* parent = nullptr);

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
