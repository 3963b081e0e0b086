#pragma once
// Differential flame graph, base vs head (DESIGN §9), after flamegraph.pl's
// difffolded mode. Pure and deterministic like flamegraph.h.
//
// The graph is head's: frame widths are head's weights (base's with
// options.diff_draw_base, flamegraph.pl's --negate). Each side is
// normalized to its own total, so profiles of different lengths compare:
// a frame's colour is the change of its self share (head self / head total −
// base self / base total, in percentage points), red = grew, blue = shrank,
// deeper for a larger change relative to the largest change drawn; a path new
// in head is red. Tooltips give both raw weights, both shares and the change.
//
// Paths that vanished (weight in base, none in head) cannot be drawn in
// head's graph: each is returned, and the largest are listed under the graph
// (in base's graph they are drawn too, their leaves blue).
// Only the topmost vanished frame of a vanished subtree is reported.
// Both profiles should be of the same mode; head's mode sets the units.

#include <cstdint>
#include <string>
#include <vector>

#include "profiler/profile.h"
#include "reporters/flamegraph.h"

namespace perfgate::reporters {

struct VanishedPath {
  std::string path;               // folded "root;…;frame" (frame names as in folded stacks)
  std::uint64_t base_weight = 0;  // inclusive weight in base (samples, or ns off-CPU)
  double base_percent = 0;        // of base's total
};

struct DiffFlameGraph {
  std::string svg;
  std::vector<VanishedPath> vanished;  // largest first, then by path
};

DiffFlameGraph render_diff_flamegraph(const profiler::Profile& base, const profiler::Profile& head,
                                      const FlameGraphOptions& options = {});

}  // namespace perfgate::reporters
