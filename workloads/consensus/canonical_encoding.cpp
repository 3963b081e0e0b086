#include "workloads/consensus/canonical_encoding.h"

#include <sodium.h>

#include <algorithm>
#include <cstring>

namespace perfgate::workloads::consensus {
namespace {

constexpr std::uint8_t kVersion = 1;
constexpr char kDigestTag[] = "perfgate/pbft/proposal/v1";

void put_u32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
void put_u64(std::vector<std::uint8_t>& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

class Reader {
 public:
  explicit Reader(std::span<const std::uint8_t> b) : b_(b) {}
  bool u8(std::uint8_t& v) {
    if (b_.size() - pos_ < 1) return false;
    v = b_[pos_++];
    return true;
  }
  bool u32(std::uint32_t& v) {
    if (b_.size() - pos_ < 4) return false;
    v = 0;
    for (int i = 0; i < 4; ++i) v |= static_cast<std::uint32_t>(b_[pos_ + i]) << (8 * i);
    pos_ += 4;
    return true;
  }
  bool u64(std::uint64_t& v) {
    if (b_.size() - pos_ < 8) return false;
    v = 0;
    for (int i = 0; i < 8; ++i) v |= static_cast<std::uint64_t>(b_[pos_ + i]) << (8 * i);
    pos_ += 8;
    return true;
  }
  bool bytes(std::span<const std::uint8_t>& v, std::size_t n) {
    if (b_.size() - pos_ < n) return false;
    v = b_.subspan(pos_, n);
    pos_ += n;
    return true;
  }
  bool at_end() const { return pos_ == b_.size(); }

 private:
  std::span<const std::uint8_t> b_;
  std::size_t pos_ = 0;
};

}  // namespace

void encode(const Proposal& p, std::vector<std::uint8_t>& out) {
  out.clear();
  out.push_back(kVersion);
  put_u64(out, p.view);
  put_u64(out, p.sequence);
  put_u64(out, p.timestamp_ns);
  out.insert(out.end(), p.parent.begin(), p.parent.end());
  put_u32(out, static_cast<std::uint32_t>(p.transactions.size()));
  for (const auto& tx : p.transactions) {
    put_u32(out, static_cast<std::uint32_t>(tx.size()));
    out.insert(out.end(), tx.begin(), tx.end());
  }
}

std::vector<std::uint8_t> encode(const Proposal& p) {
  std::vector<std::uint8_t> out;
  encode(p, out);
  return out;
}

std::expected<Proposal, std::string> decode(std::span<const std::uint8_t> bytes) {
  Reader r(bytes);
  Proposal p;
  std::uint8_t version = 0;
  std::uint32_t count = 0;
  std::span<const std::uint8_t> parent;
  if (!r.u8(version) || !r.u64(p.view) || !r.u64(p.sequence) || !r.u64(p.timestamp_ns) ||
      !r.bytes(parent, p.parent.size()) || !r.u32(count))
    return std::unexpected(std::string("proposal header truncated"));
  if (version != kVersion) return std::unexpected("unknown proposal version " + std::to_string(version));
  if (count > kMaxTransactions) return std::unexpected("too many transactions: " + std::to_string(count));
  std::ranges::copy(parent, p.parent.begin());
  p.transactions.reserve(count);
  for (std::uint32_t i = 0; i < count; ++i) {
    std::uint32_t len = 0;
    std::span<const std::uint8_t> tx;
    if (!r.u32(len) || len > kMaxTransactionBytes || !r.bytes(tx, len))
      return std::unexpected("transaction " + std::to_string(i) + " truncated or too long");
    std::string& s = p.transactions.emplace_back(reinterpret_cast<const char*>(tx.data()), tx.size());
    if (i > 0 && !(p.transactions[i - 1] < s))
      return std::unexpected("transactions not in strictly ascending order at " + std::to_string(i));
  }
  if (!r.at_end()) return std::unexpected(std::string("trailing bytes after proposal"));
  return p;
}

void canonicalize(Proposal& p) {
  std::ranges::sort(p.transactions);
  const auto dup = std::ranges::unique(p.transactions);
  p.transactions.erase(dup.begin(), dup.end());
}

Digest digest_of_encoding(std::span<const std::uint8_t> encoding) {
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  crypto_hash_sha256_update(&st, reinterpret_cast<const unsigned char*>(kDigestTag),
                            sizeof kDigestTag);
  crypto_hash_sha256_update(&st, encoding.data(), encoding.size());
  Digest d;
  crypto_hash_sha256_final(&st, d.data());
  return d;
}

Digest digest_of(const Proposal& p, std::vector<std::uint8_t>& scratch) {
  encode(p, scratch);
  return digest_of_encoding(scratch);
}

}  // namespace perfgate::workloads::consensus
