#include "pages/jobs/JobInspector.h"

#include "common/Colors.h"
#include "common/OffThread.h"
#include "pages/jobs/JobRow.h"
#include "sidekiq/actions/Replay.h"

#include <QClipboard>
#include <QCoreApplication>
#include <QDateTime>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QLocale>
#include <QMetaObject>
#include <QPointer>
#include <QPushButton>
#include <QTextBrowser>
#include <QVBoxLayout>

#include <cstdlib>
#include <memory>

namespace kiq::ui {

namespace {
QString q(const std::string& s)
{
    return QString::fromStdString(s);
}
QString esc(const std::string& s)
{
    return q(s).toHtmlEscaped();
}
} // namespace

JobInspector::JobInspector(QWidget* parent)
    : QWidget(parent)
    , m_view(new QTextBrowser(this))
    , m_copyJid(new QPushButton(tr("Copy JID"), this))
    , m_copyPayload(new QPushButton(tr("Copy payload"), this))
    , m_reveal(new QPushButton(tr("Reveal"), this))
{
    setObjectName(QStringLiteral("jobInspector"));
    m_view->setObjectName(QStringLiteral("jobInspectorText"));
    m_view->setOpenLinks(false);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_copyJid);
    buttons->addWidget(m_copyPayload);
    buttons->addWidget(m_reveal);
    buttons->addStretch(1);
    m_copyPayload->setObjectName(QStringLiteral("copyPayloadButton"));
    m_reveal->setObjectName(QStringLiteral("revealButton"));
    m_reveal->setToolTip(tr("Show this job's arguments as they are, without the profile's redaction rules. "
                            "Recorded in the audit trail."));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(buttons);
    layout->addWidget(m_view, 1);
    connect(m_copyJid, &QPushButton::clicked, this, [this] { QGuiApplication::clipboard()->setText(q(m_jid)); });
    connect(
        m_copyPayload, &QPushButton::clicked, this, [this] { QGuiApplication::clipboard()->setText(copiedPayload()); });
    connect(m_reveal, &QPushButton::clicked, this, [this] {
        if (m_row) emit revealRequested(q(m_row->job.jid));
    });
    showJob(nullptr);
}

QString JobInspector::copiedPayload() const
{
    return QString::fromUtf8(m_payload.data(), qsizetype(m_payload.size()));
}

void JobInspector::setRedactor(std::shared_ptr<const kiq::redaction::Redactor> redactor)
{
    m_redactor = std::move(redactor);
    present();
}

void JobInspector::reveal()
{
    if (!m_row) return;
    m_revealed = true;
    present();
}

void JobInspector::showMissing()
{
    showJob(nullptr);
    m_view->setHtml(tr("<i>This job is no longer in the set (retried, deleted or moved since it was listed).</i>"));
}

QString JobInspector::text() const
{
    return m_view->toPlainText();
}

void JobInspector::showJob(const JobRow* row)
{
    m_revealed = false; // a reveal is for one job
    m_row = row ? std::optional<JobRow>(*row) : std::nullopt;
    present();
}

bool JobInspector::redacting() const
{
    return !m_revealed && m_redactor->active();
}

void JobInspector::present()
{
    const JobRow* row = m_row ? &*m_row : nullptr;
    m_copyJid->setEnabled(row && !row->job.jid.empty());
    m_copyPayload->setEnabled(row != nullptr);
    m_reveal->setEnabled(row && redacting());
    m_shown.next(); // a backtrace still decoding belongs to the job shown before
    if (!row) {
        m_jid.clear();
        m_payload.clear();
        m_view->setHtml(tr("<i>Select a job to see it in full.</i>"));
        return;
    }
    // Everything below reads the redacted record: the arguments, the error and the payload.
    // The backtrace is decoded below, off the GUI thread (it can be megabytes of zlib).
    kiq::sidekiq::JobParseOptions options;
    options.decodeBacktrace = false;
    const kiq::sidekiq::JobRecord j
        = redacting() ? kiq::sidekiq::JobRecord::parse(m_redactor->payload(row->job.raw), options) : row->job;
    m_jid = j.jid;
    m_payload = j.raw;

    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    const auto when = [&](double seconds) {
        const QDateTime t = QDateTime::fromMSecsSinceEpoch(qint64(seconds * 1000));
        const qint64 delta = (qint64(seconds * 1000) - nowMs) / 1000;
        const qint64 a = std::llabs(delta);
        const QString span = a < 120 ? tr("%n s", nullptr, int(a))
            : a < 7200               ? tr("%n min", nullptr, int(a / 60))
            : a < 172800             ? tr("%n h", nullptr, int(a / 3600))
                                     : tr("%n d", nullptr, int(a / 86400));
        return tr("%1 (%2)").arg(
            QLocale().toString(t, QLocale::LongFormat), delta < 0 ? tr("%1 ago").arg(span) : tr("in %1").arg(span));
    };

    QString html;
    const auto field = [&html](const QString& name, const QString& valueHtml) {
        html += QStringLiteral("<tr><td><b>%1</b></td><td>%2</td></tr>").arg(name.toHtmlEscaped(), valueHtml);
    };
    if (!j.ok())
        html += QStringLiteral("<p style='color:%1'><b>%2</b> %3</p>")
                    .arg(problemColor(palette()).name(), tr("This payload could not be read:").toHtmlEscaped(),
                        esc(j.parseError));
    html += QStringLiteral("<h3>%1</h3><table cellspacing='4'>").arg(esc(j.displayClass));
    if (j.displayClass != j.className) field(tr("Class"), esc(j.className));
    field(tr("JID"), QStringLiteral("<tt>%1</tt>").arg(esc(j.jid)));
    field(tr("Queue"), esc(j.queue));
    if (row->index < 0 && row->score > 0) field(tr("Score time"), when(row->score).toHtmlEscaped());
    if (j.createdAt) field(tr("Created"), when(j.createdAt->seconds()).toHtmlEscaped());
    if (j.enqueuedAt) field(tr("Enqueued"), when(j.enqueuedAt->seconds()).toHtmlEscaped());
    if (j.failedAt) field(tr("Failed"), when(j.failedAt->seconds()).toHtmlEscaped());
    if (j.retriedAt) field(tr("Retried"), when(j.retriedAt->seconds()).toHtmlEscaped());
    if (j.retryCount) field(tr("Retry count"), QString::number(*j.retryCount));
    if (j.hasArgs)
        field(tr("Arguments"), QStringLiteral("<tt>%1</tt>").arg(q(std::string(j.argsJson())).toHtmlEscaped()));
    if (j.hasError())
        field(tr("Error"),
            QStringLiteral("<b>%1</b>: %2").arg(esc(j.errorClass.value_or("")), esc(j.errorMessage.value_or(""))));
    // Replay (sidekiq/actions/Replay.h): a copy names its original failure; an original lists its copies'
    // runs, as this machine's journal knows them.
    const auto outcome = [&](const kiq::storage::ReplayEntry& e) {
        using Outcome = kiq::storage::ReplayEntry::Outcome;
        if (e.outcome == Outcome::Succeeded)
            return QStringLiteral("<span style='color:%1'>%2</span>")
                .arg(goodColor(palette()).name(), tr("succeeded %1").arg(when(e.finishedAt)).toHtmlEscaped());
        if (e.outcome == Outcome::Failed)
            return QStringLiteral("<span style='color:%1'>%2</span> <b>%3</b>: %4")
                .arg(problemColor(palette()).name(), tr("failed %1:").arg(when(e.finishedAt)).toHtmlEscaped(),
                    esc(e.errorClass), esc(e.errorMessage));
        return tr("no outcome noted on this machine yet").toHtmlEscaped();
    };
    if (const auto from = kiq::sidekiq::replayedFrom(j.raw)) {
        field(tr("Replay of"),
            tr("%1 from %2 (%3)")
                .arg(QStringLiteral("<tt>%1</tt>").arg(esc(from->jid)), esc(from->deployment), esc(from->set)));
        field(tr("Original failure"),
            QStringLiteral("<b>%1</b>: %2").arg(esc(from->errorClass), esc(from->errorMessage)));
        if (row->replayRun) field(tr("This run"), outcome(*row->replayRun));
    }
    for (const auto& e : row->replays)
        field(tr("Replayed"),
            tr("into %1, queue %2, %3 as %4: %5")
                .arg(esc(e.target), esc(e.queue), when(e.at).toHtmlEscaped(),
                    QStringLiteral("<tt>%1</tt>").arg(esc(e.jid)), outcome(e)));
    html += QStringLiteral("</table>");

    m_head = html;
    html.clear();
    html += QStringLiteral("<h4>%1</h4>").arg(tr("Payload").toHtmlEscaped());
    const QByteArray raw = QByteArray::fromStdString(j.raw);
    const QJsonDocument doc = QJsonDocument::fromJson(raw);
    const QString pretty
        = doc.isNull() ? QString::fromUtf8(raw) : QString::fromUtf8(doc.toJson(QJsonDocument::Indented));
    html += QStringLiteral("<pre>%1</pre>").arg(pretty.toHtmlEscaped());
    m_tail = html;

    const auto ticket = m_shown.current();
    if (!j.errorBacktraceEncoded) return render(QString());
    if (j.errorBacktrace) return render(backtraceHtml({*j.errorBacktrace, {}, false}));
    // Decoding can take long (a backtrace is up to megabytes of zlib): off the GUI thread, shown
    // when done unless another job was selected meanwhile.
    render(QStringLiteral("<h4>%1</h4><p><i>%2</i></p>")
               .arg(tr("Backtrace").toHtmlEscaped(), tr("Decoding…").toHtmlEscaped()));
    runOffThread(
        this, [job = j] { return job.decodeBacktrace(); },
        [ticket](JobInspector* self, const kiq::sidekiq::BacktraceCodec::Decoded& decoded) {
            if (self->m_shown.isCurrent(ticket)) self->render(self->backtraceHtml(decoded));
        });
}

QString JobInspector::backtraceHtml(const kiq::sidekiq::BacktraceCodec::Decoded& decoded) const
{
    QString html = QStringLiteral("<h4>%1</h4>").arg(tr("Backtrace").toHtmlEscaped());
    if (!decoded.ok())
        html += QStringLiteral("<p>%1</p>").arg(tr("Could not decode: %1").arg(q(decoded.error)).toHtmlEscaped());
    QStringList lines;
    for (const auto& l : decoded.lines) lines << q(redacting() ? m_redactor->text(l) : l).toHtmlEscaped();
    html += QStringLiteral("<pre>%1</pre>").arg(lines.join(u'\n'));
    return html;
}

void JobInspector::render(const QString& backtrace)
{
    m_view->setHtml(m_head + backtrace + m_tail);
}

} // namespace kiq::ui
