// BacktraceCodec: zlib + base64 error_backtrace, checked against Ruby-generated data.

#include "sidekiq/model/BacktraceCodec.h"

#include <QTest>

#include <sys/resource.h>

using namespace kiq::sidekiq;

class TestBacktraceCodec : public QObject {
    Q_OBJECT

private slots:
    void encodeMatchesRuby();
    void decodeStrictAndEncode64Forms();
    void roundTrip();
    void base64Leniency();
    void decodeErrors();
    void inflateIsCapped();
    void jsonArrayForm();
    void zipBombIsCapped();
    void linesAndTextAreCapped();
};

void TestBacktraceCodec::encodeMatchesRuby()
{
    // ruby: Base64.strict_encode64(Zlib::Deflate.deflate(JSON.generate(["a:1", "b \"q\" ü"])))
    // (Sidekiq 7.2.1+ compress_backtrace writes exactly this form).
    const std::string encoded = BacktraceCodec::encode({"a:1", "b \"q\" \xC3\xBC"});
    QCOMPARE(encoded, std::string("eJyLVkq0MlTSUUpSiFEqjFFSOLxHKRYANa0Fxw=="));
    QVERIFY(encoded.starts_with("eJ"));
    QVERIFY(encoded.find('\n') == std::string::npos);
}

void TestBacktraceCodec::decodeStrictAndEncode64Forms()
{
    const auto strict = BacktraceCodec::decode("eJyLVkq0MlTSUUpSiFEqjFFSOLxHKRYANa0Fxw==");
    QVERIFY2(strict.ok(), strict.error.c_str());
    QCOMPARE(strict.lines, (std::vector<std::string> {"a:1", "b \"q\" \xC3\xBC"}));
    // Base64.encode64 (6.4–7.2) breaks lines every 60 characters; padding may also be missing.
    const auto wrapped = BacktraceCodec::decode("eJyLVkq0MlTSUUpSiFEqjFFS\nOLxHKRYANa0Fxw\r\n");
    QVERIFY2(wrapped.ok(), wrapped.error.c_str());
    QCOMPARE(wrapped.lines, strict.lines);
}

void TestBacktraceCodec::roundTrip()
{
    std::vector<std::string> lines;
    for (int i = 0; i < 500; ++i)
        lines.push_back("/app/lib/thing_" + std::to_string(i) + ".rb:" + std::to_string(i * 7) + ":in `call'");
    lines.push_back(std::string("ctrl\x01\ttab"));
    const auto decoded = BacktraceCodec::decode(BacktraceCodec::encode(lines));
    QVERIFY(decoded.ok());
    QCOMPARE(decoded.lines, lines);
    QVERIFY(BacktraceCodec::decode(BacktraceCodec::encode({})).lines.empty());
}

void TestBacktraceCodec::base64Leniency()
{
    QCOMPARE(BacktraceCodec::base64DecodeLenient("aGVsbG8="), std::optional<std::string>("hello"));
    QCOMPARE(BacktraceCodec::base64DecodeLenient("aGVsbG8"), std::optional<std::string>("hello"));
    QCOMPARE(BacktraceCodec::base64DecodeLenient(" aGVs\nbG8=\n"), std::optional<std::string>("hello"));
    QCOMPARE(BacktraceCodec::base64DecodeLenient(""), std::optional<std::string>(""));
    QVERIFY(!BacktraceCodec::base64DecodeLenient("aGVs*G8=")); // not in the alphabet
    QVERIFY(!BacktraceCodec::base64DecodeLenient("aGVsb")); // one dangling character
    QVERIFY(!BacktraceCodec::base64DecodeLenient("aG==Vs")); // data after padding
    QCOMPARE(BacktraceCodec::base64EncodeStrict("hello"), std::string("aGVsbG8="));
    QCOMPARE(BacktraceCodec::base64EncodeStrict("hell"), std::string("aGVsbA=="));
    QCOMPARE(BacktraceCodec::base64EncodeStrict("hel"), std::string("aGVs"));
}

void TestBacktraceCodec::decodeErrors()
{
    QVERIFY(BacktraceCodec::decode("!!!").error.find("base64") != std::string::npos);
    // Valid base64, not zlib.
    QVERIFY(BacktraceCodec::decode("aGVsbG8=").error.find("zlib") != std::string::npos);
    // Truncated zlib stream.
    QVERIFY(BacktraceCodec::decode("eJyLVkq0MlTSUUpSiFEq").error.find("zlib") != std::string::npos);
    // zlib of something that is not a JSON array.
    const auto object
        = BacktraceCodec::decode(BacktraceCodec::base64EncodeStrict(*BacktraceCodec::zlibDeflate("{\"a\":1}")));
    QCOMPARE(object.error, std::string("backtrace JSON is an object, expected an array"));
    // Ruby Marshal data (Sidekiq < 6 stored backtraces that way).
    const auto marshal
        = BacktraceCodec::decode(BacktraceCodec::base64EncodeStrict(*BacktraceCodec::zlibDeflate("\x04\x08[\x06")));
    QVERIFY(marshal.error.find("Marshal") != std::string::npos);
}

void TestBacktraceCodec::inflateIsCapped()
{
    const std::string zeros(1 << 20, '0');
    const auto compressed = BacktraceCodec::zlibDeflate(zeros);
    QVERIFY(compressed);
    QVERIFY(compressed->size() < 10000);
    QVERIFY(!BacktraceCodec::zlibInflate(*compressed, 1000));
    QCOMPARE(BacktraceCodec::zlibInflate(*compressed)->size(), zeros.size());
}

void TestBacktraceCodec::jsonArrayForm()
{
    const auto decoded = BacktraceCodec::decodeJsonArray(R"(["x.rb:1", 2])");
    QVERIFY(decoded.ok());
    QCOMPARE(decoded.lines, (std::vector<std::string> {"x.rb:1", "2"}));
    QVERIFY(!BacktraceCodec::decodeJsonArray("[").ok());
}

// ~87 KB of base64 that inflates to a JSON array of 22 M entries (~700 MB as strings, at once).
void TestBacktraceCodec::zipBombIsCapped()
{
    std::string encoded;
    {
        std::string json = "[";
        json.reserve(44'000'002);
        for (int i = 0; i < 22'000'000; ++i) json += i ? ",1" : "1";
        json += "]";
        encoded = BacktraceCodec::base64EncodeStrict(*BacktraceCodec::zlibDeflate(json));
    }
    QVERIFY(encoded.size() < 100'000);
    rusage before {};
    getrusage(RUSAGE_SELF, &before);
    const auto decoded = BacktraceCodec::decode(encoded);
    rusage after {};
    getrusage(RUSAGE_SELF, &after);
    QVERIFY2(decoded.ok(), decoded.error.c_str());
    QVERIFY(decoded.truncated);
    QCOMPARE(decoded.lines.size(), std::size_t(BacktraceCodec::kMaxLines) + 1);
    QCOMPARE(decoded.lines.front(), std::string("1"));
    QVERIFY2(decoded.lines.back().find("truncated") != std::string::npos
            && decoded.lines.back().find("more than 4 MiB") != std::string::npos,
        decoded.lines.back().c_str());
    QVERIFY2(after.ru_maxrss - before.ru_maxrss < 64 * 1024, "decoding a bomb must not allocate for all of it");
}

void TestBacktraceCodec::linesAndTextAreCapped()
{
    std::vector<std::string> many;
    for (int i = 0; i < 12000; ++i) many.push_back("app/x.rb:" + std::to_string(i));
    const auto lines = BacktraceCodec::decode(BacktraceCodec::encode(many));
    QVERIFY(lines.ok() && lines.truncated);
    QCOMPARE(lines.lines.size(), std::size_t(BacktraceCodec::kMaxLines) + 1);
    QCOMPARE(lines.lines[9999], std::string("app/x.rb:9999"));
    QCOMPARE(lines.lines.back(), std::string("… truncated: 2000 more lines not shown"));
    // The old array form is capped the same way.
    std::string array = "[";
    for (int i = 0; i < 12000; ++i) array += (i ? ",\"" : "\"") + std::to_string(i) + "\"";
    array += "]";
    const auto old = BacktraceCodec::decodeJsonArray(array);
    QVERIFY(old.ok() && old.truncated);
    QCOMPARE(old.lines.size(), std::size_t(BacktraceCodec::kMaxLines) + 1);

    // Three lines of 1 MiB: cut at 2 MiB of text in all.
    const std::vector<std::string> wide(3, std::string(1u << 20, 'x'));
    const auto text = BacktraceCodec::decode(BacktraceCodec::encode(wide));
    QVERIFY(text.ok() && text.truncated);
    std::size_t bytes = 0;
    for (std::size_t i = 0; i + 1 < text.lines.size(); ++i) bytes += text.lines[i].size();
    QCOMPARE(bytes, std::size_t(BacktraceCodec::kMaxTextBytes));
    QVERIFY(text.lines.back().find("truncated: 1 more lines") != std::string::npos);

    // Exactly at the cap: nothing is cut, no marker.
    many.resize(BacktraceCodec::kMaxLines);
    const auto exact = BacktraceCodec::decode(BacktraceCodec::encode(many));
    QVERIFY(exact.ok() && !exact.truncated);
    QCOMPARE(exact.lines.size(), std::size_t(BacktraceCodec::kMaxLines));
}

QTEST_APPLESS_MAIN(TestBacktraceCodec)
#include "tst_backtracecodec.moc"
