#pragma once

// Internal to core/sidekiq (include from .cpp files only; simdjson is a private dependency of
// kiq_core). Gives each parse a simdjson DOM parser: a thread-local one for ordinary documents, so
// indexing a million payloads does not allocate per payload, and a one-off parser for large
// documents (so a single 10 MB payload does not pin 10 MB+ of buffers per worker thread) or when
// the thread-local parser is already in use further up the stack (WorkRecord parsing its payload).

#include "sidekiq/json/JsonScanner.h"

#include <simdjson.h>

#include <memory>
#include <string>
#include <string_view>

namespace kiq::sidekiq::detail {
class DomParser {
public:
    DomParser() = default;
    ~DomParser();
    DomParser(const DomParser&) = delete;
    DomParser& operator=(const DomParser&) = delete;

    // The returned element lives until this DomParser is destroyed or parses again.
    simdjson::simdjson_result<simdjson::dom::element> parse(std::string_view json);

private:
    simdjson::dom::parser* m_parser = nullptr;
    std::unique_ptr<simdjson::dom::parser> m_own;
    bool m_borrowed = false;
};

json::Kind kindOf(simdjson::dom::element element);

// Compact JSON text of an element (simdjson::minify; numbers may be re-formatted).
std::string toJsonText(simdjson::dom::element element);

// Text for a string element, or the compact JSON of anything else.
std::string toDisplayText(simdjson::dom::element element);
} // namespace kiq::sidekiq::detail
