// BacktraceCodec: zlib + base64 error_backtrace, checked against Ruby-generated data.

#include "sidekiq/BacktraceCodec.h"

#include <QTest>

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

QTEST_APPLESS_MAIN(TestBacktraceCodec)
#include "tst_backtracecodec.moc"
