#include "caption_fixture.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

#include "lightvl/error.h"
#include "resume_index.h"

extern char** environ;

namespace lightvl::caption::test {

namespace fs = std::filesystem;

std::string tiny_model() { return std::string(LIGHTVL_SOURCE_DIR) + "/assets/tiny-minimax-vl-01"; }

std::string fixture_image(const std::string& name) {
  return std::string(LIGHTVL_SOURCE_DIR) + "/tests/fixtures/images/" + name;
}

std::string make_temp_dir(const std::string& tag) {
  std::random_device rd;
  const fs::path dir =
      fs::temp_directory_path() / ("lightvl-caption-" + tag + "-" + std::to_string(getpid()) + "-" + std::to_string(rd()));
  fs::create_directories(dir);
  return dir.string();
}

void copy_file(const std::string& from, const std::string& to) {
  fs::copy_file(from, to, fs::copy_options::overwrite_existing);
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

FixtureFolder make_fixture_folder(const std::string& parent) {
  FixtureFolder f;
  f.dir = parent + "/images";
  fs::create_directories(f.dir + "/sub");
  for (const char* name : {"jpeg_420.jpg", "jpeg_progressive.jpg", "png_rgb.png", "png_gray.png", "bmp_rgb.bmp",
                           "gif_anim.gif", "webp_lossy.webp", "webp_lossless_alpha.webp", "small_30x20.png",
                           "large_271x199.jpg"}) {
    f.good.push_back(f.dir + "/" + name);
    copy_file(fixture_image(name), f.good.back());
  }
  for (const char* name : {"corrupt.jpg", "truncated.png", "bomb.png"}) {
    f.failing.push_back(f.dir + "/" + name);
    copy_file(fixture_image(name), f.failing.back());
  }
  f.in_subfolder = f.dir + "/sub/tall_20x300.jpg";
  copy_file(fixture_image("tall_20x300.jpg"), f.in_subfolder);
  f.text_file = f.dir + "/notes.txt";
  write_text(f.text_file, "not an image, skipped\n");
  return f;
}

std::vector<std::string> make_many_images(const std::string& dir, size_t count) {
  static const char* const kSources[] = {"jpeg_420.jpg", "png_rgb.png", "bmp_rgb.bmp", "webp_lossy.webp",
                                         "gif_anim.gif", "small_30x20.png"};
  fs::create_directories(dir);
  std::vector<std::string> paths;
  for (size_t i = 0; i < count; ++i) {
    const std::string source = kSources[i % std::size(kSources)];
    char name[32];
    std::snprintf(name, sizeof name, "img_%03zu", i);
    paths.push_back(dir + "/" + name + fs::path(source).extension().string());
    copy_file(fixture_image(source), paths.back());
  }
  return paths;
}

pid_t start_cli(const std::vector<std::string>& args, const std::string& log_path, const std::string& stdin_path) {
  std::vector<std::string> argv_strings = {LIGHTVL_CLI};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, stdin_path.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + argv_strings[0]);
  return pid;
}

ProcessExit wait_cli(pid_t pid) {
  int status = 0;
  ProcessExit exit;
  if (waitpid(pid, &status, 0) != pid) return exit;
  if (WIFEXITED(status)) exit.code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) exit.signal = WTERMSIG(status);
  return exit;
}

ProcessExit run_cli(const std::vector<std::string>& args, const std::string& log_path, const std::string& stdin_path) {
  return wait_cli(start_cli(args, log_path, stdin_path));
}

std::vector<CaptionRecord> read_records(const std::string& path, RecordFormat format, bool* torn) {
  const ExistingOutput existing = read_existing_output(read_text(path), format, path);
  if (torn) {
    *torn = existing.torn_tail;
  } else if (existing.torn_tail) {
    throw Error(ErrorCode::kInvalidArgument, path + " ends with a torn line");
  }
  std::vector<CaptionRecord> records;
  for (const StoredRecord& stored : existing.records) records.push_back(stored.record);
  return records;
}

size_t complete_lines(const std::string& path) {
  const std::string text = read_text(path);
  return size_t(std::count(text.begin(), text.end(), '\n'));
}

}  // namespace lightvl::caption::test
