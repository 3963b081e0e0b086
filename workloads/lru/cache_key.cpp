#include "workloads/lru/cache_key.h"

#include <sodium.h>
#include <xxhash.h>

#include <cstring>

namespace perfgate::workloads::lru {

std::uint64_t cache_key(std::string_view content, KeyHash hash) {
  if (hash == KeyHash::xxh3) return XXH3_64bits(content.data(), content.size());
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(content.data()),
                     content.size());
  // The first 8 digest bytes, read big-endian like the seed's hex prefix.
  std::uint64_t key = 0;
  for (int i = 0; i < 8; ++i) key = (key << 8) | digest[i];
  return key;
}

}  // namespace perfgate::workloads::lru
