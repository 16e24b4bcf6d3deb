// lightvl: the command-line front end of the SDK. Each subcommand lives in its own cmd_*.cpp.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <map>

#include "cli_common.h"
#include "commands.h"

int main(int argc, char** argv) {
  CLI::App app{"lightvl: run MiniMax-VL-01 / MiniMax-Text-01 models locally"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "lightvl 0.1.0");
  std::map<CLI::App*, lightvl::cli::Command> commands;
  auto add = [&](lightvl::cli::Command (*adder)(CLI::App&)) {
    const size_t before = app.get_subcommands({}).size();
    lightvl::cli::Command command = adder(app);
    commands[app.get_subcommands({})[before]] = std::move(command);
  };
  add(lightvl::cli::add_info);
  add(lightvl::cli::add_logits);
  add(lightvl::cli::add_run);
  add(lightvl::cli::add_chat);
  add(lightvl::cli::add_tokenize);
  add(lightvl::cli::add_detokenize);
  add(lightvl::cli::add_template);
  add(lightvl::cli::add_image_tokens);
  add(lightvl::cli::add_bench);
  add(lightvl::cli::add_caption);
  add(lightvl::cli::add_eval);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version exit 0; every malformed command line is a usage error: 2, as documented.
    return app.exit(e) == 0 ? 0 : 2;
  }
  for (auto& [sub, command] : commands) {
    if (sub->parsed()) return lightvl::cli::run_guarded(command);
  }
  return 2;
}
