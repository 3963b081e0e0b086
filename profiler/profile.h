#pragma once
// The profile model (DESIGN §4): interned frames, stacks (root first) with
// weights, and what the sampler saw. Pure data: no BPF, no elfutils, no JSON —
// gate/profile_json.h and profiler/folded.h convert it.

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace perfgate::profiler {

// cpu: on-CPU samples (unit "samples"); offcpu: blocked time (unit "ns").
enum class Mode { cpu, offcpu };

std::string_view to_string(Mode mode);
// "samples" for cpu, "ns" for offcpu.
std::string_view unit_of(Mode mode);

enum class FrameKind { user, kernel };

struct Frame {
  std::string function;  // demangled; "module+0xoffset" when no symbol covers it
  std::string module;    // file name of the ELF ("libc.so.6"), "[kernel.kallsyms]", "[unknown]"
  std::string build_id;  // lower-case hex, empty when unknown
  std::uint64_t offset = 0;  // address in the module's ELF address space (kernel: absolute)
  bool inlined = false;      // an inlined call site (from DWARF), not a real call
  FrameKind kind = FrameKind::user;
  std::uint64_t symbol_size = 0;  // the ELF symbol's st_size in bytes; 0 when unknown

  auto operator<=>(const Frame&) const = default;
};

struct Stack {
  std::vector<std::uint32_t> frames;  // indices into Profile::frames(), root first
  std::uint64_t count = 0;            // samples, or ns in offcpu mode
};

// Calls of one function counted at its entry (uprobes) while the recorded
// command ran: RecordOptions::count_calls.
struct FunctionCalls {
  std::string function;  // as Frame::function
  std::string module;    // as Frame::module
  std::uint64_t calls = 0;
  // Its self weight (Profile::self_by_user_function) in the run that counted
  // the calls, so calls and time come from one run: self_samples / hz /
  // calls is CPU time per call, uprobe included (0.9–10 µs).
  std::uint64_t self_samples = 0;
  // Each counting run's (calls, self_samples) when the profile holds several
  // (perfgate run/ab --count-calls: the sums above are over them), so the
  // gate can see how much time per call varies from run to run. Empty: one
  // run, the figures above.
  struct Run {
    std::uint64_t calls = 0;
    std::uint64_t self_samples = 0;
    auto operator<=>(const Run&) const = default;
  };
  std::vector<Run> runs;

  // runs, or the one run the sums describe.
  std::vector<Run> per_run() const { return runs.empty() ? std::vector<Run>{{calls, self_samples}} : runs; }

  auto operator<=>(const FunctionCalls&) const = default;
};

struct SamplerStats {
  std::uint64_t samples = 0;      // samples taken of the target tree (offcpu: blocked spans)
  std::uint64_t lost = 0;         // samples not aggregated: the stacks map was full
  std::uint64_t truncated = 0;    // stacks cut at the maximum depth
  std::uint64_t missing_user_stacks = 0;  // samples without a user stack
  unsigned hz = 0;                // sampling frequency (cpu mode)
  double duration_s = 0;          // wall time sampled

  // lost / (samples) — above 1 % the profile is not trustworthy.
  double drop_rate() const { return samples == 0 ? 0.0 : double(lost) / double(samples); }
};

class Profile {
 public:
  explicit Profile(Mode mode = Mode::cpu) : mode_(mode) {}

  Mode mode() const { return mode_; }
  std::string_view unit() const { return unit_of(mode_); }

  // Returns the index of an equal frame, adding it if new.
  std::uint32_t intern(const Frame& frame);
  // Adds count to the stack (root first); equal stacks merge. A count of 0
  // adds nothing.
  void add(std::span<const std::uint32_t> root_first, std::uint64_t count);
  // Adds another recording of the same command (same mode and rate): its
  // stacks, its sampler counters and sampled time, its warnings not yet
  // here (one that differs only in its figures is here). Counted calls are
  // not merged (add_counting_run). recorded_from stays only when both name
  // the same function.
  void merge(const Profile& other);

  const std::vector<Frame>& frames() const { return frames_; }
  // Stacks in a deterministic order (by frame indices).
  std::vector<Stack> stacks() const;
  std::uint64_t total() const;

  // Self weight per function name: the innermost frame that is not inlined
  // (so the figures match perf report's self column).
  std::map<std::string, std::uint64_t> self_by_function() const;
  // Self weight per user function and module, as the hotspots count it: the
  // innermost user frame that is not inlined, kernel frames charged to it
  // (a program cannot optimize the kernel, only stop calling it).
  std::map<std::pair<std::string, std::string>, std::uint64_t> self_by_user_function() const;
  // Weight of stacks that contain a frame with this function name anywhere.
  std::uint64_t inclusive(std::string_view function) const;

  SamplerStats stats;
  // The function whose first call opened the recording (RecordOptions::
  // window_from, `perfgate record --from`), or "" for the start of the run:
  // the stacks are of the run from there on (stats.duration_s is not).
  std::string recorded_from;
  // The functions whose calls were counted, by function and module (empty:
  // none were): an executable's in the whole recorded tree, a shared
  // library's in the launched or attached process (CallSite::shared_library;
  // one that ran elsewhere too is left out, with a warning).
  std::vector<FunctionCalls> calls;
  // The recording stopped at RecordOptions::max_calls: calls and samples
  // cover the start of the run only.
  bool calls_partial = false;
  // The function whose first call began the counting (RecordOptions::
  // window_from: the program's mark of where its operations begin), or ""
  // for the start of the run. With calls_partial, the counts are then of
  // the first operations, not of the run's setup.
  std::string calls_from;
  // The entry of `calls` for function in module, or null when not counted.
  const FunctionCalls* calls_of(std::string_view function, std::string_view module) const;
  FunctionCalls* calls_of(std::string_view function, std::string_view module);
  std::vector<std::string> warnings;  // e.g. drop rate, modules without frame pointers

 private:
  Mode mode_;
  std::vector<Frame> frames_;
  std::map<Frame, std::uint32_t> frame_index_;
  std::map<std::vector<std::uint32_t>, std::uint64_t> stacks_;
};

// Adds one counting run — its FunctionCalls, as RecordOptions::count_calls
// read them — to profile.calls: the sums grow and, from the second run on,
// FunctionCalls::runs lists every run. partial: that run stopped at its call
// budget (Profile::calls_partial); from: where it began counting
// (Profile::calls_from), the same for every run or the profile's becomes "".
void add_counting_run(Profile& profile, const std::vector<FunctionCalls>& run, bool partial,
                      const std::string& from = "");

}  // namespace perfgate::profiler
