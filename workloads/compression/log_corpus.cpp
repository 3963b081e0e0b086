#include "workloads/compression/log_corpus.h"

#include <fmt/format.h>

#include <array>
#include <iterator>
#include <string_view>

#include "workloads/harness/rng.h"

namespace perfgate::workloads::compression {
namespace {

constexpr std::array<std::string_view, 12> kServices = {
    "checkout-api", "payments",  "inventory", "search",   "auth",     "gateway",
    "orders",       "shipping",  "catalog",   "pricing",  "notifier", "sessions"};
constexpr std::array<std::string_view, 5> kMethods = {"GET", "GET", "GET", "POST", "PUT"};
constexpr std::array<std::string_view, 10> kPaths = {
    "/api/v1/orders/{}/items",    "/api/v1/users/{}/profile", "/api/v2/search?q=item-{}",
    "/api/v1/cart/{}",            "/api/v1/payments/{}/capture", "/healthz?probe={}",
    "/api/v1/inventory/sku-{}",   "/api/v1/shipments/{}/track", "/api/v2/catalog/{}/images",
    "/api/v1/sessions/{}/refresh"};
constexpr std::array<std::string_view, 6> kErrors = {
    "upstream timeout after 3000 ms", "connection reset by peer", "deadlock detected, retrying",
    "invalid token signature",        "quota exceeded for tenant", "null field 'customer_id'"};
constexpr std::array<std::string_view, 5> kFrames = {
    "at com.shop.orders.OrderService.place(OrderService.java:{})",
    "at com.shop.db.Pool.acquire(Pool.java:{})",
    "at com.shop.http.Client.send(Client.java:{})",
    "at com.shop.auth.TokenVerifier.verify(TokenVerifier.java:{})",
    "at java.base/java.lang.Thread.run(Thread.java:{})"};

template <std::size_t N>
std::string_view pick(harness::Rng& rng, const std::array<std::string_view, N>& a) {
  return a[rng.below(N)];
}

}  // namespace

LogCorpus LogCorpus::generate(std::uint64_t seed, std::size_t size_bytes) {
  harness::Rng rng(seed);
  std::string out;
  out.reserve(size_bytes + 1024);
  auto it = std::back_inserter(out);
  // 2026-11-22T00:00:00Z onwards; events are a fraction of a millisecond
  // apart, like a busy service.
  std::uint64_t t_us = 0;
  auto stamp = [&](std::string_view level, std::string_view service, std::uint64_t req) {
    t_us += 20 + rng.below(600);
    const std::uint64_t s = t_us / 1'000'000;
    fmt::format_to(it, "2026-11-22T{:02}:{:02}:{:02}.{:06}Z {} [{}] req={:016x} ", (s / 3600) % 24,
                   (s / 60) % 60, s % 60, t_us % 1'000'000, level, service, req);
  };
  // A request logs several lines that share its id, service and path, as real
  // services do (received, cache/db detail, completed); that repetition is
  // much of why logs compress well.
  while (out.size() < size_bytes) {
    const std::string_view service = pick(rng, kServices);
    const std::uint64_t req = rng.next();
    const std::uint64_t user = 100000 + rng.below(5000);
    const std::string_view method = pick(rng, kMethods);
    const std::string_view path_fmt = pick(rng, kPaths);
    const std::uint64_t path_id = 1000 + rng.below(90000);
    const std::uint64_t outcome = rng.below(100);
    const bool failed = outcome < 4;

    stamp("INFO ", service, req);
    fmt::format_to(it, "user=u-{} received {} ", user, method);
    fmt::format_to(it, fmt::runtime(path_fmt), path_id);
    out += '\n';
    if (rng.below(100) < 40) {
      stamp("DEBUG", service, req);
      fmt::format_to(it, "cache {} key={}:{} ttl_s={}\n", rng.below(3) == 0 ? "miss" : "hit",
                     service, path_id, 60 * (1 + rng.below(10)));
    }
    if (rng.below(100) < 30) {
      stamp("DEBUG", service, req);
      fmt::format_to(it, "db query=select_by_id rows={} took_ms={}.{}\n", rng.below(50),
                     rng.below(40), rng.below(10));
    }
    if (!failed && outcome < 12) {
      stamp("WARN ", service, req);
      fmt::format_to(it, "slow upstream dur_ms={} threshold_ms=250\n", 250 + rng.below(2000));
    }
    if (failed) {
      stamp("ERROR", service, req);
      fmt::format_to(it, "user=u-{} {} ", user, method);
      fmt::format_to(it, fmt::runtime(path_fmt), path_id);
      fmt::format_to(it, " status={} error=\"{}\"\n", 500 + rng.below(4), pick(rng, kErrors));
      // Stack traces are where logs get long and repetitive.
      const std::uint64_t frames = 2 + rng.below(4);
      for (std::uint64_t f = 0; f < frames; ++f) {
        out += "    ";
        fmt::format_to(it, fmt::runtime(pick(rng, kFrames)), 20 + rng.below(400));
        out += '\n';
      }
    } else {
      const std::uint64_t status_roll = rng.below(100);
      stamp("INFO ", service, req);
      fmt::format_to(it, "completed status={} dur_ms={}.{} bytes={}\n",
                     status_roll < 90   ? 200
                     : status_roll < 95 ? 404
                                        : 304,
                     rng.below(400), rng.below(10), rng.below(65536));
    }
  }
  return LogCorpus(std::move(out));
}

}  // namespace perfgate::workloads::compression
