// lightvl-chat widgets: the message box. Enter sends, Shift+Enter starts a new line; files dropped or
// pasted onto it and pictures pasted from the clipboard are handed on as attachments instead of text.
#pragma once

#include <QImage>
#include <QPlainTextEdit>
#include <QStringList>

namespace lightvl::desktop {

class Composer : public QPlainTextEdit {
  Q_OBJECT

 public:
  explicit Composer(QWidget* parent = nullptr);

 signals:
  void submitted();                              // Enter without Shift: send the text
  void files_dropped(const QStringList& paths);  // local files dropped or pasted, absolute paths
  void image_pasted(const QImage& image);        // a picture from the clipboard (no file behind it)

 protected:
  void keyPressEvent(QKeyEvent* event) override;
  bool canInsertFromMimeData(const QMimeData* source) const override;
  void insertFromMimeData(const QMimeData* source) override;
};

// The local files in `mime` (drag and drop or a file manager's copy), as absolute paths.
QStringList local_files(const class QMimeData* mime);

}  // namespace lightvl::desktop
