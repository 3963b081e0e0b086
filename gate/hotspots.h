#pragma once
// Where to look (DESIGN §8, seed 004 Part 4): hotspots ranked by ROI from one
// benchmark's profile, and differential hotspots between a base and a head
// profile for a regression. Pure functions of profiles, except
// attach_hotspots, which reads the profiles a results file references.
//
// Per user-space function (demangled name + module; kernel frames are charged
// to the user frame below them, since a PR cannot optimize the kernel;
// addresses no symbol covers, a stripped library's internal functions, count
// together as "[libsodium.so.23: code without symbols]"):
//   self %   samples where it is the innermost non-inlined user frame
//   total %  samples with it anywhere on the stack (counted once per stack)
//   calls %  share of the calls counted for all candidates (profile.calls,
//            `--count-calls`); a sampling profile alone cannot count calls,
//            so without a count for every candidate the score's weights are
//            renormalized: 0.5·self + 0.5·total instead of
//            0.4·self + 0.4·total + 0.2·calls (the report says which)
//   complexity  from the config's pattern if one matches, else from code
//            size: 1 + log2(1 + size/256 B) (64 B → 1.3, 1 KiB → 3.3,
//            16 KiB → 7.0); 3.3 (a 1 KiB function) when the size is unknown
//   ROI      score / complexity
//   impact   total % × max speedup (config, default 2×)
// Only functions with self ≥ 0.5 % are candidates: a caller that spends no
// time itself is context, not a place to optimize (its total share is in the
// flame graph). Differential growth = Δself + Δtotal in percentage points, so
// a function whose own time grew outranks the callers whose total grew with
// it; functions with self < 0.5 % on both sides are left out there too.

#include <expected>
#include <filesystem>
#include <string>
#include <vector>

#include "gate/error.h"
#include "gate/report.h"
#include "gate/results.h"
#include "profiler/profile.h"

namespace perfgate::gate {

inline constexpr double kMinSelfPercent = 0.5;
inline constexpr double kDefaultMaxSpeedup = 2.0;
inline constexpr double kUnknownSizeComplexity = 3.3;
// Below this many samples a profile's shares move by several points from run
// to run; the report says so.
inline constexpr std::uint64_t kFewSamples = 200;

double complexity_from_size(std::uint64_t symbol_size_bytes);

// The profile a results file references (path relative to `dir`), or one
// line saying why there is none (not profiled, missing with its reason,
// unreadable, invalid).
std::expected<profiler::Profile, std::string> load_profile(const std::optional<ProfileRef>& ref,
                                                           const std::filesystem::path& dir);

// Hotspots by ROI, best first, at most settings.top.
std::vector<Hotspot> rank_hotspots(const profiler::Profile& profile, const HotspotSettings& settings);

// The functions whose calls `--count-calls` counts for a profile: user
// functions with a self share >= kMinSelfPercent (self as the hotspots count
// it), hottest first, that have an entry to probe — not `module+0x…`
// addresses, PLT stubs or `[…]` pseudo-frames. (function, module).
std::vector<std::pair<std::string, std::string>> countable_hot_functions(const profiler::Profile& profile);

// Functions whose share grew from base to head, by growth, at most `top`.
std::vector<DifferentialHotspot> differential_hotspots(const profiler::Profile& base,
                                                       const profiler::Profile& head, std::size_t top);

// Functions whose CPU time per call grew from base to head, by per_call_z
// (largest first), at most `top`: those with counted calls and self samples
// on both sides (Profile::calls). Where shares cannot move — a function that
// is already all of its thread's time, made slower, gets called less often
// (the batcher's model: larger batches, fewer calls) — time per call still
// shows the slowdown.
// With one counting run a side the z counts the sampling error only, not
// how much a function's time per call varies from run to run (the batcher's
// model: 126–246 µs in eight unslowed runs); with several (--count-runs) it
// counts both. A function needs kMinPerCallSamples self samples on each
// side: below that, as for a futex wait with 3 samples, a ratio of two small
// counts says nothing.
inline constexpr std::uint64_t kMinPerCallSamples = 30;
std::vector<DifferentialHotspot> per_call_hotspots(const profiler::Profile& base, const profiler::Profile& head,
                                                   std::size_t top);

// Whether d's growth could be sampling noise alone: neither its self nor its
// total share moved by kSharesNoiseZ binomial standard errors of the
// difference of two shares from base_samples and head_samples samples (cpu
// profiles). 2 keeps a +6 point self growth at ~650 samples a side (lru's
// +15 %, 4 errors) and flags a +0.2 point one (2 in 10 of an error).
inline constexpr double kSharesNoiseZ = 2.0;
// The larger of d's self and total share growths in those standard errors.
double share_growth_z(const DifferentialHotspot& d, std::uint64_t base_samples, std::uint64_t head_samples);
bool within_sampling_noise(const DifferentialHotspot& d, std::uint64_t base_samples, std::uint64_t head_samples);

// One benchmark's hotspots by ROI from the profile its results reference
// (path relative to `dir`), with the notes a report shows beside them (coarse
// shares, how calls % entered the score), or only a note saying why there is
// no profile. What `run --profile` reports, where there is nothing to compare.
BenchmarkHotspots roi_hotspots(const BenchmarkResult& benchmark, const std::filesystem::path& dir);

// Fills report.hotspots for every benchmark of head: top hotspots from its
// profile, differential hotspots for regressions whose base has a profile
// too. Profile paths are relative to the directory of each results file. A
// missing or unreadable profile becomes a note, never an error: verdicts
// stand without hotspots.
void attach_hotspots(GateReport& report, const Results& base, const std::filesystem::path& base_dir,
                     const Results& head, const std::filesystem::path& head_dir);

}  // namespace perfgate::gate
