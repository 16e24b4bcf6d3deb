// lightvl-chat's controller and SDK worker over the tiny random-weight checkpoint, without widgets or a
// display: loading (and refusing a broken folder), streaming, stop, the context meter with attachments,
// overflow and memory-budget refusals, regenerate/edit, PDF pages as images, and conversations that
// survive a restart and are replayed into a fresh Session.
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

#include "core/chat_controller.h"
#include "qt_test_env.h"

using namespace lightvl::desktop;
using testing::source_path;
using testing::tiny_model;

namespace {

constexpr int kWaitMs = 120000;  // generous: CI machines are slow and shared

// Greedy answers of `max_tokens` tokens (the tiny model's noise rarely ends early).
AppSettings quick_settings(int max_tokens = 8) {
  AppSettings s;
  s.temperature = 0;
  s.max_tokens = max_tokens;
  s.threads = 1;
  return s;
}

// A controller over `root` with the tiny model loaded.
std::unique_ptr<ChatController> loaded_controller(const QString& root, const AppSettings& settings = quick_settings()) {
  auto c = std::make_unique<ChatController>(root);
  c->set_settings(settings);
  QSignalSpy loaded(c.get(), &ChatController::model_changed);
  c->load_model(tiny_model());
  if (!loaded.wait(kWaitMs)) return nullptr;
  return c;
}

// Waits until every pending attachment has its token count.
bool wait_counted(ChatController& c) {
  return QTest::qWaitFor(
      [&] {
        for (const Attachment& a : c.pending()) {
          if (a.tokens < 0) return false;
        }
        return true;
      },
      kWaitMs);
}

}  // namespace

class ChatControllerTest : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() { testing::isolate_user_folders(); }

  void loads_the_model_and_describes_it() {
    QTemporaryDir root;
    ChatController c(root.path());
    QSignalSpy states(&c, &ChatController::state_changed);
    QSignalSpy progress(&c, &ChatController::load_progress);
    QSignalSpy loaded(&c, &ChatController::model_changed);
    c.load_model(tiny_model());
    QCOMPARE(c.state(), ChatController::State::kLoading);
    QVERIFY(loaded.wait(kWaitMs));
    QVERIFY(c.has_model());
    QCOMPARE(c.state(), ChatController::State::kIdle);
    QVERIFY(!progress.isEmpty());
    QVERIFY2(c.model().description.startsWith("MiniMax-VL-01 · 8 layers"), qPrintable(c.model().description));
    QCOMPARE(c.model().context_length, qint64(4096));
    QVERIFY(c.model().backend.startsWith("CPU"));
    QCOMPARE(c.settings().last_model_dir, c.model().directory);
  }

  void loading_can_be_cancelled() {
    QTemporaryDir root;
    ChatController c(root.path());
    QSignalSpy notices(&c, &ChatController::notice);
    QSignalSpy loaded(&c, &ChatController::model_changed);
    c.load_model(tiny_model());
    c.cancel_load();  // before the worker starts: the first progress callback cancels
    QVERIFY(notices.wait(kWaitMs));
    QCOMPARE(notices[0].at(0).toString(), QString("Loading cancelled."));
    QVERIFY(loaded.isEmpty());
    QVERIFY(!c.has_model());
    QCOMPARE(c.state(), ChatController::State::kNoModel);
  }

  void a_broken_model_folder_says_why() {
    QTemporaryDir root, bad;
    QFile config(bad.filePath("config.json"));
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write("{\"model_type\": ");
    config.close();
    ChatController c(root.path());
    QSignalSpy errors(&c, &ChatController::error);
    c.load_model(bad.path());
    QVERIFY(errors.wait(kWaitMs));
    const QString message = errors.takeFirst().at(0).toString();
    QVERIFY2(message.startsWith("Could not load the model in") && message.contains("config.json") &&
                 message.contains("invalid JSON"),
             qPrintable(message));
    QCOMPARE(c.state(), ChatController::State::kNoModel);
    c.load_model(root.path() + "/missing");
    QVERIFY(errors.wait(kWaitMs));
    QVERIFY(errors.takeFirst().at(0).toString().contains("does not exist"));
    // Still usable: the real model loads afterwards.
    QSignalSpy loaded(&c, &ChatController::model_changed);
    c.load_model(tiny_model());
    QVERIFY(loaded.wait(kWaitMs));
  }

  void sending_streams_an_answer() {
    QTemporaryDir root;
    auto c = loaded_controller(root.path());
    QVERIFY(c);
    QSignalSpy streamed(c.get(), &ChatController::answer_streamed);
    QSignalSpy finished(c.get(), &ChatController::answer_finished);
    QVERIFY(c->send("Hello there"));
    QCOMPARE(c->state(), ChatController::State::kBusy);
    QVERIFY(finished.wait(kWaitMs));
    QVERIFY(!streamed.isEmpty());
    const Conversation& conv = c->current();
    QCOMPARE(conv.messages.size(), 2);
    QCOMPARE(conv.messages[0].text, QString("Hello there"));
    QCOMPARE(conv.title, QString("Hello there"));
    const ChatMessage& answer = conv.messages[1];
    QCOMPARE(answer.role, ChatMessage::Role::kAssistant);
    QCOMPARE(streamed.last().at(0).toString(), answer.text);  // the stream adds up to the answer
    QCOMPARE(answer.stats.generated_tokens, qint64(8));
    QVERIFY(answer.stats.time_to_first_token > 0);
    QVERIFY(c->figures().used > answer.stats.generated_tokens);  // the meter counts the whole conversation
    QCOMPARE(c->state(), ChatController::State::kIdle);
  }

  void stop_ends_the_answer_early() {
    QTemporaryDir root;
    auto c = loaded_controller(root.path(), quick_settings(3000));
    QVERIFY(c);
    QSignalSpy finished(c.get(), &ChatController::answer_finished);
    connect(c.get(), &ChatController::answer_streamed, c.get(), &ChatController::stop);
    QVERIFY(c->send("Tell me a long story"));
    QVERIFY(finished.wait(kWaitMs));
    const AnswerStats stats = c->current().messages.back().stats;
    QCOMPARE(stats.stop_reason, QString("cancelled"));
    QVERIFY2(stats.generated_tokens < 3000, qPrintable(QString::number(stats.generated_tokens)));
    // A stopped answer is kept; the conversation goes on.
    QVERIFY(c->send("Go on"));
    disconnect(c.get(), &ChatController::answer_streamed, c.get(), &ChatController::stop);
    QVERIFY(finished.wait(kWaitMs));
    QCOMPARE(c->current().messages.size(), 4);
  }

  void stop_during_prefill_gives_the_message_back() {
    QTemporaryDir root;
    auto c = loaded_controller(root.path());
    QVERIFY(c);
    QSignalSpy notices(c.get(), &ChatController::notice);
    QSignalSpy restored(c.get(), &ChatController::draft_restored);
    // A long document keeps the worker busy counting its tokens while send() queues the turn, so the
    // stop below reliably arrives before the turn starts (the turn then refuses to run at all).
    QString text;
    for (int i = 0; i < 120; ++i) text += QString("Line %1 of a long document about lighthouses.\n").arg(i);
    const QString long_doc = root.path() + "/long.txt";
    QFile file(long_doc);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(text.toUtf8());
    file.close();
    QVERIFY(c->attach_file(long_doc));
    QVERIFY(c->send("Read this"));
    c->stop();  // the turn is still queued behind the count: it is stopped before it begins
    QVERIFY(notices.wait(kWaitMs));
    QVERIFY(notices[0].at(0).toString().contains("Stopped before the answer began"));
    QCOMPARE(restored.size(), 1);
    QCOMPARE(restored[0].at(0).toString(), QString("Read this"));
    QVERIFY(c->current().messages.isEmpty());
    QCOMPARE(c->pending().size(), 1);
    QCOMPARE(c->state(), ChatController::State::kIdle);
    QSignalSpy finished(c.get(), &ChatController::answer_finished);
    QVERIFY(c->send("Read this"));  // the Session was left consistent: the same turn now runs
    QVERIFY(finished.wait(kWaitMs));
    QCOMPARE(c->current().messages.size(), 2);
  }

  void a_long_document_reports_prefill_progress() {
    QTemporaryDir root, files;
    auto c = loaded_controller(root.path());
    QVERIFY(c);
    QFile doc(files.filePath("long.md"));
    QVERIFY(doc.open(QIODevice::WriteOnly));
    for (int i = 0; i < 300; ++i) doc.write("Line of notes. ");
    doc.close();
    QVERIFY(c->attach_file(doc.fileName()));
    QSignalSpy progress(c.get(), &ChatController::prefill_progress);
    QSignalSpy finished(c.get(), &ChatController::answer_finished);
    QVERIFY(c->send("Summarise"));
    QVERIFY(finished.wait(kWaitMs));
    QVERIFY(progress.size() >= 2);  // 512-token chunks: several reports
    const qint64 total = progress.last().at(1).toLongLong();
    QCOMPARE(progress.last().at(0).toLongLong(), total);
    QVERIFY(total > 512);
    QCOMPARE(total, c->current().messages[1].stats.prompt_tokens);
  }

  void attachments_update_the_context_meter() {
    QTemporaryDir root;
    auto c = loaded_controller(root.path());
    QVERIFY(c);
    QVERIFY(c->attach_file(source_path("assets/sample-shapes.png")));
    QVERIFY(c->attach_file(source_path("tests/fixtures/documents/notes.md")));
    QCOMPARE(c->figures().uncounted, 2);
    QVERIFY(wait_counted(*c));
    const qint64 image = c->pending()[0].tokens, document = c->pending()[1].tokens;
    QVERIFY(image > 0);
    QVERIFY(document > 10);  // notes.md is a few dozen tokens
    QCOMPARE(c->figures().attachments, image + document);
    QVERIFY2(c->meter().label.contains(QString("+%1 in this message").arg(image + document)), qPrintable(c->meter().label));

    QSignalSpy finished(c.get(), &ChatController::answer_finished);
    QVERIFY(c->send("Describe both."));
    QVERIFY(finished.wait(kWaitMs));
    QCOMPARE(c->current().messages[0].attachments.size(), 2);
    QCOMPARE(c->current().messages[1].stats.image_tokens, image);
    QVERIFY(c->figures().used >= image + document);
    QCOMPARE(c->figures().attachments, qint64(0));
  }

  void a_message_that_would_overflow_is_refused_up_front() {
    QTemporaryDir root, files;
    auto c = loaded_controller(root.path());
    QVERIFY(c);
    QFile big(files.filePath("big.txt"));
    QVERIFY(big.open(QIODevice::WriteOnly));
    for (int i = 0; i < 3000; ++i) big.write("The vault opens on Tuesdays. ");
    big.close();
    QVERIFY(c->attach_file(big.fileName()));
    QVERIFY(wait_counted(*c));
    QCOMPARE(c->meter().level, MeterLevel::kOverflow);
    QSignalSpy errors(c.get(), &ChatController::error);
    QVERIFY(!c->send("Summarise"));
    QCOMPARE(errors.size(), 1);
    QVERIFY(errors[0].at(0).toString().contains("overflow the context"));
    QVERIFY(c->current().messages.isEmpty());
    c->remove_pending(0);
    QCOMPARE(c->meter().level, MeterLevel::kOk);
  }

  void bad_files_give_messages_and_leave_the_app_usable() {
    QTemporaryDir root, files;
    auto c = loaded_controller(root.path());
    QVERIFY(c);
    QSignalSpy errors(c.get(), &ChatController::error);
    QVERIFY(!c->attach_file(files.filePath("missing.png")));
    QVERIFY(errors.takeFirst().at(0).toString().contains("does not exist"));
    QFile empty(files.filePath("empty.md"));
    QVERIFY(empty.open(QIODevice::WriteOnly));
    empty.close();
    QVERIFY(!c->attach_file(empty.fileName()));
    QVERIFY(errors.takeFirst().at(0).toString().contains("is empty"));
    // Accepted by the app, refused by the SDK when counted: dropped with the SDK's message.
    QVERIFY(c->attach_file(source_path("tests/fixtures/documents/latin1.txt")));
    QVERIFY(c->attach_file(source_path("tests/fixtures/documents/truncated.pdf")));
    QFile fake(files.filePath("fake.png"));
    QVERIFY(fake.open(QIODevice::WriteOnly));
    fake.write("this is not a picture");
    fake.close();
    QVERIFY(c->attach_file(fake.fileName()));
    QVERIFY(QTest::qWaitFor([&] { return c->pending().isEmpty(); }, kWaitMs));
    QCOMPARE(errors.size(), 3);
    QVERIFY(errors[0].at(0).toString().contains("latin1.txt"));
    QVERIFY(errors[1].at(0).toString().contains("truncated.pdf"));
    QVERIFY(errors[2].at(0).toString().contains("fake.png"));
    QSignalSpy finished(c.get(), &ChatController::answer_finished);
    QVERIFY(c->send("Still there?"));
    QVERIFY(finished.wait(kWaitMs));
  }

  void running_out_of_memory_is_reported_and_the_message_kept() {
    QTemporaryDir root;
    AppSettings s = quick_settings();
    s.memory_budget_mib = 1;  // the tiny model's prefill scratch alone needs more
    auto c = loaded_controller(root.path(), s);
    QVERIFY(c);
    QSignalSpy errors(c.get(), &ChatController::error);
    QSignalSpy restored(c.get(), &ChatController::draft_restored);
    QVERIFY(c->attach_file(source_path("tests/fixtures/documents/notes.md")));
    QVERIFY(c->send("Read this"));
    QVERIFY(errors.wait(kWaitMs));
    QVERIFY2(errors[0].at(0).toString().contains("memory budget"), qPrintable(errors[0].at(0).toString()));
    QCOMPARE(c->state(), ChatController::State::kIdle);
    QVERIFY(c->current().messages.isEmpty());
    QCOMPARE(restored.size(), 1);
    QCOMPARE(restored[0].at(0).toString(), QString("Read this"));
    QCOMPARE(c->pending().size(), 1);  // the document is back in the composer too
  }

  void regenerate_and_edit_the_last_message() {
    QTemporaryDir root;
    auto c = loaded_controller(root.path());
    QVERIFY(c);
    QSignalSpy finished(c.get(), &ChatController::answer_finished);
    QVERIFY(c->attach_file(source_path("assets/sample-shapes.png")));
    QVERIFY(c->send("First"));
    QVERIFY(finished.wait(kWaitMs));
    const QString first_answer = c->current().messages[1].text;
    QVERIFY(c->regenerate());
    QVERIFY(finished.wait(kWaitMs));
    QCOMPARE(c->current().messages.size(), 2);
    QCOMPARE(c->current().messages[1].text, first_answer);  // greedy: the replay gives the same answer

    QSignalSpy restored(c.get(), &ChatController::draft_restored);
    QVERIFY(c->edit_last());
    QCOMPARE(restored.size(), 1);
    QCOMPARE(restored[0].at(0).toString(), QString("First"));
    QVERIFY(c->current().messages.isEmpty());
    QCOMPARE(c->pending().size(), 1);
    QVERIFY(c->send("First, edited"));
    QVERIFY(finished.wait(kWaitMs));
    QCOMPARE(c->current().messages[0].text, QString("First, edited"));
    QCOMPARE(c->current().messages[0].attachments.size(), 1);
  }

  void pdf_pages_go_as_images() {
    QTemporaryDir root;
    auto c = loaded_controller(root.path());
    QVERIFY(c);
    QVERIFY(c->attach_pdf_pages(source_path("tests/fixtures/documents/two_pages.pdf")));
    QCOMPARE(c->pending().size(), 2);
    QCOMPARE(c->pending()[1].kind, Attachment::Kind::kPdfPage);
    QCOMPARE(c->pending()[1].page, 1);
    QVERIFY(wait_counted(*c));
    QVERIFY(c->pending()[0].tokens > 0);
    QSignalSpy finished(c.get(), &ChatController::answer_finished);
    QVERIFY(c->send("What do these pages show?"));
    QVERIFY(finished.wait(kWaitMs));
    QVERIFY(c->current().messages[1].stats.image_tokens > 0);
    // Both pages share one stored copy of the PDF.
    QCOMPARE(c->current().messages[0].attachments[0].file, c->current().messages[0].attachments[1].file);
  }

  void a_conversation_survives_a_restart_and_is_replayed() {
    QTemporaryDir root;
    QString id, answer;
    {
      auto c = loaded_controller(root.path());
      QVERIFY(c);
      c->set_system_prompt("Answer briefly.");
      QVERIFY(c->attach_file(source_path("tests/fixtures/documents/notes.md")));
      QSignalSpy finished(c.get(), &ChatController::answer_finished);
      QVERIFY(c->send("When does the vault open?"));
      QVERIFY(finished.wait(kWaitMs));
      id = c->current().id;
      answer = c->current().messages[1].text;
    }
    auto c = loaded_controller(root.path());
    QVERIFY(c);
    const QList<ConversationSummary> list = c->conversations();
    QCOMPARE(list.size(), 1);
    QCOMPARE(list[0].title, QString("When does the vault open?"));
    QSignalSpy meter(c.get(), &ChatController::meter_changed);
    QVERIFY(c->open_conversation(id));
    QCOMPARE(c->current().system_prompt, QString("Answer briefly."));
    QCOMPARE(c->current().messages.size(), 2);
    QCOMPARE(c->current().messages[1].text, answer);
    QCOMPARE(c->current().messages[0].attachments[0].name, QString("notes.md"));
    // The meter learns the history's size from the worker without replaying it.
    QVERIFY(QTest::qWaitFor([&] { return c->figures().used > 0; }, kWaitMs));
    // The next turn replays the history into the fresh Session, then answers.
    QSignalSpy finished(c.get(), &ChatController::answer_finished);
    QVERIFY(c->send("And who should I ask?"));
    QVERIFY(finished.wait(kWaitMs));
    QCOMPARE(c->current().messages.size(), 4);
    // Replayed: this call prefilled the whole first turn again, so more than that turn's prompt.
    QVERIFY(c->current().messages[3].stats.prompt_tokens > c->current().messages[1].stats.prompt_tokens);
  }

  void conversations_are_renamed_exported_and_deleted() {
    QTemporaryDir root, out;
    auto c = loaded_controller(root.path());
    QVERIFY(c);
    QSignalSpy finished(c.get(), &ChatController::answer_finished);
    QVERIFY(c->send("Hi"));
    QVERIFY(finished.wait(kWaitMs));
    const QString id = c->current().id;
    QVERIFY(c->rename_conversation(id, "Greeting"));
    QCOMPARE(c->conversations()[0].title, QString("Greeting"));
    QVERIFY(c->export_markdown_to(out.filePath("greeting.md")));
    QFile md(out.filePath("greeting.md"));
    QVERIFY(md.open(QIODevice::ReadOnly));
    QVERIFY(md.readAll().startsWith("# Greeting\n"));
    QVERIFY(c->delete_conversation(id));
    QVERIFY(c->conversations().isEmpty());
    QVERIFY(c->current().id != id);
  }
};

QTEST_GUILESS_MAIN(ChatControllerTest)
#include "test_chat_controller.moc"
