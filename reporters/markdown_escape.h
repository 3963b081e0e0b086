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

}  // namespace perfgate::reporters
