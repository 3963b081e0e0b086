#include "profiler/process_maps.h"

#include <fcntl.h>
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
