#include "profiler/process_maps.h"

#include <fcntl.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

namespace perfgate::profiler {

UniqueFd& UniqueFd::operator=(UniqueFd&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) close(fd_);
    fd_ = std::exchange(o.fd_, -1);
  }
  return *this;
}

UniqueFd::~UniqueFd() {
  if (fd_ >= 0) close(fd_);
}

namespace {

// [start, end) of the [vdso] line of /proc/self/maps, or {0, 0}.
std::pair<std::uint64_t, std::uint64_t> own_vdso_range() {
  std::ifstream in("/proc/self/maps");
  std::string line;
  while (std::getline(in, line)) {
    if (!line.ends_with(" [vdso]")) continue;
    std::uint64_t start = 0, end = 0;
    if (std::sscanf(line.c_str(), "%" SCNx64 "-%" SCNx64, &start, &end) == 2) return {start, end};
  }
  return {0, 0};
}

// The kernel's vDSO image as a file libdwfl can read: a memfd holding this
// process's copy (AT_SYSINFO_EHDR). Every 64-bit process maps the same
// image, so it stands for a target's; the caller checks the sizes match (a
// 32-bit process maps another). Empty when there is none.
MappedFile own_vdso_image(std::uint64_t start, std::uint64_t end) {
  const auto base = getauxval(AT_SYSINFO_EHDR);
  if (start == 0 || base != start) return {};
  UniqueFd fd(memfd_create("[vdso]", MFD_CLOEXEC));
  if (!fd) return {};
  const auto size = static_cast<std::size_t>(end - start);
  // NOLINTNEXTLINE(performance-no-int-to-ptr): the vDSO's address, from the auxiliary vector
  const auto* image = reinterpret_cast<const char*>(start);
  for (std::size_t done = 0; done < size;) {
    const ssize_t n = write(fd.get(), image + done, size - done);
    if (n <= 0) return {};
    done += static_cast<std::size_t>(n);
  }
  return {std::move(fd), "[vdso]"};
}

}  // namespace

bool ProcessMaps::snapshot(pid_t tgid) {
  const std::string dir = "/proc/" + std::to_string(tgid);
  std::ifstream in(dir + "/maps");
  if (!in) return false;
  auto& list = maps_[tgid];
  std::vector<std::pair<std::uint64_t, std::uint64_t>> code;
  std::uint64_t exec_bytes = 0;
  std::string line;
  bool any = false;
  while (std::getline(in, line)) {
    any = true;
    std::uint64_t start = 0, end = 0, pgoff = 0, inode = 0;
    unsigned dev_major = 0, dev_minor = 0;
    char perms[5] = {};
    int path_pos = 0;
    if (std::sscanf(line.c_str(), "%" SCNx64 "-%" SCNx64 " %4s %" SCNx64 " %x:%x %" SCNu64 " %n", &start, &end,
                    perms, &pgoff, &dev_major, &dev_minor, &inode, &path_pos) < 7)
      continue;
    if (perms[2] != 'x') continue;  // code only ([vdso] and JIT areas have no file)
    // [vsyscall] is shown but is no mapping of the process (not in exec_vm).
    if (start < 0x800000000000ull) {
      code.emplace_back(start, end);
      if (perms[1] != 'w') exec_bytes += end - start;
    }
    Mapping m{start, end, pgoff, makedev(dev_major, dev_minor), inode,
              path_pos > 0 ? line.substr(static_cast<std::size_t>(path_pos)) : std::string()};
    if (m.path == "[vdso]") {
      // Symbolized from this process's copy of the image when the sizes
      // match; kVdsoFile names it among the files.
      if (!vdso_checked_) {
        vdso_checked_ = true;
        const auto [own_start, own_end] = own_vdso_range();
        if (MappedFile image = own_vdso_image(own_start, own_end); image.fd) {
          vdso_size_ = own_end - own_start;
          files_.emplace(kVdsoFile, std::move(image));
        }
      }
      if (end - start == vdso_size_) std::tie(m.dev, m.inode) = kVdsoFile;
    }
    bool seen = false;
    for (const auto& old : list)
      if (old.start == m.start && old.end == m.end && old.pgoff == m.pgoff && old.inode == m.inode &&
          old.dev == m.dev)
        seen = true;
    if (seen) continue;
    const auto file_key = std::make_pair(m.dev, m.inode);
    if (m.inode != 0 && !files_.contains(file_key)) {
      char range[64];
      std::snprintf(range, sizeof range, "/map_files/%" PRIx64 "-%" PRIx64, start, end);
      int fd = open((dir + range).c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0) fd = open(m.path.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd >= 0) files_.emplace(file_key, MappedFile{UniqueFd(fd), m.path});
    }
    list.push_back(std::move(m));
  }
  if (any) {
    code_[tgid] = std::move(code);
    exec_pages_[tgid] = exec_bytes / static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
  }
  return any;
}

const Mapping* ProcessMaps::find(pid_t tgid, std::uint64_t addr) const {
  auto it = maps_.find(tgid);
  if (it == maps_.end()) return nullptr;
  for (auto m = it->second.rbegin(); m != it->second.rend(); ++m)
    if (addr >= m->start && addr < m->end) return &*m;
  return nullptr;
}

const std::vector<Mapping>& ProcessMaps::mappings(pid_t tgid) const {
  static const std::vector<Mapping> kNone;
  auto it = maps_.find(tgid);
  return it == maps_.end() ? kNone : it->second;
}

std::vector<std::string> ProcessMaps::file_paths() const {
  std::vector<std::string> out;
  for (const auto& [key, file] : files_)
    if (key != kVdsoFile) out.push_back(file.path);
  return out;
}

const std::vector<std::pair<std::uint64_t, std::uint64_t>>& ProcessMaps::code_ranges(pid_t tgid) const {
  static const std::vector<std::pair<std::uint64_t, std::uint64_t>> kNone;
  auto it = code_.find(tgid);
  return it == code_.end() ? kNone : it->second;
}

std::uint64_t ProcessMaps::exec_pages(pid_t tgid) const {
  auto it = exec_pages_.find(tgid);
  return it == exec_pages_.end() ? 0 : it->second;
}

const MappedFile* ProcessMaps::file(const Mapping& m) const {
  auto it = files_.find({m.dev, m.inode});
  return it == files_.end() ? nullptr : &it->second;
}

}  // namespace perfgate::profiler
