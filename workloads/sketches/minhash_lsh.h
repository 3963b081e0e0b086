#pragma once
// MinHash signatures (Broder 1997) and a banded LSH index over them
// (Indyk & Motwani 1998; Leskovec, Rajaraman, Ullman, "Mining of Massive
// Datasets" §3.4). 128 permutations and a 0.5 similarity threshold in the
// workload (seed 004: MinHashLSH(num_perm=128, threshold=0.5)).
//
// A permutation is simulated by a multiply-shift hash of the token's 64-bit
// hash, perm_i(x) = (a_i·x + b_i) >> 32 with odd random a_i; the fraction of
// equal signature entries estimates the Jaccard similarity J with standard
// error √(J(1−J)/k). With b bands of r rows, two sets become candidates with
// probability 1 − (1 − J^r)^b: 32 × 4 puts the steep part of that S-curve
// around (1/32)^(1/4) ≈ 0.42, just under the 0.5 threshold, trading a few
// extra candidates (checked against the signatures) for few misses.

#include <cstdint>
#include <span>
#include <vector>

namespace perfgate::workloads::sketches {

class MinHasher {
 public:
  MinHasher(std::uint32_t permutations, std::uint64_t seed);

  std::uint32_t permutations() const { return static_cast<std::uint32_t>(mul_.size()); }
  // signature.size() == permutations(); token_hashes must not be empty.
  void sign(std::span<const std::uint64_t> token_hashes, std::span<std::uint32_t> signature) const;

 private:
  std::vector<std::uint64_t> mul_;  // odd multipliers a_i
  std::vector<std::uint64_t> add_;  // offsets b_i
};

// The fraction of positions where two signatures agree.
double estimated_jaccard(std::span<const std::uint32_t> a, std::span<const std::uint32_t> b);

class LshIndex {
 public:
  // bands · rows must not exceed the signature length used with this index.
  LshIndex(std::uint32_t bands, std::uint32_t rows);

  // Replaces `candidates` with the ids of inserted signatures that share at
  // least one band with `signature`, each id once, in insertion order of
  // their first shared band.
  void query(std::span<const std::uint32_t> signature, std::vector<std::uint32_t>& candidates);
  void insert(std::uint32_t id, std::span<const std::uint32_t> signature);
  std::size_t size() const { return inserted_; }

  // Sizes the band tables and chains for `documents` inserts and touches
  // their memory, so that inserting that many never rehashes, reallocates or
  // page-faults (the workload times each insert).
  void reserve(std::size_t documents);

 private:
  static constexpr std::uint32_t kNone = UINT32_MAX;
  // One open-addressing table per band: band key -> head of a chain of ids.
  struct Band {
    std::vector<std::uint64_t> keys;
    std::vector<std::uint32_t> heads;  // kNone = empty slot
    std::size_t used = 0;
  };
  std::uint64_t band_key(std::span<const std::uint32_t> signature, std::uint32_t band) const;
  std::size_t find_slot(const Band& band, std::uint64_t key) const;
  void rehash(Band& band, std::size_t slots);  // to `slots` (a power of two) slots

  std::uint32_t rows_;
  std::vector<Band> bands_;
  // Chains: next_[entry] and id_[entry]; one entry per (id, band).
  std::vector<std::uint32_t> next_;
  std::vector<std::uint32_t> id_;
  // seen_[id] == stamp_ marks an id already in the current query's answer.
  std::vector<std::uint32_t> seen_;
  std::uint32_t stamp_ = 0;
  std::size_t inserted_ = 0;
};

}  // namespace perfgate::workloads::sketches
