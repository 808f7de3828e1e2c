#include "credentials/SecretResolver.h"

#include "credentials/CredentialHelper.h"
#include "credentials/Keychain.h"
#include "redis/AsyncClient.h" // Courier

#include <QEventLoop>
#include <QPointer>
#include <QThreadPool>

#include <memory>

namespace kiq::credentials {

namespace {
QString secretName(Secret secret)
{
    switch (secret) {
    case Secret::Password:
        return QStringLiteral("the password");
    case Secret::SentinelPassword:
        return QStringLiteral("the Sentinel password");
    case Secret::KeyPassphrase:
        return QStringLiteral("the client key's passphrase");
    case Secret::WebhookUrl:
        return QStringLiteral("the alert webhook's URL");
    }
    return {};
}

// One resolution in flight: keychain reads one after another on the caller's thread, then the helpers
// together on a pool thread.
struct Run : std::enable_shared_from_this<Run> {
    Resolution out;
    std::vector<Secret> keychainQueue;
    std::vector<Secret> helperQueue;
    QPointer<QObject> context;
    std::function<void(Resolution)> done;

    void nextKeychain()
    {
        if (!context) return;
        if (keychainQueue.empty()) return runHelpers();
        const Secret secret = keychainQueue.front();
        keychainQueue.erase(keychainQueue.begin());
        keychain::read(out.profile.id, secret, context,
            [self = shared_from_this(), secret](KeychainResult r) { self->keychainDone(secret, std::move(r)); });
    }

    void keychainDone(Secret secret, KeychainResult r)
    {
        switch (r.status) {
        case KeychainResult::Status::Done:
            out.profile.secretValue(secret) = std::move(r.secret);
            break;
        case KeychainResult::Status::NotFound:
            out.toAsk.push_back(secret);
            out.keychainMisses.push_back(secret);
            out.notes << QStringLiteral("The keychain holds no %1 for this profile yet: asking for it once.")
                             .arg(secretName(secret));
            break;
        case KeychainResult::Status::Unreachable:
        case KeychainResult::Status::Failed:
            out.toAsk.push_back(secret);
            out.notes << QStringLiteral("No keychain is reachable (%1): asking for %2 instead; it is not stored.")
                             .arg(r.message, secretName(secret));
            break;
        }
        nextKeychain();
    }

    void runHelpers()
    {
        if (helperQueue.empty()) return finish();
        auto courier = std::make_shared<redis::Courier>();
        QObject::connect(
            courier.get(), &redis::Courier::arrived, context, [self = shared_from_this()] { self->finish(); },
            Qt::QueuedConnection);
        QThreadPool::globalInstance()->start([self = shared_from_this(), courier] {
            for (const Secret secret : self->helperQueue) {
                try {
                    const Credential c = runCredentialHelper(self->out.profile.source(secret).helper);
                    self->out.profile.secretValue(secret) = c.secret;
                    if (secret == Secret::Password && !c.username.empty()) self->out.profile.options.user = c.username;
                    if (secret == Secret::SentinelPassword && !c.username.empty())
                        self->out.profile.options.sentinelUser = c.username;
                    if (c.expiresAt && (!self->out.expiresAt || *c.expiresAt < *self->out.expiresAt))
                        self->out.expiresAt = c.expiresAt;
                } catch (const kiq::Error& e) {
                    const std::string why = "getting " + secretName(secret).toStdString() + ": " + e.what();
                    // Alerts are not worth refusing the connection over.
                    if (secret == Secret::WebhookUrl) {
                        self->out.webhookError = why;
                        continue;
                    }
                    self->out.error = why;
                    break;
                }
            }
            emit courier->arrived();
        });
    }

    void finish()
    {
        if (context && done) done(std::move(out));
        done = nullptr;
    }
};
} // namespace

bool usesHelper(const deployment::ConnectionProfile& profile)
{
    for (const Secret s : kAllSecrets)
        if (profile.needs(s) && profile.source(s).kind == SourceKind::Helper) return true;
    return false;
}

void resolveSecrets(const deployment::ConnectionProfile& profile, QObject* context,
    std::function<void(Resolution)> done, bool onlyHelpers)
{
    auto run = std::make_shared<Run>();
    run->out.profile = profile;
    run->context = context;
    run->done = std::move(done);
    for (const Secret s : kAllSecrets) {
        if (!profile.needs(s)) continue;
        switch (profile.source(s).kind) {
        case SourceKind::Ask:
            if (!onlyHelpers && profile.secretValue(s).empty()) run->out.toAsk.push_back(s);
            break;
        case SourceKind::Keychain:
            if (!onlyHelpers && profile.secretValue(s).empty()) run->keychainQueue.push_back(s);
            break;
        case SourceKind::Helper:
            run->helperQueue.push_back(s);
            break;
        }
    }
    run->nextKeychain();
}

Resolution resolveSecretsBlocking(const deployment::ConnectionProfile& profile, bool onlyHelpers)
{
    QEventLoop loop;
    Resolution out;
    bool finished = false;
    resolveSecrets(
        profile, &loop,
        [&](Resolution r) {
            out = std::move(r);
            finished = true;
            loop.quit();
        },
        onlyHelpers);
    if (!finished) loop.exec();
    return out;
}

} // namespace kiq::credentials
