#include "credentials/Keychain.h"

#include <QEventLoop>

#include <qt6keychain/keychain.h>

namespace kiq::credentials::keychain {

namespace {
KeychainResult resultOf(const QKeychain::Job& job)
{
    KeychainResult r;
    switch (job.error()) {
    case QKeychain::NoError:
        return r;
    case QKeychain::EntryNotFound:
        r.status = KeychainResult::Status::NotFound;
        break;
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
    case QKeychain::OtherError: // what a missing session bus or keyring daemon gives
        r.status = KeychainResult::Status::Unreachable;
        break;
    default:
        r.status = KeychainResult::Status::Failed;
        break;
    }
    r.message = job.errorString();
    return r;
}

void start(QKeychain::Job* job, QObject* context, Done done, bool read)
{
    job->setAutoDelete(true);
    job->setInsecureFallback(false); // QtKeychain's plain-text file: never
    QObject::connect(job, &QKeychain::Job::finished, context, [done = std::move(done), read](QKeychain::Job* j) {
        KeychainResult r = resultOf(*j);
        if (read && r.ok()) r.secret = static_cast<QKeychain::ReadPasswordJob*>(j)->binaryData().toStdString();
        done(std::move(r));
    });
    job->start();
}

KeychainResult wait(const std::function<void(QObject*, Done)>& call)
{
    QEventLoop loop;
    KeychainResult out;
    bool finished = false;
    call(&loop, [&](KeychainResult r) {
        out = std::move(r);
        finished = true;
        loop.quit();
    });
    if (!finished) loop.exec();
    return out;
}
} // namespace

QString service()
{
    return QStringLiteral("Kiqdesk");
}

QString entryKey(const QString& profileId, Secret secret)
{
    return profileId + u'/' + secretKey(secret);
}

void read(const QString& profileId, Secret secret, QObject* context, Done done)
{
    auto* job = new QKeychain::ReadPasswordJob(service());
    job->setKey(entryKey(profileId, secret));
    start(job, context, std::move(done), true);
}

void write(const QString& profileId, Secret secret, const std::string& value, QObject* context, Done done)
{
    auto* job = new QKeychain::WritePasswordJob(service());
    job->setKey(entryKey(profileId, secret));
    job->setBinaryData(QByteArray::fromStdString(value));
    start(job, context, std::move(done), false);
}

void remove(const QString& profileId, Secret secret, QObject* context, Done done)
{
    auto* job = new QKeychain::DeletePasswordJob(service());
    job->setKey(entryKey(profileId, secret));
    start(job, context, std::move(done), false);
}

KeychainResult readBlocking(const QString& profileId, Secret secret)
{
    return wait([&](QObject* ctx, Done done) { read(profileId, secret, ctx, std::move(done)); });
}

KeychainResult writeBlocking(const QString& profileId, Secret secret, const std::string& value)
{
    return wait([&](QObject* ctx, Done done) { write(profileId, secret, value, ctx, std::move(done)); });
}

KeychainResult removeBlocking(const QString& profileId, Secret secret)
{
    return wait([&](QObject* ctx, Done done) { remove(profileId, secret, ctx, std::move(done)); });
}

} // namespace kiq::credentials::keychain
