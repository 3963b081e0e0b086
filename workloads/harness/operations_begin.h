#pragma once
// The mark a workload makes where its operations begin (warm-up included),
// after building its inputs. A profiler can open its window there: perfgate's
// counting runs (`--count-calls`) count calls, and take the samples they set
// them against, from the first call of this function on, so that lru's
// setup (formatting and allocating its 32 768 contents: ~300 000 calls of
// free, memmove and fmt) does not stand in for its requests
// (profiler::RecordOptions::window_from). C linkage: one plain name in the
// symbol table, which any program may define and call to mark its own.

extern "C" void perfgate_operations_begin() noexcept;
