#include "CliContext.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>
#include <ctime>
#include <iostream>

namespace kiq::cli {

redis::Client& CliContext::client()
{
    if (!m_client) {
        auto options = flags.build(secrets);
        for (const auto& w : options.warnings()) std::cerr << "warning: " << w << "\n";
        m_client = std::make_unique<redis::Client>(std::move(options));
        m_client->connect();
    }
    return *m_client;
}

void CliContext::printJson(const QJsonValue& value) const
{
    QJsonDocument doc = value.isArray() ? QJsonDocument(value.toArray()) : QJsonDocument(value.toObject());
    std::cout << doc.toJson(QJsonDocument::Indented).toStdString();
}

std::string formatAge(double seconds)
{
    if (!std::isfinite(seconds) || seconds < 0) seconds = 0;
    const long long s = static_cast<long long>(seconds);
    if (s < 60) return std::to_string(s) + "s";
    if (s < 3600) return std::to_string(s / 60) + "m " + std::to_string(s % 60) + "s";
    if (s < 86400) return std::to_string(s / 3600) + "h " + std::to_string(s % 3600 / 60) + "m";
    return std::to_string(s / 86400) + "d " + std::to_string(s % 86400 / 3600) + "h";
}

std::string countOf(long long n, const char* one, const char* many)
{
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string formatTime(double epochSeconds)
{
    const std::time_t t = static_cast<std::time_t>(epochSeconds);
    std::tm tm {};
    localtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    return buf;
}

std::string truncate(const std::string& text, std::size_t width)
{
    if (text.size() <= width) return text;
    std::size_t cut = width > 1 ? width - 1 : 0;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut; // stay on a UTF-8 boundary
    return text.substr(0, cut) + "…";
}

} // namespace kiq::cli
