#include "workloads/sketches/stream_sketches.h"

#include <cassert>

#include "workloads/harness/memory.h"

namespace perfgate::workloads::sketches {

StreamSketches::StreamSketches(const StreamSketchesConfig& config)
    : config_(config),
      hll_(config.hll_precision),
      cms_(config.cms_width, config.cms_depth),
      bloom_(config.bloom_bits, config.bloom_hashes),
      minhash_(config.minhash_permutations, config.seed ^ 0x6d696e68617368ULL),
      lsh_(config.lsh_bands, config.lsh_rows) {}

void StreamSketches::deny(std::string_view key) { bloom_.insert(hash(key)); }

void StreamSketches::reserve(std::size_t documents, std::size_t tokens_per_document) {
  harness::touch_capacity(signatures_, documents * minhash_.permutations());
  harness::touch_capacity(token_hashes_, tokens_per_document);
  harness::touch_capacity(candidates_, 1024);
  lsh_.reserve(documents);
}

void StreamSketches::ingest(std::span<const std::string_view> events,
                            std::span<const std::uint64_t> document_tokens,
                            std::uint32_t document_id, BatchResult& result) {
  const harness::SlowdownScope slowdown(config_.slowdown);
  result.flagged = 0;
  for (std::string_view key : events) {
    const Hash128 h = hash(key);
    hll_.add(h.h1);
    cms_.add(h);
    result.flagged += bloom_.may_contain(h) ? 1 : 0;
  }

  const std::size_t k = minhash_.permutations();
  assert(document_id * k == signatures_.size());
  token_hashes_.clear();
  for (std::uint64_t token : document_tokens)
    token_hashes_.push_back(
        hash_item(std::string_view(reinterpret_cast<const char*>(&token), sizeof token), config_.hash).h1);
  signatures_.resize(signatures_.size() + k);
  const std::span<std::uint32_t> sig(signatures_.data() + std::size_t{document_id} * k, k);
  minhash_.sign(token_hashes_, sig);

  lsh_.query(sig, candidates_);
  result.duplicates.clear();
  for (std::uint32_t c : candidates_)
    if (estimated_jaccard(sig, signature(c)) >= config_.duplicate_threshold)
      result.duplicates.push_back(c);
  lsh_.insert(document_id, sig);
}

std::span<const std::uint32_t> StreamSketches::signature(std::uint32_t document_id) const {
  const std::size_t k = minhash_.permutations();
  return {signatures_.data() + std::size_t{document_id} * k, k};
}

}  // namespace perfgate::workloads::sketches
