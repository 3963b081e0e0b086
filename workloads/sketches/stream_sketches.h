#pragma once
// The sketches workload's hot path: one object holding the four sketches a
// streaming analytics service keeps (seed 004 Part 2: HyperLogLog for
// distinct counts, Count-Min for frequencies, a Bloom filter as a membership
// pre-filter, MinHash + LSH for near-duplicate documents), fed one batch at a
// time. Every item is hashed once; the sketches share the hash (item_hash.h).

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "workloads/harness/slowdown.h"
#include "workloads/sketches/bloom_filter.h"
#include "workloads/sketches/count_min.h"
#include "workloads/sketches/hyperloglog.h"
#include "workloads/sketches/item_hash.h"
#include "workloads/sketches/minhash_lsh.h"

namespace perfgate::workloads::sketches {

struct StreamSketchesConfig {
  ItemHash hash = ItemHash::xxh3;
  unsigned hll_precision = 14;       // 16384 registers
  std::uint32_t cms_width = 10'000;  // ε = e / 10000
  std::uint32_t cms_depth = 5;       // δ = e^-5
  std::uint64_t bloom_bits = 1 << 20;
  std::uint32_t bloom_hashes = 3;
  std::uint32_t minhash_permutations = 128;
  std::uint32_t lsh_bands = 32;
  std::uint32_t lsh_rows = 4;
  double duplicate_threshold = 0.5;  // estimated Jaccard at which a candidate is a duplicate
  std::uint64_t seed = 1;            // MinHash permutations
  harness::Slowdown slowdown;
};

struct BatchResult {
  std::uint32_t flagged = 0;  // events whose key the Bloom filter may contain
  // Earlier documents whose estimated Jaccard similarity with this one is at
  // least the threshold, in LSH candidate order.
  std::vector<std::uint32_t> duplicates;
};

class StreamSketches {
 public:
  explicit StreamSketches(const StreamSketchesConfig& config);

  // Adds a key to the Bloom filter's set (a deny-list, built before the stream).
  void deny(std::string_view key);

  // Allocates and touches what ingesting `documents` documents (of up to
  // `tokens_per_document` tokens) will use, so that no timed ingest
  // reallocates, rehashes or page-faults.
  void reserve(std::size_t documents, std::size_t tokens_per_document);

  // One timed operation: hash each event key once and add it to the
  // HyperLogLog and the Count-Min sketch and look it up in the Bloom filter;
  // then MinHash the document (its tokens as 8-byte items), find its
  // near-duplicates among earlier documents through the LSH index, and index
  // it under `document_id` (ids are 0, 1, 2, ... in order). This is the
  // workload's slowdown function; it is never inlined so that profiles name it.
  [[gnu::noinline]] void ingest(std::span<const std::string_view> events,
                                std::span<const std::uint64_t> document_tokens,
                                std::uint32_t document_id, BatchResult& result);

  const HyperLogLog& hll() const { return hll_; }
  const CountMinSketch& cms() const { return cms_; }
  const BloomFilter& bloom() const { return bloom_; }
  std::span<const std::uint32_t> signature(std::uint32_t document_id) const;
  Hash128 hash(std::string_view key) const { return hash_item(key, config_.hash); }

 private:
  StreamSketchesConfig config_;
  HyperLogLog hll_;
  CountMinSketch cms_;
  BloomFilter bloom_;
  MinHasher minhash_;
  LshIndex lsh_;
  std::vector<std::uint32_t> signatures_;  // permutations() per document, by id
  std::vector<std::uint64_t> token_hashes_;  // scratch
  std::vector<std::uint32_t> candidates_;    // scratch
};

}  // namespace perfgate::workloads::sketches
