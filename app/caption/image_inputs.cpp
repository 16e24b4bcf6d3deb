#include "image_inputs.h"

#include <fcntl.h>
#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <utility>

#include "lightvl/error.h"

namespace lightvl::caption {
namespace {

namespace fs = std::filesystem;

int64_t mtime_ns(const struct stat& st) { return int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec; }

bool has_wildcard(const std::string& text) { return text.find_first_of("*?[") != std::string::npos; }

// The first bytes of `path`, or "" when it cannot be opened (it is then judged by its extension alone).
std::string read_head(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char head[12] = {};
  in.read(head, sizeof head);
  return std::string(head, size_t(in.gcount()));
}

// Accumulates the images of all inputs, each file once.
class Discovery {
 public:
  explicit Discovery(const InputOptions& options) : options_(options) {}

  // Adds what `input` names. Command-line inputs that name nothing are usage errors; list entries become
  // failed records instead, because a list is data that may be stale.
  void add_input(const std::string& input, bool from_list) {
    struct stat st {};
    if (::stat(input.c_str(), &st) == 0) {
      if (S_ISDIR(st.st_mode)) {
        add_directory(input);
      } else {
        add_file(input, st);
      }
      return;
    }
    const std::string reason = std::strerror(errno);
    if (has_wildcard(input) && add_pattern(input, from_list)) return;
    if (!from_list) {
      throw Error(ErrorCode::kInvalidArgument,
                  "input '" + input + "' names no file, directory or matching pattern (" + reason + ")");
    }
    result_.images.push_back({input, 0, 0, "cannot open '" + input + "': " + reason});
  }

  DiscoveredInputs take() { return std::move(result_); }

 private:
  // Expands `pattern` with glob(3); false when nothing matches.
  bool add_pattern(const std::string& pattern, bool from_list) {
    glob_t matches{};
    const int rc = ::glob(pattern.c_str(), 0, nullptr, &matches);
    std::vector<std::string> paths;
    if (rc == 0) paths.assign(matches.gl_pathv, matches.gl_pathv + matches.gl_pathc);  // already sorted
    ::globfree(&matches);
    for (const std::string& path : paths) add_input(path, from_list);
    return !paths.empty();
  }

  void add_directory(const std::string& dir) {
    std::vector<std::string> files;
    std::error_code ec;
    const auto options = fs::directory_options::skip_permission_denied;
    if (options_.recursive) {
      for (fs::recursive_directory_iterator it(dir, options, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->is_regular_file(ec)) files.push_back(it->path().string());
      }
    } else {
      for (fs::directory_iterator it(dir, options, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->is_regular_file(ec)) files.push_back(it->path().string());
      }
    }
    if (ec) throw Error(ErrorCode::kIo, "cannot list directory '" + dir + "': " + ec.message());
    std::sort(files.begin(), files.end());  // directory order is arbitrary; runs must be reproducible
    for (const std::string& file : files) {
      struct stat st {};
      if (::stat(file.c_str(), &st) == 0) add_file(file, st);
    }
  }

  void add_file(const std::string& path, const struct stat& st) {
    if (!seen_.insert({st.st_dev, st.st_ino}).second) return;  // the same file by another path or link
    if (!S_ISREG(st.st_mode) || !(has_image_extension(path) || has_image_signature(read_head(path)))) {
      ++result_.not_images;
      return;
    }
    result_.images.push_back({path, uint64_t(st.st_size), mtime_ns(st), {}});
  }

  const InputOptions& options_;
  DiscoveredInputs result_;
  std::set<std::pair<dev_t, ino_t>> seen_;
};

}  // namespace

bool has_image_signature(const std::string& head) {
  auto starts = [&](std::string_view magic) { return head.compare(0, magic.size(), magic) == 0; };
  return starts("\xFF\xD8\xFF") || starts("\x89PNG\r\n\x1A\n") || starts("GIF87a") || starts("GIF89a") ||
         starts("BM") || (starts("RIFF") && head.size() >= 12 && head.compare(8, 4, "WEBP") == 0);
}

bool has_image_extension(const std::string& path) {
  std::string ext = fs::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return ext == ".jpg" || ext == ".jpeg" || ext == ".png" || ext == ".gif" || ext == ".bmp" || ext == ".webp";
}

DiscoveredInputs discover_images(const std::vector<std::string>& inputs, const InputOptions& options,
                                 std::istream& list_stream) {
  Discovery discovery(options);
  for (const std::string& input : inputs) discovery.add_input(input, /*from_list=*/false);
  if (!options.list_file.empty()) {
    std::ifstream file;
    if (options.list_file != "-") {
      file.open(options.list_file);
      if (!file) throw Error(ErrorCode::kNotFound, "cannot open the list file '" + options.list_file + "'");
    }
    std::istream& list = options.list_file == "-" ? list_stream : file;
    std::string line;
    while (std::getline(list, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (!line.empty()) discovery.add_input(line, /*from_list=*/true);
    }
  }
  return discovery.take();
}

FileContent read_image_file(const std::string& path, uint64_t max_bytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    throw Error(err == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIo,
                "cannot open '" + path + "': " + std::strerror(err));
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) throw Error(ErrorCode::kIo, "cannot stat '" + path + "': " + std::strerror(errno));
  FileContent content;
  content.size = uint64_t(st.st_size);
  content.mtime_ns = mtime_ns(st);
  if (content.size > max_bytes) {
    throw Error(ErrorCode::kInvalidArgument, "'" + path + "' is " + std::to_string(content.size >> 20) +
                                                 " MiB, above the limit of " + std::to_string(max_bytes >> 20) +
                                                 " MiB (raise --max-image-mb to caption it)");
  }
  content.bytes.resize(content.size);
  size_t done = 0;
  while (done < content.bytes.size()) {
    const ssize_t n = ::read(fd, content.bytes.data() + done, content.bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;  // Ctrl-C lands on a worker thread: just read on
    if (n < 0) throw Error(ErrorCode::kIo, "cannot read '" + path + "': " + std::strerror(errno));
    if (n == 0) break;  // the file shrank since fstat: keep what is there, the decoder will judge it
    done += size_t(n);
  }
  content.bytes.resize(done);
  return content;
}

}  // namespace lightvl::caption
