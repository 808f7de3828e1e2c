// The translations are complete and safe to load (issue 22): every translations/kiqdesk_<lang>.ts but the
// English plural forms has no unfinished, obsolete or vanished message, keeps the source's placeholders
// (%1 … %9, %L1, %n, %Ln) in every plural form and at most one '&' accelerator, and its .qm file, as
// lrelease builds it for the app, loads and gives back those translations. The language chosen in
// View → Language picks the locale the app loads them for, and the menu offers and saves it.
#include "main/Language.h"
#include "main/MainWindow.h"

#include <QAction>
#include <QDir>
#include <QFile>
#include <QMenu>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>
#include <QTranslator>
#include <QXmlStreamReader>

using namespace kiq::ui;

namespace {

struct TsMessage {
    QString context;
    QString source;
    QString comment;
    bool numerus = false;
    QString type; // the translation's type attribute: "", "unfinished", "obsolete", "vanished"
    QStringList forms; // the translation, or one text per plural form
};

QList<TsMessage> readTs(const QString& path, QString* error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = file.errorString();
        return {};
    }
    QList<TsMessage> messages;
    QString context;
    QXmlStreamReader xml(&file);
    while (!xml.atEnd()) {
        if (xml.readNext() != QXmlStreamReader::StartElement) continue;
        const auto name = xml.name();
        if (name == u"TS" || name == u"context") continue; // descend
        if (name == u"name") {
            context = xml.readElementText();
            continue;
        }
        if (name != u"message") {
            xml.skipCurrentElement();
            continue;
        }
        TsMessage m;
        m.context = context;
        m.numerus = xml.attributes().value(QLatin1String("numerus")) == u"yes";
        while (xml.readNextStartElement()) {
            if (xml.name() == u"source") {
                m.source = xml.readElementText();
            } else if (xml.name() == u"comment") {
                m.comment = xml.readElementText();
            } else if (xml.name() == u"translation") {
                m.type = xml.attributes().value(QLatin1String("type")).toString();
                if (m.numerus) {
                    while (xml.readNextStartElement()) {
                        if (xml.name() == u"numerusform")
                            m.forms << xml.readElementText();
                        else
                            xml.skipCurrentElement();
                    }
                } else {
                    m.forms << xml.readElementText();
                }
            } else {
                xml.skipCurrentElement();
            }
        }
        messages << m;
    }
    if (xml.hasError()) *error = xml.errorString();
    return messages;
}

// "kiqdesk_pt_BR.ts" → "pt_BR"
QString languageOf(const QString& fileName)
{
    return QFileInfo(fileName).completeBaseName().mid(QStringLiteral("kiqdesk_").size());
}

QStringList translatedFiles()
{
    QStringList files = QDir(QStringLiteral(KIQ_TS_DIR)).entryList({QStringLiteral("kiqdesk_*.ts")}, QDir::Files);
    files.removeAll(QStringLiteral("kiqdesk_en.ts")); // English plural forms only: the sources are English
    return files;
}

QString where(const QString& file, const TsMessage& m)
{
    return QStringLiteral("%1, %2: \"%3\"").arg(file, m.context, m.source);
}

// The placeholders a text carries, sorted: "%1", "%L2", "%n", "%Ln".
QStringList placeholders(const QString& text)
{
    static const QRegularExpression re(QStringLiteral("%L?(?:[1-9]|n)"));
    QStringList found;
    for (auto it = re.globalMatch(text); it.hasNext();) found << it.next().captured();
    found.sort();
    found.removeDuplicates(); // a translation may name %1 once where the English needs it twice
    return found;
}

// Accelerator marks: a single '&' before a character ("&File"); "&&" is a literal ampersand.
int accelerators(const QString& text)
{
    int count = 0;
    for (qsizetype i = 0; i + 1 < text.size(); ++i) {
        if (text[i] != u'&') continue;
        if (text[i + 1] == u'&') {
            ++i;
            continue;
        }
        if (!text[i + 1].isSpace()) ++count;
    }
    return count;
}

void addFileRows()
{
    QTest::addColumn<QString>("file");
    const QStringList files = translatedFiles();
    for (const QString& f : files) QTest::newRow(qPrintable(f)) << f;
}

QList<TsMessage> load(const QString& file)
{
    QString error;
    const QList<TsMessage> messages = readTs(QDir(QStringLiteral(KIQ_TS_DIR)).filePath(file), &error);
    if (!error.isEmpty()) qWarning("%s: %s", qPrintable(file), qPrintable(error));
    return error.isEmpty() ? messages : QList<TsMessage>();
}

// At most the first few problems, so a half-done language does not print 700 lines.
QByteArray report(const QStringList& problems)
{
    constexpr int shown = 15;
    QString text = problems.mid(0, shown).join(QStringLiteral("\n  "));
    if (problems.size() > shown) text += QStringLiteral("\n  … and %1 more").arg(problems.size() - shown);
    return QStringLiteral("%1 problem(s):\n  %2").arg(problems.size()).arg(text).toUtf8();
}

} // namespace

class TestTranslations : public QObject {
    Q_OBJECT

private slots:
    void everyLanguageIsThere()
    {
        // The six languages of issue 22; a lost file would otherwise pass every data-driven test.
        const QStringList files = translatedFiles();
        for (const char* lang : {"de", "fr", "es", "ja", "zh_CN", "pt_BR"})
            QVERIFY2(files.contains(QStringLiteral("kiqdesk_%1.ts").arg(QLatin1String(lang))), lang);
    }

    void complete_data() { addFileRows(); }
    void complete()
    {
        QFETCH(QString, file);
        const QList<TsMessage> messages = load(file);
        QVERIFY2(messages.size() > 100, qPrintable(file));
        QStringList problems;
        for (const TsMessage& m : messages) {
            if (m.type == u"obsolete" || m.type == u"vanished")
                problems << QStringLiteral("%1 is %2 (refresh with scripts/update-translations.sh)")
                                .arg(where(file, m), m.type);
            else if (m.type == u"unfinished")
                problems << QStringLiteral("%1 is unfinished").arg(where(file, m));
            else if (m.forms.isEmpty() || m.forms.contains(QString()))
                problems << QStringLiteral("%1 has an empty translation").arg(where(file, m));
        }
        QVERIFY2(problems.isEmpty(), report(problems).constData());
    }

    void placeholdersMatch_data() { addFileRows(); }
    void placeholdersMatch()
    {
        QFETCH(QString, file);
        const QList<TsMessage> messages = load(file);
        QVERIFY(!messages.isEmpty());
        QStringList problems;
        for (const TsMessage& m : messages) {
            const QStringList wanted = placeholders(m.source);
            const int sourceAccelerators = accelerators(m.source);
            for (qsizetype i = 0; i < m.forms.size(); ++i) {
                const QString& form = m.forms[i];
                if (form.isEmpty()) continue; // complete() names it
                const QString which = m.numerus ? QStringLiteral(" (plural form %1)").arg(i + 1) : QString();
                const QStringList got = placeholders(form);
                if (got != wanted)
                    problems << QStringLiteral("%1%2 has placeholders %3, the source %4")
                                    .arg(where(file, m), which, got.join(u' '), wanted.join(u' '));
                const int marks = accelerators(form);
                if (marks > 1 || marks != sourceAccelerators)
                    problems << QStringLiteral("%1%2 has %3 '&' accelerator(s), the source %4")
                                    .arg(where(file, m), which, QString::number(marks),
                                        QString::number(sourceAccelerators));
            }
        }
        QVERIFY2(problems.isEmpty(), report(problems).constData());
    }

    // The .qm lrelease built for the app (embedded under :/i18n) loads and answers with the .ts's texts.
    void compiledTranslationLoads_data() { addFileRows(); }
    void compiledTranslationLoads()
    {
        QFETCH(QString, file);
        const QString lang = languageOf(file);
        QTranslator translator;
        QVERIFY2(translator.load(QStringLiteral("kiqdesk_%1").arg(lang), QStringLiteral(KIQ_QM_DIR)),
            qPrintable(QStringLiteral("%1/kiqdesk_%2.qm").arg(QStringLiteral(KIQ_QM_DIR), lang)));
        QVERIFY(!translator.isEmpty());
        QStringList problems;
        int checked = 0;
        for (const TsMessage& m : load(file)) {
            if (!m.type.isEmpty() || m.forms.isEmpty() || m.forms.contains(QString())) continue;
            const QByteArray context = m.context.toUtf8(), source = m.source.toUtf8(), comment = m.comment.toUtf8();
            const char* disambiguation = m.comment.isEmpty() ? nullptr : comment.constData();
            const QString got = m.numerus ? translator.translate(context, source, disambiguation, 2)
                                          : translator.translate(context, source, disambiguation);
            if (!m.forms.contains(got))
                problems << QStringLiteral("%1 gives \"%2\" from the .qm").arg(where(file, m), got);
            ++checked;
        }
        QVERIFY2(problems.isEmpty(), report(problems).constData());
        QVERIFY2(checked > 100, qPrintable(QString::number(checked)));
    }

    // Each language's code, as View → Language saves it, finds its .qm through the locale, as main() looks.
    void chosenLanguageFindsItsTranslation_data() { addFileRows(); }
    void chosenLanguageFindsItsTranslation()
    {
        QFETCH(QString, file);
        const QString lang = languageOf(file);
        const QLocale locale = languageLocale(lang);
        QCOMPARE(locale.name().left(2), lang.left(2));
        QTranslator translator;
        QVERIFY2(translator.load(locale, QStringLiteral("kiqdesk"), QStringLiteral("_"), QStringLiteral(KIQ_QM_DIR)),
            qPrintable(lang));
        QCOMPARE(QFileInfo(translator.filePath()).fileName(), QStringLiteral("kiqdesk_%1.qm").arg(lang));
    }

    void languageChoice()
    {
        QCOMPARE(languageSettingKey(), QStringLiteral("ui/language"));
        QCOMPARE(languageLocale(QString()), QLocale::system());
        QCOMPARE(languageLocale(QStringLiteral("ja")).language(), QLocale::Japanese);
        const QLocale brazil = languageLocale(QStringLiteral("pt_BR"));
        QCOMPARE(brazil.language(), QLocale::Portuguese);
        QCOMPARE(brazil.territory(), QLocale::Brazil);
        QCOMPARE(languageLocale(QStringLiteral("zh_CN")).script(), QLocale::SimplifiedHanScript);
        // A setting QLocale cannot read (edited by hand, or a language since removed): the system's.
        QCOMPARE(languageLocale(QStringLiteral("not a language")), QLocale::system());

        QCOMPARE(languageDisplayName(QStringLiteral("de")), QStringLiteral("Deutsch"));
        QCOMPARE(languageDisplayName(QStringLiteral("ja")), QStringLiteral("日本語"));
        QCOMPARE(languageDisplayName(QStringLiteral("en")), QStringLiteral("English"));
        QVERIFY2(languageDisplayName(QStringLiteral("pt_BR")).contains(QStringLiteral("Brasil")),
            qPrintable(languageDisplayName(QStringLiteral("pt_BR"))));
    }

    void languageMenu()
    {
        MainWindow window(nullptr);
        window.setLanguages({QStringLiteral("de"), QStringLiteral("ja")}, QStringLiteral("ja"));
        auto* menu = window.findChild<QMenu*>(QStringLiteral("languageMenu"));
        QVERIFY(menu);
        QList<QAction*> choices;
        QString note;
        for (QAction* a : menu->actions()) {
            if (a->isCheckable())
                choices << a;
            else if (!a->isSeparator())
                note = a->text();
        }
        QVERIFY2(note.contains(QStringLiteral("restart")), qPrintable(note));
        QCOMPARE(choices.size(), 3); // the system's, Deutsch, 日本語
        QCOMPARE(choices[0]->data().toString(), QString());
        QCOMPARE(choices[1]->text(), QStringLiteral("Deutsch"));
        for (QAction* a : std::as_const(choices)) QCOMPARE(a->isChecked(), a->data().toString() == u"ja");

        QSignalSpy chosen(&window, &MainWindow::languageChosen);
        choices[1]->trigger();
        QCOMPARE(chosen.size(), 1);
        QCOMPARE(chosen.takeFirst().at(0).toString(), QStringLiteral("de"));
        QVERIFY(choices[1]->isChecked());
        QVERIFY(!choices[2]->isChecked());
        choices[0]->trigger();
        QCOMPARE(chosen.takeFirst().at(0).toString(), QString());

        // Filled again (main() does it once; nothing may pile up): the same entries, the new choice.
        window.setLanguages({QStringLiteral("de"), QStringLiteral("ja")}, QString());
        int checkable = 0;
        for (QAction* a : menu->actions()) {
            if (!a->isCheckable()) continue;
            ++checkable;
            QCOMPARE(a->isChecked(), a->data().toString().isEmpty());
        }
        QCOMPARE(checkable, 3);
    }
};

QTEST_MAIN(TestTranslations)
#include "tst_translations.moc"
