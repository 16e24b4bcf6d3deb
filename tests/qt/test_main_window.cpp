// lightvl-chat's widgets on the offscreen platform: a broken model folder shows its error in the window,
// a message typed and sent streams into the chat view (Send turns into Stop meanwhile), a pasted picture
// becomes an attachment chip and moves the context meter, and the sidebar lists saved conversations.
#include <QApplication>
#include <QClipboard>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "core/chat_controller.h"
#include "qt_test_env.h"
#include "ui/chat_view.h"
#include "ui/composer.h"
#include "ui/main_window.h"

using namespace lightvl::desktop;
using testing::source_path;
using testing::tiny_model;

namespace {

constexpr int kWaitMs = 120000;

AppSettings quick_settings() {
  AppSettings s;
  s.temperature = 0;
  s.max_tokens = 12;
  s.threads = 1;
  return s;
}

}  // namespace

class MainWindowTest : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() { testing::isolate_user_folders(); }

  void a_broken_model_folder_shows_an_error_in_the_window() {
    QTemporaryDir root, bad;
    ChatController c(root.path());
    MainWindow window(&c);
    window.show();
    QSignalSpy errors(&c, &ChatController::error);
    c.load_model(bad.path());  // an empty folder: no config.json
    QVERIFY(errors.wait(kWaitMs));
    QVERIFY2(window.banner_text().contains("Could not load the model") && window.banner_text().contains("config.json"),
             qPrintable(window.banner_text()));
    auto* model_label = window.findChild<QLabel*>("model_label");
    QVERIFY(model_label->text().contains("No model loaded"));
    QVERIFY(!window.findChild<QPushButton*>("send_button")->isEnabled());
  }

  void a_sent_message_streams_into_the_chat_view() {
    QTemporaryDir root;
    ChatController c(root.path());
    c.set_settings(quick_settings());
    MainWindow window(&c);
    window.show();
    QSignalSpy loaded(&c, &ChatController::model_changed);
    c.load_model(tiny_model());
    QVERIFY(loaded.wait(kWaitMs));
    QVERIFY(window.findChild<QLabel*>("model_label")->text().contains("MiniMax-VL-01"));
    QVERIFY(window.findChild<QLabel*>("backend_label")->text().startsWith("CPU"));

    auto* composer = window.findChild<Composer*>("composer");
    auto* send = window.findChild<QPushButton*>("send_button");
    auto* view = window.findChild<ChatView*>("chat_view");
    QTest::keyClicks(composer, "What is **this**?");
    QSignalSpy finished(&c, &ChatController::answer_finished);
    QTest::mouseClick(send, Qt::LeftButton);
    QCOMPARE(send->text(), QString("Stop"));
    QVERIFY(composer->toPlainText().isEmpty());
    QVERIFY(finished.wait(kWaitMs));
    QCOMPARE(send->text(), QString("Send"));
    const QString shown = view->toPlainText();
    QVERIFY2(shown.contains("What is this?"), qPrintable(shown));  // the Markdown was rendered (no asterisks)
    QCOMPARE(view->message_text(1), c.current().messages[1].text);
    QVERIFY(window.findChild<QLabel*>("stats_label")->text().contains("12 tokens"));
    auto* list = window.findChild<QListWidget*>("conversation_list");
    QCOMPARE(list->count(), 1);
    QCOMPARE(list->item(0)->text(), QString("What is **this**?"));
  }

  void a_pasted_picture_becomes_an_attachment_and_moves_the_meter() {
    QTemporaryDir root;
    ChatController c(root.path());
    c.set_settings(quick_settings());
    MainWindow window(&c);
    window.show();
    QSignalSpy loaded(&c, &ChatController::model_changed);
    c.load_model(tiny_model());
    QVERIFY(loaded.wait(kWaitMs));
    auto* meter = window.findChild<QLabel*>("meter_label");
    QVERIFY2(meter->text().startsWith("0 / 4,096 tokens"), qPrintable(meter->text()));

    QApplication::clipboard()->setImage(QImage(source_path("assets/sample-shapes.png")));
    auto* composer = window.findChild<Composer*>("composer");
    composer->setFocus();
    composer->paste();
    QCOMPARE(c.pending().size(), 1);
    QCOMPARE(c.pending()[0].kind, Attachment::Kind::kImage);
    QVERIFY(composer->toPlainText().isEmpty());  // the picture did not land in the box as text
    QVERIFY(QTest::qWaitFor([&] { return meter->text().contains("in this message"); }, kWaitMs));

    c.remove_pending(0);
    QVERIFY(!meter->text().contains("in this message"));
  }
};

QTEST_MAIN(MainWindowTest)
#include "test_main_window.moc"
