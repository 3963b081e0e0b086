#include "workloads/sketches/item_hash.h"

#include <sodium.h>
#include <xxhash.h>

#include <cstring>

namespace perfgate::workloads::sketches {

Hash128 hash_item(std::string_view item, ItemHash hash) {
  if (hash == ItemHash::xxh3) {
    const XXH128_hash_t h = XXH3_128bits(item.data(), item.size());
    return Hash128{.h1 = h.low64, .h2 = h.high64};
  }
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(item.data()), item.size());
  Hash128 h;
  std::memcpy(&h.h1, digest, sizeof h.h1);
  std::memcpy(&h.h2, digest + sizeof h.h1, sizeof h.h2);
  return h;
}

}  // namespace perfgate::workloads::sketches
