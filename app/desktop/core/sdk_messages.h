// lightvl-chat model layer: the app's messages as the SDK's lightvl::Message values. Runs on the worker
// thread (rendering PDF pages takes time). Attachment files must be absolute paths here.
#pragma once

#include <QString>
#include <vector>

#include "core/conversation.h"
#include "lightvl/message.h"

namespace lightvl::desktop {

// The SDK message for one attachment alone, after a one-character text; counting it and the same
// message without the attachment gives the attachment's token cost. Throws like to_sdk_message.
lightvl::Message probe_message(const Attachment& attachment);

// The SDK message for `message`: its attachments in order, then its text (images from their files,
// documents whole from their files, PDF pages rendered at kPageImageDpi and passed as raw RGB). Throws
// lightvl::Error(kIo) when a PDF page cannot be rendered; files are otherwise read later by the Session,
// whose errors name them.
lightvl::Message to_sdk_message(const ChatMessage& message);

// The whole conversation as the SDK sees it: the system prompt (when set) and every message.
std::vector<lightvl::Message> to_sdk_messages(const QString& system_prompt, const QList<ChatMessage>& messages);

// What identifies a message's tokens: role, text and attachment files/pages. The worker compares these to
// know whether its Session already holds a conversation's history or must replay it.
QString fingerprint(const ChatMessage& message);

// Fingerprints of a whole conversation, the system prompt first.
QStringList fingerprints(const QString& system_prompt, const QList<ChatMessage>& messages);

}  // namespace lightvl::desktop
