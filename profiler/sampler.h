#pragma once
// The loader of the BPF sampler (profiler/bpf/sampler.bpf.c): opens and loads
// the embedded skeleton, attaches one cpu-clock perf event per online CPU (cpu
// mode) or the sched_switch hook (offcpu mode) plus the fork/exec/exit hooks
// that keep the target set, and reads back the aggregated stacks and counters.
// Move-only; every kernel handle is released in the destructor. Not thread-safe.

#include <sys/types.h>

#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "profiler/bpf/sampler.h"
#include "profiler/error.h"
#include "profiler/process_maps.h"
#include "profiler/profile.h"

struct pg_sampler_bpf;
struct bpf_link;
struct ring_buffer;

namespace perfgate::profiler {

// One aggregated stack as the kernel saw it.
struct RawStack {
  std::uint32_t tgid = 0;
  std::uint32_t flags = 0;            // PG_STACK_* from bpf/sampler.h
  std::vector<std::uint64_t> user;    // leaf first
  std::vector<std::uint64_t> kernel;  // leaf first
  // Return-address-like words on top of the user stack: slot (8-byte words
  // above the user sp) -> value (pg_stack_key.ret_addr).
  std::vector<std::pair<unsigned, std::uint64_t>> stack_returns;
  std::uint64_t weight = 0;           // samples (cpu) or ns (offcpu)
};

// [start, end) of executable memory in a target's address space.
using CodeRange = std::pair<std::uint64_t, std::uint64_t>;

// At most max_ranges sorted, disjoint ranges covering every given range:
// overlapping and touching ranges are joined, then the two neighbours with
// the smallest gap between them, until few enough are left. Covering more
// is safe for the stack scan (a word inside is merely checked), covering
// less would drop return addresses. Empty ranges are ignored; max_ranges > 0.
std::vector<CodeRange> cover_code_ranges(std::vector<CodeRange> ranges, std::size_t max_ranges);

class Sampler {
 public:
  struct Options {
    Mode mode = Mode::cpu;
    unsigned hz = 99;
    std::uint32_t max_stacks = 16384;  // entries of the stacks map
    // Have the kernel time every run of the programs (BPF_ENABLE_STATS, as
    // sysctl kernel.bpf_stats_enabled=1 does, for as long as the Sampler
    // lives), for program_stats(). Costs two clock reads per run.
    bool program_stats = false;
    // Load the call counter (pg_call, a uprobe program) for
    // attach_call_counter(). Off by default: a kernel without uprobe support
    // can still sample.
    bool count_calls = false;
    // Keep the window closed — no samples, blocked spans or counted calls —
    // until the function attach_window_marker() names is first called by
    // the target tree. Loads pg_call.
    bool window_marker = false;
  };
  // What the kernel spent in one of the loaded programs so far.
  struct ProgramStats {
    std::string name;
    std::uint64_t runs = 0;         // also the runs that return at once for other processes
    std::uint64_t run_time_ns = 0;  // 0 unless stats are enabled
  };
  using EventHandler = std::function<void(const pg_event&)>;

  // Opens and loads the programs (verifies them). Errors: permission when the
  // kernel refuses bpf(), unsupported when BPF/BTF is missing.
  static std::expected<Sampler, Error> create(const Options& options);

  Sampler(Sampler&&) noexcept;
  Sampler& operator=(Sampler&&) noexcept;
  ~Sampler();

  // Adds a process (tgid) to the traced tree. Its forks follow automatically.
  std::expected<void, Error> add_target(pid_t tgid);
  // How many execs the kernel side has seen tgid make (pg_target.code_gen);
  // nothing when tgid is not (or no longer) a target. Read it before reading
  // the /proc/PID/maps that set_code_ranges() is given.
  std::optional<std::uint32_t> code_gen(pid_t tgid) const;
  // From now on the return-address scan of tgid's samples reads user memory
  // only for words inside these ranges (compacted by cover_code_ranges to
  // PG_CODE_RANGES), as long as tgid has not exec'd since code_gen was read
  // and its executable, non-writable pages still number exec_pages (the
  // kernel's mm->exec_vm; ProcessMaps::exec_pages of the same snapshot).
  // Returns false when nothing was written (no ranges, the map is full, or
  // PERFGATE_NO_SCAN_FILTER=1); the scan then checks every pointer-like word,
  // which is slower but loses nothing. `shallow`: those of the ranges whose
  // leaves have an rbp frame or their return address in the top words
  // (Symbolizer::shallow_leaves); a sample whose leaf lies in one (after the
  // compaction, in a range made only of such) scans just
  // PG_SHALLOW_SCAN_WORDS words.
  bool set_code_ranges(pid_t tgid, std::uint32_t code_gen, std::uint64_t exec_pages,
                       std::span<const CodeRange> ranges, std::span<const CodeRange> shallow = {});
  // Counts the calls of the function at file_offset of the ELF at path made
  // by pid's threads (a uprobe at the entry, installed only in pid's address
  // space, which an exec replaces without losing it; not in its children),
  // under index site < PG_MAX_CALL_SITES. Needs Options::count_calls.
  // Counting stops with stop().
  std::expected<void, Error> attach_call_counter(pid_t pid, const std::string& path, std::uint64_t file_offset,
                                                 std::uint32_t site);
  // The first call of the function at file_offset of the ELF at path, by the
  // target tree (a uprobe in pid's address space, or in every process that
  // maps an executable with pid -1), opens the window. Needs
  // Options::window_marker.
  std::expected<void, Error> attach_window_marker(pid_t pid, const std::string& path,
                                                  std::uint64_t file_offset);
  // Whether the window is open: from the start, or since the marker's call.
  bool window_open() const;
  // Calls counted per site, summed over CPUs: sites entries.
  std::vector<std::uint64_t> read_calls(std::size_t sites) const;
  // Called from poll() for each ring-buffer notice (new process, exec, exit).
  void set_event_handler(EventHandler handler);
  // Attaches the perf events / tracepoints: sampling starts.
  std::expected<void, Error> start();
  // Detaches everything that produces samples; maps stay readable.
  void stop();
  // File descriptor that becomes readable when notices are pending.
  int event_fd() const;
  // Delivers pending notices to the handler without blocking.
  void consume_events();

  std::vector<RawStack> read_stacks() const;
  pg_counters read_counters() const;
  unsigned cpus_sampled() const { return cpus_sampled_; }
  // One entry per loaded program (in cpu mode: pg_sample and the fork, exec
  // and exit hooks).
  std::vector<ProgramStats> program_stats() const;

 private:
  struct SkeletonDeleter {
    void operator()(pg_sampler_bpf* skel) const;
  };
  struct LinkDeleter {
    void operator()(bpf_link* link) const;
  };
  struct RingBufferDeleter {
    void operator()(ring_buffer* rb) const;
  };

  Sampler() = default;
  // pg_call at file_offset of path, for pid, with this attach cookie.
  std::expected<void, Error> attach_call_uprobe(pid_t pid, const std::string& path,
                                                std::uint64_t file_offset, std::uint32_t cookie);

  Options options_;
  // Declared in destruction order's reverse: the ring buffer and links go
  // before the skeleton whose maps and programs they reference.
  std::unique_ptr<pg_sampler_bpf, SkeletonDeleter> skel_;
  std::vector<std::unique_ptr<bpf_link, LinkDeleter>> links_;
  // Heap-held so the ring buffer's callback context survives moves.
  std::unique_ptr<EventHandler> handler_ = std::make_unique<EventHandler>();
  std::unique_ptr<ring_buffer, RingBufferDeleter> events_;
  unsigned cpus_sampled_ = 0;
  bool code_filter_ = true;  // set_code_ranges() writes: not PERFGATE_NO_SCAN_FILTER=1
  UniqueFd stats_fd_;  // keeps BPF run-time stats enabled while held (Options::program_stats)
};

// "permission denied — run as root or grant …" style message for errno.
Error bpf_error(const char* what, int err);

}  // namespace perfgate::profiler
