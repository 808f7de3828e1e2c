#pragma once
// A dashboard figure: "950", "38.5k", "1.2M", one rule for the GUI (digits in the user's locale) and
// the CLI. Three significant digits; a value that would round up to 1000 of a unit moves to the next
// unit, so 999,700 reads "1M", never "1e+03k".

#include <string>

namespace kiq::util {

struct CompactNumber {
    double scaled; // to be written with three significant digits
    const char* suffix; // "", "k", "M", "B" or "T"
};

CompactNumber compactNumber(double value);
// In the C locale: "38.5k".
std::string formatCompact(double value);

} // namespace kiq::util
