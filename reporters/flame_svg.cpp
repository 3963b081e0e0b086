#include "reporters/flame_svg.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <iterator>

#include "reporters/flamegraph_script.h"
#include "reporters/xml_escape.h"

namespace perfgate::reporters {
namespace {

constexpr unsigned kTitleBaseline = 24;
constexpr unsigned kSubtitleBaseline = 42;
constexpr unsigned kNoteLinePx = 18;
// Label baseline inside a 16 px frame (flamegraph.pl's offset).
constexpr double kLabelBaseline = 11.5;

constexpr std::string_view kStyle = R"(
text { font-family: Verdana, "DejaVu Sans", sans-serif; font-size: 12px; fill: rgb(0,0,0); }
#title { text-anchor: middle; font-size: 17px; }
#subtitle { text-anchor: middle; fill: rgb(80,80,80); }
#matched, #search { text-anchor: end; }
.btn { cursor: pointer; fill: rgb(40,40,150); }
.btn:hover { text-decoration: underline; }
#ignorecase { text-anchor: end; opacity: 0.4; }
#ignorecase.on { opacity: 1; font-weight: bold; }
.hide { display: none; }
.parent { opacity: 0.5; }
.fr { cursor: pointer; }
.fr:hover > rect { stroke: rgb(0,0,0); stroke-width: 0.5; }
.inl > rect { stroke: rgb(0,90,110); stroke-width: 1; stroke-dasharray: 3 2; }
.inl > text { font-style: italic; }
.dk > text { fill: rgb(255,255,255); }
.note { fill: rgb(60,60,60); }
)";

std::string px(double v) {
  return fmt::format("{:.2f}", v);
}

// Deep blues (a differential's largest shrinkage) need white labels; the
// palettes' other colours are light enough for black (ITU-R BT.601 luma).
bool is_dark(std::string_view fill) {
  int r = 0, g = 0, b = 0;
  if (std::sscanf(std::string(fill).c_str(), "rgb(%d,%d,%d)", &r, &g, &b) != 3) return false;
  return 0.299 * r + 0.587 * g + 0.114 * b < 60;
}

}  // namespace

std::string group_thousands(std::uint64_t value) {
  std::string digits = std::to_string(value);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string pruned_note(std::size_t pruned, double min_width_percent) {
  return fmt::format(
      "{} frame{} narrower than {}% of the total not drawn (search and zoom do not see them)",
      group_thousands(pruned), pruned == 1 ? "" : "s", min_width_percent);
}

std::string fit_label(std::string_view name, double width_px) {
  const double fit = std::floor((width_px - 6) / (kFlameFontPx * kFlameCharWidth));
  if (fit < 3) return {};
  const auto chars = static_cast<std::size_t>(fit);
  if (utf8_length(name) <= chars) return std::string(name);
  return std::string(utf8_prefix(name, chars - 2)) + "..";
}

std::string render_flame_svg(const SvgPage& page, const std::vector<SvgFrame>& frames) {
  const unsigned width = page.width_px;
  const double span = width - 2.0 * kFlameXPadPx;
  const unsigned top = page.subtitle.empty() ? kTitleBaseline + 16 : kSubtitleBaseline + 16;
  const unsigned frames_bottom = top + page.depth_levels * kFlameFrameHeightPx;
  const unsigned details_y = frames_bottom + 20;
  const unsigned height = details_y + 10 + static_cast<unsigned>(page.notes.size()) * kNoteLinePx;
  const double scale = page.total == 0 ? 0.0 : span / static_cast<double>(page.total);

  std::string out;
  out.reserve(4096 + frames.size() * 256);
  auto it = std::back_inserter(out);
  fmt::format_to(
      it,
      "<?xml version=\"1.0\" standalone=\"no\"?>\n"
      "<svg version=\"1.1\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" "
      "viewBox=\"0 0 {0} {1}\" onload=\"init(evt)\" data-width=\"{0}\" data-xpad=\"{2}\" "
      "data-font=\"{3}\" data-total=\"{4}\">\n",
      width, height, kFlameXPadPx, kFlameFontPx, page.total);
  fmt::format_to(it, "<title>{}</title>\n", escape_xml(page.title));
  fmt::format_to(it, "<style>{}</style>\n", cdata(kStyle));
  fmt::format_to(it, "<script type=\"text/ecmascript\">{}</script>\n", cdata(flamegraph_script()));
  fmt::format_to(it,
                 "<defs><linearGradient id=\"background\" y1=\"0\" y2=\"1\" x1=\"0\" x2=\"0\">"
                 "<stop stop-color=\"{}\" offset=\"5%\"/><stop stop-color=\"{}\" offset=\"95%\"/>"
                 "</linearGradient></defs>\n"
                 "<rect x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"url(#background)\"/>\n",
                 escape_xml(page.background_top), escape_xml(page.background_bottom), width,
                 height);
  fmt::format_to(it, "<text id=\"title\" x=\"{}\" y=\"{}\">{}</text>\n", px(width / 2.0),
                 kTitleBaseline, escape_xml(page.title));
  if (!page.subtitle.empty())
    fmt::format_to(it, "<text id=\"subtitle\" x=\"{}\" y=\"{}\">{}</text>\n", px(width / 2.0),
                   kSubtitleBaseline, escape_xml(page.subtitle));
  fmt::format_to(it, "<text id=\"unzoom\" class=\"btn hide\" x=\"{}\" y=\"{}\">Reset Zoom</text>\n",
                 kFlameXPadPx, kTitleBaseline);
  fmt::format_to(it, "<text id=\"search\" class=\"btn\" x=\"{}\" y=\"{}\">Search</text>\n",
                 width - kFlameXPadPx, kTitleBaseline);
  // Left of "Search", clear of "Reset Search" (≈ 85 px).
  fmt::format_to(it, "<text id=\"ignorecase\" class=\"btn\" x=\"{}\" y=\"{}\">ic</text>\n",
                 width - kFlameXPadPx - 100, kTitleBaseline);
  fmt::format_to(it, "<text id=\"details\" x=\"{}\" y=\"{}\"> </text>\n", kFlameXPadPx, details_y);
  fmt::format_to(it, "<text id=\"matched\" x=\"{}\" y=\"{}\"> </text>\n", width - kFlameXPadPx,
                 details_y);

  out += "<g id=\"frames\">\n";
  for (const auto& f : frames) {
    const double x = kFlameXPadPx + static_cast<double>(f.x) * scale;
    const double w = static_cast<double>(f.width) * scale;
    const double y = frames_bottom - (f.depth + 1.0) * kFlameFrameHeightPx;
    std::string tooltip = escape_xml(f.name);
    for (const auto& line : f.details) {
      tooltip += '\n';
      tooltip += escape_xml(line);
    }
    fmt::format_to(it,
                   "<g class=\"fr{}\" data-x=\"{}\" data-w=\"{}\" data-d=\"{}\"><title>{}</title>"
                   "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"2\" fill=\"{}\"/>",
                   std::string(f.inlined ? " inl" : "") + (is_dark(f.fill) ? " dk" : ""), f.x,
                   f.width, f.depth, tooltip, px(x), px(y), px(w), kFlameFrameHeightPx - 1,
                   escape_xml(f.fill));
    if (const std::string label = fit_label(f.name, w); !label.empty())
      fmt::format_to(it, "<text x=\"{}\" y=\"{}\">{}</text>", px(x + 3), px(y + kLabelBaseline),
                     escape_xml(label));
    out += "</g>\n";
  }
  out += "</g>\n";

  const auto max_note_chars = static_cast<std::size_t>(span / (kFlameFontPx * kFlameCharWidth));
  for (std::size_t i = 0; i < page.notes.size(); ++i) {
    const auto& note = page.notes[i];
    std::string text = note.text;
    const std::size_t length = utf8_length(text);
    if (length > max_note_chars && note.keep_prefix != std::string::npos &&
        note.keep_prefix + 2 < max_note_chars) {
      const std::string_view head = utf8_prefix(text, note.keep_prefix);
      const std::string_view tail = std::string_view(text).substr(
          utf8_prefix(text, length - (max_note_chars - note.keep_prefix - 1)).size());
      text = std::string(head) + "…" + std::string(tail);
    } else if (length > max_note_chars) {
      text = std::string(utf8_prefix(text, max_note_chars - 3)) + "...";
    }
    fmt::format_to(it, "<text class=\"note\" x=\"{}\" y=\"{}\">", kFlameXPadPx,
                   details_y + (i + 1) * kNoteLinePx);
    if (!note.tooltip.empty()) fmt::format_to(it, "<title>{}</title>", escape_xml(note.tooltip));
    fmt::format_to(it, "{}</text>\n", escape_xml(text));
  }
  out += "</svg>\n";
  return out;
}

}  // namespace perfgate::reporters
