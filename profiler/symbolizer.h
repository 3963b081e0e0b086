#pragma once
// Turns sampled addresses into frames with elfutils libdwfl (DESIGN §7), the
// way KDAB perfparser does: every mapped ELF is reported once with
// dwfl_report_elf (from the fd kept by ProcessMaps, so the process may be gone),
// modules and resolved addresses are cached per build-id, C++ names are
// demangled, inline call chains come from DWARF scopes, kernel addresses from
// /proc/kallsyms. A stripped module falls back to .dynsym (only when the address
// lies inside the symbol), then to "module+0xoffset": no address is dropped.
// DEBUGINFOD_URLS is honoured through dwfl_standard_find_debuginfo.
// Not thread-safe.

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "profiler/process_maps.h"
#include "profiler/profile.h"

namespace perfgate::profiler {

class Symbolizer {
 public:
  Symbolizer();
  Symbolizer(Symbolizer&&) noexcept;
  Symbolizer& operator=(Symbolizer&&) noexcept;
  ~Symbolizer();

  // Appends the frames of one user address, leaf first: the innermost inlined
  // function first, the function holding the code last. is_return: addr is a
  // return address (every frame but the leaf), looked up at addr - 1 so the
  // call site, not the next statement, decides the inline chain.
  void user_frames(const ProcessMaps& maps, pid_t tgid, std::uint64_t addr, bool is_return,
                   std::vector<Frame>& out);
  // The size of the frame of the function executing at pc, in 8-byte words
  // (CFA = rsp + 8 * words), when its CFI says it has no rbp-based frame
  // there (a function built without frame pointers, a frameless leaf, a
  // prologue or epilogue): its return address is the top word of that frame.
  // nullopt when the frame is rbp-based or no CFI covers pc — then the
  // frame-pointer walk is right. is_return: pc is a return address (looked
  // up at pc - 1, inside the call).
  std::optional<unsigned> frameless_frame_words(const ProcessMaps& maps, pid_t tgid, std::uint64_t pc,
                                                bool is_return);
  // Queues every ELF mapped by tgid to have its symbol table and DWARF
  // loaded on a background thread (SCHED_IDLE: it only uses CPU the target
  // leaves idle) (decompressing a separate debug file such
  // as libc6-dbg's takes ~0.1 s), so that work overlaps the recording instead
  // of delaying the profile, and never delays the snapshot of a short-lived
  // process. Optional; each file is queued once. Until finish_warming() (the
  // other methods call it), only warm() may be called.
  void warm(const ProcessMaps& maps, pid_t tgid);
  // Waits for the queued work.
  void finish_warming();
  // Whether a leaf in the file behind m has an rbp frame or its return
  // address within the top PG_SHALLOW_SCAN_WORDS stack words (code built
  // with frame pointers; not Debian's glibc), once warm() has loaded it;
  // nullopt before. Safe to call while warming.
  std::optional<bool> shallow_leaves(const Mapping& m) const;
  // Starts reading /proc/kallsyms on a SCHED_IDLE thread, so the ~0.1 s it
  // takes overlaps the recording instead of delaying the profile. Optional.
  void prefetch_kernel_symbols();
  // Appends the frame of one kernel address.
  void kernel_frame(std::uint64_t addr, std::vector<Frame>& out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// abi::__cxa_demangle, or the name itself when it is not a mangled C++ name.
std::string demangle(const char* name);

}  // namespace perfgate::profiler
