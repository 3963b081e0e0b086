#pragma once
// Atomic file replacement (DESIGN §4): the content goes to a temporary file in
// the target's directory, is flushed to disk, then renamed over the target. A
// failure at any step leaves the previous file untouched and removes the
// temporary. Creates missing parent directories. Through a symbolic link,
// the file it leads to is replaced, not the link; a target that is neither a
// regular file nor a directory (/dev/null, a FIFO, /dev/stdout) is written to
// as it is, since renaming over it would put a regular file in its place.

#include <expected>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

#include "gate/error.h"

namespace perfgate::gate {

std::expected<void, Error> write_file_atomically(const std::filesystem::path& path,
                                                 std::string_view content);

struct FileContent {
  std::filesystem::path path;
  std::string_view content;
};
// Replaces several files as one (a report's Markdown and JSON): all of them
// or none. Every content is staged beside its target first, where a full
// disk or a missing permission shows; should a replacing rename then fail
// (the target is a directory), the files already replaced get their previous
// content back.
std::expected<void, Error> write_files_atomically(std::span<const FileContent> files);

// Reads a whole file. Missing/unreadable → bad_input (the user named it);
// larger than max_bytes → bad_input naming the limit.
std::expected<std::string, Error> read_file(const std::filesystem::path& path,
                                            std::uintmax_t max_bytes = std::uintmax_t{1} << 30);

}  // namespace perfgate::gate
