#include "sidekiq/json/JsonDom.h"

namespace kiq::sidekiq::detail {
namespace {
constexpr std::size_t kLargeDocument = 256 * 1024;

struct ThreadParser {
    simdjson::dom::parser parser;
    bool inUse = false;
};

ThreadParser& threadParser()
{
    thread_local ThreadParser instance;
    return instance;
}
} // namespace

DomParser::~DomParser()
{
    if (m_borrowed) threadParser().inUse = false;
}

simdjson::simdjson_result<simdjson::dom::element> DomParser::parse(std::string_view json)
{
    if (!m_parser) {
        ThreadParser& shared = threadParser();
        if (json.size() <= kLargeDocument && !shared.inUse) {
            shared.inUse = true;
            m_borrowed = true;
            m_parser = &shared.parser;
        } else {
            m_own = std::make_unique<simdjson::dom::parser>();
            m_parser = m_own.get();
        }
    }
    // realloc_if_needed = true: simdjson copies the input into its own padded buffer.
    return m_parser->parse(json.data(), json.size(), true);
}

json::Kind kindOf(simdjson::dom::element element)
{
    using simdjson::dom::element_type;
    switch (element.type()) {
    case element_type::ARRAY:
        return json::Kind::Array;
    case element_type::OBJECT:
        return json::Kind::Object;
    case element_type::STRING:
        return json::Kind::String;
    case element_type::BOOL:
        return json::Kind::Boolean;
    case element_type::NULL_VALUE:
        return json::Kind::Null;
    default:
        return json::Kind::Number;
    }
}

std::string toJsonText(simdjson::dom::element element)
{
    return simdjson::to_string(element);
}

std::string toDisplayText(simdjson::dom::element element)
{
    std::string_view s;
    if (element.get_string().get(s) == simdjson::SUCCESS) return std::string(s);
    return toJsonText(element);
}
} // namespace kiq::sidekiq::detail
