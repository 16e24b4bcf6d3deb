// Helpers shared by the caption tests and benchmark: temporary folders of fixture images, the lightvl
// executable run as a child process (so it can be killed or interrupted), and captions files read back.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "caption_record.h"
#include "record_format.h"

namespace lightvl::caption::test {

// The tiny random-weight VL checkpoint (assets/tiny-minimax-vl-01): captions are noise but deterministic.
std::string tiny_model();
// A fixture image by file name (tests/fixtures/images/<name>).
std::string fixture_image(const std::string& name);
// A fresh empty directory under the system temp dir; the caller removes it.
std::string make_temp_dir(const std::string& tag);
// Copies `from` to `to`.
void copy_file(const std::string& from, const std::string& to);
// The whole content of `path` ("" when it cannot be read).
std::string read_text(const std::string& path);
// Writes `text` to `path`, replacing it.
void write_text(const std::string& path, const std::string& text);

// A folder of inputs: good images of every decoded format and several sizes, three that fail (corrupt
// JPEG, truncated PNG, a 40000×40000 PNG over the pixel limit), a text file, and an image in a subfolder.
struct FixtureFolder {
  std::string dir;
  std::vector<std::string> good;     // absolute paths, top level
  std::vector<std::string> failing;  // absolute paths, top level
  std::string in_subfolder;          // a good image in dir/sub
  std::string text_file;             // not an image
};
FixtureFolder make_fixture_folder(const std::string& parent);

// Fills `dir` with `count` good images (copies of fixture images of several formats, distinct names).
std::vector<std::string> make_many_images(const std::string& dir, size_t count);

struct ProcessExit {
  int code = -1;   // exit status, or -1 when killed by a signal
  int signal = 0;  // the signal that ended it, or 0
};

// Starts `lightvl args...` with stdout and stderr going to `log_path` and stdin from `stdin_path`.
pid_t start_cli(const std::vector<std::string>& args, const std::string& log_path,
                const std::string& stdin_path = "/dev/null");
// Waits for a process started by start_cli.
ProcessExit wait_cli(pid_t pid);
// start_cli + wait_cli.
ProcessExit run_cli(const std::vector<std::string>& args, const std::string& log_path,
                    const std::string& stdin_path = "/dev/null");

// The records of a captions file, parsed by the tool's own reader. Throws lightvl::Error when the file is
// not a valid captions file (a torn last line is reported through `torn` when given, else fails).
std::vector<CaptionRecord> read_records(const std::string& path, RecordFormat format = RecordFormat::kJsonl,
                                        bool* torn = nullptr);

// Number of '\n'-terminated lines in `path` (complete JSON Lines records).
size_t complete_lines(const std::string& path);

}  // namespace lightvl::caption::test
