// lightvl public C++ API: the messages of a conversation (text, images, documents).
//
// Plain value types: building them never touches the disk; files are read when a Session uses the
// message (errors then name the file). Cheap to move; copying copies encoded or raw pixel bytes.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace lightvl {

// An image already decoded and tiled for one model (Model::prepare_image). Opaque; shared, immutable.
struct PreparedImageData;

enum class Role { kSystem, kUser, kAssistant };

// "system", "user", "assistant". Never throws.
inline const char* role_name(Role role) {
  switch (role) {
    case Role::kSystem: return "system";
    case Role::kAssistant: return "assistant";
    case Role::kUser: break;
  }
  return "user";
}

// An image: a file (JPEG, PNG, BMP, GIF first frame, WebP), encoded bytes in memory, raw RGB pixels, or
// an image already prepared for a model (decoded and tiled ahead of time, e.g. on a worker thread).
struct Image {
  enum class Source { kFile, kEncoded, kRgb, kPrepared };
  Source source = Source::kFile;
  std::string name;            // the path for kFile; a label used in messages otherwise
  std::vector<uint8_t> bytes;  // kEncoded: the file's bytes; kRgb: width·height·3 bytes, row-major RGB
  int width = 0, height = 0;   // kRgb only
  std::shared_ptr<const PreparedImageData> prepared;  // kPrepared only

  static Image from_file(std::string path);
  static Image from_encoded(std::vector<uint8_t> bytes, std::string name = "image");
  static Image from_rgb(int width, int height, std::vector<uint8_t> rgb, std::string name = "image");
};

// A document put whole into the context (no chunking): a plain-text, Markdown or PDF file, or text given
// directly. PDF text is extracted page by page with poppler.
struct Document {
  std::string name;  // the path (when `text` is empty, the file is read) or a label
  std::string text;  // the content, when given directly

  static Document from_file(std::string path);
  static Document from_text(std::string name, std::string text);
};

struct Part {
  enum class Kind { kText, kImage, kDocument };
  Kind kind = Kind::kText;
  std::string text;
  Image image;
  Document document;
};

struct Message {
  Role role = Role::kUser;
  std::vector<Part> parts;  // rendered in order

  static Message system(std::string text);
  static Message user(std::string text = {});
  static Message assistant(std::string text);
  // Appending helpers (return *this for chaining).
  Message& add_text(std::string text);
  Message& add_image(Image image);
  Message& add_document(Document document);
  // The concatenated text parts (documents and images excluded).
  std::string joined_text() const;
};

}  // namespace lightvl
