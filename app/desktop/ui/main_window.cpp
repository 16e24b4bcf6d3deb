#include "ui/main_window.h"

#include <QApplication>
#include <QCloseEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QToolButton>
#include <QVBoxLayout>

#include "core/markdown_export.h"
#include "ui/attachment_strip.h"
#include "ui/chat_view.h"
#include "ui/composer.h"
#include "ui/settings_dialog.h"
#include "ui/theme.h"

namespace lightvl::desktop {
namespace {

constexpr int kStreamRedrawMs = 50;

}  // namespace

MainWindow::MainWindow(ChatController* controller, QWidget* parent) : QMainWindow(parent), controller_(controller) {
  setWindowTitle("lightvl-chat");
  setAcceptDrops(true);
  auto* central = new QWidget;
  auto* layout = new QVBoxLayout(central);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(0);
  layout->addWidget(build_model_bar());
  auto* splitter = new QSplitter;
  splitter->addWidget(build_sidebar());
  splitter->addWidget(build_chat_area());
  splitter->setStretchFactor(1, 1);
  splitter->setSizes({230, 800});
  layout->addWidget(splitter, 1);
  setCentralWidget(central);
  build_menus();
  build_status_bar();
  stream_timer_.setSingleShot(true);
  stream_timer_.setInterval(kStreamRedrawMs);
  connect(&stream_timer_, &QTimer::timeout, this, [this] { chat_view_->show_streaming(controller_->streaming_text()); });
  connect_controller();
  chat_view_->set_colors(chat_colors(controller_->settings().theme));
  refresh_model();
  refresh_sidebar();
  refresh_conversation();
  refresh_state();
  refresh_meter();
  resize(1180, 780);
}

QWidget* MainWindow::build_model_bar() {
  auto* bar = new QFrame;
  bar->setFrameShape(QFrame::StyledPanel);
  auto* row = new QHBoxLayout(bar);
  row->setContentsMargins(10, 6, 10, 6);
  model_label_ = new QLabel;
  model_label_->setObjectName("model_label");
  model_label_->setTextFormat(Qt::RichText);
  load_progress_ = new QProgressBar;
  load_progress_->setObjectName("load_progress");
  load_progress_->setRange(0, 1000);
  load_progress_->setMaximumWidth(260);
  load_progress_->setFormat("Loading…");
  cancel_load_ = new QPushButton("Cancel");
  connect(cancel_load_, &QPushButton::clicked, controller_, &ChatController::cancel_load);
  auto* open = new QPushButton("Open model folder…");
  connect(open, &QPushButton::clicked, this, &MainWindow::choose_model);
  auto* settings = new QPushButton("Settings");
  connect(settings, &QPushButton::clicked, this, &MainWindow::open_settings);
  row->addWidget(model_label_, 1);
  row->addWidget(load_progress_);
  row->addWidget(cancel_load_);
  row->addWidget(open);
  row->addWidget(settings);
  return bar;
}

QWidget* MainWindow::build_sidebar() {
  auto* side = new QWidget;
  auto* column = new QVBoxLayout(side);
  column->setContentsMargins(8, 4, 4, 8);
  auto* new_chat = new QPushButton("+  New chat");
  connect(new_chat, &QPushButton::clicked, this, [this] {
    if (controller_->new_conversation()) refresh_sidebar();
  });
  conversation_list_ = new QListWidget;
  conversation_list_->setObjectName("conversation_list");
  conversation_list_->setContextMenuPolicy(Qt::CustomContextMenu);
  conversation_list_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);  // long titles are elided
  conversation_list_->setTextElideMode(Qt::ElideRight);
  conversation_list_->setStyleSheet("QListWidget::item { padding: 5px 4px; }");
  connect(conversation_list_, &QListWidget::itemClicked, this, [this](QListWidgetItem* item) {
    const QString id = item->data(Qt::UserRole).toString();
    if (id != controller_->current().id) controller_->open_conversation(id);
  });
  connect(conversation_list_, &QListWidget::customContextMenuRequested, this, [this](const QPoint& at) {
    QListWidgetItem* item = conversation_list_->itemAt(at);
    if (!item) return;
    const QString id = item->data(Qt::UserRole).toString();
    QMenu menu;
    menu.addAction("Rename…", this, [this, id] { rename_conversation(id); });
    menu.addAction("Export as Markdown…", this, [this, id] {
      if (controller_->open_conversation(id)) export_markdown();
    });
    menu.addSeparator();
    menu.addAction("Delete…", this, [this, id] { delete_conversation(id); });
    menu.exec(conversation_list_->viewport()->mapToGlobal(at));
  });
  column->addWidget(new_chat);
  column->addWidget(conversation_list_, 1);
  return side;
}

QWidget* MainWindow::build_chat_area() {
  auto* area = new QWidget;
  auto* column = new QVBoxLayout(area);
  column->setContentsMargins(4, 4, 10, 8);
  system_prompt_ = new QLineEdit;
  system_prompt_->setObjectName("system_prompt");
  system_prompt_->setPlaceholderText("System prompt for this conversation (optional)");
  connect(system_prompt_, &QLineEdit::editingFinished, this,
          [this] { controller_->set_system_prompt(system_prompt_->text()); });
  chat_view_ = new ChatView;
  chat_view_->setObjectName("chat_view");
  connect(chat_view_, &ChatView::regenerate_requested, controller_, &ChatController::regenerate);
  connect(chat_view_, &ChatView::edit_requested, controller_, &ChatController::edit_last);
  connect(chat_view_, &ChatView::copied, this, [this] { statusBar()->showMessage("Copied to the clipboard.", 2000); });

  banner_ = new QFrame;
  banner_->setObjectName("banner");
  auto* banner_row = new QHBoxLayout(banner_);
  banner_row->setContentsMargins(10, 6, 6, 6);
  banner_text_ = new QLabel;
  banner_text_->setObjectName("banner_text");
  banner_text_->setWordWrap(true);
  banner_text_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  auto* dismiss = new QToolButton;
  dismiss->setText("✕");
  dismiss->setAutoRaise(true);
  connect(dismiss, &QToolButton::clicked, banner_, &QWidget::hide);
  banner_row->addWidget(banner_text_, 1);
  banner_row->addWidget(dismiss, 0, Qt::AlignTop);
  banner_->hide();

  prefill_progress_ = new QProgressBar;
  prefill_progress_->setObjectName("prefill_progress");
  prefill_progress_->hide();

  attachments_ = new AttachmentStrip;
  connect(attachments_, &AttachmentStrip::remove_requested, controller_, &ChatController::remove_pending);

  auto* input_row = new QHBoxLayout;
  attach_button_ = new QToolButton;
  attach_button_->setText("Attach…");
  attach_button_->setMinimumHeight(30);
  attach_button_->setToolTip("Attach images or documents (or drop them here, or paste a picture)");
  attach_button_->setPopupMode(QToolButton::InstantPopup);
  auto* attach_menu = new QMenu(attach_button_);
  attach_menu->addAction("Image or document…", this, [this] { attach_with_dialog(false); });
  attach_menu->addAction("PDF pages as images…", this, [this] { attach_with_dialog(true); });
  attach_button_->setMenu(attach_menu);
  composer_ = new Composer;
  composer_->setObjectName("composer");
  composer_->setFixedHeight(84);
  connect(composer_, &Composer::submitted, this, &MainWindow::send);
  connect(composer_, &Composer::files_dropped, this, &MainWindow::attach_files);
  connect(composer_, &Composer::image_pasted, controller_, [this](const QImage& image) { controller_->attach_image(image); });
  connect(composer_, &QPlainTextEdit::textChanged, this, [this] { controller_->set_draft(composer_->toPlainText()); });
  send_button_ = new QPushButton("Send");
  send_button_->setObjectName("send_button");
  send_button_->setDefault(true);
  send_button_->setMinimumWidth(84);
  connect(send_button_, &QPushButton::clicked, this, [this] {
    if (controller_->state() == ChatController::State::kBusy) controller_->stop();
    else send();
  });
  input_row->addWidget(attach_button_, 0, Qt::AlignBottom);
  input_row->addWidget(composer_, 1);
  input_row->addWidget(send_button_, 0, Qt::AlignBottom);

  column->addWidget(system_prompt_);
  column->addWidget(chat_view_, 1);
  column->addWidget(banner_);
  column->addWidget(prefill_progress_);
  column->addWidget(attachments_);
  column->addLayout(input_row);
  return area;
}

void MainWindow::build_menus() {
  QMenu* file = menuBar()->addMenu("&File");
  file->addAction("&New chat", QKeySequence::New, this, [this] {
    if (controller_->new_conversation()) refresh_sidebar();
  });
  file->addAction("&Open model folder…", QKeySequence::Open, this, &MainWindow::choose_model);
  file->addAction("&Export as Markdown…", this, &MainWindow::export_markdown);
  file->addSeparator();
  file->addAction("&Quit", QKeySequence::Quit, this, &QWidget::close);
  QMenu* edit = menuBar()->addMenu("&Edit");
  edit->addAction("&Settings…", QKeySequence::Preferences, this, &MainWindow::open_settings);
}

void MainWindow::build_status_bar() {
  meter_bar_ = new QProgressBar;
  meter_bar_->setObjectName("meter_bar");
  meter_bar_->setRange(0, 1000);
  meter_bar_->setTextVisible(false);
  meter_bar_->setFixedSize(140, 10);
  meter_label_ = new QLabel;
  meter_label_->setObjectName("meter_label");
  stats_label_ = new QLabel;
  stats_label_->setObjectName("stats_label");
  backend_label_ = new QLabel;
  backend_label_->setObjectName("backend_label");
  statusBar()->addWidget(meter_bar_);
  statusBar()->addWidget(meter_label_, 1);
  statusBar()->addPermanentWidget(stats_label_);
  statusBar()->addPermanentWidget(backend_label_);
}

void MainWindow::connect_controller() {
  ChatController* c = controller_;
  connect(c, &ChatController::state_changed, this, [this] {
    refresh_state();
    refresh_conversation();
  });
  connect(c, &ChatController::load_progress, this, [this](double fraction, const QString& stage) {
    load_progress_->setValue(int(fraction * 1000));
    load_progress_->setFormat(QString("Loading %1… %p%").arg(stage));
  });
  connect(c, &ChatController::model_changed, this, [this] {
    refresh_model();
    QSettings store;
    save_settings(store, controller_->settings());  // remembers the model folder
  });
  connect(c, &ChatController::conversation_changed, this, &MainWindow::refresh_conversation);
  connect(c, &ChatController::conversations_changed, this, &MainWindow::refresh_sidebar);
  connect(c, &ChatController::pending_changed, this, [this] {
    attachments_->show_attachments(controller_->pending(), [this](const Attachment& a) { return controller_->attachment_path(a); });
  });
  connect(c, &ChatController::meter_changed, this, &MainWindow::refresh_meter);
  connect(c, &ChatController::answer_streamed, this, [this] {
    prefill_progress_->hide();
    if (!stream_timer_.isActive()) stream_timer_.start();
  });
  connect(c, &ChatController::prefill_progress, this, [this](qint64 done, qint64 total) {
    // Only worth a bar when the input is long enough to take a while (a document, many images).
    if (total < 256) return;
    prefill_progress_->setRange(0, int(std::min<qint64>(total, INT_MAX)));
    prefill_progress_->setValue(int(std::min<qint64>(done, INT_MAX)));
    prefill_progress_->setFormat(QString("Reading the input: %1 / %2 tokens").arg(format_count(done), format_count(total)));
    prefill_progress_->setVisible(done < total);
  });
  connect(c, &ChatController::answer_finished, this, [this](const AnswerStats& s) {
    stats_label_->setText(QString("Last answer: %1").arg(describe_stats(s)));
  });
  connect(c, &ChatController::draft_restored, this, [this](const QString& text) {
    composer_->setPlainText(text);
    composer_->setFocus();
  });
  connect(c, &ChatController::error, this, [this](const QString& m) { show_banner(m, true); });
  connect(c, &ChatController::notice, this, [this](const QString& m) { show_banner(m, false); });
}

void MainWindow::show_banner(const QString& text, bool is_error) {
  const ChatColors colors = chat_colors(controller_->settings().theme);
  banner_->setStyleSheet(is_error ? QString("#banner { background: %1; border-radius: 6px; } #banner_text { color: %2; }")
                                        .arg(colors.warning_background.name(), colors.warning.name())
                                  : QString("#banner { background: %1; border-radius: 6px; }").arg(colors.assistant_bubble.name()));
  banner_text_->setText(text);
  banner_->show();
}

QString MainWindow::banner_text() const { return banner_->isVisible() ? banner_text_->text() : QString(); }

void MainWindow::refresh_state() {
  const ChatController::State s = controller_->state();
  const bool busy = s == ChatController::State::kBusy;
  const bool loading = s == ChatController::State::kLoading;
  load_progress_->setVisible(loading);
  cancel_load_->setVisible(loading);
  if (loading) load_progress_->setValue(0);
  send_button_->setText(busy ? "Stop" : "Send");
  send_button_->setEnabled(s == ChatController::State::kIdle || busy);
  const ChatColors colors = chat_colors(controller_->settings().theme);
  send_button_->setStyleSheet(
      send_button_->isEnabled()
          ? QString("QPushButton { background: %1; color: %2; border: none; border-radius: 5px; padding: 6px 14px; }")
                .arg((busy ? colors.warning : colors.accent).name(), colors.page.name())
          : QString());
  if (!busy) prefill_progress_->hide();
  if (busy) banner_->hide();
}

void MainWindow::refresh_conversation() {
  const Conversation& c = controller_->current();
  if (!system_prompt_->hasFocus()) system_prompt_->setText(c.system_prompt);
  chat_view_->show_conversation(c, [this](const Attachment& a) { return controller_->attachment_path(a); },
                                controller_->state() == ChatController::State::kBusy);
  if (controller_->state() == ChatController::State::kBusy) chat_view_->show_streaming(controller_->streaming_text());
  setWindowTitle(c.title.isEmpty() ? "lightvl-chat" : QString("%1 — lightvl-chat").arg(c.title));
}

void MainWindow::refresh_sidebar() {
  conversation_list_->clear();
  for (const ConversationSummary& s : controller_->conversations()) {
    auto* item = new QListWidgetItem(s.title.isEmpty() ? "Untitled" : s.title);
    item->setData(Qt::UserRole, s.id);
    item->setToolTip(s.updated.toLocalTime().toString("d MMM yyyy, HH:mm"));
    conversation_list_->addItem(item);
    if (s.id == controller_->current().id) item->setSelected(true);
  }
}

void MainWindow::refresh_meter() {
  const MeterReading r = controller_->meter();
  const ChatColors colors = chat_colors(controller_->settings().theme);
  meter_bar_->setValue(int(1000 * (r.used_fraction + r.pending_fraction)));
  const QColor chunk = r.level == MeterLevel::kOverflow || r.level == MeterLevel::kNearlyFull ? colors.warning : colors.accent;
  meter_bar_->setStyleSheet(QString("QProgressBar { border: 1px solid %1; border-radius: 4px; }"
                                    "QProgressBar::chunk { background: %2; border-radius: 3px; }")
                                .arg(colors.muted.name(), chunk.name()));
  meter_label_->setText(r.warning.isEmpty() ? r.label : QString("%1 — %2").arg(r.label, r.warning));
  meter_label_->setStyleSheet(r.warning.isEmpty() ? QString() : QString("color: %1;").arg(colors.warning.name()));
}

void MainWindow::refresh_model() {
  if (!controller_->has_model()) {
    model_label_->setText("<b>No model loaded</b> — open a MiniMax-VL-01 model folder to start.");
    backend_label_->setText("CPU");
    return;
  }
  const ModelSummary& m = controller_->model();
  model_label_->setText(QString("<b>%1</b> &nbsp; %2").arg(m.name.toHtmlEscaped(), m.description.toHtmlEscaped()));
  model_label_->setToolTip(m.details);
  backend_label_->setText(m.backend);
}

void MainWindow::choose_model() {
  const QString dir = QFileDialog::getExistingDirectory(this, "Open a model folder", controller_->settings().last_model_dir);
  if (!dir.isEmpty()) controller_->load_model(dir);
}

void MainWindow::attach_with_dialog(bool pdf_pages) {
  if (pdf_pages) {
    const QString path = QFileDialog::getOpenFileName(this, "Attach PDF pages as images", {}, "PDF (*.pdf)");
    if (!path.isEmpty()) controller_->attach_pdf_pages(path);
    return;
  }
  attach_files(QFileDialog::getOpenFileNames(
      this, "Attach images or documents", {},
      "Images and documents (*.png *.jpg *.jpeg *.bmp *.gif *.webp *.txt *.md *.markdown *.pdf);;All files (*)"));
}

void MainWindow::attach_files(const QStringList& paths) {
  for (const QString& path : paths) controller_->attach_file(path);
}

void MainWindow::send() {
  if (controller_->send(composer_->toPlainText())) composer_->clear();
}

void MainWindow::apply_settings(const AppSettings& settings) {
  const bool theme_changed = settings.theme != controller_->settings().theme;
  controller_->set_settings(settings);
  QSettings store;
  save_settings(store, settings);
  if (auto* app = qobject_cast<QApplication*>(QCoreApplication::instance())) apply_theme(*app, settings.theme);
  chat_view_->set_colors(chat_colors(settings.theme));
  if (theme_changed) refresh_conversation();
  refresh_state();
  refresh_meter();
}

void MainWindow::open_settings() {
  SettingsDialog dialog(controller_->settings(), this);
  if (dialog.exec() == QDialog::Accepted) apply_settings(dialog.settings());
}

void MainWindow::export_markdown() {
  const QString suggested = (controller_->current().title.isEmpty() ? "conversation" : controller_->current().title) + ".md";
  const QString path = QFileDialog::getSaveFileName(this, "Export as Markdown", suggested, "Markdown (*.md)");
  if (!path.isEmpty() && controller_->export_markdown_to(path)) statusBar()->showMessage("Exported " + path, 3000);
}

void MainWindow::rename_conversation(const QString& id) {
  QString old_title;
  for (int i = 0; i < conversation_list_->count(); ++i) {
    if (conversation_list_->item(i)->data(Qt::UserRole).toString() == id) old_title = conversation_list_->item(i)->text();
  }
  bool ok = false;
  const QString title = QInputDialog::getText(this, "Rename conversation", "Title:", QLineEdit::Normal, old_title, &ok);
  if (ok && !title.trimmed().isEmpty()) controller_->rename_conversation(id, title.trimmed());
}

void MainWindow::delete_conversation(const QString& id) {
  if (QMessageBox::question(this, "Delete conversation", "Delete this conversation and its attachments?") ==
      QMessageBox::Yes) {
    controller_->delete_conversation(id);
  }
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
  if (!local_files(event->mimeData()).isEmpty() || event->mimeData()->hasImage()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
  const QStringList files = local_files(event->mimeData());
  if (!files.isEmpty()) attach_files(files);
  else if (event->mimeData()->hasImage()) controller_->attach_image(qvariant_cast<QImage>(event->mimeData()->imageData()));
  event->acceptProposedAction();
}

void MainWindow::closeEvent(QCloseEvent* event) {
  controller_->stop();
  QSettings store;
  save_settings(store, controller_->settings());
  QMainWindow::closeEvent(event);
}

}  // namespace lightvl::desktop
