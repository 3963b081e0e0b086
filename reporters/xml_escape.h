#pragma once
// Escaping for SVG/XML documents (DESIGN §9). Symbol names come from the
// profiled binaries, so they are hostile input: `operator|<img onerror=…>` or
// `</script><script>…` must stay text. The SVG is parsed as XML, where
// escaping the five special characters is enough to keep text out of markup.
// Bytes that XML 1.0 forbids (C0 controls, invalid UTF-8) would make the whole
// document fail to load, so they become U+FFFD instead.

#include <string>
#include <string_view>

namespace perfgate::reporters {

// For element text and attribute values (quotes are escaped too). Every
// control character, newline and tab included, becomes U+FFFD, so a name is
// always one line (the flame graph's script relies on that).
std::string escape_xml(std::string_view text);

// Wraps text in <![CDATA[ … ]]>, splitting any "]]>" inside so it cannot end
// the section early.
std::string cdata(std::string_view text);

// Number of code points in valid UTF-8 (what the label truncation counts).
std::size_t utf8_length(std::string_view text);
// The first n code points of text.
std::string_view utf8_prefix(std::string_view text, std::size_t n);

}  // namespace perfgate::reporters
