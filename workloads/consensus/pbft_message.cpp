#include "workloads/consensus/pbft_message.h"

#include <algorithm>
#include <cstring>

namespace perfgate::workloads::consensus {
namespace {

constexpr char kSigningTag[24] = "perfgate/pbft/vote/v1";  // zero-padded to 24 bytes

template <typename It>
It put(It out, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) *out++ = static_cast<std::uint8_t>(v >> (8 * i));
  return out;
}

std::uint64_t get(const std::uint8_t* p, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= static_cast<std::uint64_t>(p[i]) << (8 * i);
  return v;
}

// Header fields without the signature, in wire order.
template <typename It>
It put_fields(It out, const MessageHeader& h) {
  *out++ = static_cast<std::uint8_t>(h.phase);
  out = put(out, h.view, 8);
  out = put(out, h.sequence, 8);
  out = std::copy(h.digest.begin(), h.digest.end(), out);
  return put(out, h.replica, 4);
}

}  // namespace

SigningPayload signing_payload(const MessageHeader& h) {
  SigningPayload p{};
  auto out = std::copy(std::begin(kSigningTag), std::end(kSigningTag), p.begin());
  put_fields(out, h);
  return p;
}

std::vector<std::uint8_t> encode_vote(const MessageHeader& h) {
  std::vector<std::uint8_t> out(kHeaderBytes);
  auto it = put_fields(out.begin(), h);
  std::copy(h.signature.begin(), h.signature.end(), it);
  return out;
}

std::vector<std::uint8_t> encode_pre_prepare(const MessageHeader& h,
                                             std::span<const std::uint8_t> proposal_encoding) {
  std::vector<std::uint8_t> out = encode_vote(h);
  put(std::back_inserter(out), proposal_encoding.size(), 4);
  out.insert(out.end(), proposal_encoding.begin(), proposal_encoding.end());
  return out;
}

std::expected<DecodedMessage, std::string> decode_message(std::span<const std::uint8_t> bytes) {
  if (bytes.size() < kHeaderBytes) return std::unexpected(std::string("message truncated"));
  DecodedMessage m;
  const std::uint8_t* p = bytes.data();
  const std::uint8_t phase = p[0];
  if (phase < 1 || phase > 3) return std::unexpected("unknown phase " + std::to_string(phase));
  m.header.phase = static_cast<Phase>(phase);
  m.header.view = get(p + 1, 8);
  m.header.sequence = get(p + 9, 8);
  std::memcpy(m.header.digest.data(), p + 17, 32);
  m.header.replica = static_cast<std::uint32_t>(get(p + 49, 4));
  std::memcpy(m.header.signature.data(), p + 53, 64);
  if (m.header.phase != Phase::pre_prepare) {
    if (bytes.size() != kHeaderBytes) return std::unexpected(std::string("trailing bytes after vote"));
    return m;
  }
  if (bytes.size() < kHeaderBytes + 4) return std::unexpected(std::string("pre-prepare truncated"));
  const std::uint64_t len = get(p + kHeaderBytes, 4);
  if (bytes.size() != kHeaderBytes + 4 + len)
    return std::unexpected(std::string("pre-prepare length does not match its proposal"));
  m.proposal = bytes.subspan(kHeaderBytes + 4);
  return m;
}

}  // namespace perfgate::workloads::consensus
