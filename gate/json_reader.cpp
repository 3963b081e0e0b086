#include "gate/json_reader.h"

#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "gate/results.h"

namespace perfgate::gate {

using nlohmann::json;

std::string json_error_text(const char* what) {
  std::string text(what);
  if (text.starts_with("[json.exception."))
    if (const auto end = text.find("] "); end != std::string::npos) text.erase(0, end + 2);
  return text;
}

bool JsonDomBuilder::key(std::string& k) {
  auto [it, added] = open_.back()->get_ref<json::object_t&>().try_emplace(k);
  if (!added) {
    const std::string where = open_path();
    error_ = {.duplicate_key = true,
              .message = fmt::format("{}duplicate key '{}'", where.empty() ? "" : where + ": ",
                                     excerpt(k))};
    return false;
  }
  slot_ = &it->second;
  return true;
}

bool JsonDomBuilder::parse_error(std::size_t /*position*/, const std::string& /*last_token*/,
                                 const nlohmann::detail::exception& e) {
  error_ = {.duplicate_key = false, .message = json_error_text(e.what())};
  return false;
}

std::string JsonDomBuilder::open_path() const {
  std::string path;
  for (std::size_t i = 1; i < open_.size(); ++i) {
    const json& parent = *open_[i - 1];
    if (parent.is_array()) {
      path += fmt::format("[{}]", open_[i] - parent.get_ref<const json::array_t&>().data());
      continue;
    }
    for (const auto& [key, value] : parent.get_ref<const json::object_t&>())
      if (&value == open_[i]) path += (path.empty() ? "" : ".") + excerpt(key);
  }
  return path;
}

std::expected<json, JsonParseError> parse_json(std::string_view text) {
  json root;
  JsonDomBuilder builder(root);
  if (!json::sax_parse(text, &builder)) return std::unexpected(builder.error());
  return root;
}

std::optional<std::uint64_t> as_count(const json& v) {
  if (v.is_number_unsigned()) return v.get<std::uint64_t>();
  if (v.is_number_integer()) {
    const auto i = v.get<std::int64_t>();
    if (i < 0) return std::nullopt;
    return static_cast<std::uint64_t>(i);
  }
  if (!v.is_number_float()) return std::nullopt;
  // 2^64 is exact as a double, and every whole double below it fits.
  const double d = v.get<double>();
  if (d >= 0 && d < 0x1p64 && std::trunc(d) == d) return static_cast<std::uint64_t>(d);
  return std::nullopt;
}

std::optional<std::int64_t> as_integer(const json& v) {
  if (v.is_number_unsigned()) {
    const auto u = v.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
      return std::nullopt;
    return static_cast<std::int64_t>(u);
  }
  if (v.is_number_integer()) return v.get<std::int64_t>();
  if (!v.is_number_float()) return std::nullopt;
  const double d = v.get<double>();
  if (d >= -0x1p63 && d < 0x1p63 && std::trunc(d) == d) return static_cast<std::int64_t>(d);
  return std::nullopt;
}

const json& JsonReader::at(std::string_view key) const {
  auto it = j_.find(key);
  if (it == j_.end()) fail(fmt::format("missing field '{}'", key));
  return *it;
}

JsonReader JsonReader::child(std::string_view key) const {
  const json& c = at(key);
  if (!c.is_object()) fail_at(key, "must be an object" + got(c));
  return {c, origin_, field_path(key)};
}

std::string JsonReader::str(std::string_view key) const {
  const json& v = at(key);
  if (!v.is_string()) fail_at(key, "must be a string" + got(v));
  return v.get<std::string>();
}

double JsonReader::nonneg(std::string_view key) const {
  const json& v = at(key);
  if (!v.is_number() || !std::isfinite(v.get<double>()) || v.get<double>() < 0)
    fail_at(key, "must be a finite number >= 0" + got(v));
  return v.get<double>();
}

double JsonReader::number(std::string_view key) const {
  const json& v = at(key);
  if (!v.is_number() || !std::isfinite(v.get<double>()))
    fail_at(key, "must be a finite number" + got(v));
  return v.get<double>();
}

std::uint64_t JsonReader::count(std::string_view key, std::uint64_t min) const {
  const json& v = at(key);
  const auto n = as_count(v);
  if (!n || *n < min) fail_at(key, fmt::format("must be an integer >= {}{}", min, got(v)));
  return *n;
}

double JsonReader::number_in(std::string_view key, double min, double max) const {
  const json& v = at(key);
  if (!v.is_number() || !(v.get<double>() >= min && v.get<double>() <= max))
    fail_at(key, fmt::format("must be a number from {} to {}{}", min, max, got(v)));
  return v.get<double>();
}

std::uint64_t JsonReader::count_in(std::string_view key, std::uint64_t min,
                                   std::uint64_t max) const {
  const json& v = at(key);
  const auto n = as_count(v);
  if (!n || *n < min || *n > max)
    fail_at(key, fmt::format("must be an integer from {} to {}{}", min, max, got(v)));
  return *n;
}

std::string JsonReader::one_of(std::string_view key,
                               std::initializer_list<std::string_view> allowed) const {
  const json& v = at(key);
  if (!v.is_string() ||
      std::ranges::find(allowed, v.get_ref<const std::string&>()) == allowed.end()) {
    if (allowed.size() == 1)
      fail_at(key, fmt::format("must be \"{}\"{}", *allowed.begin(), got(v)));
    fail_at(key, fmt::format("must be one of \"{}\"{}", fmt::join(allowed, "\", \""), got(v)));
  }
  return v.get<std::string>();
}

void JsonReader::only(std::initializer_list<std::string_view> known) const {
  if (!j_.is_object()) fail("must be an object" + got(j_));
  for (const auto& [key, value] : j_.items())
    if (std::ranges::find(known, key) == known.end())
      fail(fmt::format("unknown field '{}' (known: {})", excerpt(key), fmt::join(known, ", ")));
}

bool JsonReader::boolean(std::string_view key) const {
  const json& v = at(key);
  if (!v.is_boolean()) fail_at(key, "must be true or false" + got(v));
  return v.get<bool>();
}

void JsonReader::fail(std::string_view what) const {
  throw JsonFieldError{path_.empty() ? fmt::format("{}: {}", origin_, what)
                                     : fmt::format("{}: {}: {}", origin_, path_, what)};
}

void JsonReader::fail_at(std::string_view key, std::string_view what) const {
  throw JsonFieldError{fmt::format("{}: {}: {}", origin_, field_path(key), what)};
}

std::string JsonReader::got(const json& v) {
  if (v.is_array()) return ", got an array";
  if (v.is_object()) return ", got an object";
  return ", got " + excerpt(v.dump(-1, ' ', false, json::error_handler_t::replace));
}

}  // namespace perfgate::gate
