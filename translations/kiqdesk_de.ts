<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>JobColumns</name>
    <message>
        <source>Queue</source>
        <translation>Warteschlange</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>Job</translation>
    </message>
    <message>
        <source>Arguments</source>
        <translation>Argumente</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>Retries</source>
        <translation>Wiederholungen</translation>
    </message>
    <message>
        <source>JID</source>
        <translation>JID</translation>
    </message>
</context>
<context>
    <name>JobTableLook</name>
    <message>
        <source>Filter: class=HardJob error~timeout age&gt;2h queue=default malformed</source>
        <translation>Filter: class=HardJob error~timeout age&gt;2h queue=default malformed</translation>
    </message>
    <message>
        <source>Filter, at character %1: %2. No jobs are shown until it is fixed.</source>
        <translation>Filter, bei Zeichen %1: %2. Bis zur Korrektur werden keine Jobs angezeigt.</translation>
    </message>
</context>
<context>
    <name>Main</name>
    <message>
        <source>Local sandbox</source>
        <translation>Lokale Sandbox</translation>
    </message>
    <message>
        <source>Desktop console for Sidekiq job systems on Redis.</source>
        <translation>Desktop-Konsole für Sidekiq-Jobsysteme auf Redis.</translation>
    </message>
    <message>
        <source>Start a local sandbox Redis and show it.</source>
        <translation>Eine lokale Sandbox-Redis starten und anzeigen.</translation>
    </message>
    <message>
        <source>Save a picture of the window to &lt;file&gt; and quit.</source>
        <translation>Ein Bild des Fensters in &lt;Datei&gt; speichern und beenden.</translation>
    </message>
    <message>
        <source>file</source>
        <translation>Datei</translation>
    </message>
    <message>
        <source>Wait &lt;ms&gt; before taking the screenshot (default 3000).</source>
        <translation>&lt;ms&gt; vor dem Bildschirmfoto warten (Standard 3000).</translation>
    </message>
    <message>
        <source>ms</source>
        <translation>ms</translation>
    </message>
    <message>
        <source>Use &lt;theme&gt; (system, light, dark) for this run.</source>
        <translation>&lt;Design&gt; (system, light, dark) für diesen Lauf verwenden.</translation>
    </message>
    <message>
        <source>theme</source>
        <translation>Design</translation>
    </message>
    <message>
        <source>Kiqdesk</source>
        <translation>Kiqdesk</translation>
    </message>
    <message>
        <source>cannot write the screenshot to %1</source>
        <translation>Das Bildschirmfoto kann nicht nach %1 geschrieben werden</translation>
    </message>
    <message>
        <source>the local sandbox (demo handlers)</source>
        <translation>der lokalen Sandbox (Demo-Handler)</translation>
    </message>
    <message>
        <source>The sandbox started but demo data could not be written: %1</source>
        <translation>Die Sandbox wurde gestartet, aber die Demodaten konnten nicht geschrieben werden: %1</translation>
    </message>
    <message>
        <source>Open the window at &lt;width&gt;x&lt;height&gt; pixels.</source>
        <translation>Das Fenster mit &lt;Breite&gt;x&lt;Höhe&gt; Pixeln öffnen.</translation>
    </message>
    <message>
        <source>size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Show the deployment&apos;s page &lt;n&gt; (0 is the first tab).</source>
        <translation>Seite &lt;n&gt; des Deployments anzeigen (0 ist der erste Tab).</translation>
    </message>
    <message>
        <source>n</source>
        <translation>n</translation>
    </message>
    <message>
        <source>--size takes &lt;width&gt;x&lt;height&gt;, e.g. 1024x700</source>
        <translation>--size erwartet &lt;Breite&gt;x&lt;Höhe&gt;, z. B. 1024x700</translation>
    </message>
    <message>
        <source>Your saved connections were not loaded.

%1</source>
        <translation>Ihre gespeicherten Verbindungen wurden nicht geladen.

%1</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <source>%1 is not connected</source>
        <translation>%1 ist nicht verbunden</translation>
    </message>
</context>
<context>
    <name>kiq::ui</name>
    <message>
        <source>Type %1 to confirm.</source>
        <translation>Zum Bestätigen %1 eingeben.</translation>
    </message>
</context>
<context>
    <name>kiq::ui::AclLogModel</name>
    <message>
        <source>%1 ago</source>
        <translation>vor %1</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Grund</translation>
    </message>
    <message>
        <source>Denied</source>
        <translation>Verweigert</translation>
    </message>
    <message>
        <source>Context</source>
        <translation>Kontext</translation>
    </message>
    <message>
        <source>Count</source>
        <translation>Anzahl</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>Zuletzt gesehen</translation>
    </message>
    <message>
        <source>Node</source>
        <translation>Knoten</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>Client</translation>
    </message>
</context>
<context>
    <name>kiq::ui::AclPage</name>
    <message>
        <source>primary</source>
        <translation>primär</translation>
    </message>
    <message>
        <source>replica</source>
        <translation>Replikat</translation>
    </message>
    <message>
        <source>New user…</source>
        <translation>Neuer Benutzer…</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>Bearbeiten…</translation>
    </message>
    <message>
        <source>Enable</source>
        <translation>Aktivieren</translation>
    </message>
    <message>
        <source>Disable</source>
        <translation>Deaktivieren</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>Löschen…</translation>
    </message>
    <message>
        <source>Apply Sidekiq role…</source>
        <translation>Sidekiq-Rolle anwenden…</translation>
    </message>
    <message>
        <source>Reset log</source>
        <translation>Log zurücksetzen</translation>
    </message>
    <message>
        <source>Delete ACL user</source>
        <translation>ACL-Benutzer löschen</translation>
    </message>
    <message>
        <source>Delete the ACL user &apos;%1&apos; on every node? Clients logged in as it are disconnected.</source>
        <translation>Den ACL-Benutzer „%1“ auf allen Knoten löschen? Damit angemeldete Clients werden getrennt.</translation>
    </message>
    <message>
        <source>Reset ACL log</source>
        <translation>ACL-Log zurücksetzen</translation>
    </message>
    <message>
        <source>Clear the ACL log on every node?</source>
        <translation>Das ACL-Log auf allen Knoten leeren?</translation>
    </message>
    <message>
        <source>Users</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>Log</translation>
    </message>
    <message>
        <source>The result of each change appears here, per node, with the role checks.</source>
        <translation>Das Ergebnis jeder Änderung erscheint hier, pro Knoten, mit den Rollenprüfungen.</translation>
    </message>
    <message>
        <source>ACL</source>
        <translation>ACL</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>Nicht verbunden.</translation>
    </message>
    <message numerus="yes">
        <source>%n user(s) with risky rights (in red; hover for why).</source>
        <translation>
            <numerusform>%n Benutzer mit riskanten Rechten (rot; Mauszeiger darüber zeigt den Grund).</numerusform>
            <numerusform>%n Benutzer mit riskanten Rechten (rot; Mauszeiger darüber zeigt den Grund).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n user(s), none with risky rights.</source>
        <translation>
            <numerusform>%n Benutzer, keiner mit riskanten Rechten.</numerusform>
            <numerusform>%n Benutzer, keiner mit riskanten Rechten.</numerusform>
        </translation>
    </message>
    <message>
        <source>Could not apply the rules of %1: %2</source>
        <translation>Die Regeln für %1 konnten nicht angewendet werden: %2</translation>
    </message>
    <message>
        <source>ACL SETUSER %1
</source>
        <translation>ACL SETUSER %1
</translation>
    </message>
    <message>
        <source>Could not apply the role to %1: %2</source>
        <translation>Die Rolle konnte nicht auf %1 angewendet werden: %2</translation>
    </message>
    <message>
        <source>ok</source>
        <translation>ok</translation>
    </message>
    <message>
        <source>FAILED</source>
        <translation>FEHLGESCHLAGEN</translation>
    </message>
    <message>
        <source>%1 %2 %3%4</source>
        <translation>%1 %2 %3%4</translation>
    </message>
    <message>
        <source>allow</source>
        <translation>erlauben</translation>
    </message>
    <message>
        <source>deny</source>
        <translation>verweigern</translation>
    </message>
    <message>
        <source>Could not delete %1: %2</source>
        <translation>%1 konnte nicht gelöscht werden: %2</translation>
    </message>
    <message>
        <source>ACL DELUSER %1
</source>
        <translation>ACL DELUSER %1
</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Nicht verbunden</translation>
    </message>
    <message>
        <source>Select a user first</source>
        <translation>Zuerst einen Benutzer auswählen</translation>
    </message>
    <message>
        <source>Cannot read ACL users:</source>
        <translation>ACL-Benutzer können nicht gelesen werden:</translation>
    </message>
    <message>
        <source>Select a user first.</source>
        <translation>Zuerst einen Benutzer auswählen.</translation>
    </message>
    <message>
        <source>Enable the selected user</source>
        <translation>Den ausgewählten Benutzer aktivieren</translation>
    </message>
    <message>
        <source>Disable the selected user</source>
        <translation>Den ausgewählten Benutzer deaktivieren</translation>
    </message>
    <message>
        <source>Delete the selected user</source>
        <translation>Den ausgewählten Benutzer löschen</translation>
    </message>
    <message>
        <source>Reset the log</source>
        <translation>Das Log zurücksetzen</translation>
    </message>
    <message>
        <source>Copy as command</source>
        <translation>Als Befehl kopieren</translation>
    </message>
</context>
<context>
    <name>kiq::ui::AclUserEditor</name>
    <message>
        <source>Enabled</source>
        <translation>Aktiviert</translation>
    </message>
    <message>
        <source>Remove the existing passwords</source>
        <translation>Vorhandene Passwörter entfernen</translation>
    </message>
    <message>
        <source>No password (nopass): anyone can log in as this user</source>
        <translation>Kein Passwort (nopass): jeder kann sich als dieser Benutzer anmelden</translation>
    </message>
    <message>
        <source>Edit ACL user %1</source>
        <translation>ACL-Benutzer %1 bearbeiten</translation>
    </message>
    <message>
        <source>New ACL user</source>
        <translation>Neuer ACL-Benutzer</translation>
    </message>
    <message>
        <source>Leave empty to keep the current passwords</source>
        <translation>Leer lassen, um die aktuellen Passwörter zu behalten</translation>
    </message>
    <message>
        <source>One pattern per line: ~queue:*  %R~stat:*  %W~tmp:*</source>
        <translation>Ein Muster pro Zeile: ~queue:*  %R~stat:*  %W~tmp:*</translation>
    </message>
    <message>
        <source>One pattern per line: &amp;events:*</source>
        <translation>Ein Muster pro Zeile: &amp;events:*</translation>
    </message>
    <message>
        <source>e.g. -flushall +client|setname</source>
        <translation>z. B. -flushall +client|setname</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>New password</source>
        <translation>Neues Passwort</translation>
    </message>
    <message>
        <source>Key patterns</source>
        <translation>Schlüsselmuster</translation>
    </message>
    <message>
        <source>Channels</source>
        <translation>Kanäle</translation>
    </message>
    <message>
        <source>Command categories</source>
        <translation>Befehlskategorien</translation>
    </message>
    <message>
        <source>Extra command rules</source>
        <translation>Weitere Befehlsregeln</translation>
    </message>
    <message>
        <source>Apply to every node</source>
        <translation>Auf alle Knoten anwenden</translation>
    </message>
    <message>
        <source>Will run:</source>
        <translation>Wird ausgeführt:</translation>
    </message>
    <message>
        <source>The name must be one word.</source>
        <translation>Der Name muss ein einzelnes Wort sein.</translation>
    </message>
    <message>
        <source>A new user needs a password (or nopass, which is not recommended).</source>
        <translation>Ein neuer Benutzer braucht ein Passwort (oder nopass, was nicht empfohlen ist).</translation>
    </message>
    <message>
        <source>No change.</source>
        <translation>Keine Änderung.</translation>
    </message>
    <message>
        <source>Changes:
</source>
        <translation>Änderungen:
</translation>
    </message>
    <message>
        <source>Copy as command</source>
        <translation>Als Befehl kopieren</translation>
    </message>
</context>
<context>
    <name>kiq::ui::AclUsersModel</name>
    <message>
        <source>on</source>
        <translation>an</translation>
    </message>
    <message>
        <source>off</source>
        <translation>aus</translation>
    </message>
    <message>
        <source>none (nopass)</source>
        <translation>keine (nopass)</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Passwords</source>
        <translation>Passwörter</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>Schlüssel</translation>
    </message>
    <message>
        <source>Channels</source>
        <translation>Kanäle</translation>
    </message>
    <message>
        <source>Commands</source>
        <translation>Befehle</translation>
    </message>
    <message>
        <source>Risks</source>
        <translation>Risiken</translation>
    </message>
</context>
<context>
    <name>kiq::ui::ApplyRoleDialog</name>
    <message>
        <source>Apply a Sidekiq role</source>
        <translation>Eine Sidekiq-Rolle anwenden</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rolle</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>Benutzername</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Passwort</translation>
    </message>
    <message>
        <source>Apply and verify</source>
        <translation>Anwenden und prüfen</translation>
    </message>
    <message>
        <source>Copy as command</source>
        <translation>Als Befehl kopieren</translation>
    </message>
</context>
<context>
    <name>kiq::ui::ArmDialog</name>
    <message>
        <source>Arm writes</source>
        <translation>Schreiben freischalten</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; is read-only. Arming allows every write (job actions, queue changes, quiet and stop, ACL changes, local workers) until the time below runs out or you disarm.&lt;br&gt;Type the deployment&apos;s name &lt;b&gt;%2&lt;/b&gt; to confirm.</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; ist schreibgeschützt. Das Freischalten erlaubt jeden Schreibvorgang (Job-Aktionen, Änderungen an Warteschlangen, Ruhigstellen und Stoppen, ACL-Änderungen, lokale Worker), bis die unten angegebene Zeit abläuft oder Sie wieder sperren.&lt;br&gt;Geben Sie zum Bestätigen den Namen des Deployments &lt;b&gt;%2&lt;/b&gt; ein.</translation>
    </message>
    <message>
        <source>Why: free text or a ticket id</source>
        <translation>Warum: freier Text oder eine Ticketnummer</translation>
    </message>
    <message>
        <source> min</source>
        <translation> min</translation>
    </message>
    <message>
        <source>Deployment name:</source>
        <translation>Name des Deployments:</translation>
    </message>
    <message>
        <source>Reason:</source>
        <translation>Grund:</translation>
    </message>
    <message>
        <source>Writes allowed for:</source>
        <translation>Schreiben erlaubt für:</translation>
    </message>
</context>
<context>
    <name>kiq::ui::AuditPage</name>
    <message>
        <source>Reload</source>
        <translation>Neu laden</translation>
    </message>
    <message>
        <source>Verify chain</source>
        <translation>Kette prüfen</translation>
    </message>
    <message>
        <source>Export JSONL…</source>
        <translation>Als JSONL exportieren…</translation>
    </message>
    <message>
        <source>Any user (OS or ACL user)</source>
        <translation>Alle Benutzer (OS- oder ACL-Benutzer)</translation>
    </message>
    <message>
        <source>Any action</source>
        <translation>Alle Aktionen</translation>
    </message>
    <message>
        <source>Last hour</source>
        <translation>Letzte Stunde</translation>
    </message>
    <message>
        <source>Last 24 hours</source>
        <translation>Letzte 24 Stunden</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>Letzte 7 Tage</translation>
    </message>
    <message>
        <source>All</source>
        <translation>Alle</translation>
    </message>
    <message>
        <source>Recompute every entry&apos;s hash and check the chain: deleted, edited or forged entries are marked</source>
        <translation>Den Hash jedes Eintrags neu berechnen und die Kette prüfen: gelöschte, bearbeitete oder gefälschte Einträge werden markiert</translation>
    </message>
    <message>
        <source>Every entry of the trail, oldest first, as JSON lines</source>
        <translation>Alle Einträge des Protokolls, älteste zuerst, als JSON-Zeilen</translation>
    </message>
    <message>
        <source>Export the audit trail</source>
        <translation>Das Audit-Protokoll exportieren</translation>
    </message>
    <message>
        <source>JSON lines (*.jsonl);;All files (*)</source>
        <translation>JSON-Zeilen (*.jsonl);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Audit trail</source>
        <translation>Audit-Protokoll</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Nicht verbunden</translation>
    </message>
    <message>
        <source>No entries match.</source>
        <translation>Keine passenden Einträge.</translation>
    </message>
    <message numerus="yes">
        <source>The newest %n matching entries.</source>
        <translation>
            <numerusform>Neueste passende Einträge: %n.</numerusform>
            <numerusform>Neueste passende Einträge: %n.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n matching entries.</source>
        <translation>
            <numerusform>%n passender Eintrag.</numerusform>
            <numerusform>%n passende Einträge.</numerusform>
        </translation>
    </message>
    <message>
        <source>Verifying the chain…</source>
        <translation>Kette wird geprüft…</translation>
    </message>
    <message>
        <source>Could not verify:</source>
        <translation>Prüfung nicht möglich:</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>Export läuft…</translation>
    </message>
    <message>
        <source>Could not export:</source>
        <translation>Export nicht möglich:</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n entries to %1.</source>
        <translation>
            <numerusform>%n Eintrag nach %1 exportiert.</numerusform>
            <numerusform>%n Einträge nach %1 exportiert.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>kiq::ui::AuditTrailModel</name>
    <message>
        <source>%1 / %2 / %3</source>
        <translation>%1 / %2 / %3</translation>
    </message>
    <message>
        <source>%1 (armed by %2)</source>
        <translation>%1 (freigeschaltet von %2)</translation>
    </message>
    <message>
        <source>ok</source>
        <translation>ok</translation>
    </message>
    <message>
        <source>Entry %1</source>
        <translation>Eintrag %1</translation>
    </message>
    <message>
        <source>Detail: %1</source>
        <translation>Details: %1</translation>
    </message>
    <message>
        <source>Jobs: %1</source>
        <translation>Jobs: %1</translation>
    </message>
    <message>
        <source>Chain broken here: %1</source>
        <translation>Kette hier unterbrochen: %1</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <source>ACL user</source>
        <translation>ACL-Benutzer</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Aktion</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>Ziel</translation>
    </message>
    <message>
        <source>Asked / done / skipped</source>
        <translation>Angefragt / erledigt / übersprungen</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Grund</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>Reason: %1</source>
        <translation>Grund: %1</translation>
    </message>
    <message>
        <source>Outcome: %1</source>
        <translation>Ergebnis: %1</translation>
    </message>
    <message>
        <source>Filter / detail</source>
        <translation>Filter / Detail</translation>
    </message>
</context>
<context>
    <name>kiq::ui::BulkActionFlow</name>
    <message>
        <source>Not connected.</source>
        <translation>Nicht verbunden.</translation>
    </message>
    <message>
        <source>Scanning the set…</source>
        <translation>Menge wird durchsucht…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>&lt;b&gt;Preview failed:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;Vorschau fehlgeschlagen:&lt;/b&gt; %1</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>Abgebrochen.</translation>
    </message>
    <message>
        <source>Nothing done.</source>
        <translation>Nichts getan.</translation>
    </message>
    <message numerus="yes">
        <source>%1 %n matching job(s)?</source>
        <translation>
            <numerusform>%1: %n passender Job?</numerusform>
            <numerusform>%1: %n passende Jobs?</numerusform>
        </translation>
    </message>
    <message>
        <source>%1: working…</source>
        <translation>%1: läuft…</translation>
    </message>
    <message>
        <source>&lt;b&gt;Failed:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;Fehlgeschlagen:&lt;/b&gt; %1</translation>
    </message>
    <message>
        <source>%1: %2 done, %3 already gone, %4 skipped%5</source>
        <translation>%1: %2 erledigt, %3 bereits weg, %4 übersprungen%5</translation>
    </message>
    <message>
        <source> (cancelled; can be resumed)</source>
        <translation> (abgebrochen; kann fortgesetzt werden)</translation>
    </message>
    <message>
        <source>%1: %2 done, %3 scanned</source>
        <translation>%1: %2 erledigt, %3 durchsucht</translation>
    </message>
    <message>
        <source>%1 jobs/s</source>
        <translation>%1 Jobs/s</translation>
    </message>
    <message>
        <source>Redis busy %1% of the time</source>
        <translation>Redis zu %1 % der Zeit ausgelastet</translation>
    </message>
    <message>
        <source>about %1 left</source>
        <translation>noch etwa %1</translation>
    </message>
    <message>
        <source>slowed down: the server answers in %1</source>
        <translation>verlangsamt: der Server antwortet in %1</translation>
    </message>
</context>
<context>
    <name>kiq::ui::BulkPreviewDialog</name>
    <message numerus="yes">
        <source>… and %n more</source>
        <translation>
            <numerusform>… und %n weiterer</numerusform>
            <numerusform>… und %n weitere</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 all matching jobs</source>
        <translation>%1: alle passenden Jobs</translation>
    </message>
    <message>
        <source>Group</source>
        <translation>Gruppe</translation>
    </message>
    <message>
        <source>Jobs</source>
        <translation>Jobs</translation>
    </message>
    <message>
        <source>By class</source>
        <translation>Nach Klasse</translation>
    </message>
    <message>
        <source>By queue</source>
        <translation>Nach Warteschlange</translation>
    </message>
    <message>
        <source>By error</source>
        <translation>Nach Fehler</translation>
    </message>
    <message>
        <source>no limit</source>
        <translation>unbegrenzt</translation>
    </message>
    <message>
        <source> jobs/s</source>
        <translation> Jobs/s</translation>
    </message>
    <message>
        <source>Rate limit:</source>
        <translation>Ratenlimit:</translation>
    </message>
    <message>
        <source>Continue…</source>
        <translation>Weiter…</translation>
    </message>
    <message numerus="yes">
        <source>&lt;b&gt;%1&lt;/b&gt; of %2 job(s) match and would be affected by &lt;b&gt;%3&lt;/b&gt;.</source>
        <translation>
            <numerusform>&lt;b&gt;%1&lt;/b&gt; von %2 Job passt und wäre von &lt;b&gt;%3&lt;/b&gt; betroffen.</numerusform>
            <numerusform>&lt;b&gt;%1&lt;/b&gt; von %2 Jobs passen und wären von &lt;b&gt;%3&lt;/b&gt; betroffen.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>kiq::ui::BusyJobModel</name>
    <message>
        <source>(unreadable job)</source>
        <translation>(unlesbarer Job)</translation>
    </message>
    <message>
        <source>Process</source>
        <translation>Prozess</translation>
    </message>
    <message>
        <source>Thread</source>
        <translation>Thread</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>Warteschlange</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>Job</translation>
    </message>
    <message>
        <source>Arguments</source>
        <translation>Argumente</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Gestartet</translation>
    </message>
    <message>
        <source>Running for</source>
        <translation>Laufzeit</translation>
    </message>
    <message>
        <source>cancelled %1 ago</source>
        <translation>vor %1 abgebrochen</translation>
    </message>
    <message>
        <source>execution %1 · %2 iterating · cursor %3</source>
        <translation>Ausführung %1 · %2 iteriert · Cursor %3</translation>
    </message>
    <message>
        <source>Cursor: %1</source>
        <translation>Cursor: %1</translation>
    </message>
    <message>
        <source>Iteration</source>
        <translation>Iteration</translation>
    </message>
</context>
<context>
    <name>kiq::ui::BusyPage</name>
    <message>
        <source>Reload</source>
        <translation>Neu laden</translation>
    </message>
    <message>
        <source>Quiet selected</source>
        <translation>Auswahl ruhigstellen</translation>
    </message>
    <message>
        <source>Stop selected</source>
        <translation>Auswahl stoppen</translation>
    </message>
    <message>
        <source>Quiet all</source>
        <translation>Alle ruhigstellen</translation>
    </message>
    <message>
        <source>Stop all</source>
        <translation>Alle stoppen</translation>
    </message>
    <message>
        <source>Processes</source>
        <translation>Prozesse</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>Nicht verbunden.</translation>
    </message>
    <message>
        <source>Busy</source>
        <translation>Beschäftigt</translation>
    </message>
    <message>
        <source>Quiet</source>
        <translation>Ruhigstellen</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Stoppen</translation>
    </message>
    <message numerus="yes">
        <source>Quiet %n process(es)? They finish their current jobs and fetch no new ones.</source>
        <translation>
            <numerusform>%n Prozess ruhigstellen? Er beendet seine laufenden Jobs und holt keine neuen.</numerusform>
            <numerusform>%n Prozesse ruhigstellen? Sie beenden ihre laufenden Jobs und holen keine neuen.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Stop %n process(es)? They shut down; unfinished jobs go back to their queues.</source>
        <translation>
            <numerusform>%n Prozess stoppen? Er fährt herunter; nicht beendete Jobs kehren in ihre Warteschlangen zurück.</numerusform>
            <numerusform>%n Prozesse stoppen? Sie fahren herunter; nicht beendete Jobs kehren in ihre Warteschlangen zurück.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 sent to %n process(es); they act at their next heartbeat.</source>
        <translation>
            <numerusform>%1 an %n Prozess gesendet; er reagiert beim nächsten Heartbeat.</numerusform>
            <numerusform>%1 an %n Prozesse gesendet; sie reagieren beim nächsten Heartbeat.</numerusform>
        </translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Nicht verbunden</translation>
    </message>
    <message>
        <source>No Sidekiq process is running</source>
        <translation>Kein Sidekiq-Prozess läuft</translation>
    </message>
    <message>
        <source>Select processes in the table first</source>
        <translation>Zuerst Prozesse in der Tabelle auswählen</translation>
    </message>
    <message>
        <source>Stop fetching new jobs; running jobs finish</source>
        <translation>Keine neuen Jobs mehr holen; laufende Jobs werden beendet</translation>
    </message>
    <message>
        <source>Shut the selected processes down</source>
        <translation>Die ausgewählten Prozesse herunterfahren</translation>
    </message>
    <message>
        <source>Quiet every listed process</source>
        <translation>Jeden aufgeführten Prozess ruhigstellen</translation>
    </message>
    <message>
        <source>Shut every listed process down</source>
        <translation>Jeden aufgeführten Prozess herunterfahren</translation>
    </message>
    <message>
        <source>%1, %2</source>
        <translation>%1, %2</translation>
    </message>
    <message numerus="yes">
        <source>%Ln process(es)</source>
        <translation>
            <numerusform>%Ln Prozess</numerusform>
            <numerusform>%Ln Prozesse</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln job(s) running</source>
        <translation>
            <numerusform>%Ln Job läuft</numerusform>
            <numerusform>%Ln Jobs laufen</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 failed:</source>
        <translation>%1 fehlgeschlagen:</translation>
    </message>
    <message>
        <source>Copy as command</source>
        <translation>Als Befehl kopieren</translation>
    </message>
    <message>
        <source>Select processes first.</source>
        <translation>Zuerst Prozesse auswählen.</translation>
    </message>
    <message>
        <source>Cancel iteration</source>
        <translation>Iteration abbrechen</translation>
    </message>
    <message>
        <source>Select a running iterable job first</source>
        <translation>Zuerst einen laufenden iterierbaren Job auswählen</translation>
    </message>
    <message>
        <source>Only iterable jobs (Sidekiq 7.3 and later) can be cancelled; this one is not</source>
        <translation>Nur iterierbare Jobs (Sidekiq 7.3 und neuer) lassen sich abbrechen; dieser ist keiner</translation>
    </message>
    <message>
        <source>Cancelled already: it stops at its next state save</source>
        <translation>Bereits abgebrochen: er hält beim nächsten Speichern seines Zustands an</translation>
    </message>
    <message>
        <source>Ask the job to stop at its next state save (about every 5 s)</source>
        <translation>Den Job bitten, beim nächsten Speichern seines Zustands anzuhalten (etwa alle 5 s)</translation>
    </message>
    <message>
        <source>Cancel %1 (%2) on %3? It stops at its next state save and runs its on_cancel callback; this cannot be undone.</source>
        <translation>%1 (%2) auf %3 abbrechen? Er hält beim nächsten Speichern seines Zustands an und ruft seinen on_cancel-Callback auf; das lässt sich nicht rückgängig machen.</translation>
    </message>
    <message>
        <source>Cancel failed:</source>
        <translation>Abbrechen fehlgeschlagen:</translation>
    </message>
    <message>
        <source>%1 is cancelled; it stops at its next state save.</source>
        <translation>%1 ist abgebrochen; er hält beim nächsten Speichern seines Zustands an.</translation>
    </message>
    <message>
        <source>Filter running jobs by process, queue, job class, arguments or JID</source>
        <translation>Laufende Jobs nach Prozess, Queue, Job-Klasse, Argumenten oder JID filtern</translation>
    </message>
    <message numerus="yes">
        <source>%Ln shown</source>
        <translation>
            <numerusform>%Ln angezeigt</numerusform>
            <numerusform>%Ln angezeigt</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>kiq::ui::ChartExport</name>
    <message>
        <source>Export as CSV…</source>
        <translation>Als CSV exportieren…</translation>
    </message>
    <message>
        <source>Export as CSV</source>
        <translation>Als CSV exportieren</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV-Dateien (*.csv)</translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>%1 konnte nicht geschrieben werden: %2</translation>
    </message>
</context>
<context>
    <name>kiq::ui::ClientCensusModel</name>
    <message>
        <source>not identified</source>
        <translation>nicht erkannt</translation>
    </message>
    <message>
        <source>%1 more</source>
        <translation>%1 weitere</translation>
    </message>
    <message>
        <source>Connections waiting in a blocking command, such as Sidekiq&apos;s fetchers in BRPOP.</source>
        <translation>Verbindungen, die in einem blockierenden Befehl warten, etwa Sidekiqs Fetcher in BRPOP.</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>Host</translation>
    </message>
    <message>
        <source>Client library</source>
        <translation>Client-Bibliothek</translation>
    </message>
    <message>
        <source>Sidekiq</source>
        <translation>Sidekiq</translation>
    </message>
    <message>
        <source>Connections</source>
        <translation>Verbindungen</translation>
    </message>
    <message>
        <source>Blocked</source>
        <translation>Blockiert</translation>
    </message>
    <message>
        <source>Oldest</source>
        <translation>Älteste</translation>
    </message>
    <message>
        <source>Names</source>
        <translation>Namen</translation>
    </message>
    <message>
        <source>These clients sent no CLIENT SETINFO (Redis 7.2+), so their library and version are unknown. Sidekiq 6 (redis-rb 4) and every client on Redis before 7.2 look like this; Sidekiq 8.1.5+ identifies itself.</source>
        <translation>Diese Clients haben kein CLIENT SETINFO (Redis 7.2+) gesendet, Bibliothek und Version sind daher unbekannt. Sidekiq 6 (redis-rb 4) und jeder Client auf Redis vor 7.2 sehen so aus; Sidekiq 8.1.5+ gibt sich zu erkennen.</translation>
    </message>
</context>
<context>
    <name>kiq::ui::ClientListModel</name>
    <message>
        <source>Id</source>
        <translation>Id</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Adresse</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <source>Connected for</source>
        <translation>Verbunden seit</translation>
    </message>
    <message>
        <source>Idle</source>
        <translation>Leerlauf</translation>
    </message>
    <message>
        <source>DB</source>
        <translation>DB</translation>
    </message>
    <message>
        <source>Last command</source>
        <translation>Letzter Befehl</translation>
    </message>
    <message>
        <source>Flags</source>
        <translation>Flags</translation>
    </message>
</context>
<context>
    <name>kiq::ui::CommandPalette</name>
    <message>
        <source>Command palette</source>
        <translation>Befehlspalette</translation>
    </message>
    <message>
        <source>Type an action, a deployment or a page…</source>
        <translation>Eine Aktion, ein Deployment oder eine Seite eingeben…</translation>
    </message>
</context>
<context>
    <name>kiq::ui::ConnectionDialog</name>
    <message>
        <source>Enter the server&apos;s host name or address.</source>
        <translation>Den Hostnamen oder die Adresse des Servers eingeben.</translation>
    </message>
    <message>
        <source>Ask for the password when connecting</source>
        <translation>Beim Verbinden nach dem Passwort fragen</translation>
    </message>
    <message>
        <source> ms</source>
        <translation> ms</translation>
    </message>
    <message>
        <source>&amp;Test connection</source>
        <translation>Verbindung &amp;testen</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>Verbindung</translation>
    </message>
    <message>
        <source>Security</source>
        <translation>Sicherheit</translation>
    </message>
    <message>
        <source>Advanced</source>
        <translation>Erweitert</translation>
    </message>
    <message>
        <source>Tag colour</source>
        <translation>Markierungsfarbe</translation>
    </message>
    <message>
        <source>redis://user:password@host:6379/0 or rediss://…</source>
        <translation>redis://user:password@host:6379/0 oder rediss://…</translation>
    </message>
    <message>
        <source>Fill in</source>
        <translation>Übernehmen</translation>
    </message>
    <message>
        <source>e.g. Billing production</source>
        <translation>z. B. Billing Produktion</translation>
    </message>
    <message>
        <source>none (e.g. myapp: for redis-namespace)</source>
        <translation>keines (z. B. myapp: für redis-namespace)</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>Name:</translation>
    </message>
    <message>
        <source>Environment:</source>
        <translation>Umgebung:</translation>
    </message>
    <message>
        <source>URL:</source>
        <translation>URL:</translation>
    </message>
    <message>
        <source>Database:</source>
        <translation>Datenbank:</translation>
    </message>
    <message>
        <source>Namespace prefix:</source>
        <translation>Namespace-Präfix:</translation>
    </message>
    <message>
        <source>default</source>
        <translation>default</translation>
    </message>
    <message>
        <source>not saved: asked when connecting</source>
        <translation>nicht gespeichert: wird beim Verbinden abgefragt</translation>
    </message>
    <message>
        <source>Authentication</source>
        <translation>Authentifizierung</translation>
    </message>
    <message>
        <source>Username:</source>
        <translation>Benutzername:</translation>
    </message>
    <message>
        <source>Password:</source>
        <translation>Passwort:</translation>
    </message>
    <message>
        <source>none (CLIENT SETNAME is skipped)</source>
        <translation>keiner (CLIENT SETNAME entfällt)</translation>
    </message>
    <message>
        <source>Connect timeout:</source>
        <translation>Verbindungs-Timeout:</translation>
    </message>
    <message>
        <source>Command timeout:</source>
        <translation>Befehls-Timeout:</translation>
    </message>
    <message>
        <source>Connection attempts:</source>
        <translation>Verbindungsversuche:</translation>
    </message>
    <message>
        <source>First retry after:</source>
        <translation>Erster Neuversuch nach:</translation>
    </message>
    <message>
        <source>Client name:</source>
        <translation>Client-Name:</translation>
    </message>
    <message>
        <source>Cannot read this URL: %1</source>
        <translation>Diese URL ist nicht lesbar: %1</translation>
    </message>
    <message>
        <source>Testing %1…</source>
        <translation>%1 wird getestet…</translation>
    </message>
    <message>
        <source>Connection failed: %1</source>
        <translation>Verbindung fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Connected; PING answered in %1. INFO is not allowed for this user: %2</source>
        <translation>Verbunden; PING beantwortet in %1. INFO ist für diesen Benutzer nicht erlaubt: %2</translation>
    </message>
    <message>
        <source>Connected to Redis %1 (%2); round trip %3.</source>
        <translation>Verbunden mit Redis %1 (%2); Umlaufzeit %3.</translation>
    </message>
    <message>
        <source>Read-only: writes need arming with a reason</source>
        <translation>Schreibgeschützt: Schreiben muss mit einem Grund freigeschaltet werden</translation>
    </message>
    <message>
        <source> min</source>
        <translation> min</translation>
    </message>
    <message>
        <source>Arm for:</source>
        <translation>Freischalten für:</translation>
    </message>
    <message>
        <source>Writes:</source>
        <translation>Schreiben:</translation>
    </message>
    <message>
        <source>Production deployments always open read-only.</source>
        <translation>Produktions-Deployments werden immer schreibgeschützt geöffnet.</translation>
    </message>
    <message>
        <source>Open this deployment read-only, as production is.</source>
        <translation>Dieses Deployment schreibgeschützt öffnen, wie Produktion.</translation>
    </message>
    <message>
        <source> entries</source>
        <translation> Einträge</translation>
    </message>
    <message>
        <source>The shared audit trail (the kiqdesk:audit stream in this deployment&apos;s Redis) keeps about this many entries; older ones are trimmed. About 1 KB each.</source>
        <translation>Das gemeinsame Audit-Protokoll (der Stream kiqdesk:audit im Redis dieses Deployments) behält etwa so viele Einträge; ältere werden gekürzt. Etwa 1 KB pro Eintrag.</translation>
    </message>
    <message>
        <source>Audit trail keeps about:</source>
        <translation>Audit-Protokoll behält etwa:</translation>
    </message>
    <message>
        <source>&amp;Diagnose…</source>
        <translation>&amp;Diagnose…</translation>
    </message>
    <message>
        <source>Take the connection apart step by step and say what to fix</source>
        <translation>Die Verbindung Schritt für Schritt prüfen und sagen, was zu beheben ist</translation>
    </message>
    <message>
        <source>Finding the step that fails…</source>
        <translation>Suche den Schritt, der fehlschlägt…</translation>
    </message>
    <message>
        <source>Diagnose… shows every step.</source>
        <translation>Diagnose… zeigt jeden Schritt.</translation>
    </message>
    <message>
        <source>As the environment: production 25%, staging 50%, else 100%</source>
        <translation>Je nach Umgebung: Produktion 25 %, Staging 50 %, sonst 100 %</translation>
    </message>
    <message>
        <source>%1% of Redis time</source>
        <translation>%1 % der Redis-Zeit</translation>
    </message>
    <message>
        <source>Unlimited (fastest, heaviest on other clients)</source>
        <translation>Unbegrenzt (am schnellsten, am schwersten für andere Clients)</translation>
    </message>
    <message>
        <source>Bulk actions, job index builds and the security audit&apos;s sample keep Redis busy at most this share of each second, so the apps sharing it keep their latency. They slow down further while the server answers late.</source>
        <translation>Massenaktionen, der Aufbau des Job-Index und die Stichprobe des Sicherheitsaudits beschäftigen Redis höchstens diesen Anteil jeder Sekunde, damit die Apps, die es mitnutzen, ihre Latenz behalten. Antwortet der Server spät, werden sie noch langsamer.</translation>
    </message>
    <message>
        <source>Long operations may take:</source>
        <translation>Lange Vorgänge dürfen nutzen:</translation>
    </message>
    <message>
        <source>Redis runs one command at a time: every other client waits while one of ours runs. Calls are sized by measured time to hold it about this long.</source>
        <translation>Redis führt einen Befehl nach dem anderen aus: Jeder andere Client wartet, während einer unserer Befehle läuft. Aufrufe werden nach gemessener Zeit so bemessen, dass sie Redis etwa so lange belegen.</translation>
    </message>
    <message>
        <source>One call holds Redis about:</source>
        <translation>Ein Aufruf belegt Redis etwa:</translation>
    </message>
    <message>
        <source>Post this deployment&apos;s alerts to a webhook (its URL comes from the source above)</source>
        <translation>Alarme dieses Deployments an einen Webhook senden (die URL kommt aus der Quelle oben)</translation>
    </message>
    <message>
        <source>Each alert as a JSON POST, for chat tools. The URL holds the tool&apos;s token: it is kept like a password, never in the profile file.</source>
        <translation>Jeder Alarm als JSON-POST, für Chat-Tools. Die URL enthält das Token des Tools: Sie wird wie ein Passwort aufbewahrt, nie in der Profildatei.</translation>
    </message>
</context>
<context>
    <name>kiq::ui::DailyHistoryChart</name>
    <message>
        <source>Processed</source>
        <translation>Verarbeitet</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Daily history (Sidekiq, UTC days)</source>
        <translation>Tagesverlauf (Sidekiq, UTC-Tage)</translation>
    </message>
    <message>
        <source>%1 (UTC): %2 processed, %3 failed</source>
        <translation>%1 (UTC): %2 verarbeitet, %3 fehlgeschlagen</translation>
    </message>
</context>
<context>
    <name>kiq::ui::Deployment</name>
    <message>
        <source>Not connected</source>
        <translation>Nicht verbunden</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Verbinde…</translation>
    </message>
    <message>
        <source>Reachable</source>
        <translation>Erreichbar</translation>
    </message>
    <message>
        <source>Redis %1</source>
        <translation>Redis %1</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>arm writes with a reason first</source>
        <translation>zuerst Schreiben mit einem Grund freischalten</translation>
    </message>
    <message>
        <source>%1. Try again (or press F5) to enter the password again.</source>
        <translation>%1. Erneut versuchen (oder F5 drücken), um das Passwort erneut einzugeben.</translation>
    </message>
    <message>
        <source>Server certificate</source>
        <translation>Serverzertifikat</translation>
    </message>
    <message>
        <source>CA certificate</source>
        <translation>CA-Zertifikat</translation>
    </message>
    <message>
        <source>Client certificate</source>
        <translation>Client-Zertifikat</translation>
    </message>
    <message numerus="yes">
        <source>%1 “%2” expired %n day(s) ago (%3)</source>
        <translation>
            <numerusform>%1 „%2“ ist vor %n Tag abgelaufen (%3)</numerusform>
            <numerusform>%1 „%2“ ist vor %n Tagen abgelaufen (%3)</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 “%2” expires today (%3)</source>
        <translation>%1 „%2“ läuft heute ab (%3)</translation>
    </message>
    <message numerus="yes">
        <source>%1 “%2” expires in %n day(s) (%3)</source>
        <translation>
            <numerusform>%1 „%2“ läuft in %n Tag ab (%3)</numerusform>
            <numerusform>%1 „%2“ läuft in %n Tagen ab (%3)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>kiq::ui::DeploymentPage</name>
    <message>
        <source>This page has no write path.</source>
        <translation>Diese Seite kann nicht schreiben.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Undo failed:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;Rückgängig fehlgeschlagen:&lt;/b&gt; %1</translation>
    </message>
    <message numerus="yes">
        <source>Put back %1 job(s), %2 already there</source>
        <translation>
            <numerusform>%1 Job zurückgelegt, %2 bereits vorhanden</numerusform>
            <numerusform>%1 Jobs zurückgelegt, %2 bereits vorhanden</numerusform>
        </translation>
    </message>
    <message>
        <source>Copied the command; replace the --arm placeholder with the reason before running it.</source>
        <translation>Befehl kopiert; ersetzen Sie den --arm-Platzhalter vor dem Ausführen durch den Grund.</translation>
    </message>
    <message>
        <source>Copied the command: %1</source>
        <translation>Befehl kopiert: %1</translation>
    </message>
    <message>
        <source>Not permitted for user %1: needs %2</source>
        <translation>Für Benutzer %1 nicht erlaubt: benötigt %2</translation>
    </message>
    <message>
        <source>&lt;b&gt;Export failed:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;Export fehlgeschlagen:&lt;/b&gt; %1</translation>
    </message>
    <message>
        <source>&lt;b&gt;Could not write %1:&lt;/b&gt; %2</source>
        <translation>&lt;b&gt;%1 konnte nicht geschrieben werden:&lt;/b&gt; %2</translation>
    </message>
    <message>
        <source> · %1 no longer there</source>
        <translation> · %1 nicht mehr vorhanden</translation>
    </message>
    <message>
        <source> · arguments as they are (recorded in the audit trail)</source>
        <translation> · Argumente unverändert (im Audit-Trail vermerkt)</translation>
    </message>
    <message>
        <source> · redacted: for reading, not for import</source>
        <translation> · geschwärzt: zum Lesen, nicht zum Import</translation>
    </message>
    <message>
        <source>&lt;b&gt;Could not read %1:&lt;/b&gt; %2</source>
        <translation>&lt;b&gt;%1 konnte nicht gelesen werden:&lt;/b&gt; %2</translation>
    </message>
    <message>
        <source>%1 is a redacted export: its arguments are masked, so its jobs cannot be imported. Export them again with the arguments as they are.</source>
        <translation>%1 ist ein geschwärzter Export: Die Argumente sind maskiert, daher können die Jobs nicht importiert werden. Exportieren Sie sie erneut mit unveränderten Argumenten.</translation>
    </message>
    <message>
        <source>No jobs in %1%2</source>
        <translation>Keine Jobs in %1%2</translation>
    </message>
    <message>
        <source>Import jobs</source>
        <translation>Jobs importieren</translation>
    </message>
    <message>
        <source>&lt;b&gt;Import failed:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;Import fehlgeschlagen:&lt;/b&gt; %1</translation>
    </message>
    <message>
        <source>Job file</source>
        <translation>Job-Datei</translation>
    </message>
    <message>
        <source>Export jobs</source>
        <translation>Jobs exportieren</translation>
    </message>
    <message>
        <source>Job files (*.jsonl);;All files (*)</source>
        <translation>Job-Dateien (*.jsonl);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Export selected…</source>
        <translation>Auswahl exportieren…</translation>
    </message>
    <message>
        <source>Export selected with arguments as they are…</source>
        <translation>Auswahl mit unveränderten Argumenten exportieren…</translation>
    </message>
    <message>
        <source>Byte-exact, for import elsewhere; recorded in the audit trail</source>
        <translation>Byte-genau, zum Import an anderer Stelle; im Audit-Trail vermerkt</translation>
    </message>
    <message>
        <source>Import jobs…</source>
        <translation>Jobs importieren…</translation>
    </message>
    <message numerus="yes">
        <source>Exported %1 job(s) to %2</source>
        <translation>
            <numerusform>%1 Job nach %2 exportiert</numerusform>
            <numerusform>%1 Jobs nach %2 exportiert</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Import %1 job(s) from %2 into %3?</source>
        <translation>
            <numerusform>%1 Job aus %2 in %3 importieren?</numerusform>
            <numerusform>%1 Jobs aus %2 in %3 importieren?</numerusform>
        </translation>
    </message>
    <message>
        <source>Lines that could not be read, left out: %1; the first: %2</source>
        <translation>Nicht lesbare Zeilen, ausgelassen: %1; die erste: %2</translation>
    </message>
    <message numerus="yes">
        <source>Imported %1 job(s), %2 already there, %3 not jobs, %4 unreadable lines</source>
        <translation>
            <numerusform>%1 Job importiert, %2 schon vorhanden, %3 keine Jobs, %4 unlesbare Zeilen</numerusform>
            <numerusform>%1 Jobs importiert, %2 schon vorhanden, %3 keine Jobs, %4 unlesbare Zeilen</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>kiq::ui::DeploymentView</name>
    <message>
        <source>Connect…</source>
        <translation>Verbinden…</translation>
    </message>
    <message>
        <source>&lt;b&gt;Warning:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;Warnung:&lt;/b&gt; %1</translation>
    </message>
    <message>
        <source>Try again…</source>
        <translation>Erneut versuchen…</translation>
    </message>
    <message>
        <source>Read-only</source>
        <translation>Schreibgeschützt</translation>
    </message>
    <message>
        <source>Writes to this deployment are refused until you arm them with a reason.</source>
        <translation>Schreibvorgänge in diesem Deployment werden abgelehnt, bis Sie sie mit einem Grund freischalten.</translation>
    </message>
    <message>
        <source>Arm writes…</source>
        <translation>Schreiben freischalten…</translation>
    </message>
    <message>
        <source>Allow writes for a while, with a reason</source>
        <translation>Schreiben für eine Weile erlauben, mit einem Grund</translation>
    </message>
    <message>
        <source>until disarmed</source>
        <translation>bis zum Sperren</translation>
    </message>
    <message>
        <source>%1:%2 left</source>
        <translation>noch %1:%2</translation>
    </message>
    <message>
        <source>Writes armed: %1</source>
        <translation>Schreiben freigeschaltet: %1</translation>
    </message>
    <message>
        <source>Armed by %1 at %2: %3</source>
        <translation>Freigeschaltet von %1 um %2: %3</translation>
    </message>
    <message>
        <source>Disarm</source>
        <translation>Sperren</translation>
    </message>
    <message>
        <source>Back to read-only now</source>
        <translation>Sofort zurück zu schreibgeschützt</translation>
    </message>
</context>
<context>
    <name>kiq::ui::DoctorDialog</name>
    <message>
        <source>Run &amp;again</source>
        <translation>&amp;Erneut ausführen</translation>
    </message>
    <message>
        <source>&amp;Copy report</source>
        <translation>Bericht &amp;kopieren</translation>
    </message>
    <message>
        <source>Connection doctor — %1</source>
        <translation>Verbindungsdiagnose — %1</translation>
    </message>
    <message>
        <source>Sentinel</source>
        <translation>Sentinel</translation>
    </message>
    <message>
        <source>Name lookup</source>
        <translation>Namensauflösung</translation>
    </message>
    <message>
        <source>TCP connection</source>
        <translation>TCP-Verbindung</translation>
    </message>
    <message>
        <source>Certificate files</source>
        <translation>Zertifikatsdateien</translation>
    </message>
    <message>
        <source>TLS handshake</source>
        <translation>TLS-Handshake</translation>
    </message>
    <message>
        <source>Server certificate</source>
        <translation>Serverzertifikat</translation>
    </message>
    <message>
        <source>Client certificate</source>
        <translation>Client-Zertifikat</translation>
    </message>
    <message>
        <source>Authentication</source>
        <translation>Authentifizierung</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>Server</translation>
    </message>
    <message>
        <source>Reading Sidekiq&apos;s data</source>
        <translation>Sidekiq-Daten lesen</translation>
    </message>
    <message>
        <source>Writing (armed)</source>
        <translation>Schreiben (scharf geschaltet)</translation>
    </message>
    <message>
        <source>Examining %1…</source>
        <translation>Untersuche %1…</translation>
    </message>
    <message>
        <source>The credential helper failed: %1</source>
        <translation>Das Credential-Hilfsprogramm ist fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>No password is at hand: the doctor connects without it.</source>
        <translation>Kein Passwort zur Hand: die Diagnose verbindet ohne.</translation>
    </message>
    <message>
        <source>No Sentinel password is at hand: the doctor connects without it.</source>
        <translation>Kein Sentinel-Passwort zur Hand: die Diagnose verbindet ohne.</translation>
    </message>
    <message>
        <source>No passphrase for the client key is at hand: the doctor loads the key without it.</source>
        <translation>Keine Passphrase für den Client-Schlüssel zur Hand: die Diagnose lädt den Schlüssel ohne.</translation>
    </message>
    <message>
        <source>pass</source>
        <translation>ok</translation>
    </message>
    <message>
        <source>warn</source>
        <translation>Warnung</translation>
    </message>
    <message>
        <source>fail</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>skipped</source>
        <translation>übersprungen</translation>
    </message>
    <message>
        <source>Fix:</source>
        <translation>Abhilfe:</translation>
    </message>
    <message numerus="yes">
        <source>%n step(s) failed</source>
        <translation>
            <numerusform>%n Schritt fehlgeschlagen</numerusform>
            <numerusform>%n Schritte fehlgeschlagen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>, %n warning(s)</source>
        <translation>
            <numerusform>, %n Warnung</numerusform>
            <numerusform>, %n Warnungen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The connection works, with %n warning(s)</source>
        <translation>
            <numerusform>Die Verbindung funktioniert, mit %n Warnung</numerusform>
            <numerusform>Die Verbindung funktioniert, mit %n Warnungen</numerusform>
        </translation>
    </message>
    <message>
        <source>Every step passed</source>
        <translation>Alle Schritte bestanden</translation>
    </message>
</context>
<context>
    <name>kiq::ui::Environment</name>
    <message>
        <source>Development</source>
        <translation>Entwicklung</translation>
    </message>
    <message>
        <source>Staging</source>
        <translation>Staging</translation>
    </message>
    <message>
        <source>Production</source>
        <translation>Produktion</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>Andere</translation>
    </message>
</context>
<context>
    <name>kiq::ui::ExecutionHistogramChart</name>
    <message>
        <source>Jobs</source>
        <translation>Jobs</translation>
    </message>
    <message>
        <source>Execution times of %1 (successful jobs)</source>
        <translation>Ausführungszeiten von %1 (erfolgreiche Jobs)</translation>
    </message>
    <message>
        <source>Execution times</source>
        <translation>Ausführungszeiten</translation>
    </message>
    <message>
        <source>over %1</source>
        <translation>über %1</translation>
    </message>
    <message>
        <source>under %1</source>
        <translation>unter %1</translation>
    </message>
    <message numerus="yes">
        <source>%1: %2 job(s)</source>
        <translation>
            <numerusform>%1: %2 Job</numerusform>
            <numerusform>%1: %2 Jobs</numerusform>
        </translation>
    </message>
    <message>
        <source>Execution time, up to</source>
        <translation>Ausführungszeit, bis</translation>
    </message>
</context>
<context>
    <name>kiq::ui::FailureGroupModel</name>
    <message>
        <source>(no error)</source>
        <translation>(kein Fehler)</translation>
    </message>
    <message>
        <source>Jobs</source>
        <translation>Jobs</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>Message (normalised)</source>
        <translation>Meldung (normalisiert)</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>Job</translation>
    </message>
    <message>
        <source>First seen</source>
        <translation>Zuerst gesehen</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>Zuletzt gesehen</translation>
    </message>
</context>
<context>
    <name>kiq::ui::FirstRunDialog</name>
    <message>
        <source>Welcome to Kiqdesk</source>
        <translation>Willkommen bei Kiqdesk</translation>
    </message>
    <message>
        <source>Kiqdesk watches Sidekiq job systems on Redis. There is no connection yet.</source>
        <translation>Kiqdesk überwacht Sidekiq-Jobsysteme auf Redis. Es gibt noch keine Verbindung.</translation>
    </message>
    <message>
        <source>Start a local sandbox</source>
        <translation>Eine lokale Sandbox starten</translation>
    </message>
    <message>
        <source>A private Redis on this computer, gone when Kiqdesk quits. Nothing you do there touches a real deployment.</source>
        <translation>Ein privates Redis auf diesem Computer, das beim Beenden von Kiqdesk verschwindet. Nichts, was Sie dort tun, berührt ein echtes Deployment.</translation>
    </message>
    <message>
        <source>Add a connection</source>
        <translation>Eine Verbindung hinzufügen</translation>
    </message>
    <message>
        <source>Connect to your own Redis: standalone, Sentinel or Cluster, with or without TLS.</source>
        <translation>Mit Ihrem eigenen Redis verbinden: Standalone, Sentinel oder Cluster, mit oder ohne TLS.</translation>
    </message>
    <message>
        <source>Not now</source>
        <translation>Jetzt nicht</translation>
    </message>
</context>
<context>
    <name>kiq::ui::FleetModel</name>
    <message>
        <source>Deployment</source>
        <translation>Deployment</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Enqueued</source>
        <translation>Eingereiht</translation>
    </message>
    <message>
        <source>Max latency</source>
        <translation>Max. Latenz</translation>
    </message>
    <message>
        <source>Busy</source>
        <translation>Beschäftigt</translation>
    </message>
    <message>
        <source>Processes</source>
        <translation>Prozesse</translation>
    </message>
    <message>
        <source>Retries</source>
        <translation>Wiederholungen</translation>
    </message>
    <message>
        <source>Dead</source>
        <translation>Tot</translation>
    </message>
    <message>
        <source>Dead, last hour</source>
        <translation>Tot, letzte Stunde</translation>
    </message>
    <message>
        <source>Redis memory</source>
        <translation>Redis-Speicher</translation>
    </message>
    <message>
        <source>Queue “%1”</source>
        <translation>Warteschlange „%1“</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>Reachable</source>
        <translation>Erreichbar</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Nicht verbunden</translation>
    </message>
    <message>
        <source>no jobs waiting</source>
        <translation>keine wartenden Jobs</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 von %2</translation>
    </message>
    <message>
        <source>Jobs that died since %1 and are still in the dead set</source>
        <translation>Jobs, die seit %1 gestorben sind und noch in den toten Jobs liegen</translation>
    </message>
    <message>
        <source>Security</source>
        <translation>Sicherheit</translation>
    </message>
    <message>
        <source>auditing…</source>
        <translation>wird geprüft…</translation>
    </message>
    <message>
        <source>%1 fail · %2 warn</source>
        <translation>%1 Fehler · %2 Warnungen</translation>
    </message>
    <message>
        <source>%1 fail</source>
        <translation>%1 Fehler</translation>
    </message>
    <message>
        <source>%1 warn</source>
        <translation>%1 Warnungen</translation>
    </message>
    <message>
        <source>pass</source>
        <translation>ok</translation>
    </message>
    <message>
        <source>Not audited yet: Audit all, or the deployment&apos;s Security page</source>
        <translation>Noch nicht geprüft: „Alle prüfen“ oder die Seite „Sicherheit“ des Deployments</translation>
    </message>
    <message>
        <source>Audited %1: %2 fail, %3 warn, %4 could not check, %5 pass</source>
        <translation>Geprüft %1: %2 Fehler, %3 Warnungen, %4 nicht prüfbar, %5 ok</translation>
    </message>
    <message>
        <source>Forecast</source>
        <translation>Prognose</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>measuring…</source>
        <translation>wird gemessen…</translation>
    </message>
    <message>
        <source>All queues: %1 jobs/min arrive, %2 jobs/min done.</source>
        <translation>Alle Warteschlangen: %1 Jobs/min kommen an, %2 Jobs/min erledigt.</translation>
    </message>
    <message>
        <source>%1 of Sidekiq&apos;s cap of %2 dead jobs (%3 %)</source>
        <translation>%1 von Sidekiqs Obergrenze von %2 toten Jobs (%3 %)</translation>
    </message>
    <message>
        <source>At the cap: each new dead job drops the oldest.</source>
        <translation>An der Obergrenze: jeder neue tote Job verdrängt den ältesten.</translation>
    </message>
    <message numerus="yes">
        <source>About %1 dropped in the last hour (by the cap, or removed by hand).</source>
        <translation>
            <numerusform>Etwa %1 in der letzten Stunde verworfen (durch die Obergrenze oder von Hand entfernt).</numerusform>
            <numerusform>Etwa %1 in der letzten Stunde verworfen (durch die Obergrenze oder von Hand entfernt).</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>kiq::ui::FleetSearchDialog</name>
    <message>
        <source>&amp;Search</source>
        <translation>&amp;Suchen</translation>
    </message>
    <message>
        <source>S&amp;top</source>
        <translation>&amp;Anhalten</translation>
    </message>
    <message>
        <source>Find in all deployments</source>
        <translation>In allen Deployments suchen</translation>
    </message>
    <message>
        <source>A JID, or text in a job&apos;s class, arguments or error</source>
        <translation>Eine JID oder Text in Klasse, Argumenten oder Fehler eines Jobs</translation>
    </message>
    <message>
        <source>Deployment</source>
        <translation>Deployment</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>Fortschritt</translation>
    </message>
    <message>
        <source>Hits</source>
        <translation>Treffer</translation>
    </message>
    <message>
        <source>Arguments and messages are matched as each deployment&apos;s redaction rules show them. Open a hit (double-click or Enter) to see it on its page.</source>
        <translation>Argumente und Meldungen werden so verglichen, wie die Schwärzungsregeln des jeweiligen Deployments sie zeigen. Öffnen Sie einen Treffer (Doppelklick oder Eingabe), um ihn auf seiner Seite zu sehen.</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Nicht verbunden</translation>
    </message>
    <message>
        <source>The connection was reset</source>
        <translation>Die Verbindung wurde zurückgesetzt</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>Angehalten</translation>
    </message>
    <message>
        <source>%1 (after %2 of %3 jobs)</source>
        <translation>%1 (nach %2 von %3 Jobs)</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Wird gestartet …</translation>
    </message>
    <message>
        <source>Reading %1: %2 of %3 jobs</source>
        <translation>Liest %1: %2 von %3 Jobs</translation>
    </message>
    <message>
        <source>Stopped at %1 hits: narrow the search</source>
        <translation>Bei %1 Treffern angehalten: Suche eingrenzen</translation>
    </message>
    <message>
        <source>Done: %1 jobs in %2</source>
        <translation>Fertig: %1 Jobs in %2</translation>
    </message>
    <message>
        <source>Type a JID or some text, then Enter.</source>
        <translation>Geben Sie eine JID oder Text ein, dann Eingabe.</translation>
    </message>
    <message numerus="yes">
        <source>%1 hit(s)</source>
        <translation>
            <numerusform>%1 Treffer</numerusform>
            <numerusform>%1 Treffer</numerusform>
        </translation>
    </message>
    <message>
        <source>Searching %1 of %2 deployments… %3 so far, %4 jobs examined</source>
        <translation>Durchsucht %1 von %2 Deployments … bisher %3, %4 Jobs geprüft</translation>
    </message>
    <message>
        <source>%1 in %2 jobs</source>
        <translation>%1 in %2 Jobs</translation>
    </message>
</context>
<context>
    <name>kiq::ui::FleetSearchModel</name>
    <message>
        <source>Busy on %1</source>
        <translation>In Arbeit auf %1</translation>
    </message>
    <message>
        <source>Queue %1</source>
        <translation>Warteschlange %1</translation>
    </message>
    <message>
        <source>Scheduled</source>
        <translation>Geplant</translation>
    </message>
    <message>
        <source>Retries</source>
        <translation>Wiederholungen</translation>
    </message>
    <message>
        <source>Dead</source>
        <translation>Tot</translation>
    </message>
    <message>
        <source>Malformed: %1</source>
        <translation>Fehlerhaft: %1</translation>
    </message>
    <message>
        <source>Deployment</source>
        <translation>Deployment</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>Wo</translation>
    </message>
    <message>
        <source>JID</source>
        <translation>JID</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>Klasse</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>Arguments</source>
        <translation>Argumente</translation>
    </message>
</context>
<context>
    <name>kiq::ui::FleetView</name>
    <message>
        <source>Fleet overview</source>
        <translation>Flottenübersicht</translation>
    </message>
    <message numerus="yes">
        <source>Every deployment, refreshed every %n second(s). Double-click a row to open it.</source>
        <translation>
            <numerusform>Alle Deployments, alle %n Sekunde aktualisiert. Doppelklick auf eine Zeile öffnet sie.</numerusform>
            <numerusform>Alle Deployments, alle %n Sekunden aktualisiert. Doppelklick auf eine Zeile öffnet sie.</numerusform>
        </translation>
    </message>
    <message>
        <source>Updated at %1</source>
        <translation>Aktualisiert um %1</translation>
    </message>
    <message>
        <source>Audit all</source>
        <translation>Alle prüfen</translation>
    </message>
    <message>
        <source>Run the security audit of every connected deployment (reads only)</source>
        <translation>Die Sicherheitsprüfung jedes verbundenen Deployments ausführen (nur lesend)</translation>
    </message>
</context>
<context>
    <name>kiq::ui::ForecastText</name>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 min</translation>
    </message>
    <message>
        <source>%1 h</source>
        <translation>%1 h</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <source>%1 d</source>
        <translation>%1 T</translation>
    </message>
    <message>
        <source>over %1 SLO</source>
        <translation>über SLO von %1</translation>
    </message>
    <message>
        <source>breaches %1 SLO in ~%2</source>
        <translation>überschreitet SLO von %1 in ~%2</translation>
    </message>
    <message>
        <source>measuring…</source>
        <translation>wird gemessen…</translation>
    </message>
    <message>
        <source>keeps up</source>
        <translation>hält Schritt</translation>
    </message>
    <message>
        <source>empty in ~%1</source>
        <translation>leer in ~%1</translation>
    </message>
    <message>
        <source>growing %1/min</source>
        <translation>wächst %1/min</translation>
    </message>
    <message>
        <source>A forecast needs a few refreshes of history.</source>
        <translation>Eine Prognose braucht den Verlauf einiger Aktualisierungen.</translation>
    </message>
    <message>
        <source>Empty.</source>
        <translation>Leer.</translation>
    </message>
    <message>
        <source>Draining %1 jobs/min.</source>
        <translation>Leert sich um %1 Jobs/min.</translation>
    </message>
    <message>
        <source>Growing %1 jobs/min.</source>
        <translation>Wächst um %1 Jobs/min.</translation>
    </message>
    <message>
        <source>Arrivals and completions about even.</source>
        <translation>Zugänge und Erledigungen etwa gleich.</translation>
    </message>
    <message>
        <source>Latency %1, rising %2/min.</source>
        <translation>Latenz %1, steigt um %2/min.</translation>
    </message>
    <message>
        <source>Latency %1, falling %2/min.</source>
        <translation>Latenz %1, sinkt um %2/min.</translation>
    </message>
    <message>
        <source>In 5 min: %1 · in 15 min: %2.</source>
        <translation>In 5 min: %1 · in 15 min: %2.</translation>
    </message>
    <message>
        <source>Over its %1 SLO.</source>
        <translation>Über seinem SLO von %1.</translation>
    </message>
    <message>
        <source>Breaches the %1 SLO in ~%2.</source>
        <translation>Überschreitet das SLO von %1 in ~%2.</translation>
    </message>
</context>
<context>
    <name>kiq::ui::Formatting</name>
    <message>
        <source>%1 d %2 h</source>
        <translation>%1 T %2 h</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 min %2 s</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>%1 µs</source>
        <translation>%1 µs</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message numerus="yes">
        <source>%n year(s)</source>
        <translation>
            <numerusform>%n Jahr</numerusform>
            <numerusform>%n Jahre</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 (clock skew or bad timestamp?)</source>
        <translation>%1 (Uhrzeitabweichung oder falscher Zeitstempel?)</translation>
    </message>
</context>
<context>
    <name>kiq::ui::InFlightJobModel</name>
    <message>
        <source>Thread</source>
        <translation>Thread</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>Warteschlange</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>Job</translation>
    </message>
    <message>
        <source>JID</source>
        <translation>JID</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Gestartet</translation>
    </message>
    <message>
        <source>Running for</source>
        <translation>Laufzeit</translation>
    </message>
    <message>
        <source>Replay of %1 from %2 (%3), which failed with %4</source>
        <translation>Wiederholung von %1 aus %2 (%3), fehlgeschlagen mit %4</translation>
    </message>
</context>
<context>
    <name>kiq::ui::IndexedJobBrowser</name>
    <message>
        <source>&lt;b&gt;Failures by cause&lt;/b&gt; (select one to filter the jobs to it)</source>
        <translation>&lt;b&gt;Fehler nach Ursache&lt;/b&gt; (eine auswählen, um die Jobs danach zu filtern)</translation>
    </message>
</context>
<context>
    <name>kiq::ui::IndexedJobModel</name>
    <message>
        <source>(unreadable job)</source>
        <translation>(unlesbarer Job)</translation>
    </message>
    <message>
        <source>Unreadable payload (open it to see why)</source>
        <translation>Unlesbare Payload (öffnen, um den Grund zu sehen)</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
</context>
<context>
    <name>kiq::ui::JobActionLabel</name>
    <message>
        <source>Retry</source>
        <translation>Erneut versuchen</translation>
    </message>
    <message>
        <source>Enqueue now</source>
        <translation>Jetzt einreihen</translation>
    </message>
    <message>
        <source>Move</source>
        <translation>Verschieben</translation>
    </message>
    <message>
        <source>Kill</source>
        <translation>Töten</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
</context>
<context>
    <name>kiq::ui::JobInspector</name>
    <message>
        <source>Copy JID</source>
        <translation>JID kopieren</translation>
    </message>
    <message>
        <source>Copy payload</source>
        <translation>Payload kopieren</translation>
    </message>
    <message>
        <source>&lt;i&gt;This job is no longer in the set (retried, deleted or moved since it was listed).&lt;/i&gt;</source>
        <translation>&lt;i&gt;Dieser Job ist nicht mehr in der Menge (seit dem Auflisten erneut versucht, gelöscht oder verschoben).&lt;/i&gt;</translation>
    </message>
    <message>
        <source>&lt;i&gt;Select a job to see it in full.&lt;/i&gt;</source>
        <translation>&lt;i&gt;Einen Job auswählen, um ihn vollständig zu sehen.&lt;/i&gt;</translation>
    </message>
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
            <numerusform>%n T</numerusform>
            <numerusform>%n T</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>%1 ago</source>
        <translation>vor %1</translation>
    </message>
    <message>
        <source>in %1</source>
        <translation>in %1</translation>
    </message>
    <message>
        <source>This payload could not be read:</source>
        <translation>Diese Payload konnte nicht gelesen werden:</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>Klasse</translation>
    </message>
    <message>
        <source>JID</source>
        <translation>JID</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>Warteschlange</translation>
    </message>
    <message>
        <source>Score time</source>
        <translation>Score-Zeit</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Erstellt</translation>
    </message>
    <message>
        <source>Enqueued</source>
        <translation>Eingereiht</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Retried</source>
        <translation>Wiederholt</translation>
    </message>
    <message>
        <source>Retry count</source>
        <translation>Anzahl Wiederholungen</translation>
    </message>
    <message>
        <source>Arguments</source>
        <translation>Argumente</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>Backtrace</source>
        <translation>Backtrace</translation>
    </message>
    <message>
        <source>Could not decode: %1</source>
        <translation>Dekodieren nicht möglich: %1</translation>
    </message>
    <message>
        <source>Payload</source>
        <translation>Payload</translation>
    </message>
    <message>
        <source>Decoding…</source>
        <translation>Dekodiere…</translation>
    </message>
    <message>
        <source>Reveal</source>
        <translation>Aufdecken</translation>
    </message>
    <message>
        <source>Show this job&apos;s arguments as they are, without the profile&apos;s redaction rules. Recorded in the audit trail.</source>
        <translation>Die Argumente dieses Jobs unverändert anzeigen, ohne die Schwärzungsregeln des Profils. Wird im Audit-Protokoll festgehalten.</translation>
    </message>
    <message>
        <source>succeeded %1</source>
        <translation>erfolgreich %1</translation>
    </message>
    <message>
        <source>failed %1:</source>
        <translation>fehlgeschlagen %1:</translation>
    </message>
    <message>
        <source>no outcome noted on this machine yet</source>
        <translation>auf diesem Rechner noch kein Ergebnis vermerkt</translation>
    </message>
    <message>
        <source>Replay of</source>
        <translation>Wiederholung von</translation>
    </message>
    <message>
        <source>%1 from %2 (%3)</source>
        <translation>%1 aus %2 (%3)</translation>
    </message>
    <message>
        <source>Original failure</source>
        <translation>Ursprünglicher Fehler</translation>
    </message>
    <message>
        <source>This run</source>
        <translation>Dieser Lauf</translation>
    </message>
    <message>
        <source>Replayed</source>
        <translation>Wiederholt</translation>
    </message>
    <message>
        <source>into %1, queue %2, %3 as %4: %5</source>
        <translation>in %1, Queue %2, %3 als %4: %5</translation>
    </message>
</context>
<context>
    <name>kiq::ui::JobPageStatus</name>
    <message numerus="yes">
        <source>%1 match(es) the filter</source>
        <translation>
            <numerusform>%1 Treffer für den Filter</numerusform>
            <numerusform>%1 Treffer für den Filter</numerusform>
        </translation>
    </message>
    <message>
        <source> · %1 more not checked: their args are over %2 bytes or their error message over %3 bytes, longer than the index keeps (%4)</source>
        <translation> · %1 weitere nicht geprüft: ihre Argumente sind länger als %2 Bytes oder ihre Fehlermeldung länger als %3 Bytes, mehr als der Index speichert (%4)</translation>
    </message>
</context>
<context>
    <name>kiq::ui::JobSetPage</name>
    <message>
        <source>Next retry</source>
        <translation>Nächste Wiederholung</translation>
    </message>
    <message>
        <source>Died</source>
        <translation>Gestorben</translation>
    </message>
    <message>
        <source>Runs at</source>
        <translation>Ausführung</translation>
    </message>
    <message>
        <source>Reload</source>
        <translation>Neu laden</translation>
    </message>
    <message>
        <source>Enqueue now</source>
        <translation>Jetzt einreihen</translation>
    </message>
    <message>
        <source>Retry now</source>
        <translation>Jetzt erneut versuchen</translation>
    </message>
    <message>
        <source>Move to queue…</source>
        <translation>In Warteschlange verschieben…</translation>
    </message>
    <message>
        <source>Kill</source>
        <translation>Töten</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <source>All matching…</source>
        <translation>Alle passenden…</translation>
    </message>
    <message>
        <source>Act on every job in the set that matches the filter, not only the selected rows</source>
        <translation>Auf jeden Job der Menge wirken, der zum Filter passt, nicht nur auf die ausgewählten Zeilen</translation>
    </message>
    <message>
        <source>%1 all in group…</source>
        <translation>%1: ganze Gruppe…</translation>
    </message>
    <message>
        <source>Focus the filter</source>
        <translation>Filter fokussieren</translation>
    </message>
    <message>
        <source>Retries</source>
        <translation>Wiederholungen</translation>
    </message>
    <message>
        <source>Dead</source>
        <translation>Tot</translation>
    </message>
    <message>
        <source>Scheduled</source>
        <translation>Geplant</translation>
    </message>
    <message>
        <source>&lt;b&gt;Could not read the job:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;Der Job konnte nicht gelesen werden:&lt;/b&gt; %1</translation>
    </message>
    <message>
        <source>%1 jobs are selected; above %2, use “All matching…” with a filter instead.</source>
        <translation>%1 Jobs sind ausgewählt; über %2 stattdessen „Alle passenden…“ mit einem Filter verwenden.</translation>
    </message>
    <message>
        <source>Move to queue</source>
        <translation>In Warteschlange verschieben</translation>
    </message>
    <message>
        <source>Queue name:</source>
        <translation>Name der Warteschlange:</translation>
    </message>
    <message numerus="yes">
        <source>%1 %n selected job(s) in %2?</source>
        <translation>
            <numerusform>%1: %n ausgewählter Job in %2?</numerusform>
            <numerusform>%1: %n ausgewählte Jobs in %2?</numerusform>
        </translation>
    </message>
    <message>
        <source>Working…</source>
        <translation>Läuft…</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1 failed:&lt;/b&gt; %2</source>
        <translation>&lt;b&gt;%1 fehlgeschlagen:&lt;/b&gt; %2</translation>
    </message>
    <message>
        <source>%1: %2 done, %3 already gone, %4 skipped</source>
        <translation>%1: %2 erledigt, %3 bereits weg, %4 übersprungen</translation>
    </message>
    <message>
        <source>Fix the filter first: “all matching” uses it.</source>
        <translation>Zuerst den Filter korrigieren: „Alle passenden“ verwendet ihn.</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>Nicht verbunden.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Could not read the set:&lt;/b&gt; %1 (retrying)</source>
        <translation>&lt;b&gt;Die Menge konnte nicht gelesen werden:&lt;/b&gt; %1 (neuer Versuch läuft)</translation>
    </message>
    <message>
        <source>Reload (F5)</source>
        <translation>Neu laden (F5)</translation>
    </message>
    <message>
        <source>The filter no longer names the selected failure group: select the group again.</source>
        <translation>Der Filter nennt die ausgewählte Fehlergruppe nicht mehr: die Gruppe erneut auswählen.</translation>
    </message>
    <message>
        <source>%1: %2 (%3)</source>
        <translation>%1: %2 (%3)</translation>
    </message>
    <message>
        <source>Failure group: %1</source>
        <translation>Fehlergruppe: %1</translation>
    </message>
    <message>
        <source>No filter: every job in %1.</source>
        <translation>Kein Filter: jeder Job in %1.</translation>
    </message>
    <message>
        <source>Filter: %1</source>
        <translation>Filter: %1</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Nicht verbunden</translation>
    </message>
    <message>
        <source>Select jobs in the table first</source>
        <translation>Zuerst Jobs in der Tabelle auswählen</translation>
    </message>
    <message>
        <source>Select a failure group first</source>
        <translation>Zuerst eine Fehlergruppe auswählen</translation>
    </message>
    <message>
        <source>Fix the filter first: “all matching” uses it</source>
        <translation>Zuerst den Filter korrigieren: „Alle passenden“ verwendet ihn</translation>
    </message>
    <message numerus="yes">
        <source>Indexing the set… %1 of %2 job(s) read (%3%)</source>
        <translation>
            <numerusform>Menge wird indiziert… %1 von %2 Job gelesen (%3%)</numerusform>
            <numerusform>Menge wird indiziert… %1 von %2 Jobs gelesen (%3%)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Indexing the set… %1 job(s) read so far</source>
        <translation>
            <numerusform>Menge wird indiziert… bisher %1 Job gelesen</numerusform>
            <numerusform>Menge wird indiziert… bisher %1 Jobs gelesen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 job(s) in the set</source>
        <translation>
            <numerusform>%1 Job in der Menge</numerusform>
            <numerusform>%1 Jobs in der Menge</numerusform>
        </translation>
    </message>
    <message>
        <source>Restoring…</source>
        <translation>Wird wiederhergestellt…</translation>
    </message>
    <message>
        <source>“All matching…” checks them</source>
        <translation>„Alle passenden…“ prüft sie</translation>
    </message>
    <message>
        <source>Copy as command</source>
        <translation>Als Befehl kopieren</translation>
    </message>
    <message>
        <source>List the matching jobs</source>
        <translation>Die passenden Jobs auflisten</translation>
    </message>
    <message>
        <source>Selected jobs</source>
        <translation>Ausgewählte Jobs</translation>
    </message>
    <message>
        <source>All matching the filter</source>
        <translation>Alle zum Filter passenden</translation>
    </message>
    <message>
        <source>Copy the kiqdesk-cli command that does an action of this page</source>
        <translation>Den kiqdesk-cli-Befehl kopieren, der eine Aktion dieser Seite ausführt</translation>
    </message>
    <message>
        <source>Select jobs in the table first.</source>
        <translation>Zuerst Jobs in der Tabelle auswählen.</translation>
    </message>
    <message>
        <source>Select the jobs to export first.</source>
        <translation>Wählen Sie zuerst die zu exportierenden Jobs aus.</translation>
    </message>
    <message>
        <source>Replay in…</source>
        <translation>Wiederholen in…</translation>
    </message>
    <message>
        <source>Replay group in…</source>
        <translation>Gruppe wiederholen in…</translation>
    </message>
    <message>
        <source>Copy the selected jobs into a development or staging deployment and run them there</source>
        <translation>Die ausgewählten Jobs in ein Entwicklungs- oder Staging-Deployment kopieren und dort ausführen</translation>
    </message>
</context>
<context>
    <name>kiq::ui::MainWindow</name>
    <message>
        <source>Deployments</source>
        <translation>Deployments</translation>
    </message>
    <message>
        <source>New connection (%1)</source>
        <translation>Neue Verbindung (%1)</translation>
    </message>
    <message>
        <source>No connection yet.</source>
        <translation>Noch keine Verbindung.</translation>
    </message>
    <message>
        <source>Add a connection…</source>
        <translation>Verbindung hinzufügen…</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;New connection…</source>
        <translation>&amp;Neue Verbindung…</translation>
    </message>
    <message>
        <source>&amp;Edit connection…</source>
        <translation>Verbindung &amp;bearbeiten…</translation>
    </message>
    <message>
        <source>&amp;Remove connection</source>
        <translation>Verbindung ent&amp;fernen</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>Be&amp;enden</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>A&amp;ktualisieren</translation>
    </message>
    <message>
        <source>&amp;Theme</source>
        <translation>&amp;Design</translation>
    </message>
    <message>
        <source>&amp;System</source>
        <translation>&amp;System</translation>
    </message>
    <message>
        <source>&amp;Light</source>
        <translation>&amp;Hell</translation>
    </message>
    <message>
        <source>&amp;Dark</source>
        <translation>&amp;Dunkel</translation>
    </message>
    <message>
        <source>Switch to deployment %1</source>
        <translation>Zu Deployment %1 wechseln</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>&amp;Tastenkürzel</translation>
    </message>
    <message>
        <source>&amp;About Kiqdesk</source>
        <translation>&amp;Über Kiqdesk</translation>
    </message>
    <message>
        <source>the default user</source>
        <translation>der Standardbenutzer</translation>
    </message>
    <message>
        <source>Connect to %1</source>
        <translation>Mit %1 verbinden</translation>
    </message>
    <message>
        <source>%1 on %2</source>
        <translation>%1 auf %2</translation>
    </message>
    <message>
        <source>the sentinels of %1</source>
        <translation>die Sentinels von %1</translation>
    </message>
    <message>
        <source>New connection</source>
        <translation>Neue Verbindung</translation>
    </message>
    <message>
        <source>Edit %1</source>
        <translation>%1 bearbeiten</translation>
    </message>
    <message>
        <source>Remove connection</source>
        <translation>Verbindung entfernen</translation>
    </message>
    <message>
        <source>Remove “%1” from Kiqdesk? The Redis server and its data are not touched.</source>
        <translation>„%1“ aus Kiqdesk entfernen? Der Redis-Server und seine Daten bleiben unberührt.</translation>
    </message>
    <message>
        <source>Ctrl+1 … Ctrl+9</source>
        <translation>Ctrl+1 … Ctrl+9</translation>
    </message>
    <message>
        <source>Switch to deployment 1 to 9</source>
        <translation>Zu Deployment 1 bis 9 wechseln</translation>
    </message>
    <message>
        <source>About Kiqdesk</source>
        <translation>Über Kiqdesk</translation>
    </message>
    <message>
        <source>&lt;b&gt;Kiqdesk&lt;/b&gt; %1&lt;br&gt;A desktop console for Sidekiq job systems on Redis.</source>
        <translation>&lt;b&gt;Kiqdesk&lt;/b&gt; %1&lt;br&gt;Eine Desktop-Konsole für Sidekiq-Jobsysteme auf Redis.</translation>
    </message>
    <message>
        <source>%1 — Kiqdesk</source>
        <translation>%1 — Kiqdesk</translation>
    </message>
    <message>
        <source>Kiqdesk</source>
        <translation>Kiqdesk</translation>
    </message>
    <message>
        <source>Fleet</source>
        <translation>Flotte</translation>
    </message>
    <message>
        <source>Fleet overview: every deployment at a glance (%1)</source>
        <translation>Flottenübersicht: alle Deployments auf einen Blick (%1)</translation>
    </message>
    <message>
        <source>&amp;Fleet overview</source>
        <translation>&amp;Flottenübersicht</translation>
    </message>
    <message>
        <source>R</source>
        <translation>R</translation>
    </message>
    <message>
        <source>Retry the selected jobs (Scheduled: enqueue now)</source>
        <translation>Die ausgewählten Jobs erneut versuchen (Geplant: jetzt einreihen)</translation>
    </message>
    <message>
        <source>Del</source>
        <translation>Del</translation>
    </message>
    <message>
        <source>Delete the selected jobs</source>
        <translation>Die ausgewählten Jobs löschen</translation>
    </message>
    <message>
        <source>Ctrl+F</source>
        <translation>Ctrl+F</translation>
    </message>
    <message>
        <source>Focus the job filter</source>
        <translation>Den Job-Filter fokussieren</translation>
    </message>
    <message>
        <source>Fleet overview — Kiqdesk</source>
        <translation>Flottenübersicht — Kiqdesk</translation>
    </message>
    <message>
        <source>Next page</source>
        <translation>Nächste Seite</translation>
    </message>
    <message>
        <source>Previous page</source>
        <translation>Vorherige Seite</translation>
    </message>
    <message>
        <source>Next tab in the page</source>
        <translation>Nächster Tab der Seite</translation>
    </message>
    <message>
        <source>Previous tab in the page</source>
        <translation>Vorheriger Tab der Seite</translation>
    </message>
    <message>
        <source>There is no connection yet</source>
        <translation>Es gibt noch keine Verbindung</translation>
    </message>
    <message>
        <source>Select a connection in the sidebar first</source>
        <translation>Zuerst eine Verbindung in der Seitenleiste auswählen</translation>
    </message>
    <message>
        <source>Edit the selected connection</source>
        <translation>Die ausgewählte Verbindung bearbeiten</translation>
    </message>
    <message>
        <source>Remove the selected connection from Kiqdesk</source>
        <translation>Die ausgewählte Verbindung aus Kiqdesk entfernen</translation>
    </message>
    <message>
        <source>Tab, Shift+Tab</source>
        <translation>Tab, Shift+Tab</translation>
    </message>
    <message>
        <source>Next or previous control (a table is one stop: arrows move inside it)</source>
        <translation>Nächstes oder vorheriges Bedienelement (eine Tabelle ist ein Halt: die Pfeiltasten bewegen sich darin)</translation>
    </message>
    <message>
        <source>M</source>
        <translation>M</translation>
    </message>
    <message>
        <source>Move the selected jobs to a queue</source>
        <translation>Die ausgewählten Jobs in eine Warteschlange verschieben</translation>
    </message>
    <message>
        <source>K</source>
        <translation>K</translation>
    </message>
    <message>
        <source>Kill the selected jobs (Retries, Scheduled)</source>
        <translation>Die ausgewählten Jobs töten (Wiederholungen, Geplant)</translation>
    </message>
    <message>
        <source>Shift+R</source>
        <translation>Shift+R</translation>
    </message>
    <message>
        <source>Retry all in the selected failure group</source>
        <translation>Alle Jobs der ausgewählten Fehlergruppe erneut versuchen</translation>
    </message>
    <message>
        <source>Shift+Del</source>
        <translation>Shift+Del</translation>
    </message>
    <message>
        <source>Delete all in the selected failure group</source>
        <translation>Alle Jobs der ausgewählten Fehlergruppe löschen</translation>
    </message>
    <message>
        <source>Takes effect after restart</source>
        <translation>Wirksam nach einem Neustart</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>Systemsprache</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>&amp;Sprache</translation>
    </message>
    <message>
        <source>E&amp;xport profiles…</source>
        <translation>Profile e&amp;xportieren…</translation>
    </message>
    <message>
        <source>&amp;Import profiles…</source>
        <translation>Profile &amp;importieren…</translation>
    </message>
    <message>
        <source>Profiles travel without their secrets: only where each comes from</source>
        <translation>Profile reisen ohne ihre Geheimnisse: nur mit der Angabe, woher jedes kommt</translation>
    </message>
    <message>
        <source>Export profiles</source>
        <translation>Profile exportieren</translation>
    </message>
    <message>
        <source>Kiqdesk profiles (*.json)</source>
        <translation>Kiqdesk-Profile (*.json)</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n profile(s) to %1</source>
        <translation>
            <numerusform>%n Profil nach %1 exportiert</numerusform>
            <numerusform>%n Profile nach %1 exportiert</numerusform>
        </translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>%1 konnte nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>Import profiles</source>
        <translation>Profile importieren</translation>
    </message>
    <message>
        <source>Kiqdesk profiles (*.json);;All files (*)</source>
        <translation>Kiqdesk-Profile (*.json);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Could not import %1: %2</source>
        <translation>%1 konnte nicht importiert werden: %2</translation>
    </message>
    <message>
        <source>New: %1</source>
        <translation>Neu: %1</translation>
    </message>
    <message>
        <source>Replaced: %1 (%2)</source>
        <translation>Ersetzt: %1 (%2)</translation>
    </message>
    <message>
        <source>Unchanged: %1</source>
        <translation>Unverändert: %1</translation>
    </message>
    <message>
        <source>Every profile in %1 is saved already.</source>
        <translation>Jedes Profil aus %1 ist bereits gespeichert.</translation>
    </message>
    <message numerus="yes">
        <source>Import %n profile(s) from %1?</source>
        <translation>
            <numerusform>%n Profil aus %1 importieren?</numerusform>
            <numerusform>%n Profile aus %1 importieren?</numerusform>
        </translation>
    </message>
    <message>
        <source>Import</source>
        <translation>Importieren</translation>
    </message>
    <message>
        <source>&amp;Diagnose connection…</source>
        <translation>Verbindung &amp;diagnostizieren…</translation>
    </message>
    <message>
        <source>Take the selected connection apart step by step: DNS, TCP, TLS, certificates, AUTH, permissions</source>
        <translation>Die gewählte Verbindung Schritt für Schritt prüfen: DNS, TCP, TLS, Zertifikate, AUTH, Berechtigungen</translation>
    </message>
    <message>
        <source>&amp;Command palette…</source>
        <translation>&amp;Befehlspalette…</translation>
    </message>
    <message>
        <source>Deployment: %1</source>
        <translation>Deployment: %1</translation>
    </message>
    <message>
        <source>Page: %1</source>
        <translation>Seite: %1</translation>
    </message>
    <message>
        <source>Find in &amp;all deployments…</source>
        <translation>In &amp;allen Deployments suchen …</translation>
    </message>
    <message>
        <source>Incident &amp;snapshot…</source>
        <translation>&amp;Vorfall-Snapshot …</translation>
    </message>
    <message>
        <source>Last 15 minutes</source>
        <translation>Letzte 15 Minuten</translation>
    </message>
    <message>
        <source>Last hour</source>
        <translation>Letzte Stunde</translation>
    </message>
    <message>
        <source>Last 6 hours</source>
        <translation>Letzte 6 Stunden</translation>
    </message>
    <message>
        <source>Last 24 hours</source>
        <translation>Letzte 24 Stunden</translation>
    </message>
    <message>
        <source>Incident snapshot</source>
        <translation>Vorfall-Snapshot</translation>
    </message>
    <message>
        <source>Counters, failures, slow log and audit entries of:</source>
        <translation>Zähler, Fehlschläge, Slow-Log und Audit-Einträge von:</translation>
    </message>
    <message>
        <source>Save incident snapshot</source>
        <translation>Vorfall-Snapshot speichern</translation>
    </message>
    <message>
        <source>Compressed archives (*.tar.gz)</source>
        <translation>Komprimierte Archive (*.tar.gz)</translation>
    </message>
    <message>
        <source>Taking the incident snapshot of %1…</source>
        <translation>Vorfall-Snapshot von %1 wird erstellt …</translation>
    </message>
    <message>
        <source>The incident snapshot was not written: %1</source>
        <translation>Der Vorfall-Snapshot wurde nicht geschrieben: %1</translation>
    </message>
    <message>
        <source>Incident snapshot written to %1</source>
        <translation>Vorfall-Snapshot nach %1 geschrieben</translation>
    </message>
    <message>
        <source>Incident snapshot written to %1, without: %2</source>
        <translation>Vorfall-Snapshot nach %1 geschrieben, ohne: %2</translation>
    </message>
    <message>
        <source>Counters, charts, failure groups, processes, INFO, slow log, clients, audit entries and health checks of the selected connection, redacted, in one .tar.gz</source>
        <translation>Zähler, Diagramme, Fehlergruppen, Prozesse, INFO, Slow-Log, Clients, Audit-Einträge und Zustandsprüfungen der gewählten Verbindung, geschwärzt, in einer .tar.gz</translation>
    </message>
    <message>
        <source>Acknowledge</source>
        <translation>Bestätigen</translation>
    </message>
    <message>
        <source>Snooze 1 hour</source>
        <translation>1 Stunde stummschalten</translation>
    </message>
    <message>
        <source>Alert webhook failed: %1</source>
        <translation>Alarm-Webhook fehlgeschlagen: %1</translation>
    </message>
</context>
<context>
    <name>kiq::ui::MetricsClassModel</name>
    <message>
        <source>%1 %</source>
        <translation>%1 %</translation>
    </message>
    <message>
        <source>Mean execution time of the jobs that succeeded</source>
        <translation>Mittlere Ausführungszeit der erfolgreichen Jobs</translation>
    </message>
    <message>
        <source>Job class</source>
        <translation>Job-Klasse</translation>
    </message>
    <message>
        <source>Processed</source>
        <translation>Verarbeitet</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Failure rate</source>
        <translation>Fehlerquote</translation>
    </message>
    <message>
        <source>Mean time</source>
        <translation>Mittlere Zeit</translation>
    </message>
    <message>
        <source>Total time</source>
        <translation>Gesamtzeit</translation>
    </message>
</context>
<context>
    <name>kiq::ui::MetricsPage</name>
    <message>
        <source>Executions</source>
        <translation>Ausführungen</translation>
    </message>
    <message numerus="yes">
        <source>Last %n hour(s)</source>
        <translation>
            <numerusform>Letzte %n Stunde</numerusform>
            <numerusform>Letzte %n Stunden</numerusform>
        </translation>
    </message>
    <message>
        <source>Filter by job class</source>
        <translation>Nach Job-Klasse filtern</translation>
    </message>
    <message>
        <source>Processed</source>
        <translation>Verarbeitet</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Mean time</source>
        <translation>Mittlere Zeit</translation>
    </message>
    <message>
        <source>Jobs</source>
        <translation>Jobs</translation>
    </message>
    <message>
        <source>&amp;Period:</source>
        <translation>&amp;Zeitraum:</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>Nicht verbunden.</translation>
    </message>
    <message>
        <source>Metrics</source>
        <translation>Metriken</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Lädt…</translation>
    </message>
    <message>
        <source>No job metrics in this period. Sidekiq writes them from version 7.0 on, for jobs that ran; no Sidekiq process is running here.</source>
        <translation>Keine Job-Metriken in diesem Zeitraum. Sidekiq schreibt sie ab Version 7.0, für Jobs, die gelaufen sind; hier läuft kein Sidekiq-Prozess.</translation>
    </message>
    <message>
        <source>No job metrics in this period. Sidekiq writes them from version 7.0 on, for jobs that ran; the processes here run Sidekiq %1.</source>
        <translation>Keine Job-Metriken in diesem Zeitraum. Sidekiq schreibt sie ab Version 7.0, für Jobs, die gelaufen sind; die Prozesse hier laufen mit Sidekiq %1.</translation>
    </message>
    <message numerus="yes">
        <source>Sidekiq %1 metrics, %2 to %3, in %n-minute buckets.</source>
        <translation>
            <numerusform>Sidekiq-%1-Metriken, %2 bis %3, in %n-Minuten-Intervallen.</numerusform>
            <numerusform>Sidekiq-%1-Metriken, %2 bis %3, in %n-Minuten-Intervallen.</numerusform>
        </translation>
    </message>
    <message>
        <source>Sidekiq 7 keeps metrics for 8 hours: showing those.</source>
        <translation>Sidekiq 7 bewahrt Metriken 8 Stunden auf: diese werden gezeigt.</translation>
    </message>
    <message numerus="yes">
        <source>%n deploy(s) marked.</source>
        <translation>
            <numerusform>%n Deploy markiert.</numerusform>
            <numerusform>%n Deploys markiert.</numerusform>
        </translation>
    </message>
    <message>
        <source>Executions of %1</source>
        <translation>Ausführungen von %1</translation>
    </message>
    <message>
        <source>Sidekiq keeps execution-time histograms for 8 hours: choose 8 hours or less</source>
        <translation>Sidekiq bewahrt Histogramme der Ausführungszeit 8 Stunden auf: 8 Stunden oder weniger wählen</translation>
    </message>
    <message>
        <source>Execution times: %1</source>
        <translation>Ausführungszeiten: %1</translation>
    </message>
</context>
<context>
    <name>kiq::ui::OverviewPage</name>
    <message>
        <source>Pause</source>
        <translation>Pause</translation>
    </message>
    <message>
        <source>Processed</source>
        <translation>Verarbeitet</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Enqueued</source>
        <translation>Eingereiht</translation>
    </message>
    <message>
        <source>Scheduled</source>
        <translation>Geplant</translation>
    </message>
    <message>
        <source>Retries</source>
        <translation>Wiederholungen</translation>
    </message>
    <message>
        <source>Dead</source>
        <translation>Tot</translation>
    </message>
    <message>
        <source>Processes</source>
        <translation>Prozesse</translation>
    </message>
    <message>
        <source>Busy</source>
        <translation>Beschäftigt</translation>
    </message>
    <message>
        <source>Default queue latency</source>
        <translation>Latenz (default)</translation>
    </message>
    <message>
        <source>Throughput</source>
        <translation>Durchsatz</translation>
    </message>
    <message>
        <source>Enqueued and busy</source>
        <translation>Eingereiht und beschäftigt</translation>
    </message>
    <message>
        <source>Redis</source>
        <translation>Redis</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>How often the page reloads while it is visible</source>
        <translation>Wie oft die Seite neu lädt, solange sie sichtbar ist</translation>
    </message>
    <message>
        <source>Last 10 minutes</source>
        <translation>Letzte 10 Minuten</translation>
    </message>
    <message>
        <source>Last hour</source>
        <translation>Letzte Stunde</translation>
    </message>
    <message>
        <source>Last 6 hours</source>
        <translation>Letzte 6 Stunden</translation>
    </message>
    <message>
        <source>Last 24 hours</source>
        <translation>Letzte 24 Stunden</translation>
    </message>
    <message>
        <source>Processed/s</source>
        <translation>Verarbeitet/s</translation>
    </message>
    <message>
        <source>Failed/s</source>
        <translation>Fehlgeschlagen/s</translation>
    </message>
    <message>
        <source>jobs/s</source>
        <translation>Jobs/s</translation>
    </message>
    <message>
        <source>enqueued</source>
        <translation>eingereiht</translation>
    </message>
    <message>
        <source>busy</source>
        <translation>beschäftigt</translation>
    </message>
    <message>
        <source>Memory (MiB)</source>
        <translation>Speicher (MiB)</translation>
    </message>
    <message>
        <source>Ops/s</source>
        <translation>Ops/s</translation>
    </message>
    <message>
        <source>MiB</source>
        <translation>MiB</translation>
    </message>
    <message>
        <source>ops/s</source>
        <translation>ops/s</translation>
    </message>
    <message>
        <source>Refresh every</source>
        <translation>Aktualisieren alle</translation>
    </message>
    <message>
        <source>Overview</source>
        <translation>Übersicht</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>Nicht verbunden.</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Lädt…</translation>
    </message>
    <message>
        <source>%1/s</source>
        <translation>%1/s</translation>
    </message>
    <message numerus="yes">
        <source>%n queue(s)</source>
        <translation>
            <numerusform>%n Warteschlange</numerusform>
            <numerusform>%n Warteschlangen</numerusform>
        </translation>
    </message>
    <message>
        <source>Updated at %1</source>
        <translation>Aktualisiert um %1</translation>
    </message>
    <message>
        <source>empty</source>
        <translation>leer</translation>
    </message>
    <message>
        <source>%1 · Redis memory and commands/s: %2</source>
        <translation>%1 · Redis-Speicher und Befehle/s: %2</translation>
    </message>
</context>
<context>
    <name>kiq::ui::PasswordPrompt</name>
    <message>
        <source>Password for %1:</source>
        <translation>Passwort für %1:</translation>
    </message>
    <message>
        <source>Passphrase of the client key %1:</source>
        <translation>Passphrase des Client-Schlüssels %1:</translation>
    </message>
    <message>
        <source>Webhook URL for the alerts of %1:</source>
        <translation>Webhook-URL für die Alarme von %1:</translation>
    </message>
</context>
<context>
    <name>kiq::ui::PathField</name>
    <message>
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <source>PEM files (*.pem *.crt *.cer *.key);;All files (*)</source>
        <translation>PEM-Dateien (*.pem *.crt *.cer *.key);;Alle Dateien (*)</translation>
    </message>
</context>
<context>
    <name>kiq::ui::ProcessListModel</name>
    <message>
        <source>%1 (quiet)</source>
        <translation>%1 (ruhig)</translation>
    </message>
    <message>
        <source>no heartbeat</source>
        <translation>kein Heartbeat</translation>
    </message>
    <message numerus="yes">
        <source>%n s ago</source>
        <translation>
            <numerusform>vor %n s</numerusform>
            <numerusform>vor %n s</numerusform>
        </translation>
    </message>
    <message>
        <source>No heartbeat for a minute: the process may have crashed.</source>
        <translation>Seit einer Minute kein Heartbeat: der Prozess ist vielleicht abgestürzt.</translation>
    </message>
    <message>
        <source>Process</source>
        <translation>Prozess</translation>
    </message>
    <message>
        <source>Tag</source>
        <translation>Tag</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>Version</translation>
    </message>
    <message>
        <source>Threads</source>
        <translation>Threads</translation>
    </message>
    <message>
        <source>Busy</source>
        <translation>Beschäftigt</translation>
    </message>
    <message>
        <source>Queues</source>
        <translation>Warteschlangen</translation>
    </message>
    <message>
        <source>RSS</source>
        <translation>RSS</translation>
    </message>
    <message>
        <source>Last beat</source>
        <translation>Letzter Heartbeat</translation>
    </message>
    <message numerus="yes">
        <source>Capsule %1: %n thread(s), %2: %3</source>
        <translation>
            <numerusform>Capsule %1: %n Thread, %2: %3</numerusform>
            <numerusform>Capsule %1: %n Threads, %2: %3</numerusform>
        </translation>
    </message>
    <message>
        <source>Sidekiq reports its version from 7.0.2 on: this is 6.x, or 7.0.0 or 7.0.1</source>
        <translation>Sidekiq meldet seine Version ab 7.0.2: dies ist 6.x, 7.0.0 oder 7.0.1</translation>
    </message>
</context>
<context>
    <name>kiq::ui::ProfileListModel</name>
    <message>
        <source>Sidekiq deletes a profile a day after the job ran.</source>
        <translation>Sidekiq löscht ein Profil einen Tag nach dem Lauf des Jobs.</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>Job</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Gestartet</translation>
    </message>
    <message>
        <source>Elapsed</source>
        <translation>Dauer</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Expires in</source>
        <translation>Läuft ab in</translation>
    </message>
    <message>
        <source>JID</source>
        <translation>JID</translation>
    </message>
    <message>
        <source>Token</source>
        <translation>Token</translation>
    </message>
</context>
<context>
    <name>kiq::ui::ProfilesPage</name>
    <message>
        <source>&amp;Save profile…</source>
        <translation>Profil &amp;speichern…</translation>
    </message>
    <message>
        <source>Save profile…</source>
        <translation>Profil speichern…</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>Nicht verbunden.</translation>
    </message>
    <message>
        <source>Profiles</source>
        <translation>Profile</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Lädt…</translation>
    </message>
    <message>
        <source>No job profiles. Sidekiq 8 profiles a job pushed with &quot;profile&quot; set and keeps the profile for a day.</source>
        <translation>Keine Job-Profile. Sidekiq 8 profiliert einen Job, der mit gesetztem &quot;profile&quot; eingereiht wurde, und behält das Profil einen Tag.</translation>
    </message>
    <message numerus="yes">
        <source>%1 profile(s), newest first.</source>
        <translation>
            <numerusform>%1 Profil, neuestes zuerst.</numerusform>
            <numerusform>%1 Profile, neueste zuerst.</numerusform>
        </translation>
    </message>
    <message>
        <source>Only the newest %1 are listed.</source>
        <translation>Nur die neuesten %1 sind aufgeführt.</translation>
    </message>
    <message numerus="yes">
        <source>%1 expired profile(s) not shown (Sidekiq removes them; this page does not write).</source>
        <translation>
            <numerusform>%1 abgelaufenes Profil nicht gezeigt (Sidekiq entfernt es; diese Seite schreibt nicht).</numerusform>
            <numerusform>%1 abgelaufene Profile nicht gezeigt (Sidekiq entfernt sie; diese Seite schreibt nicht).</numerusform>
        </translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Nicht verbunden</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Speichert…</translation>
    </message>
    <message>
        <source>Select a profile first</source>
        <translation>Zuerst ein Profil auswählen</translation>
    </message>
    <message>
        <source>Write the profile to a file for the Firefox Profiler; nothing is uploaded</source>
        <translation>Das Profil für den Firefox Profiler in eine Datei schreiben; nichts wird hochgeladen</translation>
    </message>
    <message>
        <source>Save profile</source>
        <translation>Profil speichern</translation>
    </message>
    <message>
        <source>Firefox Profiler files (*.json.gz)</source>
        <translation>Firefox-Profiler-Dateien (*.json.gz)</translation>
    </message>
    <message>
        <source>Saving the profile of %1…</source>
        <translation>Das Profil von %1 wird gespeichert…</translation>
    </message>
    <message>
        <source>The profile could not be read:</source>
        <translation>Das Profil konnte nicht gelesen werden:</translation>
    </message>
    <message>
        <source>it is no longer in Redis (Sidekiq keeps profiles for a day).</source>
        <translation>es ist nicht mehr in Redis (Sidekiq behält Profile einen Tag).</translation>
    </message>
    <message>
        <source>The profile could not be saved to %1:</source>
        <translation>Das Profil konnte nicht nach %1 gespeichert werden:</translation>
    </message>
    <message>
        <source>Saved %1 (%2). Open it in the Firefox Profiler (Load a profile from file); nothing was uploaded.</source>
        <translation>%1 gespeichert (%2). Im Firefox Profiler öffnen (Load a profile from file); nichts wurde hochgeladen.</translation>
    </message>
</context>
<context>
    <name>kiq::ui::QueueLatencyChart</name>
    <message>
        <source>Latency (s)</source>
        <translation>Latenz (s)</translation>
    </message>
    <message>
        <source>Top %1 queues by latency</source>
        <translation>Top %1 Warteschlangen nach Latenz</translation>
    </message>
    <message>
        <source>%1: empty</source>
        <translation>%1: leer</translation>
    </message>
    <message>
        <source>%1: %2 · %3 waiting</source>
        <translation>%1: %2 · %3 wartend</translation>
    </message>
    <message>
        <source>%1: latency %2, %3 waiting</source>
        <translation>%1: Latenz %2, %3 wartend</translation>
    </message>
</context>
<context>
    <name>kiq::ui::QueueListModel</name>
    <message>
        <source>%1 (unreadable)</source>
        <translation>%1 (unlesbar)</translation>
    </message>
    <message>
        <source>%1 (paused)</source>
        <translation>%1 (pausiert)</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>Warteschlange</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Latency</source>
        <translation>Latenz</translation>
    </message>
    <message>
        <source>empty</source>
        <translation>leer</translation>
    </message>
    <message>
        <source>Forecast</source>
        <translation>Prognose</translation>
    </message>
</context>
<context>
    <name>kiq::ui::QueuesPage</name>
    <message>
        <source>Enqueued</source>
        <translation>Eingereiht</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <source>Move to queue…</source>
        <translation>In Warteschlange verschieben…</translation>
    </message>
    <message>
        <source>Pause queue</source>
        <translation>Warteschlange pausieren</translation>
    </message>
    <message>
        <source>Clear queue…</source>
        <translation>Warteschlange leeren…</translation>
    </message>
    <message>
        <source>Reload</source>
        <translation>Neu laden</translation>
    </message>
    <message>
        <source>Paused queues are not fetched by Kiqdesk&apos;s local pool (nor by Sidekiq Pro or Sidekiq 8.1+)</source>
        <translation>Pausierte Warteschlangen werden vom lokalen Pool von Kiqdesk nicht abgerufen (auch nicht von Sidekiq Pro oder Sidekiq 8.1+)</translation>
    </message>
    <message>
        <source>Focus the filter</source>
        <translation>Filter fokussieren</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>Nicht verbunden.</translation>
    </message>
    <message>
        <source>Queues</source>
        <translation>Warteschlangen</translation>
    </message>
    <message numerus="yes">
        <source>%n queue(s). Select one to see its jobs.</source>
        <translation>
            <numerusform>%n Warteschlange. Eine auswählen, um ihre Jobs zu sehen.</numerusform>
            <numerusform>%n Warteschlangen. Eine auswählen, um ihre Jobs zu sehen.</numerusform>
        </translation>
    </message>
    <message>
        <source>Loading %1…</source>
        <translation>%1 wird geladen…</translation>
    </message>
    <message numerus="yes">
        <source>Delete %n selected job(s) from %1?</source>
        <translation>
            <numerusform>%n ausgewählten Job aus %1 löschen?</numerusform>
            <numerusform>%n ausgewählte Jobs aus %1 löschen?</numerusform>
        </translation>
    </message>
    <message>
        <source>Move to queue</source>
        <translation>In Warteschlange verschieben</translation>
    </message>
    <message numerus="yes">
        <source>Move %n selected job(s) from %1 to:</source>
        <translation>
            <numerusform>%n ausgewählten Job von %1 verschieben nach:</numerusform>
            <numerusform>%n ausgewählte Jobs von %1 verschieben nach:</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n had already been taken by a worker.</source>
        <translation>
            <numerusform>%n war bereits von einem Worker übernommen.</numerusform>
            <numerusform>%n waren bereits von einem Worker übernommen.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n could not be parsed and stayed.</source>
        <translation>
            <numerusform>%n war nicht lesbar und ist geblieben.</numerusform>
            <numerusform>%n waren nicht lesbar und sind geblieben.</numerusform>
        </translation>
    </message>
    <message>
        <source>Move failed:</source>
        <translation>Verschieben fehlgeschlagen:</translation>
    </message>
    <message>
        <source>Resume queue</source>
        <translation>Warteschlange fortsetzen</translation>
    </message>
    <message>
        <source>%1 is paused: Kiqdesk&apos;s pool no longer fetches from it.</source>
        <translation>%1 ist pausiert: der Pool von Kiqdesk holt keine Jobs mehr daraus.</translation>
    </message>
    <message>
        <source>%1 is resumed.</source>
        <translation>%1 wird fortgesetzt.</translation>
    </message>
    <message>
        <source>Pause failed:</source>
        <translation>Pausieren fehlgeschlagen:</translation>
    </message>
    <message>
        <source>Resume failed:</source>
        <translation>Fortsetzen fehlgeschlagen:</translation>
    </message>
    <message>
        <source>Clear queue</source>
        <translation>Warteschlange leeren</translation>
    </message>
    <message numerus="yes">
        <source>%1: %2 job(s)</source>
        <translation>
            <numerusform>%1: %2 Job</numerusform>
            <numerusform>%1: %2 Jobs</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Deleted %1 of %2 job(s) (the others were already taken by a worker).</source>
        <translation>
            <numerusform>%1 von %2 Job gelöscht (die anderen waren bereits von einem Worker übernommen).</numerusform>
            <numerusform>%1 von %2 Jobs gelöscht (die anderen waren bereits von einem Worker übernommen).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Moved %1 of %2 job(s) to %3.</source>
        <translation>
            <numerusform>%1 von %2 Job nach %3 verschoben.</numerusform>
            <numerusform>%1 von %2 Jobs nach %3 verschoben.</numerusform>
        </translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Nicht verbunden</translation>
    </message>
    <message>
        <source>Select a queue first</source>
        <translation>Zuerst eine Warteschlange auswählen</translation>
    </message>
    <message>
        <source>Select jobs in the table first</source>
        <translation>Zuerst Jobs in der Tabelle auswählen</translation>
    </message>
    <message>
        <source>Delete every job in this queue</source>
        <translation>Jeden Job in dieser Warteschlange löschen</translation>
    </message>
    <message>
        <source>Delete the selected jobs</source>
        <translation>Die ausgewählten Jobs löschen</translation>
    </message>
    <message>
        <source>Move the selected jobs to another queue</source>
        <translation>Die ausgewählten Jobs in eine andere Warteschlange verschieben</translation>
    </message>
    <message>
        <source>&lt;b&gt;Could not read the job:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;Der Job konnte nicht gelesen werden:&lt;/b&gt; %1</translation>
    </message>
    <message>
        <source>%1 jobs are selected; at most %2 can be acted on at once.</source>
        <translation>%1 Jobs sind ausgewählt; höchstens %2 können auf einmal bearbeitet werden.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Delete failed:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;Löschen fehlgeschlagen:&lt;/b&gt; %1</translation>
    </message>
    <message>
        <source>&lt;b&gt;Could not read %1:&lt;/b&gt; %2 (retrying)</source>
        <translation>&lt;b&gt;%1 konnte nicht gelesen werden:&lt;/b&gt; %2 (neuer Versuch läuft)</translation>
    </message>
    <message numerus="yes">
        <source>Indexing %1… %2 of %3 job(s) read (%4%)</source>
        <translation>
            <numerusform>%1 wird indiziert… %2 von %3 Job gelesen (%4%)</numerusform>
            <numerusform>%1 wird indiziert… %2 von %3 Jobs gelesen (%4%)</numerusform>
        </translation>
    </message>
    <message>
        <source>they are not listed</source>
        <translation>sie werden nicht aufgelistet</translation>
    </message>
    <message>
        <source>Copy as command</source>
        <translation>Als Befehl kopieren</translation>
    </message>
    <message>
        <source>List the matching jobs</source>
        <translation>Die passenden Jobs auflisten</translation>
    </message>
    <message>
        <source>Move the selected jobs…</source>
        <translation>Die ausgewählten Jobs verschieben…</translation>
    </message>
    <message>
        <source>Pause or resume the queue</source>
        <translation>Die Warteschlange pausieren oder fortsetzen</translation>
    </message>
    <message>
        <source>Clear the queue</source>
        <translation>Die Warteschlange leeren</translation>
    </message>
    <message numerus="yes">
        <source>Delete all %1 job(s) in %2? Undo history can put them back.</source>
        <translation>
            <numerusform>Den %1 Job in %2 löschen? Der Rückgängig-Verlauf kann ihn zurücklegen.</numerusform>
            <numerusform>Alle %1 Jobs in %2 löschen? Der Rückgängig-Verlauf kann sie zurücklegen.</numerusform>
        </translation>
    </message>
    <message>
        <source>&lt;b&gt;Clear failed:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;Leeren fehlgeschlagen:&lt;/b&gt; %1</translation>
    </message>
    <message numerus="yes">
        <source>%1 is cleared: %n job(s) deleted.</source>
        <translation>
            <numerusform>%1 ist geleert: %n Job gelöscht.</numerusform>
            <numerusform>%1 ist geleert: %n Jobs gelöscht.</numerusform>
        </translation>
    </message>
    <message>
        <source>Restoring…</source>
        <translation>Wird wiederhergestellt…</translation>
    </message>
    <message>
        <source>Select a queue first.</source>
        <translation>Zuerst eine Warteschlange auswählen.</translation>
    </message>
    <message>
        <source>Fix the filter first.</source>
        <translation>Zuerst den Filter korrigieren.</translation>
    </message>
    <message>
        <source>Select jobs in the table first.</source>
        <translation>Zuerst Jobs in der Tabelle auswählen.</translation>
    </message>
    <message>
        <source>Queue name:</source>
        <translation>Name der Warteschlange:</translation>
    </message>
    <message>
        <source>Select the jobs to export first.</source>
        <translation>Wählen Sie zuerst die zu exportierenden Jobs aus.</translation>
    </message>
    <message>
        <source>Open the queue to import into first.</source>
        <translation>Öffnen Sie zuerst die Warteschlange, in die importiert werden soll.</translation>
    </message>
</context>
<context>
    <name>kiq::ui::RedactionBox</name>
    <message>
        <source>Hide secrets in job arguments</source>
        <translation>Geheimnisse in Job-Argumenten verbergen</translation>
    </message>
    <message>
        <source>Values that look like secrets: tokens (JWT), private keys, card numbers, AWS keys</source>
        <translation>Werte, die wie Geheimnisse aussehen: Tokens (JWT), private Schlüssel, Kartennummern, AWS-Schlüssel</translation>
    </message>
    <message>
        <source>E-mail addresses</source>
        <translation>E-Mail-Adressen</translation>
    </message>
    <message>
        <source>A value whose key is one of these is hidden, whatever it holds. Keys are compared by words: &quot;token&quot; also hides access_token and refreshToken.</source>
        <translation>Ein Wert, dessen Schlüssel einer dieser ist, wird verborgen, egal was er enthält. Schlüssel werden wortweise verglichen: „token“ verbirgt auch access_token und refreshToken.</translation>
    </message>
    <message>
        <source>e.g. args[1], args[*].iban</source>
        <translation>z. B. args[1], args[*].iban</translation>
    </message>
    <message>
        <source>Positional arguments have no key: args[1] hides the second argument of every job.</source>
        <translation>Positionsargumente haben keinen Schlüssel: args[1] verbirgt das zweite Argument jedes Jobs.</translation>
    </message>
    <message>
        <source>Key names:</source>
        <translation>Schlüsselnamen:</translation>
    </message>
    <message>
        <source>Paths:</source>
        <translation>Pfade:</translation>
    </message>
    <message>
        <source>Paths: %1</source>
        <translation>Pfade: %1</translation>
    </message>
</context>
<context>
    <name>kiq::ui::RedisPage</name>
    <message>
        <source>Redis version</source>
        <translation>Redis-Version</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rolle</translation>
    </message>
    <message>
        <source>Uptime</source>
        <translation>Laufzeit</translation>
    </message>
    <message>
        <source>Memory used</source>
        <translation>Belegter Speicher</translation>
    </message>
    <message>
        <source>Connected clients</source>
        <translation>Verbundene Clients</translation>
    </message>
    <message>
        <source>Operations per second</source>
        <translation>Operationen pro Sekunde</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>Schlüssel</translation>
    </message>
    <message>
        <source>Eviction policy</source>
        <translation>Eviction-Richtlinie</translation>
    </message>
    <message>
        <source>Slow log</source>
        <translation>Slow-Log</translation>
    </message>
    <message>
        <source>Clients</source>
        <translation>Clients</translation>
    </message>
    <message>
        <source>Redis</source>
        <translation>Redis</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>Nicht verbunden.</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Lädt…</translation>
    </message>
    <message>
        <source>%1 mode</source>
        <translation>%1-Modus</translation>
    </message>
    <message>
        <source>replicas: %1</source>
        <translation>Replikate: %1</translation>
    </message>
    <message>
        <source>since %1</source>
        <translation>seit %1</translation>
    </message>
    <message>
        <source>no limit</source>
        <translation>unbegrenzt</translation>
    </message>
    <message>
        <source>of %1</source>
        <translation>von %1</translation>
    </message>
    <message>
        <source>%1 blocked</source>
        <translation>%1 blockiert</translation>
    </message>
    <message>
        <source>%1 since start</source>
        <translation>%1 seit dem Start</translation>
    </message>
    <message>
        <source>Sidekiq needs noeviction</source>
        <translation>Sidekiq braucht noeviction</translation>
    </message>
    <message>
        <source>db%1: %2</source>
        <translation>db%1: %2</translation>
    </message>
    <message>
        <source>No slow commands logged.</source>
        <translation>Keine langsamen Befehle protokolliert.</translation>
    </message>
    <message>
        <source>Updated at %1 · round trip %2</source>
        <translation>Aktualisiert um %1 · Umlaufzeit %2</translation>
    </message>
    <message numerus="yes">
        <source>%1 key(s) evicted</source>
        <translation>
            <numerusform>%1 Schlüssel verdrängt</numerusform>
            <numerusform>%1 Schlüssel verdrängt</numerusform>
        </translation>
    </message>
    <message>
        <source>The slow log is not available:</source>
        <translation>Das Slow-Log ist nicht verfügbar:</translation>
    </message>
    <message>
        <source>The client list is not available:</source>
        <translation>Die Client-Liste ist nicht verfügbar:</translation>
    </message>
    <message>
        <source>Server details are not available:</source>
        <translation>Serverdetails sind nicht verfügbar:</translation>
    </message>
    <message numerus="yes">
        <source>%1 connection(s)</source>
        <translation>
            <numerusform>%1 Verbindung</numerusform>
            <numerusform>%1 Verbindungen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>from %1 host(s)</source>
        <translation>
            <numerusform>von %1 Host</numerusform>
            <numerusform>von %1 Hosts</numerusform>
        </translation>
    </message>
    <message>
        <source>Sidekiq %1: %2</source>
        <translation>Sidekiq %1: %2</translation>
    </message>
    <message>
        <source>not identified: %1</source>
        <translation>nicht erkannt: %1</translation>
    </message>
    <message>
        <source>By host and client</source>
        <translation>Nach Host und Client</translation>
    </message>
    <message>
        <source>Connections</source>
        <translation>Verbindungen</translation>
    </message>
</context>
<context>
    <name>kiq::ui::ReplayDialog</name>
    <message>
        <source>Replay</source>
        <translation>Wiederholen</translation>
    </message>
    <message>
        <source>Replay in another deployment</source>
        <translation>In einem anderen Deployment wiederholen</translation>
    </message>
    <message>
        <source>each job&apos;s own queue</source>
        <translation>die eigene Queue jedes Jobs</translation>
    </message>
    <message>
        <source>Copies of the jobs go to a development or staging deployment, redacted by the rules of %1, with new JIDs, no retry history and a link back (replayed_from). They run once there. %1 is only read.</source>
        <translation>Kopien der Jobs gehen in ein Entwicklungs- oder Staging-Deployment, geschwärzt nach den Regeln von %1, mit neuen JIDs, ohne Wiederholungsverlauf und mit einem Rückverweis (replayed_from). Sie laufen dort einmal. %1 wird nur gelesen.</translation>
    </message>
    <message>
        <source>Target:</source>
        <translation>Ziel:</translation>
    </message>
    <message>
        <source>Queue:</source>
        <translation>Queue:</translation>
    </message>
    <message>
        <source>Arguments (JSON):</source>
        <translation>Argumente (JSON):</translation>
    </message>
    <message>
        <source>Changes against the original:</source>
        <translation>Änderungen gegenüber dem Original:</translation>
    </message>
    <message numerus="yes">
        <source>Reading %1 job(s) from %2…</source>
        <translation>
            <numerusform>%1 Job wird aus %2 gelesen…</numerusform>
            <numerusform>%1 Jobs werden aus %2 gelesen…</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 is not connected.</source>
        <translation>%1 ist nicht verbunden.</translation>
    </message>
    <message>
        <source>Could not read the jobs: %1</source>
        <translation>Die Jobs konnten nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>The selected jobs have all left %1 since they were listed.</source>
        <translation>Die ausgewählten Jobs haben %1 seit dem Auflisten alle verlassen.</translation>
    </message>
    <message numerus="yes">
        <source>%1 of the selected job(s) left the set since they were listed; the others are here.</source>
        <translation>
            <numerusform>%1 der ausgewählten Jobs hat die Menge seit dem Auflisten verlassen; die übrigen sind hier.</numerusform>
            <numerusform>%1 der ausgewählten Jobs haben die Menge seit dem Auflisten verlassen; die übrigen sind hier.</numerusform>
        </translation>
    </message>
    <message>
        <source>Type %1 to confirm:</source>
        <translation>Zum Bestätigen %1 eingeben:</translation>
    </message>
    <message>
        <source>As on the source, redacted: masked values stay masked unless you replace them.</source>
        <translation>Wie in der Quelle, geschwärzt: maskierte Werte bleiben maskiert, solange Sie sie nicht ersetzen.</translation>
    </message>
    <message>
        <source>These arguments replace those of all %1 copies.</source>
        <translation>Diese Argumente ersetzen die aller %1 Kopien.</translation>
    </message>
    <message>
        <source>Edited: the copy gets these arguments.</source>
        <translation>Bearbeitet: die Kopie erhält diese Argumente.</translation>
    </message>
    <message>
        <source>&lt;i&gt;No changes.&lt;/i&gt;</source>
        <translation>&lt;i&gt;Keine Änderungen.&lt;/i&gt;</translation>
    </message>
    <message>
        <source>The first of %1 copies, as it will be written (JID and times are made anew at Replay):</source>
        <translation>Die erste von %1 Kopien, so wie sie geschrieben wird (JID und Zeiten werden beim Wiederholen neu erzeugt):</translation>
    </message>
    <message>
        <source>The copy, as it will be written (JID and times are made anew at Replay):</source>
        <translation>Die Kopie, so wie sie geschrieben wird (JID und Zeiten werden beim Wiederholen neu erzeugt):</translation>
    </message>
    <message>
        <source>The copy, as it will be written:</source>
        <translation>Die Kopie, so wie sie geschrieben wird:</translation>
    </message>
    <message>
        <source>No deployment tagged development or staging: add one, or start the local sandbox.</source>
        <translation>Kein Deployment mit dem Tag Entwicklung oder Staging: fügen Sie eines hinzu oder starten Sie die lokale Sandbox.</translation>
    </message>
    <message>
        <source>Reading the jobs…</source>
        <translation>Jobs werden gelesen…</translation>
    </message>
    <message>
        <source>Nothing to replay.</source>
        <translation>Nichts zu wiederholen.</translation>
    </message>
    <message>
        <source>Fix the arguments first.</source>
        <translation>Korrigieren Sie zuerst die Argumente.</translation>
    </message>
    <message>
        <source>Type the number of jobs to confirm.</source>
        <translation>Geben Sie zur Bestätigung die Anzahl der Jobs ein.</translation>
    </message>
    <message>
        <source>Replaying…</source>
        <translation>Wird wiederholt…</translation>
    </message>
    <message>
        <source>Not replayed: %1</source>
        <translation>Nicht wiederholt: %1</translation>
    </message>
    <message numerus="yes">
        <source>Replayed %1 job(s) into %2.</source>
        <translation>
            <numerusform>%1 Job in %2 wiederholt.</numerusform>
            <numerusform>%1 Jobs in %2 wiederholt.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 skipped: %2</source>
        <translation>
            <numerusform>%1 übersprungen: %2</numerusform>
            <numerusform>%1 übersprungen: %2</numerusform>
        </translation>
    </message>
    <message>
        <source>Its outcome will not be shown: %1</source>
        <translation>Sein Ergebnis wird nicht angezeigt: %1</translation>
    </message>
</context>
<context>
    <name>kiq::ui::SecretSourceBox</name>
    <message>
        <source>Where secrets come from</source>
        <translation>Woher Geheimnisse kommen</translation>
    </message>
    <message>
        <source>Password:</source>
        <translation>Passwort:</translation>
    </message>
    <message>
        <source>Sentinel password:</source>
        <translation>Sentinel-Passwort:</translation>
    </message>
    <message>
        <source>Client key passphrase:</source>
        <translation>Passphrase des Client-Schlüssels:</translation>
    </message>
    <message>
        <source>Ask when connecting (kept until Kiqdesk quits)</source>
        <translation>Beim Verbinden fragen (gemerkt, bis Kiqdesk beendet wird)</translation>
    </message>
    <message>
        <source>OS keychain</source>
        <translation>Schlüsselbund des Systems</translation>
    </message>
    <message>
        <source>Credential helper</source>
        <translation>Credential-Helper</translation>
    </message>
    <message>
        <source>command and arguments, e.g. vault read -field=password secret/redis</source>
        <translation>Befehl und Argumente, z. B. vault read -field=password secret/redis</translation>
    </message>
    <message>
        <source>Run without a shell when connecting and before its token expires. It prints the secret, or JSON {&quot;password&quot;, &quot;username&quot;, &quot;expires_at&quot;}.</source>
        <translation>Läuft ohne Shell beim Verbinden und bevor sein Token abläuft. Gibt das Geheimnis aus oder JSON {&quot;password&quot;, &quot;username&quot;, &quot;expires_at&quot;}.</translation>
    </message>
    <message>
        <source>Checking the OS keychain…</source>
        <translation>Schlüsselbund des Systems wird geprüft…</translation>
    </message>
    <message>
        <source>No OS keychain is reachable (%1). A secret set to come from it is asked for when connecting instead; it is never stored in a file.</source>
        <translation>Kein Schlüsselbund des Systems erreichbar (%1). Ein Geheimnis, das von dort kommen soll, wird stattdessen beim Verbinden abgefragt; es wird nie in einer Datei gespeichert.</translation>
    </message>
    <message>
        <source>The OS keychain is reachable: a secret typed once is kept there.</source>
        <translation>Der Schlüsselbund des Systems ist erreichbar: ein einmal eingegebenes Geheimnis wird dort aufbewahrt.</translation>
    </message>
    <message>
        <source>A credential helper needs a command.</source>
        <translation>Ein Credential-Helper braucht einen Befehl.</translation>
    </message>
    <message>
        <source>Alert webhook URL:</source>
        <translation>Alarm-Webhook-URL:</translation>
    </message>
</context>
<context>
    <name>kiq::ui::SecurityPage</name>
    <message>
        <source>Run audit</source>
        <translation>Prüfung starten</translation>
    </message>
    <message>
        <source>Export Markdown…</source>
        <translation>Markdown exportieren…</translation>
    </message>
    <message>
        <source>Export JSON…</source>
        <translation>JSON exportieren…</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>Prüfung</translation>
    </message>
    <message>
        <source>Evidence</source>
        <translation>Befund</translation>
    </message>
    <message>
        <source>Fix</source>
        <translation>Abhilfe</translation>
    </message>
    <message>
        <source>Reads the server&apos;s settings, users, rights and a sample of the jobs; changes nothing</source>
        <translation>Liest die Einstellungen, Benutzer, Rechte und eine Stichprobe der Jobs des Servers; ändert nichts</translation>
    </message>
    <message>
        <source>Export the security audit</source>
        <translation>Sicherheitsprüfung exportieren</translation>
    </message>
    <message>
        <source>Markdown (*.md);;All files (*)</source>
        <translation>Markdown (*.md);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>JSON (*.json);;All files (*)</source>
        <translation>JSON (*.json);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Security</source>
        <translation>Sicherheit</translation>
    </message>
    <message>
        <source>pass</source>
        <translation>ok</translation>
    </message>
    <message>
        <source>warn</source>
        <translation>Warnung</translation>
    </message>
    <message>
        <source>fail</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>could not check</source>
        <translation>nicht prüfbar</translation>
    </message>
    <message>
        <source>info</source>
        <translation>Info</translation>
    </message>
    <message>
        <source>Server identity</source>
        <translation>Server-Identität</translation>
    </message>
    <message>
        <source>Transport</source>
        <translation>Transport</translation>
    </message>
    <message>
        <source>Authentication</source>
        <translation>Authentifizierung</translation>
    </message>
    <message>
        <source>Authorization</source>
        <translation>Autorisierung</translation>
    </message>
    <message>
        <source>Server configuration</source>
        <translation>Serverkonfiguration</translation>
    </message>
    <message>
        <source>Job data</source>
        <translation>Job-Daten</translation>
    </message>
    <message>
        <source>Operations</source>
        <translation>Betrieb</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Nicht verbunden</translation>
    </message>
    <message>
        <source>Auditing… (reads only)</source>
        <translation>Prüfung läuft… (nur lesend)</translation>
    </message>
    <message>
        <source>The audit failed:</source>
        <translation>Die Prüfung ist fehlgeschlagen:</translation>
    </message>
    <message>
        <source>%1 fail, %2 warn, %3 could not check, %4 pass · audited %5</source>
        <translation>%1 Fehler, %2 Warnungen, %3 nicht prüfbar, %4 ok · geprüft %5</translation>
    </message>
    <message>
        <source>Why it matters:</source>
        <translation>Warum es zählt:</translation>
    </message>
    <message>
        <source>Fix:</source>
        <translation>Abhilfe:</translation>
    </message>
    <message>
        <source>Exported to %1</source>
        <translation>Exportiert nach %1</translation>
    </message>
    <message>
        <source>Could not write %1:</source>
        <translation>%1 konnte nicht geschrieben werden:</translation>
    </message>
</context>
<context>
    <name>kiq::ui::ShortcutsDialog</name>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Tastenkürzel</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>Tasten</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Aktion</translation>
    </message>
</context>
<context>
    <name>kiq::ui::SlowlogModel</name>
    <message>
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Dauer</translation>
    </message>
    <message>
        <source>Command</source>
        <translation>Befehl</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>Client</translation>
    </message>
</context>
<context>
    <name>kiq::ui::Status</name>
    <message>
        <source>Reachable</source>
        <translation>Erreichbar</translation>
    </message>
    <message>
        <source>Unreachable</source>
        <translation>Nicht erreichbar</translation>
    </message>
    <message>
        <source>Connecting</source>
        <translation>Verbinde</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Nicht verbunden</translation>
    </message>
</context>
<context>
    <name>kiq::ui::StatusLine</name>
    <message>
        <source>Could not load:</source>
        <translation>Laden nicht möglich:</translation>
    </message>
    <message>
        <source>&lt;b&gt;Could not refresh:&lt;/b&gt; %1 (showing data from %2 s ago)</source>
        <translation>&lt;b&gt;Aktualisieren nicht möglich:&lt;/b&gt; %1 (Daten von vor %2 s werden angezeigt)</translation>
    </message>
</context>
<context>
    <name>kiq::ui::TimeSeriesChart</name>
    <message>
        <source>%1 (times in %2)</source>
        <translation>%1 (Zeiten in %2)</translation>
    </message>
    <message>
        <source>%1: %2
%3 %4</source>
        <translation>%1: %2
%3 %4</translation>
    </message>
</context>
<context>
    <name>kiq::ui::TlsBox</name>
    <message>
        <source>Use TLS</source>
        <translation>TLS verwenden</translation>
    </message>
    <message>
        <source>System certificate store</source>
        <translation>Zertifikatsspeicher des Systems</translation>
    </message>
    <message>
        <source>CA file:</source>
        <translation>CA-Datei:</translation>
    </message>
    <message>
        <source>CA directory:</source>
        <translation>CA-Verzeichnis:</translation>
    </message>
    <message>
        <source>Choose the CA certificate file</source>
        <translation>Die CA-Zertifikatsdatei auswählen</translation>
    </message>
    <message>
        <source>Choose the CA directory</source>
        <translation>Das CA-Verzeichnis auswählen</translation>
    </message>
    <message>
        <source>Choose the client certificate</source>
        <translation>Das Client-Zertifikat auswählen</translation>
    </message>
    <message>
        <source>Choose the client key</source>
        <translation>Den Client-Schlüssel auswählen</translation>
    </message>
    <message>
        <source>Verify the server&apos;s certificate</source>
        <translation>Das Zertifikat des Servers prüfen</translation>
    </message>
    <message>
        <source>Verify that the certificate matches the host name</source>
        <translation>Prüfen, dass das Zertifikat zum Hostnamen passt</translation>
    </message>
    <message>
        <source>only for servers that require client certificates</source>
        <translation>nur für Server, die Client-Zertifikate verlangen</translation>
    </message>
    <message>
        <source>default: the host name</source>
        <translation>Standard: der Hostname</translation>
    </message>
    <message>
        <source>Trust:</source>
        <translation>Vertrauen:</translation>
    </message>
    <message>
        <source>Client certificate:</source>
        <translation>Client-Zertifikat:</translation>
    </message>
    <message>
        <source>Client key:</source>
        <translation>Client-Schlüssel:</translation>
    </message>
    <message>
        <source>Server name (SNI):</source>
        <translation>Servername (SNI):</translation>
    </message>
    <message>
        <source>The key is encrypted: ask for its passphrase when connecting</source>
        <translation>Der Schlüssel ist verschlüsselt: beim Verbinden nach der Passphrase fragen</translation>
    </message>
    <message>
        <source>only for an encrypted key; not saved: asked when connecting</source>
        <translation>nur für einen verschlüsselten Schlüssel; nicht gespeichert: wird beim Verbinden abgefragt</translation>
    </message>
    <message>
        <source>Key passphrase:</source>
        <translation>Schlüssel-Passphrase:</translation>
    </message>
</context>
<context>
    <name>kiq::ui::TopologyBox</name>
    <message>
        <source>Server</source>
        <translation>Server</translation>
    </message>
    <message>
        <source>The sentinels need a password (asked when connecting)</source>
        <translation>Die Sentinels brauchen ein Passwort (wird beim Verbinden abgefragt)</translation>
    </message>
    <message>
        <source>Standalone (or a replica)</source>
        <translation>Standalone (oder ein Replikat)</translation>
    </message>
    <message>
        <source>Sentinel</source>
        <translation>Sentinel</translation>
    </message>
    <message>
        <source>Cluster</source>
        <translation>Cluster</translation>
    </message>
    <message>
        <source>not saved</source>
        <translation>nicht gespeichert</translation>
    </message>
    <message>
        <source>Host:</source>
        <translation>Host:</translation>
    </message>
    <message>
        <source>Port:</source>
        <translation>Port:</translation>
    </message>
    <message>
        <source>Master name:</source>
        <translation>Master-Name:</translation>
    </message>
    <message>
        <source>Sentinels (host:port):</source>
        <translation>Sentinels (host:port):</translation>
    </message>
    <message>
        <source>Sentinel user:</source>
        <translation>Sentinel-Benutzer:</translation>
    </message>
    <message>
        <source>Sentinel password:</source>
        <translation>Sentinel-Passwort:</translation>
    </message>
    <message>
        <source>Seed nodes (host:port):</source>
        <translation>Seed-Knoten (host:port):</translation>
    </message>
    <message>
        <source>Topology:</source>
        <translation>Topologie:</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a host:port address</source>
        <translation>„%1“ ist keine host:port-Adresse</translation>
    </message>
</context>
<context>
    <name>kiq::ui::TrayIcon</name>
    <message>
        <source>all checks OK</source>
        <translation>alle Prüfungen OK</translation>
    </message>
    <message>
        <source>warning</source>
        <translation>Warnung</translation>
    </message>
    <message>
        <source>critical</source>
        <translation>kritisch</translation>
    </message>
    <message>
        <source>no deployment watched</source>
        <translation>kein Deployment überwacht</translation>
    </message>
    <message>
        <source>Show Kiqdesk</source>
        <translation>Kiqdesk anzeigen</translation>
    </message>
    <message>
        <source>Acknowledge all alerts</source>
        <translation>Alle Alarme bestätigen</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Beenden</translation>
    </message>
    <message>
        <source>Kiqdesk: %1</source>
        <translation>Kiqdesk: %1</translation>
    </message>
    <message numerus="yes">
        <source>… and %n more</source>
        <translation>
            <numerusform>… und %n weiterer</numerusform>
            <numerusform>… und %n weitere</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n alert(s) open</source>
        <translation>
            <numerusform>%n Alarm offen</numerusform>
            <numerusform>%n Alarme offen</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>kiq::ui::UndoOffer</name>
    <message>
        <source>Undo</source>
        <translation>Rückgängig</translation>
    </message>
    <message numerus="yes">
        <source>Undo: put the %1 job(s) back</source>
        <translation>
            <numerusform>Rückgängig: %1 Job zurücklegen</numerusform>
            <numerusform>Rückgängig: %1 Jobs zurücklegen</numerusform>
        </translation>
    </message>
    <message>
        <source>Put the jobs back where they were (Undo history has every action)</source>
        <translation>Die Jobs dorthin zurücklegen, wo sie waren (der Rückgängig-Verlauf enthält jede Aktion)</translation>
    </message>
</context>
<context>
    <name>kiq::ui::UndoPage</name>
    <message>
        <source>When</source>
        <translation>Wann</translation>
    </message>
    <message>
        <source>What was removed</source>
        <translation>Was entfernt wurde</translation>
    </message>
    <message>
        <source>Jobs</source>
        <translation>Jobs</translation>
    </message>
    <message>
        <source>Not restored</source>
        <translation>Nicht wiederhergestellt</translation>
    </message>
    <message>
        <source>By</source>
        <translation>Von</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Grund</translation>
    </message>
    <message>
        <source>Reload</source>
        <translation>Neu laden</translation>
    </message>
    <message>
        <source>Restore</source>
        <translation>Wiederherstellen</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>Nicht verbunden.</translation>
    </message>
    <message>
        <source>Undo history</source>
        <translation>Rückgängig-Verlauf</translation>
    </message>
    <message numerus="yes">
        <source>%1 job(s) killed from %2 at %3</source>
        <translation>
            <numerusform>%1 Job aus %2 getötet um %3</numerusform>
            <numerusform>%1 Jobs aus %2 getötet um %3</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 job(s) cleared from %2 at %3</source>
        <translation>
            <numerusform>%1 Job aus %2 geleert um %3</numerusform>
            <numerusform>%1 Jobs aus %2 geleert um %3</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 job(s) deleted from %2 at %3</source>
        <translation>
            <numerusform>%1 Job aus %2 gelöscht um %3</numerusform>
            <numerusform>%1 Jobs aus %2 gelöscht um %3</numerusform>
        </translation>
    </message>
    <message>
        <source>Nothing to undo: deletes, kills and queue clears on this server are kept here for 7 days.</source>
        <translation>Nichts rückgängig zu machen: Löschen, Töten und Leeren von Warteschlangen auf diesem Server werden hier 7 Tage lang aufbewahrt.</translation>
    </message>
    <message numerus="yes">
        <source>%1 action(s) kept for 7 days</source>
        <translation>
            <numerusform>%1 Aktion, 7 Tage aufbewahrt</numerusform>
            <numerusform>%1 Aktionen, 7 Tage aufbewahrt</numerusform>
        </translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Nicht verbunden</translation>
    </message>
    <message>
        <source>Select an action in the list first</source>
        <translation>Zuerst eine Aktion in der Liste auswählen</translation>
    </message>
    <message>
        <source>Its jobs were restored already</source>
        <translation>Ihre Jobs wurden bereits wiederhergestellt</translation>
    </message>
    <message>
        <source>Put back the %1</source>
        <translation>Zurücklegen: %1</translation>
    </message>
    <message>
        <source>Restoring…</source>
        <translation>Wird wiederhergestellt…</translation>
    </message>
    <message>
        <source>Restore failed:</source>
        <translation>Wiederherstellen fehlgeschlagen:</translation>
    </message>
    <message numerus="yes">
        <source>Restored %1 job(s), %2 already there (%3)</source>
        <translation>
            <numerusform>%1 Job wiederhergestellt, %2 bereits vorhanden (%3)</numerusform>
            <numerusform>%1 Jobs wiederhergestellt, %2 bereits vorhanden (%3)</numerusform>
        </translation>
    </message>
    <message>
        <source>Copy as command</source>
        <translation>Als Befehl kopieren</translation>
    </message>
</context>
<context>
    <name>kiq::ui::WorkersPage</name>
    <message>
        <source>Queues</source>
        <translation>Warteschlangen</translation>
    </message>
    <message>
        <source>Concurrency</source>
        <translation>Nebenläufigkeit</translation>
    </message>
    <message>
        <source>Handler file</source>
        <translation>Handler-Datei</translation>
    </message>
    <message>
        <source>Shutdown timeout</source>
        <translation>Timeout beim Stoppen</translation>
    </message>
    <message>
        <source>Pool settings</source>
        <translation>Pool-Einstellungen</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Starten</translation>
    </message>
    <message>
        <source>Quiet</source>
        <translation>Ruhigstellen</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Stoppen</translation>
    </message>
    <message>
        <source>Processed</source>
        <translation>Verarbeitet</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Busy</source>
        <translation>Beschäftigt</translation>
    </message>
    <message>
        <source>Running for</source>
        <translation>Laufzeit</translation>
    </message>
    <message>
        <source>critical,2 default</source>
        <translation>critical,2 default</translation>
    </message>
    <message>
        <source>Queues separated by spaces, as Sidekiq&apos;s -q: &quot;name&quot; or &quot;name,weight&quot;. Without weights the order is strict; with weights a heavier queue is tried first more often.</source>
        <translation>Warteschlangen durch Leerzeichen getrennt, wie bei Sidekiqs -q: „name“ oder „name,weight“. Ohne Gewichte gilt die Reihenfolge strikt; mit Gewichten wird eine schwerere Warteschlange öfter zuerst versucht.</translation>
    </message>
    <message>
        <source>TOML file mapping job classes to commands (optional)</source>
        <translation>TOML-Datei, die Job-Klassen Befehlen zuordnet (optional)</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <source>DEBUG also logs the start and end of every job.</source>
        <translation>DEBUG protokolliert auch Start und Ende jedes Jobs.</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>How long Stop waits for running jobs before pushing them back to their queues.</source>
        <translation>Wie lange Stoppen auf laufende Jobs wartet, bevor sie in ihre Warteschlangen zurückgelegt werden.</translation>
    </message>
    <message>
        <source>Log level</source>
        <translation>Log-Level</translation>
    </message>
    <message>
        <source>Finish the running jobs and fetch no new ones.</source>
        <translation>Die laufenden Jobs beenden und keine neuen holen.</translation>
    </message>
    <message>
        <source>All lines</source>
        <translation>Alle Zeilen</translation>
    </message>
    <message>
        <source>Info and above</source>
        <translation>Info und höher</translation>
    </message>
    <message>
        <source>Warnings and errors</source>
        <translation>Warnungen und Fehler</translation>
    </message>
    <message>
        <source>Errors only</source>
        <translation>Nur Fehler</translation>
    </message>
    <message>
        <source>Jobs in flight</source>
        <translation>Laufende Jobs</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>Log</translation>
    </message>
    <message>
        <source>Local workers</source>
        <translation>Lokale Worker</translation>
    </message>
    <message>
        <source>Writes to this deployment are disarmed, but this pool keeps working jobs until you stop it.</source>
        <translation>Schreiben in dieses Deployment ist gesperrt, aber dieser Pool bearbeitet weiter Jobs, bis Sie ihn stoppen.</translation>
    </message>
    <message>
        <source>Stopped.</source>
        <translation>Gestoppt.</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>Nicht verbunden.</translation>
    </message>
    <message numerus="yes">
        <source>Stopped. The last run processed %n job(s).</source>
        <translation>
            <numerusform>Gestoppt. Der letzte Lauf hat %n Job verarbeitet.</numerusform>
            <numerusform>Gestoppt. Der letzte Lauf hat %n Jobs verarbeitet.</numerusform>
        </translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Startet…</translation>
    </message>
    <message numerus="yes">
        <source>Running %n thread(s) on %1 (strict order).</source>
        <translation>
            <numerusform>%n Thread läuft auf %1 (strikte Reihenfolge).</numerusform>
            <numerusform>%n Threads laufen auf %1 (strikte Reihenfolge).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Running %n thread(s) on %1 (weighted).</source>
        <translation>
            <numerusform>%n Thread läuft auf %1 (gewichtet).</numerusform>
            <numerusform>%n Threads laufen auf %1 (gewichtet).</numerusform>
        </translation>
    </message>
    <message>
        <source>Quiet: running jobs finish, no new jobs are fetched.</source>
        <translation>Ruhig: laufende Jobs werden beendet, keine neuen Jobs werden geholt.</translation>
    </message>
    <message>
        <source>Stopping: waiting for the running jobs…</source>
        <translation>Stoppt: wartet auf die laufenden Jobs…</translation>
    </message>
    <message>
        <source>Could not start: %1</source>
        <translation>Start nicht möglich: %1</translation>
    </message>
    <message>
        <source>Started by %1.</source>
        <translation>Gestartet von %1.</translation>
    </message>
    <message>
        <source>Process %1 on %2</source>
        <translation>Prozess %1 auf %2</translation>
    </message>
    <message numerus="yes">
        <source>of %n thread(s)</source>
        <translation>
            <numerusform>von %n Thread</numerusform>
            <numerusform>von %n Threads</numerusform>
        </translation>
    </message>
    <message>
        <source>TOML files (*.toml);;All files (*)</source>
        <translation>TOML-Dateien (*.toml);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Built-in demo handlers</source>
        <translation>Eingebaute Demo-Handler</translation>
    </message>
    <message>
        <source>Kiqdesk::Sleep, Kiqdesk::Fail and Kiqdesk::Echo</source>
        <translation>Kiqdesk::Sleep, Kiqdesk::Fail und Kiqdesk::Echo</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Nicht verbunden</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <comment>class (hand-backs)</comment>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>No handler here for %1: their jobs went back to their queues unchanged (no retry used, no error written), for the workers that run them.</source>
        <translation>Kein Handler hier für %1: ihre Jobs gingen unverändert in ihre Warteschlangen zurück (keine Wiederholung verbraucht, kein Fehler geschrieben), für die Worker, die sie ausführen.</translation>
    </message>
    <message>
        <source>%1:</source>
        <translation>%1:</translation>
    </message>
    <message>
        <source>Start workers on %1</source>
        <translation>Worker auf %1 starten</translation>
    </message>
    <message>
        <source>Start a worker pool on &lt;b&gt;%1&lt;/b&gt;, a &lt;b&gt;%2&lt;/b&gt; deployment?&lt;br&gt;&lt;br&gt;It takes jobs from %3 and runs them on this computer.</source>
        <translation>Einen Worker-Pool auf &lt;b&gt;%1&lt;/b&gt; starten, einem &lt;b&gt;%2&lt;/b&gt;-Deployment?&lt;br&gt;&lt;br&gt;Er nimmt Jobs aus %3 und führt sie auf diesem Computer aus.</translation>
    </message>
    <message>
        <source>Start on %1</source>
        <translation>Auf %1 starten</translation>
    </message>
    <message>
        <source>Not started.</source>
        <translation>Nicht gestartet.</translation>
    </message>
    <message>
        <source>Looking at the jobs waiting in %1…</source>
        <translation>Die in %1 wartenden Jobs werden angesehen…</translation>
    </message>
    <message>
        <source>Not started: could not look at the queues:</source>
        <translation>Nicht gestartet: die Warteschlangen konnten nicht angesehen werden:</translation>
    </message>
    <message>
        <source>Jobs without a handler</source>
        <translation>Jobs ohne Handler</translation>
    </message>
    <message>
        <source>These jobs wait in the chosen queues, and this pool has no handler for their class (counted among the newest %1 jobs of each queue):</source>
        <translation>Diese Jobs warten in den gewählten Warteschlangen, und dieser Pool hat keinen Handler für ihre Klasse (gezählt unter den neuesten %1 Jobs jeder Warteschlange):</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>Warteschlange</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>Klasse</translation>
    </message>
    <message>
        <source>Jobs</source>
        <translation>Jobs</translation>
    </message>
    <message>
        <source>What should the pool do with them?</source>
        <translation>Was soll der Pool mit ihnen tun?</translation>
    </message>
    <message>
        <source>Handed back, a job goes back to its queue unchanged (no retry used, no error written) for the workers that have its class. Failed, it uses a retry and gets NameError as its error, as a Sidekiq without that class would do.</source>
        <translation>Zurückgegeben geht ein Job unverändert in seine Warteschlange zurück (keine Wiederholung verbraucht, kein Fehler geschrieben), für die Worker, die seine Klasse haben. Fehlgeschlagen verbraucht er eine Wiederholung und erhält NameError als Fehler, wie es ein Sidekiq ohne diese Klasse täte.</translation>
    </message>
    <message>
        <source>Hand them back (leave them for their own workers)</source>
        <translation>Zurückgeben (für ihre eigenen Worker lassen)</translation>
    </message>
    <message>
        <source>Fail them like Sidekiq does</source>
        <translation>Fehlschlagen lassen wie Sidekiq</translation>
    </message>
    <message>
        <source>Not started:</source>
        <translation>Nicht gestartet:</translation>
    </message>
    <message>
        <source>Not started: the deployment was disconnected.</source>
        <translation>Nicht gestartet: das Deployment wurde getrennt.</translation>
    </message>
    <message>
        <source>Copy as command</source>
        <translation>Als Befehl kopieren</translation>
    </message>
    <message>
        <source>Copy the kiqdesk-cli command that starts this pool, for a script or a server</source>
        <translation>Den kiqdesk-cli-Befehl kopieren, der diesen Pool startet, für ein Skript oder einen Server</translation>
    </message>
</context>
</TS>
