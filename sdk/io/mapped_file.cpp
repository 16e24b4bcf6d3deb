#include "io/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "core/error.h"

namespace lightvl::io {
namespace {

std::string os_reason() { return std::strerror(errno); }

}  // namespace

std::shared_ptr<MappedFile> MappedFile::open(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) {
      fail(ErrorCode::kNotFound, path.string() + ": file not found; check the path (and that the download finished)");
    }
    fail(ErrorCode::kIo, path.string() + ": cannot open: " + os_reason() + "; check the path and its permissions");
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const std::string reason = os_reason();
    ::close(fd);
    fail(ErrorCode::kIo, path.string() + ": cannot stat: " + reason);
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    fail(ErrorCode::kIo, path.string() + ": not a regular file; pass the path of the file itself");
  }
  const uint64_t size = uint64_t(st.st_size);
  void* data = nullptr;
  if (size > 0) {
    // PROT_READ + MAP_PRIVATE: pages come from the page cache and are shared with every other process
    // mapping the file; nothing is committed to swap, so mapping a 900 GB checkpoint costs no RAM up front.
    data = ::mmap(nullptr, size_t(size), PROT_READ, MAP_PRIVATE, fd, 0);
    if (data == MAP_FAILED) {
      const std::string reason = os_reason();
      ::close(fd);
      fail(ErrorCode::kIo, path.string() + ": mmap of " + std::to_string(size) + " bytes failed: " + reason);
    }
  }
  // The mapping stays valid after the descriptor is closed; keeping descriptors would exhaust the
  // per-process limit on checkpoints with hundreds of shards.
  ::close(fd);
  return std::shared_ptr<MappedFile>(new MappedFile(path, static_cast<const uint8_t*>(data), size));
}

MappedFile::~MappedFile() {
  if (data_) ::munmap(const_cast<uint8_t*>(data_), size_t(size_));
}

}  // namespace lightvl::io
