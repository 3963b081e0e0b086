#include "gate/permutation_statistics.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <tuple>
#include <utility>
#include <vector>

#include "workloads/harness/rng.h"

namespace perfgate::gate {
namespace {

// 2 000 relabellings resolve p-values down to 1/2 001, below the 0.001 an
// interim look of the adaptive repetitions needs.
constexpr std::size_t kPermutations = 2000;
// Designs with at most this many relabellings use all of them, so their
// p-values are exact rather than drawn: up to 7 against 7 (3 432) and 12
// pairs (4 096). A drawn p-value of 7 against 7 fell below an interim
// look's one-sided 0.0005 only when no draw repeated the observed
// labelling, about half the time (e^(−2000/3432): the chance, not a
// measurement).
constexpr std::size_t kMaxEnumerated = 4096;
constexpr std::uint64_t kSeed = 0x7065726d75746521ull;
// The interval's search stops this far (in log ratio) from the estimate: a
// design too small to reject anything (3 pairs have 8 relabellings) gives
// [θ/e^5, θ·e^5], not an endless search.
constexpr double kMaxLogDistance = 5;
constexpr double kLogTolerance = 1e-4;

// C(n, k), or kMaxEnumerated + 1 once it exceeds kMaxEnumerated.
std::size_t capped_binomial(std::size_t n, std::size_t k) {
  std::size_t c = 1;
  for (std::size_t i = 1; i <= k; ++i) {
    c = c * (n - k + i) / i;  // exact: c is C(n - k + i, i)
    if (c > kMaxEnumerated) return kMaxEnumerated + 1;
  }
  return c;
}

// How many relabellings a design has, or kMaxEnumerated + 1 when they are
// drawn: masks of one bit per value (unpaired) or pair hold at most 62.
std::size_t designs_of(std::size_t nb, std::size_t nh, bool paired) {
  const std::size_t m = paired ? nb : nb + nh;
  if (m > 62) return kMaxEnumerated + 1;
  return paired ? std::min<std::size_t>(std::size_t{1} << m, kMaxEnumerated + 1)
                : capped_binomial(nb + nh, nh);
}

std::vector<double> logs_of(std::span<const double> v) {
  std::vector<double> out(v.size());
  std::ranges::transform(v, out.begin(), [](double x) {
    assert(x > 0);
    return std::log(x);
  });
  return out;
}

struct Test {
  Location location = Location::mean;
  double observed = 0;   // S(head − shift) − S(base) for the chosen location
  double p_greater = 1;  // P(relabelled >= observed)
  double p_less = 1;     // P(relabelled <= observed)
};

// The values of one side of a relabelling, at a shift c: two groups, each
// moving by its slope·c (unpaired: the values that came from base stay, those
// from head move by −c; paired: the pairs' log ratios that kept their sign
// move by −c, the swapped ones by +c). Its trimmed mean at any c costs
// O(cut): the cut values are the best split of the cut between the two
// groups' most extreme values, whose order within a group never changes.
struct TrimmedSide {
  double sum = 0;        // of all values at c = 0
  double slope_sum = 0;  // d(sum) / dc
  std::size_t high = 0, low = 0, kept = 0;
  // Offsets into Relabellings::extremes_ of the prefix sums of each group's
  // largest and smallest values (entry k: the k most extreme), with how many
  // entries each group has (min(its size, the cut) + 1).
  std::size_t largest[2] = {0, 0}, smallest[2] = {0, 0};
  std::size_t entries_high[2] = {1, 1}, entries_low[2] = {1, 1};
  double slope[2] = {0, 0};
};

// The relabellings, summarized so that their statistics at any shift c
// (head's values − c) cost O(cut) each: each side's minimum is the smaller of
// its minima over the two groups, and its trimmed mean comes from the sum and
// the groups' most extreme values.
struct Relabelling {
  TrimmedSide head, base;  // paired: head holds the pairs' log ratios, base is empty
  double min_head_from_base = 0, min_head_from_head = 0;
  double min_base_from_base = 0, min_base_from_head = 0;

  double min_difference(double c) const {
    return std::min(min_head_from_base, min_head_from_head - c) - std::min(min_base_from_base, min_base_from_head - c);
  }
};

class Relabellings {
 public:
  // Unpaired: which of the pooled values are head is drawn anew; paired:
  // each pair's two values swap sides or not. The first entry is the
  // observed labelling.
  Relabellings(std::span<const double> base, std::span<const double> head, bool paired) : paired_(paired) {
    const std::vector<double> b = logs_of(base), h = logs_of(head);
    assert(b.size() >= 2 && h.size() >= 2 && (!paired || b.size() == h.size()));
    const std::size_t nb = b.size(), nh = h.size(), n = nb + nh;
    if (paired) {
      pooled_.resize(nb);
      for (std::size_t j = 0; j < nb; ++j) pooled_[j] = h[j] - b[j];  // the pairs' log ratios
    } else {
      pooled_.reserve(n);
      pooled_.insert(pooled_.end(), b.begin(), b.end());
      pooled_.insert(pooled_.end(), h.begin(), h.end());
    }
    // The values' order, once: every relabelling walks it for its sides'
    // most extreme values.
    const std::size_t m = pooled_.size();
    order_.resize(m);
    std::iota(order_.begin(), order_.end(), 0);
    std::ranges::sort(order_, [&](std::size_t i, std::size_t j) { return pooled_[i] > pooled_[j]; });
    std::vector<std::uint8_t> is_head(m);
    const std::size_t designs = designs_of(nb, nh, paired);
    if (designs <= kMaxEnumerated) {
      enumerate(b, h, designs);
      return;
    }
    workloads::harness::Rng rng(kSeed);
    std::vector<std::size_t> idx(n);
    all_.reserve(kPermutations + 1);
    for (std::size_t p = 0; p <= kPermutations; ++p) {
      if (paired) {  // 1: the pair's two values swap sides
        for (auto& s : is_head) s = p == 0 ? 0 : static_cast<std::uint8_t>(rng.next() & 1);
        all_.push_back(summarize_pairs(b, h, is_head));
        continue;
      }
      std::ranges::fill(is_head, 0);
      if (p == 0) {
        std::fill(is_head.begin() + static_cast<std::ptrdiff_t>(nb), is_head.end(), 1);
      } else {
        std::iota(idx.begin(), idx.end(), 0);
        for (std::size_t i = 0; i < nh; ++i) {
          std::swap(idx[i], idx[i + rng.below(n - i)]);
          is_head[idx[i]] = 1;
        }
      }
      all_.push_back(summarize(nb, nh, is_head));
    }
  }

  // The difference of the trimmed means (paired: the trimmed mean of the
  // pairs' log ratios) of relabelling r at shift c.
  double trimmed_difference(const Relabelling& r, double c) const {
    return paired_ ? trimmed_mean(r.head, c) : trimmed_mean(r.head, c) - trimmed_mean(r.base, c);
  }

  // Tests θ = e^shift.
  Test at(double shift) const {
    // Each difference in units of its spread over the relabellings (0: that
    // location cannot tell relabellings apart, e.g. one value is the
    // minimum of both sides in all of them).
    std::vector<double> trimmed(all_.size());
    for (std::size_t p = 0; p < all_.size(); ++p) trimmed[p] = trimmed_difference(all_[p], shift);
    double sm = 0, sm2 = 0, sn = 0, sn2 = 0;
    for (std::size_t p = 1; p < all_.size(); ++p) {
      const double m = trimmed[p], d = all_[p].min_difference(shift);
      sm += m, sm2 += m * m, sn += d, sn2 += d * d;
    }
    const auto k = static_cast<double>(all_.size() - 1);
    auto inverse_spread = [k](double s, double s2) {
      const double var = s2 / k - (s / k) * (s / k);
      return var > 1e-18 ? 1 / std::sqrt(var) : 0.0;
    };
    const double wm = inverse_spread(sm, sm2), wn = inverse_spread(sn, sn2);
    // The combined statistic: the larger (for "slower") or smaller (for
    // "faster") of the two standardized differences. Its distribution over
    // the relabellings is that of a statistic fixed by the pooled values, so
    // the test is exact whichever of the two dominates.
    auto high = [&](std::size_t p) { return std::max(wm * trimmed[p], wn * all_[p].min_difference(shift)); };
    auto low = [&](std::size_t p) { return std::min(wm * trimmed[p], wn * all_[p].min_difference(shift)); };
    const double obs_high = high(0), obs_low = low(0);
    // Ties count against the observed value (minimum differences tie often).
    constexpr double kEps = 1e-9;
    std::size_t ge = 0, le = 0;
    for (std::size_t p = 1; p < all_.size(); ++p) {
      ge += high(p) >= obs_high - kEps;
      le += low(p) <= obs_low + kEps;
    }
    Test t;
    t.location = wn > wm ? Location::minimum : Location::mean;
    t.observed = t.location == Location::minimum ? all_.front().min_difference(shift) : trimmed.front();
    t.p_greater = static_cast<double>(1 + ge) / (1 + k);
    t.p_less = static_cast<double>(1 + le) / (1 + k);
    return t;
  }

  // The observed difference of the trimmed means: the shift that centres it.
  double trimmed_difference() const { return trimmed_difference(all_.front(), 0); }

 private:
  // The sum of a side's g highest (largest) or lowest values at shift c: the
  // best split of g between its two groups.
  double extreme_sum(const TrimmedSide& s, bool largest, double c) const {
    const std::size_t g = largest ? s.high : s.low;
    if (g == 0) return 0;
    const std::size_t* at = largest ? s.largest : s.smallest;
    const std::size_t* entries = largest ? s.entries_high : s.entries_low;
    const double* a = extremes_.data() + at[0];
    const double* b = extremes_.data() + at[1];
    const std::size_t na = entries[0] - 1, nb = entries[1] - 1;
    double best = largest ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
    for (std::size_t k = g > nb ? g - nb : 0; k <= std::min(g, na); ++k) {
      const double v = a[k] + static_cast<double>(k) * s.slope[0] * c + b[g - k] +
                       static_cast<double>(g - k) * s.slope[1] * c;
      best = largest ? std::max(best, v) : std::min(best, v);
    }
    return best;
  }

  double trimmed_mean(const TrimmedSide& s, double c) const {
    return (s.sum + s.slope_sum * c - extreme_sum(s, true, c) - extreme_sum(s, false, c)) /
           static_cast<double>(s.kept);
  }

  // Appends the prefix sums of up to g values taken from `order` (most
  // extreme first) that belong to the group; returns the offset and the
  // number of entries.
  template <class Belongs, class Value>
  std::pair<std::size_t, std::size_t> prefix_sums(std::size_t g, bool descending, Belongs belongs, Value value) {
    const std::size_t at = extremes_.size();
    extremes_.push_back(0);
    const std::size_t m = order_.size();
    for (std::size_t i = 0; i < m && extremes_.size() - at <= g; ++i) {
      const std::size_t v = order_[descending ? i : m - 1 - i];
      if (belongs(v)) extremes_.push_back(extremes_.back() + value(v));
    }
    return {at, extremes_.size() - at};
  }

  Relabelling summarize(std::size_t nb, std::size_t nh, const std::vector<std::uint8_t>& is_head) {
    constexpr double kInf = std::numeric_limits<double>::infinity();
    Relabelling r{.head = {}, .base = {}, .min_head_from_base = kInf, .min_head_from_head = kInf,
                  .min_base_from_base = kInf, .min_base_from_head = kInf};
    for (std::size_t i = 0; i < is_head.size(); ++i) {
      const bool from_head = i >= nb, to_head = is_head[i] != 0;
      const double x = pooled_[i];
      TrimmedSide& side = to_head ? r.head : r.base;
      side.sum += x;
      if (from_head) side.slope_sum -= 1;
      double& m = to_head ? (from_head ? r.min_head_from_head : r.min_head_from_base)
                          : (from_head ? r.min_base_from_head : r.min_base_from_base);
      m = std::min(m, x);
    }
    // Each side leaves out its slowest ⌊0.1·n⌋ values (group 0: from base,
    // unshifted; group 1: from head, moving by −c).
    for (const bool to_head : {true, false}) {
      TrimmedSide& side = to_head ? r.head : r.base;
      const std::size_t size = to_head ? nh : nb;
      side.high = trimmed_count(kTrim, size, 1);  // as the trimmed method cuts
      side.kept = size - side.high;
      side.slope[0] = 0, side.slope[1] = -1;
      for (const bool from_head : {false, true}) {
        auto belongs = [&](std::size_t i) { return (is_head[i] != 0) == to_head && (i >= nb) == from_head; };
        std::tie(side.largest[from_head], side.entries_high[from_head]) =
            prefix_sums(side.high, true, belongs, [&](std::size_t i) { return pooled_[i]; });
      }
    }
    return r;
  }

  Relabelling summarize_pairs(const std::vector<double>& b, const std::vector<double>& h,
                              const std::vector<std::uint8_t>& swapped) {
    constexpr double kInf = std::numeric_limits<double>::infinity();
    Relabelling r{.head = {}, .base = {}, .min_head_from_base = kInf, .min_head_from_head = kInf,
                  .min_base_from_base = kInf, .min_base_from_head = kInf};
    const std::size_t n = b.size();
    TrimmedSide& d = r.head;
    for (std::size_t j = 0; j < n; ++j) {
      const double sign = swapped[j] ? -1 : 1;
      d.sum += sign * pooled_[j];
      d.slope_sum -= sign;
      double& to_head = swapped[j] ? r.min_head_from_base : r.min_head_from_head;
      double& to_base = swapped[j] ? r.min_base_from_head : r.min_base_from_base;
      to_head = std::min(to_head, swapped[j] ? b[j] : h[j]);
      to_base = std::min(to_base, swapped[j] ? h[j] : b[j]);
    }
    // The pairs' log ratios are trimmed at both ends (group 0: kept their
    // sign, moving by −c; group 1: swapped, −ratio, moving by +c).
    d.high = d.low = trimmed_count(kTrim, n, 2);
    d.kept = n - 2 * d.high;
    d.slope[0] = -1, d.slope[1] = 1;
    auto kept_sign = [&](std::size_t j) { return swapped[j] == 0; };
    auto was_swapped = [&](std::size_t j) { return swapped[j] != 0; };
    auto ratio = [&](std::size_t j) { return pooled_[j]; };
    auto negated = [&](std::size_t j) { return -pooled_[j]; };
    // The largest of the swapped values −ratio are the smallest ratios.
    std::tie(d.largest[0], d.entries_high[0]) = prefix_sums(d.high, true, kept_sign, ratio);
    std::tie(d.largest[1], d.entries_high[1]) = prefix_sums(d.high, false, was_swapped, negated);
    std::tie(d.smallest[0], d.entries_low[0]) = prefix_sums(d.low, false, kept_sign, ratio);
    std::tie(d.smallest[1], d.entries_low[1]) = prefix_sums(d.low, true, was_swapped, negated);
    return r;
  }

  // Every relabelling of a small design once, the observed one first
  // (paired: bit j of a mask swaps pair j; unpaired: the masks of nh set
  // bits among the n pooled values, in Gosper's order).
  void enumerate(const std::vector<double>& b, const std::vector<double>& h, std::size_t designs) {
    const std::size_t nb = b.size(), nh = h.size();
    all_.reserve(designs);
    std::vector<std::uint8_t> bits(paired_ ? nb : nb + nh);
    auto set_bits = [&](std::uint64_t mask) {
      for (std::size_t i = 0; i < bits.size(); ++i) bits[i] = static_cast<std::uint8_t>((mask >> i) & 1);
    };
    if (paired_) {
      for (std::uint64_t mask = 0; mask < designs; ++mask) {
        set_bits(mask);
        all_.push_back(summarize_pairs(b, h, bits));
      }
      return;
    }
    const std::uint64_t observed = ((std::uint64_t{1} << nh) - 1) << nb;
    set_bits(observed);
    all_.push_back(summarize(nb, nh, bits));
    const std::uint64_t end = std::uint64_t{1} << (nb + nh);
    for (std::uint64_t mask = (std::uint64_t{1} << nh) - 1; mask < end;) {
      if (mask != observed) {
        set_bits(mask);
        all_.push_back(summarize(nb, nh, bits));
      }
      const std::uint64_t low = mask & (~mask + 1), ripple = mask + low;  // the next mask with nh bits set
      mask = ripple | (((mask ^ ripple) >> 2) / low);
    }
    assert(all_.size() == designs);
  }

  bool paired_;
  std::vector<double> pooled_;        // logs: base then head (paired: the pairs' log ratios)
  std::vector<std::size_t> order_;    // indices into pooled_ by value, largest first
  std::vector<double> extremes_;      // prefix sums of the sides' groups' most extreme values
  std::vector<Relabelling> all_;      // [0] is the observed labelling
};

// The boundary between shifts whose test rejects (p(shift) <= tail) and
// shifts that do not, searched from `inside` (not rejected) outward in
// direction dir (−1: lower bound, +1: upper bound).
double bound(const Relabellings& r, double inside, int dir, double tail) {
  auto rejected = [&](double shift) {
    const Test t = r.at(shift);
    return (dir < 0 ? t.p_greater : t.p_less) <= tail;
  };
  double in = inside, out = inside;
  for (double step = 0.01;; step *= 2) {
    out = inside + dir * std::min(step, kMaxLogDistance);
    if (rejected(out)) break;
    if (step >= kMaxLogDistance) return out;
    in = out;
  }
  while (std::fabs(out - in) > kLogTolerance) {
    const double mid = (in + out) / 2;
    (rejected(mid) ? out : in) = mid;
  }
  return (in + out) / 2;
}

}  // namespace

std::string_view to_string(Location l) { return l == Location::minimum ? "minimum" : "mean"; }

PermutationEstimate permutation_log_ratio(std::span<const double> base, std::span<const double> head, bool paired,
                                          double confidence) {
  const Relabellings r(base, head, paired);
  // The location is the one chosen where the two sides are aligned by the
  // pilot (trimmed mean) estimate; the estimate is that location's difference.
  const double pilot = r.trimmed_difference();
  const Test centred = r.at(pilot);
  const double estimate = centred.observed + pilot;
  const double tail = (1 - confidence) / 2;
  PermutationEstimate e{.estimate = {}, .location = centred.location};
  e.estimate.ratio = std::exp(estimate);
  // Searched outward from the estimate, which its tests accept (checked on
  // 40 000 random mixtures of floors and spreads, both modes).
  e.estimate.lower = std::exp(bound(r, estimate, -1, tail));
  e.estimate.upper = std::exp(bound(r, estimate, +1, tail));
  e.estimate.p_slower = r.at(0).p_greater;
  e.estimate.n = std::min(base.size(), head.size());
  return e;
}

double permutation_p_slower(std::span<const double> base, std::span<const double> head, bool paired) {
  return Relabellings(base, head, paired).at(0).p_greater;
}

double smallest_permutation_p(std::size_t base, std::size_t head, bool paired) {
  const std::size_t designs = designs_of(base, head, paired);
  return 1.0 / static_cast<double>(designs <= kMaxEnumerated ? designs : kPermutations + 1);
}

}  // namespace perfgate::gate
