#pragma once
// The call tree a flame graph draws: stacks merged by frame name from the
// root down, with an inclusive and a self weight per node for up to two sides
// (side 0 = the profile, or the base of a differential; side 1 = the head).
// Pure data, built once per rendering.
//
// Frames merge by their folded name (function plus "_[k]"/"_[i]"), as
// flamegraph.pl merges them: the same function reached through two modules is
// one frame, whose module then reads "several modules". Children are sorted
// by name, so the layout depends only on the stacks, never on input order.

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "profiler/profile.h"

namespace perfgate::reporters {

struct FlameNode {
  std::string name;    // folded name: function, plus "_[k]" for kernel or "_[i]" for inlined
  std::string function;  // the function alone
  std::string module;  // "" when unknown
  bool inlined = false;
  bool kernel = false;
  std::uint64_t total[2] = {0, 0};  // inclusive weight per side (samples, or ns off-CPU)
  std::uint64_t self[2] = {0, 0};   // weight of stacks that end here, per side
  std::uint32_t parent = 0;
  std::vector<std::uint32_t> children;  // sorted by name once finish() ran
};

class FlameTree {
 public:
  static constexpr std::uint32_t kRoot = 0;
  static constexpr std::string_view kSeveralModules = "several modules";

  FlameTree();

  // Adds every stack of the profile to `side` (0 or 1).
  void add(const profiler::Profile& profile, int side);
  // Sorts children by name; call once after the last add().
  void finish();

  const std::vector<FlameNode>& nodes() const { return nodes_; }
  const FlameNode& root() const { return nodes_[kRoot]; }
  // "root;…;node" in folded form (without "all").
  std::string path(std::uint32_t node) const;

 private:
  std::uint32_t child(std::uint32_t parent, std::uint32_t key);

  std::vector<FlameNode> nodes_;
  std::vector<std::uint32_t> key_of_node_;
  std::unordered_map<std::string, std::uint32_t> key_ids_;  // folded name -> key id
  std::vector<std::string> key_modules_;                   // module per key id
  std::unordered_map<std::uint64_t, std::uint32_t> edges_;  // (parent << 32 | key) -> child
};

}  // namespace perfgate::reporters
