// lightvl-chat widgets: the main window. A sidebar of saved conversations; the chat view with the
// system prompt above it and the composer (attachments, message box, Send/Stop) below; the model bar on
// top; the context meter, the last answer's figures and the backend in the status bar. Every action goes
// to the ChatController, and every redraw follows one of its signals; the window holds no chat state.
#pragma once

#include <QMainWindow>
#include <QTimer>

#include "core/chat_controller.h"

class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;
class QToolButton;
class QFrame;

namespace lightvl::desktop {

class AttachmentStrip;
class ChatView;
class Composer;

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  // Shows `controller`'s state; does not take ownership (the controller must outlive the window).
  explicit MainWindow(ChatController* controller, QWidget* parent = nullptr);

  // Applies and remembers (QSettings) new settings, theme included.
  void apply_settings(const AppSettings& settings);

  // The banner's current message (empty when hidden): what the user was last told went wrong.
  QString banner_text() const;

 protected:
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;
  void closeEvent(QCloseEvent* event) override;

 private:
  QWidget* build_model_bar();
  QWidget* build_sidebar();
  QWidget* build_chat_area();
  void build_menus();
  void build_status_bar();
  void connect_controller();

  void choose_model();
  void attach_with_dialog(bool pdf_pages);
  void attach_files(const QStringList& paths);
  void send();
  void open_settings();
  void export_markdown();
  void rename_conversation(const QString& id);
  void delete_conversation(const QString& id);
  void show_banner(const QString& text, bool is_error);

  void refresh_state();
  void refresh_conversation();
  void refresh_sidebar();
  void refresh_meter();
  void refresh_model();

  ChatController* controller_;
  QLabel* model_label_;
  QProgressBar* load_progress_;
  QPushButton* cancel_load_;
  QListWidget* conversation_list_;
  QLineEdit* system_prompt_;
  ChatView* chat_view_;
  QFrame* banner_;
  QLabel* banner_text_;
  QProgressBar* prefill_progress_;
  AttachmentStrip* attachments_;
  Composer* composer_;
  QToolButton* attach_button_;
  QPushButton* send_button_;
  QProgressBar* meter_bar_;
  QLabel* meter_label_;
  QLabel* stats_label_;
  QLabel* backend_label_;
  QTimer stream_timer_;  // coalesces streamed pieces into at most one redraw per tick
};

}  // namespace lightvl::desktop
