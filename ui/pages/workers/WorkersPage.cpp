#include "pages/workers/WorkersPage.h"

#include "common/Colors.h"
#include "common/Formatting.h"
#include "common/InfoCard.h"
#include "common/SortedTable.h"
#include "common/StatusLine.h"
#include "deployment/EnvironmentTag.h"
#include "pages/workers/InFlightJobModel.h"
#include "redis/AsyncClient.h"
#include "redis/Errors.h"
#include "write/WriteGate.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QFileDialog>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QSplitter>
#include <QStyle>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace kiq::ui {

using kiq::worker::LocalPoolStatus;
using kiq::worker::LogLevel;
using kiq::worker::PoolSetup;
using kiq::worker::UnhandledSample;
using State = LocalPoolStatus::State;

namespace {
// How many of the newest jobs of each queue the look before a start reads (one LRANGE per queue).
constexpr long long kSamplePerQueue = 1000;

QString fieldName(kiq::worker::PoolSpecError::Field field)
{
    using Field = kiq::worker::PoolSpecError::Field;
    switch (field) {
    case Field::Queues:
        return WorkersPage::tr("Queues");
    case Field::Concurrency:
        return WorkersPage::tr("Concurrency");
    case Field::HandlerFile:
        return WorkersPage::tr("Handler file");
    case Field::ShutdownTimeout:
        return WorkersPage::tr("Shutdown timeout");
    }
    return {};
}

QString levelText(LogLevel level)
{
    return QString::fromLatin1(kiq::worker::logLevelName(level));
}
} // namespace

WorkersPage::WorkersPage(QWidget* parent)
    : DeploymentPage(parent)
    , m_concurrency(new QSpinBox(this))
    , m_queues(new QLineEdit(QStringLiteral("default"), this))
    , m_handlerFile(new QLineEdit(this))
    , m_builtins(new QCheckBox(tr("Built-in demo handlers"), this))
    , m_logLevel(new QComboBox(this))
    , m_timeout(new QSpinBox(this))
    , m_form(new QGroupBox(tr("Pool settings"), this))
    , m_start(new QPushButton(tr("Start"), this))
    , m_quiet(new QPushButton(tr("Quiet"), this))
    , m_stop(new QPushButton(tr("Stop"), this))
    , m_copyCommand(new QPushButton(tr("Copy as command"), this))
    , m_state(new QLabel(this))
    , m_processed(new InfoCard(tr("Processed"), QStringLiteral("poolProcessed"), this))
    , m_failed(new InfoCard(tr("Failed"), QStringLiteral("poolFailed"), this))
    , m_busy(new InfoCard(tr("Busy"), QStringLiteral("poolBusy"), this))
    , m_uptime(new InfoCard(tr("Running for"), QStringLiteral("poolUptime"), this))
    , m_inFlight(new InFlightJobModel(this))
    , m_inFlightTable(makeSortedTable(m_inFlight, QStringLiteral("inFlightTable"), this))
    , m_logFilter(new QComboBox(this))
    , m_log(new QPlainTextEdit(this))
    , m_unhandled(new QLabel(this))
    , m_message(new StatusLine(QStringLiteral("workersMessage"), this))
{
    setObjectName(QStringLiteral("workersPage"));

    m_concurrency->setRange(1, 500);
    m_concurrency->setValue(10);
    m_queues->setObjectName(QStringLiteral("queuesField"));
    m_queues->setPlaceholderText(tr("critical,2 default"));
    m_queues->setToolTip(
        tr("Queues separated by spaces, as Sidekiq's -q: \"name\" or \"name,weight\". "
           "Without weights the order is strict; with weights a heavier queue is tried first more often."));
    m_handlerFile->setObjectName(QStringLiteral("handlerFileField"));
    m_handlerFile->setPlaceholderText(tr("TOML file mapping job classes to commands (optional)"));
    auto* browse = new QToolButton(this);
    browse->setText(tr("Browse…"));
    connect(browse, &QToolButton::clicked, this, &WorkersPage::browseHandlerFile);
    auto* fileRow = new QHBoxLayout;
    fileRow->addWidget(m_handlerFile, 1);
    fileRow->addWidget(browse);
    m_builtins->setChecked(true);
    m_builtins->setToolTip(tr("Kiqdesk::Sleep, Kiqdesk::Fail and Kiqdesk::Echo")); // listed here: the form stays narrow
    for (LogLevel l : {LogLevel::Debug, LogLevel::Info, LogLevel::Warn, LogLevel::Error})
        m_logLevel->addItem(levelText(l), int(l));
    m_logLevel->setCurrentIndex(1);
    m_logLevel->setToolTip(tr("DEBUG also logs the start and end of every job."));
    m_timeout->setRange(0, 3600);
    m_timeout->setValue(25);
    m_timeout->setSuffix(tr(" s"));
    m_timeout->setToolTip(tr("How long Stop waits for running jobs before pushing them back to their queues."));

    auto* form = new QFormLayout(m_form);
    form->addRow(tr("Concurrency"), m_concurrency);
    form->addRow(tr("Queues"), m_queues);
    form->addRow(tr("Handler file"), fileRow);
    form->addRow(QString(), m_builtins);
    form->addRow(tr("Log level"), m_logLevel);
    form->addRow(tr("Shutdown timeout"), m_timeout);

    m_start->setObjectName(QStringLiteral("startPool"));
    m_quiet->setObjectName(QStringLiteral("quietPool"));
    m_stop->setObjectName(QStringLiteral("stopPool"));
    m_start->setIcon(style()->standardIcon(QStyle::SP_MediaPlay));
    m_quiet->setIcon(style()->standardIcon(QStyle::SP_MediaPause));
    m_stop->setIcon(style()->standardIcon(QStyle::SP_MediaStop));
    m_quiet->setToolTip(tr("Finish the running jobs and fetch no new ones."));
    connect(m_start, &QPushButton::clicked, this, &WorkersPage::startPool);
    connect(m_quiet, &QPushButton::clicked, this, &WorkersPage::quietPool);
    connect(m_stop, &QPushButton::clicked, this, &WorkersPage::stopPool);
    m_copyCommand->setObjectName(QStringLiteral("copyWorkCommand"));
    m_copyCommand->setToolTip(tr("Copy the kiqdesk-cli command that starts this pool, for a script or a server"));
    connect(m_copyCommand, &QPushButton::clicked, this, [this] {
        kiq::write::WorkSpec spec;
        for (const QString& q : m_queues->text().split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts))
            spec.queues.push_back(q.toStdString());
        spec.concurrency = m_concurrency->value();
        spec.handlerFile = m_handlerFile->text().trimmed().toStdString();
        spec.builtins = m_builtins->isChecked();
        spec.logLevel = kiq::worker::logLevelName(LogLevel(m_logLevel->currentData().toInt()));
        spec.shutdownTimeoutSeconds = m_timeout->value();
        m_message->showInfo(copyAsCommand(kiq::write::work(spec)));
    });
    m_state->setObjectName(QStringLiteral("poolState"));
    m_state->setWordWrap(true);
    m_state->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_unhandled->setObjectName(QStringLiteral("unhandledWarning"));
    m_unhandled->setWordWrap(true);
    m_unhandled->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_unhandled->hide();

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_start);
    buttons->addWidget(m_quiet);
    buttons->addWidget(m_stop);
    buttons->addWidget(m_state, 1);

    auto* cards = new QHBoxLayout;
    for (InfoCard* c : {m_processed, m_failed, m_busy, m_uptime}) cards->addWidget(c);

    auto* top = new QHBoxLayout;
    auto* controls = new QVBoxLayout;
    controls->addLayout(buttons);
    controls->addWidget(m_unhandled);
    controls->addLayout(cards);
    controls->addStretch(1);
    // The command copies what the form says: under the form, not in the crowded button row.
    auto* formColumn = new QVBoxLayout;
    formColumn->addWidget(m_form);
    formColumn->addWidget(m_copyCommand, 0, Qt::AlignLeft);
    top->addLayout(formColumn, 1);
    top->addLayout(controls, 1);

    m_logFilter->setObjectName(QStringLiteral("logFilter"));
    m_logFilter->addItem(tr("All lines"), int(LogLevel::Debug));
    m_logFilter->addItem(tr("Info and above"), int(LogLevel::Info));
    m_logFilter->addItem(tr("Warnings and errors"), int(LogLevel::Warn));
    m_logFilter->addItem(tr("Errors only"), int(LogLevel::Error));
    connect(m_logFilter, &QComboBox::currentIndexChanged, this, &WorkersPage::rebuildLogView);
    m_log->setObjectName(QStringLiteral("poolLog"));
    m_log->setReadOnly(true);
    m_log->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_log->setMaximumBlockCount(int(kiq::worker::LocalPool::kLogCapacity));
    m_log->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));

    auto* inFlightBox = new QWidget(this);
    auto* inFlightLayout = new QVBoxLayout(inFlightBox);
    inFlightLayout->setContentsMargins(0, 0, 0, 0);
    inFlightLayout->addWidget(new QLabel(tr("Jobs in flight"), inFlightBox));
    inFlightLayout->addWidget(m_inFlightTable);
    auto* logBox = new QWidget(this);
    auto* logLayout = new QVBoxLayout(logBox);
    logLayout->setContentsMargins(0, 0, 0, 0);
    auto* logHeader = new QHBoxLayout;
    logHeader->addWidget(new QLabel(tr("Log"), logBox));
    logHeader->addStretch(1);
    logHeader->addWidget(m_logFilter);
    logLayout->addLayout(logHeader);
    logLayout->addWidget(m_log);
    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(inFlightBox);
    splitter->addWidget(logBox);
    splitter->setChildrenCollapsible(false);

    m_message->setHiddenWhenEmpty(true);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(splitter, 1);
    layout->addWidget(m_message);

    m_timer.setInterval(kPollIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &WorkersPage::poll);
    m_timer.start();
    poll();
}

QString WorkersPage::title() const
{
    return tr("Local workers");
}

QIcon WorkersPage::icon() const
{
    return style()->standardIcon(QStyle::SP_ComputerIcon);
}

void WorkersPage::clientChanged()
{
    // A start being prepared on the old client is dropped (isCurrentClient in its steps).
    m_preparing = false;
    auto* client = this->client();
    // A running pool keeps its target (it has its own connections); an idle one follows the deployment.
    if (client
        && (!m_pool || (m_pool->status().idle() && m_pool->connection().describe() != client->options().describe())))
        adoptPool(kiq::worker::LocalPool::forTarget(client->options()));
    poll();
}

void WorkersPage::adoptPool(std::shared_ptr<kiq::worker::LocalPool> pool)
{
    m_pool = std::move(pool);
    m_logSeq = 0;
    m_logLines.clear();
    m_log->clear();
    m_inFlight->clearRows();
}

void WorkersPage::refresh()
{
    poll();
}

void WorkersPage::showEvent(QShowEvent* event)
{
    DeploymentPage::showEvent(event);
    poll();
}

void WorkersPage::poll()
{
    // Out of sight the pool runs on; showEvent catches up (the log ring keeps the lines meanwhile).
    if (!isVisible()) return;
    const LocalPoolStatus s = m_pool ? m_pool->status() : LocalPoolStatus {};
    showStatus(s);
    if (m_pool) appendLog(m_pool->log().since(m_logSeq));
    // Disarming refuses new starts; a pool already running is not stopped unasked, but the page says so.
    const bool disarmed = !s.idle() && writeGate() && !writeGate()->writable();
    if (disarmed != m_disarmedNoticeShown) {
        m_disarmedNoticeShown = disarmed;
        if (disarmed)
            m_message->showProblem(
                tr("Writes to this deployment are disarmed, but this pool keeps working jobs until you stop it."));
        else
            m_message->showInfo({});
    }
}

void WorkersPage::showStatus(const LocalPoolStatus& s)
{
    const bool connected = client() != nullptr && m_pool != nullptr;
    const QString queues = QString::fromStdString([&] {
        std::string out;
        for (const auto& q : s.queues) out += (out.empty() ? "" : " ") + q;
        return out;
    }());
    // Starting writes to the deployment (heartbeats, fetches); Quiet and Stop stay available regardless.
    const QString blocked = !connected ? tr("Not connected") : writeRefusal();
    m_start->setEnabled(blocked.isEmpty() && s.idle() && !m_preparing);
    m_start->setToolTip(blocked);
    m_quiet->setEnabled(s.state == State::Running);
    m_stop->setEnabled(s.state == State::Starting || s.state == State::Running || s.state == State::Quiet);
    m_form->setEnabled(s.idle() && !m_preparing);
    // The form shows what a running pool was started with, also when it was started elsewhere (the
    // sandbox's); after a stop those settings stay, ready for the next start.
    if ((s.state == State::Running || s.state == State::Quiet || s.state == State::Stopping) && s.options) {
        m_concurrency->setValue(s.options->concurrency);
        m_queues->setText(queues);
        m_builtins->setChecked(s.options->builtinHandlers);
        m_logLevel->setCurrentIndex(m_logLevel->findData(int(s.options->logLevel)));
        m_timeout->setValue(int(std::chrono::duration_cast<std::chrono::seconds>(s.options->shutdownTimeout).count()));
    }

    QString text;
    switch (s.state) {
    case State::Stopped:
        text = s.pool.identity.empty()
            ? (connected ? tr("Stopped.") : tr("Not connected."))
            : tr("Stopped. The last run processed %n job(s).", nullptr, int(s.pool.processed));
        break;
    case State::Starting:
        text = tr("Starting…");
        break;
    case State::Running:
        text = (s.strictOrder ? tr("Running %n thread(s) on %1 (strict order).", nullptr, s.pool.concurrency)
                              : tr("Running %n thread(s) on %1 (weighted).", nullptr, s.pool.concurrency))
                   .arg(queues);
        break;
    case State::Quiet:
        text = tr("Quiet: running jobs finish, no new jobs are fetched.");
        break;
    case State::Stopping:
        text = tr("Stopping: waiting for the running jobs…");
        break;
    case State::Failed:
        text = tr("Could not start: %1").arg(QString::fromStdString(s.error));
        break;
    }
    if (!s.note.empty() && !s.pool.identity.empty())
        text += QLatin1Char(' ') + tr("Started by %1.").arg(QString::fromStdString(s.note));
    m_state->setText(text);
    m_state->setToolTip(s.pool.identity.empty()
            ? QString()
            : tr("Process %1 on %2").arg(QString::fromStdString(s.pool.identity), QString::fromStdString(s.target)));

    if (s.pool.identity.empty()) {
        for (InfoCard* c : {m_processed, m_failed, m_busy, m_uptime}) c->clear();
    } else {
        m_processed->setValue(formatCount(s.pool.processed));
        m_failed->setValue(formatCount(s.pool.failed));
        m_busy->setValue(formatCount(s.pool.busy), tr("of %n thread(s)", nullptr, s.pool.concurrency));
        const bool live = s.state == State::Running || s.state == State::Quiet || s.state == State::Stopping;
        if (live && s.startedAt)
            m_uptime->setValue(formatUptime(
                std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now() - *s.startedAt)));
        else
            m_uptime->clear();
    }
    m_inFlight->applySnapshot(s.pool.inFlight);

    // Jobs handed back are not failures, so no count above shows them; this line does.
    QStringList handedBack;
    for (const auto& [className, n] : s.pool.handedBack)
        handedBack << tr("%1 (%2)", "class (hand-backs)").arg(QString::fromStdString(className).toHtmlEscaped()).arg(n);
    m_unhandled->setVisible(!handedBack.isEmpty());
    m_unhandled->setText(handedBack.isEmpty()
            ? QString()
            : QStringLiteral("<span style='color:%1'>\u26a0</span> ").arg(warningColor(palette()).name())
                + tr("No handler here for %1: their jobs went back to their queues unchanged (no retry used, no error "
                     "written), for the workers that run them.")
                      .arg(handedBack.join(QStringLiteral(", "))));
}

QString WorkersPage::statusText() const
{
    return m_state->text();
}

void WorkersPage::appendLog(const std::vector<kiq::worker::PoolLogLine>& lines)
{
    if (lines.empty()) return;
    m_logSeq = lines.back().seq;
    const auto minimum = LogLevel(m_logFilter->currentData().toInt());
    QStringList shown;
    for (const auto& line : lines) {
        m_logLines.push_back(line);
        if (line.level < minimum) continue;
        const QDateTime at = QDateTime::fromMSecsSinceEpoch(
            std::chrono::duration_cast<std::chrono::milliseconds>(line.time.time_since_epoch()).count());
        shown << QStringLiteral("%1 %2 %3")
                     .arg(at.toString(QStringLiteral("HH:mm:ss.zzz")), levelText(line.level).leftJustified(5),
                         QString::fromStdString(line.text));
    }
    while (m_logLines.size() > kiq::worker::LocalPool::kLogCapacity) m_logLines.pop_front();
    if (!shown.isEmpty()) m_log->appendPlainText(shown.join(QLatin1Char('\n')));
}

void WorkersPage::rebuildLogView()
{
    std::vector<kiq::worker::PoolLogLine> all(m_logLines.begin(), m_logLines.end());
    m_logLines.clear();
    m_log->clear();
    appendLog(all);
}

void WorkersPage::redactionChanged()
{
    // A running pool keeps the rules it started with; the next start takes these.
    m_inFlight->setRedactor(redactor());
}

void WorkersPage::startPool()
{
    if (!m_pool || !client() || m_preparing) return;
    kiq::worker::PoolSpec spec;
    spec.queues.clear();
    for (const QString& q : m_queues->text().split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts))
        spec.queues.push_back(q.toStdString());
    spec.concurrency = m_concurrency->value();
    spec.handlerFile = m_handlerFile->text().trimmed().toStdString();
    spec.builtins = m_builtins->isChecked();
    spec.logLevel = LogLevel(m_logLevel->currentData().toInt());
    spec.redaction = redactor()->rules();
    spec.shutdownTimeout = std::chrono::seconds(m_timeout->value());
    PoolSetup setup;
    try {
        setup = spec.build(); // reads the handler file: a small local file, not the network
    } catch (const kiq::worker::PoolSpecError& e) {
        m_message->showError(tr("%1:").arg(fieldName(e.field())), QString::fromStdString(e.what()));
        return;
    }
    auto gate = writeGate();
    if (const QString why = refusedWrite(); !why.isEmpty()) {
        m_message->showProblemText(why);
        return;
    }
    auto shared = std::make_shared<const PoolSetup>(std::move(setup));
    const QString queues = m_queues->text().simplified();
    using kiq::deployment::Environment;
    if (environment() != Environment::Staging && environment() != Environment::Production) {
        sampleThenStart(std::move(shared), queues);
        return;
    }
    // A pool takes real jobs off shared queues: on staging or production that is never one stray click.
    const QString where = deploymentName().toHtmlEscaped();
    const QString env = environmentLabel(environment());
    auto* box = new QMessageBox(QMessageBox::Warning, tr("Start workers on %1").arg(deploymentName()),
        tr("Start a worker pool on <b>%1</b>, a <b>%2</b> deployment?<br><br>It takes jobs from %3 and runs them on "
           "this computer.")
            .arg(where, env.toHtmlEscaped(), queues.toHtmlEscaped()),
        QMessageBox::NoButton, this);
    box->setObjectName(QStringLiteral("startConfirmation"));
    box->setTextFormat(Qt::RichText);
    QPushButton* yes = box->addButton(tr("Start on %1").arg(env), QMessageBox::AcceptRole);
    yes->setObjectName(QStringLiteral("confirmStartButton"));
    box->setDefaultButton(box->addButton(QMessageBox::Cancel));
    box->setAttribute(Qt::WA_DeleteOnClose);
    setPreparing(true);
    connect(box, &QMessageBox::finished, this, [this, box, yes, shared, queues, ticket = clientTicket()] {
        if (!isCurrentClient(ticket)) return;
        setPreparing(false);
        if (box->clickedButton() != yes) {
            m_message->showInfo(tr("Not started."));
            return;
        }
        sampleThenStart(shared, queues);
    });
    box->open();
}

void WorkersPage::sampleThenStart(std::shared_ptr<const PoolSetup> setup, const QString& queues)
{
    if (!client()) return;
    setPreparing(true);
    m_message->showInfo(tr("Looking at the jobs waiting in %1…").arg(queues));
    runFresh<std::vector<UnhandledSample>>(
        [setup](kiq::redis::Client& c) { return kiq::worker::sampleUnhandledClasses(c, *setup, kSamplePerQueue); },
        [this, setup, queues](kiq::redis::Result<std::vector<UnhandledSample>> r) {
            setPreparing(false);
            if (!r.ok()) {
                m_message->showError(
                    tr("Not started: could not look at the queues:"), QString::fromStdString(r.error->message));
                return;
            }
            if (r.value->empty())
                launch(*setup, queues);
            else
                askAboutUnhandled(setup, queues, *r.value);
        });
}

void WorkersPage::askAboutUnhandled(
    std::shared_ptr<const PoolSetup> setup, const QString& queues, const std::vector<UnhandledSample>& samples)
{
    QString rows;
    for (const auto& u : samples)
        rows += QStringLiteral("<tr><td>%1</td><td>%2</td><td align='right'>%3</td></tr>")
                    .arg(QString::fromStdString(u.queue).toHtmlEscaped(),
                        QString::fromStdString(u.className).toHtmlEscaped(), formatCount(u.count));
    auto* box = new QMessageBox(QMessageBox::Warning, tr("Jobs without a handler"),
        tr("These jobs wait in the chosen queues, and this pool has no handler for their class "
           "(counted among the newest %1 jobs of each queue):")
                .arg(formatCount(kSamplePerQueue))
            + QStringLiteral("<table cellspacing='6'><tr><th align='left'>%1</th><th align='left'>%2</th>"
                             "<th align='right'>%3</th></tr>%4</table>")
                  .arg(tr("Queue"), tr("Class"), tr("Jobs"), rows)
            + tr("What should the pool do with them?"),
        QMessageBox::NoButton, this);
    box->setObjectName(QStringLiteral("unhandledClassesDialog"));
    box->setTextFormat(Qt::RichText);
    box->setInformativeText(tr("Handed back, a job goes back to its queue unchanged (no retry used, no error "
                               "written) for the workers that have its class. Failed, it uses a retry and gets "
                               "NameError as its error, as a Sidekiq without that class would do."));
    QPushButton* handBack
        = box->addButton(tr("Hand them back (leave them for their own workers)"), QMessageBox::AcceptRole);
    handBack->setObjectName(QStringLiteral("handBackButton"));
    QPushButton* fail = box->addButton(tr("Fail them like Sidekiq does"), QMessageBox::DestructiveRole);
    fail->setObjectName(QStringLiteral("failButton"));
    box->setEscapeButton(box->addButton(QMessageBox::Cancel));
    box->setDefaultButton(handBack);
    box->setAttribute(Qt::WA_DeleteOnClose);
    setPreparing(true);
    connect(box, &QMessageBox::finished, this,
        [this, box, handBack, fail, setup = std::move(setup), queues, ticket = clientTicket()] {
            if (!isCurrentClient(ticket)) return;
            setPreparing(false);
            if (box->clickedButton() != handBack && box->clickedButton() != fail) {
                m_message->showInfo(tr("Not started."));
                return;
            }
            PoolSetup chosen = *setup;
            chosen.options.failUnknownClasses = box->clickedButton() == fail;
            launch(std::move(chosen), queues);
        });
    box->open();
}

void WorkersPage::launch(PoolSetup setup, const QString& queues)
{
    // Asked again: writes may have been disarmed, or the pool started elsewhere, while a question was open.
    auto gate = writeGate();
    if (!m_pool || !client()) {
        m_message->showProblemText(tr("Not started: the deployment was disconnected."));
        return;
    }
    if (const QString why = refusedWrite(); !why.isEmpty()) {
        m_message->showProblemText(why);
        return;
    }
    const auto& o = setup.options;
    const std::string handlerFile = m_handlerFile->text().trimmed().toStdString();
    // The gate admits and audits the start; the pool starts on its own thread, and a failure to
    // connect shows up in the state line and the log.
    const kiq::write::WriteIntent intent {"start-workers", "local pool", o.concurrency,
        "queues=" + queues.toStdString() + (handlerFile.empty() ? "" : " handlers=" + handlerFile)
            + (o.failUnknownClasses ? " fail-unknown-classes" : ""),
        {}};
    try {
        gate->perform(intent, [&] {
            // The client's options, not the pool's: the password may have been corrected since the pool was made.
            if (!m_pool->start(std::move(setup), {}, client()->options()))
                throw kiq::redis::UsageError("the pool is already running");
            return kiq::write::WriteOutcome {1, {}};
        });
    } catch (const std::exception& e) {
        m_message->showError(tr("Not started:"), QString::fromStdString(e.what()));
        return;
    }
    m_message->showInfo({});
    poll();
}

void WorkersPage::setPreparing(bool preparing)
{
    m_preparing = preparing;
    poll();
}

void WorkersPage::quietPool()
{
    if (!m_pool) return;
    m_pool->quiet();
    poll();
}

void WorkersPage::stopPool()
{
    if (!m_pool) return;
    m_pool->stop();
    poll();
}

void WorkersPage::browseHandlerFile()
{
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Handler file"), m_handlerFile->text(), tr("TOML files (*.toml);;All files (*)"));
    if (!path.isEmpty()) m_handlerFile->setText(path);
}

} // namespace kiq::ui
