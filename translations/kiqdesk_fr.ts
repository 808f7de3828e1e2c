<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR">
<context>
    <name>JobColumns</name>
    <message>
        <source>Queue</source>
        <translation>File d&apos;attente</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>Tâche</translation>
    </message>
    <message>
        <source>Arguments</source>
        <translation>Arguments</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Erreur</translation>
    </message>
    <message>
        <source>Retries</source>
        <translation>Tentatives</translation>
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
        <translation>Filtre&#xa0;: class=HardJob error~timeout age&gt;2h queue=default malformed</translation>
    </message>
    <message>
        <source>Filter, at character %1: %2. No jobs are shown until it is fixed.</source>
        <translation>Filtre, au caractère %1&#xa0;: %2. Aucune tâche n&apos;est affichée tant qu&apos;il n&apos;est pas corrigé.</translation>
    </message>
</context>
<context>
    <name>Main</name>
    <message>
        <source>Local sandbox</source>
        <translation>Bac à sable local</translation>
    </message>
    <message>
        <source>Desktop console for Sidekiq job systems on Redis.</source>
        <translation>Console de bureau pour les systèmes de tâches Sidekiq sur Redis.</translation>
    </message>
    <message>
        <source>Start a local sandbox Redis and show it.</source>
        <translation>Démarrer un Redis bac à sable local et l&apos;afficher.</translation>
    </message>
    <message>
        <source>Save a picture of the window to &lt;file&gt; and quit.</source>
        <translation>Enregistrer une image de la fenêtre dans &lt;fichier&gt; et quitter.</translation>
    </message>
    <message>
        <source>file</source>
        <translation>fichier</translation>
    </message>
    <message>
        <source>Wait &lt;ms&gt; before taking the screenshot (default 3000).</source>
        <translation>Attendre &lt;ms&gt; avant la capture d&apos;écran (3000 par défaut).</translation>
    </message>
    <message>
        <source>ms</source>
        <translation>ms</translation>
    </message>
    <message>
        <source>Use &lt;theme&gt; (system, light, dark) for this run.</source>
        <translation>Utiliser &lt;thème&gt; (system, light, dark) pour cette exécution.</translation>
    </message>
    <message>
        <source>theme</source>
        <translation>thème</translation>
    </message>
    <message>
        <source>Kiqdesk</source>
        <translation>Kiqdesk</translation>
    </message>
    <message>
        <source>cannot write the screenshot to %1</source>
        <translation>impossible d&apos;écrire la capture d&apos;écran dans %1</translation>
    </message>
    <message>
        <source>the local sandbox (demo handlers)</source>
        <translation>le bac à sable local (gestionnaires de démonstration)</translation>
    </message>
    <message>
        <source>The sandbox started but demo data could not be written: %1</source>
        <translation>Le bac à sable a démarré, mais les données de démonstration n&apos;ont pas pu être écrites&#xa0;: %1</translation>
    </message>
    <message>
        <source>Open the window at &lt;width&gt;x&lt;height&gt; pixels.</source>
        <translation>Ouvrir la fenêtre en &lt;largeur&gt;x&lt;hauteur&gt; pixels.</translation>
    </message>
    <message>
        <source>size</source>
        <translation>taille</translation>
    </message>
    <message>
        <source>Show the deployment&apos;s page &lt;n&gt; (0 is the first tab).</source>
        <translation>Afficher la page &lt;n&gt; du déploiement (0 est le premier onglet).</translation>
    </message>
    <message>
        <source>n</source>
        <translation>n</translation>
    </message>
    <message>
        <source>--size takes &lt;width&gt;x&lt;height&gt;, e.g. 1024x700</source>
        <translation>--size attend &lt;largeur&gt;x&lt;hauteur&gt;, p. ex. 1024x700</translation>
    </message>
    <message>
        <source>Your saved connections were not loaded.

%1</source>
        <translation>Vos connexions enregistrées n&apos;ont pas été chargées.

%1</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <source>%1 is not connected</source>
        <translation>%1 n’est pas connecté</translation>
    </message>
</context>
<context>
    <name>kiq::ui</name>
    <message>
        <source>Type %1 to confirm.</source>
        <translation>Saisissez %1 pour confirmer.</translation>
    </message>
</context>
<context>
    <name>kiq::ui::AclLogModel</name>
    <message>
        <source>%1 ago</source>
        <translation>il y a %1</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Utilisateur</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Raison</translation>
    </message>
    <message>
        <source>Denied</source>
        <translation>Refusé</translation>
    </message>
    <message>
        <source>Context</source>
        <translation>Contexte</translation>
    </message>
    <message>
        <source>Count</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>Vu en dernier</translation>
    </message>
    <message>
        <source>Node</source>
        <translation>Nœud</translation>
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
        <translation>primaire</translation>
    </message>
    <message>
        <source>replica</source>
        <translation>réplique</translation>
    </message>
    <message>
        <source>New user…</source>
        <translation>Nouvel utilisateur…</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>Modifier…</translation>
    </message>
    <message>
        <source>Enable</source>
        <translation>Activer</translation>
    </message>
    <message>
        <source>Disable</source>
        <translation>Désactiver</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>Supprimer…</translation>
    </message>
    <message>
        <source>Apply Sidekiq role…</source>
        <translation>Appliquer un rôle Sidekiq…</translation>
    </message>
    <message>
        <source>Reset log</source>
        <translation>Réinitialiser le journal</translation>
    </message>
    <message>
        <source>Delete ACL user</source>
        <translation>Supprimer l&apos;utilisateur ACL</translation>
    </message>
    <message>
        <source>Delete the ACL user &apos;%1&apos; on every node? Clients logged in as it are disconnected.</source>
        <translation>Supprimer l&apos;utilisateur ACL «&#xa0;%1&#xa0;» sur tous les nœuds&#xa0;? Les clients connectés sous ce nom sont déconnectés.</translation>
    </message>
    <message>
        <source>Reset ACL log</source>
        <translation>Réinitialiser le journal ACL</translation>
    </message>
    <message>
        <source>Clear the ACL log on every node?</source>
        <translation>Vider le journal ACL sur tous les nœuds&#xa0;?</translation>
    </message>
    <message>
        <source>Users</source>
        <translation>Utilisateurs</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>Journal</translation>
    </message>
    <message>
        <source>The result of each change appears here, per node, with the role checks.</source>
        <translation>Le résultat de chaque modification apparaît ici, par nœud, avec les vérifications du rôle.</translation>
    </message>
    <message>
        <source>ACL</source>
        <translation>ACL</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>Non connecté.</translation>
    </message>
    <message numerus="yes">
        <source>%n user(s) with risky rights (in red; hover for why).</source>
        <translation>
            <numerusform>%n utilisateur avec des droits risqués (en rouge&#xa0;; survolez pour savoir pourquoi).</numerusform>
            <numerusform>%n utilisateurs avec des droits risqués (en rouge&#xa0;; survolez pour savoir pourquoi).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n user(s), none with risky rights.</source>
        <translation>
            <numerusform>%n utilisateur, aucun avec des droits risqués.</numerusform>
            <numerusform>%n utilisateurs, aucun avec des droits risqués.</numerusform>
        </translation>
    </message>
    <message>
        <source>Could not apply the rules of %1: %2</source>
        <translation>Impossible d&apos;appliquer les règles de %1&#xa0;: %2</translation>
    </message>
    <message>
        <source>ACL SETUSER %1
</source>
        <translation>ACL SETUSER %1
</translation>
    </message>
    <message>
        <source>Could not apply the role to %1: %2</source>
        <translation>Impossible d&apos;appliquer le rôle à %1&#xa0;: %2</translation>
    </message>
    <message>
        <source>ok</source>
        <translation>ok</translation>
    </message>
    <message>
        <source>FAILED</source>
        <translation>ÉCHEC</translation>
    </message>
    <message>
        <source>%1 %2 %3%4</source>
        <translation>%1 %2 %3%4</translation>
    </message>
    <message>
        <source>allow</source>
        <translation>autoriser</translation>
    </message>
    <message>
        <source>deny</source>
        <translation>refuser</translation>
    </message>
    <message>
        <source>Could not delete %1: %2</source>
        <translation>Impossible de supprimer %1&#xa0;: %2</translation>
    </message>
    <message>
        <source>ACL DELUSER %1
</source>
        <translation>ACL DELUSER %1
</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Non connecté</translation>
    </message>
    <message>
        <source>Select a user first</source>
        <translation>Sélectionnez d&apos;abord un utilisateur</translation>
    </message>
    <message>
        <source>Cannot read ACL users:</source>
        <translation>Impossible de lire les utilisateurs ACL&#xa0;:</translation>
    </message>
    <message>
        <source>Select a user first.</source>
        <translation>Sélectionnez d&apos;abord un utilisateur.</translation>
    </message>
    <message>
        <source>Enable the selected user</source>
        <translation>Activer l&apos;utilisateur sélectionné</translation>
    </message>
    <message>
        <source>Disable the selected user</source>
        <translation>Désactiver l&apos;utilisateur sélectionné</translation>
    </message>
    <message>
        <source>Delete the selected user</source>
        <translation>Supprimer l&apos;utilisateur sélectionné</translation>
    </message>
    <message>
        <source>Reset the log</source>
        <translation>Réinitialiser le journal</translation>
    </message>
    <message>
        <source>Copy as command</source>
        <translation>Copier comme commande</translation>
    </message>
</context>
<context>
    <name>kiq::ui::AclUserEditor</name>
    <message>
        <source>Enabled</source>
        <translation>Activé</translation>
    </message>
    <message>
        <source>Remove the existing passwords</source>
        <translation>Supprimer les mots de passe existants</translation>
    </message>
    <message>
        <source>No password (nopass): anyone can log in as this user</source>
        <translation>Aucun mot de passe (nopass)&#xa0;: n&apos;importe qui peut se connecter sous cet utilisateur</translation>
    </message>
    <message>
        <source>Edit ACL user %1</source>
        <translation>Modifier l&apos;utilisateur ACL %1</translation>
    </message>
    <message>
        <source>New ACL user</source>
        <translation>Nouvel utilisateur ACL</translation>
    </message>
    <message>
        <source>Leave empty to keep the current passwords</source>
        <translation>Laisser vide pour conserver les mots de passe actuels</translation>
    </message>
    <message>
        <source>One pattern per line: ~queue:*  %R~stat:*  %W~tmp:*</source>
        <translation>Un motif par ligne&#xa0;: ~queue:*  %R~stat:*  %W~tmp:*</translation>
    </message>
    <message>
        <source>One pattern per line: &amp;events:*</source>
        <translation>Un motif par ligne&#xa0;: &amp;events:*</translation>
    </message>
    <message>
        <source>e.g. -flushall +client|setname</source>
        <translation>p. ex. -flushall +client|setname</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <source>New password</source>
        <translation>Nouveau mot de passe</translation>
    </message>
    <message>
        <source>Key patterns</source>
        <translation>Motifs de clés</translation>
    </message>
    <message>
        <source>Channels</source>
        <translation>Canaux</translation>
    </message>
    <message>
        <source>Command categories</source>
        <translation>Catégories de commandes</translation>
    </message>
    <message>
        <source>Extra command rules</source>
        <translation>Règles de commandes supplémentaires</translation>
    </message>
    <message>
        <source>Apply to every node</source>
        <translation>Appliquer à tous les nœuds</translation>
    </message>
    <message>
        <source>Will run:</source>
        <translation>Sera exécuté&#xa0;:</translation>
    </message>
    <message>
        <source>The name must be one word.</source>
        <translation>Le nom doit être un seul mot.</translation>
    </message>
    <message>
        <source>A new user needs a password (or nopass, which is not recommended).</source>
        <translation>Un nouvel utilisateur a besoin d&apos;un mot de passe (ou de nopass, ce qui est déconseillé).</translation>
    </message>
    <message>
        <source>No change.</source>
        <translation>Aucun changement.</translation>
    </message>
    <message>
        <source>Changes:
</source>
        <translation>Changements&#xa0;:
</translation>
    </message>
    <message>
        <source>Copy as command</source>
        <translation>Copier comme commande</translation>
    </message>
</context>
<context>
    <name>kiq::ui::AclUsersModel</name>
    <message>
        <source>on</source>
        <translation>actif</translation>
    </message>
    <message>
        <source>off</source>
        <translation>inactif</translation>
    </message>
    <message>
        <source>none (nopass)</source>
        <translation>aucun (nopass)</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Utilisateur</translation>
    </message>
    <message>
        <source>State</source>
        <translation>État</translation>
    </message>
    <message>
        <source>Passwords</source>
        <translation>Mots de passe</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>Clés</translation>
    </message>
    <message>
        <source>Channels</source>
        <translation>Canaux</translation>
    </message>
    <message>
        <source>Commands</source>
        <translation>Commandes</translation>
    </message>
    <message>
        <source>Risks</source>
        <translation>Risques</translation>
    </message>
</context>
<context>
    <name>kiq::ui::ApplyRoleDialog</name>
    <message>
        <source>Apply a Sidekiq role</source>
        <translation>Appliquer un rôle Sidekiq</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rôle</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>Nom d&apos;utilisateur</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Mot de passe</translation>
    </message>
    <message>
        <source>Apply and verify</source>
        <translation>Appliquer et vérifier</translation>
    </message>
    <message>
        <source>Copy as command</source>
        <translation>Copier comme commande</translation>
    </message>
</context>
<context>
    <name>kiq::ui::ArmDialog</name>
    <message>
        <source>Arm writes</source>
        <translation>Activer les écritures</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; is read-only. Arming allows every write (job actions, queue changes, quiet and stop, ACL changes, local workers) until the time below runs out or you disarm.&lt;br&gt;Type the deployment&apos;s name &lt;b&gt;%2&lt;/b&gt; to confirm.</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; est en lecture seule. Activer les écritures autorise toute écriture (actions sur les tâches, modifications des files d&apos;attente, mise au repos et arrêt, modifications ACL, workers locaux) jusqu&apos;à la fin du délai ci-dessous ou jusqu&apos;à ce que vous les désactiviez.&lt;br&gt;Saisissez le nom du déploiement &lt;b&gt;%2&lt;/b&gt; pour confirmer.</translation>
    </message>
    <message>
        <source>Why: free text or a ticket id</source>
        <translation>Pourquoi&#xa0;: texte libre ou numéro de ticket</translation>
    </message>
    <message>
        <source> min</source>
        <translation> min</translation>
    </message>
    <message>
        <source>Deployment name:</source>
        <translation>Nom du déploiement&#xa0;:</translation>
    </message>
    <message>
        <source>Reason:</source>
        <translation>Raison&#xa0;:</translation>
    </message>
    <message>
        <source>Writes allowed for:</source>
        <translation>Écritures autorisées pendant&#xa0;:</translation>
    </message>
</context>
<context>
    <name>kiq::ui::AuditPage</name>
    <message>
        <source>Reload</source>
        <translation>Recharger</translation>
    </message>
    <message>
        <source>Verify chain</source>
        <translation>Vérifier la chaîne</translation>
    </message>
    <message>
        <source>Export JSONL…</source>
        <translation>Exporter en JSONL…</translation>
    </message>
    <message>
        <source>Any user (OS or ACL user)</source>
        <translation>Tout utilisateur (OS ou ACL)</translation>
    </message>
    <message>
        <source>Any action</source>
        <translation>Toute action</translation>
    </message>
    <message>
        <source>Last hour</source>
        <translation>Dernière heure</translation>
    </message>
    <message>
        <source>Last 24 hours</source>
        <translation>Dernières 24 heures</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>7 derniers jours</translation>
    </message>
    <message>
        <source>All</source>
        <translation>Tout</translation>
    </message>
    <message>
        <source>Recompute every entry&apos;s hash and check the chain: deleted, edited or forged entries are marked</source>
        <translation>Recalculer le hachage de chaque entrée et vérifier la chaîne&#xa0;: les entrées supprimées, modifiées ou falsifiées sont signalées</translation>
    </message>
    <message>
        <source>Every entry of the trail, oldest first, as JSON lines</source>
        <translation>Toutes les entrées du journal, les plus anciennes d&apos;abord, en lignes JSON</translation>
    </message>
    <message>
        <source>Export the audit trail</source>
        <translation>Exporter le journal d&apos;audit</translation>
    </message>
    <message>
        <source>JSON lines (*.jsonl);;All files (*)</source>
        <translation>Lignes JSON (*.jsonl);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>Audit trail</source>
        <translation>Journal d&apos;audit</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Non connecté</translation>
    </message>
    <message>
        <source>No entries match.</source>
        <translation>Aucune entrée ne correspond.</translation>
    </message>
    <message numerus="yes">
        <source>The newest %n matching entries.</source>
        <translation>
            <numerusform>Entrées correspondantes les plus récentes&#xa0;: %n.</numerusform>
            <numerusform>Entrées correspondantes les plus récentes&#xa0;: %n.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n matching entries.</source>
        <translation>
            <numerusform>%n entrée correspondante.</numerusform>
            <numerusform>%n entrées correspondantes.</numerusform>
        </translation>
    </message>
    <message>
        <source>Verifying the chain…</source>
        <translation>Vérification de la chaîne…</translation>
    </message>
    <message>
        <source>Could not verify:</source>
        <translation>Vérification impossible&#xa0;:</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>Exportation…</translation>
    </message>
    <message>
        <source>Could not export:</source>
        <translation>Exportation impossible&#xa0;:</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n entries to %1.</source>
        <translation>
            <numerusform>%n entrée exportée vers %1.</numerusform>
            <numerusform>%n entrées exportées vers %1.</numerusform>
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
        <translation>%1 (activé par %2)</translation>
    </message>
    <message>
        <source>ok</source>
        <translation>ok</translation>
    </message>
    <message>
        <source>Entry %1</source>
        <translation>Entrée %1</translation>
    </message>
    <message>
        <source>Detail: %1</source>
        <translation>Détail&#xa0;: %1</translation>
    </message>
    <message>
        <source>Jobs: %1</source>
        <translation>Tâches&#xa0;: %1</translation>
    </message>
    <message>
        <source>Chain broken here: %1</source>
        <translation>Chaîne rompue ici&#xa0;: %1</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Heure</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Utilisateur</translation>
    </message>
    <message>
        <source>ACL user</source>
        <translation>Utilisateur ACL</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Action</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>Cible</translation>
    </message>
    <message>
        <source>Asked / done / skipped</source>
        <translation>Demandé / fait / ignoré</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Raison</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Résultat</translation>
    </message>
    <message>
        <source>Reason: %1</source>
        <translation>Raison&#xa0;: %1</translation>
    </message>
    <message>
        <source>Outcome: %1</source>
        <translation>Résultat&#xa0;: %1</translation>
    </message>
    <message>
        <source>Filter / detail</source>
        <translation>Filtre / détail</translation>
    </message>
</context>
<context>
    <name>kiq::ui::BulkActionFlow</name>
    <message>
        <source>Not connected.</source>
        <translation>Non connecté.</translation>
    </message>
    <message>
        <source>Scanning the set…</source>
        <translation>Parcours de l&apos;ensemble…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>&lt;b&gt;Preview failed:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;Échec de l&apos;aperçu&#xa0;:&lt;/b&gt; %1</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>Annulé.</translation>
    </message>
    <message>
        <source>Nothing done.</source>
        <translation>Rien n&apos;a été fait.</translation>
    </message>
    <message numerus="yes">
        <source>%1 %n matching job(s)?</source>
        <translation>
            <numerusform>%1&#xa0;: %n tâche correspondante&#xa0;?</numerusform>
            <numerusform>%1&#xa0;: %n tâches correspondantes&#xa0;?</numerusform>
        </translation>
    </message>
    <message>
        <source>%1: working…</source>
        <translation>%1&#xa0;: en cours…</translation>
    </message>
    <message>
        <source>&lt;b&gt;Failed:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;Échec&#xa0;:&lt;/b&gt; %1</translation>
    </message>
    <message>
        <source>%1: %2 done, %3 already gone, %4 skipped%5</source>
        <translation>%1&#xa0;: %2 faites, %3 déjà parties, %4 ignorées%5</translation>
    </message>
    <message>
        <source> (cancelled; can be resumed)</source>
        <translation> (annulé&#xa0;; peut être repris)</translation>
    </message>
    <message>
        <source>%1: %2 done, %3 scanned</source>
        <translation>%1&#xa0;: %2 faites, %3 parcourues</translation>
    </message>
    <message>
        <source>%1 jobs/s</source>
        <translation>%1 jobs/s</translation>
    </message>
    <message>
        <source>Redis busy %1% of the time</source>
        <translation>Redis occupé %1&#xa0;% du temps</translation>
    </message>
    <message>
        <source>about %1 left</source>
        <translation>encore environ %1</translation>
    </message>
    <message>
        <source>slowed down: the server answers in %1</source>
        <translation>ralenti&#xa0;: le serveur répond en %1</translation>
    </message>
</context>
<context>
    <name>kiq::ui::BulkPreviewDialog</name>
    <message numerus="yes">
        <source>… and %n more</source>
        <translation>
            <numerusform>… et %n autre</numerusform>
            <numerusform>… et %n autres</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 all matching jobs</source>
        <translation>%1&#xa0;: toutes les tâches correspondantes</translation>
    </message>
    <message>
        <source>Group</source>
        <translation>Groupe</translation>
    </message>
    <message>
        <source>Jobs</source>
        <translation>Tâches</translation>
    </message>
    <message>
        <source>By class</source>
        <translation>Par classe</translation>
    </message>
    <message>
        <source>By queue</source>
        <translation>Par file d&apos;attente</translation>
    </message>
    <message>
        <source>By error</source>
        <translation>Par erreur</translation>
    </message>
    <message>
        <source>no limit</source>
        <translation>sans limite</translation>
    </message>
    <message>
        <source> jobs/s</source>
        <translation> tâches/s</translation>
    </message>
    <message>
        <source>Rate limit:</source>
        <translation>Limite de débit&#xa0;:</translation>
    </message>
    <message>
        <source>Continue…</source>
        <translation>Continuer…</translation>
    </message>
    <message numerus="yes">
        <source>&lt;b&gt;%1&lt;/b&gt; of %2 job(s) match and would be affected by &lt;b&gt;%3&lt;/b&gt;.</source>
        <translation>
            <numerusform>&lt;b&gt;%1&lt;/b&gt; tâche sur %2 correspond et serait concernée par &lt;b&gt;%3&lt;/b&gt;.</numerusform>
            <numerusform>&lt;b&gt;%1&lt;/b&gt; tâches sur %2 correspondent et seraient concernées par &lt;b&gt;%3&lt;/b&gt;.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>kiq::ui::BusyJobModel</name>
    <message>
        <source>(unreadable job)</source>
        <translation>(tâche illisible)</translation>
    </message>
    <message>
        <source>Process</source>
        <translation>Processus</translation>
    </message>
    <message>
        <source>Thread</source>
        <translation>Thread</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>File d&apos;attente</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>Tâche</translation>
    </message>
    <message>
        <source>Arguments</source>
        <translation>Arguments</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Démarrée</translation>
    </message>
    <message>
        <source>Running for</source>
        <translation>En cours depuis</translation>
    </message>
    <message>
        <source>cancelled %1 ago</source>
        <translation>annulée il y a %1</translation>
    </message>
    <message>
        <source>execution %1 · %2 iterating · cursor %3</source>
        <translation>exécution %1 · %2 d&apos;itération · curseur %3</translation>
    </message>
    <message>
        <source>Cursor: %1</source>
        <translation>Curseur : %1</translation>
    </message>
    <message>
        <source>Iteration</source>
        <translation>Itération</translation>
    </message>
</context>
<context>
    <name>kiq::ui::BusyPage</name>
    <message>
        <source>Reload</source>
        <translation>Recharger</translation>
    </message>
    <message>
        <source>Quiet selected</source>
        <translation>Mettre au repos la sélection</translation>
    </message>
    <message>
        <source>Stop selected</source>
        <translation>Arrêter la sélection</translation>
    </message>
    <message>
        <source>Quiet all</source>
        <translation>Tout mettre au repos</translation>
    </message>
    <message>
        <source>Stop all</source>
        <translation>Tout arrêter</translation>
    </message>
    <message>
        <source>Processes</source>
        <translation>Processus</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>Non connecté.</translation>
    </message>
    <message>
        <source>Busy</source>
        <translation>En cours</translation>
    </message>
    <message>
        <source>Quiet</source>
        <translation>Mettre au repos</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Arrêter</translation>
    </message>
    <message numerus="yes">
        <source>Quiet %n process(es)? They finish their current jobs and fetch no new ones.</source>
        <translation>
            <numerusform>Mettre au repos %n processus&#xa0;? Il termine ses tâches en cours et n&apos;en récupère plus de nouvelles.</numerusform>
            <numerusform>Mettre au repos %n processus&#xa0;? Ils terminent leurs tâches en cours et n&apos;en récupèrent plus de nouvelles.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Stop %n process(es)? They shut down; unfinished jobs go back to their queues.</source>
        <translation>
            <numerusform>Arrêter %n processus&#xa0;? Il s&apos;arrête&#xa0;; les tâches non terminées retournent dans leurs files d&apos;attente.</numerusform>
            <numerusform>Arrêter %n processus&#xa0;? Ils s&apos;arrêtent&#xa0;; les tâches non terminées retournent dans leurs files d&apos;attente.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 sent to %n process(es); they act at their next heartbeat.</source>
        <translation>
            <numerusform>%1 envoyé à %n processus&#xa0;; il agit à son prochain heartbeat.</numerusform>
            <numerusform>%1 envoyé à %n processus&#xa0;; ils agissent à leur prochain heartbeat.</numerusform>
        </translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Non connecté</translation>
    </message>
    <message>
        <source>No Sidekiq process is running</source>
        <translation>Aucun processus Sidekiq n&apos;est en cours d&apos;exécution</translation>
    </message>
    <message>
        <source>Select processes in the table first</source>
        <translation>Sélectionnez d&apos;abord des processus dans le tableau</translation>
    </message>
    <message>
        <source>Stop fetching new jobs; running jobs finish</source>
        <translation>Ne plus récupérer de nouvelles tâches&#xa0;; les tâches en cours se terminent</translation>
    </message>
    <message>
        <source>Shut the selected processes down</source>
        <translation>Arrêter les processus sélectionnés</translation>
    </message>
    <message>
        <source>Quiet every listed process</source>
        <translation>Mettre au repos chaque processus listé</translation>
    </message>
    <message>
        <source>Shut every listed process down</source>
        <translation>Arrêter chaque processus listé</translation>
    </message>
    <message>
        <source>%1, %2</source>
        <translation>%1, %2</translation>
    </message>
    <message numerus="yes">
        <source>%Ln process(es)</source>
        <translation>
            <numerusform>%Ln processus</numerusform>
            <numerusform>%Ln processus</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln job(s) running</source>
        <translation>
            <numerusform>%Ln tâche en cours</numerusform>
            <numerusform>%Ln tâches en cours</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 failed:</source>
        <translation>Échec de %1&#xa0;:</translation>
    </message>
    <message>
        <source>Copy as command</source>
        <translation>Copier comme commande</translation>
    </message>
    <message>
        <source>Select processes first.</source>
        <translation>Sélectionnez d&apos;abord des processus.</translation>
    </message>
    <message>
        <source>Cancel iteration</source>
        <translation>Annuler l&apos;itération</translation>
    </message>
    <message>
        <source>Select a running iterable job first</source>
        <translation>Sélectionnez d&apos;abord une tâche itérable en cours</translation>
    </message>
    <message>
        <source>Only iterable jobs (Sidekiq 7.3 and later) can be cancelled; this one is not</source>
        <translation>Seules les tâches itérables (Sidekiq 7.3 et plus) peuvent être annulées ; celle-ci ne l&apos;est pas</translation>
    </message>
    <message>
        <source>Cancelled already: it stops at its next state save</source>
        <translation>Déjà annulée : elle s&apos;arrête à la prochaine sauvegarde de son état</translation>
    </message>
    <message>
        <source>Ask the job to stop at its next state save (about every 5 s)</source>
        <translation>Demander à la tâche de s&apos;arrêter à la prochaine sauvegarde de son état (environ toutes les 5 s)</translation>
    </message>
    <message>
        <source>Cancel %1 (%2) on %3? It stops at its next state save and runs its on_cancel callback; this cannot be undone.</source>
        <translation>Annuler %1 (%2) sur %3 ? Elle s&apos;arrête à la prochaine sauvegarde de son état et appelle son rappel on_cancel ; impossible d&apos;annuler cette action.</translation>
    </message>
    <message>
        <source>Cancel failed:</source>
        <translation>Échec de l&apos;annulation :</translation>
    </message>
    <message>
        <source>%1 is cancelled; it stops at its next state save.</source>
        <translation>%1 est annulée ; elle s&apos;arrête à la prochaine sauvegarde de son état.</translation>
    </message>
    <message>
        <source>Filter running jobs by process, queue, job class, arguments or JID</source>
        <translation>Filtrer les tâches en cours par processus, file, classe, arguments ou JID</translation>
    </message>
    <message numerus="yes">
        <source>%Ln shown</source>
        <translation>
            <numerusform>%Ln affichée</numerusform>
            <numerusform>%Ln affichées</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>kiq::ui::ChartExport</name>
    <message>
        <source>Export as CSV…</source>
        <translation>Exporter en CSV…</translation>
    </message>
    <message>
        <source>Export as CSV</source>
        <translation>Exporter en CSV</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>Fichiers CSV (*.csv)</translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>Impossible d’écrire %1&#xa0;: %2</translation>
    </message>
</context>
<context>
    <name>kiq::ui::ClientCensusModel</name>
    <message>
        <source>not identified</source>
        <translation>non identifié</translation>
    </message>
    <message>
        <source>%1 more</source>
        <translation>%1 de plus</translation>
    </message>
    <message>
        <source>Connections waiting in a blocking command, such as Sidekiq&apos;s fetchers in BRPOP.</source>
        <translation>Connexions en attente dans une commande bloquante, comme les fetchers de Sidekiq dans BRPOP.</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>Hôte</translation>
    </message>
    <message>
        <source>Client library</source>
        <translation>Bibliothèque cliente</translation>
    </message>
    <message>
        <source>Sidekiq</source>
        <translation>Sidekiq</translation>
    </message>
    <message>
        <source>Connections</source>
        <translation>Connexions</translation>
    </message>
    <message>
        <source>Blocked</source>
        <translation>Bloquées</translation>
    </message>
    <message>
        <source>Oldest</source>
        <translation>Plus ancienne</translation>
    </message>
    <message>
        <source>Names</source>
        <translation>Noms</translation>
    </message>
    <message>
        <source>These clients sent no CLIENT SETINFO (Redis 7.2+), so their library and version are unknown. Sidekiq 6 (redis-rb 4) and every client on Redis before 7.2 look like this; Sidekiq 8.1.5+ identifies itself.</source>
        <translation>Ces clients n&apos;ont envoyé aucun CLIENT SETINFO (Redis 7.2+) : leur bibliothèque et leur version sont inconnues. Sidekiq 6 (redis-rb 4) et tout client sur Redis antérieur à 7.2 apparaissent ainsi ; Sidekiq 8.1.5+ s&apos;identifie.</translation>
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
        <translation>Nom</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Adresse</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Utilisateur</translation>
    </message>
    <message>
        <source>Connected for</source>
        <translation>Connecté depuis</translation>
    </message>
    <message>
        <source>Idle</source>
        <translation>Inactif</translation>
    </message>
    <message>
        <source>DB</source>
        <translation>DB</translation>
    </message>
    <message>
        <source>Last command</source>
        <translation>Dernière commande</translation>
    </message>
    <message>
        <source>Flags</source>
        <translation>Drapeaux</translation>
    </message>
</context>
<context>
    <name>kiq::ui::CommandPalette</name>
    <message>
        <source>Command palette</source>
        <translation>Palette de commandes</translation>
    </message>
    <message>
        <source>Type an action, a deployment or a page…</source>
        <translation>Tapez une action, un déploiement ou une page…</translation>
    </message>
</context>
<context>
    <name>kiq::ui::ConnectionDialog</name>
    <message>
        <source>Enter the server&apos;s host name or address.</source>
        <translation>Saisissez le nom d&apos;hôte ou l&apos;adresse du serveur.</translation>
    </message>
    <message>
        <source>Ask for the password when connecting</source>
        <translation>Demander le mot de passe à la connexion</translation>
    </message>
    <message>
        <source> ms</source>
        <translation> ms</translation>
    </message>
    <message>
        <source>&amp;Test connection</source>
        <translation>&amp;Tester la connexion</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>Connexion</translation>
    </message>
    <message>
        <source>Security</source>
        <translation>Sécurité</translation>
    </message>
    <message>
        <source>Advanced</source>
        <translation>Avancé</translation>
    </message>
    <message>
        <source>Tag colour</source>
        <translation>Couleur de l&apos;étiquette</translation>
    </message>
    <message>
        <source>redis://user:password@host:6379/0 or rediss://…</source>
        <translation>redis://user:password@host:6379/0 ou rediss://…</translation>
    </message>
    <message>
        <source>Fill in</source>
        <translation>Remplir</translation>
    </message>
    <message>
        <source>e.g. Billing production</source>
        <translation>p. ex. Facturation production</translation>
    </message>
    <message>
        <source>none (e.g. myapp: for redis-namespace)</source>
        <translation>aucun (p. ex. myapp: pour redis-namespace)</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>Nom&#xa0;:</translation>
    </message>
    <message>
        <source>Environment:</source>
        <translation>Environnement&#xa0;:</translation>
    </message>
    <message>
        <source>URL:</source>
        <translation>URL&#xa0;:</translation>
    </message>
    <message>
        <source>Database:</source>
        <translation>Base de données&#xa0;:</translation>
    </message>
    <message>
        <source>Namespace prefix:</source>
        <translation>Préfixe d&apos;espace de noms&#xa0;:</translation>
    </message>
    <message>
        <source>default</source>
        <translation>default</translation>
    </message>
    <message>
        <source>not saved: asked when connecting</source>
        <translation>non enregistré&#xa0;: demandé à la connexion</translation>
    </message>
    <message>
        <source>Authentication</source>
        <translation>Authentification</translation>
    </message>
    <message>
        <source>Username:</source>
        <translation>Nom d&apos;utilisateur&#xa0;:</translation>
    </message>
    <message>
        <source>Password:</source>
        <translation>Mot de passe&#xa0;:</translation>
    </message>
    <message>
        <source>none (CLIENT SETNAME is skipped)</source>
        <translation>aucun (CLIENT SETNAME n&apos;est pas envoyé)</translation>
    </message>
    <message>
        <source>Connect timeout:</source>
        <translation>Délai de connexion&#xa0;:</translation>
    </message>
    <message>
        <source>Command timeout:</source>
        <translation>Délai de commande&#xa0;:</translation>
    </message>
    <message>
        <source>Connection attempts:</source>
        <translation>Tentatives de connexion&#xa0;:</translation>
    </message>
    <message>
        <source>First retry after:</source>
        <translation>Première nouvelle tentative après&#xa0;:</translation>
    </message>
    <message>
        <source>Client name:</source>
        <translation>Nom du client&#xa0;:</translation>
    </message>
    <message>
        <source>Cannot read this URL: %1</source>
        <translation>Impossible de lire cette URL&#xa0;: %1</translation>
    </message>
    <message>
        <source>Testing %1…</source>
        <translation>Test de %1…</translation>
    </message>
    <message>
        <source>Connection failed: %1</source>
        <translation>Échec de la connexion&#xa0;: %1</translation>
    </message>
    <message>
        <source>Connected; PING answered in %1. INFO is not allowed for this user: %2</source>
        <translation>Connecté&#xa0;; PING a répondu en %1. INFO n&apos;est pas autorisé pour cet utilisateur&#xa0;: %2</translation>
    </message>
    <message>
        <source>Connected to Redis %1 (%2); round trip %3.</source>
        <translation>Connecté à Redis %1 (%2)&#xa0;; aller-retour %3.</translation>
    </message>
    <message>
        <source>Read-only: writes need arming with a reason</source>
        <translation>Lecture seule&#xa0;: les écritures doivent être activées avec une raison</translation>
    </message>
    <message>
        <source> min</source>
        <translation> min</translation>
    </message>
    <message>
        <source>Arm for:</source>
        <translation>Activer pendant&#xa0;:</translation>
    </message>
    <message>
        <source>Writes:</source>
        <translation>Écritures&#xa0;:</translation>
    </message>
    <message>
        <source>Production deployments always open read-only.</source>
        <translation>Les déploiements de production s&apos;ouvrent toujours en lecture seule.</translation>
    </message>
    <message>
        <source>Open this deployment read-only, as production is.</source>
        <translation>Ouvrir ce déploiement en lecture seule, comme la production.</translation>
    </message>
    <message>
        <source> entries</source>
        <translation> entrées</translation>
    </message>
    <message>
        <source>The shared audit trail (the kiqdesk:audit stream in this deployment&apos;s Redis) keeps about this many entries; older ones are trimmed. About 1 KB each.</source>
        <translation>Le journal d&apos;audit partagé (le flux kiqdesk:audit dans le Redis de ce déploiement) garde environ ce nombre d&apos;entrées&#xa0;; les plus anciennes sont supprimées. Environ 1 Ko chacune.</translation>
    </message>
    <message>
        <source>Audit trail keeps about:</source>
        <translation>Le journal d&apos;audit garde environ&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;Diagnose…</source>
        <translation>&amp;Diagnostiquer…</translation>
    </message>
    <message>
        <source>Take the connection apart step by step and say what to fix</source>
        <translation>Examiner la connexion étape par étape et dire quoi corriger</translation>
    </message>
    <message>
        <source>Finding the step that fails…</source>
        <translation>Recherche de l&apos;étape qui échoue…</translation>
    </message>
    <message>
        <source>Diagnose… shows every step.</source>
        <translation>Diagnostiquer… montre chaque étape.</translation>
    </message>
    <message>
        <source>As the environment: production 25%, staging 50%, else 100%</source>
        <translation>Selon l’environnement&#xa0;: production 25&#xa0;%, préproduction 50&#xa0;%, sinon 100&#xa0;%</translation>
    </message>
    <message>
        <source>%1% of Redis time</source>
        <translation>%1&#xa0;% du temps de Redis</translation>
    </message>
    <message>
        <source>Unlimited (fastest, heaviest on other clients)</source>
        <translation>Illimité (le plus rapide, le plus lourd pour les autres clients)</translation>
    </message>
    <message>
        <source>Bulk actions, job index builds and the security audit&apos;s sample keep Redis busy at most this share of each second, so the apps sharing it keep their latency. They slow down further while the server answers late.</source>
        <translation>Les actions groupées, la construction de l’index des jobs et l’échantillon de l’audit de sécurité occupent Redis au plus cette part de chaque seconde, pour que les applications qui le partagent gardent leur latence. Elles ralentissent encore quand le serveur répond tard.</translation>
    </message>
    <message>
        <source>Long operations may take:</source>
        <translation>Les opérations longues peuvent prendre&#xa0;:</translation>
    </message>
    <message>
        <source>Redis runs one command at a time: every other client waits while one of ours runs. Calls are sized by measured time to hold it about this long.</source>
        <translation>Redis exécute une commande à la fois&#xa0;: tous les autres clients attendent pendant qu’une des nôtres s’exécute. Les appels sont dimensionnés d’après le temps mesuré pour l’occuper à peu près aussi longtemps.</translation>
    </message>
    <message>
        <source>One call holds Redis about:</source>
        <translation>Un appel occupe Redis environ&#xa0;:</translation>
    </message>
    <message>
        <source>Post this deployment&apos;s alerts to a webhook (its URL comes from the source above)</source>
        <translation>Envoyer les alertes de ce déploiement à un webhook (son URL vient de la source ci-dessus)</translation>
    </message>
    <message>
        <source>Each alert as a JSON POST, for chat tools. The URL holds the tool&apos;s token: it is kept like a password, never in the profile file.</source>
        <translation>Chaque alerte en POST JSON, pour les outils de discussion. L’URL contient le jeton de l’outil&#xa0;: elle est gardée comme un mot de passe, jamais dans le fichier des profils.</translation>
    </message>
</context>
<context>
    <name>kiq::ui::DailyHistoryChart</name>
    <message>
        <source>Processed</source>
        <translation>Traitées</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Échouées</translation>
    </message>
    <message>
        <source>Daily history (Sidekiq, UTC days)</source>
        <translation>Historique quotidien (Sidekiq, jours UTC)</translation>
    </message>
    <message>
        <source>%1 (UTC): %2 processed, %3 failed</source>
        <translation>%1 (UTC)&#xa0;: %2 traitées, %3 en échec</translation>
    </message>
</context>
<context>
    <name>kiq::ui::Deployment</name>
    <message>
        <source>Not connected</source>
        <translation>Non connecté</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Connexion…</translation>
    </message>
    <message>
        <source>Reachable</source>
        <translation>Joignable</translation>
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
        <translation>activez d&apos;abord les écritures avec une raison</translation>
    </message>
    <message>
        <source>%1. Try again (or press F5) to enter the password again.</source>
        <translation>%1. Réessayez (ou appuyez sur F5) pour saisir à nouveau le mot de passe.</translation>
    </message>
    <message>
        <source>Server certificate</source>
        <translation>Certificat du serveur</translation>
    </message>
    <message>
        <source>CA certificate</source>
        <translation>Certificat de l&apos;AC</translation>
    </message>
    <message>
        <source>Client certificate</source>
        <translation>Certificat client</translation>
    </message>
    <message numerus="yes">
        <source>%1 “%2” expired %n day(s) ago (%3)</source>
        <translation>
            <numerusform>%1 «&#xa0;%2&#xa0;» a expiré il y a %n jour (%3)</numerusform>
            <numerusform>%1 «&#xa0;%2&#xa0;» a expiré il y a %n jours (%3)</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 “%2” expires today (%3)</source>
        <translation>%1 «&#xa0;%2&#xa0;» expire aujourd&apos;hui (%3)</translation>
    </message>
    <message numerus="yes">
        <source>%1 “%2” expires in %n day(s) (%3)</source>
        <translation>
            <numerusform>%1 «&#xa0;%2&#xa0;» expire dans %n jour (%3)</numerusform>
            <numerusform>%1 «&#xa0;%2&#xa0;» expire dans %n jours (%3)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>kiq::ui::DeploymentPage</name>
    <message>
        <source>This page has no write path.</source>
        <translation>Cette page ne peut pas écrire.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Undo failed:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;Échec de l&apos;annulation&#xa0;:&lt;/b&gt; %1</translation>
    </message>
    <message numerus="yes">
        <source>Put back %1 job(s), %2 already there</source>
        <translation>
            <numerusform>%1 tâche remise, %2 déjà présente(s)</numerusform>
            <numerusform>%1 tâches remises, %2 déjà présente(s)</numerusform>
        </translation>
    </message>
    <message>
        <source>Copied the command; replace the --arm placeholder with the reason before running it.</source>
        <translation>Commande copiée&#xa0;; remplacez l&apos;espace réservé de --arm par la raison avant de l&apos;exécuter.</translation>
    </message>
    <message>
        <source>Copied the command: %1</source>
        <translation>Commande copiée&#xa0;: %1</translation>
    </message>
    <message>
        <source>Not permitted for user %1: needs %2</source>
        <translation>Non autorisé pour l&apos;utilisateur %1&#xa0;: nécessite %2</translation>
    </message>
    <message>
        <source>&lt;b&gt;Export failed:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;Échec de l’export&#xa0;:&lt;/b&gt; %1</translation>
    </message>
    <message>
        <source>&lt;b&gt;Could not write %1:&lt;/b&gt; %2</source>
        <translation>&lt;b&gt;Impossible d’écrire %1&#xa0;:&lt;/b&gt; %2</translation>
    </message>
    <message>
        <source> · %1 no longer there</source>
        <translation> · %1 déjà parties</translation>
    </message>
    <message>
        <source> · arguments as they are (recorded in the audit trail)</source>
        <translation> · arguments tels quels (consigné dans la piste d’audit)</translation>
    </message>
    <message>
        <source> · redacted: for reading, not for import</source>
        <translation> · masqué&#xa0;: pour lecture, pas pour import</translation>
    </message>
    <message>
        <source>&lt;b&gt;Could not read %1:&lt;/b&gt; %2</source>
        <translation>&lt;b&gt;Impossible de lire %1&#xa0;:&lt;/b&gt; %2</translation>
    </message>
    <message>
        <source>%1 is a redacted export: its arguments are masked, so its jobs cannot be imported. Export them again with the arguments as they are.</source>
        <translation>%1 est un export masqué&#xa0;: ses arguments sont cachés, ses tâches ne peuvent donc pas être importées. Exportez-les à nouveau avec les arguments tels quels.</translation>
    </message>
    <message>
        <source>No jobs in %1%2</source>
        <translation>Aucune tâche dans %1%2</translation>
    </message>
    <message>
        <source>Import jobs</source>
        <translation>Importer des tâches</translation>
    </message>
    <message>
        <source>&lt;b&gt;Import failed:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;Échec de l’import&#xa0;:&lt;/b&gt; %1</translation>
    </message>
    <message>
        <source>Job file</source>
        <translation>Fichier de tâches</translation>
    </message>
    <message>
        <source>Export jobs</source>
        <translation>Exporter des tâches</translation>
    </message>
    <message>
        <source>Job files (*.jsonl);;All files (*)</source>
        <translation>Fichiers de tâches (*.jsonl);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>Export selected…</source>
        <translation>Exporter la sélection…</translation>
    </message>
    <message>
        <source>Export selected with arguments as they are…</source>
        <translation>Exporter la sélection avec les arguments tels quels…</translation>
    </message>
    <message>
        <source>Byte-exact, for import elsewhere; recorded in the audit trail</source>
        <translation>Exact à l’octet près, pour import ailleurs&#xa0;; consigné dans la piste d’audit</translation>
    </message>
    <message>
        <source>Import jobs…</source>
        <translation>Importer des tâches…</translation>
    </message>
    <message numerus="yes">
        <source>Exported %1 job(s) to %2</source>
        <translation>
            <numerusform>%1 tâche exportée vers %2</numerusform>
            <numerusform>%1 tâches exportées vers %2</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Import %1 job(s) from %2 into %3?</source>
        <translation>
            <numerusform>Importer %1 tâche de %2 dans %3&#xa0;?</numerusform>
            <numerusform>Importer %1 tâches de %2 dans %3&#xa0;?</numerusform>
        </translation>
    </message>
    <message>
        <source>Lines that could not be read, left out: %1; the first: %2</source>
        <translation>Lignes illisibles, laissées de côté&#xa0;: %1&#xa0;; la première&#xa0;: %2</translation>
    </message>
    <message numerus="yes">
        <source>Imported %1 job(s), %2 already there, %3 not jobs, %4 unreadable lines</source>
        <translation>
            <numerusform>%1 tâche importée, %2 déjà présentes, %3 qui ne sont pas des tâches, %4 lignes illisibles</numerusform>
            <numerusform>%1 tâches importées, %2 déjà présentes, %3 qui ne sont pas des tâches, %4 lignes illisibles</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>kiq::ui::DeploymentView</name>
    <message>
        <source>Connect…</source>
        <translation>Connexion…</translation>
    </message>
    <message>
        <source>&lt;b&gt;Warning:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;Avertissement&#xa0;:&lt;/b&gt; %1</translation>
    </message>
    <message>
        <source>Try again…</source>
        <translation>Réessayer…</translation>
    </message>
    <message>
        <source>Read-only</source>
        <translation>Lecture seule</translation>
    </message>
    <message>
        <source>Writes to this deployment are refused until you arm them with a reason.</source>
        <translation>Les écritures sur ce déploiement sont refusées tant que vous ne les activez pas avec une raison.</translation>
    </message>
    <message>
        <source>Arm writes…</source>
        <translation>Activer les écritures…</translation>
    </message>
    <message>
        <source>Allow writes for a while, with a reason</source>
        <translation>Autoriser les écritures pendant un moment, avec une raison</translation>
    </message>
    <message>
        <source>until disarmed</source>
        <translation>jusqu&apos;à désactivation</translation>
    </message>
    <message>
        <source>%1:%2 left</source>
        <translation>encore %1:%2</translation>
    </message>
    <message>
        <source>Writes armed: %1</source>
        <translation>Écritures activées&#xa0;: %1</translation>
    </message>
    <message>
        <source>Armed by %1 at %2: %3</source>
        <translation>Activées par %1 à %2&#xa0;: %3</translation>
    </message>
    <message>
        <source>Disarm</source>
        <translation>Désactiver</translation>
    </message>
    <message>
        <source>Back to read-only now</source>
        <translation>Revenir en lecture seule maintenant</translation>
    </message>
</context>
<context>
    <name>kiq::ui::DoctorDialog</name>
    <message>
        <source>Run &amp;again</source>
        <translation>&amp;Relancer</translation>
    </message>
    <message>
        <source>&amp;Copy report</source>
        <translation>&amp;Copier le rapport</translation>
    </message>
    <message>
        <source>Connection doctor — %1</source>
        <translation>Diagnostic de connexion — %1</translation>
    </message>
    <message>
        <source>Sentinel</source>
        <translation>Sentinel</translation>
    </message>
    <message>
        <source>Name lookup</source>
        <translation>Résolution du nom</translation>
    </message>
    <message>
        <source>TCP connection</source>
        <translation>Connexion TCP</translation>
    </message>
    <message>
        <source>Certificate files</source>
        <translation>Fichiers de certificat</translation>
    </message>
    <message>
        <source>TLS handshake</source>
        <translation>Négociation TLS</translation>
    </message>
    <message>
        <source>Server certificate</source>
        <translation>Certificat du serveur</translation>
    </message>
    <message>
        <source>Client certificate</source>
        <translation>Certificat client</translation>
    </message>
    <message>
        <source>Authentication</source>
        <translation>Authentification</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>Serveur</translation>
    </message>
    <message>
        <source>Reading Sidekiq&apos;s data</source>
        <translation>Lecture des données Sidekiq</translation>
    </message>
    <message>
        <source>Writing (armed)</source>
        <translation>Écriture (armée)</translation>
    </message>
    <message>
        <source>Examining %1…</source>
        <translation>Examen de %1…</translation>
    </message>
    <message>
        <source>The credential helper failed: %1</source>
        <translation>L&apos;assistant d&apos;identifiants a échoué&#xa0;: %1</translation>
    </message>
    <message>
        <source>No password is at hand: the doctor connects without it.</source>
        <translation>Aucun mot de passe disponible&#xa0;: le diagnostic se connecte sans.</translation>
    </message>
    <message>
        <source>No Sentinel password is at hand: the doctor connects without it.</source>
        <translation>Aucun mot de passe Sentinel disponible&#xa0;: le diagnostic se connecte sans.</translation>
    </message>
    <message>
        <source>No passphrase for the client key is at hand: the doctor loads the key without it.</source>
        <translation>Aucune phrase secrète pour la clé client&#xa0;: le diagnostic charge la clé sans.</translation>
    </message>
    <message>
        <source>pass</source>
        <translation>ok</translation>
    </message>
    <message>
        <source>warn</source>
        <translation>avertissement</translation>
    </message>
    <message>
        <source>fail</source>
        <translation>échec</translation>
    </message>
    <message>
        <source>skipped</source>
        <translation>ignoré</translation>
    </message>
    <message>
        <source>Fix:</source>
        <translation>Correction&#xa0;:</translation>
    </message>
    <message numerus="yes">
        <source>%n step(s) failed</source>
        <translation>
            <numerusform>%n étape a échoué</numerusform>
            <numerusform>%n étapes ont échoué</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>, %n warning(s)</source>
        <translation>
            <numerusform>, %n avertissement</numerusform>
            <numerusform>, %n avertissements</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The connection works, with %n warning(s)</source>
        <translation>
            <numerusform>La connexion fonctionne, avec %n avertissement</numerusform>
            <numerusform>La connexion fonctionne, avec %n avertissements</numerusform>
        </translation>
    </message>
    <message>
        <source>Every step passed</source>
        <translation>Toutes les étapes ont réussi</translation>
    </message>
</context>
<context>
    <name>kiq::ui::Environment</name>
    <message>
        <source>Development</source>
        <translation>Développement</translation>
    </message>
    <message>
        <source>Staging</source>
        <translation>Préproduction</translation>
    </message>
    <message>
        <source>Production</source>
        <translation>Production</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>Autre</translation>
    </message>
</context>
<context>
    <name>kiq::ui::ExecutionHistogramChart</name>
    <message>
        <source>Jobs</source>
        <translation>Tâches</translation>
    </message>
    <message>
        <source>Execution times of %1 (successful jobs)</source>
        <translation>Durées d&apos;exécution de %1 (tâches réussies)</translation>
    </message>
    <message>
        <source>Execution times</source>
        <translation>Durées d&apos;exécution</translation>
    </message>
    <message>
        <source>over %1</source>
        <translation>plus de %1</translation>
    </message>
    <message>
        <source>under %1</source>
        <translation>moins de %1</translation>
    </message>
    <message numerus="yes">
        <source>%1: %2 job(s)</source>
        <translation>
            <numerusform>%1 : %2 tâche</numerusform>
            <numerusform>%1 : %2 tâches</numerusform>
        </translation>
    </message>
    <message>
        <source>Execution time, up to</source>
        <translation>Durée d&apos;exécution, jusqu&apos;à</translation>
    </message>
</context>
<context>
    <name>kiq::ui::FailureGroupModel</name>
    <message>
        <source>(no error)</source>
        <translation>(aucune erreur)</translation>
    </message>
    <message>
        <source>Jobs</source>
        <translation>Tâches</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Erreur</translation>
    </message>
    <message>
        <source>Message (normalised)</source>
        <translation>Message (normalisé)</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>Tâche</translation>
    </message>
    <message>
        <source>First seen</source>
        <translation>Vu en premier</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>Vu en dernier</translation>
    </message>
</context>
<context>
    <name>kiq::ui::FirstRunDialog</name>
    <message>
        <source>Welcome to Kiqdesk</source>
        <translation>Bienvenue dans Kiqdesk</translation>
    </message>
    <message>
        <source>Kiqdesk watches Sidekiq job systems on Redis. There is no connection yet.</source>
        <translation>Kiqdesk surveille les systèmes de tâches Sidekiq sur Redis. Il n&apos;y a pas encore de connexion.</translation>
    </message>
    <message>
        <source>Start a local sandbox</source>
        <translation>Démarrer un bac à sable local</translation>
    </message>
    <message>
        <source>A private Redis on this computer, gone when Kiqdesk quits. Nothing you do there touches a real deployment.</source>
        <translation>Un Redis privé sur cet ordinateur, qui disparaît quand Kiqdesk se ferme. Rien de ce que vous y faites ne touche un vrai déploiement.</translation>
    </message>
    <message>
        <source>Add a connection</source>
        <translation>Ajouter une connexion</translation>
    </message>
    <message>
        <source>Connect to your own Redis: standalone, Sentinel or Cluster, with or without TLS.</source>
        <translation>Se connecter à votre propre Redis&#xa0;: autonome, Sentinel ou Cluster, avec ou sans TLS.</translation>
    </message>
    <message>
        <source>Not now</source>
        <translation>Plus tard</translation>
    </message>
</context>
<context>
    <name>kiq::ui::FleetModel</name>
    <message>
        <source>Deployment</source>
        <translation>Déploiement</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>État</translation>
    </message>
    <message>
        <source>Enqueued</source>
        <translation>En attente</translation>
    </message>
    <message>
        <source>Max latency</source>
        <translation>Latence max.</translation>
    </message>
    <message>
        <source>Busy</source>
        <translation>En cours</translation>
    </message>
    <message>
        <source>Processes</source>
        <translation>Processus</translation>
    </message>
    <message>
        <source>Retries</source>
        <translation>Tentatives</translation>
    </message>
    <message>
        <source>Dead</source>
        <translation>Mortes</translation>
    </message>
    <message>
        <source>Dead, last hour</source>
        <translation>Mortes, dernière heure</translation>
    </message>
    <message>
        <source>Redis memory</source>
        <translation>Mémoire Redis</translation>
    </message>
    <message>
        <source>Queue “%1”</source>
        <translation>File d&apos;attente «&#xa0;%1&#xa0;»</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Erreur</translation>
    </message>
    <message>
        <source>Reachable</source>
        <translation>Joignable</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Non connecté</translation>
    </message>
    <message>
        <source>no jobs waiting</source>
        <translation>aucune tâche en attente</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 sur %2</translation>
    </message>
    <message>
        <source>Jobs that died since %1 and are still in the dead set</source>
        <translation>Tâches mortes depuis %1 et toujours dans l&apos;ensemble des tâches mortes</translation>
    </message>
    <message>
        <source>Security</source>
        <translation>Sécurité</translation>
    </message>
    <message>
        <source>auditing…</source>
        <translation>audit en cours…</translation>
    </message>
    <message>
        <source>%1 fail · %2 warn</source>
        <translation>échecs&#xa0;: %1 · avert.&#xa0;: %2</translation>
    </message>
    <message>
        <source>%1 fail</source>
        <translation>échecs&#xa0;: %1</translation>
    </message>
    <message>
        <source>%1 warn</source>
        <translation>avert.&#xa0;: %1</translation>
    </message>
    <message>
        <source>pass</source>
        <translation>ok</translation>
    </message>
    <message>
        <source>Not audited yet: Audit all, or the deployment&apos;s Security page</source>
        <translation>Pas encore audité&#xa0;: «&#xa0;Tout auditer&#xa0;» ou la page Sécurité du déploiement</translation>
    </message>
    <message>
        <source>Audited %1: %2 fail, %3 warn, %4 could not check, %5 pass</source>
        <translation>Audité %1&#xa0;: échecs %2, avertissements %3, non vérifiables %4, ok %5</translation>
    </message>
    <message>
        <source>Forecast</source>
        <translation>Prévision</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1&#xa0;: %2</translation>
    </message>
    <message>
        <source>measuring…</source>
        <translation>mesure en cours…</translation>
    </message>
    <message>
        <source>All queues: %1 jobs/min arrive, %2 jobs/min done.</source>
        <translation>Toutes les files d’attente&#xa0;: %1 tâches/min arrivent, %2 tâches/min traitées.</translation>
    </message>
    <message>
        <source>%1 of Sidekiq&apos;s cap of %2 dead jobs (%3 %)</source>
        <translation>%1 sur le plafond Sidekiq de %2 tâches mortes (%3 %)</translation>
    </message>
    <message>
        <source>At the cap: each new dead job drops the oldest.</source>
        <translation>Au plafond : chaque nouvelle tâche morte fait disparaître la plus ancienne.</translation>
    </message>
    <message numerus="yes">
        <source>About %1 dropped in the last hour (by the cap, or removed by hand).</source>
        <translation>
            <numerusform>Environ %1 supprimée au cours de la dernière heure (par le plafond, ou retirée à la main).</numerusform>
            <numerusform>Environ %1 supprimées au cours de la dernière heure (par le plafond, ou retirées à la main).</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>kiq::ui::FleetSearchDialog</name>
    <message>
        <source>&amp;Search</source>
        <translation>&amp;Rechercher</translation>
    </message>
    <message>
        <source>S&amp;top</source>
        <translation>&amp;Arrêter</translation>
    </message>
    <message>
        <source>Find in all deployments</source>
        <translation>Rechercher dans tous les déploiements</translation>
    </message>
    <message>
        <source>A JID, or text in a job&apos;s class, arguments or error</source>
        <translation>Un JID, ou du texte dans la classe, les arguments ou l’erreur d’une tâche</translation>
    </message>
    <message>
        <source>Deployment</source>
        <translation>Déploiement</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>Progression</translation>
    </message>
    <message>
        <source>Hits</source>
        <translation>Résultats</translation>
    </message>
    <message>
        <source>Arguments and messages are matched as each deployment&apos;s redaction rules show them. Open a hit (double-click or Enter) to see it on its page.</source>
        <translation>Les arguments et les messages sont comparés tels que les règles de masquage de chaque déploiement les affichent. Ouvrez un résultat (double-clic ou Entrée) pour le voir sur sa page.</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Non connecté</translation>
    </message>
    <message>
        <source>The connection was reset</source>
        <translation>La connexion a été réinitialisée</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>Arrêtée</translation>
    </message>
    <message>
        <source>%1 (after %2 of %3 jobs)</source>
        <translation>%1 (après %2 tâches sur %3)</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Démarrage…</translation>
    </message>
    <message>
        <source>Reading %1: %2 of %3 jobs</source>
        <translation>Lecture de %1 : %2 tâches sur %3</translation>
    </message>
    <message>
        <source>Stopped at %1 hits: narrow the search</source>
        <translation>Arrêtée à %1 résultats : affinez la recherche</translation>
    </message>
    <message>
        <source>Done: %1 jobs in %2</source>
        <translation>Terminé : %1 tâches en %2</translation>
    </message>
    <message>
        <source>Type a JID or some text, then Enter.</source>
        <translation>Saisissez un JID ou du texte, puis Entrée.</translation>
    </message>
    <message numerus="yes">
        <source>%1 hit(s)</source>
        <translation>
            <numerusform>%1 résultat</numerusform>
            <numerusform>%1 résultats</numerusform>
        </translation>
    </message>
    <message>
        <source>Searching %1 of %2 deployments… %3 so far, %4 jobs examined</source>
        <translation>Recherche dans %1 déploiements sur %2… %3 jusqu’ici, %4 tâches examinées</translation>
    </message>
    <message>
        <source>%1 in %2 jobs</source>
        <translation>%1 dans %2 tâches</translation>
    </message>
</context>
<context>
    <name>kiq::ui::FleetSearchModel</name>
    <message>
        <source>Busy on %1</source>
        <translation>En cours sur %1</translation>
    </message>
    <message>
        <source>Queue %1</source>
        <translation>File d’attente %1</translation>
    </message>
    <message>
        <source>Scheduled</source>
        <translation>Planifiées</translation>
    </message>
    <message>
        <source>Retries</source>
        <translation>Tentatives</translation>
    </message>
    <message>
        <source>Dead</source>
        <translation>Mortes</translation>
    </message>
    <message>
        <source>Malformed: %1</source>
        <translation>Mal formée : %1</translation>
    </message>
    <message>
        <source>Deployment</source>
        <translation>Déploiement</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>Où</translation>
    </message>
    <message>
        <source>JID</source>
        <translation>JID</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>Classe</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Erreur</translation>
    </message>
    <message>
        <source>Arguments</source>
        <translation>Arguments</translation>
    </message>
</context>
<context>
    <name>kiq::ui::FleetView</name>
    <message>
        <source>Fleet overview</source>
        <translation>Vue du parc</translation>
    </message>
    <message numerus="yes">
        <source>Every deployment, refreshed every %n second(s). Double-click a row to open it.</source>
        <translation>
            <numerusform>Tous les déploiements, actualisés toutes les %n seconde. Double-cliquez sur une ligne pour l&apos;ouvrir.</numerusform>
            <numerusform>Tous les déploiements, actualisés toutes les %n secondes. Double-cliquez sur une ligne pour l&apos;ouvrir.</numerusform>
        </translation>
    </message>
    <message>
        <source>Updated at %1</source>
        <translation>Mis à jour à %1</translation>
    </message>
    <message>
        <source>Audit all</source>
        <translation>Tout auditer</translation>
    </message>
    <message>
        <source>Run the security audit of every connected deployment (reads only)</source>
        <translation>Lancer l&apos;audit de sécurité de chaque déploiement connecté (lecture seule)</translation>
    </message>
</context>
<context>
    <name>kiq::ui::ForecastText</name>
    <message>
        <source>%1 s</source>
        <translation>%1&#xa0;s</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1&#xa0;min</translation>
    </message>
    <message>
        <source>%1 h</source>
        <translation>%1&#xa0;h</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1&#xa0;h %2&#xa0;min</translation>
    </message>
    <message>
        <source>%1 d</source>
        <translation>%1&#xa0;j</translation>
    </message>
    <message>
        <source>over %1 SLO</source>
        <translation>au-delà du SLO de %1</translation>
    </message>
    <message>
        <source>breaches %1 SLO in ~%2</source>
        <translation>dépasse le SLO de %1 dans ~%2</translation>
    </message>
    <message>
        <source>measuring…</source>
        <translation>mesure en cours…</translation>
    </message>
    <message>
        <source>keeps up</source>
        <translation>suit le rythme</translation>
    </message>
    <message>
        <source>empty in ~%1</source>
        <translation>vide dans ~%1</translation>
    </message>
    <message>
        <source>growing %1/min</source>
        <translation>croît de %1/min</translation>
    </message>
    <message>
        <source>A forecast needs a few refreshes of history.</source>
        <translation>Une prévision demande l’historique de quelques actualisations.</translation>
    </message>
    <message>
        <source>Empty.</source>
        <translation>Vide.</translation>
    </message>
    <message>
        <source>Draining %1 jobs/min.</source>
        <translation>Se vide de %1 tâches/min.</translation>
    </message>
    <message>
        <source>Growing %1 jobs/min.</source>
        <translation>Croît de %1 tâches/min.</translation>
    </message>
    <message>
        <source>Arrivals and completions about even.</source>
        <translation>Arrivées et traitements à peu près égaux.</translation>
    </message>
    <message>
        <source>Latency %1, rising %2/min.</source>
        <translation>Latence %1, en hausse de %2/min.</translation>
    </message>
    <message>
        <source>Latency %1, falling %2/min.</source>
        <translation>Latence %1, en baisse de %2/min.</translation>
    </message>
    <message>
        <source>In 5 min: %1 · in 15 min: %2.</source>
        <translation>Dans 5&#xa0;min&#xa0;: %1 · dans 15&#xa0;min&#xa0;: %2.</translation>
    </message>
    <message>
        <source>Over its %1 SLO.</source>
        <translation>Au-delà de son SLO de %1.</translation>
    </message>
    <message>
        <source>Breaches the %1 SLO in ~%2.</source>
        <translation>Dépasse le SLO de %1 dans ~%2.</translation>
    </message>
</context>
<context>
    <name>kiq::ui::Formatting</name>
    <message>
        <source>%1 d %2 h</source>
        <translation>%1 j %2 h</translation>
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
            <numerusform>%n an</numerusform>
            <numerusform>%n ans</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 (clock skew or bad timestamp?)</source>
        <translation>%1 (décalage d&apos;horloge ou horodatage erroné&#xa0;?)</translation>
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
        <translation>File d&apos;attente</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>Tâche</translation>
    </message>
    <message>
        <source>JID</source>
        <translation>JID</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Démarrée</translation>
    </message>
    <message>
        <source>Running for</source>
        <translation>En cours depuis</translation>
    </message>
    <message>
        <source>Replay of %1 from %2 (%3), which failed with %4</source>
        <translation>Rejeu de %1 depuis %2 (%3), qui a échoué avec %4</translation>
    </message>
</context>
<context>
    <name>kiq::ui::IndexedJobBrowser</name>
    <message>
        <source>&lt;b&gt;Failures by cause&lt;/b&gt; (select one to filter the jobs to it)</source>
        <translation>&lt;b&gt;Échecs par cause&lt;/b&gt; (sélectionnez-en une pour y filtrer les tâches)</translation>
    </message>
</context>
<context>
    <name>kiq::ui::IndexedJobModel</name>
    <message>
        <source>(unreadable job)</source>
        <translation>(tâche illisible)</translation>
    </message>
    <message>
        <source>Unreadable payload (open it to see why)</source>
        <translation>Payload illisible (ouvrez-le pour savoir pourquoi)</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1&#xa0;: %2</translation>
    </message>
</context>
<context>
    <name>kiq::ui::JobActionLabel</name>
    <message>
        <source>Retry</source>
        <translation>Réessayer</translation>
    </message>
    <message>
        <source>Enqueue now</source>
        <translation>Mettre en file maintenant</translation>
    </message>
    <message>
        <source>Move</source>
        <translation>Déplacer</translation>
    </message>
    <message>
        <source>Kill</source>
        <translation>Tuer</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Supprimer</translation>
    </message>
</context>
<context>
    <name>kiq::ui::JobInspector</name>
    <message>
        <source>Copy JID</source>
        <translation>Copier le JID</translation>
    </message>
    <message>
        <source>Copy payload</source>
        <translation>Copier le payload</translation>
    </message>
    <message>
        <source>&lt;i&gt;This job is no longer in the set (retried, deleted or moved since it was listed).&lt;/i&gt;</source>
        <translation>&lt;i&gt;Cette tâche n&apos;est plus dans l&apos;ensemble (réessayée, supprimée ou déplacée depuis son affichage).&lt;/i&gt;</translation>
    </message>
    <message>
        <source>&lt;i&gt;Select a job to see it in full.&lt;/i&gt;</source>
        <translation>&lt;i&gt;Sélectionnez une tâche pour la voir en entier.&lt;/i&gt;</translation>
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
            <numerusform>%n j</numerusform>
            <numerusform>%n j</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>%1 ago</source>
        <translation>il y a %1</translation>
    </message>
    <message>
        <source>in %1</source>
        <translation>dans %1</translation>
    </message>
    <message>
        <source>This payload could not be read:</source>
        <translation>Ce payload n&apos;a pas pu être lu&#xa0;:</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>Classe</translation>
    </message>
    <message>
        <source>JID</source>
        <translation>JID</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>File d&apos;attente</translation>
    </message>
    <message>
        <source>Score time</source>
        <translation>Heure du score</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Créée</translation>
    </message>
    <message>
        <source>Enqueued</source>
        <translation>Mise en file</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Échouée</translation>
    </message>
    <message>
        <source>Retried</source>
        <translation>Réessayée</translation>
    </message>
    <message>
        <source>Retry count</source>
        <translation>Nombre de tentatives</translation>
    </message>
    <message>
        <source>Arguments</source>
        <translation>Arguments</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Erreur</translation>
    </message>
    <message>
        <source>Backtrace</source>
        <translation>Backtrace</translation>
    </message>
    <message>
        <source>Could not decode: %1</source>
        <translation>Décodage impossible&#xa0;: %1</translation>
    </message>
    <message>
        <source>Payload</source>
        <translation>Payload</translation>
    </message>
    <message>
        <source>Decoding…</source>
        <translation>Décodage…</translation>
    </message>
    <message>
        <source>Reveal</source>
        <translation>Révéler</translation>
    </message>
    <message>
        <source>Show this job&apos;s arguments as they are, without the profile&apos;s redaction rules. Recorded in the audit trail.</source>
        <translation>Afficher les arguments de cette tâche tels quels, sans les règles de masquage du profil. Consigné dans le journal d&apos;audit.</translation>
    </message>
    <message>
        <source>succeeded %1</source>
        <translation>réussi %1</translation>
    </message>
    <message>
        <source>failed %1:</source>
        <translation>échoué %1 :</translation>
    </message>
    <message>
        <source>no outcome noted on this machine yet</source>
        <translation>aucun résultat noté sur cette machine pour l&apos;instant</translation>
    </message>
    <message>
        <source>Replay of</source>
        <translation>Rejeu de</translation>
    </message>
    <message>
        <source>%1 from %2 (%3)</source>
        <translation>%1 depuis %2 (%3)</translation>
    </message>
    <message>
        <source>Original failure</source>
        <translation>Échec d&apos;origine</translation>
    </message>
    <message>
        <source>This run</source>
        <translation>Cette exécution</translation>
    </message>
    <message>
        <source>Replayed</source>
        <translation>Rejoué</translation>
    </message>
    <message>
        <source>into %1, queue %2, %3 as %4: %5</source>
        <translation>dans %1, file %2, %3 sous %4 : %5</translation>
    </message>
</context>
<context>
    <name>kiq::ui::JobPageStatus</name>
    <message numerus="yes">
        <source>%1 match(es) the filter</source>
        <translation>
            <numerusform>%1 correspond au filtre</numerusform>
            <numerusform>%1 correspondent au filtre</numerusform>
        </translation>
    </message>
    <message>
        <source> · %1 more not checked: their args are over %2 bytes or their error message over %3 bytes, longer than the index keeps (%4)</source>
        <translation> · %1 de plus non vérifiées&#xa0;: leurs arguments dépassent %2 octets ou leur message d&apos;erreur %3 octets, plus que ce que l&apos;index conserve (%4)</translation>
    </message>
</context>
<context>
    <name>kiq::ui::JobSetPage</name>
    <message>
        <source>Next retry</source>
        <translation>Prochain essai</translation>
    </message>
    <message>
        <source>Died</source>
        <translation>Morte</translation>
    </message>
    <message>
        <source>Runs at</source>
        <translation>Exécution</translation>
    </message>
    <message>
        <source>Reload</source>
        <translation>Recharger</translation>
    </message>
    <message>
        <source>Enqueue now</source>
        <translation>Mettre en file maintenant</translation>
    </message>
    <message>
        <source>Retry now</source>
        <translation>Réessayer maintenant</translation>
    </message>
    <message>
        <source>Move to queue…</source>
        <translation>Déplacer vers la file…</translation>
    </message>
    <message>
        <source>Kill</source>
        <translation>Tuer</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Supprimer</translation>
    </message>
    <message>
        <source>All matching…</source>
        <translation>Toutes les correspondantes…</translation>
    </message>
    <message>
        <source>Act on every job in the set that matches the filter, not only the selected rows</source>
        <translation>Agir sur chaque tâche de l&apos;ensemble qui correspond au filtre, pas seulement sur les lignes sélectionnées</translation>
    </message>
    <message>
        <source>%1 all in group…</source>
        <translation>%1&#xa0;: tout le groupe…</translation>
    </message>
    <message>
        <source>Focus the filter</source>
        <translation>Aller au filtre</translation>
    </message>
    <message>
        <source>Retries</source>
        <translation>Tentatives</translation>
    </message>
    <message>
        <source>Dead</source>
        <translation>Mortes</translation>
    </message>
    <message>
        <source>Scheduled</source>
        <translation>Planifiées</translation>
    </message>
    <message>
        <source>&lt;b&gt;Could not read the job:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;Impossible de lire la tâche&#xa0;:&lt;/b&gt; %1</translation>
    </message>
    <message>
        <source>%1 jobs are selected; above %2, use “All matching…” with a filter instead.</source>
        <translation>%1 tâches sont sélectionnées&#xa0;; au-delà de %2, utilisez plutôt «&#xa0;Toutes les correspondantes…&#xa0;» avec un filtre.</translation>
    </message>
    <message>
        <source>Move to queue</source>
        <translation>Déplacer vers la file</translation>
    </message>
    <message>
        <source>Queue name:</source>
        <translation>Nom de la file d&apos;attente&#xa0;:</translation>
    </message>
    <message numerus="yes">
        <source>%1 %n selected job(s) in %2?</source>
        <translation>
            <numerusform>%1&#xa0;: %n tâche sélectionnée dans %2&#xa0;?</numerusform>
            <numerusform>%1&#xa0;: %n tâches sélectionnées dans %2&#xa0;?</numerusform>
        </translation>
    </message>
    <message>
        <source>Working…</source>
        <translation>En cours…</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1 failed:&lt;/b&gt; %2</source>
        <translation>&lt;b&gt;Échec de %1&#xa0;:&lt;/b&gt; %2</translation>
    </message>
    <message>
        <source>%1: %2 done, %3 already gone, %4 skipped</source>
        <translation>%1&#xa0;: %2 faites, %3 déjà parties, %4 ignorées</translation>
    </message>
    <message>
        <source>Fix the filter first: “all matching” uses it.</source>
        <translation>Corrigez d&apos;abord le filtre&#xa0;: «&#xa0;toutes les correspondantes&#xa0;» l&apos;utilise.</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>Non connecté.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Could not read the set:&lt;/b&gt; %1 (retrying)</source>
        <translation>&lt;b&gt;Impossible de lire l&apos;ensemble&#xa0;:&lt;/b&gt; %1 (nouvel essai)</translation>
    </message>
    <message>
        <source>Reload (F5)</source>
        <translation>Recharger (F5)</translation>
    </message>
    <message>
        <source>The filter no longer names the selected failure group: select the group again.</source>
        <translation>Le filtre ne désigne plus le groupe d&apos;échecs sélectionné&#xa0;: sélectionnez à nouveau le groupe.</translation>
    </message>
    <message>
        <source>%1: %2 (%3)</source>
        <translation>%1&#xa0;: %2 (%3)</translation>
    </message>
    <message>
        <source>Failure group: %1</source>
        <translation>Groupe d&apos;échecs&#xa0;: %1</translation>
    </message>
    <message>
        <source>No filter: every job in %1.</source>
        <translation>Aucun filtre&#xa0;: toutes les tâches de %1.</translation>
    </message>
    <message>
        <source>Filter: %1</source>
        <translation>Filtre&#xa0;: %1</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Non connecté</translation>
    </message>
    <message>
        <source>Select jobs in the table first</source>
        <translation>Sélectionnez d&apos;abord des tâches dans le tableau</translation>
    </message>
    <message>
        <source>Select a failure group first</source>
        <translation>Sélectionnez d&apos;abord un groupe d&apos;échecs</translation>
    </message>
    <message>
        <source>Fix the filter first: “all matching” uses it</source>
        <translation>Corrigez d&apos;abord le filtre&#xa0;: «&#xa0;toutes les correspondantes&#xa0;» l&apos;utilise</translation>
    </message>
    <message numerus="yes">
        <source>Indexing the set… %1 of %2 job(s) read (%3%)</source>
        <translation>
            <numerusform>Indexation de l&apos;ensemble… %1 tâche lue sur %2 (%3%)</numerusform>
            <numerusform>Indexation de l&apos;ensemble… %1 tâches lues sur %2 (%3%)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Indexing the set… %1 job(s) read so far</source>
        <translation>
            <numerusform>Indexation de l&apos;ensemble… %1 tâche lue jusqu&apos;ici</numerusform>
            <numerusform>Indexation de l&apos;ensemble… %1 tâches lues jusqu&apos;ici</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 job(s) in the set</source>
        <translation>
            <numerusform>%1 tâche dans l&apos;ensemble</numerusform>
            <numerusform>%1 tâches dans l&apos;ensemble</numerusform>
        </translation>
    </message>
    <message>
        <source>Restoring…</source>
        <translation>Restauration…</translation>
    </message>
    <message>
        <source>“All matching…” checks them</source>
        <translation>«&#xa0;Toutes les correspondantes…&#xa0;» les vérifie</translation>
    </message>
    <message>
        <source>Copy as command</source>
        <translation>Copier comme commande</translation>
    </message>
    <message>
        <source>List the matching jobs</source>
        <translation>Lister les tâches correspondantes</translation>
    </message>
    <message>
        <source>Selected jobs</source>
        <translation>Tâches sélectionnées</translation>
    </message>
    <message>
        <source>All matching the filter</source>
        <translation>Toutes celles du filtre</translation>
    </message>
    <message>
        <source>Copy the kiqdesk-cli command that does an action of this page</source>
        <translation>Copier la commande kiqdesk-cli qui effectue une action de cette page</translation>
    </message>
    <message>
        <source>Select jobs in the table first.</source>
        <translation>Sélectionnez d&apos;abord des tâches dans le tableau.</translation>
    </message>
    <message>
        <source>Select the jobs to export first.</source>
        <translation>Sélectionnez d’abord les tâches à exporter.</translation>
    </message>
    <message>
        <source>Replay in…</source>
        <translation>Rejouer dans…</translation>
    </message>
    <message>
        <source>Replay group in…</source>
        <translation>Rejouer le groupe dans…</translation>
    </message>
    <message>
        <source>Copy the selected jobs into a development or staging deployment and run them there</source>
        <translation>Copier les jobs sélectionnés dans un déploiement de développement ou de préproduction et les y exécuter</translation>
    </message>
</context>
<context>
    <name>kiq::ui::MainWindow</name>
    <message>
        <source>Deployments</source>
        <translation>Déploiements</translation>
    </message>
    <message>
        <source>New connection (%1)</source>
        <translation>Nouvelle connexion (%1)</translation>
    </message>
    <message>
        <source>No connection yet.</source>
        <translation>Pas encore de connexion.</translation>
    </message>
    <message>
        <source>Add a connection…</source>
        <translation>Ajouter une connexion…</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Fichier</translation>
    </message>
    <message>
        <source>&amp;New connection…</source>
        <translation>&amp;Nouvelle connexion…</translation>
    </message>
    <message>
        <source>&amp;Edit connection…</source>
        <translation>&amp;Modifier la connexion…</translation>
    </message>
    <message>
        <source>&amp;Remove connection</source>
        <translation>&amp;Supprimer la connexion</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Quitter</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Affichage</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>&amp;Actualiser</translation>
    </message>
    <message>
        <source>&amp;Theme</source>
        <translation>&amp;Thème</translation>
    </message>
    <message>
        <source>&amp;System</source>
        <translation>&amp;Système</translation>
    </message>
    <message>
        <source>&amp;Light</source>
        <translation>&amp;Clair</translation>
    </message>
    <message>
        <source>&amp;Dark</source>
        <translation>&amp;Sombre</translation>
    </message>
    <message>
        <source>Switch to deployment %1</source>
        <translation>Passer au déploiement %1</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>Aid&amp;e</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>&amp;Raccourcis clavier</translation>
    </message>
    <message>
        <source>&amp;About Kiqdesk</source>
        <translation>À &amp;propos de Kiqdesk</translation>
    </message>
    <message>
        <source>the default user</source>
        <translation>l&apos;utilisateur par défaut</translation>
    </message>
    <message>
        <source>Connect to %1</source>
        <translation>Se connecter à %1</translation>
    </message>
    <message>
        <source>%1 on %2</source>
        <translation>%1 sur %2</translation>
    </message>
    <message>
        <source>the sentinels of %1</source>
        <translation>les sentinelles de %1</translation>
    </message>
    <message>
        <source>New connection</source>
        <translation>Nouvelle connexion</translation>
    </message>
    <message>
        <source>Edit %1</source>
        <translation>Modifier %1</translation>
    </message>
    <message>
        <source>Remove connection</source>
        <translation>Supprimer la connexion</translation>
    </message>
    <message>
        <source>Remove “%1” from Kiqdesk? The Redis server and its data are not touched.</source>
        <translation>Supprimer «&#xa0;%1&#xa0;» de Kiqdesk&#xa0;? Le serveur Redis et ses données ne sont pas touchés.</translation>
    </message>
    <message>
        <source>Ctrl+1 … Ctrl+9</source>
        <translation>Ctrl+1 … Ctrl+9</translation>
    </message>
    <message>
        <source>Switch to deployment 1 to 9</source>
        <translation>Passer au déploiement 1 à 9</translation>
    </message>
    <message>
        <source>About Kiqdesk</source>
        <translation>À propos de Kiqdesk</translation>
    </message>
    <message>
        <source>&lt;b&gt;Kiqdesk&lt;/b&gt; %1&lt;br&gt;A desktop console for Sidekiq job systems on Redis.</source>
        <translation>&lt;b&gt;Kiqdesk&lt;/b&gt; %1&lt;br&gt;Une console de bureau pour les systèmes de tâches Sidekiq sur Redis.</translation>
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
        <translation>Parc</translation>
    </message>
    <message>
        <source>Fleet overview: every deployment at a glance (%1)</source>
        <translation>Vue du parc&#xa0;: tous les déploiements d&apos;un coup d&apos;œil (%1)</translation>
    </message>
    <message>
        <source>&amp;Fleet overview</source>
        <translation>&amp;Vue du parc</translation>
    </message>
    <message>
        <source>R</source>
        <translation>R</translation>
    </message>
    <message>
        <source>Retry the selected jobs (Scheduled: enqueue now)</source>
        <translation>Réessayer les tâches sélectionnées (Planifiées&#xa0;: mettre en file maintenant)</translation>
    </message>
    <message>
        <source>Del</source>
        <translation>Del</translation>
    </message>
    <message>
        <source>Delete the selected jobs</source>
        <translation>Supprimer les tâches sélectionnées</translation>
    </message>
    <message>
        <source>Ctrl+F</source>
        <translation>Ctrl+F</translation>
    </message>
    <message>
        <source>Focus the job filter</source>
        <translation>Aller au filtre des tâches</translation>
    </message>
    <message>
        <source>Fleet overview — Kiqdesk</source>
        <translation>Vue du parc — Kiqdesk</translation>
    </message>
    <message>
        <source>Next page</source>
        <translation>Page suivante</translation>
    </message>
    <message>
        <source>Previous page</source>
        <translation>Page précédente</translation>
    </message>
    <message>
        <source>Next tab in the page</source>
        <translation>Onglet suivant de la page</translation>
    </message>
    <message>
        <source>Previous tab in the page</source>
        <translation>Onglet précédent de la page</translation>
    </message>
    <message>
        <source>There is no connection yet</source>
        <translation>Il n&apos;y a pas encore de connexion</translation>
    </message>
    <message>
        <source>Select a connection in the sidebar first</source>
        <translation>Sélectionnez d&apos;abord une connexion dans la barre latérale</translation>
    </message>
    <message>
        <source>Edit the selected connection</source>
        <translation>Modifier la connexion sélectionnée</translation>
    </message>
    <message>
        <source>Remove the selected connection from Kiqdesk</source>
        <translation>Supprimer la connexion sélectionnée de Kiqdesk</translation>
    </message>
    <message>
        <source>Tab, Shift+Tab</source>
        <translation>Tab, Shift+Tab</translation>
    </message>
    <message>
        <source>Next or previous control (a table is one stop: arrows move inside it)</source>
        <translation>Contrôle suivant ou précédent (un tableau compte pour un arrêt&#xa0;: les flèches s&apos;y déplacent)</translation>
    </message>
    <message>
        <source>M</source>
        <translation>M</translation>
    </message>
    <message>
        <source>Move the selected jobs to a queue</source>
        <translation>Déplacer les tâches sélectionnées vers une file d&apos;attente</translation>
    </message>
    <message>
        <source>K</source>
        <translation>K</translation>
    </message>
    <message>
        <source>Kill the selected jobs (Retries, Scheduled)</source>
        <translation>Tuer les tâches sélectionnées (Tentatives, Planifiées)</translation>
    </message>
    <message>
        <source>Shift+R</source>
        <translation>Shift+R</translation>
    </message>
    <message>
        <source>Retry all in the selected failure group</source>
        <translation>Réessayer tout le groupe d&apos;échecs sélectionné</translation>
    </message>
    <message>
        <source>Shift+Del</source>
        <translation>Shift+Del</translation>
    </message>
    <message>
        <source>Delete all in the selected failure group</source>
        <translation>Supprimer tout le groupe d&apos;échecs sélectionné</translation>
    </message>
    <message>
        <source>Takes effect after restart</source>
        <translation>Prise en compte au prochain démarrage</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>Langue du système</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>&amp;Langue</translation>
    </message>
    <message>
        <source>E&amp;xport profiles…</source>
        <translation>E&amp;xporter les profils…</translation>
    </message>
    <message>
        <source>&amp;Import profiles…</source>
        <translation>&amp;Importer des profils…</translation>
    </message>
    <message>
        <source>Profiles travel without their secrets: only where each comes from</source>
        <translation>Les profils voyagent sans leurs secrets&#xa0;: seule l&apos;origine de chacun est gardée</translation>
    </message>
    <message>
        <source>Export profiles</source>
        <translation>Exporter les profils</translation>
    </message>
    <message>
        <source>Kiqdesk profiles (*.json)</source>
        <translation>Profils Kiqdesk (*.json)</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n profile(s) to %1</source>
        <translation>
            <numerusform>%n profil exporté vers %1</numerusform>
            <numerusform>%n profils exportés vers %1</numerusform>
        </translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>Impossible d&apos;écrire %1&#xa0;: %2</translation>
    </message>
    <message>
        <source>Import profiles</source>
        <translation>Importer des profils</translation>
    </message>
    <message>
        <source>Kiqdesk profiles (*.json);;All files (*)</source>
        <translation>Profils Kiqdesk (*.json);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>Could not import %1: %2</source>
        <translation>Impossible d&apos;importer %1&#xa0;: %2</translation>
    </message>
    <message>
        <source>New: %1</source>
        <translation>Nouveau&#xa0;: %1</translation>
    </message>
    <message>
        <source>Replaced: %1 (%2)</source>
        <translation>Remplacé&#xa0;: %1 (%2)</translation>
    </message>
    <message>
        <source>Unchanged: %1</source>
        <translation>Inchangé&#xa0;: %1</translation>
    </message>
    <message>
        <source>Every profile in %1 is saved already.</source>
        <translation>Tous les profils de %1 sont déjà enregistrés.</translation>
    </message>
    <message numerus="yes">
        <source>Import %n profile(s) from %1?</source>
        <translation>
            <numerusform>Importer %n profil depuis %1&#xa0;?</numerusform>
            <numerusform>Importer %n profils depuis %1&#xa0;?</numerusform>
        </translation>
    </message>
    <message>
        <source>Import</source>
        <translation>Importer</translation>
    </message>
    <message>
        <source>&amp;Diagnose connection…</source>
        <translation>&amp;Diagnostiquer la connexion…</translation>
    </message>
    <message>
        <source>Take the selected connection apart step by step: DNS, TCP, TLS, certificates, AUTH, permissions</source>
        <translation>Examiner la connexion sélectionnée étape par étape&#xa0;: DNS, TCP, TLS, certificats, AUTH, permissions</translation>
    </message>
    <message>
        <source>&amp;Command palette…</source>
        <translation>Palette de &amp;commandes…</translation>
    </message>
    <message>
        <source>Deployment: %1</source>
        <translation>Déploiement&#xa0;: %1</translation>
    </message>
    <message>
        <source>Page: %1</source>
        <translation>Page&#xa0;: %1</translation>
    </message>
    <message>
        <source>Find in &amp;all deployments…</source>
        <translation>Rechercher dans &amp;tous les déploiements…</translation>
    </message>
    <message>
        <source>Incident &amp;snapshot…</source>
        <translation>&amp;Instantané d’incident…</translation>
    </message>
    <message>
        <source>Last 15 minutes</source>
        <translation>15 dernières minutes</translation>
    </message>
    <message>
        <source>Last hour</source>
        <translation>Dernière heure</translation>
    </message>
    <message>
        <source>Last 6 hours</source>
        <translation>6 dernières heures</translation>
    </message>
    <message>
        <source>Last 24 hours</source>
        <translation>24 dernières heures</translation>
    </message>
    <message>
        <source>Incident snapshot</source>
        <translation>Instantané d’incident</translation>
    </message>
    <message>
        <source>Counters, failures, slow log and audit entries of:</source>
        <translation>Compteurs, échecs, slow log et entrées d’audit de :</translation>
    </message>
    <message>
        <source>Save incident snapshot</source>
        <translation>Enregistrer l’instantané d’incident</translation>
    </message>
    <message>
        <source>Compressed archives (*.tar.gz)</source>
        <translation>Archives compressées (*.tar.gz)</translation>
    </message>
    <message>
        <source>Taking the incident snapshot of %1…</source>
        <translation>Prise de l’instantané d’incident de %1…</translation>
    </message>
    <message>
        <source>The incident snapshot was not written: %1</source>
        <translation>L’instantané d’incident n’a pas été écrit : %1</translation>
    </message>
    <message>
        <source>Incident snapshot written to %1</source>
        <translation>Instantané d’incident écrit dans %1</translation>
    </message>
    <message>
        <source>Incident snapshot written to %1, without: %2</source>
        <translation>Instantané d’incident écrit dans %1, sans : %2</translation>
    </message>
    <message>
        <source>Counters, charts, failure groups, processes, INFO, slow log, clients, audit entries and health checks of the selected connection, redacted, in one .tar.gz</source>
        <translation>Compteurs, graphiques, groupes d’échecs, processus, INFO, slow log, clients, entrées d’audit et contrôles de santé de la connexion choisie, masqués, dans un .tar.gz</translation>
    </message>
    <message>
        <source>Acknowledge</source>
        <translation>Acquitter</translation>
    </message>
    <message>
        <source>Snooze 1 hour</source>
        <translation>Suspendre 1 heure</translation>
    </message>
    <message>
        <source>Alert webhook failed: %1</source>
        <translation>Échec du webhook d’alertes&#xa0;: %1</translation>
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
        <translation>Durée d&apos;exécution moyenne des tâches réussies</translation>
    </message>
    <message>
        <source>Job class</source>
        <translation>Classe de tâche</translation>
    </message>
    <message>
        <source>Processed</source>
        <translation>Traitées</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Échouées</translation>
    </message>
    <message>
        <source>Failure rate</source>
        <translation>Taux d&apos;échec</translation>
    </message>
    <message>
        <source>Mean time</source>
        <translation>Durée moyenne</translation>
    </message>
    <message>
        <source>Total time</source>
        <translation>Durée totale</translation>
    </message>
</context>
<context>
    <name>kiq::ui::MetricsPage</name>
    <message>
        <source>Executions</source>
        <translation>Exécutions</translation>
    </message>
    <message numerus="yes">
        <source>Last %n hour(s)</source>
        <translation>
            <numerusform>%n dernière heure</numerusform>
            <numerusform>%n dernières heures</numerusform>
        </translation>
    </message>
    <message>
        <source>Filter by job class</source>
        <translation>Filtrer par classe de tâche</translation>
    </message>
    <message>
        <source>Processed</source>
        <translation>Traitées</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Échouées</translation>
    </message>
    <message>
        <source>Mean time</source>
        <translation>Durée moyenne</translation>
    </message>
    <message>
        <source>Jobs</source>
        <translation>Tâches</translation>
    </message>
    <message>
        <source>&amp;Period:</source>
        <translation>&amp;Période :</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>Non connecté.</translation>
    </message>
    <message>
        <source>Metrics</source>
        <translation>Métriques</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Chargement…</translation>
    </message>
    <message>
        <source>No job metrics in this period. Sidekiq writes them from version 7.0 on, for jobs that ran; no Sidekiq process is running here.</source>
        <translation>Aucune métrique de tâche sur cette période. Sidekiq les écrit à partir de la version 7.0, pour les tâches exécutées ; aucun processus Sidekiq ne tourne ici.</translation>
    </message>
    <message>
        <source>No job metrics in this period. Sidekiq writes them from version 7.0 on, for jobs that ran; the processes here run Sidekiq %1.</source>
        <translation>Aucune métrique de tâche sur cette période. Sidekiq les écrit à partir de la version 7.0, pour les tâches exécutées ; les processus d&apos;ici exécutent Sidekiq %1.</translation>
    </message>
    <message numerus="yes">
        <source>Sidekiq %1 metrics, %2 to %3, in %n-minute buckets.</source>
        <translation>
            <numerusform>Métriques Sidekiq %1, de %2 à %3, par tranches de %n minute.</numerusform>
            <numerusform>Métriques Sidekiq %1, de %2 à %3, par tranches de %n minutes.</numerusform>
        </translation>
    </message>
    <message>
        <source>Sidekiq 7 keeps metrics for 8 hours: showing those.</source>
        <translation>Sidekiq 7 conserve les métriques 8 heures : ce sont elles qui sont affichées.</translation>
    </message>
    <message numerus="yes">
        <source>%n deploy(s) marked.</source>
        <translation>
            <numerusform>%n mise en production marquée.</numerusform>
            <numerusform>%n mises en production marquées.</numerusform>
        </translation>
    </message>
    <message>
        <source>Executions of %1</source>
        <translation>Exécutions de %1</translation>
    </message>
    <message>
        <source>Sidekiq keeps execution-time histograms for 8 hours: choose 8 hours or less</source>
        <translation>Sidekiq conserve les histogrammes de durée d&apos;exécution 8 heures : choisissez 8 heures ou moins</translation>
    </message>
    <message>
        <source>Execution times: %1</source>
        <translation>Durées d&apos;exécution : %1</translation>
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
        <translation>Traitées</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Échouées</translation>
    </message>
    <message>
        <source>Enqueued</source>
        <translation>En attente</translation>
    </message>
    <message>
        <source>Scheduled</source>
        <translation>Planifiées</translation>
    </message>
    <message>
        <source>Retries</source>
        <translation>Tentatives</translation>
    </message>
    <message>
        <source>Dead</source>
        <translation>Mortes</translation>
    </message>
    <message>
        <source>Processes</source>
        <translation>Processus</translation>
    </message>
    <message>
        <source>Busy</source>
        <translation>En cours</translation>
    </message>
    <message>
        <source>Default queue latency</source>
        <translation>Latence (default)</translation>
    </message>
    <message>
        <source>Throughput</source>
        <translation>Débit</translation>
    </message>
    <message>
        <source>Enqueued and busy</source>
        <translation>En attente et en cours</translation>
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
        <translation>Fréquence de rechargement de la page tant qu&apos;elle est visible</translation>
    </message>
    <message>
        <source>Last 10 minutes</source>
        <translation>10 dernières minutes</translation>
    </message>
    <message>
        <source>Last hour</source>
        <translation>Dernière heure</translation>
    </message>
    <message>
        <source>Last 6 hours</source>
        <translation>6 dernières heures</translation>
    </message>
    <message>
        <source>Last 24 hours</source>
        <translation>Dernières 24 heures</translation>
    </message>
    <message>
        <source>Processed/s</source>
        <translation>Traitées/s</translation>
    </message>
    <message>
        <source>Failed/s</source>
        <translation>Échouées/s</translation>
    </message>
    <message>
        <source>jobs/s</source>
        <translation>tâches/s</translation>
    </message>
    <message>
        <source>enqueued</source>
        <translation>en attente</translation>
    </message>
    <message>
        <source>busy</source>
        <translation>en cours</translation>
    </message>
    <message>
        <source>Memory (MiB)</source>
        <translation>Mémoire (MiB)</translation>
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
        <translation>Actualiser toutes les</translation>
    </message>
    <message>
        <source>Overview</source>
        <translation>Vue d&apos;ensemble</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>Non connecté.</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Chargement…</translation>
    </message>
    <message>
        <source>%1/s</source>
        <translation>%1/s</translation>
    </message>
    <message numerus="yes">
        <source>%n queue(s)</source>
        <translation>
            <numerusform>%n file d&apos;attente</numerusform>
            <numerusform>%n files d&apos;attente</numerusform>
        </translation>
    </message>
    <message>
        <source>Updated at %1</source>
        <translation>Mis à jour à %1</translation>
    </message>
    <message>
        <source>empty</source>
        <translation>vide</translation>
    </message>
    <message>
        <source>%1 · Redis memory and commands/s: %2</source>
        <translation>%1 · Mémoire Redis et commandes/s&#xa0;: %2</translation>
    </message>
</context>
<context>
    <name>kiq::ui::PasswordPrompt</name>
    <message>
        <source>Password for %1:</source>
        <translation>Mot de passe pour %1&#xa0;:</translation>
    </message>
    <message>
        <source>Passphrase of the client key %1:</source>
        <translation>Phrase secrète de la clé client %1&#xa0;:</translation>
    </message>
    <message>
        <source>Webhook URL for the alerts of %1:</source>
        <translation>URL du webhook pour les alertes de %1&#xa0;:</translation>
    </message>
</context>
<context>
    <name>kiq::ui::PathField</name>
    <message>
        <source>Browse…</source>
        <translation>Parcourir…</translation>
    </message>
    <message>
        <source>PEM files (*.pem *.crt *.cer *.key);;All files (*)</source>
        <translation>Fichiers PEM (*.pem *.crt *.cer *.key);;Tous les fichiers (*)</translation>
    </message>
</context>
<context>
    <name>kiq::ui::ProcessListModel</name>
    <message>
        <source>%1 (quiet)</source>
        <translation>%1 (au repos)</translation>
    </message>
    <message>
        <source>no heartbeat</source>
        <translation>pas de heartbeat</translation>
    </message>
    <message numerus="yes">
        <source>%n s ago</source>
        <translation>
            <numerusform>il y a %n s</numerusform>
            <numerusform>il y a %n s</numerusform>
        </translation>
    </message>
    <message>
        <source>No heartbeat for a minute: the process may have crashed.</source>
        <translation>Pas de heartbeat depuis une minute&#xa0;: le processus a peut-être planté.</translation>
    </message>
    <message>
        <source>Process</source>
        <translation>Processus</translation>
    </message>
    <message>
        <source>Tag</source>
        <translation>Étiquette</translation>
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
        <translation>En cours</translation>
    </message>
    <message>
        <source>Queues</source>
        <translation>Files d&apos;attente</translation>
    </message>
    <message>
        <source>RSS</source>
        <translation>RSS</translation>
    </message>
    <message>
        <source>Last beat</source>
        <translation>Dernier heartbeat</translation>
    </message>
    <message numerus="yes">
        <source>Capsule %1: %n thread(s), %2: %3</source>
        <translation>
            <numerusform>Capsule %1 : %n thread, %2 : %3</numerusform>
            <numerusform>Capsule %1 : %n threads, %2 : %3</numerusform>
        </translation>
    </message>
    <message>
        <source>Sidekiq reports its version from 7.0.2 on: this is 6.x, or 7.0.0 or 7.0.1</source>
        <translation>Sidekiq indique sa version à partir de 7.0.2 : il s&apos;agit de 6.x, 7.0.0 ou 7.0.1</translation>
    </message>
</context>
<context>
    <name>kiq::ui::ProfileListModel</name>
    <message>
        <source>Sidekiq deletes a profile a day after the job ran.</source>
        <translation>Sidekiq supprime un profil un jour après l&apos;exécution de la tâche.</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>Tâche</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Démarrée</translation>
    </message>
    <message>
        <source>Elapsed</source>
        <translation>Durée</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Taille</translation>
    </message>
    <message>
        <source>Expires in</source>
        <translation>Expire dans</translation>
    </message>
    <message>
        <source>JID</source>
        <translation>JID</translation>
    </message>
    <message>
        <source>Token</source>
        <translation>Jeton</translation>
    </message>
</context>
<context>
    <name>kiq::ui::ProfilesPage</name>
    <message>
        <source>&amp;Save profile…</source>
        <translation>&amp;Enregistrer le profil…</translation>
    </message>
    <message>
        <source>Save profile…</source>
        <translation>Enregistrer le profil…</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>Non connecté.</translation>
    </message>
    <message>
        <source>Profiles</source>
        <translation>Profils</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Chargement…</translation>
    </message>
    <message>
        <source>No job profiles. Sidekiq 8 profiles a job pushed with &quot;profile&quot; set and keeps the profile for a day.</source>
        <translation>Aucun profil de tâche. Sidekiq 8 profile une tâche poussée avec &quot;profile&quot; et garde le profil un jour.</translation>
    </message>
    <message numerus="yes">
        <source>%1 profile(s), newest first.</source>
        <translation>
            <numerusform>%1 profil, le plus récent en premier.</numerusform>
            <numerusform>%1 profils, les plus récents en premier.</numerusform>
        </translation>
    </message>
    <message>
        <source>Only the newest %1 are listed.</source>
        <translation>Seuls les %1 plus récents sont listés.</translation>
    </message>
    <message numerus="yes">
        <source>%1 expired profile(s) not shown (Sidekiq removes them; this page does not write).</source>
        <translation>
            <numerusform>%1 profil expiré non affiché (Sidekiq le supprime ; cette page n&apos;écrit rien).</numerusform>
            <numerusform>%1 profils expirés non affichés (Sidekiq les supprime ; cette page n&apos;écrit rien).</numerusform>
        </translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Non connecté</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Enregistrement…</translation>
    </message>
    <message>
        <source>Select a profile first</source>
        <translation>Sélectionnez d&apos;abord un profil</translation>
    </message>
    <message>
        <source>Write the profile to a file for the Firefox Profiler; nothing is uploaded</source>
        <translation>Écrire le profil dans un fichier pour le Firefox Profiler ; rien n&apos;est envoyé</translation>
    </message>
    <message>
        <source>Save profile</source>
        <translation>Enregistrer le profil</translation>
    </message>
    <message>
        <source>Firefox Profiler files (*.json.gz)</source>
        <translation>Fichiers Firefox Profiler (*.json.gz)</translation>
    </message>
    <message>
        <source>Saving the profile of %1…</source>
        <translation>Enregistrement du profil de %1…</translation>
    </message>
    <message>
        <source>The profile could not be read:</source>
        <translation>Le profil n&apos;a pas pu être lu :</translation>
    </message>
    <message>
        <source>it is no longer in Redis (Sidekiq keeps profiles for a day).</source>
        <translation>il n&apos;est plus dans Redis (Sidekiq garde les profils un jour).</translation>
    </message>
    <message>
        <source>The profile could not be saved to %1:</source>
        <translation>Le profil n&apos;a pas pu être enregistré dans %1 :</translation>
    </message>
    <message>
        <source>Saved %1 (%2). Open it in the Firefox Profiler (Load a profile from file); nothing was uploaded.</source>
        <translation>%1 enregistré (%2). Ouvrez-le dans le Firefox Profiler (Load a profile from file) ; rien n&apos;a été envoyé.</translation>
    </message>
</context>
<context>
    <name>kiq::ui::QueueLatencyChart</name>
    <message>
        <source>Latency (s)</source>
        <translation>Latence (s)</translation>
    </message>
    <message>
        <source>Top %1 queues by latency</source>
        <translation>Les %1 files d&apos;attente à la plus forte latence</translation>
    </message>
    <message>
        <source>%1: empty</source>
        <translation>%1&#xa0;: vide</translation>
    </message>
    <message>
        <source>%1: %2 · %3 waiting</source>
        <translation>%1&#xa0;: %2 · %3 en attente</translation>
    </message>
    <message>
        <source>%1: latency %2, %3 waiting</source>
        <translation>%1&#xa0;: latence %2, %3 en attente</translation>
    </message>
</context>
<context>
    <name>kiq::ui::QueueListModel</name>
    <message>
        <source>%1 (unreadable)</source>
        <translation>%1 (illisible)</translation>
    </message>
    <message>
        <source>%1 (paused)</source>
        <translation>%1 (en pause)</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>File d&apos;attente</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Taille</translation>
    </message>
    <message>
        <source>Latency</source>
        <translation>Latence</translation>
    </message>
    <message>
        <source>empty</source>
        <translation>vide</translation>
    </message>
    <message>
        <source>Forecast</source>
        <translation>Prévision</translation>
    </message>
</context>
<context>
    <name>kiq::ui::QueuesPage</name>
    <message>
        <source>Enqueued</source>
        <translation>En attente</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Supprimer</translation>
    </message>
    <message>
        <source>Move to queue…</source>
        <translation>Déplacer vers la file…</translation>
    </message>
    <message>
        <source>Pause queue</source>
        <translation>Suspendre la file</translation>
    </message>
    <message>
        <source>Clear queue…</source>
        <translation>Vider la file…</translation>
    </message>
    <message>
        <source>Reload</source>
        <translation>Recharger</translation>
    </message>
    <message>
        <source>Paused queues are not fetched by Kiqdesk&apos;s local pool (nor by Sidekiq Pro or Sidekiq 8.1+)</source>
        <translation>Les files en pause ne sont pas traitées par le pool local de Kiqdesk (ni par Sidekiq Pro ou Sidekiq 8.1+)</translation>
    </message>
    <message>
        <source>Focus the filter</source>
        <translation>Aller au filtre</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>Non connecté.</translation>
    </message>
    <message>
        <source>Queues</source>
        <translation>Files d&apos;attente</translation>
    </message>
    <message numerus="yes">
        <source>%n queue(s). Select one to see its jobs.</source>
        <translation>
            <numerusform>%n file d&apos;attente. Sélectionnez-en une pour voir ses tâches.</numerusform>
            <numerusform>%n files d&apos;attente. Sélectionnez-en une pour voir ses tâches.</numerusform>
        </translation>
    </message>
    <message>
        <source>Loading %1…</source>
        <translation>Chargement de %1…</translation>
    </message>
    <message numerus="yes">
        <source>Delete %n selected job(s) from %1?</source>
        <translation>
            <numerusform>Supprimer %n tâche sélectionnée de %1&#xa0;?</numerusform>
            <numerusform>Supprimer %n tâches sélectionnées de %1&#xa0;?</numerusform>
        </translation>
    </message>
    <message>
        <source>Move to queue</source>
        <translation>Déplacer vers la file</translation>
    </message>
    <message numerus="yes">
        <source>Move %n selected job(s) from %1 to:</source>
        <translation>
            <numerusform>Déplacer %n tâche sélectionnée de %1 vers&#xa0;:</numerusform>
            <numerusform>Déplacer %n tâches sélectionnées de %1 vers&#xa0;:</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n had already been taken by a worker.</source>
        <translation>
            <numerusform>%n avait déjà été prise par un worker.</numerusform>
            <numerusform>%n avaient déjà été prises par un worker.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n could not be parsed and stayed.</source>
        <translation>
            <numerusform>%n n&apos;a pas pu être analysée et est restée.</numerusform>
            <numerusform>%n n&apos;ont pas pu être analysées et sont restées.</numerusform>
        </translation>
    </message>
    <message>
        <source>Move failed:</source>
        <translation>Échec du déplacement&#xa0;:</translation>
    </message>
    <message>
        <source>Resume queue</source>
        <translation>Reprendre la file</translation>
    </message>
    <message>
        <source>%1 is paused: Kiqdesk&apos;s pool no longer fetches from it.</source>
        <translation>%1 est en pause&#xa0;: le pool de Kiqdesk n&apos;y récupère plus de tâches.</translation>
    </message>
    <message>
        <source>%1 is resumed.</source>
        <translation>%1 est reprise.</translation>
    </message>
    <message>
        <source>Pause failed:</source>
        <translation>Échec de la mise en pause&#xa0;:</translation>
    </message>
    <message>
        <source>Resume failed:</source>
        <translation>Échec de la reprise&#xa0;:</translation>
    </message>
    <message>
        <source>Clear queue</source>
        <translation>Vider la file</translation>
    </message>
    <message numerus="yes">
        <source>%1: %2 job(s)</source>
        <translation>
            <numerusform>%1&#xa0;: %2 tâche</numerusform>
            <numerusform>%1&#xa0;: %2 tâches</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Deleted %1 of %2 job(s) (the others were already taken by a worker).</source>
        <translation>
            <numerusform>%1 tâche supprimée sur %2 (les autres avaient déjà été prises par un worker).</numerusform>
            <numerusform>%1 tâches supprimées sur %2 (les autres avaient déjà été prises par un worker).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Moved %1 of %2 job(s) to %3.</source>
        <translation>
            <numerusform>%1 tâche déplacée sur %2 vers %3.</numerusform>
            <numerusform>%1 tâches déplacées sur %2 vers %3.</numerusform>
        </translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Non connecté</translation>
    </message>
    <message>
        <source>Select a queue first</source>
        <translation>Sélectionnez d&apos;abord une file d&apos;attente</translation>
    </message>
    <message>
        <source>Select jobs in the table first</source>
        <translation>Sélectionnez d&apos;abord des tâches dans le tableau</translation>
    </message>
    <message>
        <source>Delete every job in this queue</source>
        <translation>Supprimer toutes les tâches de cette file</translation>
    </message>
    <message>
        <source>Delete the selected jobs</source>
        <translation>Supprimer les tâches sélectionnées</translation>
    </message>
    <message>
        <source>Move the selected jobs to another queue</source>
        <translation>Déplacer les tâches sélectionnées vers une autre file</translation>
    </message>
    <message>
        <source>&lt;b&gt;Could not read the job:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;Impossible de lire la tâche&#xa0;:&lt;/b&gt; %1</translation>
    </message>
    <message>
        <source>%1 jobs are selected; at most %2 can be acted on at once.</source>
        <translation>%1 tâches sont sélectionnées&#xa0;; au plus %2 peuvent être traitées à la fois.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Delete failed:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;Échec de la suppression&#xa0;:&lt;/b&gt; %1</translation>
    </message>
    <message>
        <source>&lt;b&gt;Could not read %1:&lt;/b&gt; %2 (retrying)</source>
        <translation>&lt;b&gt;Impossible de lire %1&#xa0;:&lt;/b&gt; %2 (nouvel essai)</translation>
    </message>
    <message numerus="yes">
        <source>Indexing %1… %2 of %3 job(s) read (%4%)</source>
        <translation>
            <numerusform>Indexation de %1… %2 tâche lue sur %3 (%4%)</numerusform>
            <numerusform>Indexation de %1… %2 tâches lues sur %3 (%4%)</numerusform>
        </translation>
    </message>
    <message>
        <source>they are not listed</source>
        <translation>elles ne sont pas listées</translation>
    </message>
    <message>
        <source>Copy as command</source>
        <translation>Copier comme commande</translation>
    </message>
    <message>
        <source>List the matching jobs</source>
        <translation>Lister les tâches correspondantes</translation>
    </message>
    <message>
        <source>Move the selected jobs…</source>
        <translation>Déplacer les tâches sélectionnées…</translation>
    </message>
    <message>
        <source>Pause or resume the queue</source>
        <translation>Suspendre ou reprendre la file d&apos;attente</translation>
    </message>
    <message>
        <source>Clear the queue</source>
        <translation>Vider la file d&apos;attente</translation>
    </message>
    <message numerus="yes">
        <source>Delete all %1 job(s) in %2? Undo history can put them back.</source>
        <translation>
            <numerusform>Supprimer la tâche %1 de %2&#xa0;? L&apos;historique des annulations peut la remettre.</numerusform>
            <numerusform>Supprimer les %1 tâches de %2&#xa0;? L&apos;historique des annulations peut les remettre.</numerusform>
        </translation>
    </message>
    <message>
        <source>&lt;b&gt;Clear failed:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;Échec du vidage&#xa0;:&lt;/b&gt; %1</translation>
    </message>
    <message numerus="yes">
        <source>%1 is cleared: %n job(s) deleted.</source>
        <translation>
            <numerusform>%1 est vidée&#xa0;: %n tâche supprimée.</numerusform>
            <numerusform>%1 est vidée&#xa0;: %n tâches supprimées.</numerusform>
        </translation>
    </message>
    <message>
        <source>Restoring…</source>
        <translation>Restauration…</translation>
    </message>
    <message>
        <source>Select a queue first.</source>
        <translation>Sélectionnez d&apos;abord une file d&apos;attente.</translation>
    </message>
    <message>
        <source>Fix the filter first.</source>
        <translation>Corrigez d&apos;abord le filtre.</translation>
    </message>
    <message>
        <source>Select jobs in the table first.</source>
        <translation>Sélectionnez d&apos;abord des tâches dans le tableau.</translation>
    </message>
    <message>
        <source>Queue name:</source>
        <translation>Nom de la file d&apos;attente&#xa0;:</translation>
    </message>
    <message>
        <source>Select the jobs to export first.</source>
        <translation>Sélectionnez d’abord les tâches à exporter.</translation>
    </message>
    <message>
        <source>Open the queue to import into first.</source>
        <translation>Ouvrez d’abord la file d’attente dans laquelle importer.</translation>
    </message>
</context>
<context>
    <name>kiq::ui::RedactionBox</name>
    <message>
        <source>Hide secrets in job arguments</source>
        <translation>Masquer les secrets dans les arguments des tâches</translation>
    </message>
    <message>
        <source>Values that look like secrets: tokens (JWT), private keys, card numbers, AWS keys</source>
        <translation>Valeurs qui ressemblent à des secrets&#xa0;: jetons (JWT), clés privées, numéros de carte, clés AWS</translation>
    </message>
    <message>
        <source>E-mail addresses</source>
        <translation>Adresses e-mail</translation>
    </message>
    <message>
        <source>A value whose key is one of these is hidden, whatever it holds. Keys are compared by words: &quot;token&quot; also hides access_token and refreshToken.</source>
        <translation>Une valeur dont la clé figure dans cette liste est masquée, quel que soit son contenu. Les clés sont comparées par mots&#xa0;: «&#xa0;token&#xa0;» masque aussi access_token et refreshToken.</translation>
    </message>
    <message>
        <source>e.g. args[1], args[*].iban</source>
        <translation>p. ex. args[1], args[*].iban</translation>
    </message>
    <message>
        <source>Positional arguments have no key: args[1] hides the second argument of every job.</source>
        <translation>Les arguments positionnels n&apos;ont pas de clé&#xa0;: args[1] masque le deuxième argument de chaque tâche.</translation>
    </message>
    <message>
        <source>Key names:</source>
        <translation>Noms de clés&#xa0;:</translation>
    </message>
    <message>
        <source>Paths:</source>
        <translation>Chemins&#xa0;:</translation>
    </message>
    <message>
        <source>Paths: %1</source>
        <translation>Chemins&#xa0;: %1</translation>
    </message>
</context>
<context>
    <name>kiq::ui::RedisPage</name>
    <message>
        <source>Redis version</source>
        <translation>Version de Redis</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rôle</translation>
    </message>
    <message>
        <source>Uptime</source>
        <translation>Durée de fonctionnement</translation>
    </message>
    <message>
        <source>Memory used</source>
        <translation>Mémoire utilisée</translation>
    </message>
    <message>
        <source>Connected clients</source>
        <translation>Clients connectés</translation>
    </message>
    <message>
        <source>Operations per second</source>
        <translation>Opérations par seconde</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>Clés</translation>
    </message>
    <message>
        <source>Eviction policy</source>
        <translation>Politique d&apos;éviction</translation>
    </message>
    <message>
        <source>Slow log</source>
        <translation>Slow log</translation>
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
        <translation>Non connecté.</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Chargement…</translation>
    </message>
    <message>
        <source>%1 mode</source>
        <translation>mode %1</translation>
    </message>
    <message>
        <source>replicas: %1</source>
        <translation>répliques&#xa0;: %1</translation>
    </message>
    <message>
        <source>since %1</source>
        <translation>depuis %1</translation>
    </message>
    <message>
        <source>no limit</source>
        <translation>sans limite</translation>
    </message>
    <message>
        <source>of %1</source>
        <translation>sur %1</translation>
    </message>
    <message>
        <source>%1 blocked</source>
        <translation>%1 bloqués</translation>
    </message>
    <message>
        <source>%1 since start</source>
        <translation>%1 depuis le démarrage</translation>
    </message>
    <message>
        <source>Sidekiq needs noeviction</source>
        <translation>Sidekiq a besoin de noeviction</translation>
    </message>
    <message>
        <source>db%1: %2</source>
        <translation>db%1&#xa0;: %2</translation>
    </message>
    <message>
        <source>No slow commands logged.</source>
        <translation>Aucune commande lente enregistrée.</translation>
    </message>
    <message>
        <source>Updated at %1 · round trip %2</source>
        <translation>Mis à jour à %1 · aller-retour %2</translation>
    </message>
    <message numerus="yes">
        <source>%1 key(s) evicted</source>
        <translation>
            <numerusform>%1 clé évincée</numerusform>
            <numerusform>%1 clés évincées</numerusform>
        </translation>
    </message>
    <message>
        <source>The slow log is not available:</source>
        <translation>Le slow log n&apos;est pas disponible&#xa0;:</translation>
    </message>
    <message>
        <source>The client list is not available:</source>
        <translation>La liste des clients n&apos;est pas disponible&#xa0;:</translation>
    </message>
    <message>
        <source>Server details are not available:</source>
        <translation>Les détails du serveur ne sont pas disponibles&#xa0;:</translation>
    </message>
    <message numerus="yes">
        <source>%1 connection(s)</source>
        <translation>
            <numerusform>%1 connexion</numerusform>
            <numerusform>%1 connexions</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>from %1 host(s)</source>
        <translation>
            <numerusform>depuis %1 hôte</numerusform>
            <numerusform>depuis %1 hôtes</numerusform>
        </translation>
    </message>
    <message>
        <source>Sidekiq %1: %2</source>
        <translation>Sidekiq %1 : %2</translation>
    </message>
    <message>
        <source>not identified: %1</source>
        <translation>non identifiés : %1</translation>
    </message>
    <message>
        <source>By host and client</source>
        <translation>Par hôte et client</translation>
    </message>
    <message>
        <source>Connections</source>
        <translation>Connexions</translation>
    </message>
</context>
<context>
    <name>kiq::ui::ReplayDialog</name>
    <message>
        <source>Replay</source>
        <translation>Rejouer</translation>
    </message>
    <message>
        <source>Replay in another deployment</source>
        <translation>Rejouer dans un autre déploiement</translation>
    </message>
    <message>
        <source>each job&apos;s own queue</source>
        <translation>la file propre à chaque job</translation>
    </message>
    <message>
        <source>Copies of the jobs go to a development or staging deployment, redacted by the rules of %1, with new JIDs, no retry history and a link back (replayed_from). They run once there. %1 is only read.</source>
        <translation>Des copies des jobs vont dans un déploiement de développement ou de préproduction, masquées selon les règles de %1, avec de nouveaux JID, sans historique de tentatives et avec un lien vers l&apos;original (replayed_from). Elles s&apos;y exécutent une fois. %1 est seulement lu.</translation>
    </message>
    <message>
        <source>Target:</source>
        <translation>Cible :</translation>
    </message>
    <message>
        <source>Queue:</source>
        <translation>File :</translation>
    </message>
    <message>
        <source>Arguments (JSON):</source>
        <translation>Arguments (JSON) :</translation>
    </message>
    <message>
        <source>Changes against the original:</source>
        <translation>Modifications par rapport à l&apos;original :</translation>
    </message>
    <message numerus="yes">
        <source>Reading %1 job(s) from %2…</source>
        <translation>
            <numerusform>Lecture de %1 job depuis %2…</numerusform>
            <numerusform>Lecture de %1 jobs depuis %2…</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 is not connected.</source>
        <translation>%1 n&apos;est pas connecté.</translation>
    </message>
    <message>
        <source>Could not read the jobs: %1</source>
        <translation>Impossible de lire les jobs : %1</translation>
    </message>
    <message>
        <source>The selected jobs have all left %1 since they were listed.</source>
        <translation>Les jobs sélectionnés ont tous quitté %1 depuis leur affichage.</translation>
    </message>
    <message numerus="yes">
        <source>%1 of the selected job(s) left the set since they were listed; the others are here.</source>
        <translation>
            <numerusform>%1 des jobs sélectionnés a quitté l&apos;ensemble depuis son affichage ; les autres sont là.</numerusform>
            <numerusform>%1 des jobs sélectionnés ont quitté l&apos;ensemble depuis leur affichage ; les autres sont là.</numerusform>
        </translation>
    </message>
    <message>
        <source>Type %1 to confirm:</source>
        <translation>Tapez %1 pour confirmer :</translation>
    </message>
    <message>
        <source>As on the source, redacted: masked values stay masked unless you replace them.</source>
        <translation>Comme à la source, masqués : les valeurs masquées le restent tant que vous ne les remplacez pas.</translation>
    </message>
    <message>
        <source>These arguments replace those of all %1 copies.</source>
        <translation>Ces arguments remplacent ceux des %1 copies.</translation>
    </message>
    <message>
        <source>Edited: the copy gets these arguments.</source>
        <translation>Modifié : la copie reçoit ces arguments.</translation>
    </message>
    <message>
        <source>&lt;i&gt;No changes.&lt;/i&gt;</source>
        <translation>&lt;i&gt;Aucune modification.&lt;/i&gt;</translation>
    </message>
    <message>
        <source>The first of %1 copies, as it will be written (JID and times are made anew at Replay):</source>
        <translation>La première des %1 copies, telle qu&apos;elle sera écrite (JID et horodatages sont recréés au moment de rejouer) :</translation>
    </message>
    <message>
        <source>The copy, as it will be written (JID and times are made anew at Replay):</source>
        <translation>La copie, telle qu&apos;elle sera écrite (JID et horodatages sont recréés au moment de rejouer) :</translation>
    </message>
    <message>
        <source>The copy, as it will be written:</source>
        <translation>La copie, telle qu&apos;elle sera écrite :</translation>
    </message>
    <message>
        <source>No deployment tagged development or staging: add one, or start the local sandbox.</source>
        <translation>Aucun déploiement étiqueté développement ou préproduction : ajoutez-en un, ou démarrez le bac à sable local.</translation>
    </message>
    <message>
        <source>Reading the jobs…</source>
        <translation>Lecture des jobs…</translation>
    </message>
    <message>
        <source>Nothing to replay.</source>
        <translation>Rien à rejouer.</translation>
    </message>
    <message>
        <source>Fix the arguments first.</source>
        <translation>Corrigez d&apos;abord les arguments.</translation>
    </message>
    <message>
        <source>Type the number of jobs to confirm.</source>
        <translation>Tapez le nombre de jobs pour confirmer.</translation>
    </message>
    <message>
        <source>Replaying…</source>
        <translation>Rejeu en cours…</translation>
    </message>
    <message>
        <source>Not replayed: %1</source>
        <translation>Non rejoué : %1</translation>
    </message>
    <message numerus="yes">
        <source>Replayed %1 job(s) into %2.</source>
        <translation>
            <numerusform>%1 job rejoué dans %2.</numerusform>
            <numerusform>%1 jobs rejoués dans %2.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 skipped: %2</source>
        <translation>
            <numerusform>%1 ignoré : %2</numerusform>
            <numerusform>%1 ignorés : %2</numerusform>
        </translation>
    </message>
    <message>
        <source>Its outcome will not be shown: %1</source>
        <translation>Son résultat ne sera pas affiché : %1</translation>
    </message>
</context>
<context>
    <name>kiq::ui::SecretSourceBox</name>
    <message>
        <source>Where secrets come from</source>
        <translation>D&apos;où viennent les secrets</translation>
    </message>
    <message>
        <source>Password:</source>
        <translation>Mot de passe&#xa0;:</translation>
    </message>
    <message>
        <source>Sentinel password:</source>
        <translation>Mot de passe Sentinel&#xa0;:</translation>
    </message>
    <message>
        <source>Client key passphrase:</source>
        <translation>Phrase secrète de la clé client&#xa0;:</translation>
    </message>
    <message>
        <source>Ask when connecting (kept until Kiqdesk quits)</source>
        <translation>Demander à la connexion (conservé jusqu&apos;à la fermeture de Kiqdesk)</translation>
    </message>
    <message>
        <source>OS keychain</source>
        <translation>Trousseau du système</translation>
    </message>
    <message>
        <source>Credential helper</source>
        <translation>Assistant d&apos;identification</translation>
    </message>
    <message>
        <source>command and arguments, e.g. vault read -field=password secret/redis</source>
        <translation>commande et arguments, p. ex. vault read -field=password secret/redis</translation>
    </message>
    <message>
        <source>Run without a shell when connecting and before its token expires. It prints the secret, or JSON {&quot;password&quot;, &quot;username&quot;, &quot;expires_at&quot;}.</source>
        <translation>Exécuté sans shell à la connexion et avant l&apos;expiration de son jeton. Il affiche le secret, ou du JSON {&quot;password&quot;, &quot;username&quot;, &quot;expires_at&quot;}.</translation>
    </message>
    <message>
        <source>Checking the OS keychain…</source>
        <translation>Vérification du trousseau du système…</translation>
    </message>
    <message>
        <source>No OS keychain is reachable (%1). A secret set to come from it is asked for when connecting instead; it is never stored in a file.</source>
        <translation>Aucun trousseau du système n&apos;est joignable (%1). Un secret censé en venir est demandé à la connexion à la place&#xa0;; il n&apos;est jamais enregistré dans un fichier.</translation>
    </message>
    <message>
        <source>The OS keychain is reachable: a secret typed once is kept there.</source>
        <translation>Le trousseau du système est joignable&#xa0;: un secret saisi une fois y est conservé.</translation>
    </message>
    <message>
        <source>A credential helper needs a command.</source>
        <translation>Un assistant d&apos;identification a besoin d&apos;une commande.</translation>
    </message>
    <message>
        <source>Alert webhook URL:</source>
        <translation>URL du webhook d’alertes&#xa0;:</translation>
    </message>
</context>
<context>
    <name>kiq::ui::SecurityPage</name>
    <message>
        <source>Run audit</source>
        <translation>Lancer l&apos;audit</translation>
    </message>
    <message>
        <source>Export Markdown…</source>
        <translation>Exporter en Markdown…</translation>
    </message>
    <message>
        <source>Export JSON…</source>
        <translation>Exporter en JSON…</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Statut</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>Contrôle</translation>
    </message>
    <message>
        <source>Evidence</source>
        <translation>Constat</translation>
    </message>
    <message>
        <source>Fix</source>
        <translation>Correction</translation>
    </message>
    <message>
        <source>Reads the server&apos;s settings, users, rights and a sample of the jobs; changes nothing</source>
        <translation>Lit les réglages, utilisateurs, droits et un échantillon des jobs du serveur&#xa0;; ne change rien</translation>
    </message>
    <message>
        <source>Export the security audit</source>
        <translation>Exporter l&apos;audit de sécurité</translation>
    </message>
    <message>
        <source>Markdown (*.md);;All files (*)</source>
        <translation>Markdown (*.md);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>JSON (*.json);;All files (*)</source>
        <translation>JSON (*.json);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>Security</source>
        <translation>Sécurité</translation>
    </message>
    <message>
        <source>pass</source>
        <translation>ok</translation>
    </message>
    <message>
        <source>warn</source>
        <translation>avertissement</translation>
    </message>
    <message>
        <source>fail</source>
        <translation>échec</translation>
    </message>
    <message>
        <source>could not check</source>
        <translation>non vérifiable</translation>
    </message>
    <message>
        <source>info</source>
        <translation>info</translation>
    </message>
    <message>
        <source>Server identity</source>
        <translation>Identité du serveur</translation>
    </message>
    <message>
        <source>Transport</source>
        <translation>Transport</translation>
    </message>
    <message>
        <source>Authentication</source>
        <translation>Authentification</translation>
    </message>
    <message>
        <source>Authorization</source>
        <translation>Autorisation</translation>
    </message>
    <message>
        <source>Server configuration</source>
        <translation>Configuration du serveur</translation>
    </message>
    <message>
        <source>Job data</source>
        <translation>Données des jobs</translation>
    </message>
    <message>
        <source>Operations</source>
        <translation>Exploitation</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Non connecté</translation>
    </message>
    <message>
        <source>Auditing… (reads only)</source>
        <translation>Audit en cours… (lecture seule)</translation>
    </message>
    <message>
        <source>The audit failed:</source>
        <translation>L&apos;audit a échoué&#xa0;:</translation>
    </message>
    <message>
        <source>%1 fail, %2 warn, %3 could not check, %4 pass · audited %5</source>
        <translation>échecs %1, avertissements %2, non vérifiables %3, ok %4 · audité %5</translation>
    </message>
    <message>
        <source>Why it matters:</source>
        <translation>Pourquoi c&apos;est important&#xa0;:</translation>
    </message>
    <message>
        <source>Fix:</source>
        <translation>Correction&#xa0;:</translation>
    </message>
    <message>
        <source>Exported to %1</source>
        <translation>Exporté vers %1</translation>
    </message>
    <message>
        <source>Could not write %1:</source>
        <translation>Impossible d&apos;écrire %1&#xa0;:</translation>
    </message>
</context>
<context>
    <name>kiq::ui::ShortcutsDialog</name>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Raccourcis clavier</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>Touches</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Action</translation>
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
        <translation>Heure</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Durée</translation>
    </message>
    <message>
        <source>Command</source>
        <translation>Commande</translation>
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
        <translation>Joignable</translation>
    </message>
    <message>
        <source>Unreachable</source>
        <translation>Injoignable</translation>
    </message>
    <message>
        <source>Connecting</source>
        <translation>Connexion</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Non connecté</translation>
    </message>
</context>
<context>
    <name>kiq::ui::StatusLine</name>
    <message>
        <source>Could not load:</source>
        <translation>Chargement impossible&#xa0;:</translation>
    </message>
    <message>
        <source>&lt;b&gt;Could not refresh:&lt;/b&gt; %1 (showing data from %2 s ago)</source>
        <translation>&lt;b&gt;Actualisation impossible&#xa0;:&lt;/b&gt; %1 (données d&apos;il y a %2 s affichées)</translation>
    </message>
</context>
<context>
    <name>kiq::ui::TimeSeriesChart</name>
    <message>
        <source>%1 (times in %2)</source>
        <translation>%1 (heures en %2)</translation>
    </message>
    <message>
        <source>%1: %2
%3 %4</source>
        <translation>%1&#xa0;: %2
%3 %4</translation>
    </message>
</context>
<context>
    <name>kiq::ui::TlsBox</name>
    <message>
        <source>Use TLS</source>
        <translation>Utiliser TLS</translation>
    </message>
    <message>
        <source>System certificate store</source>
        <translation>Magasin de certificats du système</translation>
    </message>
    <message>
        <source>CA file:</source>
        <translation>Fichier CA&#xa0;:</translation>
    </message>
    <message>
        <source>CA directory:</source>
        <translation>Dossier CA&#xa0;:</translation>
    </message>
    <message>
        <source>Choose the CA certificate file</source>
        <translation>Choisir le fichier de certificat CA</translation>
    </message>
    <message>
        <source>Choose the CA directory</source>
        <translation>Choisir le dossier CA</translation>
    </message>
    <message>
        <source>Choose the client certificate</source>
        <translation>Choisir le certificat client</translation>
    </message>
    <message>
        <source>Choose the client key</source>
        <translation>Choisir la clé client</translation>
    </message>
    <message>
        <source>Verify the server&apos;s certificate</source>
        <translation>Vérifier le certificat du serveur</translation>
    </message>
    <message>
        <source>Verify that the certificate matches the host name</source>
        <translation>Vérifier que le certificat correspond au nom d&apos;hôte</translation>
    </message>
    <message>
        <source>only for servers that require client certificates</source>
        <translation>uniquement pour les serveurs qui exigent des certificats client</translation>
    </message>
    <message>
        <source>default: the host name</source>
        <translation>par défaut&#xa0;: le nom d&apos;hôte</translation>
    </message>
    <message>
        <source>Trust:</source>
        <translation>Confiance&#xa0;:</translation>
    </message>
    <message>
        <source>Client certificate:</source>
        <translation>Certificat client&#xa0;:</translation>
    </message>
    <message>
        <source>Client key:</source>
        <translation>Clé client&#xa0;:</translation>
    </message>
    <message>
        <source>Server name (SNI):</source>
        <translation>Nom du serveur (SNI)&#xa0;:</translation>
    </message>
    <message>
        <source>The key is encrypted: ask for its passphrase when connecting</source>
        <translation>La clé est chiffrée&#xa0;: demander sa phrase secrète à la connexion</translation>
    </message>
    <message>
        <source>only for an encrypted key; not saved: asked when connecting</source>
        <translation>uniquement pour une clé chiffrée&#xa0;; non enregistrée&#xa0;: demandée à la connexion</translation>
    </message>
    <message>
        <source>Key passphrase:</source>
        <translation>Phrase secrète de la clé&#xa0;:</translation>
    </message>
</context>
<context>
    <name>kiq::ui::TopologyBox</name>
    <message>
        <source>Server</source>
        <translation>Serveur</translation>
    </message>
    <message>
        <source>The sentinels need a password (asked when connecting)</source>
        <translation>Les sentinelles exigent un mot de passe (demandé à la connexion)</translation>
    </message>
    <message>
        <source>Standalone (or a replica)</source>
        <translation>Autonome (ou une réplique)</translation>
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
        <translation>non enregistré</translation>
    </message>
    <message>
        <source>Host:</source>
        <translation>Hôte&#xa0;:</translation>
    </message>
    <message>
        <source>Port:</source>
        <translation>Port&#xa0;:</translation>
    </message>
    <message>
        <source>Master name:</source>
        <translation>Nom du master&#xa0;:</translation>
    </message>
    <message>
        <source>Sentinels (host:port):</source>
        <translation>Sentinelles (host:port)&#xa0;:</translation>
    </message>
    <message>
        <source>Sentinel user:</source>
        <translation>Utilisateur Sentinel&#xa0;:</translation>
    </message>
    <message>
        <source>Sentinel password:</source>
        <translation>Mot de passe Sentinel&#xa0;:</translation>
    </message>
    <message>
        <source>Seed nodes (host:port):</source>
        <translation>Nœuds d&apos;amorçage (host:port)&#xa0;:</translation>
    </message>
    <message>
        <source>Topology:</source>
        <translation>Topologie&#xa0;:</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a host:port address</source>
        <translation>«&#xa0;%1&#xa0;» n&apos;est pas une adresse host:port</translation>
    </message>
</context>
<context>
    <name>kiq::ui::TrayIcon</name>
    <message>
        <source>all checks OK</source>
        <translation>toutes les vérifications OK</translation>
    </message>
    <message>
        <source>warning</source>
        <translation>avertissement</translation>
    </message>
    <message>
        <source>critical</source>
        <translation>critique</translation>
    </message>
    <message>
        <source>no deployment watched</source>
        <translation>aucun déploiement surveillé</translation>
    </message>
    <message>
        <source>Show Kiqdesk</source>
        <translation>Afficher Kiqdesk</translation>
    </message>
    <message>
        <source>Acknowledge all alerts</source>
        <translation>Acquitter toutes les alertes</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Quitter</translation>
    </message>
    <message>
        <source>Kiqdesk: %1</source>
        <translation>Kiqdesk : %1</translation>
    </message>
    <message numerus="yes">
        <source>… and %n more</source>
        <translation>
            <numerusform>… et %n autre</numerusform>
            <numerusform>… et %n autres</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n alert(s) open</source>
        <translation>
            <numerusform>%n alerte ouverte</numerusform>
            <numerusform>%n alertes ouvertes</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>kiq::ui::UndoOffer</name>
    <message>
        <source>Undo</source>
        <translation>Annuler</translation>
    </message>
    <message numerus="yes">
        <source>Undo: put the %1 job(s) back</source>
        <translation>
            <numerusform>Annuler&#xa0;: remettre la tâche (%1)</numerusform>
            <numerusform>Annuler&#xa0;: remettre les %1 tâches</numerusform>
        </translation>
    </message>
    <message>
        <source>Put the jobs back where they were (Undo history has every action)</source>
        <translation>Remettre les tâches où elles étaient (l&apos;historique des annulations contient chaque action)</translation>
    </message>
</context>
<context>
    <name>kiq::ui::UndoPage</name>
    <message>
        <source>When</source>
        <translation>Quand</translation>
    </message>
    <message>
        <source>What was removed</source>
        <translation>Ce qui a été retiré</translation>
    </message>
    <message>
        <source>Jobs</source>
        <translation>Tâches</translation>
    </message>
    <message>
        <source>Not restored</source>
        <translation>Non restaurées</translation>
    </message>
    <message>
        <source>By</source>
        <translation>Par</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Raison</translation>
    </message>
    <message>
        <source>Reload</source>
        <translation>Recharger</translation>
    </message>
    <message>
        <source>Restore</source>
        <translation>Restaurer</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>Non connecté.</translation>
    </message>
    <message>
        <source>Undo history</source>
        <translation>Historique des annulations</translation>
    </message>
    <message numerus="yes">
        <source>%1 job(s) killed from %2 at %3</source>
        <translation>
            <numerusform>%1 tâche tuée dans %2 à %3</numerusform>
            <numerusform>%1 tâches tuées dans %2 à %3</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 job(s) cleared from %2 at %3</source>
        <translation>
            <numerusform>%1 tâche vidée de %2 à %3</numerusform>
            <numerusform>%1 tâches vidées de %2 à %3</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 job(s) deleted from %2 at %3</source>
        <translation>
            <numerusform>%1 tâche supprimée de %2 à %3</numerusform>
            <numerusform>%1 tâches supprimées de %2 à %3</numerusform>
        </translation>
    </message>
    <message>
        <source>Nothing to undo: deletes, kills and queue clears on this server are kept here for 7 days.</source>
        <translation>Rien à annuler&#xa0;: les suppressions, les tâches tuées et les files vidées sur ce serveur sont conservées ici 7 jours.</translation>
    </message>
    <message numerus="yes">
        <source>%1 action(s) kept for 7 days</source>
        <translation>
            <numerusform>%1 action conservée 7 jours</numerusform>
            <numerusform>%1 actions conservées 7 jours</numerusform>
        </translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Non connecté</translation>
    </message>
    <message>
        <source>Select an action in the list first</source>
        <translation>Sélectionnez d&apos;abord une action dans la liste</translation>
    </message>
    <message>
        <source>Its jobs were restored already</source>
        <translation>Ses tâches ont déjà été restaurées</translation>
    </message>
    <message>
        <source>Put back the %1</source>
        <translation>Remettre&#xa0;: %1</translation>
    </message>
    <message>
        <source>Restoring…</source>
        <translation>Restauration…</translation>
    </message>
    <message>
        <source>Restore failed:</source>
        <translation>Échec de la restauration&#xa0;:</translation>
    </message>
    <message numerus="yes">
        <source>Restored %1 job(s), %2 already there (%3)</source>
        <translation>
            <numerusform>%1 tâche restaurée, %2 déjà présentes (%3)</numerusform>
            <numerusform>%1 tâches restaurées, %2 déjà présentes (%3)</numerusform>
        </translation>
    </message>
    <message>
        <source>Copy as command</source>
        <translation>Copier comme commande</translation>
    </message>
</context>
<context>
    <name>kiq::ui::WorkersPage</name>
    <message>
        <source>Queues</source>
        <translation>Files d&apos;attente</translation>
    </message>
    <message>
        <source>Concurrency</source>
        <translation>Concurrence</translation>
    </message>
    <message>
        <source>Handler file</source>
        <translation>Gestionnaires</translation>
    </message>
    <message>
        <source>Shutdown timeout</source>
        <translation>Délai d&apos;arrêt</translation>
    </message>
    <message>
        <source>Pool settings</source>
        <translation>Réglages du pool</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Démarrer</translation>
    </message>
    <message>
        <source>Quiet</source>
        <translation>Mettre au repos</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Arrêter</translation>
    </message>
    <message>
        <source>Processed</source>
        <translation>Traitées</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Échouées</translation>
    </message>
    <message>
        <source>Busy</source>
        <translation>En cours</translation>
    </message>
    <message>
        <source>Running for</source>
        <translation>En cours depuis</translation>
    </message>
    <message>
        <source>critical,2 default</source>
        <translation>critical,2 default</translation>
    </message>
    <message>
        <source>Queues separated by spaces, as Sidekiq&apos;s -q: &quot;name&quot; or &quot;name,weight&quot;. Without weights the order is strict; with weights a heavier queue is tried first more often.</source>
        <translation>Files séparées par des espaces, comme le -q de Sidekiq&#xa0;: «&#xa0;name&#xa0;» ou «&#xa0;name,weight&#xa0;». Sans poids, l&apos;ordre est strict&#xa0;; avec des poids, une file plus lourde est essayée en premier plus souvent.</translation>
    </message>
    <message>
        <source>TOML file mapping job classes to commands (optional)</source>
        <translation>Fichier TOML associant des classes de tâches à des commandes (facultatif)</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Parcourir…</translation>
    </message>
    <message>
        <source>DEBUG also logs the start and end of every job.</source>
        <translation>DEBUG journalise aussi le début et la fin de chaque tâche.</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>How long Stop waits for running jobs before pushing them back to their queues.</source>
        <translation>Durée pendant laquelle Arrêter attend les tâches en cours avant de les remettre dans leurs files.</translation>
    </message>
    <message>
        <source>Log level</source>
        <translation>Niveau de journal</translation>
    </message>
    <message>
        <source>Finish the running jobs and fetch no new ones.</source>
        <translation>Terminer les tâches en cours et n&apos;en récupérer aucune nouvelle.</translation>
    </message>
    <message>
        <source>All lines</source>
        <translation>Toutes les lignes</translation>
    </message>
    <message>
        <source>Info and above</source>
        <translation>Info et plus</translation>
    </message>
    <message>
        <source>Warnings and errors</source>
        <translation>Avertissements et erreurs</translation>
    </message>
    <message>
        <source>Errors only</source>
        <translation>Erreurs seulement</translation>
    </message>
    <message>
        <source>Jobs in flight</source>
        <translation>Tâches en cours</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>Journal</translation>
    </message>
    <message>
        <source>Local workers</source>
        <translation>Workers locaux</translation>
    </message>
    <message>
        <source>Writes to this deployment are disarmed, but this pool keeps working jobs until you stop it.</source>
        <translation>Les écritures sur ce déploiement sont désactivées, mais ce pool continue de traiter des tâches jusqu&apos;à ce que vous l&apos;arrêtiez.</translation>
    </message>
    <message>
        <source>Stopped.</source>
        <translation>Arrêté.</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>Non connecté.</translation>
    </message>
    <message numerus="yes">
        <source>Stopped. The last run processed %n job(s).</source>
        <translation>
            <numerusform>Arrêté. La dernière exécution a traité %n tâche.</numerusform>
            <numerusform>Arrêté. La dernière exécution a traité %n tâches.</numerusform>
        </translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Démarrage…</translation>
    </message>
    <message numerus="yes">
        <source>Running %n thread(s) on %1 (strict order).</source>
        <translation>
            <numerusform>%n thread en cours sur %1 (ordre strict).</numerusform>
            <numerusform>%n threads en cours sur %1 (ordre strict).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Running %n thread(s) on %1 (weighted).</source>
        <translation>
            <numerusform>%n thread en cours sur %1 (pondéré).</numerusform>
            <numerusform>%n threads en cours sur %1 (pondéré).</numerusform>
        </translation>
    </message>
    <message>
        <source>Quiet: running jobs finish, no new jobs are fetched.</source>
        <translation>Au repos&#xa0;: les tâches en cours se terminent, aucune nouvelle tâche n&apos;est récupérée.</translation>
    </message>
    <message>
        <source>Stopping: waiting for the running jobs…</source>
        <translation>Arrêt&#xa0;: attente des tâches en cours…</translation>
    </message>
    <message>
        <source>Could not start: %1</source>
        <translation>Démarrage impossible&#xa0;: %1</translation>
    </message>
    <message>
        <source>Started by %1.</source>
        <translation>Démarré par %1.</translation>
    </message>
    <message>
        <source>Process %1 on %2</source>
        <translation>Processus %1 sur %2</translation>
    </message>
    <message numerus="yes">
        <source>of %n thread(s)</source>
        <translation>
            <numerusform>sur %n thread</numerusform>
            <numerusform>sur %n threads</numerusform>
        </translation>
    </message>
    <message>
        <source>TOML files (*.toml);;All files (*)</source>
        <translation>Fichiers TOML (*.toml);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>Built-in demo handlers</source>
        <translation>Gestionnaires de démo intégrés</translation>
    </message>
    <message>
        <source>Kiqdesk::Sleep, Kiqdesk::Fail and Kiqdesk::Echo</source>
        <translation>Kiqdesk::Sleep, Kiqdesk::Fail et Kiqdesk::Echo</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Non connecté</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <comment>class (hand-backs)</comment>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>No handler here for %1: their jobs went back to their queues unchanged (no retry used, no error written), for the workers that run them.</source>
        <translation>Aucun gestionnaire ici pour %1&#xa0;: leurs tâches sont retournées inchangées dans leurs files (sans tentative consommée ni erreur écrite), pour les workers qui les exécutent.</translation>
    </message>
    <message>
        <source>%1:</source>
        <translation>%1&#xa0;:</translation>
    </message>
    <message>
        <source>Start workers on %1</source>
        <translation>Démarrer des workers sur %1</translation>
    </message>
    <message>
        <source>Start a worker pool on &lt;b&gt;%1&lt;/b&gt;, a &lt;b&gt;%2&lt;/b&gt; deployment?&lt;br&gt;&lt;br&gt;It takes jobs from %3 and runs them on this computer.</source>
        <translation>Démarrer un pool de workers sur &lt;b&gt;%1&lt;/b&gt;, un déploiement &lt;b&gt;%2&lt;/b&gt;&#xa0;?&lt;br&gt;&lt;br&gt;Il prend des tâches dans %3 et les exécute sur cet ordinateur.</translation>
    </message>
    <message>
        <source>Start on %1</source>
        <translation>Démarrer sur %1</translation>
    </message>
    <message>
        <source>Not started.</source>
        <translation>Non démarré.</translation>
    </message>
    <message>
        <source>Looking at the jobs waiting in %1…</source>
        <translation>Examen des tâches en attente dans %1…</translation>
    </message>
    <message>
        <source>Not started: could not look at the queues:</source>
        <translation>Non démarré&#xa0;: impossible d&apos;examiner les files d&apos;attente&#xa0;:</translation>
    </message>
    <message>
        <source>Jobs without a handler</source>
        <translation>Tâches sans gestionnaire</translation>
    </message>
    <message>
        <source>These jobs wait in the chosen queues, and this pool has no handler for their class (counted among the newest %1 jobs of each queue):</source>
        <translation>Ces tâches attendent dans les files choisies, et ce pool n&apos;a pas de gestionnaire pour leur classe (comptées parmi les %1 tâches les plus récentes de chaque file)&#xa0;:</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>File d&apos;attente</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>Classe</translation>
    </message>
    <message>
        <source>Jobs</source>
        <translation>Tâches</translation>
    </message>
    <message>
        <source>What should the pool do with them?</source>
        <translation>Que doit faire le pool de ces tâches&#xa0;?</translation>
    </message>
    <message>
        <source>Handed back, a job goes back to its queue unchanged (no retry used, no error written) for the workers that have its class. Failed, it uses a retry and gets NameError as its error, as a Sidekiq without that class would do.</source>
        <translation>Rendue, une tâche retourne inchangée dans sa file (sans tentative consommée ni erreur écrite) pour les workers qui ont sa classe. En échec, elle consomme une tentative et reçoit NameError comme erreur, comme le ferait un Sidekiq sans cette classe.</translation>
    </message>
    <message>
        <source>Hand them back (leave them for their own workers)</source>
        <translation>Les rendre (les laisser à leurs propres workers)</translation>
    </message>
    <message>
        <source>Fail them like Sidekiq does</source>
        <translation>Les faire échouer comme Sidekiq</translation>
    </message>
    <message>
        <source>Not started:</source>
        <translation>Non démarré&#xa0;:</translation>
    </message>
    <message>
        <source>Not started: the deployment was disconnected.</source>
        <translation>Non démarré&#xa0;: le déploiement a été déconnecté.</translation>
    </message>
    <message>
        <source>Copy as command</source>
        <translation>Copier comme commande</translation>
    </message>
    <message>
        <source>Copy the kiqdesk-cli command that starts this pool, for a script or a server</source>
        <translation>Copier la commande kiqdesk-cli qui démarre ce pool, pour un script ou un serveur</translation>
    </message>
</context>
</TS>
