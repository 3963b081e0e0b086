#include "reporters/markdown_escape.h"

#include <gtest/gtest.h>

namespace perfgate::reporters {
namespace {

TEST(MarkdownEscape, HostileSymbolCannotBreakATableOrInjectMarkup) {
  const std::string s = escape_markdown("operator|<img src=x onerror=alert(1)>");
  EXPECT_EQ(s.find('|'), std::string::npos);
  EXPECT_EQ(s.find('<'), std::string::npos);
  EXPECT_EQ(s.find('>'), std::string::npos);
  EXPECT_NE(s.find("&#124;"), std::string::npos);
  EXPECT_NE(s.find("&lt;img"), std::string::npos);
}

TEST(MarkdownEscape, MentionsAndIssueReferencesAreDefused) {
  const std::string s = escape_markdown("@octocat fixes #123");
  EXPECT_EQ(s.find("@octocat"), std::string::npos);
  EXPECT_EQ(s.find("#123"), std::string::npos);
  EXPECT_NE(s.find("octocat"), std::string::npos) << "the text stays readable";
}

TEST(MarkdownEscape, NewlinesCannotEndATableRow) {
  EXPECT_EQ(escape_markdown("a\nb\r\nc").find('\n'), std::string::npos);
}

TEST(MarkdownEscape, EmphasisAndLinksAreLiteral) {
  EXPECT_EQ(escape_markdown("*x* [a](b) `c`"), "\\*x\\* \\[a\\]\\(b\\) \\`c\\`");
}

}  // namespace
}  // namespace perfgate::reporters
