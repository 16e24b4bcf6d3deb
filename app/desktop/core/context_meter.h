// lightvl-chat model layer: the context meter's arithmetic. Pure functions of the figures the worker
// reports (Session::position / count_tokens / context_length), so the warning logic is tested without a
// model or a display.
#pragma once

#include <QString>

namespace lightvl::desktop {

// What is known about the context before the next message is sent.
struct ContextFigures {
  qint64 context_length = 0;  // positions the session may hold; 0 = no model loaded
  qint64 used = 0;            // tokens the conversation already holds (or will, once replayed)
  qint64 attachments = 0;     // counted tokens of the attachments waiting in the composer
  int uncounted = 0;          // attachments waiting whose count is not known yet
  qint64 draft = 0;           // estimated tokens of the typed text (see estimate_text_tokens)
  qint64 reserve = 0;         // room kept for the answer: the max-tokens setting
};

enum class MeterLevel { kEmpty, kOk, kNearlyFull, kOverflow };

// What the meter shows.
struct MeterReading {
  MeterLevel level = MeterLevel::kEmpty;
  qint64 next_total = 0;         // used + attachments + draft + reserve: what sending would need
  double used_fraction = 0;      // used / context, clamped to [0, 1]
  double pending_fraction = 0;   // (attachments + draft) / context, clamped so the sum stays ≤ 1
  QString label;                 // e.g. "1,234 / 4,096 tokens · +300 in this message"
  QString warning;               // empty unless nearly full or overflowing; says what to do
};

// Fraction of the context from which the meter warns that it is nearly full.
inline constexpr double kNearlyFullFraction = 0.9;

// Reads the figures. Overflow means next_total > context_length: the SDK would refuse the turn.
MeterReading read_meter(const ContextFigures& figures);

// A quick upper-side estimate of the tokens of typed text (about 3 characters a token, as byte-level BPE
// gives for English), used only until the worker counts the real turn.
qint64 estimate_text_tokens(const QString& text);

// `n` with thousands separators ("12,345"), independent of the system locale.
QString format_count(qint64 n);

}  // namespace lightvl::desktop
