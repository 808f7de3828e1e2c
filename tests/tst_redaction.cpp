// core/redaction: what a payload, an args array and a free-text line look like with the profile's rules
// applied. Where payloads come from Redis (the inspector, the pool log, the CLI), the tests of those
// places use real servers; these pin the rules themselves.
#include "redaction/Redaction.h"
#include "sidekiq/json/JsonScanner.h"

#include <QTest>

using namespace kiq::redaction;

namespace {
bool validJson(const std::string& text)
{
    return !kiq::sidekiq::json::validate(text);
}
} // namespace

class TestRedaction : public QObject {
    Q_OBJECT

private slots:
    void defaultKeysHideWholeValuesByWords()
    {
        const Redactor r;
        const std::string in
            = R"({"class":"Login","args":[{"user":"ann","password":"hunter2","access_token":"t0k",)"
              R"("refreshToken":{"v":1},"tokenizer":"word","apiKey":"k1","class_name":"X"}],"jid":"abc"})";
        const std::string out = r.payload(in);
        QVERIFY(validJson(out));
        QVERIFY(out.find("hunter2") == std::string::npos);
        QVERIFY(out.find("t0k") == std::string::npos);
        QVERIFY(out.find(R"("refreshToken":"[REDACTED]")") != std::string::npos); // an object, hidden whole
        QVERIFY(out.find(R"("apiKey":"[REDACTED]")") != std::string::npos);
        QVERIFY(out.find(R"("tokenizer":"word")") != std::string::npos); // "token" is not a word of it
        QVERIFY(out.find(R"("class_name":"X")") != std::string::npos); // no "ssn" inside "classname"
        QVERIFY(out.find(R"("user":"ann")") != std::string::npos);
    }

    void everyByteOutsideHiddenValuesIsKept()
    {
        const Redactor r;
        const std::string in = "{ \"args\" : [ 1.50, \"x\\u00e9\", {\"secret\" : [1, {\"a\": 2}] , \"n\":1e3} ],\n"
                               " \"retry\":true, \"jid\":\"j1\" }";
        const std::string out = r.payload(in);
        QCOMPARE(out,
            std::string("{ \"args\" : [ 1.50, \"x\\u00e9\", {\"secret\" : \"[REDACTED]\" , \"n\":1e3} ],\n"
                        " \"retry\":true, \"jid\":\"j1\" }"));
        const Redactor off(RedactionRules::none());
        QCOMPARE(off.payload(in), in);
    }

    void pathsHidePositionalArguments()
    {
        RedactionRules rules;
        rules.paths = {"args[1]", "$.args[*].pin", "error_message"};
        const Redactor r(rules);
        const std::string in = R"({"args":["ann","s3cr3t",{"pin":1234},{"pin":"9"}],"error_message":"boom"})";
        QCOMPARE(r.payload(in),
            std::string(R"({"args":["ann","[REDACTED]",{"pin":"[REDACTED]"},{"pin":"[REDACTED]"}],)"
                        R"("error_message":"[REDACTED]"})"));
        // An args array on its own is matched as the payload's "args".
        QCOMPARE(r.args(R"(["ann","s3cr3t"])"), std::string(R"(["ann","[REDACTED]"])"));
        QCOMPARE(checkPath("args[x]"), std::string("args[x]: an index must be a number or *"));
        QVERIFY(checkPath("args[0].token").empty());
        QVERIFY(!checkPath("args..a").empty());
        QVERIFY(!checkPath("").empty());
    }

    void valuePatternsInsideStringsAndNumbers()
    {
        const Redactor r;
        const std::string jwt
            = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
        // Plain literals: moc's tokenizer loses its way in raw strings joined with '+'.
        const std::string in = "{\"args\":[\"Bearer " + jwt
            + "\", 4111111111111111, \"card 4111 1111 1111 1111 ok\", \"4111111111111112\", "
              "\"AKIAIOSFODNN7EXAMPLE\", \"-----BEGIN RSA PRIVATE KEY-----\\nMIIE\\n-----END RSA PRIVATE KEY-----\", "
              "\"a@b.example\"],\"created_at\":1733150000123,\"jid\":\"4111111111111111\"}";
        const std::string out = r.payload(in);
        QVERIFY(validJson(out));
        QVERIFY(out.find(jwt) == std::string::npos);
        QVERIFY(out.find("\"Bearer [REDACTED]\"") != std::string::npos);
        QVERIFY(out.find("\"card [REDACTED] ok\"") != std::string::npos);
        QVERIFY(out.find(", \"[REDACTED]\", \"card") != std::string::npos); // the number
        QVERIFY(out.find("4111111111111112") != std::string::npos); // fails the Luhn check
        QVERIFY(out.find("AKIAIOSFODNN7EXAMPLE") == std::string::npos);
        QVERIFY(out.find("MIIE") == std::string::npos);
        QVERIFY(out.find("a@b.example") != std::string::npos); // e-mail is an option, off by default
        QVERIFY(out.find("1733150000123") != std::string::npos); // bookkeeping is never a card
        QVERIFY(out.find(R"("jid":"4111111111111111")") != std::string::npos);

        RedactionRules withEmail;
        withEmail.emails = true;
        const std::string mailed = Redactor(withEmail).payload(R"({"args":["write to a@b.example"],"email":"x"})");
        QCOMPARE(mailed, std::string(R"({"args":["write to [REDACTED]"],"email":"[REDACTED]"})"));
    }

    // A job table keeps the first bytes of long arguments: the whole ones are redacted with the path
    // rules, the cut one is dropped.
    void cutArgumentsKeepOnlyWholeOnesRedacted()
    {
        // Plain literals: moc loses its way in raw strings with unbalanced brackets.
        RedactionRules rules;
        rules.paths = {"args[1]"};
        const Redactor r(rules);
        QCOMPARE(r.argsPrefix("[\"ann\",\"pos-secret\",{\"password\":\"p\",\"x\":\"long"),
            std::string("[\"ann\",\"[REDACTED]\", …"));
        QCOMPARE(r.argsPrefix("[\"only one long argu"), std::string("[…"));
        // Commas and an escaped quote inside a string.
        QCOMPARE(r.argsPrefix("[\"a,b\\\",c\", \"d"), std::string("[\"a,b\\\",c\", …"));
        QCOMPARE(Redactor(RedactionRules::none()).argsPrefix("[\"a\", \"b"), std::string("[\"a\", \"b…"));
    }

    void freeTextHidesPairsAndPatterns()
    {
        const Redactor r;
        QCOMPARE(r.text("login user=ann password=hunter2 ok"), std::string("login user=ann password=[REDACTED] ok"));
        QCOMPARE(
            r.text(R"(args=[{"api_key": "k1", "n": 2}])"), std::string(R"(args=[{"api_key": "[REDACTED]", "n": 2}])"));
        QCOMPARE(r.text("Authorization: Bearer abc.def"), std::string("Authorization: [REDACTED]"));
        QCOMPARE(r.text("paid with 4111-1111-1111-1111"), std::string("paid with [REDACTED]"));
        QCOMPARE(r.text("nothing here"), std::string("nothing here"));
        QCOMPARE(r.payload(R"({"args":[],"error_message":"token=abc rejected"})"),
            std::string(R"({"args":[],"error_message":"token=[REDACTED] rejected"})"));
        // Not JSON: a payload falls back to the free-text rules instead of showing everything.
        QCOMPARE(
            r.payload(R"({"args":["x"], "password":"p" )"), std::string(R"({"args":["x"], "password":"[REDACTED]" )"));
    }

    void hostileInputStaysBounded()
    {
        const Redactor r;
        std::string deep;
        for (int i = 0; i < 5000; ++i) deep += R"({"a":)";
        deep += "1";
        for (int i = 0; i < 5000; ++i) deep += "}";
        const std::string out = r.payload(deep);
        QVERIFY(validJson(out));
        QVERIFY(out.size() < deep.size()); // the part past the depth limit is hidden whole
        const std::string invalid = std::string("{\"args\":[\"\xff\xfe\"],\"token\":\"t\"}");
        QVERIFY(r.payload(invalid).find("\"t\"") == std::string::npos);
        QCOMPARE(splitList(" password, token ,\n,secret "), (std::vector<std::string> {"password", "token", "secret"}));
        QCOMPARE(joinList({"a", "b"}), std::string("a, b"));
    }
};

QTEST_GUILESS_MAIN(TestRedaction)
#include "tst_redaction.moc"
