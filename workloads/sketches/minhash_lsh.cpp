#include "workloads/sketches/minhash_lsh.h"

#include <xxhash.h>

#include <algorithm>
#include <bit>
#include <cassert>

#include "workloads/harness/memory.h"
#include "workloads/harness/rng.h"

namespace perfgate::workloads::sketches {

MinHasher::MinHasher(std::uint32_t permutations, std::uint64_t seed)
    : mul_(permutations), add_(permutations) {
  harness::Rng rng(seed);
  for (std::uint32_t i = 0; i < permutations; ++i) {
    mul_[i] = rng.next() | 1;
    add_[i] = rng.next();
  }
}

void MinHasher::sign(std::span<const std::uint64_t> token_hashes,
                     std::span<std::uint32_t> signature) const {
  assert(signature.size() == mul_.size() && !token_hashes.empty());
  // Sixteen permutations at a time over all tokens, their running minima
  // in a local array the compiler keeps in registers. Token by token over all
  // permutations, each minimum was stored to `signature` and loaded back for
  // the next token, and how long those loads waited depended on where the
  // arrays happened to lie: the workload's p99 moved 77 -> 108 us between two
  // builds that did not touch it, and between processes of one build
  // (ASLR), 2026-12-07. Blocked, it is 86 us in every process, with ASLR on
  // or off; one permutation at a time is as stable but 112 us (its minimum
  // is one serial chain), eight at a time 88 us.
  constexpr std::size_t kBlock = 16;
  const std::size_t k = mul_.size();
  for (std::size_t first = 0; first < k; first += kBlock) {
    const std::size_t n = std::min(kBlock, k - first);
    std::uint64_t a[kBlock] = {}, b[kBlock] = {};
    std::uint32_t m[kBlock];
    for (std::size_t j = 0; j < kBlock; ++j) {
      a[j] = j < n ? mul_[first + j] : 0;
      b[j] = j < n ? add_[first + j] : 0;
      m[j] = UINT32_MAX;
    }
    for (std::uint64_t x : token_hashes)
      for (std::size_t j = 0; j < kBlock; ++j)
        m[j] = std::min(m[j], static_cast<std::uint32_t>((a[j] * x + b[j]) >> 32));
    for (std::size_t j = 0; j < n; ++j) signature[first + j] = m[j];
  }
}

double estimated_jaccard(std::span<const std::uint32_t> a, std::span<const std::uint32_t> b) {
  assert(a.size() == b.size() && !a.empty());
  std::size_t equal = 0;
  for (std::size_t i = 0; i < a.size(); ++i) equal += a[i] == b[i] ? 1 : 0;
  return static_cast<double>(equal) / static_cast<double>(a.size());
}

LshIndex::LshIndex(std::uint32_t bands, std::uint32_t rows) : rows_(rows), bands_(bands) {
  for (Band& b : bands_) {
    b.keys.assign(1024, 0);
    b.heads.assign(1024, kNone);
  }
}

std::uint64_t LshIndex::band_key(std::span<const std::uint32_t> signature,
                                 std::uint32_t band) const {
  assert(signature.size() >= (band + 1) * rows_);
  // The band number seeds the hash so equal rows in different bands differ.
  return XXH3_64bits_withSeed(signature.data() + std::size_t{band} * rows_,
                              rows_ * sizeof(std::uint32_t), band);
}

std::size_t LshIndex::find_slot(const Band& band, std::uint64_t key) const {
  const std::size_t mask = band.keys.size() - 1;
  std::size_t slot = static_cast<std::size_t>(key) & mask;
  while (band.heads[slot] != kNone && band.keys[slot] != key) slot = (slot + 1) & mask;
  return slot;
}

void LshIndex::rehash(Band& band, std::size_t slots) {
  Band bigger;
  bigger.keys.assign(slots, 0);
  bigger.heads.assign(slots, kNone);
  bigger.used = band.used;
  for (std::size_t s = 0; s < band.keys.size(); ++s) {
    if (band.heads[s] == kNone) continue;
    const std::size_t slot = find_slot(bigger, band.keys[s]);
    bigger.keys[slot] = band.keys[s];
    bigger.heads[slot] = band.heads[s];
  }
  band = std::move(bigger);
}

void LshIndex::reserve(std::size_t documents) {
  // Inserts keep every table at most half full.
  const std::size_t slots = std::bit_ceil(std::max<std::size_t>(2 * documents + 2, 1024));
  for (Band& b : bands_)
    if (b.keys.size() < slots) rehash(b, slots);
  harness::touch_capacity(next_, documents * bands_.size());
  harness::touch_capacity(id_, documents * bands_.size());
  if (seen_.size() < documents) seen_.resize(documents, 0);
}

void LshIndex::query(std::span<const std::uint32_t> signature,
                     std::vector<std::uint32_t>& candidates) {
  candidates.clear();
  if (++stamp_ == 0) {  // wrapped: forget every old mark
    std::ranges::fill(seen_, 0);
    stamp_ = 1;
  }
  for (std::uint32_t b = 0; b < bands_.size(); ++b) {
    const Band& band = bands_[b];
    const std::size_t slot = find_slot(band, band_key(signature, b));
    for (std::uint32_t e = band.heads[slot]; e != kNone; e = next_[e]) {
      const std::uint32_t id = id_[e];
      if (seen_[id] == stamp_) continue;
      seen_[id] = stamp_;
      candidates.push_back(id);
    }
  }
}

void LshIndex::insert(std::uint32_t id, std::span<const std::uint32_t> signature) {
  if (id >= seen_.size()) seen_.resize(std::max<std::size_t>(id + 1, seen_.size() * 2), 0);
  for (std::uint32_t b = 0; b < bands_.size(); ++b) {
    Band& band = bands_[b];
    if ((band.used + 1) * 2 > band.keys.size()) rehash(band, 2 * band.keys.size());
    const std::uint64_t key = band_key(signature, b);
    const std::size_t slot = find_slot(band, key);
    if (band.heads[slot] == kNone) {
      band.keys[slot] = key;
      ++band.used;
    }
    next_.push_back(band.heads[slot]);
    id_.push_back(id);
    band.heads[slot] = static_cast<std::uint32_t>(id_.size() - 1);
  }
  ++inserted_;
}

}  // namespace perfgate::workloads::sketches
