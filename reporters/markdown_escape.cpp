#include "reporters/markdown_escape.h"

namespace perfgate::reporters {

std::string escape_markdown(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '|': out += "&#124;"; break;
      case '\n': case '\r': out += ' '; break;
      // U+2060 WORD JOINER after @ and # keeps them visible but stops GitHub
      // from turning them into mentions and issue links.
      case '@': out += "@\u2060"; break;
      case '#': out += "#\u2060"; break;
      case '\\': case '`': case '*': case '_': case '[': case ']': case '(': case ')':
      case '~': case '!':
        out += '\\';
        out += c;
        break;
      default: out += c;
    }
  }
  return out;
}

std::string escape_markdown_or_unknown(std::string_view text) {
  return text.empty() ? std::string("unknown") : escape_markdown(text);
}

std::string markdown_code(std::string_view text) { return "<code>" + escape_markdown(text) + "</code>"; }

}  // namespace perfgate::reporters
