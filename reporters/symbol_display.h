#pragma once
// Shorter C++ function names for reports. A demangled name such as
//   std::_Function_handler<perfgate::gate::ExitCode (), perfgate::cli::…>::_M_invoke(std::_Any_data const&)
// fills a table cell; what a reader needs is the scope and the function.
// Every bracket group (<…> or (…)) whose contents exceed `max_group`
// characters is collapsed to <…> or (…); shorter groups stay. Brackets that do
// not pair up ("operator<", "operator<<") are left alone, so a name is never
// cut wrongly, only less. Display only: JSON reports keep full names.

#include <cstddef>
#include <string>
#include <string_view>

namespace perfgate::reporters {

std::string short_function_name(std::string_view name, std::size_t max_group = 32);

}  // namespace perfgate::reporters
