// lightvl tokenize / detokenize / template: the checkpoint's tokenizer and chat template on their own.
// `--model DIR` needs only the tokenizer files there (no weights).
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "cli_common.h"
#include "commands.h"
#include "lightvl/tokenizer.h"

namespace lightvl::cli {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::kNotFound, "cannot open '" + path + "'");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct TokenizeOptions {
  std::string model, text, text_file;
  bool no_special = false;
};

struct DetokenizeOptions {
  std::string model, ids;
  bool skip_special = false;
};

struct TemplateOptions {
  std::string model, messages;
};

}  // namespace

Command add_tokenize(CLI::App& app) {
  auto o = std::make_shared<TokenizeOptions>();
  CLI::App* sub = app.add_subcommand("tokenize", "Print the token ids of a text as a JSON array");
  sub->add_option("--model", o->model, "Model directory (only the tokenizer files are read)")->required();
  auto* text = sub->add_option("--text", o->text, "The text");
  auto* file = sub->add_option("--text-file", o->text_file, "A file holding the text");
  text->excludes(file);
  sub->add_flag("--no-special", o->no_special, "Encode special-token strings in the text as plain text");
  return [o, text, file] {
    if (text->count() == 0 && file->count() == 0) throw Error(ErrorCode::kInvalidArgument, "pass --text or --text-file");
    const TextTokenizer t = TextTokenizer::load(o->model);
    const std::vector<int32_t> ids = t.encode(file->count() ? read_file(o->text_file) : o->text, !o->no_special);
    std::printf("%s\n", nlohmann::json(ids).dump().c_str());
    return 0;
  };
}

Command add_detokenize(CLI::App& app) {
  auto o = std::make_shared<DetokenizeOptions>();
  CLI::App* sub = app.add_subcommand("detokenize", "Print the text of token ids");
  sub->add_option("--model", o->model, "Model directory (only the tokenizer files are read)")->required();
  sub->add_option("--ids", o->ids, "Comma-separated token ids")->required();
  sub->add_flag("--skip-special", o->skip_special, "Leave special tokens out");
  return [o] {
    const TextTokenizer t = TextTokenizer::load(o->model);
    const std::string text = t.decode(parse_id_list(o->ids), o->skip_special);
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::printf("\n");
    return 0;
  };
}

Command add_template(CLI::App& app) {
  auto o = std::make_shared<TemplateOptions>();
  CLI::App* sub = app.add_subcommand("template", "Print the prompt the chat template makes of a conversation");
  sub->add_option("--model", o->model, "Model directory (only the tokenizer files are read)")->required();
  sub->add_option("--messages", o->messages, "JSON file: an array of {role, content} messages")->required();
  return [o] {
    const TextTokenizer t = TextTokenizer::load(o->model);
    const std::string prompt = t.render_chat(read_file(o->messages));
    std::fwrite(prompt.data(), 1, prompt.size(), stdout);
    return 0;
  };
}

}  // namespace lightvl::cli
