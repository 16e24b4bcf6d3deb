// lightvl-chat: the desktop chat app. Parses the command line, restores the settings, and shows the
// main window over a ChatController; the model folder given with --model (or the one used last, or on
// the first run the bundled demo model) loads in the background at start-up.
#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QSettings>

#include "core/app_settings.h"
#include "core/bundled_model.h"
#include "core/chat_controller.h"
#include "core/conversation_store.h"
#include "lightvl/system.h"
#include "ui/main_window.h"
#include "ui/theme.h"

int main(int argc, char** argv) {
  using namespace lightvl::desktop;
  QApplication app(argc, argv);
  QApplication::setOrganizationName("lightvl");
  QApplication::setApplicationName("lightvl-chat");
  QApplication::setApplicationVersion(QString::fromStdString(lightvl::system_info().version));

  QCommandLineParser parser;
  parser.setApplicationDescription("Chat with a MiniMax-VL-01 model on this machine, with images and documents.");
  parser.addHelpOption();
  parser.addVersionOption();
  const QCommandLineOption model_option("model", "Model folder to load at start-up.", "dir");
  const QCommandLineOption data_option("data", "Folder for saved conversations (default: the user's data folder).", "dir");
  parser.addOption(model_option);
  parser.addOption(data_option);
  parser.process(app);

  QSettings store;
  const AppSettings settings = load_settings(store);
  apply_theme(app, settings.theme);

  ChatController controller(parser.isSet(data_option) ? parser.value(data_option) : ConversationStore::default_root());
  controller.set_settings(settings);
  MainWindow window(&controller);
  window.show();

  QString model = parser.isSet(model_option) ? parser.value(model_option) : settings.last_model_dir;
  if (model.isEmpty()) model = bundled_model_dir();  // the first run: the demo model answers at once
  if (!model.isEmpty() && (parser.isSet(model_option) || QDir(model).exists())) controller.load_model(model);
  return app.exec();
}
