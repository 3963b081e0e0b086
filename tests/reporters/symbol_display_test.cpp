#include "reporters/symbol_display.h"

#include <gtest/gtest.h>

namespace perfgate::reporters {
namespace {

TEST(ShortFunctionName, CollapsesLongBracketGroupsOnly) {
  EXPECT_EQ(short_function_name("perfgate::workloads::sketches::StreamSketches::ingest(std::span<std::basic_string_view<"
                                "char, std::char_traits<char> > const, 18446744073709551615ul>, unsigned int)"),
            "perfgate::workloads::sketches::StreamSketches::ingest(…)");
  EXPECT_EQ(short_function_name("std::_Function_handler<perfgate::gate::ExitCode (), perfgate::cli::add_workloads_"
                                "command(CLI::App&)::{lambda()#1}>::_M_invoke(std::_Any_data const&)"),
            "std::_Function_handler<…>::_M_invoke(std::_Any_data const&)");
  EXPECT_EQ(short_function_name("perfgate::workloads::harness::Rng::next()"), "perfgate::workloads::harness::Rng::next()");
  EXPECT_EQ(short_function_name("XXH3_128bits"), "XXH3_128bits");
}

TEST(ShortFunctionName, OperatorsAndUnpairedBracketsAreNeverCutWrongly) {
  EXPECT_EQ(short_function_name("bool std::operator<<char, std::char_traits<char>, std::allocator<char> >(a, b)"),
            "bool std::operator<<char, std::char_traits<char>, std::allocator<char> >(a, b)");
  EXPECT_EQ(short_function_name("Foo::operator->() const"), "Foo::operator->() const");
  // Hostile or truncated names come back unchanged.
  EXPECT_EQ(short_function_name("operator|<img src=x onerror=alert(1)>"), "operator|<img src=x onerror=alert(1)>");
  EXPECT_EQ(short_function_name("broken(<unclosed"), "broken(<unclosed");
  EXPECT_EQ(short_function_name("f(int>"), "f(int>");
}

TEST(ShortFunctionName, TheLimitIsOnTheGroupsContents) {
  EXPECT_EQ(short_function_name("f(abcd)", 4), "f(abcd)");
  EXPECT_EQ(short_function_name("f(abcde)", 4), "f(…)");
  EXPECT_EQ(short_function_name("a<xxxxxxxx>::b(yyyyyyyy)", 4), "a<…>::b(…)");
}

}  // namespace
}  // namespace perfgate::reporters
