#include "profiler/profile.h"

#include <algorithm>
#include <cctype>
#include <utility>

namespace perfgate::profiler {

std::string_view to_string(Mode mode) { return mode == Mode::cpu ? "cpu" : "offcpu"; }
std::string_view unit_of(Mode mode) { return mode == Mode::cpu ? "samples" : "ns"; }

std::uint32_t Profile::intern(const Frame& frame) {
  if (auto it = frame_index_.find(frame); it != frame_index_.end()) return it->second;
  const auto index = static_cast<std::uint32_t>(frames_.size());
  frames_.push_back(frame);
  frame_index_.emplace(frame, index);
  return index;
}

void Profile::add(std::span<const std::uint32_t> root_first, std::uint64_t count) {
  if (count == 0) return;  // no weight, no stack (a profile's stacks all count, as its schema says)
  stacks_[std::vector<std::uint32_t>(root_first.begin(), root_first.end())] += count;
}

void Profile::merge(const Profile& other) {
  std::vector<std::uint32_t> index(other.frames_.size());
  for (std::size_t i = 0; i < other.frames_.size(); ++i) index[i] = intern(other.frames_[i]);
  for (const auto& [frames, count] : other.stacks_) {
    std::vector<std::uint32_t> mapped(frames.size());
    for (std::size_t i = 0; i < frames.size(); ++i) mapped[i] = index[frames[i]];
    add(mapped, count);
  }
  stats.samples += other.stats.samples;
  stats.lost += other.stats.lost;
  stats.truncated += other.stats.truncated;
  stats.missing_user_stacks += other.stats.missing_user_stacks;
  stats.duration_s += other.stats.duration_s;
  if (recorded_from != other.recorded_from) recorded_from.clear();
  // A warning that differs from one already kept only in its figures (the
  // frame-pointer check's stack counts, a drop rate) is the same warning
  // from another run: the first run's figures stay.
  auto without_figures = [](const std::string& w) {
    std::string out;
    for (char ch : w)
      if (!std::isdigit(static_cast<unsigned char>(ch))) out += ch;
    return out;
  };
  for (const auto& w : other.warnings)
    if (std::ranges::none_of(warnings,
                             [&](const std::string& kept) { return without_figures(kept) == without_figures(w); }))
      warnings.push_back(w);
}

std::vector<Stack> Profile::stacks() const {
  std::vector<Stack> out;
  out.reserve(stacks_.size());
  for (const auto& [frames, count] : stacks_) out.push_back({frames, count});
  return out;
}

std::uint64_t Profile::total() const {
  std::uint64_t sum = 0;
  for (const auto& [frames, count] : stacks_) sum += count;
  return sum;
}

std::map<std::string, std::uint64_t> Profile::self_by_function() const {
  std::map<std::string, std::uint64_t> out;
  for (const auto& [frames, count] : stacks_) {
    // Self time goes to the innermost real function (as perf report counts
    // it): inlined frames are inside it, not functions of their own.
    auto leaf = frames.rbegin();
    while (leaf != frames.rend() && frames_[*leaf].inlined) ++leaf;
    if (leaf != frames.rend()) out[frames_[*leaf].function] += count;
  }
  return out;
}

std::map<std::pair<std::string, std::string>, std::uint64_t> Profile::self_by_user_function() const {
  std::map<std::pair<std::string, std::string>, std::uint64_t> out;
  for (const auto& [frames, count] : stacks_) {
    auto leaf = frames.rbegin();
    while (leaf != frames.rend() && (frames_[*leaf].inlined || frames_[*leaf].kind == FrameKind::kernel)) ++leaf;
    if (leaf != frames.rend()) out[{frames_[*leaf].function, frames_[*leaf].module}] += count;
  }
  return out;
}

std::uint64_t Profile::inclusive(std::string_view function) const {
  std::uint64_t sum = 0;
  for (const auto& [frames, count] : stacks_)
    if (std::any_of(frames.begin(), frames.end(),
                    [&](std::uint32_t f) { return frames_[f].function == function; }))
      sum += count;
  return sum;
}

const FunctionCalls* Profile::calls_of(std::string_view function, std::string_view module) const {
  auto c = std::ranges::find_if(calls,
                                [&](const FunctionCalls& fc) { return fc.function == function && fc.module == module; });
  return c == calls.end() ? nullptr : &*c;
}

FunctionCalls* Profile::calls_of(std::string_view function, std::string_view module) {
  return const_cast<FunctionCalls*>(std::as_const(*this).calls_of(function, module));
}

void add_counting_run(Profile& profile, const std::vector<FunctionCalls>& run, bool partial,
                      const std::string& from) {
  const bool first = profile.calls.empty();
  profile.calls_partial = (!first && profile.calls_partial) || partial;
  profile.calls_from = first || profile.calls_from == from ? from : "";
  for (const FunctionCalls& counted : run) {
    FunctionCalls* known = profile.calls_of(counted.function, counted.module);
    if (known == nullptr) {  // not counted before: its first run
      profile.calls.push_back({counted.function, counted.module, counted.calls, counted.self_samples});
      continue;
    }
    known->runs = known->per_run();
    known->runs.push_back({counted.calls, counted.self_samples});
    known->calls += counted.calls;
    known->self_samples += counted.self_samples;
  }
}

}  // namespace perfgate::profiler
