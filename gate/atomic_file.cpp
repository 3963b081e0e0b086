#include "gate/atomic_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <utility>
#include <vector>

#include "gate/unique_fd.h"

namespace perfgate::gate {
namespace {

Error io_error(std::string_view what, const std::filesystem::path& path) {
  return Error::environment(
      fmt::format("cannot {} '{}': {}", what, path.string(), std::strerror(errno)));
}

// The content in a flushed temporary file beside `path` (creating missing
// parent directories): its name. Nothing is left behind on failure.
std::expected<std::string, Error> stage(const std::filesystem::path& path,
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
  return tmp;
}

// Where content for `path` goes. A regular file (or none) is replaced by
// renaming over it: through a symbolic link, the file the link leads to, not
// the link. What is neither (a device such as /dev/null, a FIFO, a terminal)
// is written to as it is: renaming over it would put a regular file in its
// place. So is a name of one of perfgate's open files (/dev/stdout,
// /dev/fd/N), through that file descriptor: it may be a log appended to
// (`-o /dev/stdout >> log`), which a rename, or opening it anew at offset
// 0, would clobber.
struct Destination {
  std::filesystem::path path;
  bool write_through = false;
  int open_fd = -1;  // the file descriptor the path names, or -1
};

// N when path is /dev/stdout (1), /dev/stderr (2), /dev/fd/N or
// /proc/self/fd/N.
std::optional<int> descriptor_named(std::string_view path) {
  if (path == "/dev/stdout") return 1;
  if (path == "/dev/stderr") return 2;
  for (std::string_view prefix : {"/dev/fd/", "/proc/self/fd/"}) {
    if (!path.starts_with(prefix)) continue;
    const std::string_view digits = path.substr(prefix.size());
    int fd = -1;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), fd);
    if (ec == std::errc{} && end == digits.data() + digits.size() && !digits.empty()) return fd;
  }
  return std::nullopt;
}

std::expected<Destination, Error> destination(const std::filesystem::path& path) {
  if (const auto fd = descriptor_named(path.native()); fd && ::fcntl(*fd, F_GETFD) != -1)
    return Destination{path, true, *fd};
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
    return Destination{path, true};
  std::filesystem::path at = path;
  for (int hops = 0;; ++hops) {
    if (::lstat(at.c_str(), &st) != 0) {
      if (errno == ENOENT) return Destination{at};  // created (a dangling link's target too)
      return std::unexpected(io_error("write", path));
    }
    if (!S_ISLNK(st.st_mode)) return Destination{at};
    if (hops == 40) {
      errno = ELOOP;
      return std::unexpected(io_error("write", path));
    }
    std::error_code ec;
    const std::filesystem::path link = std::filesystem::read_symlink(at, ec);
    if (ec) return std::unexpected(io_error("write", path));
    at = link.is_absolute() ? link : at.parent_path() / link;
  }
}

std::expected<void, Error> write_through(const Destination& to, std::string_view content) {
  const std::filesystem::path& path = to.path;
  UniqueFd opened(to.open_fd >= 0 ? -1 : ::open(path.c_str(), O_WRONLY | O_CLOEXEC));
  const int fd = to.open_fd >= 0 ? to.open_fd : opened.get();
  if (fd < 0) return std::unexpected(io_error("open", path));
  for (std::size_t off = 0; off < content.size();) {
    const ssize_t n = ::write(fd, content.data() + off, content.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      return std::unexpected(io_error("write", path));
    }
    off += static_cast<std::size_t>(n);
  }
  if (opened.get() >= 0 && opened.close() != 0) return std::unexpected(io_error("close", path));
  return {};
}

}  // namespace

std::expected<void, Error> write_file_atomically(const std::filesystem::path& path,
                                                 std::string_view content) {
  const FileContent file{path, content};
  return write_files_atomically(std::span(&file, 1));
}

std::expected<void, Error> write_files_atomically(std::span<const FileContent> all) {
  // The devices and FIFOs are written once every file is replaced: they
  // cannot be put back.
  std::vector<FileContent> files;
  std::vector<std::pair<Destination, std::string_view>> through;
  for (const auto& f : all) {
    auto d = destination(f.path);
    if (!d) return std::unexpected(d.error());
    if (d->write_through)
      through.emplace_back(std::move(*d), f.content);
    else
      files.push_back({std::move(d->path), f.content});
  }
  std::vector<std::string> staged;
  auto discard = [&](std::size_t from) {
    for (std::size_t i = from; i < staged.size(); ++i) ::unlink(staged[i].c_str());
  };
  for (const auto& f : files) {
    auto tmp = stage(f.path, f.content);
    if (!tmp) {
      discard(0);
      return std::unexpected(tmp.error());
    }
    staged.push_back(std::move(*tmp));
  }
  // Each previous file stays reachable under a second name (a hard link)
  // until every file is replaced, so a rename that fails midway can put the
  // replaced ones back.
  enum class Previous { none, kept, unknown };
  std::vector<Previous> previous(files.size(), Previous::none);
  std::vector<std::string> kept(files.size());
  for (std::size_t i = 0; i < files.size(); ++i) {
    kept[i] = staged[i] + ".previous";
    if (::link(files[i].path.c_str(), kept[i].c_str()) == 0)
      previous[i] = Previous::kept;
    else if (errno != ENOENT)
      previous[i] = Previous::unknown;  // a directory, or a file system without hard links
  }
  auto drop_kept = [&] {
    for (std::size_t i = 0; i < files.size(); ++i)
      if (previous[i] == Previous::kept) ::unlink(kept[i].c_str());
  };
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (::rename(staged[i].c_str(), files[i].path.c_str()) == 0) continue;
    auto err = io_error("replace", files[i].path);
    for (std::size_t j = 0; j < i; ++j) {
      if (previous[j] == Previous::kept)
        ::rename(kept[j].c_str(), files[j].path.c_str());
      else if (previous[j] == Previous::none)
        ::unlink(files[j].path.c_str());
    }
    discard(i);
    drop_kept();
    return std::unexpected(std::move(err));
  }
  drop_kept();
  for (const auto& [to, content] : through)
    if (auto ok = write_through(to, content); !ok) return ok;
  return {};
}

std::expected<std::string, Error> read_file(const std::filesystem::path& path,
                                            std::uintmax_t max_bytes) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec) && !std::filesystem::is_regular_file(path, ec))
    return std::unexpected(
        Error::bad_input(fmt::format("cannot read '{}': not a regular file", path.string())));
  const auto size = std::filesystem::file_size(path, ec);
  if (ec)
    return std::unexpected(
        Error::bad_input(fmt::format("cannot read '{}': {}", path.string(), ec.message())));
  if (size > max_bytes)
    return std::unexpected(Error::bad_input(fmt::format(
        "'{}' is {} bytes, larger than the {} byte limit", path.string(), size, max_bytes)));
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::unexpected(Error::bad_input(fmt::format("cannot open '{}'", path.string())));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace perfgate::gate
