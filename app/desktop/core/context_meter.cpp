#include "core/context_meter.h"

#include <QLocale>

#include <algorithm>

namespace lightvl::desktop {

QString format_count(qint64 n) { return QLocale(QLocale::English).toString(n); }

qint64 estimate_text_tokens(const QString& text) {
  const qint64 bytes = text.toUtf8().size();
  return bytes == 0 ? 0 : (bytes + 2) / 3;
}

MeterReading read_meter(const ContextFigures& f) {
  MeterReading r;
  if (f.context_length <= 0) {
    r.label = "no model loaded";
    return r;
  }
  const qint64 pending = f.attachments + f.draft;
  r.next_total = f.used + pending + f.reserve;
  const double context = double(f.context_length);
  r.used_fraction = std::clamp(double(f.used) / context, 0.0, 1.0);
  r.pending_fraction = std::clamp(double(pending) / context, 0.0, 1.0 - r.used_fraction);

  r.label = QString("%1 / %2 tokens").arg(format_count(f.used), format_count(f.context_length));
  if (pending > 0) r.label += QString(" · +%1 in this message").arg(format_count(pending));
  if (f.uncounted > 0) r.label += QString(" · counting %1 attachment%2").arg(f.uncounted).arg(f.uncounted > 1 ? "s" : "");

  if (r.next_total > f.context_length) {
    r.level = MeterLevel::kOverflow;
    r.warning = QString("This message would overflow the context: %1 used + %2 new + %3 for the answer = %4, "
                        "more than %5 tokens. Remove an attachment, lower Max tokens in Settings, or start a new chat.")
                    .arg(format_count(f.used), format_count(pending), format_count(f.reserve),
                         format_count(r.next_total), format_count(f.context_length));
  } else if (double(r.next_total) >= kNearlyFullFraction * context) {
    r.level = MeterLevel::kNearlyFull;
    r.warning = QString("The context is nearly full: %1 of %2 tokens after this message and its answer.")
                    .arg(format_count(r.next_total), format_count(f.context_length));
  } else {
    r.level = MeterLevel::kOk;
  }
  return r;
}

}  // namespace lightvl::desktop
