// lightvl-chat's model layer without a model or a display: conversations and their JSON, the store
// (atomic saves, attachment copies, unreadable files), the context meter's arithmetic, the Markdown export,
// the settings and PDF page rendering.
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTextDocument>
#include <QtTest>

#include "core/app_settings.h"
#include "core/context_meter.h"
#include "core/conversation_store.h"
#include "core/display_markdown.h"
#include "core/markdown_export.h"
#include "core/pdf_pages.h"
#include "qt_test_env.h"

using namespace lightvl::desktop;
using testing::source_path;

namespace {

Conversation sample_conversation() {
  Conversation c;
  c.id = new_conversation_id();
  c.title = "Shapes";
  c.system_prompt = "Answer briefly.";
  c.created = c.updated = QDateTime::currentDateTimeUtc();
  ChatMessage user{ChatMessage::Role::kUser, "What is in the picture?", {}, false, {}};
  user.attachments.push_back({Attachment::Kind::kImage, "1/sample-shapes.png", "sample-shapes.png", 0, 230});
  user.attachments.push_back({Attachment::Kind::kPdfPage, "2/two_pages.pdf", "two_pages.pdf p. 2", 1, 64});
  ChatMessage answer{ChatMessage::Role::kAssistant, "A **red** disc.\n\n```cpp\nint x = 1;\n```", {}, true, {}};
  answer.stats = {30, 0, 12, 0.25, 40.5, "eos"};
  c.messages = {user, answer};
  return c;
}

}  // namespace

class ChatCoreTest : public QObject {
  Q_OBJECT

 private slots:
  // A short answer that is only a number and a full stop ("1882.", a count "2.") is an empty ordered-list
  // item to CommonMark, which Qt draws as nothing; it is escaped so it shows, and real lists are kept.
  void lone_list_markers_show_as_written() {
    QCOMPARE(display_markdown("1882."), QString("1882\\."));
    QCOMPARE(display_markdown("2.  "), QString("2\\.  "));
    QCOMPARE(display_markdown("Counts:\n  7)\nDone."), QString("Counts:\n  7\\)\nDone."));
    QCOMPARE(display_markdown("1. Mix\n2. Bake"), QString("1. Mix\n2. Bake"));
    QCOMPARE(display_markdown("Kadordale."), QString("Kadordale."));
    QCOMPARE(display_markdown("    1."), QString("    1."));  // four spaces: a code block, shown as is
    QTextDocument shown;
    shown.setMarkdown(display_markdown("1882."));
    QCOMPARE(shown.toPlainText(), QString("1882."));
    shown.setMarkdown("1882.");  // what Qt makes of it unescaped: the answer disappears
    QVERIFY(!shown.toPlainText().contains("1882"));
  }

  void json_round_trip_keeps_everything() {
    const Conversation c = sample_conversation();
    Conversation back;
    QString error;
    QVERIFY2(from_json(to_json(c), &back, &error), qPrintable(error));
    QCOMPARE(back, c);
  }

  void json_refuses_unknown_roles_and_versions() {
    QJsonObject json = to_json(sample_conversation());
    Conversation out;
    QString error;
    QJsonObject bad_version = json;
    bad_version["version"] = 7;
    QVERIFY(!from_json(bad_version, &out, &error));
    QVERIFY(error.contains("version 7"));
    QJsonArray messages = json["messages"].toArray();
    QJsonObject m = messages[0].toObject();
    m["role"] = "robot";
    messages[0] = m;
    json["messages"] = messages;
    QVERIFY(!from_json(json, &out, &error));
    QVERIFY(error.contains("robot"));
  }

  void store_saves_lists_renames_and_removes() {
    QTemporaryDir root;
    ConversationStore store(root.path());
    Conversation older = sample_conversation();
    older.updated = QDateTime::currentDateTimeUtc().addSecs(-60);
    Conversation newer = sample_conversation();
    newer.title = "Newer";
    QString error;
    QVERIFY2(store.save(older, &error), qPrintable(error));
    QVERIFY2(store.save(newer, &error), qPrintable(error));
    const QList<ConversationSummary> list = store.list();
    QCOMPARE(list.size(), 2);
    QCOMPARE(list[0].id, newer.id);  // newest first

    Conversation loaded;
    QVERIFY(store.load(older.id, &loaded, &error));
    QCOMPARE(loaded, older);
    QVERIFY(store.rename(older.id, "Renamed", &error));
    QVERIFY(store.load(older.id, &loaded, &error));
    QCOMPARE(loaded.title, QString("Renamed"));

    // Saving again replaces the file whole and leaves no temporary file behind.
    QVERIFY(store.save(loaded, &error));
    QCOMPARE(QDir(root.path()).entryList(QDir::Files).size(), 2);

    QVERIFY(QDir().mkpath(store.attachment_dir(older.id) + "/1"));
    QVERIFY(store.remove(older.id, &error));
    QVERIFY(!QFile::exists(root.path() + "/" + older.id + ".json"));
    QVERIFY(!QDir(store.attachment_dir(older.id)).exists());
    QCOMPARE(store.list().size(), 1);
  }

  void store_skips_unreadable_files_and_says_why() {
    QTemporaryDir root;
    ConversationStore store(root.path());
    QString error;
    QVERIFY(store.save(sample_conversation(), &error));
    QFile broken(root.path() + "/20200101-000000-deadbeef.json");
    QVERIFY(broken.open(QIODevice::WriteOnly));
    broken.write("{\"version\": 1, \"id\": \"20200101-0");  // a file cut short
    broken.close();
    QStringList problems;
    QCOMPARE(store.list(&problems).size(), 1);
    QCOMPARE(problems.size(), 1);
    QVERIFY2(problems[0].contains("not valid JSON"), qPrintable(problems[0]));
    QVERIFY(QFile::exists(broken.fileName()));  // left for the user to inspect
  }

  void store_refuses_ids_that_leave_its_folder() {
    QTemporaryDir root;
    ConversationStore store(root.path());
    Conversation c = sample_conversation();
    c.id = "../escape";
    QString error;
    QVERIFY(!store.save(c, &error));
    QVERIFY(!store.load("../escape", &c, &error));
    QVERIFY(!store.remove("../../etc", &error));
  }

  void store_copies_attachments_keeping_their_names() {
    QTemporaryDir root;
    ConversationStore store(root.path());
    const QString id = new_conversation_id();
    Attachment first{Attachment::Kind::kImage, source_path("assets/sample-shapes.png"), "sample-shapes.png", 0, -1};
    Attachment second = first;
    QString error;
    QVERIFY2(store.import_attachment(id, &first, &error), qPrintable(error));
    QVERIFY(store.import_attachment(id, &second, &error));
    QCOMPARE(first.file, QString("1/sample-shapes.png"));
    QCOMPARE(second.file, QString("2/sample-shapes.png"));  // same name, kept apart
    QVERIFY(QFile::exists(store.attachment_path(id, first)));
    // A stored copy put back into the composer (edit) is recognised, not copied again.
    Attachment again = first;
    again.file = store.attachment_path(id, first);
    QVERIFY(store.import_attachment(id, &again, &error));
    QCOMPARE(again.file, first.file);
    Attachment missing{Attachment::Kind::kDocument, root.path() + "/nope.md", "nope.md", 0, -1};
    QVERIFY(!store.import_attachment(id, &missing, &error));
    QVERIFY(error.contains("nope.md"));
  }

  void meter_reads_ok_nearly_full_and_overflow() {
    ContextFigures f;
    QCOMPARE(read_meter(f).level, MeterLevel::kEmpty);  // no model
    f.context_length = 4096;
    f.used = 1000;
    f.attachments = 500;
    f.draft = 96;
    f.reserve = 500;
    MeterReading r = read_meter(f);
    QCOMPARE(r.level, MeterLevel::kOk);
    QCOMPARE(r.next_total, qint64(2096));
    QCOMPARE(r.label, QString("1,000 / 4,096 tokens · +596 in this message"));
    QVERIFY(r.warning.isEmpty());
    QVERIFY(qAbs(r.used_fraction - 1000.0 / 4096) < 1e-9);

    f.attachments = 2200;  // 3,796 of 4,096: over 90 %
    QCOMPARE(read_meter(f).level, MeterLevel::kNearlyFull);

    f.attachments = 3000;  // 4,596 > 4,096
    r = read_meter(f);
    QCOMPARE(r.level, MeterLevel::kOverflow);
    QVERIFY2(r.warning.contains("overflow") && r.warning.contains("4,596") && r.warning.contains("4,096"),
             qPrintable(r.warning));
    QVERIFY(r.used_fraction + r.pending_fraction <= 1.0 + 1e-12);  // the bar never runs past its end

    f.uncounted = 2;
    QVERIFY(read_meter(f).label.contains("counting 2 attachments"));
  }

  void text_estimate_grows_with_the_text() {
    QCOMPARE(estimate_text_tokens(""), qint64(0));
    QCOMPARE(estimate_text_tokens("abc"), qint64(1));
    QVERIFY(estimate_text_tokens(QString(3000, 'x')) >= 1000);
  }

  void markdown_export_lists_messages_attachments_and_figures() {
    const QString md = export_markdown(sample_conversation());
    QVERIFY(md.startsWith("# Shapes\n"));
    QVERIFY(md.contains("**System prompt:** Answer briefly."));
    QVERIFY(md.contains("## User\n\nWhat is in the picture?"));
    QVERIFY(md.contains("`sample-shapes.png` (image, 230 tokens)"));
    QVERIFY(md.contains("`two_pages.pdf p. 2` (PDF page 2, 64 tokens)"));
    QVERIFY(md.contains("## Assistant\n\nA **red** disc.\n\n```cpp\nint x = 1;\n```"));  // answers verbatim
    QVERIFY(md.contains("*12 tokens · 40.5 tokens/s · first token 0.25 s*"));
  }

  void settings_round_trip_and_reject_bad_values() {
    QTemporaryDir dir;
    QSettings store(dir.filePath("s.ini"), QSettings::IniFormat);
    AppSettings s;
    s.temperature = 0;
    s.top_p = 0.5;
    s.top_k = 40;
    s.max_tokens = 99;
    s.threads = 3;
    s.memory_budget_mib = 64;
    s.theme = Theme::kDark;
    s.last_model_dir = "/models/vl";
    save_settings(store, s);
    QCOMPARE(load_settings(store), s);
    store.setValue("sampling/top_p", 7.5);  // out of range: back to the default
    store.setValue("sampling/max_tokens", "many");
    const AppSettings read = load_settings(store);
    QCOMPARE(read.top_p, AppSettings{}.top_p);
    QCOMPARE(read.max_tokens, AppSettings{}.max_tokens);

    const lightvl::GenerationConfig greedy = generation_config(s);
    QVERIFY(greedy.greedy);
    QCOMPARE(greedy.max_tokens, 99);
    QCOMPARE(greedy.top_k, 40);
    s.temperature = 0.8;
    QVERIFY(!generation_config(s).greedy);
  }

  void pdf_pages_render_and_bad_pdfs_are_refused() {
    QString error;
    const QString pdf = source_path("tests/fixtures/documents/two_pages.pdf");
    QCOMPARE(pdf_page_count(pdf, &error), 2);
    const QImage page = render_pdf_page(pdf, 1, 72, &error);
    QVERIFY2(!page.isNull(), qPrintable(error));
    QCOMPARE(page.format(), QImage::Format_RGB888);
    QVERIFY(page.width() > 100 && page.height() > 100);
    QVERIFY(render_pdf_page(pdf, 2, 72, &error).isNull());
    QVERIFY(error.contains("no page 3"));
    QCOMPARE(pdf_page_count(source_path("tests/fixtures/documents/truncated.pdf"), &error), -1);
    QVERIFY(!error.isEmpty());
  }
};

QTEST_GUILESS_MAIN(ChatCoreTest)
#include "test_chat_core.moc"
