#pragma once
// The profiler's error value (STYLE rule 1). The CLI maps permission and
// unsupported to exit 3 with the message as its one line.

#include <string>

namespace perfgate::profiler {

struct Error {
  enum class Kind { permission, unsupported, bad_input, runtime } kind = Kind::runtime;
  std::string message;  // one line, names what is missing and how to fix it
};

}  // namespace perfgate::profiler
