#pragma once
// Escaping of outside strings (benchmark names, symbols, paths, error
// messages) for GitHub-flavoured Markdown table cells and inline text
// (DESIGN §9): HTML special characters become entities, Markdown punctuation
// is backslash-escaped, pipes cannot split a table cell, newlines cannot end
// a row, and @mentions / #123 references are defused with a zero-width joiner
// so GitHub does not link or notify.

#include <string>
#include <string_view>

namespace perfgate::reporters {

std::string escape_markdown(std::string_view text);

// escape_markdown(text), or "unknown" when text is empty: a machine's
// description that its source did not give (imported Google Benchmark
// output names no CPU model or kernel).
std::string escape_markdown_or_unknown(std::string_view text);

// Monospace for an outside string. Not a backtick code span: inside one,
// Markdown shows backslash escapes and entities literally ("&amp;lt;"), and
// an unescaped string could close the span. <code> keeps the escaped text
// rendering as the original characters.
std::string markdown_code(std::string_view text);

}  // namespace perfgate::reporters
