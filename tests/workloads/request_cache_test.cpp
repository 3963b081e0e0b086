#include "workloads/lru/request_cache.h"

#include <gtest/gtest.h>

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

TEST(CacheKey, DiffersBetweenHashesAndContents) {
  EXPECT_NE(cache_key("abc", KeyHash::xxh3), cache_key("abd", KeyHash::xxh3));
  EXPECT_NE(cache_key("abc", KeyHash::xxh3), cache_key("abc", KeyHash::sha256));
  // SHA-256("abc") = ba7816bf8f01cfea..., first 8 bytes big-endian.
  EXPECT_EQ(cache_key("abc", KeyHash::sha256), 0xba7816bf8f01cfeaULL);
}

}  // namespace
}  // namespace perfgate::workloads::lru
