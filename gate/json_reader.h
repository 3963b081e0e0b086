#pragma once
// Reading the JSON files perfgate is given (results, profiles, history lines,
// workload run files, Google Benchmark output): parsing that refuses a key
// given twice in one object, and typed access to an object's fields that
// names the field when it is wrong. Pure; thread-compatible.

#include <fmt/format.h>

#include <cstdint>
#include <expected>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace perfgate::gate {

// nlohmann::json's exception text without its "[json.exception.type_error.302] "
// prefix, which names the library's internals, not the input.
std::string json_error_text(const char* what);

// Why a text is not JSON perfgate reads: one line, without the input's name.
struct JsonParseError {
  bool duplicate_key = false;  // well-formed JSON that gives one object a key twice
  // nlohmann's words ("parse error at line 3, column 5: syntax error while
  // parsing value - ..."), or where the key is repeated
  // ("benchmarks[0].regression: duplicate key 'enabled'").
  std::string message;
  // The message as a reader of a whole file says it: "not valid JSON: …"
  // before nlohmann's words.
  std::string describe() const { return duplicate_key ? message : "not valid JSON: " + message; }
};

// The SAX handler (nlohmann::json::sax_parse) behind parse_json: builds the
// DOM as json::parse does, but stops at a key that its object already has —
// json::parse keeps the last, so a file could say two things about one field
// and be read as one of them. Public so that a reader can put a filter in
// front of it (results_json.cpp counts samples rather than storing them).
class JsonDomBuilder {
 public:
  // Fills root, which must outlive the builder.
  explicit JsonDomBuilder(nlohmann::json& root) : root_(root) {}

  bool null() { return put(nullptr); }
  bool boolean(bool v) { return put(v); }
  bool number_integer(std::int64_t v) { return put(v); }
  bool number_unsigned(std::uint64_t v) { return put(v); }
  bool number_float(double v, const std::string& /*as written*/) { return put(v); }
  bool string(std::string& v) { return put(std::move(v)); }
  bool binary(nlohmann::json::binary_t& v) { return put(std::move(v)); }
  bool start_object(std::size_t /*unknown in text*/) {
    open_.push_back(place(nlohmann::json::value_t::object));
    return true;
  }
  bool key(std::string& k);
  bool end_object() { return close(); }
  bool start_array(std::size_t /*unknown in text*/) {
    open_.push_back(place(nlohmann::json::value_t::array));
    return true;
  }
  bool end_array() { return close(); }
  bool parse_error(std::size_t position, const std::string& last_token,
                   const nlohmann::detail::exception& e);

  // Set once sax_parse has returned false.
  const JsonParseError& error() const { return error_; }

 private:
  template <typename V>
  bool put(V&& v) {
    place(std::forward<V>(v));
    return true;
  }
  // Adds v where the text is: the root, the next element of the open array,
  // or the value of the key just read.
  template <typename V>
  nlohmann::json* place(V&& v) {
    if (open_.empty()) {
      root_ = nlohmann::json(std::forward<V>(v));
      return &root_;
    }
    if (open_.back()->is_array()) {
      auto& array = open_.back()->get_ref<nlohmann::json::array_t&>();
      array.emplace_back(std::forward<V>(v));
      return &array.back();
    }
    *slot_ = nlohmann::json(std::forward<V>(v));
    return slot_;
  }
  bool close() {
    open_.pop_back();
    return true;
  }
  // "benchmarks[0].regression": the open containers below the root.
  std::string open_path() const;

  nlohmann::json& root_;
  // The arrays and objects not yet closed, outermost first. Each points into
  // its parent, which does not change while it is open.
  std::vector<nlohmann::json*> open_;
  nlohmann::json* slot_ = nullptr;  // the value of the key read last
  JsonParseError error_;
};

// One JSON value (nothing but whitespace after it), with every object's keys
// distinct.
std::expected<nlohmann::json, JsonParseError> parse_json(std::string_view text);

// A JSON number's value as a whole number, when it is one and fits: an
// integer, or a float without a fractional part (JSON Schema, draft 2020-12,
// counts 12000.0 as an integer, so a file its schema passes may hold one).
// nullopt for 12000.5, a value out of range (below 0 for as_count), or
// anything that is not a number.
std::optional<std::uint64_t> as_count(const nlohmann::json& v);
std::optional<std::int64_t> as_integer(const nlohmann::json& v);

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
  // From min to max, inclusive.
  double number_in(std::string_view key, double min, double max) const;
  // A whole number >= min ("must be an integer >= 1, got 0").
  std::uint64_t count(std::string_view key, std::uint64_t min = 0) const;
  std::uint64_t count_in(std::string_view key, std::uint64_t min, std::uint64_t max) const;
  bool boolean(std::string_view key) const;
  // A string that is one of `allowed`.
  std::string one_of(std::string_view key, std::initializer_list<std::string_view> allowed) const;
  // Refuses a value that is not an object, and a key that is not `known`
  // ("unknown field 'x'"): the object is closed, as a schema's
  // "additionalProperties": false.
  void only(std::initializer_list<std::string_view> known) const;
  // f(JsonReader) for every element of the array at key.
  template <typename F>
  void each(std::string_view key, F&& f) const {
    const nlohmann::json& v = at(key);
    if (!v.is_array()) fail_at(key, "must be an array" + got(v));
    const std::string array = field_path(key);
    for (std::size_t i = 0; i < v.size(); ++i)
      f(JsonReader(v[i], origin_, fmt::format("{}[{}]", array, i)));
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
