#include "gate/timestamp.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <chrono>
#include <optional>

namespace perfgate::gate {
namespace {

constexpr std::string_view kNotIso8601 = "is not ISO 8601 (2026-11-29 or 2026-11-29T03:12:00Z)";
constexpr int kMaxFractionDigits = 9;       // nanoseconds: what Timestamp holds exactly
constexpr int kMaxOffsetMinutes = 14 * 60;  // UTC+14:00 (Line Islands) is the farthest in use

// Reads the text left to right; every read either takes what it expects or
// leaves the position where it was.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}

  bool at_end() const { return pos_ == text_.size(); }
  bool take(char c) {
    if (at_end() || text_[pos_] != c) return false;
    ++pos_;
    return true;
  }
  // Exactly `n` ASCII digits (std::isdigit would take the locale's).
  std::optional<int> digits(int n) {
    if (text_.size() - pos_ < static_cast<std::size_t>(n)) return std::nullopt;
    int value = 0;
    for (int i = 0; i < n; ++i) {
      const char c = text_[pos_ + i];
      if (c < '0' || c > '9') return std::nullopt;
      value = value * 10 + (c - '0');
    }
    pos_ += n;
    return value;
  }
  // The run of ASCII digits here, however long.
  std::string_view digit_run() {
    const std::size_t start = pos_;
    while (!at_end() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
    return text_.substr(start, pos_ - start);
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace

std::expected<Timestamp, std::string> parse_timestamp(std::string_view text) {
  using std::unexpected;
  namespace chr = std::chrono;
  Cursor in(text);
  const auto year = in.digits(4);
  std::optional<int> month, day;
  if (year && in.take('-')) month = in.digits(2);
  if (month && in.take('-')) day = in.digits(2);
  if (!day) return unexpected(std::string(kNotIso8601));

  int hour = 0, minute = 0, second = 0, offset_minutes = 0;
  std::uint32_t nanos = 0;
  if (!in.at_end()) {
    const bool t = in.take('T');
    const auto h = t ? in.digits(2) : std::nullopt;
    const auto m = h && in.take(':') ? in.digits(2) : std::nullopt;
    if (!m) return unexpected(std::string(kNotIso8601));
    hour = *h;
    minute = *m;
    if (in.take(':')) {
      const auto s = in.digits(2);
      if (!s) return unexpected(std::string(kNotIso8601));
      second = *s;
      if (in.take('.')) {
        const std::string_view fraction = in.digit_run();
        if (fraction.empty()) return unexpected(std::string(kNotIso8601));
        if (fraction.size() > kMaxFractionDigits)
          return unexpected(fmt::format("has {} digits of a second's fraction, more than {}",
                                        fraction.size(), kMaxFractionDigits));
        for (int i = 0; i < kMaxFractionDigits; ++i)
          nanos = nanos * 10 + (i < static_cast<int>(fraction.size()) ? fraction[i] - '0' : 0);
      }
    }
    if (!in.take('Z') && !in.at_end()) {
      const int sign = in.take('+') ? 1 : in.take('-') ? -1 : 0;
      const auto oh = sign != 0 ? in.digits(2) : std::nullopt;
      const auto om = oh && in.take(':') ? in.digits(2) : std::nullopt;
      if (!om) return unexpected(std::string(kNotIso8601));
      if (*om > 59 || *oh * 60 + *om > kMaxOffsetMinutes)
        return unexpected(fmt::format("has UTC offset {}{:02}:{:02}, beyond ±14:00",
                                      sign > 0 ? '+' : '-', *oh, *om));
      offset_minutes = sign * (*oh * 60 + *om);
    }
    if (!in.at_end()) return unexpected(std::string(kNotIso8601));
  }

  if (*year < 1) return unexpected(std::string("has year 0000 (0001 to 9999)"));
  if (*month < 1 || *month > 12) return unexpected(fmt::format("has month {} (1 to 12)", *month));
  const chr::year_month ym{chr::year{*year}, chr::month{static_cast<unsigned>(*month)}};
  const unsigned days = static_cast<unsigned>((ym / chr::last).day());
  if (*day < 1 || static_cast<unsigned>(*day) > days)
    return unexpected(
        fmt::format("has day {}, but {:04}-{:02} has {} days", *day, *year, *month, days));
  if (hour > 23) return unexpected(fmt::format("has hour {} (0 to 23)", hour));
  if (minute > 59) return unexpected(fmt::format("has minute {} (0 to 59)", minute));
  if (second > 60) return unexpected(fmt::format("has second {} (0 to 60)", second));

  const chr::sys_days date{ym / chr::day{static_cast<unsigned>(*day)}};
  const std::int64_t seconds = std::int64_t{date.time_since_epoch().count()} * 86400 + hour * 3600 +
                               minute * 60 + second - offset_minutes * 60;
  return Timestamp{.seconds = seconds, .nanos = nanos};
}

std::string utc_second_text(std::int64_t seconds) {
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}",
                     std::chrono::sys_seconds{std::chrono::seconds{seconds}});
}

bool has_utc_second_shape(std::string_view text) {
  return text.size() == 20 && text[10] == 'T' && text[19] == 'Z';
}

}  // namespace perfgate::gate
