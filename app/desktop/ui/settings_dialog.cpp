#include "ui/settings_dialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QThread>
#include <QVBoxLayout>

namespace lightvl::desktop {

SettingsDialog::SettingsDialog(const AppSettings& s, QWidget* parent)
    : QDialog(parent), base_(s) {
  setWindowTitle("Settings");

  auto* sampling = new QGroupBox("Answers");
  auto* sampling_form = new QFormLayout(sampling);
  temperature_ = new QDoubleSpinBox;
  temperature_->setRange(0, 5);
  temperature_->setSingleStep(0.1);
  temperature_->setValue(s.temperature);
  temperature_->setSpecialValueText("0 (greedy)");
  top_p_ = new QDoubleSpinBox;
  top_p_->setRange(0.01, 1);
  top_p_->setSingleStep(0.05);
  top_p_->setValue(s.top_p);
  top_k_ = new QSpinBox;
  top_k_->setRange(0, 100000);
  top_k_->setValue(s.top_k);
  top_k_->setSpecialValueText("off");
  max_tokens_ = new QSpinBox;
  max_tokens_->setRange(1, 1 << 20);
  max_tokens_->setValue(s.max_tokens);
  sampling_form->addRow("Temperature", temperature_);
  sampling_form->addRow("Top-p", top_p_);
  sampling_form->addRow("Top-k", top_k_);
  sampling_form->addRow("Max tokens", max_tokens_);

  auto* model = new QGroupBox("Model (applies at the next load)");
  auto* model_form = new QFormLayout(model);
  threads_ = new QSpinBox;
  threads_->setRange(0, 4096);
  threads_->setValue(s.threads);
  threads_->setSpecialValueText(QString("all (%1)").arg(QThread::idealThreadCount()));
  memory_budget_ = new QSpinBox;
  memory_budget_->setRange(0, 1 << 24);
  memory_budget_->setSuffix(" MiB");
  memory_budget_->setValue(s.memory_budget_mib);
  memory_budget_->setSpecialValueText("available memory");
  prefetch_ = new QCheckBox("Read all weights while loading (slower load, no stalls later)");
  prefetch_->setChecked(s.prefetch_weights);
  QString cuda_note;
  const bool cuda = cuda_available(&cuda_note);
  backend_ = new QComboBox;
  backend_->addItem("CPU");
  backend_->addItem("CUDA (GPU)");
  // Listed even when unusable, so people see that it exists and (in the note) why it is off here.
  if (auto* items = qobject_cast<QStandardItemModel*>(backend_->model())) items->item(1)->setEnabled(cuda);
  backend_->setCurrentIndex(cuda && s.backend == lightvl::Backend::kCuda ? 1 : 0);
  auto* cuda_label = new QLabel(cuda_note);
  cuda_label->setWordWrap(true);
  cuda_label->setEnabled(false);
  model_form->addRow("CPU threads", threads_);
  model_form->addRow("Memory budget", memory_budget_);
  model_form->addRow("", prefetch_);
  model_form->addRow("Backend", backend_);
  model_form->addRow("", cuda_label);

  auto* look = new QGroupBox("Appearance");
  auto* look_form = new QFormLayout(look);
  theme_ = new QComboBox;
  theme_->addItems({"Light", "Dark"});
  theme_->setCurrentIndex(s.theme == Theme::kDark ? 1 : 0);
  look_form->addRow("Theme", theme_);

  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(sampling);
  layout->addWidget(model);
  layout->addWidget(look);
  layout->addWidget(buttons);
}

AppSettings SettingsDialog::settings() const {
  AppSettings s = base_;
  s.temperature = temperature_->value();
  s.top_p = top_p_->value();
  s.top_k = top_k_->value();
  s.max_tokens = max_tokens_->value();
  s.threads = threads_->value();
  s.memory_budget_mib = memory_budget_->value();
  s.prefetch_weights = prefetch_->isChecked();
  s.backend = backend_->currentIndex() == 1 ? lightvl::Backend::kCuda : lightvl::Backend::kCpu;
  s.theme = theme_->currentIndex() == 1 ? Theme::kDark : Theme::kLight;
  return s;
}

}  // namespace lightvl::desktop
