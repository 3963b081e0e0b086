#include "reporters/flamegraph.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "reporters/flame_svg.h"
#include "tests/reporters/svg_frames.h"

namespace perfgate::reporters {
namespace {

using testing::find_frame;
using testing::make_profile;
using testing::parse_frames;

std::size_t count(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (auto pos = haystack.find(needle); pos != std::string::npos;
       pos = haystack.find(needle, pos + 1))
    ++n;
  return n;
}

TEST(Flamegraph, FrameWidthsAreProportionalToCounts) {
  const auto svg =
      render_flamegraph(make_profile({{"main;a;x", 20}, {"main;a", 10}, {"main;b", 10}}));
  const auto frames = parse_frames(svg);
  ASSERT_EQ(frames.size(), 5u) << svg;
  const auto* all = find_frame(frames, "all");
  const auto* a = find_frame(frames, "a");
  const auto* b = find_frame(frames, "b");
  const auto* x = find_frame(frames, "x");
  ASSERT_TRUE(all && a && b && x);
  EXPECT_EQ(all->w, 40u);
  EXPECT_EQ(a->w, 30u);
  EXPECT_EQ(b->w, 10u);
  EXPECT_EQ(x->w, 20u);
  // 1180 px between the 10 px pads: a = 30/40 of it, b follows a.
  EXPECT_NEAR(all->rect_w, 1180.0, 0.01);
  EXPECT_NEAR(a->rect_w, 885.0, 0.01);
  EXPECT_NEAR(b->rect_w, 295.0, 0.01);
  EXPECT_NEAR(a->rect_x, 10.0, 0.01);
  EXPECT_NEAR(b->rect_x, 895.0, 0.01);
  EXPECT_EQ(b->x, 30u);
  EXPECT_EQ(x->depth, 3u);
  EXPECT_NE(a->tooltip.find("30 samples (75.00%)"), std::string::npos) << a->tooltip;
  EXPECT_NE(a->tooltip.find("self: 10 samples (25.00%)"), std::string::npos) << a->tooltip;
}

TEST(Flamegraph, SameProfileGivesTheSameBytesWhateverTheInputOrder) {
  const auto p1 = make_profile({{"main;zeta", 5}, {"main;alpha;beta", 7}, {"init", 1}});
  const auto p2 = make_profile({{"init", 1}, {"main;alpha;beta", 7}, {"main;zeta", 5}});
  const auto svg = render_flamegraph(p1);
  EXPECT_EQ(svg, render_flamegraph(p1));
  EXPECT_EQ(svg, render_flamegraph(p2));
  // Children left to right in name order.
  const auto frames = parse_frames(svg);
  EXPECT_LT(find_frame(frames, "alpha")->x, find_frame(frames, "zeta")->x);
  EXPECT_LT(find_frame(frames, "init")->x, find_frame(frames, "main")->x);
}

TEST(Flamegraph, IsSelfContained) {
  const auto svg = render_flamegraph(make_profile({{"main;work", 3}}));
  // The only URL is the SVG namespace (on the root, and in the script that
  // creates labels); nothing is linked or loaded.
  EXPECT_EQ(count(svg, "http"), count(svg, "\"http://www.w3.org/2000/svg\""));
  EXPECT_EQ(count(svg, "xmlns=\"http://www.w3.org/2000/svg\""), 1u);
  EXPECT_EQ(svg.find("href"), std::string::npos);
  EXPECT_EQ(svg.find("<image"), std::string::npos);
  EXPECT_EQ(svg.find("@import"), std::string::npos);
  EXPECT_EQ(svg.find("<script src"), std::string::npos);
}

TEST(Flamegraph, ColourIsAHashOfTheFunctionNameAcrossGraphs) {
  const auto f1 = parse_frames(render_flamegraph(make_profile({{"main;work", 3}})));
  const auto f2 =
      parse_frames(render_flamegraph(make_profile({{"other;deeper;work", 9}, {"x", 1}})));
  EXPECT_EQ(find_frame(f1, "work")->fill, find_frame(f2, "work")->fill);
  EXPECT_NE(find_frame(f1, "work")->fill, find_frame(f1, "main")->fill);
  // Hot palette: red dominant.
  for (const auto& f : f1) EXPECT_GE(f.r, 205) << f.name << " " << f.fill;
}

TEST(Flamegraph, PrunesFramesNarrowerThanTheMinimumWidth) {
  const auto p = make_profile({{"main;big", 9990}, {"main;tiny;deeper", 10}});
  const auto pruned = render_flamegraph(p, {.min_width_percent = 0.5});
  const auto frames = parse_frames(pruned);
  EXPECT_EQ(find_frame(frames, "tiny"), nullptr);
  EXPECT_EQ(find_frame(frames, "deeper"), nullptr);
  // The pruned weight still counts in the parent.
  EXPECT_EQ(find_frame(frames, "main")->w, 10000u);
  EXPECT_NE(pruned.find("1 frame narrower than 0.5% of the total not drawn"), std::string::npos);
  const auto kept = parse_frames(render_flamegraph(p, {.min_width_percent = 0}));
  ASSERT_NE(find_frame(kept, "deeper"), nullptr);
  EXPECT_EQ(find_frame(kept, "deeper")->w, 10u);
}

TEST(Flamegraph, HundredThousandUniqueStacksRenderQuicklyToABoundedSize) {
  profiler::Profile p;
  std::vector<std::uint32_t> roots, mids;
  for (int i = 0; i < 10; ++i)
    roots.push_back(p.intern({.function = fmt::format("service_{}", i)}));
  for (int i = 0; i < 50; ++i) mids.push_back(p.intern({.function = fmt::format("handler_{}", i)}));
  for (int i = 0; i < 100'000; ++i) {
    const std::uint32_t leaf = p.intern({.function = fmt::format("leaf_function_{}", i)});
    const std::uint32_t stack[] = {roots[i % 10], mids[(i / 10) % 50], leaf};
    p.add(stack, 1 + static_cast<std::uint64_t>(i % 7));
  }
  const auto start = std::chrono::steady_clock::now();
  const auto svg = render_flamegraph(p);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const auto frames = parse_frames(svg);
  // 0.1 % minimum: at most 1000 frames per level, 4 levels; every leaf (< 0.001 %) pruned.
  EXPECT_LE(frames.size(), 4000u);
  EXPECT_EQ(frames.size(), 1u + 10u + 500u);  // all, services, service×handler pairs (0.2 % each)
  EXPECT_LT(svg.size(), 2'000'000u);
  EXPECT_NE(svg.find("100,000 frames narrower than 0.1%"), std::string::npos);
  // The benchmark holds the ≤ 1 s figure; this only catches a blow-up (shared CI machines).
  EXPECT_LT(seconds, 10.0);
}

TEST(Flamegraph, HostileNamesAreTextNotMarkup) {
  const std::string img = "operator|<img src=x onerror=alert(1)>";
  const std::string script = "</script><script>alert(1)</script>";
  const std::string cdata_end = "x]]>y";
  auto p = make_profile({{"main;" + img, 5}, {"main;" + script, 5}, {"main;" + cdata_end, 5}});
  const auto svg =
      render_flamegraph(p, {.title = "<svg onload=alert(2)>", .subtitle = "a & b </text>"});
  EXPECT_EQ(svg.find("<img"), std::string::npos);
  EXPECT_EQ(count(svg, "<script"), 1u);    // ours
  EXPECT_EQ(count(svg, "]]>"), 2u);        // the ends of the style and script CDATA sections
  EXPECT_EQ(count(svg, "onload=\""), 1u);  // the root's init; the hostile title's is text
  EXPECT_EQ(svg.find("<svg onload"), std::string::npos);
  const auto frames = parse_frames(svg);
  EXPECT_NE(find_frame(frames, "operator|&lt;img src=x onerror=alert(1)&gt;"), nullptr);
  EXPECT_NE(find_frame(frames, "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"), nullptr);
  EXPECT_NE(find_frame(frames, "x]]&gt;y"), nullptr);
  // Names never reach the script.
  const auto script_start = svg.find("<script");
  const auto script_end = svg.find("</script>", script_start);
  EXPECT_EQ(svg.substr(script_start, script_end - script_start).find("alert"), std::string::npos);
}

// An independent XML parser (Python's) must load the document and see the
// hostile names as text: no <img>, one <script>, no on* handler but ours.
TEST(Flamegraph, HostileDocumentParsesAsXmlWithTheNamesAsText) {
  if (std::system("python3 -c 'import xml.etree.ElementTree' >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "python3 is missing (scripts/bootstrap installs it)";
  const std::vector<std::string> names = {"operator|<img src=x onerror=alert(1)>",
                                          "</script><script>alert(1)</script>", "a]]>b&c\"d'e"};
  std::vector<std::pair<std::string, std::uint64_t>> stacks;
  for (const auto& n : names) stacks.push_back({"main;" + n, 3});
  stacks.push_back({"main;bad\xFFutf8\x01", 3});
  const auto dir = std::filesystem::path(PERFGATE_BINARY_DIR) / "test-output" / "reporters";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "hostile.svg")
      << render_flamegraph(make_profile(stacks), {.title = "<b>t</b>"});
  {
    std::ofstream names_file(dir / "hostile.names");
    for (const auto& n : names) names_file << n << '\n';
  }
  std::ofstream(dir / "check.py") << R"py(
import sys, xml.etree.ElementTree as ET
ns = '{http://www.w3.org/2000/svg}'
root = ET.parse(sys.argv[1]).getroot()
elements = list(root.iter())
assert len(list(root.iter(ns + 'script'))) == 1, 'scripts'
assert not any(e.tag.endswith('img') or e.tag.endswith('}b') for e in elements), 'markup'
handlers = [(e.tag, k) for e in elements for k in e.attrib if k.lower().startswith('on')]
assert handlers == [(ns + 'svg', 'onload')], handlers
firsts = set((e.text or '').split('\n')[0] for e in root.iter(ns + 'title'))
for name in open(sys.argv[2], encoding='utf-8').read().splitlines():
    assert name in firsts, name
assert 'bad\ufffdutf8\ufffd' in firsts, firsts
assert '<b>t</b>' in firsts
)py";
  const std::string cmd =
      fmt::format("python3 '{}' '{}' '{}'", (dir / "check.py").string(),
                  (dir / "hostile.svg").string(), (dir / "hostile.names").string());
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
}

TEST(Flamegraph, OffCpuUsesColdColoursAndTimeBlocked) {
  const auto p = make_profile({{"worker;futex_wait", 2'500'000}, {"worker;read", 500'000}},
                              profiler::Mode::offcpu);
  const auto svg = render_flamegraph(p);
  EXPECT_NE(svg.find("<title>Off-CPU Time Flame Graph</title>"), std::string::npos);
  const auto frames = parse_frames(svg);
  ASSERT_EQ(frames.size(), 4u);
  for (const auto& f : frames) {
    EXPECT_GT(f.b, f.r) << f.name << " " << f.fill;
    EXPECT_GT(f.b, f.g) << f.name << " " << f.fill;
  }
  EXPECT_NE(find_frame(frames, "futex_wait")->tooltip.find("2.500 ms blocked (83.33%)"),
            std::string::npos)
      << find_frame(frames, "futex_wait")->tooltip;
  EXPECT_EQ(svg.find("samples"), std::string::npos);
}

TEST(Flamegraph, InlinedAndKernelFramesAreShownDistinctly) {
  profiler::Profile p;
  const auto main_id = p.intern({.function = "main", .module = "app"});
  const auto inl = p.intern({.function = "hash_mix", .module = "app", .inlined = true});
  const auto k = p.intern({.function = "do_syscall_64",
                           .module = "[kernel.kallsyms]",
                           .kind = profiler::FrameKind::kernel});
  const std::uint32_t s1[] = {main_id, inl};
  const std::uint32_t s2[] = {main_id, k};
  p.add(s1, 6);
  p.add(s2, 4);
  const auto frames = parse_frames(render_flamegraph(p));
  const auto* fi = find_frame(frames, "hash_mix");
  const auto* fk = find_frame(frames, "do_syscall_64");
  const auto* fm = find_frame(frames, "main");
  ASSERT_TRUE(fi && fk && fm);
  EXPECT_EQ(fi->classes, "fr inl");
  EXPECT_EQ(fm->classes, "fr");
  EXPECT_NE(fi->tooltip.find("inlined"), std::string::npos);
  EXPECT_LT(fi->r, fi->g);  // aqua, not the hot palette
  EXPECT_EQ(fk->b, 0);      // orange kernel frames
  EXPECT_NE(fk->tooltip.find("module: [kernel.kallsyms]"), std::string::npos);
  EXPECT_NE(fm->tooltip.find("module: app\n10 samples (100.00%)"), std::string::npos)
      << fm->tooltip;
}

TEST(Flamegraph, LabelsAreTruncatedToTheFrameWidth) {
  EXPECT_EQ(fit_label("short", 200), "short");
  EXPECT_EQ(fit_label("a_rather_long_function_name", 60), "a_rat..");  // (60-6)/7.08 -> 7 chars
  EXPECT_EQ(fit_label("abcdef", 20), "");
  const auto svg = render_flamegraph(
      make_profile({{"main;a_rather_long_function_name_that_cannot_fit", 5}, {"main;b", 95}}));
  EXPECT_NE(svg.find(">a_rat..</text>"), std::string::npos);  // 59 px wide
}

TEST(Flamegraph, MatchesTheGoldenFile) {
  profiler::Profile p;
  const auto m = p.intern({.function = "main", .module = "app"});
  const auto parse = p.intern({.function = "parse", .module = "app"});
  const auto lex = p.intern({.function = "lex", .module = "app", .inlined = true});
  const auto write = p.intern({.function = "write", .module = "libc.so.6"});
  const auto sys = p.intern({.function = "ksys_write",
                             .module = "[kernel.kallsyms]",
                             .kind = profiler::FrameKind::kernel});
  const std::uint32_t a[] = {m, parse, lex}, b[] = {m, parse}, c[] = {m, write, sys}, d[] = {m};
  p.add(a, 40);
  p.add(b, 25);
  p.add(c, 30);
  p.add(d, 5);
  const auto svg = render_flamegraph(p, {.subtitle = "golden"});
  const auto path =
      std::filesystem::path(PERFGATE_SOURCE_DIR) / "tests/reporters/golden/flamegraph.svg";
  if (std::getenv("PERFGATE_UPDATE_GOLDEN")) std::ofstream(path, std::ios::binary) << svg;
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << "missing " << path << " (PERFGATE_UPDATE_GOLDEN=1 writes it)";
  std::stringstream golden;
  golden << in.rdbuf();
  EXPECT_EQ(svg, golden.str())
      << "re-run with PERFGATE_UPDATE_GOLDEN=1 if the change is intended, then review the diff";
}

}  // namespace
}  // namespace perfgate::reporters
