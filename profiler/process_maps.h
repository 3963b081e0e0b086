#pragma once
// Snapshots of /proc/PID/maps taken while a process lives, and open file
// descriptors to every mapped ELF, so a process that exits 50 ms after it
// started can still be symbolized afterwards (DESIGN §7, short-lived
// processes). Every snapshot is kept: a later one (after exec or dlopen) adds
// mappings, and lookups prefer the newest mapping that covers an address.
// Not thread-safe.

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace perfgate::profiler {

// An open file that closes itself (STYLE rule 3).
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& o) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd();
  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }

 private:
  int fd_ = -1;  // owned; -1 when empty
};

// One executable mapping: file-backed, or the [vdso] (whose image
// ProcessMaps provides as a file).
struct Mapping {
  std::uint64_t start = 0;
  std::uint64_t end = 0;     // exclusive
  std::uint64_t pgoff = 0;   // file offset of start
  std::uint64_t dev = 0;     // identifies the file together with inode
  std::uint64_t inode = 0;
  std::string path;          // as /proc/PID/maps shows it
};

// The ELF behind mappings, opened while the process lived.
struct MappedFile {
  UniqueFd fd;
  std::string path;
};

class ProcessMaps {
 public:
  // Reads /proc/PID/maps (executable, file-backed mappings only) and opens
  // files not seen before via /proc/PID/map_files (works even when the file
  // was deleted), else by path. Returns false when the process is gone.
  bool snapshot(pid_t tgid);
  // The newest mapping of tgid covering addr, or nullptr.
  const Mapping* find(pid_t tgid, std::uint64_t addr) const;
  // The open file for a mapping, or nullptr.
  const MappedFile* file(const Mapping& m) const;
  bool known(pid_t tgid) const { return maps_.contains(tgid); }
  // Every mapping snapshotted for tgid, oldest first (empty when unknown).
  const std::vector<Mapping>& mappings(pid_t tgid) const;
  // [start, end) of every executable mapping in tgid's latest snapshot —
  // file-backed or not ([vdso], JIT code) — in /proc order (empty when
  // unknown). Unlike mappings(), what an exec or munmap removed is gone.
  const std::vector<std::pair<std::uint64_t, std::uint64_t>>& code_ranges(pid_t tgid) const;
  // Pages of executable, non-writable mappings in tgid's latest snapshot —
  // what the kernel counts as mm->exec_vm (0 when unknown).
  std::uint64_t exec_pages(pid_t tgid) const;
  // The path of every mapped file snapshotted so far, in any process, as
  // /proc/PID/maps showed it (not [vdso]).
  std::vector<std::string> file_paths() const;

 private:
  std::map<pid_t, std::vector<Mapping>> maps_;  // per tgid, oldest first
  std::map<pid_t, std::vector<std::pair<std::uint64_t, std::uint64_t>>> code_;  // per tgid, latest snapshot
  std::map<pid_t, std::uint64_t> exec_pages_;  // per tgid, latest snapshot
  std::map<std::pair<std::uint64_t, std::uint64_t>, MappedFile> files_;  // (dev, inode)
  // The [vdso] image stands in files_ under this key (no device has it).
  static constexpr std::pair<std::uint64_t, std::uint64_t> kVdsoFile{~0ull, 1};
  bool vdso_checked_ = false;   // own_vdso_image tried
  std::uint64_t vdso_size_ = 0;  // of this process's [vdso] mapping
};

}  // namespace perfgate::profiler
