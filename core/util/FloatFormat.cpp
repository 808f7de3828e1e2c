#include "util/FloatFormat.h"

#include <charconv>
#include <cmath>
#include <string_view>

namespace kiq::util {

void appendRubyFloat(std::string& out, double value)
{
    if (std::isnan(value)) {
        out.append("NaN");
        return;
    }
    if (std::isinf(value)) {
        out.append(value < 0 ? "-Infinity" : "Infinity");
        return;
    }
    // Shortest round-trip digits in scientific form: "[-]d[.ddd]e±XX".
    char buf[64];
    const auto result = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
    std::string_view sci(buf, static_cast<std::size_t>(result.ptr - buf));
    if (!sci.empty() && sci.front() == '-') {
        out.push_back('-');
        sci.remove_prefix(1);
    }
    const std::size_t ePos = sci.find('e');
    const std::string_view mantissa = sci.substr(0, ePos);
    int exponent = 0;
    std::from_chars(sci.data() + ePos + 1 + (sci[ePos + 1] == '+' ? 1 : 0), sci.data() + sci.size(), exponent);
    std::string digits;
    digits.reserve(mantissa.size());
    for (const char c : mantissa) {
        if (c != '.') digits.push_back(c);
    }
    // Ruby's flo_to_s: decpt is the position of the decimal point relative to the digits.
    const int decpt = exponent + 1;
    const int ndigits = static_cast<int>(digits.size());
    if (decpt > 0 && decpt <= 15) { // DBL_DIG
        if (ndigits <= decpt) {
            out.append(digits);
            out.append(static_cast<std::size_t>(decpt - ndigits), '0');
            out.append(".0");
        } else {
            out.append(digits, 0, static_cast<std::size_t>(decpt));
            out.push_back('.');
            out.append(digits, static_cast<std::size_t>(decpt));
        }
    } else if (decpt <= 0 && decpt > -4) {
        out.append("0.");
        out.append(static_cast<std::size_t>(-decpt), '0');
        out.append(digits);
    } else {
        out.push_back(digits[0]);
        out.push_back('.');
        if (ndigits > 1)
            out.append(digits, 1);
        else
            out.push_back('0');
        char exp[8];
        const int e = decpt - 1;
        const int len = std::snprintf(exp, sizeof exp, "e%c%02d", e < 0 ? '-' : '+', e < 0 ? -e : e);
        out.append(exp, static_cast<std::size_t>(len));
    }
}

std::string formatRubyFloat(double value)
{
    std::string out;
    appendRubyFloat(out, value);
    return out;
}
} // namespace kiq::util
