#include "reporters/xml_escape.h"

#include <gtest/gtest.h>

namespace perfgate::reporters {
namespace {

TEST(XmlEscape, EscapesTheFiveSpecialCharacters) {
  EXPECT_EQ(escape_xml(R"(a<b>&"c'd)"), "a&lt;b&gt;&amp;&quot;c&#39;d");
  EXPECT_EQ(escape_xml("</script><script>alert(1)</script>"),
            "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;");
}

TEST(XmlEscape, ReplacesControlCharactersAndInvalidUtf8) {
  EXPECT_EQ(escape_xml("a\nb\x01"
                       "c"),
            "a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD"
            "c");
  EXPECT_EQ(escape_xml("x\xFFy"), "x\xEF\xBF\xBDy");
  EXPECT_EQ(escape_xml("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");                  // overlong '/'
  EXPECT_EQ(escape_xml("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a surrogate
  EXPECT_EQ(escape_xml("\xE2\x82"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // truncated sequence
}

TEST(XmlEscape, KeepsValidMultibyteText) {
  EXPECT_EQ(escape_xml("µs → 日本 🔥"), "µs → 日本 🔥");
}

TEST(XmlEscape, CdataCannotBeClosedFromInside) {
  EXPECT_EQ(cdata("x"), "<![CDATA[x]]>");
  EXPECT_EQ(cdata("a]]>b"), "<![CDATA[a]]]]><![CDATA[>b]]>");
}

TEST(XmlEscape, Utf8PrefixNeverSplitsACharacter) {
  EXPECT_EQ(utf8_length("aµ日🔥"), 4u);
  EXPECT_EQ(utf8_prefix("aµ日🔥", 2), "aµ");
  EXPECT_EQ(utf8_prefix("aµ日🔥", 3), "aµ日");
  EXPECT_EQ(utf8_prefix("ab", 5), "ab");
}

}  // namespace
}  // namespace perfgate::reporters
