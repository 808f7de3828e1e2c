#include "credentials/CredentialHelper.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QProcess>

namespace kiq::credentials {

namespace {
constexpr qsizetype kMaxStderr = 4096;

// Lines of what the helper printed (and the secret parsed from it) must not come back in an error
// message through its stderr (a helper that echoes its token on failure).
QString scrub(QString text, const QByteArray& stdoutText, const std::string& secret)
{
    QStringList needles;
    for (const QByteArray& line : stdoutText.split('\n'))
        if (line.trimmed().size() >= 4) needles << QString::fromUtf8(line.trimmed());
    if (secret.size() >= 4) needles << QString::fromStdString(secret);
    for (const QString& needle : std::as_const(needles)) text.replace(needle, QStringLiteral("[hidden]"));
    return text.trimmed();
}
} // namespace

QProcessEnvironment helperEnvironment()
{
    static const char* const kPassed[] = {"PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "TZ", "TMPDIR",
        "XDG_RUNTIME_DIR", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "DBUS_SESSION_BUS_ADDRESS"};
    const QProcessEnvironment ours = QProcessEnvironment::systemEnvironment();
    QProcessEnvironment env;
    for (const char* name : kPassed) {
        const QString key = QString::fromLatin1(name);
        if (ours.contains(key)) env.insert(key, ours.value(key));
    }
    return env;
}

Credential runCredentialHelper(const QStringList& argv, const HelperLimits& limits)
{
    if (argv.isEmpty() || argv.front().isEmpty()) throw CredentialError("no credential helper command is set");
    const std::string name = QFileInfo(argv.front()).fileName().toStdString();
    QProcess process;
    process.setProgram(argv.front());
    process.setArguments(argv.mid(1));
    process.setProcessEnvironment(helperEnvironment());
    process.setStandardInputFile(QProcess::nullDevice());
    process.start();
    if (!process.waitForStarted(int(limits.timeout.count())))
        throw CredentialError(
            "the credential helper '" + name + "' could not be started: " + process.errorString().toStdString());

    QByteArray out, err;
    QElapsedTimer clock;
    clock.start();
    bool tooMuch = false, timedOut = false;
    while (process.state() != QProcess::NotRunning) {
        process.waitForFinished(50);
        out += process.readAllStandardOutput();
        err += process.readAllStandardError();
        if (err.size() > kMaxStderr) err.truncate(kMaxStderr);
        if (out.size() > limits.maxOutput) tooMuch = true;
        if (clock.elapsed() > limits.timeout.count()) timedOut = true;
        if (tooMuch || timedOut) {
            process.kill();
            process.waitForFinished(1000);
            break;
        }
    }
    out += process.readAllStandardOutput();
    err += process.readAllStandardError();
    err.truncate(kMaxStderr);

    const auto detail = [&](const std::string& secret = {}) {
        const QString text = scrub(QString::fromUtf8(err), out, secret);
        return text.isEmpty() ? std::string() : ": " + text.toStdString();
    };
    if (timedOut)
        throw CredentialError("the credential helper '" + name + "' did not finish within "
            + std::to_string(limits.timeout.count() / 1000) + " s" + detail());
    if (tooMuch)
        throw CredentialError("the credential helper '" + name + "' printed more than "
            + std::to_string(limits.maxOutput) + " bytes; a secret or a small JSON object was expected");
    if (process.exitStatus() != QProcess::NormalExit)
        throw CredentialError("the credential helper '" + name + "' crashed" + detail());
    if (process.exitCode() != 0)
        throw CredentialError("the credential helper '" + name + "' failed (exit status "
            + std::to_string(process.exitCode()) + ")" + detail());
    try {
        return parseHelperOutput(out);
    } catch (const CredentialError& e) {
        throw CredentialError(std::string(e.what()) + " ('" + name + "')" + detail());
    }
}

} // namespace kiq::credentials
