#pragma once
// Reading the JSON files perfgate is given (results, profiles, history lines,
// workload run files, Google Benchmark output): typed access to an object's
// fields that names the field when it is wrong. Pure; thread-compatible.

#include <fmt/format.h>

#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace perfgate::gate {

// nlohmann::json's exception text without its "[json.exception.type_error.302] "
// prefix, which names the library's internals, not the input.
std::string json_error_text(const char* what);

// What JsonReader throws: one line that names the input and the field, e.g.
// "results.json: benchmarks[2].repetitions[0].stats.p99: must be a finite number >= 0, got -1".
// A reader's entry point catches it and returns Error::bad_input; it never
// leaves a module.
struct JsonFieldError {
  std::string message;
};

// One JSON value of an input, and where it is: the input's name (`origin`,
// usually the file) and the path to the value ("benchmarks[2].stats"; empty
// for the whole document). Every accessor checks what it reads and throws
// JsonFieldError naming the field. Refers to the value and to origin, which
// must outlive it.
class JsonReader {
 public:
  JsonReader(const nlohmann::json& j, std::string_view origin, std::string path = "")
      : j_(j), origin_(origin), path_(std::move(path)) {}

  // The field, or "missing field 'key'".
  const nlohmann::json& at(std::string_view key) const;
  bool has(std::string_view key) const { return j_.contains(key); }
  // The field, which must be an object.
  JsonReader child(std::string_view key) const;
  std::string str(std::string_view key) const;
  std::string str_or(std::string_view key, std::string fallback) const {
    return has(key) ? str(key) : fallback;
  }
  // Finite and >= 0: times, counts, percentages.
  double nonneg(std::string_view key) const;
  double number(std::string_view key) const;
  std::uint64_t count(std::string_view key) const;
  bool boolean(std::string_view key) const;
  // f(JsonReader) for every element of the array at key.
  template <typename F>
  void each(std::string_view key, F&& f) const {
    const nlohmann::json& v = at(key);
    if (!v.is_array()) fail_at(key, "must be an array" + got(v));
    for (std::size_t i = 0; i < v.size(); ++i)
      f(JsonReader(v[i], origin_, fmt::format("{}[{}]", field_path(key), i)));
  }

  const nlohmann::json& value() const { return j_; }
  const std::string& path() const { return path_; }
  // Throws "origin: path: what" (at the top level "origin: what").
  [[noreturn]] void fail(std::string_view what) const;
  // Throws "origin: path.key: what".
  [[noreturn]] void fail_at(std::string_view key, std::string_view what) const;
  // ", got 5" / ", got \"us\"" / ", got an array": the value that broke a rule,
  // to follow it in a message; long text is cut short.
  static std::string got(const nlohmann::json& v);

 private:
  std::string field_path(std::string_view key) const {
    return path_.empty() ? std::string(key) : fmt::format("{}.{}", path_, key);
  }

  const nlohmann::json& j_;
  std::string_view origin_;
  std::string path_;
};

}  // namespace perfgate::gate
