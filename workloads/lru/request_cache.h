#pragma once
// A response cache in front of an origin, keyed by the hash of the request
// content: the unit the lru workload times.
//
// serve() is one request: hash the content to a key (cache_key.h), look it up,
// and on a miss store the origin's response (evicting the least recently used
// entry at capacity). serve_batch() serves the requests that arrived together
// (one read off a pipelined connection) in order; the workload times one batch.
// The origin itself is simulated by the caller, which passes the response a
// miss would fetch; its latency is not modelled, so the op measures the cache
// alone. Not thread-safe; move-only.

#include <cstdint>
#include <expected>
#include <span>
#include <string>
#include <string_view>

#include "workloads/harness/slowdown.h"
#include "workloads/lru/cache_key.h"
#include "workloads/lru/lru_cache.h"

namespace perfgate::workloads::lru {

// What the origin returns for a request (a handle to the body, not the body).
struct Response {
  std::uint64_t body_id = 0;
  std::uint32_t body_bytes = 0;
};

struct Request {
  std::string_view content;
  Response on_miss;  // what the origin would return for it
};

struct ServeResult {
  bool hit = false;
  Response response;
  bool evicted = false;  // a miss that had to evict
};

struct RequestCacheConfig {
  std::size_t capacity = 4096;  // entries
  KeyHash key_hash = KeyHash::xxh3;
  Eviction eviction = Eviction::list_tail;
  harness::Slowdown slowdown;  // injected into serve_batch()
};

class RequestCache {
 public:
  static std::expected<RequestCache, std::string> create(const RequestCacheConfig& config);

  // One request. on_miss is the origin's response for this content; it is
  // stored only on a miss.
  [[gnu::noinline]] ServeResult serve(std::string_view content, const Response& on_miss);

  // The requests of one batch in order, results[i] for batch[i] (results has
  // batch.size() elements). Kept out of line (and named in the workload's
  // Info) so that --slowdown's extra work is this function's self time; the
  // slowdown scales the whole batch, which is long enough (microseconds) for
  // the injected percentage to be exact.
  [[gnu::noinline]] void serve_batch(std::span<const Request> batch, std::span<ServeResult> results);

  const LruCache<Response>& cache() const { return cache_; }

 private:
  RequestCache(LruCache<Response> cache, const RequestCacheConfig& config)
      : cache_(std::move(cache)), key_hash_(config.key_hash), slowdown_(config.slowdown) {}

  LruCache<Response> cache_;
  KeyHash key_hash_;
  harness::Slowdown slowdown_;
};

}  // namespace perfgate::workloads::lru
