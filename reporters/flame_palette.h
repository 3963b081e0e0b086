#pragma once
// Frame colours, after flamegraph.pl's palettes: the colour comes from a hash
// of the function name, so a function has the same colour in every graph and
// the output is deterministic. On-CPU graphs use "hot" (red–yellow) with
// kernel frames orange and inlined frames aqua (as --colors=java marks
// "_[k]"/"_[i]"); off-CPU graphs use cold blues (--colors=io). Differential
// graphs colour by change: red grew, blue shrank, deeper with a larger change.

#include <string>
#include <string_view>

namespace perfgate::reporters {

enum class Palette { hot, io };

// "rgb(r,g,b)" for a frame.
std::string frame_fill(std::string_view function, bool kernel, bool inlined, Palette palette);

// "rgb(r,g,b)" for a change of `delta` when the largest change in the graph is
// `max_abs_delta` (same units): kDiffNeutralFill for no change, a pale tint
// for the smallest change, full red/blue at the largest.
std::string diff_fill(double delta, double max_abs_delta);

// Light grey: unchanged frames must still read as frames on the white background.
inline constexpr std::string_view kDiffNeutralFill = "rgb(222,222,222)";

// The colour search matches get (flamegraph.pl's magenta).
inline constexpr std::string_view kSearchFill = "rgb(230,0,230)";

}  // namespace perfgate::reporters
