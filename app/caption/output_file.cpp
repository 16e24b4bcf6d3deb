#include "output_file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "lightvl/error.h"

namespace lightvl::caption {
namespace {

// Throws Error(kIo): "<what> '<path>': <errno text>[; <hint>]".
[[noreturn]] void fail_io(const std::string& what, const std::string& path, const std::string& hint = {}) {
  throw Error(ErrorCode::kIo, what + " '" + path + "': " + std::strerror(errno) + (hint.empty() ? "" : "; " + hint));
}

// Writes all of `text`, resuming after short writes and signals.
bool write_all(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += size_t(n);
  }
  return true;
}

// Opens `path` for reading and appending and locks it; -1 with errno set on failure.
int open_locked(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return -1;
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    ::close(fd);
    errno = err;
    return -1;
  }
  return fd;
}

}  // namespace

OutputFile OutputFile::open(const std::string& path, bool overwrite) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    throw Error(ErrorCode::kIo, "cannot write the output '" + path + "': it is not a regular file");
  }
  const int fd = open_locked(path);
  if (fd < 0 && errno == EWOULDBLOCK) {
    throw Error(ErrorCode::kIo, "the output '" + path + "' is being written by another lightvl caption run");
  }
  if (fd < 0) fail_io("cannot write the output", path, "check that its directory exists and is writable");
  OutputFile file(path, fd);
  if (overwrite) file.truncate(0);
  return file;
}

OutputFile::OutputFile(OutputFile&& other) noexcept : path_(std::move(other.path_)), fd_(other.fd_) {
  other.fd_ = -1;
}

OutputFile& OutputFile::operator=(OutputFile&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    path_ = std::move(other.path_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

OutputFile::~OutputFile() {
  if (fd_ >= 0) ::close(fd_);
}

std::string OutputFile::read_all() const {
  std::string content;
  char buffer[1 << 16];
  for (off_t offset = 0;;) {
    const ssize_t n = ::pread(fd_, buffer, sizeof buffer, offset);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail_io("cannot read the output", path_);
    if (n == 0) return content;
    content.append(buffer, size_t(n));
    offset += n;
  }
}

void OutputFile::truncate(size_t bytes) {
  if (::ftruncate(fd_, off_t(bytes)) != 0 || ::fdatasync(fd_) != 0) fail_io("cannot truncate the output", path_);
}

void OutputFile::replace(const std::string& content) {
  const std::string temp = path_ + ".tmp-" + std::to_string(::getpid());
  struct stat st {};
  const mode_t mode = ::fstat(fd_, &st) == 0 ? (st.st_mode & 07777) : 0644;
  const int out = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (out < 0) fail_io("cannot create", temp);
  const bool written = write_all(out, content) && ::fsync(out) == 0;
  const int write_errno = errno;
  ::close(out);
  if (!written || ::rename(temp.c_str(), path_.c_str()) != 0) {
    const int err = written ? errno : write_errno;
    ::unlink(temp.c_str());
    errno = err;
    fail_io("cannot rewrite the output", path_);
  }
  // The rename is durable only once the directory entry is synced.
  const std::string dir = std::filesystem::path(path_).parent_path().string();
  const int dir_fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  const int fd = open_locked(path_);
  if (fd < 0) fail_io("cannot reopen the output", path_);
  ::close(fd_);
  fd_ = fd;
}

void OutputFile::append(const std::string& text) {
  if (!write_all(fd_, text) || ::fdatasync(fd_) != 0) fail_io("cannot append to the output", path_);
}

}  // namespace lightvl::caption
