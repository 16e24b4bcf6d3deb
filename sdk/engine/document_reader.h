// Engine role: read a document's text for the context window (plain text, Markdown, PDF).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace lightvl::engine {

struct DocumentText {
  std::string name;   // file name shown to the model
  std::string text;   // valid UTF-8
  int64_t pages = 0;  // PDF pages (0 for text files)
};

// Reads `path`: PDF (by its %PDF magic) through poppler-cpp, page texts joined by form feeds → blank lines;
// anything else as UTF-8 text (.txt, .md, source code, ...). Throws Error(kNotFound) for a missing file,
// Error(kInvalidArgument) for a file that is not valid UTF-8 (and not a PDF), an encrypted or corrupt PDF,
// or a file over `max_bytes`; messages name the file. Thread-safe.
DocumentText read_document(const std::filesystem::path& path, uint64_t max_bytes = uint64_t(1) << 30);

}  // namespace lightvl::engine
