// Renders lightvl-chat's main window with a real conversation over the bundled demo model (a picture and a
// document it was trained to read, answers generated now) and saves it as a PNG. scripts/screenshot.sh runs it under Xvfb to
// make assets/screenshots/lightvl-chat.png; ctest runs it offscreen as a smoke test of the whole window.
// Usage: lightvl_chat_screenshot --out FILE.png [--theme light|dark]
#include <QApplication>
#include <QCommandLineParser>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <cstdio>

#include "core/chat_controller.h"
#include "qt_test_env.h"
#include "ui/composer.h"
#include "ui/main_window.h"
#include "ui/theme.h"

using namespace lightvl::desktop;
using testing::source_path;

namespace {

constexpr int kWaitMs = 120000;

// Sends `text` with whatever is attached and waits for the answer; false (with a message) on failure.
bool ask(ChatController& c, const QString& text) {
  QSignalSpy finished(&c, &ChatController::answer_finished);
  if (!c.send(text) || !finished.wait(kWaitMs)) {
    std::fprintf(stderr, "screenshot: no answer to '%s'\n", qPrintable(text));
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  testing::isolate_user_folders();
  QApplication app(argc, argv);
  QApplication::setOrganizationName("lightvl");
  QApplication::setApplicationName("lightvl-chat");
  QCommandLineParser parser;
  const QCommandLineOption out_option("out", "PNG file to write.", "file");
  const QCommandLineOption theme_option("theme", "light or dark.", "theme", "light");
  parser.addOption(out_option);
  parser.addOption(theme_option);
  parser.process(app);
  if (!parser.isSet(out_option)) {
    std::fprintf(stderr, "usage: lightvl_chat_screenshot --out FILE.png [--theme light|dark]\n");
    return 2;
  }

  AppSettings settings;
  settings.temperature = 0;  // the same picture every run
  settings.max_tokens = 40;
  settings.theme = parser.value(theme_option) == "dark" ? Theme::kDark : Theme::kLight;
  apply_theme(app, settings.theme);

  QTemporaryDir root;
  ChatController c(root.path());
  c.set_settings(settings);
  MainWindow window(&c);
  window.resize(1280, 820);
  window.show();
  QSignalSpy loaded(&c, &ChatController::model_changed);
  c.load_model(source_path("assets/lightvl-demo-vl"));
  if (!loaded.wait(kWaitMs)) {
    std::fprintf(stderr, "screenshot: the demo model did not load\n");
    return 1;
  }

  // Two earlier conversations for the sidebar, then the one on screen: questions of the demo model's world
  // (pictures of shapes, facts in documents; see its MODEL_CARD.md).
  if (!ask(c, "What can you do?")) return 1;
  c.new_conversation();
  c.attach_file(source_path("assets/sample-scene.png"));
  if (!ask(c, "What shape is in the bottom right?")) return 1;
  if (!ask(c, "What colour is the star?")) return 1;
  c.new_conversation();
  c.attach_file(source_path("assets/sample-document.txt"));
  if (!ask(c, "Where does Garhal Veshalny live?")) return 1;
  if (!ask(c, "What is Vesdal Nyzu's job?")) return 1;
  if (!ask(c, "In which year was Corish Tarquel born?")) return 1;

  // Leave a question half-written with a page image attached, so the meter shows a pending message.
  c.attach_pdf_pages(source_path("tests/fixtures/documents/two_pages.pdf"));
  auto* composer = window.findChild<Composer*>("composer");
  composer->setPlainText("Which page mentions the vault?");
  const bool counted = QTest::qWaitFor(
      [&] {
        for (const Attachment& a : c.pending()) {
          if (a.tokens < 0) return false;
        }
        return true;
      },
      kWaitMs);
  if (!counted) {
    std::fprintf(stderr, "screenshot: the page images were not counted\n");
    return 1;
  }
  QTest::qWait(200);  // let the last redraws land

  if (!window.grab().save(parser.value(out_option), "PNG")) {
    std::fprintf(stderr, "screenshot: cannot write %s\n", qPrintable(parser.value(out_option)));
    return 1;
  }
  std::printf("screenshot: wrote %s\n", qPrintable(parser.value(out_option)));
  return 0;
}
