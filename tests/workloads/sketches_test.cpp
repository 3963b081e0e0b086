#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "workloads/harness/rng.h"
#include "workloads/sketches/bloom_filter.h"
#include "workloads/sketches/count_min.h"
#include "workloads/sketches/hyperloglog.h"
#include "workloads/sketches/item_hash.h"
#include "workloads/sketches/minhash_lsh.h"

namespace perfgate::workloads::sketches {
namespace {

Hash128 h(std::uint64_t i) {
  return hash_item(std::string_view(reinterpret_cast<const char*>(&i), sizeof i), ItemHash::xxh3);
}

TEST(ItemHash, Sha256VariantIsRealSha256) {
  // SHA-256("abc") = ba7816bf8f01cfea 414140de5dae2223 ..., read little-endian.
  const Hash128 s = hash_item("abc", ItemHash::sha256);
  EXPECT_EQ(s.h1, 0xeacf018fbf1678baULL);
  EXPECT_EQ(s.h2, 0x2322ae5dde404141ULL);
  const Hash128 x = hash_item("abc", ItemHash::xxh3);
  EXPECT_NE(x.h1, s.h1);
  EXPECT_EQ(x.h1, hash_item("abc", ItemHash::xxh3).h1);
  EXPECT_NE(x.h1, hash_item("abd", ItemHash::xxh3).h1);
}

TEST(ItemHash, ReduceCoversTheRangeEvenly) {
  std::vector<int> bins(10, 0);
  for (std::uint64_t i = 0; i < 100'000; ++i) ++bins[reduce(h(i).h1, 10)];
  for (int b : bins) EXPECT_NEAR(b, 10'000, 500);
}

TEST(HyperLogLog, EmptyIsZeroAndDuplicatesDoNotCount) {
  HyperLogLog hll(14);
  EXPECT_EQ(hll.estimate(), 0.0);
  for (int round = 0; round < 10; ++round)
    for (std::uint64_t i = 0; i < 1000; ++i) hll.add(h(i).h1);
  // Linear counting is nearly exact this far below m = 16384.
  EXPECT_NEAR(hll.estimate(), 1000.0, 15.0);
}

TEST(HyperLogLog, LargeCardinalitiesWithinFourStandardErrors) {
  for (std::uint64_t n : {20'000ULL, 100'000ULL, 1'000'000ULL}) {
    HyperLogLog hll(14);
    for (std::uint64_t i = 0; i < n; ++i) hll.add(h(i + (n << 32)).h1);
    const double err = std::abs(hll.estimate() - static_cast<double>(n)) / static_cast<double>(n);
    EXPECT_LT(err, 4 * hll.standard_error()) << n;
  }
  EXPECT_NEAR(HyperLogLog(14).standard_error(), 0.008125, 1e-6);
}

TEST(HyperLogLog, LowPrecisionHasLargerErrorThanHighPrecision) {
  // Averaged over many streams, the error follows 1.04/sqrt(m): a sketch
  // whose rank or index computation is wrong does not.
  double err4 = 0, err14 = 0;
  for (std::uint64_t s = 0; s < 50; ++s) {
    HyperLogLog small(6), large(14);
    for (std::uint64_t i = 0; i < 50'000; ++i) {
      small.add(h(i + (s << 40)).h1);
      large.add(h(i + (s << 40)).h1);
    }
    err4 += std::pow((small.estimate() - 50'000) / 50'000, 2);
    err14 += std::pow((large.estimate() - 50'000) / 50'000, 2);
  }
  const double rse6 = std::sqrt(err4 / 50), rse14 = std::sqrt(err14 / 50);
  EXPECT_NEAR(rse6, 1.04 / 8, 0.05);
  EXPECT_LT(rse14, 0.02);
}

TEST(HyperLogLog, MergeEqualsTheSketchOfTheUnion) {
  HyperLogLog a(14), b(14), all(14);
  for (std::uint64_t i = 0; i < 30'000; ++i) {
    (i % 2 ? a : b).add(h(i).h1);
    all.add(h(i).h1);
  }
  a.merge(b);
  EXPECT_EQ(a.estimate(), all.estimate());
}

TEST(CountMin, NeverUnderestimatesAndIsExactWithoutCollisions) {
  CountMinSketch cms(10'000, 5);
  EXPECT_NEAR(cms.epsilon(), 2.718281828 / 10'000, 1e-9);
  EXPECT_NEAR(cms.delta(), std::exp(-5.0), 1e-12);
  for (std::uint64_t i = 0; i < 10; ++i) cms.add(h(i), static_cast<std::uint32_t>(i + 1));
  for (std::uint64_t i = 0; i < 10; ++i) EXPECT_EQ(cms.estimate(h(i)), i + 1);
  EXPECT_EQ(cms.estimate(h(999)), 0u);
  EXPECT_EQ(cms.total(), 55u);
}

TEST(CountMin, ErrorsStayWithinEpsilonNForAllButDelta) {
  // A heavily loaded sketch: N = 2 M over 200 000 keys with Zipf-like counts.
  CountMinSketch cms(1000, 4);
  std::vector<std::uint32_t> exact(200'000);
  harness::Rng rng(7);
  for (int n = 0; n < 2'000'000; ++n) {
    const std::uint64_t k = rng.below(2) ? rng.below(100) : rng.below(exact.size());
    ++exact[k];
    cms.add(h(k));
  }
  const double slack = cms.epsilon() * static_cast<double>(cms.total());
  int over = 0, under = 0;
  for (std::uint64_t k = 0; k < exact.size(); ++k) {
    const std::uint64_t est = cms.estimate(h(k));
    under += est < exact[k];
    over += static_cast<double>(est - exact[k]) > slack;
  }
  EXPECT_EQ(under, 0);
  EXPECT_LE(over, cms.delta() * exact.size());
}

TEST(BloomFilter, NoFalseNegativesAndFalsePositivesNearTheFormula) {
  BloomFilter bloom(1 << 20, 3);
  EXPECT_FALSE(bloom.may_contain(h(1)));
  EXPECT_EQ(bloom.expected_false_positive_rate(), 0.0);
  for (std::uint64_t i = 0; i < 100'000; ++i) bloom.insert(h(i));
  for (std::uint64_t i = 0; i < 100'000; ++i) ASSERT_TRUE(bloom.may_contain(h(i))) << i;
  int fp = 0;
  for (std::uint64_t i = 1'000'000; i < 1'500'000; ++i) fp += bloom.may_contain(h(i));
  const double rate = fp / 500'000.0;
  EXPECT_NEAR(bloom.expected_false_positive_rate(), 0.01542, 0.0002);
  EXPECT_NEAR(rate, bloom.expected_false_positive_rate(), 0.0015);
}

std::vector<std::uint64_t> tokens(std::uint64_t from, std::uint64_t n) {
  std::vector<std::uint64_t> t;
  for (std::uint64_t i = from; i < from + n; ++i) t.push_back(h(i).h1);
  return t;
}

std::vector<std::uint32_t> sign(const MinHasher& m, const std::vector<std::uint64_t>& t) {
  std::vector<std::uint32_t> sig(m.permutations());
  m.sign(t, sig);
  return sig;
}

TEST(MinHash, EstimatesJaccardSimilarity) {
  const MinHasher m(128, 3);
  const auto a = tokens(0, 64);
  EXPECT_EQ(estimated_jaccard(sign(m, a), sign(m, a)), 1.0);
  auto shuffled = a;
  std::swap(shuffled[0], shuffled[63]);
  EXPECT_EQ(sign(m, a), sign(m, shuffled));  // a set: order does not matter
  EXPECT_LT(estimated_jaccard(sign(m, a), sign(m, tokens(1000, 64))), 0.05);
  // 48 shared of 80 distinct: J = 0.6. Averaged over 40 pairs the estimate's
  // mean is within 1.5 % (unbiased) and each within 4 standard errors.
  double sum = 0;
  for (std::uint64_t s = 0; s < 40; ++s) {
    const auto x = tokens(s * 1000, 64), y = tokens(s * 1000 + 16, 64);
    const double est = estimated_jaccard(sign(m, x), sign(m, y));
    EXPECT_NEAR(est, 0.6, 4 * std::sqrt(0.24 / 128)) << s;
    sum += est;
  }
  EXPECT_NEAR(sum / 40, 0.6, 0.015);
}

// h_i(x) = (a_i·x + b_i) >> 32 with a_i odd, a_i and b_i drawn from the
// seed in turn; the signature is each h_i's minimum over the tokens. 37
// permutations: sign() works in blocks, and the last one is partial.
TEST(MinHash, SignatureIsEachPermutationsMinimumOverTheTokens) {
  const MinHasher m(37, 9);
  const auto t = tokens(0, 300);
  harness::Rng rng(9);
  std::vector<std::uint32_t> expected;
  for (int i = 0; i < 37; ++i) {
    const std::uint64_t a = rng.next() | 1, b = rng.next();
    std::uint32_t least = UINT32_MAX;
    for (std::uint64_t x : t)
      least = std::min(least, static_cast<std::uint32_t>((a * x + b) >> 32));
    expected.push_back(least);
  }
  EXPECT_EQ(sign(m, t), expected);
}

TEST(Lsh, FindsNearDuplicatesOnceEachAndSkipsUnrelated) {
  const MinHasher m(128, 3);
  LshIndex lsh(32, 4);
  // 5000 unrelated documents force the band tables to grow several times.
  for (std::uint32_t d = 0; d < 5000; ++d) lsh.insert(d, sign(m, tokens(1'000'000 + d * 100, 64)));
  const auto original = tokens(0, 64);
  lsh.insert(5000, sign(m, original));
  EXPECT_EQ(lsh.size(), 5001u);

  std::vector<std::uint32_t> candidates;
  lsh.query(sign(m, tokens(4, 64)), candidates);  // J = 60/68
  EXPECT_EQ(candidates, std::vector<std::uint32_t>{5000});
  lsh.query(sign(m, original), candidates);       // identical: shares all 32 bands, listed once
  EXPECT_EQ(candidates, std::vector<std::uint32_t>{5000});
  lsh.query(sign(m, tokens(500, 64)), candidates);  // unrelated
  EXPECT_TRUE(candidates.empty());
  // An earlier document is found after the tables grew.
  lsh.query(sign(m, tokens(1'000'000 + 17 * 100, 64)), candidates);
  EXPECT_EQ(candidates, std::vector<std::uint32_t>{17});
}

TEST(Lsh, ReserveAfterInsertsKeepsEveryDocumentFindable) {
  const MinHasher m(128, 3);
  LshIndex lsh(32, 4);
  for (std::uint32_t d = 0; d < 300; ++d) lsh.insert(d, sign(m, tokens(2'000'000 + d * 100, 64)));
  lsh.reserve(20'000);  // re-homes the 300 documents' band entries in larger tables
  for (std::uint32_t d = 300; d < 600; ++d) lsh.insert(d, sign(m, tokens(2'000'000 + d * 100, 64)));
  std::vector<std::uint32_t> candidates;
  for (std::uint32_t d : {0u, 17u, 299u, 300u, 599u}) {
    lsh.query(sign(m, tokens(2'000'000 + d * 100, 64)), candidates);
    EXPECT_EQ(candidates, std::vector<std::uint32_t>{d}) << d;
  }
}

}  // namespace
}  // namespace perfgate::workloads::sketches
