#include "pages/jobs/ReplayDialog.h"

#include "common/Colors.h"
#include "common/Formatting.h"
#include "common/StatusLine.h"
#include "deployment/Deployment.h"
#include "sidekiq/model/JobRecord.h"
#include "storage/ReplayJournal.h"
#include "util/LineDiff.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTextEdit>
#include <QVBoxLayout>

namespace kiq::ui {

using kiq::sidekiq::ReplayCopy;
using kiq::sidekiq::ReplayRun;
using kiq::sidekiq::ReplaySourceJobs;

namespace {
bool isReplayTarget(const Deployment* d, const Deployment* source)
{
    using kiq::deployment::Environment;
    const Environment e = d->profile().environment;
    return d != source && (e == Environment::Development || e == Environment::Staging);
}

// Indented, for a diff by lines; the text as it is when it is not JSON.
std::vector<std::string> jsonLines(const QString& text)
{
    const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8());
    const QString shown = doc.isNull() ? text : QString::fromUtf8(doc.toJson(QJsonDocument::Indented));
    std::vector<std::string> lines;
    for (const QString& line : shown.split(QLatin1Char('\n'), Qt::SkipEmptyParts)) lines.push_back(line.toStdString());
    return lines;
}
} // namespace

ReplayDialog::ReplayDialog(Deployment* source, const QList<Deployment*>& deployments, kiq::sidekiq::JobSetKind kind,
    std::vector<kiq::sidekiq::IndexedJobKey> keys, QWidget* parent)
    : QDialog(parent)
    , m_origin {source->profile().name.toStdString(), std::string(kiq::sidekiq::setName(kind))}
    , m_redactor(std::make_shared<const kiq::redaction::Redactor>(source->profile().redaction))
    , m_target(new QComboBox(this))
    , m_queue(new QLineEdit(this))
    , m_args(new QPlainTextEdit(this))
    , m_argsNote(new QLabel(this))
    , m_diff(new QTextEdit(this))
    , m_preview(new QPlainTextEdit(this))
    , m_previewNote(new QLabel(this))
    , m_countLabel(new QLabel(this))
    , m_count(new QLineEdit(this))
    , m_status(new StatusLine(QStringLiteral("replayStatus"), this))
    , m_replay(new QPushButton(tr("Replay"), this))
{
    setObjectName(QStringLiteral("replayDialog"));
    setWindowTitle(tr("Replay in another deployment"));
    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);

    m_target->setObjectName(QStringLiteral("replayTarget"));
    for (Deployment* d : deployments) {
        if (!isReplayTarget(d, source)) continue;
        m_targets << d;
        m_target->addItem(d->profile().label());
        // Replay follows the target: armed or disarmed, connected or gone.
        connect(d, &Deployment::writesChanged, this, &ReplayDialog::update);
        connect(d, &Deployment::clientChanged, this, &ReplayDialog::update);
    }
    m_queue->setObjectName(QStringLiteral("replayQueue"));
    m_queue->setPlaceholderText(tr("each job's own queue"));
    m_args->setObjectName(QStringLiteral("replayArgs"));
    m_args->setFont(mono);
    m_args->setTabChangesFocus(true);
    m_argsNote->setObjectName(QStringLiteral("replayArgsNote"));
    m_argsNote->setWordWrap(true);
    m_diff->setObjectName(QStringLiteral("replayDiff"));
    m_diff->setReadOnly(true);
    m_diff->setFont(mono);
    m_preview->setObjectName(QStringLiteral("replayPreview"));
    m_preview->setReadOnly(true);
    m_preview->setFont(mono);
    m_previewNote->setWordWrap(true);
    m_count->setObjectName(QStringLiteral("replayCount"));
    m_replay->setObjectName(QStringLiteral("replayButton"));
    m_replay->setDefault(true);

    auto* intro = new QLabel(tr("Copies of the jobs go to a development or staging deployment, redacted by the rules "
                                "of %1, with new JIDs, no retry history and a link back (replayed_from). They run "
                                "once there. %1 is only read.")
                                 .arg(source->profile().label()),
        this);
    intro->setWordWrap(true);
    auto* form = new QFormLayout;
    form->addRow(tr("Target:"), m_target);
    form->addRow(tr("Queue:"), m_queue);
    form->addRow(m_countLabel, m_count);

    auto* argsBox = new QWidget(this);
    auto* argsLayout = new QVBoxLayout(argsBox);
    argsLayout->setContentsMargins(0, 0, 0, 0);
    argsLayout->addWidget(new QLabel(tr("Arguments (JSON):"), argsBox));
    argsLayout->addWidget(m_args, 1);
    argsLayout->addWidget(m_argsNote);
    auto* diffBox = new QWidget(this);
    auto* diffLayout = new QVBoxLayout(diffBox);
    diffLayout->setContentsMargins(0, 0, 0, 0);
    diffLayout->addWidget(new QLabel(tr("Changes against the original:"), diffBox));
    diffLayout->addWidget(m_diff, 1);
    auto* edits = new QSplitter(Qt::Horizontal, this);
    edits->addWidget(argsBox);
    edits->addWidget(diffBox);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    buttons->addButton(m_replay, QDialogButtonBox::AcceptRole);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_replay, &QPushButton::clicked, this, &ReplayDialog::replay);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addWidget(edits, 2);
    layout->addWidget(m_previewNote);
    layout->addWidget(m_preview, 1);
    layout->addWidget(m_status);
    layout->addWidget(buttons);
    resize(900, 640);

    connect(m_target, &QComboBox::currentIndexChanged, this, &ReplayDialog::update);
    connect(m_queue, &QLineEdit::textChanged, this, &ReplayDialog::update);
    connect(m_args, &QPlainTextEdit::textChanged, this, &ReplayDialog::update);
    connect(m_count, &QLineEdit::textChanged, this, &ReplayDialog::update);

    setStatus(tr("Reading %1 job(s) from %2…", nullptr, pluralCount(qsizetype(keys.size())))
                  .arg(formatCount(qsizetype(keys.size())), source->profile().label()),
        false);
    update();
    if (!source->client()) {
        setStatus(tr("%1 is not connected.").arg(source->profile().label()), true);
        return;
    }
    source->client()->run<ReplaySourceJobs>(
        [kind, keys = std::move(keys)](kiq::redis::Client& c) { return kiq::sidekiq::readReplaySource(c, kind, keys); },
        this, [this](kiq::redis::Result<ReplaySourceJobs> r) { sourceRead(std::move(r)); });
}

void ReplayDialog::sourceRead(kiq::redis::Result<ReplaySourceJobs> result)
{
    if (!result.ok()) {
        setStatus(tr("Could not read the jobs: %1").arg(QString::fromStdString(result.error->message)), true);
        return;
    }
    m_jobs = std::move(*result.value);
    if (!m_jobs->payloads.empty()) {
        const auto job = kiq::sidekiq::JobRecord::parse(m_redactor->payload(m_jobs->payloads.front()));
        m_originalArgs = job.ok() ? QString::fromStdString(std::string(job.argsJson())) : QString();
    }
    const QSignalBlocker block(m_args);
    m_args->setPlainText(m_originalArgs);
    if (m_jobs->payloads.empty())
        setStatus(
            tr("The selected jobs have all left %1 since they were listed.").arg(QString::fromStdString(m_origin.set)),
            true);
    else if (m_jobs->gone > 0)
        setStatus(tr("%1 of the selected job(s) left the set since they were listed; the others are here.", nullptr,
                      pluralCount(m_jobs->gone))
                      .arg(formatCount(m_jobs->gone)),
            false);
    else
        setStatus({}, false);
    update();
}

Deployment* ReplayDialog::target() const
{
    const int i = m_target->currentIndex();
    return i >= 0 && i < m_targets.size() ? m_targets[i].data() : nullptr;
}

std::optional<std::string> ReplayDialog::editedArgs() const
{
    const QString text = m_args->toPlainText().trimmed();
    if (!m_jobs || text == m_originalArgs.trimmed()) return std::nullopt;
    return text.toStdString();
}

void ReplayDialog::update()
{
    const std::size_t count = m_jobs ? m_jobs->payloads.size() : 0;
    const bool askCount = count > kiq::sidekiq::kReplayConfirmAbove;
    m_countLabel->setText(tr("Type %1 to confirm:").arg(count));
    m_countLabel->setVisible(askCount);
    m_count->setVisible(askCount);

    // The arguments: checked as typed, and the change shown line by line.
    const auto edited = editedArgs();
    QString argsProblem;
    if (edited) argsProblem = QString::fromStdString(kiq::sidekiq::checkReplayArgs(*edited));
    if (!argsProblem.isEmpty()) {
        m_argsNote->setText(argsProblem);
        m_argsNote->setStyleSheet(QStringLiteral("color: %1").arg(problemColor(palette()).name()));
    } else {
        m_argsNote->setStyleSheet({});
        m_argsNote->setText(!edited ? tr("As on the source, redacted: masked values stay masked unless you replace "
                                         "them.")
                : count > 1 ? tr("These arguments replace those of all %1 copies.").arg(formatCount(qsizetype(count)))
                            : tr("Edited: the copy gets these arguments."));
    }
    QString diff;
    if (edited && argsProblem.isEmpty()) {
        const QString removed = problemColor(palette()).name(), added = goodColor(palette()).name();
        for (const auto& line :
            kiq::util::lineDiff(jsonLines(m_originalArgs), jsonLines(QString::fromStdString(*edited)))) {
            const QString text = QString::fromStdString(line.text).toHtmlEscaped();
            using Kind = kiq::util::DiffLine::Kind;
            diff += line.kind == Kind::Same ? QStringLiteral("  %1\n").arg(text)
                : line.kind == Kind::Removed
                ? QStringLiteral("<span style=\"color:%1\">- %2</span>\n").arg(removed, text)
                : QStringLiteral("<span style=\"color:%1\">+ %2</span>\n").arg(added, text);
        }
    }
    m_diff->setHtml(diff.isEmpty() ? tr("<i>No changes.</i>") : QStringLiteral("<pre>%1</pre>").arg(diff));

    // The first copy, exactly as it will be written (its JID and times are made again at Replay).
    if (count > 0 && argsProblem.isEmpty()) {
        const ReplayCopy copy = kiq::sidekiq::replayCopy(m_jobs->payloads.front(), m_origin, *m_redactor,
            {m_queue->text().trimmed().toStdString(), edited}, kiq::sidekiq::Timestamp::now());
        m_preview->setPlainText(copy.ok() ? QString::fromStdString(copy.payload) : QString::fromStdString(copy.error));
        m_previewNote->setText(count > 1
                ? tr("The first of %1 copies, as it will be written (JID and times are made "
                     "anew at Replay):")
                      .arg(formatCount(qsizetype(count)))
                : tr("The copy, as it will be written (JID and times are made anew at Replay):"));
    } else {
        m_preview->clear();
        m_previewNote->setText(tr("The copy, as it will be written:"));
    }

    // Replay: when everything above is settled, and the target takes writes.
    Deployment* t = target();
    QString blocked;
    if (m_targets.isEmpty())
        blocked = tr("No deployment tagged development or staging: add one, or start the local sandbox.");
    else if (!m_jobs)
        blocked = tr("Reading the jobs…");
    else if (count == 0)
        blocked = tr("Nothing to replay.");
    else if (!t || !t->client())
        blocked = tr("%1 is not connected.").arg(t ? t->profile().label() : QString());
    else if (!t->writeGate()->writable())
        blocked = QString::fromStdString(t->writeGate()->refusalMessage());
    else if (!argsProblem.isEmpty())
        blocked = tr("Fix the arguments first.");
    else if (askCount && m_count->text().trimmed() != QString::number(count))
        blocked = tr("Type the number of jobs to confirm.");
    m_replay->setEnabled(blocked.isEmpty() && !m_running);
    m_replay->setToolTip(blocked);
    if (m_targets.isEmpty() && m_jobs) setStatus(blocked, true);
}

void ReplayDialog::replay()
{
    Deployment* t = target();
    if (!t || !t->client() || !m_jobs || m_running) return;
    const std::size_t count = m_jobs->payloads.size();
    const bool askCount = count > kiq::sidekiq::kReplayConfirmAbove;
    const kiq::sidekiq::ReplayTarget plan {t->profile().environment, t->profile().name.toStdString(), m_jobs->server,
        askCount && m_count->text().trimmed() == QString::number(count) ? std::optional(count) : std::nullopt};
    const kiq::sidekiq::ReplayEdit edit {m_queue->text().trimmed().toStdString(), editedArgs()};
    m_running = true;
    update();
    setStatus(tr("Replaying…"), false);
    const QString into = t->profile().label();
    t->client()->run<ReplayRun>(
        [gate = t->writeGate(), plan, origin = m_origin, payloads = m_jobs->payloads, redactor = m_redactor, edit](
            kiq::redis::Client& c) {
            const kiq::storage::ReplayJournal journal;
            return kiq::sidekiq::replayInto(c, *gate, plan, origin, payloads, *redactor, edit, &journal);
        },
        this,
        [this, into](kiq::redis::Result<ReplayRun> r) {
            m_running = false;
            if (!r.ok()) {
                setStatus(tr("Not replayed: %1").arg(QString::fromStdString(r.error->message)), true);
                update();
                return;
            }
            const auto& result = r.value->result;
            QString notice = tr("Replayed %1 job(s) into %2.", nullptr, pluralCount(result.affected))
                                 .arg(formatCount(result.affected), into);
            if (!result.skipped.empty())
                notice += QLatin1Char(' ')
                    + tr("%1 skipped: %2", nullptr, pluralCount(qsizetype(result.skipped.size())))
                          .arg(formatCount(qsizetype(result.skipped.size())),
                              QString::fromStdString(result.skipped.front().reason));
            if (!r.value->journalProblem.empty())
                notice += QLatin1Char(' ')
                    + tr("Its outcome will not be shown: %1").arg(QString::fromStdString(r.value->journalProblem));
            emit replayed(notice);
            accept();
        });
}

void ReplayDialog::setStatus(const QString& text, bool problem)
{
    if (problem)
        m_status->showProblemText(text);
    else
        m_status->showInfo(text);
}

} // namespace kiq::ui
