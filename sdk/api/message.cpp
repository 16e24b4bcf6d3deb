#include "lightvl/message.h"

namespace lightvl {

Image Image::from_file(std::string path) {
  Image i;
  i.source = Source::kFile;
  i.name = std::move(path);
  return i;
}

Image Image::from_encoded(std::vector<uint8_t> bytes, std::string name) {
  Image i;
  i.source = Source::kEncoded;
  i.bytes = std::move(bytes);
  i.name = std::move(name);
  return i;
}

Image Image::from_rgb(int width, int height, std::vector<uint8_t> rgb, std::string name) {
  Image i;
  i.source = Source::kRgb;
  i.width = width;
  i.height = height;
  i.bytes = std::move(rgb);
  i.name = std::move(name);
  return i;
}

Document Document::from_file(std::string path) { return Document{std::move(path), {}}; }
Document Document::from_text(std::string name, std::string text) { return Document{std::move(name), std::move(text)}; }

Message Message::system(std::string text) { return Message{Role::kSystem, {}}.add_text(std::move(text)); }

Message Message::user(std::string text) {
  Message m{Role::kUser, {}};
  if (!text.empty()) m.add_text(std::move(text));
  return m;
}

Message Message::assistant(std::string text) { return Message{Role::kAssistant, {}}.add_text(std::move(text)); }

Message& Message::add_text(std::string text) {
  Part p;
  p.kind = Part::Kind::kText;
  p.text = std::move(text);
  parts.push_back(std::move(p));
  return *this;
}

Message& Message::add_image(Image image) {
  Part p;
  p.kind = Part::Kind::kImage;
  p.image = std::move(image);
  parts.push_back(std::move(p));
  return *this;
}

Message& Message::add_document(Document document) {
  Part p;
  p.kind = Part::Kind::kDocument;
  p.document = std::move(document);
  parts.push_back(std::move(p));
  return *this;
}

std::string Message::joined_text() const {
  std::string s;
  for (const Part& p : parts) {
    if (p.kind == Part::Kind::kText) s += p.text;
  }
  return s;
}

}  // namespace lightvl
