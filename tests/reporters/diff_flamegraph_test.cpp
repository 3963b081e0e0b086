#include "reporters/diff_flamegraph.h"

#include <gtest/gtest.h>

#include "reporters/flame_palette.h"
#include "tests/reporters/svg_frames.h"

namespace perfgate::reporters {
namespace {

using testing::find_frame;
using testing::make_profile;
using testing::parse_frames;

TEST(DiffFlamegraph, GrownIsRedShrunkIsBlueUnchangedIsNeutral) {
  const auto base = make_profile({{"main;grow", 50}, {"main;shrink", 30}, {"main;same", 20}});
  const auto head = make_profile({{"main;grow", 70}, {"main;shrink", 10}, {"main;same", 20}});
  const auto frames = parse_frames(render_diff_flamegraph(base, head).svg);
  const auto* grow = find_frame(frames, "grow");
  const auto* shrink = find_frame(frames, "shrink");
  const auto* same = find_frame(frames, "same");
  const auto* main_frame = find_frame(frames, "main");
  ASSERT_TRUE(grow && shrink && same && main_frame);
  EXPECT_EQ(grow->r, 255);
  EXPECT_LT(grow->g, 100) << grow->fill;  // the largest change: deep red
  EXPECT_EQ(shrink->b, 255);
  EXPECT_LT(shrink->r, 100) << shrink->fill;  // as large a change: deep blue
  EXPECT_EQ(same->fill, kDiffNeutralFill);
  EXPECT_EQ(main_frame->fill, kDiffNeutralFill);  // no self weight on either side
  // Widths are head's.
  EXPECT_EQ(grow->w, 70u);
  EXPECT_EQ(shrink->w, 10u);
}

TEST(DiffFlamegraph, IntensityFollowsTheSizeOfTheChange) {
  const auto base = make_profile({{"big", 50}, {"small", 25}, {"rest", 25}});
  const auto head2 =
      make_profile({{"big", 60}, {"small", 30}, {"rest", 10}});  // big +10, small +5, rest -15
  const auto f = parse_frames(render_diff_flamegraph(base, head2).svg);
  const auto* big = find_frame(f, "big");
  const auto* small = find_frame(f, "small");
  ASSERT_TRUE(big && small);
  EXPECT_EQ(small->r, 255);
  EXPECT_GT(small->g, big->g);  // +5 pp is paler red than +10 pp
}

TEST(DiffFlamegraph, EachSideIsNormalizedToItsTotal) {
  // Head ran ten times longer with the same shape: nothing changed.
  const auto base = make_profile({{"main;a", 30}, {"main;b", 70}});
  const auto head = make_profile({{"main;a", 300}, {"main;b", 700}});
  const auto diff = render_diff_flamegraph(base, head);
  for (const auto& f : parse_frames(diff.svg)) {
    EXPECT_EQ(f.fill, kDiffNeutralFill) << f.name;
    EXPECT_NE(f.tooltip.find("change: +0.00 pp (self +0.00 pp)"), std::string::npos) << f.tooltip;
  }
  EXPECT_TRUE(diff.vanished.empty());
}

TEST(DiffFlamegraph, TooltipsCarryBothCountsAndTheChange) {
  const auto base = make_profile({{"main;a", 25}, {"main;b", 75}});
  const auto head = make_profile({{"main;a", 100}, {"main;b", 100}});
  const auto frames = parse_frames(render_diff_flamegraph(base, head).svg);
  const auto* a = find_frame(frames, "a");
  ASSERT_NE(a, nullptr);
  EXPECT_NE(a->tooltip.find("base: 25 samples (25.00%)\nhead: 100 samples (50.00%)\nchange: +25.00 "
                            "pp (self +25.00 pp)"),
            std::string::npos)
      << a->tooltip;
}

TEST(DiffFlamegraph, PathsNewInHeadAreRed) {
  const auto base = make_profile({{"main;old", 10}});
  const auto head = make_profile({{"main;old", 10}, {"main;fresh", 10}});
  const auto frames = parse_frames(render_diff_flamegraph(base, head).svg);
  const auto* fresh = find_frame(frames, "fresh");
  ASSERT_NE(fresh, nullptr);
  EXPECT_EQ(fresh->r, 255);
  EXPECT_NE(fresh->tooltip.find("base: 0 samples (0.00%)"), std::string::npos);
}

TEST(DiffFlamegraph, VanishedPathsAreReturnedAndListedUnderTheGraph) {
  const auto base = make_profile(
      {{"main;a", 60}, {"main;legacy;step1", 25}, {"main;legacy;step2", 5}, {"gc", 10}});
  const auto head = make_profile({{"main;a", 100}});
  const auto diff = render_diff_flamegraph(base, head);
  ASSERT_EQ(diff.vanished.size(), 2u);
  // Only the topmost vanished frame of a subtree, largest first.
  EXPECT_EQ(diff.vanished[0].path, "main;legacy");
  EXPECT_EQ(diff.vanished[0].base_weight, 30u);
  EXPECT_DOUBLE_EQ(diff.vanished[0].base_percent, 30.0);
  EXPECT_EQ(diff.vanished[1].path, "gc");
  const auto frames = parse_frames(diff.svg);
  EXPECT_EQ(find_frame(frames, "legacy"), nullptr);  // not drawn: head has no such path
  EXPECT_NE(diff.svg.find("Vanished in head (2 paths, share of base):"), std::string::npos);
  EXPECT_NE(diff.svg.find("  30.00%  main;legacy</text>"), std::string::npos) << diff.svg;
  EXPECT_NE(diff.svg.find("<title>main;legacy (30 samples) in base, none in head</title>"),
            std::string::npos);
}

TEST(DiffFlamegraph, NegatedViewDrawsBaseSoVanishedPathsShowInBlue) {
  const auto base = make_profile({{"main;a", 60}, {"main;legacy;step", 40}});
  const auto head = make_profile({{"main;a", 90}, {"main;fresh", 10}});
  const auto diff = render_diff_flamegraph(base, head, {.diff_draw_base = true});
  const auto frames = parse_frames(diff.svg);
  const auto* step = find_frame(frames, "step");
  ASSERT_NE(step, nullptr);
  EXPECT_EQ(step->w, 40u);  // base's weights
  EXPECT_EQ(step->b, 255);
  EXPECT_LT(step->r, 100) << step->fill;
  EXPECT_EQ(step->classes, "fr dk");                // white label on deep blue
  EXPECT_EQ(find_frame(frames, "fresh"), nullptr);  // only in head
  EXPECT_EQ(find_frame(frames, "a")->r, 255);       // grew from 60 % to 90 %
  EXPECT_NE(diff.svg.find("Width: base."), std::string::npos);
  EXPECT_EQ(diff.vanished.size(), 1u);
}

TEST(DiffFlamegraph, LongVanishedListsAreCappedWithACount) {
  std::vector<std::pair<std::string, std::uint64_t>> stacks{{"keep", 100}};
  for (int i = 0; i < 30; ++i) stacks.push_back({"gone_" + std::to_string(100 + i), 1});
  const auto diff = render_diff_flamegraph(make_profile(stacks), make_profile({{"keep", 1}}),
                                           {.max_vanished_listed = 5});
  EXPECT_EQ(diff.vanished.size(), 30u);
  EXPECT_NE(diff.svg.find("… and 25 more"), std::string::npos);
  EXPECT_NE(diff.svg.find("gone_104</text>"), std::string::npos);
  EXPECT_EQ(diff.svg.find("gone_105</text>"), std::string::npos);
}

TEST(DiffFlamegraph, LongVanishedPathsKeepTheirLeafVisible) {
  std::string deep = "main";
  for (int i = 0; i < 30; ++i) deep += ";perfgate::workloads::layer_" + std::to_string(i);
  deep += ";the_vanished_leaf";
  const auto diff = render_diff_flamegraph(make_profile({{deep, 10}, {"main;kept", 10}}),
                                           make_profile({{"main;kept", 10}}));
  ASSERT_EQ(diff.vanished.size(), 1u);
  EXPECT_EQ(diff.vanished[0].path,
            "main;perfgate::workloads::layer_0");  // the topmost vanished frame
  const auto diff2 = render_diff_flamegraph(
      make_profile({{deep, 10}, {"main;kept", 10}}),
      make_profile({{"main;kept", 10}, {deep.substr(0, deep.rfind(';')) + ";other", 1}}));
  ASSERT_EQ(diff2.vanished.size(), 1u);
  EXPECT_NE(diff2.svg.find(";the_vanished_leaf</text>"), std::string::npos);
  EXPECT_NE(diff2.svg.find("  50.00%  …"), std::string::npos);
}

TEST(DiffFlamegraph, HostileNamesAreEscapedInFramesAndTheVanishedList) {
  const std::string hostile = "operator|<img src=x onerror=alert(1)>";
  const auto base =
      make_profile({{"main;" + hostile, 10}, {"main;</script><script>alert(1)</script>", 5}});
  const auto head = make_profile({{"main;</script><script>alert(1)</script>", 5}});
  const auto diff = render_diff_flamegraph(base, head);
  EXPECT_EQ(diff.vanished.at(0).path, "main;" + hostile);  // raw in the returned data
  EXPECT_EQ(diff.svg.find("<img"), std::string::npos);
  EXPECT_EQ(diff.svg.find("<script>alert"), std::string::npos);
  EXPECT_NE(diff.svg.find("main;operator|&lt;img src=x onerror=alert(1)&gt;</text>"),
            std::string::npos);
}

TEST(DiffFlamegraph, SameInputsGiveTheSameBytes) {
  const auto base = make_profile({{"main;a;b", 3}, {"main;c", 4}, {"x", 1}});
  const auto head = make_profile({{"main;a;b", 5}, {"main;d", 4}});
  EXPECT_EQ(render_diff_flamegraph(base, head).svg, render_diff_flamegraph(base, head).svg);
}

}  // namespace
}  // namespace perfgate::reporters
