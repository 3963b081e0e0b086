#pragma once
// The SVG document both flame graphs share (DESIGN §9): title, subtitle,
// "Reset Zoom" and "Search" controls, the frames, a details line for the
// hovered frame, "Matched: x%", and note lines under the graph. The embedded
// script (flamegraph_script.h) adds hover details, click to zoom, reset and
// search; the SVG loads no external resource.
//
// Every outside string (names, titles, notes) is XML-escaped here and only
// ever placed in element text, never in attributes or the script; the script
// reads names back from the DOM and writes them with textContent.
//
// Geometry follows flamegraph.pl: 1200 px wide, 16 px per level, root at the
// bottom, 12 px Verdana/DejaVu labels truncated with "..".

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace perfgate::reporters {

inline constexpr unsigned kFlameFontPx = 12;
inline constexpr unsigned kFlameFrameHeightPx = 16;
inline constexpr unsigned kFlameXPadPx = 10;
// flamegraph.pl's average glyph width as a fraction of the font size.
inline constexpr double kFlameCharWidth = 0.59;

struct SvgFrame {
  std::uint64_t x = 0;               // weight units from the left edge
  std::uint64_t width = 0;           // weight units
  std::uint32_t depth = 0;           // 0 = root, drawn at the bottom
  std::string name;                  // label and first tooltip line (raw; escaped here)
  std::vector<std::string> details;  // further tooltip lines (raw)
  std::string fill;                  // "rgb(…)" from flame_palette.h
  bool inlined = false;              // drawn with a dashed outline and an italic label
};

struct SvgNote {
  std::string text;     // one line under the graph (raw); truncated to fit
  std::string tooltip;  // full text on hover when non-empty (raw)
  // Characters of `text` kept at the start when it must be cut; the rest is
  // cut from the left, so the end of a long stack path (its leaf) stays.
  // npos: cut at the end instead.
  std::size_t keep_prefix = std::string::npos;
};

struct SvgPage {
  std::string title;
  std::string subtitle;     // omitted when empty
  std::uint64_t total = 0;  // weight units across the full width
  std::uint32_t depth_levels = 0;
  unsigned width_px = 1200;
  std::string background_top = "#eeeeee";
  std::string background_bottom = "#eeeeb0";
  std::vector<SvgNote> notes;
};

std::string render_flame_svg(const SvgPage& page, const std::vector<SvgFrame>& frames);

// The label a frame of width_px shows: the whole name, a prefix ending in
// "..", or nothing (the script applies the same rule after a zoom).
std::string fit_label(std::string_view name, double width_px);

// "N frames narrower than P% of the total not drawn …", the note under a pruned graph.
std::string pruned_note(std::size_t pruned, double min_width_percent);

// "1,234,567": thousands separated, whatever the locale.
std::string group_thousands(std::uint64_t value);

}  // namespace perfgate::reporters
