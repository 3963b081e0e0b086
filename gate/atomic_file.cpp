#include "gate/atomic_file.h"
#include "gate/unique_fd.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace perfgate::gate {
namespace {

Error io_error(std::string_view what, const std::filesystem::path& path) {
  return Error::environment(fmt::format("cannot {} '{}': {}", what, path.string(), std::strerror(errno)));
}

}  // namespace

std::expected<void, Error> write_file_atomically(const std::filesystem::path& path,
                                                 std::string_view content) {
  const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : ".";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec)
    return std::unexpected(Error::environment(
        fmt::format("cannot create directory '{}': {}", dir.string(), ec.message())));

  std::string tmp = (dir / ("." + path.filename().string() + ".XXXXXX")).string();
  UniqueFd fd(::mkstemp(tmp.data()));
  if (fd.get() < 0) return std::unexpected(io_error("create a temporary file for", path));
  auto fail = [&](std::string_view what) {
    auto err = io_error(what, path);
    ::unlink(tmp.c_str());
    return std::unexpected(std::move(err));
  };
  ::fchmod(fd.get(), 0644);
  for (std::size_t off = 0; off < content.size();) {
    const ssize_t n = ::write(fd.get(), content.data() + off, content.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("write");
    }
    off += static_cast<std::size_t>(n);
  }
  if (::fsync(fd.get()) != 0) return fail("flush");
  if (fd.close() != 0) return fail("close");
  if (::rename(tmp.c_str(), path.c_str()) != 0) return fail("replace");
  return {};
}

std::expected<std::string, Error> read_file(const std::filesystem::path& path,
                                            std::uintmax_t max_bytes) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec)
    return std::unexpected(
        Error::bad_input(fmt::format("cannot read '{}': {}", path.string(), ec.message())));
  if (size > max_bytes)
    return std::unexpected(Error::bad_input(fmt::format(
        "'{}' is {} bytes, larger than the {} byte limit", path.string(), size, max_bytes)));
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return std::unexpected(Error::bad_input(fmt::format("cannot open '{}'", path.string())));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace perfgate::gate
