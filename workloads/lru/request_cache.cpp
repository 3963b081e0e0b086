#include "workloads/lru/request_cache.h"

#include <sodium.h>

namespace perfgate::workloads::lru {

std::expected<RequestCache, std::string> RequestCache::create(const RequestCacheConfig& config) {
  // libsodium documents sodium_init() as required before any other call.
  if (config.key_hash == KeyHash::sha256 && sodium_init() < 0)
    return std::unexpected(std::string("libsodium failed to initialize"));
  auto cache = LruCache<Response>::create(config.capacity, config.eviction);
  if (!cache) return std::unexpected(cache.error());
  return RequestCache(std::move(*cache), config);
}

ServeResult RequestCache::serve(std::string_view content, const Response& on_miss) {
  const std::uint64_t key = cache_key(content, key_hash_);
  if (const Response* cached = cache_.get(key)) return ServeResult{.hit = true, .response = *cached};
  const bool evicted = cache_.put(key, on_miss).has_value();
  return ServeResult{.hit = false, .response = on_miss, .evicted = evicted};
}

void RequestCache::serve_batch(std::span<const Request> batch, std::span<ServeResult> results) {
  const harness::SlowdownScope slow(slowdown_);
  for (std::size_t i = 0; i < batch.size(); ++i) results[i] = serve(batch[i].content, batch[i].on_miss);
}

}  // namespace perfgate::workloads::lru
