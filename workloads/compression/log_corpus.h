#pragma once
// A generated, realistic service log: one line per event with an ISO-8601
// timestamp, level, service, request id, user, HTTP method, path with numeric
// ids, status, duration and size, plus multi-line stack traces after some
// errors. Deterministic for a seed. It compresses about as well as real
// application logs (several to one at fast zstd levels), which is what the
// compression workload needs to be representative.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace perfgate::workloads::compression {

class LogCorpus {
 public:
  // At least `size_bytes` bytes of whole lines (the last line may run past the
  // size by less than one line). Same seed, same bytes.
  static LogCorpus generate(std::uint64_t seed, std::size_t size_bytes);

  std::span<const std::byte> bytes() const { return std::as_bytes(std::span(text_)); }
  const std::string& text() const { return text_; }
  std::size_t size_bytes() const { return text_.size(); }

 private:
  explicit LogCorpus(std::string text) : text_(std::move(text)) {}
  std::string text_;
};

}  // namespace perfgate::workloads::compression
