<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>kiq::ui::AclPage</name>
    <message numerus="yes">
        <source>%n user(s) with risky rights (in red; hover for why).</source>
        <translation>
            <numerusform>%n user with risky rights (in red; hover for why).</numerusform>
            <numerusform>%n users with risky rights (in red; hover for why).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n user(s), none with risky rights.</source>
        <translation>
            <numerusform>%n user, none with risky rights.</numerusform>
            <numerusform>%n users, none with risky rights.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>kiq::ui::AuditPage</name>
    <message numerus="yes">
        <source>The newest %n matching entries.</source>
        <translation>
            <numerusform>The newest %n matching entry.</numerusform>
            <numerusform>The newest %n matching entries.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n matching entries.</source>
        <translation>
            <numerusform>%n matching entry.</numerusform>
            <numerusform>%n matching entries.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Exported %n entries to %1.</source>
        <translation>
            <numerusform>Exported %n entry to %1.</numerusform>
            <numerusform>Exported %n entries to %1.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>kiq::ui::BulkActionFlow</name>
    <message numerus="yes">
        <source>%1 %n matching job(s)?</source>
        <translation>
            <numerusform>%1 %n matching job?</numerusform>
            <numerusform>%1 %n matching jobs?</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>kiq::ui::BulkPreviewDialog</name>
    <message numerus="yes">
        <source>… and %n more</source>
        <translation>
            <numerusform>… and %n more</numerusform>
            <numerusform>… and %n more</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>&lt;b&gt;%1&lt;/b&gt; of %2 job(s) match and would be affected by &lt;b&gt;%3&lt;/b&gt;.</source>
        <translation>
            <numerusform>&lt;b&gt;%1&lt;/b&gt; of %2 job match and would be affected by &lt;b&gt;%3&lt;/b&gt;.</numerusform>
            <numerusform>&lt;b&gt;%1&lt;/b&gt; of %2 jobs match and would be affected by &lt;b&gt;%3&lt;/b&gt;.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>kiq::ui::BusyPage</name>
    <message numerus="yes">
        <source>%Ln process(es)</source>
        <translation>
            <numerusform>%Ln process</numerusform>
            <numerusform>%Ln processes</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln job(s) running</source>
        <translation>
            <numerusform>%Ln job running</numerusform>
            <numerusform>%Ln jobs running</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Quiet %n process(es)? They finish their current jobs and fetch no new ones.</source>
        <translation>
            <numerusform>Quiet %n process? They finish their current jobs and fetch no new ones.</numerusform>
            <numerusform>Quiet %n processes? They finish their current jobs and fetch no new ones.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Stop %n process(es)? They shut down; unfinished jobs go back to their queues.</source>
        <translation>
            <numerusform>Stop %n process? They shut down; unfinished jobs go back to their queues.</numerusform>
            <numerusform>Stop %n processes? They shut down; unfinished jobs go back to their queues.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 sent to %n process(es); they act at their next heartbeat.</source>
        <translation>
            <numerusform>%1 sent to %n process; they act at their next heartbeat.</numerusform>
            <numerusform>%1 sent to %n processes; they act at their next heartbeat.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln shown</source>
        <translation>
            <numerusform>%Ln shown</numerusform>
            <numerusform>%Ln shown</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>kiq::ui::Deployment</name>
    <message numerus="yes">
        <source>%1 “%2” expired %n day(s) ago (%3)</source>
        <translation>
            <numerusform>%1 “%2” expired %n day ago (%3)</numerusform>
            <numerusform>%1 “%2” expired %n days ago (%3)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 “%2” expires in %n day(s) (%3)</source>
        <translation>
            <numerusform>%1 “%2” expires in %n day (%3)</numerusform>
            <numerusform>%1 “%2” expires in %n days (%3)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>kiq::ui::DeploymentPage</name>
    <message numerus="yes">
        <source>Put back %1 job(s), %2 already there</source>
        <translation>
            <numerusform>Put back %1 job, %2 already there</numerusform>
            <numerusform>Put back %1 jobs, %2 already there</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Exported %1 job(s) to %2</source>
        <translation>
            <numerusform>Exported %1 job to %2</numerusform>
            <numerusform>Exported %1 jobs to %2</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Import %1 job(s) from %2 into %3?</source>
        <translation>
            <numerusform>Import %1 job from %2 into %3?</numerusform>
            <numerusform>Import %1 jobs from %2 into %3?</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Imported %1 job(s), %2 already there, %3 not jobs, %4 unreadable lines</source>
        <translation>
            <numerusform>Imported %1 job, %2 already there, %3 not jobs, %4 unreadable lines</numerusform>
            <numerusform>Imported %1 jobs, %2 already there, %3 not jobs, %4 unreadable lines</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>kiq::ui::DoctorDialog</name>
    <message numerus="yes">
        <source>%n step(s) failed</source>
        <translation>
            <numerusform>%n step failed</numerusform>
            <numerusform>%n steps failed</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>, %n warning(s)</source>
        <translation>
            <numerusform>, %n warning</numerusform>
            <numerusform>, %n warnings</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The connection works, with %n warning(s)</source>
        <translation>
            <numerusform>The connection works, with %n warning</numerusform>
            <numerusform>The connection works, with %n warnings</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>kiq::ui::ExecutionHistogramChart</name>
    <message numerus="yes">
        <source>%1: %2 job(s)</source>
        <translation>
            <numerusform>%1: %2 job</numerusform>
            <numerusform>%1: %2 jobs</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>kiq::ui::FleetModel</name>
    <message numerus="yes">
        <source>About %1 dropped in the last hour (by the cap, or removed by hand).</source>
        <translation>
            <numerusform>About %1 dropped in the last hour (by the cap, or removed by hand).</numerusform>
            <numerusform>About %1 dropped in the last hour (by the cap, or removed by hand).</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>kiq::ui::FleetSearchDialog</name>
    <message numerus="yes">
        <source>%1 hit(s)</source>
        <translation>
            <numerusform>%1 hit</numerusform>
            <numerusform>%1 hits</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>kiq::ui::FleetView</name>
    <message numerus="yes">
        <source>Every deployment, refreshed every %n second(s). Double-click a row to open it.</source>
        <translation>
            <numerusform>Every deployment, refreshed every %n second. Double-click a row to open it.</numerusform>
            <numerusform>Every deployment, refreshed every %n seconds. Double-click a row to open it.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>kiq::ui::Formatting</name>
    <message numerus="yes">
        <source>%n year(s)</source>
        <translation>
            <numerusform>%n year</numerusform>
            <numerusform>%n years</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>kiq::ui::JobInspector</name>
    <message numerus="yes">
        <source>%n s</source>
        <translation>
            <numerusform>%n s</numerusform>
            <numerusform>%n s</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n min</source>
        <translation>
            <numerusform>%n min</numerusform>
            <numerusform>%n min</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n h</source>
        <translation>
            <numerusform>%n h</numerusform>
            <numerusform>%n h</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n d</source>
        <translation>
            <numerusform>%n d</numerusform>
            <numerusform>%n d</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>kiq::ui::JobPageStatus</name>
    <message numerus="yes">
        <source>%1 match(es) the filter</source>
        <translation>
            <numerusform>%1 matches the filter</numerusform>
            <numerusform>%1 match the filter</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>kiq::ui::JobSetPage</name>
    <message numerus="yes">
        <source>%1 %n selected job(s) in %2?</source>
        <translation>
            <numerusform>%1 %n selected job in %2?</numerusform>
            <numerusform>%1 %n selected jobs in %2?</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Indexing the set… %1 of %2 job(s) read (%3%)</source>
        <translation>
            <numerusform>Indexing the set… %1 of %2 job read (%3%)</numerusform>
            <numerusform>Indexing the set… %1 of %2 jobs read (%3%)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Indexing the set… %1 job(s) read so far</source>
        <translation>
            <numerusform>Indexing the set… %1 job read so far</numerusform>
            <numerusform>Indexing the set… %1 jobs read so far</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 job(s) in the set</source>
        <translation>
            <numerusform>%1 job in the set</numerusform>
            <numerusform>%1 jobs in the set</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>kiq::ui::MainWindow</name>
    <message numerus="yes">
        <source>Exported %n profile(s) to %1</source>
        <translation>
            <numerusform>Exported %n profile to %1</numerusform>
            <numerusform>Exported %n profiles to %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Import %n profile(s) from %1?</source>
        <translation>
            <numerusform>Import %n profile from %1?</numerusform>
            <numerusform>Import %n profiles from %1?</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>kiq::ui::MetricsPage</name>
    <message numerus="yes">
        <source>Last %n hour(s)</source>
        <translation>
            <numerusform>Last %n hour</numerusform>
            <numerusform>Last %n hours</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Sidekiq %1 metrics, %2 to %3, in %n-minute buckets.</source>
        <translation>
            <numerusform>Sidekiq %1 metrics, %2 to %3, in %n-minute buckets.</numerusform>
            <numerusform>Sidekiq %1 metrics, %2 to %3, in %n-minute buckets.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n deploy(s) marked.</source>
        <translation>
            <numerusform>%n deploy marked.</numerusform>
            <numerusform>%n deploys marked.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>kiq::ui::OverviewPage</name>
    <message numerus="yes">
        <source>%n queue(s)</source>
        <translation>
            <numerusform>%n queue</numerusform>
            <numerusform>%n queues</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>kiq::ui::ProcessListModel</name>
    <message numerus="yes">
        <source>%n s ago</source>
        <translation>
            <numerusform>%n s ago</numerusform>
            <numerusform>%n s ago</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Capsule %1: %n thread(s), %2: %3</source>
        <translation>
            <numerusform>Capsule %1: %n thread, %2: %3</numerusform>
            <numerusform>Capsule %1: %n threads, %2: %3</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>kiq::ui::ProfilesPage</name>
    <message numerus="yes">
        <source>%1 profile(s), newest first.</source>
        <translation>
            <numerusform>%1 profile, newest first.</numerusform>
            <numerusform>%1 profiles, newest first.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 expired profile(s) not shown (Sidekiq removes them; this page does not write).</source>
        <translation>
            <numerusform>%1 expired profile not shown (Sidekiq removes it; this page does not write).</numerusform>
            <numerusform>%1 expired profiles not shown (Sidekiq removes them; this page does not write).</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>kiq::ui::QueuesPage</name>
    <message numerus="yes">
        <source>%n queue(s). Select one to see its jobs.</source>
        <translation>
            <numerusform>%n queue. Select one to see its jobs.</numerusform>
            <numerusform>%n queues. Select one to see its jobs.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1: %2 job(s)</source>
        <translation>
            <numerusform>%1: %2 job</numerusform>
            <numerusform>%1: %2 jobs</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Delete %n selected job(s) from %1?</source>
        <translation>
            <numerusform>Delete %n selected job from %1?</numerusform>
            <numerusform>Delete %n selected jobs from %1?</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Deleted %1 of %2 job(s) (the others were already taken by a worker).</source>
        <translation>
            <numerusform>Deleted %1 of %2 job (the others were already taken by a worker).</numerusform>
            <numerusform>Deleted %1 of %2 jobs (the others were already taken by a worker).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Move %n selected job(s) from %1 to:</source>
        <translation>
            <numerusform>Move %n selected job from %1 to:</numerusform>
            <numerusform>Move %n selected jobs from %1 to:</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Moved %1 of %2 job(s) to %3.</source>
        <translation>
            <numerusform>Moved %1 of %2 job to %3.</numerusform>
            <numerusform>Moved %1 of %2 jobs to %3.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n had already been taken by a worker.</source>
        <translation>
            <numerusform>%n had already been taken by a worker.</numerusform>
            <numerusform>%n had already been taken by a worker.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n could not be parsed and stayed.</source>
        <translation>
            <numerusform>%n could not be parsed and stayed.</numerusform>
            <numerusform>%n could not be parsed and stayed.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Indexing %1… %2 of %3 job(s) read (%4%)</source>
        <translation>
            <numerusform>Indexing %1… %2 of %3 job read (%4%)</numerusform>
            <numerusform>Indexing %1… %2 of %3 jobs read (%4%)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Delete all %1 job(s) in %2? Undo history can put them back.</source>
        <translation>
            <numerusform>Delete all %1 job in %2? Undo history can put it back.</numerusform>
            <numerusform>Delete all %1 jobs in %2? Undo history can put them back.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 is cleared: %n job(s) deleted.</source>
        <translation>
            <numerusform>%1 is cleared: %n job deleted.</numerusform>
            <numerusform>%1 is cleared: %n jobs deleted.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>kiq::ui::RedisPage</name>
    <message numerus="yes">
        <source>%1 key(s) evicted</source>
        <translation>
            <numerusform>%1 key evicted</numerusform>
            <numerusform>%1 keys evicted</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 connection(s)</source>
        <translation>
            <numerusform>%1 connection</numerusform>
            <numerusform>%1 connections</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>from %1 host(s)</source>
        <translation>
            <numerusform>from %1 host</numerusform>
            <numerusform>from %1 hosts</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>kiq::ui::ReplayDialog</name>
    <message numerus="yes">
        <source>Reading %1 job(s) from %2…</source>
        <translation>
            <numerusform>Reading %1 job from %2…</numerusform>
            <numerusform>Reading %1 jobs from %2…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 of the selected job(s) left the set since they were listed; the others are here.</source>
        <translation>
            <numerusform>%1 of the selected jobs left the set since it was listed; the others are here.</numerusform>
            <numerusform>%1 of the selected jobs left the set since they were listed; the others are here.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Replayed %1 job(s) into %2.</source>
        <translation>
            <numerusform>Replayed %1 job into %2.</numerusform>
            <numerusform>Replayed %1 jobs into %2.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 skipped: %2</source>
        <translation>
            <numerusform>%1 skipped: %2</numerusform>
            <numerusform>%1 skipped: %2</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>kiq::ui::TrayIcon</name>
    <message numerus="yes">
        <source>… and %n more</source>
        <translation>
            <numerusform>… and %n more</numerusform>
            <numerusform>… and %n more</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n alert(s) open</source>
        <translation>
            <numerusform>%n alert open</numerusform>
            <numerusform>%n alerts open</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>kiq::ui::UndoOffer</name>
    <message numerus="yes">
        <source>Undo: put the %1 job(s) back</source>
        <translation>
            <numerusform>Undo: put the %1 job back</numerusform>
            <numerusform>Undo: put the %1 jobs back</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>kiq::ui::UndoPage</name>
    <message numerus="yes">
        <source>%1 job(s) killed from %2 at %3</source>
        <translation>
            <numerusform>%1 job killed from %2 at %3</numerusform>
            <numerusform>%1 jobs killed from %2 at %3</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 job(s) cleared from %2 at %3</source>
        <translation>
            <numerusform>%1 job cleared from %2 at %3</numerusform>
            <numerusform>%1 jobs cleared from %2 at %3</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 job(s) deleted from %2 at %3</source>
        <translation>
            <numerusform>%1 job deleted from %2 at %3</numerusform>
            <numerusform>%1 jobs deleted from %2 at %3</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 action(s) kept for 7 days</source>
        <translation>
            <numerusform>%1 action kept for 7 days</numerusform>
            <numerusform>%1 actions kept for 7 days</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Restored %1 job(s), %2 already there (%3)</source>
        <translation>
            <numerusform>Restored %1 job, %2 already there (%3)</numerusform>
            <numerusform>Restored %1 jobs, %2 already there (%3)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>kiq::ui::WorkersPage</name>
    <message numerus="yes">
        <source>Stopped. The last run processed %n job(s).</source>
        <translation>
            <numerusform>Stopped. The last run processed %n job.</numerusform>
            <numerusform>Stopped. The last run processed %n jobs.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Running %n thread(s) on %1 (strict order).</source>
        <translation>
            <numerusform>Running %n thread on %1 (strict order).</numerusform>
            <numerusform>Running %n threads on %1 (strict order).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Running %n thread(s) on %1 (weighted).</source>
        <translation>
            <numerusform>Running %n thread on %1 (weighted).</numerusform>
            <numerusform>Running %n threads on %1 (weighted).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>of %n thread(s)</source>
        <translation>
            <numerusform>of %n thread</numerusform>
            <numerusform>of %n threads</numerusform>
        </translation>
    </message>
</context>
</TS>
