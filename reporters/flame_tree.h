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
//
// Nodes are small and name-free (a key into the distinct frames) and children
// live in one array: 100 000 unique stacks make hundreds of thousands of
// nodes, and per-node strings and vectors dominated the rendering time.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "profiler/profile.h"

namespace perfgate::reporters {

// What frames of one name share.
struct FlameFrame {
  std::string name;      // folded name: function, plus "_[k]" for kernel or "_[i]" for inlined
  std::string function;  // the function alone
  std::string module;    // "" when unknown, FlameTree::kSeveralModules when they differ
  bool inlined = false;
  bool kernel = false;
};

struct FlameNode {
  std::uint32_t frame = 0;  // index into FlameTree::frames()
  std::uint32_t parent = 0;
  std::uint64_t total[2] = {0, 0};  // inclusive weight per side (samples, or ns off-CPU)
  std::uint64_t self[2] = {0, 0};   // weight of stacks that end here, per side
};

class FlameTree {
 public:
  static constexpr std::uint32_t kRoot = 0;
  static constexpr std::string_view kSeveralModules = "several modules";

  FlameTree();

  // Adds every stack of the profile to `side` (0 or 1). Not after finish().
  void add(const profiler::Profile& profile, int side);
  // Builds the sorted child lists; call once after the last add().
  void finish();

  const std::vector<FlameNode>& nodes() const { return nodes_; }
  const FlameNode& root() const { return nodes_[kRoot]; }
  const FlameFrame& frame_of(std::uint32_t node) const { return frames_[nodes_[node].frame]; }
  // Children of a node, sorted by name (after finish()).
  std::span<const std::uint32_t> children(std::uint32_t node) const {
    return std::span(child_list_)
        .subspan(child_begin_[node], child_begin_[node + 1] - child_begin_[node]);
  }
  // "root;…;node" in folded form (without "all").
  std::string path(std::uint32_t node) const;

 private:
  std::vector<FlameNode> nodes_;
  std::vector<FlameFrame> frames_;
  std::unordered_map<std::string, std::uint32_t> frame_ids_;  // folded name -> index in frames_
  std::unordered_map<std::uint64_t, std::uint32_t> edges_;    // (parent << 32 | frame) -> child
  std::vector<std::uint32_t>
      child_begin_;  // CSR: children of n are child_list_[begin[n], begin[n+1])
  std::vector<std::uint32_t> child_list_;
};

}  // namespace perfgate::reporters
