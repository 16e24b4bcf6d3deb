// lightvl-chat model layer: a conversation as a Markdown document (File ▸ Export as Markdown).
#pragma once

#include <QString>

#include "core/conversation.h"

namespace lightvl::desktop {

// The conversation as Markdown: the title as a heading, the system prompt, then each message under a
// "User" / "Assistant" heading with its text verbatim (answers are Markdown already), attachments listed
// by name, kind and tokens, and each answer's figures in italics. Never throws.
QString export_markdown(const Conversation& conversation);

// One line of an answer's figures, e.g. "42 tokens · 12.3 tokens/s · first token 0.40 s" (plus the stop
// reason when it is not the end of the answer). Shared by the export and the chat view.
QString describe_stats(const AnswerStats& stats);

}  // namespace lightvl::desktop
