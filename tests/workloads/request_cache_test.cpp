#include "workloads/lru/request_cache.h"

#include <gtest/gtest.h>

#include <vector>

namespace perfgate::workloads::lru {
namespace {

TEST(RequestCache, SecondRequestForSameContentHits) {
  auto c = RequestCache::create(RequestCacheConfig{}).value();
  EXPECT_FALSE(c.serve("GET /a", Response{.body_id = 1}).hit);
  const ServeResult r = c.serve("GET /a", Response{.body_id = 2});
  EXPECT_TRUE(r.hit);
  EXPECT_EQ(r.response.body_id, 1u);  // the stored response, not the origin's new one
}

TEST(RequestCache, Sha256KeysBehaveLikeXxh3Keys) {
  RequestCacheConfig cfg;
  cfg.capacity = 2;
  cfg.key_hash = KeyHash::sha256;
  auto c = RequestCache::create(cfg).value();
  c.serve("a", Response{.body_id = 1});
  c.serve("b", Response{.body_id = 2});
  EXPECT_TRUE(c.serve("c", Response{.body_id = 3}).evicted);
  EXPECT_FALSE(c.serve("a", Response{.body_id = 1}).hit);
  EXPECT_EQ(c.cache().size(), 2u);
}

TEST(RequestCache, BatchServesItsRequestsInOrder) {
  RequestCacheConfig cfg;
  cfg.capacity = 2;
  auto c = RequestCache::create(cfg).value();
  const std::vector<Request> batch = {{"a", {.body_id = 1}}, {"a", {.body_id = 9}}, {"b", {.body_id = 2}},
                                      {"c", {.body_id = 3}}, {"a", {.body_id = 4}}};
  std::vector<ServeResult> results(batch.size());
  c.serve_batch(batch, results);
  EXPECT_FALSE(results[0].hit);
  EXPECT_TRUE(results[1].hit);  // stored by the batch's first request
  EXPECT_EQ(results[1].response.body_id, 1u);
  EXPECT_FALSE(results[2].evicted);
  EXPECT_TRUE(results[3].evicted);  // "a" (last used by request 1) is older than "b"
  EXPECT_FALSE(results[4].hit);     // so "a" was the victim of "c"
  EXPECT_EQ(c.cache().size(), 2u);
}

TEST(CacheKey, DiffersBetweenHashesAndContents) {
  EXPECT_NE(cache_key("abc", KeyHash::xxh3), cache_key("abd", KeyHash::xxh3));
  EXPECT_NE(cache_key("abc", KeyHash::xxh3), cache_key("abc", KeyHash::sha256));
  // SHA-256("abc") = ba7816bf8f01cfea..., first 8 bytes big-endian.
  EXPECT_EQ(cache_key("abc", KeyHash::sha256), 0xba7816bf8f01cfeaULL);
}

}  // namespace
}  // namespace perfgate::workloads::lru
