// Documents: PDF text through poppler (fixture from tests/reference/make_document_fixtures.py, whose
// page texts are known), Markdown as UTF-8 text, and refusals for corrupt PDFs and non-UTF-8 files.
#include <gtest/gtest.h>

#include "core/error.h"
#include "engine/document_reader.h"

namespace lightvl::engine {
namespace {

const std::string kDocs = std::string(LIGHTVL_SOURCE_DIR) + "/tests/fixtures/documents/";

TEST(DocumentReader, PdfPagesInOrder) {
  const DocumentText d = read_document(kDocs + "two_pages.pdf");
  EXPECT_EQ(d.pages, 2);
  EXPECT_EQ(d.name, "two_pages.pdf");
  const size_t first = d.text.find("The lighthouse code is AZURE-7.");
  const size_t second = d.text.find("Page two says the ferry leaves at 06:45.");
  ASSERT_NE(first, std::string::npos) << d.text;
  ASSERT_NE(second, std::string::npos) << d.text;
  EXPECT_LT(first, second);
}

TEST(DocumentReader, MarkdownIsReadAsIs) {
  const DocumentText d = read_document(kDocs + "notes.md");
  EXPECT_EQ(d.text, "# Notes\n\n- The vault opens on **Tuesdays**.\n- Ask for Ilse.\n");
}

TEST(DocumentReader, BadDocumentsAreRefusedByName) {
  for (const char* name : {"truncated.pdf", "latin1.txt", "missing.txt"}) {
    try {
      read_document(kDocs + name);
      FAIL() << name << " accepted";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(name), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(read_document(kDocs + "notes.md", 10), Error);  // over the size limit
}

}  // namespace
}  // namespace lightvl::engine
