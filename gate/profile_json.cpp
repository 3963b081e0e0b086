#include "gate/profile_json.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "gate/json_reader.h"

namespace perfgate::gate {

using nlohmann::json;

std::string profile_to_json(const profiler::Profile& profile) {
  json frames = json::array();
  for (const auto& f : profile.frames())
    frames.push_back({{"function", f.function},
                      {"module", f.module},
                      {"build_id", f.build_id},
                      {"offset", f.offset},
                      {"inlined", f.inlined},
                      {"symbol_size", f.symbol_size},
                      {"kind", f.kind == profiler::FrameKind::kernel ? "kernel" : "user"}});
  json stacks = json::array();
  for (const auto& s : profile.stacks()) stacks.push_back({{"frames", s.frames}, {"count", s.count}});
  json calls = json::array();
  for (const auto& c : profile.calls) {
    json entry = {{"function", c.function}, {"module", c.module}, {"calls", c.calls}, {"self_samples", c.self_samples}};
    if (!c.runs.empty()) {
      entry["runs"] = json::array();
      for (const auto& r : c.runs) entry["runs"].push_back({{"calls", r.calls}, {"self_samples", r.self_samples}});
    }
    calls.push_back(std::move(entry));
  }
  const auto& st = profile.stats;
  json doc = {
      {"schema", kProfileSchema},
      {"mode", profiler::to_string(profile.mode())},
      {"unit", profile.unit()},
      {"stats",
       {{"samples", st.samples},
        {"lost", st.lost},
        {"truncated", st.truncated},
        {"missing_user_stacks", st.missing_user_stacks},
        {"hz", st.hz},
        {"duration_s", st.duration_s},
        {"drop_rate", st.drop_rate()}}},
      {"total", profile.total()},
      {"warnings", profile.warnings},
      {"frames", std::move(frames)},
      {"stacks", std::move(stacks)},
  };
  if (!profile.calls.empty()) {
    doc["calls"] = std::move(calls);
    doc["calls_partial"] = profile.calls_partial;
    if (!profile.calls_from.empty()) doc["calls_from"] = profile.calls_from;
  }
  if (!profile.recorded_from.empty()) doc["recorded_from"] = profile.recorded_from;
  // A function, module or command name that is not UTF-8 (a file name's
  // bytes) is written with U+FFFD rather than losing the recording.
  return doc.dump(1, ' ', false, json::error_handler_t::replace) + "\n";
}

namespace {

// A malformed field, with the path that locates it.
struct BadProfileField {
  std::string message;
};

[[noreturn]] void bad(std::string message) {
  throw BadProfileField{std::move(message)};
}

// The schema's keys only: a misspelt key would otherwise be a field left at
// its default without a word.
void only_keys(const json& object, std::string_view where,
               std::initializer_list<std::string_view> known) {
  const std::string_view name = where.empty() ? "the profile" : where;
  if (!object.is_object())
    bad(fmt::format("{} must be an object, got {}", name, object.type_name()));
  for (const auto& [key, value] : object.items())
    if (std::ranges::find(known, key) == known.end())
      bad(fmt::format("{} has an unknown key '{}'", name, key));
}

// "where.key", or "key" at the top level (where is empty).
std::string path(std::string_view where, const char* key) {
  return where.empty() ? std::string(key) : fmt::format("{}.{}", where, key);
}

const json& member(const json& object, const char* key, std::string_view where) {
  const auto it = object.find(key);
  if (it == object.end()) bad(fmt::format("{} is missing", path(where, key)));
  return *it;
}

// A count: a whole number ≥ min, 12000.0 included (as_count). nlohmann's
// get<std::uint64_t>() would wrap -5 to 2^64 - 5 and truncate 1.5 to 1.
std::uint64_t count_of(const json& v, std::string_view where, std::uint64_t min = 0) {
  const auto n = as_count(v);
  if (!n || *n < min)
    bad(fmt::format("{} must be a whole number ≥ {}, got {}", where, min, v.dump()));
  return *n;
}

std::uint64_t count_at(const json& object, const char* key, std::string_view where,
                       std::uint64_t min = 0) {
  return count_of(member(object, key, where), path(where, key), min);
}

std::string string_at(const json& object, const char* key, std::string_view where,
                      bool may_be_empty = false) {
  const json& v = member(object, key, where);
  if (!v.is_string() || (!may_be_empty && v.get_ref<const std::string&>().empty()))
    bad(fmt::format("{} must be a{} string, got {}", path(where, key),
                    may_be_empty ? "" : " non-empty", v.dump()));
  return v.get<std::string>();
}

bool bool_at(const json& object, const char* key, std::string_view where) {
  const json& v = member(object, key, where);
  if (!v.is_boolean())
    bad(fmt::format("{} must be true or false, got {}", path(where, key), v.dump()));
  return v.get<bool>();
}

profiler::Frame frame_from(const json& f, std::string_view where) {
  only_keys(f, where,
            {"function", "module", "build_id", "offset", "inlined", "kind", "symbol_size"});
  profiler::Frame frame;
  frame.function = string_at(f, "function", where);
  frame.module =
      string_at(f, "module", where, true);  // "" from folded stacks, which name no module
  if (f.contains("build_id")) {
    const json& id = f.at("build_id");
    if (!id.is_string() || id.get_ref<const std::string&>().size() % 2 != 0 ||
        !std::ranges::all_of(id.get_ref<const std::string&>(), [](char c) {
          return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
        }))
      bad(fmt::format("{}.build_id must be lower-case hex, got {}", where, id.dump()));
    frame.build_id = id.get<std::string>();
  }
  if (f.contains("offset")) frame.offset = count_at(f, "offset", where);
  if (f.contains("inlined")) frame.inlined = bool_at(f, "inlined", where);
  if (f.contains("symbol_size")) frame.symbol_size = count_at(f, "symbol_size", where);
  if (f.contains("kind")) {
    const json& kind = f.at("kind");
    if (kind != "user" && kind != "kernel")
      bad(fmt::format("{}.kind must be \"user\" or \"kernel\", got {}", where, kind.dump()));
    if (kind == "kernel") frame.kind = profiler::FrameKind::kernel;
  }
  return frame;
}

}  // namespace

// Reads what profile_to_json writes, as docs/schema/profile.schema.json
// states it; only the fields a hand-made profile can do without (a frame's
// build_id, offset, inlined, kind and symbol size; unit, total, warnings,
// drop_rate) may be missing, and then take their defaults.
std::expected<profiler::Profile, Error> profile_from_json(std::string_view text) {
  auto parsed = parse_json(text);
  if (!parsed) return std::unexpected(Error::bad_input("profile: " + parsed.error().message));
  try {
    const json& doc = *parsed;
    if (!doc.is_object() || doc.value("schema", "") != kProfileSchema)
      return std::unexpected(Error::bad_input(
          fmt::format("not a profile: expected \"schema\": \"{}\"", kProfileSchema)));
    only_keys(doc, "",
              {"schema", "mode", "unit", "stats", "total", "warnings", "calls_partial",
               "calls_from", "calls", "recorded_from", "frames", "stacks"});
    const json& mode = member(doc, "mode", "");
    if (mode != "cpu" && mode != "offcpu")
      bad(fmt::format("mode must be \"cpu\" or \"offcpu\", got {}", mode.dump()));
    profiler::Profile profile(mode == "cpu" ? profiler::Mode::cpu : profiler::Mode::offcpu);
    if (doc.contains("unit") && doc.at("unit") != profile.unit())
      bad(fmt::format("unit must be \"{}\" in {} mode, got {}", profile.unit(),
                      mode.get<std::string>(), doc.at("unit").dump()));
    const json& st = member(doc, "stats", "");
    only_keys(
        st, "stats",
        {"samples", "lost", "truncated", "missing_user_stacks", "hz", "duration_s", "drop_rate"});
    profile.stats.samples = count_at(st, "samples", "stats");
    profile.stats.lost = count_at(st, "lost", "stats");
    profile.stats.truncated = count_at(st, "truncated", "stats");
    profile.stats.missing_user_stacks = count_at(st, "missing_user_stacks", "stats");
    const std::uint64_t hz = count_at(st, "hz", "stats");
    if (hz > 1'000'000) bad(fmt::format("stats.hz must be at most 1000000, got {}", hz));
    if (profile.mode() == profiler::Mode::offcpu && hz != 0)
      bad(fmt::format("stats.hz must be 0 in offcpu mode, got {}", hz));
    profile.stats.hz = static_cast<unsigned>(hz);
    const json& duration = member(st, "duration_s", "stats");
    if (!duration.is_number() || !(duration.get<double>() >= 0) ||
        !std::isfinite(duration.get<double>()))
      bad(fmt::format("stats.duration_s must be a number ≥ 0, got {}", duration.dump()));
    profile.stats.duration_s = duration.get<double>();
    if (doc.contains("warnings")) {
      const json& warnings = doc.at("warnings");
      if (!warnings.is_array() ||
          !std::ranges::all_of(warnings, [](const json& w) { return w.is_string(); }))
        bad(fmt::format("warnings must be an array of strings, got {}", warnings.dump()));
      profile.warnings = warnings.get<std::vector<std::string>>();
    }
    if (doc.contains("calls_partial")) profile.calls_partial = bool_at(doc, "calls_partial", "");
    if (doc.contains("calls_from")) profile.calls_from = string_at(doc, "calls_from", "");
    if (doc.contains("recorded_from")) profile.recorded_from = string_at(doc, "recorded_from", "");
    if (doc.contains("calls")) {
      const json& calls = doc.at("calls");
      if (!calls.is_array()) bad(fmt::format("calls must be an array, got {}", calls.type_name()));
      for (std::size_t i = 0; i < calls.size(); ++i) {
        const json& c = calls[i];
        const std::string where = fmt::format("calls[{}]", i);
        only_keys(c, where, {"function", "module", "calls", "self_samples", "runs"});
        profiler::FunctionCalls fc{string_at(c, "function", where), string_at(c, "module", where),
                                   count_at(c, "calls", where), count_at(c, "self_samples", where)};
        if (c.contains("runs")) {
          const json& runs = c.at("runs");
          if (!runs.is_array())
            bad(fmt::format("{}.runs must be an array, got {}", where, runs.type_name()));
          for (std::size_t k = 0; k < runs.size(); ++k) {
            const std::string at = fmt::format("{}.runs[{}]", where, k);
            only_keys(runs[k], at, {"calls", "self_samples"});
            fc.runs.push_back(
                {count_at(runs[k], "calls", at), count_at(runs[k], "self_samples", at)});
          }
        }
        profile.calls.push_back(std::move(fc));
      }
    }
    const json& frames = member(doc, "frames", "");
    if (!frames.is_array()) bad(fmt::format("frames must be an array, got {}", frames.type_name()));
    std::vector<std::uint32_t> ids;
    for (std::size_t i = 0; i < frames.size(); ++i)
      ids.push_back(profile.intern(frame_from(frames[i], fmt::format("frames[{}]", i))));
    const json& stacks = member(doc, "stacks", "");
    if (!stacks.is_array()) bad(fmt::format("stacks must be an array, got {}", stacks.type_name()));
    std::uint64_t total = 0;
    for (std::size_t n = 0; n < stacks.size(); ++n) {
      const json& s = stacks[n];
      const std::string where = fmt::format("stacks[{}]", n);
      only_keys(s, where, {"frames", "count"});
      const json& indices = member(s, "frames", where);
      if (!indices.is_array() || indices.empty())
        bad(fmt::format("{}.frames must be a non-empty array of frame indices, got {}", where,
                        indices.dump()));
      std::vector<std::uint32_t> stack;
      for (const json& i : indices) {
        const std::uint64_t index = count_of(i, where + ".frames[]");
        if (index >= ids.size())
          bad(fmt::format("{} refers to frame {} of {}", where, index, ids.size()));
        stack.push_back(ids[index]);
      }
      const std::uint64_t count = count_at(s, "count", where, 1);
      if (__builtin_add_overflow(total, count, &total))
        bad("the stacks' counts add up beyond 2^64");
      profile.add(stack, count);
    }
    if (doc.contains("total"))
      if (const std::uint64_t stated = count_at(doc, "total", ""); stated != total)
        bad(fmt::format("total is {} but the stacks' counts add up to {}", stated, total));
    return profile;
  } catch (const BadProfileField& e) {
    return std::unexpected(Error::bad_input("profile: " + e.message));
  } catch (const json::exception& e) {
    return std::unexpected(Error::bad_input(fmt::format("profile: {}", json_error_text(e.what()))));
  }
}

}  // namespace perfgate::gate
