// Documents: PDFs go through poppler-cpp (Debian's libpoppler-cpp, the reference PDF text extractor of
// the Linux desktop), every other file is read as UTF-8 text. Poppler's own diagnostics are silenced: a
// broken file is reported once, through Error, naming the file.
#include "engine/document_reader.h"

#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-global.h>
#include <poppler/cpp/poppler-page.h>

#include <fstream>
#include <memory>

#include "core/error.h"
#include "tokenizer/utf8.h"

namespace lightvl::engine {
namespace {

void silence_poppler(const std::string&, void*) {}

std::string read_bytes(const std::filesystem::path& path, uint64_t max_bytes) {
  std::error_code ec;
  require(std::filesystem::is_regular_file(path, ec), ErrorCode::kNotFound,
          "document '" + path.string() + "' does not exist or is not a file");
  const uint64_t size = std::filesystem::file_size(path, ec);
  require(!ec && size <= max_bytes, ErrorCode::kInvalidArgument,
          "document '" + path.string() + "' is " + std::to_string(size) + " bytes, over the limit of " +
              std::to_string(max_bytes) + " bytes");
  std::ifstream in(path, std::ios::binary);
  require(bool(in), ErrorCode::kIo, "cannot read document '" + path.string() + "'");
  std::string bytes(size, '\0');
  in.read(bytes.data(), std::streamsize(size));
  require(bool(in), ErrorCode::kIo, "reading document '" + path.string() + "' failed");
  return bytes;
}

DocumentText read_pdf(const std::filesystem::path& path, const std::string& bytes) {
  poppler::set_debug_error_function(silence_poppler, nullptr);
  std::unique_ptr<poppler::document> doc(poppler::document::load_from_raw_data(bytes.data(), int(bytes.size())));
  require(doc != nullptr, ErrorCode::kInvalidArgument,
          "document '" + path.string() + "' is not a readable PDF (corrupt or truncated)");
  require(!doc->is_locked(), ErrorCode::kInvalidArgument,
          "document '" + path.string() + "' is an encrypted PDF; remove the password first");
  DocumentText out;
  out.name = path.filename().string();
  out.pages = doc->pages();
  for (int i = 0; i < doc->pages(); ++i) {
    std::unique_ptr<poppler::page> page(doc->create_page(i));
    if (!page) continue;
    const poppler::byte_array utf8 = page->text().to_utf8();
    if (i > 0) out.text += "\n\n";
    out.text.append(utf8.begin(), utf8.end());
  }
  out.text = text::to_valid_utf8(out.text);
  return out;
}

}  // namespace

DocumentText read_document(const std::filesystem::path& path, uint64_t max_bytes) {
  std::string bytes = read_bytes(path, max_bytes);
  if (bytes.rfind("%PDF", 0) == 0) return read_pdf(path, bytes);
  require(text::is_valid_utf8(bytes), ErrorCode::kInvalidArgument,
          "document '" + path.string() + "' is neither a PDF nor UTF-8 text (byte " +
              std::to_string(text::valid_utf8_prefix(bytes)) + " is not valid UTF-8); convert it to UTF-8 first");
  DocumentText out;
  out.name = path.filename().string();
  out.text = std::move(bytes);
  return out;
}

}  // namespace lightvl::engine
