// kiqdesk: the desktop console. Wiring only: command line, translations, settings, the optional
// local sandbox, the main window.
//
//   kiqdesk                      saved connections (first run: offers a sandbox or a new connection)
//   kiqdesk --sandbox            also starts a private redis-server and shows it as "Local sandbox"
//   kiqdesk --screenshot x.png [--screenshot-delay ms] [--theme dark] [--size 1024x700] [--page 3]
//                                renders the window after the delay, saves it and quits (tests,
//                                README, scripts/screenshots.sh); saved connections are not loaded
//                                and nothing prompts
//
// The interface language is the one chosen in View → Language (QSettings "ui/language"), else the
// system locale's.

#include "deployment/DeploymentView.h"
#include "main/FirstRunDialog.h"
#include "main/Language.h"
#include "main/MainWindow.h"
#include "main/Theme.h"
#include "redis/Errors.h"
#include "sandbox/DemoData.h"
#include "sandbox/DemoTraffic.h"
#include "sandbox/LocalSandbox.h"
#include "storage/ConnectionProfileStore.h"
#include "util/EnvSecrets.h"
#include "worker/LocalPool.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QLibraryInfo>
#include <QLocale>
#include <QMessageBox>
#include <QSettings>
#include <QTimer>
#include <QTranslator>

#include <cstdio>
#include <memory>

// The translation context of main()'s strings (lupdate reads it from this declaration).
class Main {
    Q_DECLARE_TR_FUNCTIONS(Main)
};

namespace {

void installTranslators(QApplication& app, const QLocale& locale)
{
    // Qt's own strings (standard buttons, file dialogs), then ours, for the locale. Ours on top of
    // the English one: the sources are English, but their plurals ("%n process(es)") come from kiqdesk_en,
    // and a translator that lacks a string passes it on to the one installed before it.
    auto* qt = new QTranslator(&app);
    if (qt->load(
            locale, QStringLiteral("qtbase"), QStringLiteral("_"), QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QApplication::installTranslator(qt);
    auto* english = new QTranslator(&app);
    if (english->load(QStringLiteral("kiqdesk_en"), QStringLiteral(":/i18n"))) QApplication::installTranslator(english);
    auto* own = new QTranslator(&app);
    if (own->load(locale, QStringLiteral("kiqdesk"), QStringLiteral("_"), QStringLiteral(":/i18n")))
        QApplication::installTranslator(own);
}

// The languages of the translations embedded under :/i18n (app/CMakeLists.txt): "de", "en", "pt_BR", …
QStringList embeddedLanguages()
{
    QStringList codes;
    for (const QString& file : QDir(QStringLiteral(":/i18n")).entryList({QStringLiteral("kiqdesk_*.qm")}, QDir::Files))
        codes << file.mid(8, file.size() - 8 - 3);
    return codes;
}

kiq::deployment::ConnectionProfile sandboxProfile(const kiq::sandbox::LocalSandbox& sandbox)
{
    auto profile = kiq::deployment::ConnectionProfile::create(Main::tr("Local sandbox"));
    profile.environment = kiq::deployment::Environment::Development;
    profile.options = sandbox.options();
    return profile;
}
} // namespace

int main(int argc, char* argv[])
{
    // The app takes no password from its environment; the CLI's variables, if set, are removed before
    // any thread or child (the sandbox's redis-server, worker handlers) could see them.
    kiq::util::takeEnvSecrets();
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Kiqdesk"));
    QApplication::setApplicationName(QStringLiteral("kiqdesk"));
    QApplication::setApplicationDisplayName(QStringLiteral("Kiqdesk"));
    QApplication::setApplicationVersion(QStringLiteral(KIQ_VERSION));
    // View → Language, else the system's; a chosen one also formats numbers and dates its way.
    const QString language = QSettings().value(kiq::ui::languageSettingKey()).toString();
    const QLocale locale = kiq::ui::languageLocale(language);
    if (!language.isEmpty()) QLocale::setDefault(locale);
    installTranslators(app, locale);

    QCommandLineParser parser;
    parser.setApplicationDescription(Main::tr("Desktop console for Sidekiq job systems on Redis."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption sandboxOption(
        QStringLiteral("sandbox"), Main::tr("Start a local sandbox Redis and show it."));
    const QCommandLineOption screenshotOption(
        QStringLiteral("screenshot"), Main::tr("Save a picture of the window to <file> and quit."), Main::tr("file"));
    const QCommandLineOption delayOption(QStringLiteral("screenshot-delay"),
        Main::tr("Wait <ms> before taking the screenshot (default 3000)."), Main::tr("ms"), QStringLiteral("3000"));
    const QCommandLineOption themeOption(
        QStringLiteral("theme"), Main::tr("Use <theme> (system, light, dark) for this run."), Main::tr("theme"));
    const QCommandLineOption sizeOption(
        QStringLiteral("size"), Main::tr("Open the window at <width>x<height> pixels."), Main::tr("size"));
    const QCommandLineOption pageOption(
        QStringLiteral("page"), Main::tr("Show the deployment's page <n> (0 is the first tab)."), Main::tr("n"));
    parser.addOptions({sandboxOption, screenshotOption, delayOption, themeOption, sizeOption, pageOption});
    parser.process(app);

    const QString screenshot = parser.value(screenshotOption);
    const bool screenshotMode = !screenshot.isEmpty();
    auto fail = [&](const QString& message) {
        if (screenshotMode)
            std::fprintf(stderr, "kiqdesk: %s\n", qPrintable(message));
        else
            QMessageBox::critical(nullptr, Main::tr("Kiqdesk"), message);
    };

    QSettings settings;
    kiq::storage::ProfileStore store(settings);
    const QString themeKey = parser.isSet(themeOption) ? parser.value(themeOption)
                                                       : settings.value(QStringLiteral("view/theme")).toString();
    kiq::ui::applyTheme(kiq::ui::themeFromKey(themeKey));

    // Declared before the window so it is destroyed after it: the window's clients talk to it.
    std::unique_ptr<kiq::sandbox::LocalSandbox> sandbox;
    // Declared after the sandbox so they stop before it does.
    std::shared_ptr<kiq::worker::LocalPool> sandboxPool;
    std::unique_ptr<kiq::sandbox::DemoTraffic> demoTraffic;
    // Connected before the sandbox exists, so it runs before the sandbox's own quit handler stops
    // the server: every local pool (the sandbox's, the Local workers panels') hands its jobs back while
    // Redis is still there. The window is gone by now, so the wait freezes nothing.
    QObject::connect(&app, &QCoreApplication::aboutToQuit, [&] {
        if (demoTraffic) demoTraffic->stop();
        kiq::worker::LocalPool::stopAll(std::chrono::seconds(3));
    });
    // Screenshots leave the user's saved connections alone: deterministic, and never a prompt.
    kiq::ui::MainWindow window(screenshotMode ? nullptr : &store);
    window.setPasswordPromptsEnabled(!screenshotMode);
    if (!screenshotMode) window.enableAlerts();
    window.setTheme(kiq::ui::currentTheme());
    window.setLanguages(embeddedLanguages(), language);
    QObject::connect(&window, &kiq::ui::MainWindow::languageChosen, &window,
        [&settings](const QString& code) { settings.setValue(kiq::ui::languageSettingKey(), code); });
    QObject::connect(&window, &kiq::ui::MainWindow::themeChosen, &window, [&settings](kiq::ui::Theme theme) {
        settings.setValue(QStringLiteral("view/theme"), kiq::ui::themeKey(theme));
    });

    auto startSandbox = [&]() -> bool {
        try {
            sandbox = std::make_unique<kiq::sandbox::LocalSandbox>();
            sandbox->start();
            // A local process seconds old, not the network: seeding takes a few milliseconds.
            kiq::redis::Client seeder(sandbox->options());
            kiq::sandbox::seedDemoData(seeder);
            // Local workers with the demo handlers, and a trickle of new jobs, so the screen is alive.
            // The sandbox deployment's Local workers page shows and controls this same pool.
            sandboxPool = kiq::worker::LocalPool::forTarget(sandbox->options());
            sandboxPool->start(
                kiq::sandbox::demoPoolSetup(), Main::tr("the local sandbox (demo handlers)").toStdString());
            demoTraffic = std::make_unique<kiq::sandbox::DemoTraffic>(
                sandbox->options(), kiq::sandbox::DemoTraffic::Settings());
            demoTraffic->start();
        } catch (const kiq::sandbox::SandboxError& e) {
            sandbox.reset();
            fail(QString::fromStdString(e.what()));
            return false;
        } catch (const kiq::redis::Error& e) {
            fail(Main::tr("The sandbox started but demo data could not be written: %1")
                     .arg(QString::fromStdString(e.what())));
        }
        window.addDeployment(sandboxProfile(*sandbox), /*persistent=*/false);
        return true;
    };

    if (parser.isSet(sandboxOption) && !startSandbox() && screenshotMode) return 1;
    window.loadSavedProfiles();
    // Saved connections this version cannot read were copied aside: say where, before the first-run
    // dialog offers to start afresh.
    if (!screenshotMode && !store.problem().isEmpty())
        QMessageBox::warning(nullptr, Main::tr("Kiqdesk"),
            Main::tr("Your saved connections were not loaded.\n\n%1").arg(store.problem()));

    bool addConnectionNow = false;
    if (!screenshotMode && window.deploymentCount() == 0) {
        kiq::ui::FirstRunDialog firstRun;
        firstRun.exec();
        if (firstRun.choice() == kiq::ui::FirstRunDialog::Choice::StartSandbox) startSandbox();
        addConnectionNow = firstRun.choice() == kiq::ui::FirstRunDialog::Choice::AddConnection;
    }

    if (parser.isSet(sizeOption)) {
        const QStringList wh = parser.value(sizeOption).split(QLatin1Char('x'));
        const int w = wh.value(0).toInt(), h = wh.value(1).toInt();
        if (wh.size() != 2 || w <= 0 || h <= 0) {
            fail(Main::tr("--size takes <width>x<height>, e.g. 1024x700"));
            return 2;
        }
        window.resize(w, h);
    }
    window.show();
    if (parser.isSet(pageOption) && window.currentView())
        window.currentView()->setCurrentPage(parser.value(pageOption).toInt());
    if (addConnectionNow) QTimer::singleShot(0, &window, &kiq::ui::MainWindow::newConnection);

    if (screenshotMode) {
        const int delay = parser.value(delayOption).toInt();
        QTimer::singleShot(delay, &window, [&] {
            const bool saved = window.grab().save(screenshot);
            if (!saved) fail(Main::tr("cannot write the screenshot to %1").arg(screenshot));
            QApplication::exit(saved ? 0 : 1);
        });
    }
    return QApplication::exec();
}
