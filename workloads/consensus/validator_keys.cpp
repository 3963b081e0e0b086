#include "workloads/consensus/validator_keys.h"

#include <sodium.h>

#include "workloads/harness/rng.h"

namespace perfgate::workloads::consensus {

std::expected<std::vector<KeyPair>, std::string> make_validator_keys(std::size_t n, std::uint64_t seed) {
  if (sodium_init() < 0) return std::unexpected(std::string("libsodium failed to initialize"));
  harness::Rng rng(seed);
  std::vector<KeyPair> keys(n);
  for (auto& k : keys) {
    unsigned char key_seed[crypto_sign_SEEDBYTES];
    for (std::size_t i = 0; i < sizeof key_seed; ++i) key_seed[i] = static_cast<unsigned char>(rng.next());
    crypto_sign_seed_keypair(k.public_key.data(), k.secret_key.data(), key_seed);
  }
  return keys;
}

void sign(MessageHeader& h, const SecretKey& sk) {
  const SigningPayload p = signing_payload(h);
  crypto_sign_detached(h.signature.data(), nullptr, p.data(), p.size(), sk.data());
}

bool signature_valid(const MessageHeader& h, const PublicKey& pk) {
  const SigningPayload p = signing_payload(h);
  return crypto_sign_verify_detached(h.signature.data(), p.data(), p.size(), pk.data()) == 0;
}

}  // namespace perfgate::workloads::consensus
