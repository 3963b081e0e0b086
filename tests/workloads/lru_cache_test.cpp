#include "workloads/lru/lru_cache.h"

#include <gtest/gtest.h>

#include <list>
#include <unordered_map>
#include <vector>

#include "workloads/harness/rng.h"

namespace perfgate::workloads::lru {
namespace {

std::vector<std::uint64_t> keys_mru_to_lru(const LruCache<int>& c) {
  std::vector<std::uint64_t> v;
  c.for_each_mru_to_lru([&](std::uint64_t k) { v.push_back(k); });
  return v;
}

TEST(LruCache, RejectsZeroCapacity) { EXPECT_FALSE(LruCache<int>::create(0).has_value()); }

TEST(LruCache, EvictsLeastRecentlyUsedEntry) {
  auto c = LruCache<int>::create(3).value();
  c.put(1, 10);
  c.put(2, 20);
  c.put(3, 30);
  ASSERT_NE(c.get(1), nullptr);  // 2 is now the least recently used
  const auto evicted = c.put(4, 40);
  ASSERT_TRUE(evicted.has_value());
  EXPECT_EQ(*evicted, 2u);
  EXPECT_FALSE(c.contains(2));
  EXPECT_EQ(*c.get(1), 10);
  EXPECT_EQ(keys_mru_to_lru(c), (std::vector<std::uint64_t>{1, 4, 3}));
}

TEST(LruCache, ReplacingAValueDoesNotEvict) {
  auto c = LruCache<int>::create(2).value();
  c.put(1, 10);
  c.put(2, 20);
  EXPECT_FALSE(c.put(1, 11).has_value());
  EXPECT_EQ(c.size(), 2u);
  EXPECT_EQ(*c.get(1), 11);
}

// Random operations against a reference model (std::list + map, the textbook
// LRU), for both eviction policies: same hits, same victims, same order, and
// the size never exceeds the capacity (seed 003's bug).
void check_against_reference(Eviction eviction) {
  constexpr std::size_t kCap = 64;
  auto c = LruCache<int>::create(kCap, eviction).value();
  std::list<std::uint64_t> ref;  // front = most recent
  std::unordered_map<std::uint64_t, std::pair<int, std::list<std::uint64_t>::iterator>> ref_index;
  harness::Rng rng(7);
  for (int i = 0; i < 20000; ++i) {
    // Small key universe so that hits, misses and evictions all happen;
    // multiplied so that keys collide in the index's low bits.
    const std::uint64_t key = rng.below(200) * 4096;
    const bool is_get = rng.below(2) == 0;
    if (is_get) {
      int* v = c.get(key);
      auto it = ref_index.find(key);
      ASSERT_EQ(v != nullptr, it != ref_index.end()) << "op " << i;
      if (v) {
        ASSERT_EQ(*v, it->second.first);
        ref.splice(ref.begin(), ref, it->second.second);
      }
    } else {
      const auto evicted = c.put(key, i);
      std::optional<std::uint64_t> ref_evicted;
      if (auto it = ref_index.find(key); it != ref_index.end()) {
        it->second.first = i;
        ref.splice(ref.begin(), ref, it->second.second);
      } else {
        if (ref.size() == kCap) {
          ref_evicted = ref.back();
          ref_index.erase(ref.back());
          ref.pop_back();
        }
        ref.push_front(key);
        ref_index[key] = {i, ref.begin()};
      }
      ASSERT_EQ(evicted, ref_evicted) << "op " << i;
    }
    ASSERT_LE(c.size(), kCap);
    if (i % 1000 == 0) {
      ASSERT_EQ(keys_mru_to_lru(c), std::vector<std::uint64_t>(ref.begin(), ref.end()));
      const auto bad = c.check_order();
      ASSERT_FALSE(bad.has_value()) << *bad;
    }
  }
  EXPECT_EQ(c.size(), kCap);
}

TEST(LruCache, MatchesReferenceModelWithListEviction) { check_against_reference(Eviction::list_tail); }

TEST(LruCache, MatchesReferenceModelWithLinearScanEviction) {
  check_against_reference(Eviction::linear_scan);
}

TEST(LruCache, NeverExceedsCapacityUnderChurn) {
  auto c = LruCache<int>::create(100).value();
  for (std::uint64_t k = 0; k < 10000; ++k) {
    c.put(k, 0);
    ASSERT_LE(c.size(), 100u);
  }
  EXPECT_EQ(c.size(), 100u);
  EXPECT_TRUE(c.contains(9999));
  EXPECT_FALSE(c.contains(9899));
  EXPECT_FALSE(c.check_order().has_value());
}

}  // namespace
}  // namespace perfgate::workloads::lru
