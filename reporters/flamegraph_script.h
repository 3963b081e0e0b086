#pragma once
// The JavaScript embedded in every flame graph SVG (flame_svg.h): hover
// details, click to zoom, reset zoom, search by regular expression (plain
// substring when the term is not a valid one) with highlight and "Matched: x%",
// Ctrl-F/F3 to search, Escape to reset, and "?s=TERM" in the URL to search on
// load. A constant: no outside string is ever put into it; it reads frame
// names from the DOM (<title>'s first line) and writes them with textContent.

#include <string_view>

namespace perfgate::reporters {

std::string_view flamegraph_script();

}  // namespace perfgate::reporters
