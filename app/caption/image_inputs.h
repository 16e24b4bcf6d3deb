// Input discovery for `lightvl caption`: turns command-line inputs (files, directories, glob patterns)
// and --list files into the ordered list of image files to caption, and reads one image file.
#pragma once

#include <cstdint>
#include <istream>
#include <string>
#include <vector>

namespace lightvl::caption {

// One image file to caption, as found. Plain data.
struct ImageFile {
  std::string path;      // as given or as found under a given directory
  uint64_t size = 0;     // bytes, from stat() at discovery
  int64_t mtime_ns = 0;  // modification time, nanoseconds since the epoch
  std::string error;     // set for a --list entry that does not exist or cannot be read: recorded as failed
};

struct InputOptions {
  bool recursive = false;  // descend into subdirectories of directory inputs
  std::string list_file;   // a file with one input a line ("-" = `list_stream`); empty = none
};

struct DiscoveredInputs {
  std::vector<ImageFile> images;  // in input order; inside a directory, sorted by path; each file once
  size_t not_images = 0;          // files skipped because they are not images (by content and extension)
};

// True when `head` (a file's first bytes; 12 are enough) starts like a JPEG, PNG, GIF, BMP or WebP file.
bool has_image_signature(const std::string& head);

// True when `path` ends in an image extension (.jpg .jpeg .png .gif .bmp .webp, any case).
bool has_image_extension(const std::string& path);

// Expands `inputs` and then the entries of options.list_file, reading the list from `list_stream` when
// it is "-". A file is an image when its content starts with an image signature or its extension is an
// image extension (so a corrupt "x.jpg" is captioned and fails, and a text file is skipped). Directories
// give their files (all levels with `recursive`); a pattern with * ? or [ that names no file is expanded
// with glob(3). The same file reached twice (by another path or a link) is kept once. Empty lines of the
// list are ignored (a trailing '\r' is dropped); a list entry that does not exist becomes an ImageFile with
// an error. Throws Error(kInvalidArgument) for a command-line input or pattern that names nothing, and
// Error(kNotFound) when the list file cannot be opened.
DiscoveredInputs discover_images(const std::vector<std::string>& inputs, const InputOptions& options,
                                 std::istream& list_stream);

// The bytes of an image file and its size and time as read (fstat on the open file).
struct FileContent {
  std::vector<uint8_t> bytes;
  uint64_t size = 0;
  int64_t mtime_ns = 0;
};

// Reads the whole file `path`. Throws Error(kNotFound) when it does not exist, Error(kIo) when it cannot
// be read, and Error(kInvalidArgument) when it is larger than `max_bytes` (before reading it).
// Thread-safe.
FileContent read_image_file(const std::string& path, uint64_t max_bytes);

}  // namespace lightvl::caption
