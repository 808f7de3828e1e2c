<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="pt_BR">
<context>
    <name>JobColumns</name>
    <message>
        <source>Queue</source>
        <translation>Fila</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>Job</translation>
    </message>
    <message>
        <source>Arguments</source>
        <translation>Argumentos</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Erro</translation>
    </message>
    <message>
        <source>Retries</source>
        <translation>Novas tentativas</translation>
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
        <translation>Filtro: class=HardJob error~timeout age&gt;2h queue=default malformed</translation>
    </message>
    <message>
        <source>Filter, at character %1: %2. No jobs are shown until it is fixed.</source>
        <translation>Filtro, no caractere %1: %2. Nenhum job é exibido até que seja corrigido.</translation>
    </message>
</context>
<context>
    <name>Main</name>
    <message>
        <source>Local sandbox</source>
        <translation>Sandbox local</translation>
    </message>
    <message>
        <source>Desktop console for Sidekiq job systems on Redis.</source>
        <translation>Console desktop para sistemas de jobs Sidekiq no Redis.</translation>
    </message>
    <message>
        <source>Start a local sandbox Redis and show it.</source>
        <translation>Inicia um Redis de sandbox local e o exibe.</translation>
    </message>
    <message>
        <source>Save a picture of the window to &lt;file&gt; and quit.</source>
        <translation>Salva uma imagem da janela em &lt;file&gt; e sai.</translation>
    </message>
    <message>
        <source>file</source>
        <translation>file</translation>
    </message>
    <message>
        <source>Wait &lt;ms&gt; before taking the screenshot (default 3000).</source>
        <translation>Aguarda &lt;ms&gt; antes de tirar a captura de tela (padrão 3000).</translation>
    </message>
    <message>
        <source>ms</source>
        <translation>ms</translation>
    </message>
    <message>
        <source>Use &lt;theme&gt; (system, light, dark) for this run.</source>
        <translation>Usa &lt;theme&gt; (system, light, dark) nesta execução.</translation>
    </message>
    <message>
        <source>theme</source>
        <translation>theme</translation>
    </message>
    <message>
        <source>Kiqdesk</source>
        <translation>Kiqdesk</translation>
    </message>
    <message>
        <source>cannot write the screenshot to %1</source>
        <translation>não foi possível gravar a captura de tela em %1</translation>
    </message>
    <message>
        <source>the local sandbox (demo handlers)</source>
        <translation>o sandbox local (handlers de demonstração)</translation>
    </message>
    <message>
        <source>The sandbox started but demo data could not be written: %1</source>
        <translation>O sandbox foi iniciado, mas não foi possível gravar os dados de demonstração: %1</translation>
    </message>
    <message>
        <source>Open the window at &lt;width&gt;x&lt;height&gt; pixels.</source>
        <translation>Abre a janela com &lt;width&gt;x&lt;height&gt; pixels.</translation>
    </message>
    <message>
        <source>size</source>
        <translation>size</translation>
    </message>
    <message>
        <source>Show the deployment&apos;s page &lt;n&gt; (0 is the first tab).</source>
        <translation>Exibe a página &lt;n&gt; da implantação (0 é a primeira aba).</translation>
    </message>
    <message>
        <source>n</source>
        <translation>n</translation>
    </message>
    <message>
        <source>--size takes &lt;width&gt;x&lt;height&gt;, e.g. 1024x700</source>
        <translation>--size recebe &lt;width&gt;x&lt;height&gt;, por exemplo 1024x700</translation>
    </message>
    <message>
        <source>Your saved connections were not loaded.

%1</source>
        <translation>Suas conexões salvas não foram carregadas.

%1</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <source>%1 is not connected</source>
        <translation>%1 não está conectado</translation>
    </message>
</context>
<context>
    <name>kiq::ui</name>
    <message>
        <source>Type %1 to confirm.</source>
        <translation>Digite %1 para confirmar.</translation>
    </message>
</context>
<context>
    <name>kiq::ui::AclLogModel</name>
    <message>
        <source>%1 ago</source>
        <translation>há %1</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Usuário</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Motivo</translation>
    </message>
    <message>
        <source>Denied</source>
        <translation>Negado</translation>
    </message>
    <message>
        <source>Context</source>
        <translation>Contexto</translation>
    </message>
    <message>
        <source>Count</source>
        <translation>Contagem</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>Visto por último</translation>
    </message>
    <message>
        <source>Node</source>
        <translation>Nó</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>Cliente</translation>
    </message>
</context>
<context>
    <name>kiq::ui::AclPage</name>
    <message>
        <source>primary</source>
        <translation>primário</translation>
    </message>
    <message>
        <source>replica</source>
        <translation>réplica</translation>
    </message>
    <message>
        <source>New user…</source>
        <translation>Novo usuário…</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>Editar…</translation>
    </message>
    <message>
        <source>Enable</source>
        <translation>Ativar</translation>
    </message>
    <message>
        <source>Disable</source>
        <translation>Desativar</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>Excluir…</translation>
    </message>
    <message>
        <source>Apply Sidekiq role…</source>
        <translation>Aplicar papel do Sidekiq…</translation>
    </message>
    <message>
        <source>Reset log</source>
        <translation>Limpar log</translation>
    </message>
    <message>
        <source>Delete ACL user</source>
        <translation>Excluir usuário ACL</translation>
    </message>
    <message>
        <source>Delete the ACL user &apos;%1&apos; on every node? Clients logged in as it are disconnected.</source>
        <translation>Excluir o usuário ACL &apos;%1&apos; em todos os nós? Os clientes conectados com ele serão desconectados.</translation>
    </message>
    <message>
        <source>Reset ACL log</source>
        <translation>Limpar log de ACL</translation>
    </message>
    <message>
        <source>Clear the ACL log on every node?</source>
        <translation>Limpar o log de ACL em todos os nós?</translation>
    </message>
    <message>
        <source>Users</source>
        <translation>Usuários</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>Log</translation>
    </message>
    <message>
        <source>The result of each change appears here, per node, with the role checks.</source>
        <translation>O resultado de cada alteração aparece aqui, por nó, com as verificações de papel.</translation>
    </message>
    <message>
        <source>ACL</source>
        <translation>ACL</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>Não conectado.</translation>
    </message>
    <message numerus="yes">
        <source>%n user(s) with risky rights (in red; hover for why).</source>
        <translation>
            <numerusform>%n usuário com permissões arriscadas (em vermelho; passe o mouse para ver o motivo).</numerusform>
            <numerusform>%n usuários com permissões arriscadas (em vermelho; passe o mouse para ver o motivo).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n user(s), none with risky rights.</source>
        <translation>
            <numerusform>%n usuário, nenhum com permissões arriscadas.</numerusform>
            <numerusform>%n usuários, nenhum com permissões arriscadas.</numerusform>
        </translation>
    </message>
    <message>
        <source>Could not apply the rules of %1: %2</source>
        <translation>Não foi possível aplicar as regras de %1: %2</translation>
    </message>
    <message>
        <source>ACL SETUSER %1
</source>
        <translation>ACL SETUSER %1
</translation>
    </message>
    <message>
        <source>Could not apply the role to %1: %2</source>
        <translation>Não foi possível aplicar o papel a %1: %2</translation>
    </message>
    <message>
        <source>ok</source>
        <translation>ok</translation>
    </message>
    <message>
        <source>FAILED</source>
        <translation>FALHOU</translation>
    </message>
    <message>
        <source>%1 %2 %3%4</source>
        <translation>%1 %2 %3%4</translation>
    </message>
    <message>
        <source>allow</source>
        <translation>permitir</translation>
    </message>
    <message>
        <source>deny</source>
        <translation>negar</translation>
    </message>
    <message>
        <source>Could not delete %1: %2</source>
        <translation>Não foi possível excluir %1: %2</translation>
    </message>
    <message>
        <source>ACL DELUSER %1
</source>
        <translation>ACL DELUSER %1
</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Não conectado</translation>
    </message>
    <message>
        <source>Select a user first</source>
        <translation>Selecione um usuário primeiro</translation>
    </message>
    <message>
        <source>Cannot read ACL users:</source>
        <translation>Não foi possível ler os usuários ACL:</translation>
    </message>
    <message>
        <source>Select a user first.</source>
        <translation>Selecione um usuário primeiro.</translation>
    </message>
    <message>
        <source>Enable the selected user</source>
        <translation>Ativar o usuário selecionado</translation>
    </message>
    <message>
        <source>Disable the selected user</source>
        <translation>Desativar o usuário selecionado</translation>
    </message>
    <message>
        <source>Delete the selected user</source>
        <translation>Excluir o usuário selecionado</translation>
    </message>
    <message>
        <source>Reset the log</source>
        <translation>Limpar o log</translation>
    </message>
    <message>
        <source>Copy as command</source>
        <translation>Copiar como comando</translation>
    </message>
</context>
<context>
    <name>kiq::ui::AclUserEditor</name>
    <message>
        <source>Enabled</source>
        <translation>Ativado</translation>
    </message>
    <message>
        <source>Remove the existing passwords</source>
        <translation>Remover as senhas existentes</translation>
    </message>
    <message>
        <source>No password (nopass): anyone can log in as this user</source>
        <translation>Sem senha (nopass): qualquer pessoa pode entrar como este usuário</translation>
    </message>
    <message>
        <source>Edit ACL user %1</source>
        <translation>Editar usuário ACL %1</translation>
    </message>
    <message>
        <source>New ACL user</source>
        <translation>Novo usuário ACL</translation>
    </message>
    <message>
        <source>Leave empty to keep the current passwords</source>
        <translation>Deixe em branco para manter as senhas atuais</translation>
    </message>
    <message>
        <source>One pattern per line: ~queue:*  %R~stat:*  %W~tmp:*</source>
        <translation>Um padrão por linha: ~queue:*  %R~stat:*  %W~tmp:*</translation>
    </message>
    <message>
        <source>One pattern per line: &amp;events:*</source>
        <translation>Um padrão por linha: &amp;events:*</translation>
    </message>
    <message>
        <source>e.g. -flushall +client|setname</source>
        <translation>ex.: -flushall +client|setname</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nome</translation>
    </message>
    <message>
        <source>New password</source>
        <translation>Nova senha</translation>
    </message>
    <message>
        <source>Key patterns</source>
        <translation>Padrões de chave</translation>
    </message>
    <message>
        <source>Channels</source>
        <translation>Canais</translation>
    </message>
    <message>
        <source>Command categories</source>
        <translation>Categorias de comandos</translation>
    </message>
    <message>
        <source>Extra command rules</source>
        <translation>Regras de comando extras</translation>
    </message>
    <message>
        <source>Apply to every node</source>
        <translation>Aplicar em todos os nós</translation>
    </message>
    <message>
        <source>Will run:</source>
        <translation>Será executado:</translation>
    </message>
    <message>
        <source>The name must be one word.</source>
        <translation>O nome deve ser uma única palavra.</translation>
    </message>
    <message>
        <source>A new user needs a password (or nopass, which is not recommended).</source>
        <translation>Um novo usuário precisa de uma senha (ou nopass, o que não é recomendado).</translation>
    </message>
    <message>
        <source>No change.</source>
        <translation>Nenhuma alteração.</translation>
    </message>
    <message>
        <source>Changes:
</source>
        <translation>Alterações:
</translation>
    </message>
    <message>
        <source>Copy as command</source>
        <translation>Copiar como comando</translation>
    </message>
</context>
<context>
    <name>kiq::ui::AclUsersModel</name>
    <message>
        <source>on</source>
        <translation>ativado</translation>
    </message>
    <message>
        <source>off</source>
        <translation>desativado</translation>
    </message>
    <message>
        <source>none (nopass)</source>
        <translation>nenhuma (nopass)</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Usuário</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>Passwords</source>
        <translation>Senhas</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>Chaves</translation>
    </message>
    <message>
        <source>Channels</source>
        <translation>Canais</translation>
    </message>
    <message>
        <source>Commands</source>
        <translation>Comandos</translation>
    </message>
    <message>
        <source>Risks</source>
        <translation>Riscos</translation>
    </message>
</context>
<context>
    <name>kiq::ui::ApplyRoleDialog</name>
    <message>
        <source>Apply a Sidekiq role</source>
        <translation>Aplicar um papel do Sidekiq</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Papel</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>Nome de usuário</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Senha</translation>
    </message>
    <message>
        <source>Apply and verify</source>
        <translation>Aplicar e verificar</translation>
    </message>
    <message>
        <source>Copy as command</source>
        <translation>Copiar como comando</translation>
    </message>
</context>
<context>
    <name>kiq::ui::ArmDialog</name>
    <message>
        <source>Arm writes</source>
        <translation>Habilitar gravações</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; is read-only. Arming allows every write (job actions, queue changes, quiet and stop, ACL changes, local workers) until the time below runs out or you disarm.&lt;br&gt;Type the deployment&apos;s name &lt;b&gt;%2&lt;/b&gt; to confirm.</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; está em somente leitura. Habilitar gravações permite qualquer gravação (ações em jobs, alterações em filas, silenciar e parar, alterações de ACL, workers locais) até o tempo abaixo acabar ou você desabilitá-las.&lt;br&gt;Digite o nome da implantação &lt;b&gt;%2&lt;/b&gt; para confirmar.</translation>
    </message>
    <message>
        <source>Why: free text or a ticket id</source>
        <translation>Por quê: texto livre ou número de chamado</translation>
    </message>
    <message>
        <source> min</source>
        <translation> min</translation>
    </message>
    <message>
        <source>Deployment name:</source>
        <translation>Nome da implantação:</translation>
    </message>
    <message>
        <source>Reason:</source>
        <translation>Motivo:</translation>
    </message>
    <message>
        <source>Writes allowed for:</source>
        <translation>Gravações permitidas por:</translation>
    </message>
</context>
<context>
    <name>kiq::ui::AuditPage</name>
    <message>
        <source>Reload</source>
        <translation>Recarregar</translation>
    </message>
    <message>
        <source>Verify chain</source>
        <translation>Verificar cadeia</translation>
    </message>
    <message>
        <source>Export JSONL…</source>
        <translation>Exportar JSONL…</translation>
    </message>
    <message>
        <source>Any user (OS or ACL user)</source>
        <translation>Qualquer usuário (do SO ou ACL)</translation>
    </message>
    <message>
        <source>Any action</source>
        <translation>Qualquer ação</translation>
    </message>
    <message>
        <source>Last hour</source>
        <translation>Última hora</translation>
    </message>
    <message>
        <source>Last 24 hours</source>
        <translation>Últimas 24 horas</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>Últimos 7 dias</translation>
    </message>
    <message>
        <source>All</source>
        <translation>Tudo</translation>
    </message>
    <message>
        <source>Recompute every entry&apos;s hash and check the chain: deleted, edited or forged entries are marked</source>
        <translation>Recalcula o hash de cada entrada e verifica a cadeia: entradas excluídas, editadas ou forjadas são marcadas</translation>
    </message>
    <message>
        <source>Every entry of the trail, oldest first, as JSON lines</source>
        <translation>Todas as entradas da trilha, das mais antigas às mais novas, como linhas JSON</translation>
    </message>
    <message>
        <source>Export the audit trail</source>
        <translation>Exportar a trilha de auditoria</translation>
    </message>
    <message>
        <source>JSON lines (*.jsonl);;All files (*)</source>
        <translation>Linhas JSON (*.jsonl);;Todos os arquivos (*)</translation>
    </message>
    <message>
        <source>Audit trail</source>
        <translation>Trilha de auditoria</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Não conectado</translation>
    </message>
    <message>
        <source>No entries match.</source>
        <translation>Nenhuma entrada corresponde.</translation>
    </message>
    <message numerus="yes">
        <source>The newest %n matching entries.</source>
        <translation>
            <numerusform>A %n entrada correspondente mais recente.</numerusform>
            <numerusform>As %n entradas correspondentes mais recentes.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n matching entries.</source>
        <translation>
            <numerusform>%n entrada correspondente.</numerusform>
            <numerusform>%n entradas correspondentes.</numerusform>
        </translation>
    </message>
    <message>
        <source>Verifying the chain…</source>
        <translation>Verificando a cadeia…</translation>
    </message>
    <message>
        <source>Could not verify:</source>
        <translation>Não foi possível verificar:</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>Exportando…</translation>
    </message>
    <message>
        <source>Could not export:</source>
        <translation>Não foi possível exportar:</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n entries to %1.</source>
        <translation>
            <numerusform>%n entrada exportada para %1.</numerusform>
            <numerusform>%n entradas exportadas para %1.</numerusform>
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
        <translation>%1 (habilitado por %2)</translation>
    </message>
    <message>
        <source>ok</source>
        <translation>ok</translation>
    </message>
    <message>
        <source>Entry %1</source>
        <translation>Entrada %1</translation>
    </message>
    <message>
        <source>Detail: %1</source>
        <translation>Detalhe: %1</translation>
    </message>
    <message>
        <source>Jobs: %1</source>
        <translation>Jobs: %1</translation>
    </message>
    <message>
        <source>Chain broken here: %1</source>
        <translation>Cadeia quebrada aqui: %1</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Hora</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Usuário</translation>
    </message>
    <message>
        <source>ACL user</source>
        <translation>Usuário ACL</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Ação</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>Alvo</translation>
    </message>
    <message>
        <source>Asked / done / skipped</source>
        <translation>Pedidos / feitos / ignorados</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Motivo</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Resultado</translation>
    </message>
    <message>
        <source>Reason: %1</source>
        <translation>Motivo: %1</translation>
    </message>
    <message>
        <source>Outcome: %1</source>
        <translation>Resultado: %1</translation>
    </message>
    <message>
        <source>Filter / detail</source>
        <translation>Filtro / detalhe</translation>
    </message>
</context>
<context>
    <name>kiq::ui::BulkActionFlow</name>
    <message>
        <source>Not connected.</source>
        <translation>Não conectado.</translation>
    </message>
    <message>
        <source>Scanning the set…</source>
        <translation>Varrendo o conjunto…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <source>&lt;b&gt;Preview failed:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;Falha na prévia:&lt;/b&gt; %1</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>Cancelado.</translation>
    </message>
    <message>
        <source>Nothing done.</source>
        <translation>Nada foi feito.</translation>
    </message>
    <message numerus="yes">
        <source>%1 %n matching job(s)?</source>
        <translation>
            <numerusform>%1: %n job correspondente?</numerusform>
            <numerusform>%1: %n jobs correspondentes?</numerusform>
        </translation>
    </message>
    <message>
        <source>%1: working…</source>
        <translation>%1: em andamento…</translation>
    </message>
    <message>
        <source>&lt;b&gt;Failed:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;Falhou:&lt;/b&gt; %1</translation>
    </message>
    <message>
        <source>%1: %2 done, %3 already gone, %4 skipped%5</source>
        <translation>%1: %2 feitos, %3 já não existiam, %4 ignorados%5</translation>
    </message>
    <message>
        <source> (cancelled; can be resumed)</source>
        <translation> (cancelado; pode ser retomado)</translation>
    </message>
    <message>
        <source>%1: %2 done, %3 scanned</source>
        <translation>%1: %2 feitos, %3 varridos</translation>
    </message>
    <message>
        <source>%1 jobs/s</source>
        <translation>%1 jobs/s</translation>
    </message>
    <message>
        <source>Redis busy %1% of the time</source>
        <translation>Redis ocupado %1% do tempo</translation>
    </message>
    <message>
        <source>about %1 left</source>
        <translation>faltam cerca de %1</translation>
    </message>
    <message>
        <source>slowed down: the server answers in %1</source>
        <translation>desacelerado: o servidor responde em %1</translation>
    </message>
</context>
<context>
    <name>kiq::ui::BulkPreviewDialog</name>
    <message numerus="yes">
        <source>… and %n more</source>
        <translation>
            <numerusform>… e mais %n</numerusform>
            <numerusform>… e mais %n</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 all matching jobs</source>
        <translation>%1: todos os jobs correspondentes</translation>
    </message>
    <message>
        <source>Group</source>
        <translation>Grupo</translation>
    </message>
    <message>
        <source>Jobs</source>
        <translation>Jobs</translation>
    </message>
    <message>
        <source>By class</source>
        <translation>Por classe</translation>
    </message>
    <message>
        <source>By queue</source>
        <translation>Por fila</translation>
    </message>
    <message>
        <source>By error</source>
        <translation>Por erro</translation>
    </message>
    <message>
        <source>no limit</source>
        <translation>sem limite</translation>
    </message>
    <message>
        <source> jobs/s</source>
        <translation> jobs/s</translation>
    </message>
    <message>
        <source>Rate limit:</source>
        <translation>Limite de taxa:</translation>
    </message>
    <message>
        <source>Continue…</source>
        <translation>Continuar…</translation>
    </message>
    <message numerus="yes">
        <source>&lt;b&gt;%1&lt;/b&gt; of %2 job(s) match and would be affected by &lt;b&gt;%3&lt;/b&gt;.</source>
        <translation>
            <numerusform>&lt;b&gt;%1&lt;/b&gt; de %2 job corresponde e seria afetado por &lt;b&gt;%3&lt;/b&gt;.</numerusform>
            <numerusform>&lt;b&gt;%1&lt;/b&gt; de %2 jobs correspondem e seriam afetados por &lt;b&gt;%3&lt;/b&gt;.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>kiq::ui::BusyJobModel</name>
    <message>
        <source>(unreadable job)</source>
        <translation>(job ilegível)</translation>
    </message>
    <message>
        <source>Process</source>
        <translation>Processo</translation>
    </message>
    <message>
        <source>Thread</source>
        <translation>Thread</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>Fila</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>Job</translation>
    </message>
    <message>
        <source>Arguments</source>
        <translation>Argumentos</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Iniciado</translation>
    </message>
    <message>
        <source>Running for</source>
        <translation>Duração</translation>
    </message>
    <message>
        <source>cancelled %1 ago</source>
        <translation>cancelado há %1</translation>
    </message>
    <message>
        <source>execution %1 · %2 iterating · cursor %3</source>
        <translation>execução %1 · %2 iterando · cursor %3</translation>
    </message>
    <message>
        <source>Cursor: %1</source>
        <translation>Cursor: %1</translation>
    </message>
    <message>
        <source>Iteration</source>
        <translation>Iteração</translation>
    </message>
</context>
<context>
    <name>kiq::ui::BusyPage</name>
    <message>
        <source>Reload</source>
        <translation>Recarregar</translation>
    </message>
    <message>
        <source>Quiet selected</source>
        <translation>Silenciar selecionados</translation>
    </message>
    <message>
        <source>Stop selected</source>
        <translation>Parar selecionados</translation>
    </message>
    <message>
        <source>Quiet all</source>
        <translation>Silenciar todos</translation>
    </message>
    <message>
        <source>Stop all</source>
        <translation>Parar todos</translation>
    </message>
    <message>
        <source>Processes</source>
        <translation>Processos</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>Não conectado.</translation>
    </message>
    <message>
        <source>Busy</source>
        <translation>Ocupados</translation>
    </message>
    <message>
        <source>Quiet</source>
        <translation>Silenciar</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Parar</translation>
    </message>
    <message numerus="yes">
        <source>Quiet %n process(es)? They finish their current jobs and fetch no new ones.</source>
        <translation>
            <numerusform>Silenciar %n processo? Ele termina os jobs atuais e não busca novos.</numerusform>
            <numerusform>Silenciar %n processos? Eles terminam os jobs atuais e não buscam novos.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Stop %n process(es)? They shut down; unfinished jobs go back to their queues.</source>
        <translation>
            <numerusform>Parar %n processo? Ele é encerrado; os jobs não concluídos voltam para suas filas.</numerusform>
            <numerusform>Parar %n processos? Eles são encerrados; os jobs não concluídos voltam para suas filas.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 sent to %n process(es); they act at their next heartbeat.</source>
        <translation>
            <numerusform>%1 enviado a %n processo; ele age no próximo heartbeat.</numerusform>
            <numerusform>%1 enviado a %n processos; eles agem no próximo heartbeat.</numerusform>
        </translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Não conectado</translation>
    </message>
    <message>
        <source>No Sidekiq process is running</source>
        <translation>Nenhum processo Sidekiq em execução</translation>
    </message>
    <message>
        <source>Select processes in the table first</source>
        <translation>Selecione processos na tabela primeiro</translation>
    </message>
    <message>
        <source>Stop fetching new jobs; running jobs finish</source>
        <translation>Para de buscar novos jobs; os jobs em execução terminam</translation>
    </message>
    <message>
        <source>Shut the selected processes down</source>
        <translation>Encerra os processos selecionados</translation>
    </message>
    <message>
        <source>Quiet every listed process</source>
        <translation>Silencia todos os processos listados</translation>
    </message>
    <message>
        <source>Shut every listed process down</source>
        <translation>Encerra todos os processos listados</translation>
    </message>
    <message>
        <source>%1, %2</source>
        <translation>%1, %2</translation>
    </message>
    <message numerus="yes">
        <source>%Ln process(es)</source>
        <translation>
            <numerusform>%Ln processo</numerusform>
            <numerusform>%Ln processos</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln job(s) running</source>
        <translation>
            <numerusform>%Ln job em execução</numerusform>
            <numerusform>%Ln jobs em execução</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 failed:</source>
        <translation>%1 falhou:</translation>
    </message>
    <message>
        <source>Copy as command</source>
        <translation>Copiar como comando</translation>
    </message>
    <message>
        <source>Select processes first.</source>
        <translation>Selecione processos primeiro.</translation>
    </message>
    <message>
        <source>Cancel iteration</source>
        <translation>Cancelar iteração</translation>
    </message>
    <message>
        <source>Select a running iterable job first</source>
        <translation>Selecione primeiro um job iterável em execução</translation>
    </message>
    <message>
        <source>Only iterable jobs (Sidekiq 7.3 and later) can be cancelled; this one is not</source>
        <translation>Só jobs iteráveis (Sidekiq 7.3 ou posterior) podem ser cancelados; este não é</translation>
    </message>
    <message>
        <source>Cancelled already: it stops at its next state save</source>
        <translation>Já cancelado: para no próximo salvamento do seu estado</translation>
    </message>
    <message>
        <source>Ask the job to stop at its next state save (about every 5 s)</source>
        <translation>Pedir ao job que pare no próximo salvamento do seu estado (a cada 5 s, aprox.)</translation>
    </message>
    <message>
        <source>Cancel %1 (%2) on %3? It stops at its next state save and runs its on_cancel callback; this cannot be undone.</source>
        <translation>Cancelar %1 (%2) em %3? Ele para no próximo salvamento do seu estado e executa seu callback on_cancel; não é possível desfazer.</translation>
    </message>
    <message>
        <source>Cancel failed:</source>
        <translation>Falha ao cancelar:</translation>
    </message>
    <message>
        <source>%1 is cancelled; it stops at its next state save.</source>
        <translation>%1 foi cancelado; para no próximo salvamento do seu estado.</translation>
    </message>
    <message>
        <source>Filter running jobs by process, queue, job class, arguments or JID</source>
        <translation>Filtrar jobs em execução por processo, fila, classe, argumentos ou JID</translation>
    </message>
    <message numerus="yes">
        <source>%Ln shown</source>
        <translation>
            <numerusform>%Ln exibido</numerusform>
            <numerusform>%Ln exibidos</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>kiq::ui::ChartExport</name>
    <message>
        <source>Export as CSV…</source>
        <translation>Exportar como CSV…</translation>
    </message>
    <message>
        <source>Export as CSV</source>
        <translation>Exportar como CSV</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>Arquivos CSV (*.csv)</translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>Não foi possível gravar %1: %2</translation>
    </message>
</context>
<context>
    <name>kiq::ui::ClientCensusModel</name>
    <message>
        <source>not identified</source>
        <translation>não identificado</translation>
    </message>
    <message>
        <source>%1 more</source>
        <translation>mais %1</translation>
    </message>
    <message>
        <source>Connections waiting in a blocking command, such as Sidekiq&apos;s fetchers in BRPOP.</source>
        <translation>Conexões aguardando em um comando bloqueante, como os fetchers do Sidekiq em BRPOP.</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>Host</translation>
    </message>
    <message>
        <source>Client library</source>
        <translation>Biblioteca cliente</translation>
    </message>
    <message>
        <source>Sidekiq</source>
        <translation>Sidekiq</translation>
    </message>
    <message>
        <source>Connections</source>
        <translation>Conexões</translation>
    </message>
    <message>
        <source>Blocked</source>
        <translation>Bloqueadas</translation>
    </message>
    <message>
        <source>Oldest</source>
        <translation>Mais antiga</translation>
    </message>
    <message>
        <source>Names</source>
        <translation>Nomes</translation>
    </message>
    <message>
        <source>These clients sent no CLIENT SETINFO (Redis 7.2+), so their library and version are unknown. Sidekiq 6 (redis-rb 4) and every client on Redis before 7.2 look like this; Sidekiq 8.1.5+ identifies itself.</source>
        <translation>Estes clientes não enviaram CLIENT SETINFO (Redis 7.2+), então sua biblioteca e versão são desconhecidas. Sidekiq 6 (redis-rb 4) e todo cliente em Redis anterior ao 7.2 aparecem assim; Sidekiq 8.1.5+ se identifica.</translation>
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
        <translation>Nome</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Endereço</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Usuário</translation>
    </message>
    <message>
        <source>Connected for</source>
        <translation>Conectado há</translation>
    </message>
    <message>
        <source>Idle</source>
        <translation>Ocioso</translation>
    </message>
    <message>
        <source>DB</source>
        <translation>DB</translation>
    </message>
    <message>
        <source>Last command</source>
        <translation>Último comando</translation>
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
        <translation>Paleta de comandos</translation>
    </message>
    <message>
        <source>Type an action, a deployment or a page…</source>
        <translation>Digite uma ação, uma implantação ou uma página…</translation>
    </message>
</context>
<context>
    <name>kiq::ui::ConnectionDialog</name>
    <message>
        <source>Enter the server&apos;s host name or address.</source>
        <translation>Informe o nome do host ou o endereço do servidor.</translation>
    </message>
    <message>
        <source>Ask for the password when connecting</source>
        <translation>Pedir a senha ao conectar</translation>
    </message>
    <message>
        <source> ms</source>
        <translation> ms</translation>
    </message>
    <message>
        <source>&amp;Test connection</source>
        <translation>&amp;Testar conexão</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>Conexão</translation>
    </message>
    <message>
        <source>Security</source>
        <translation>Segurança</translation>
    </message>
    <message>
        <source>Advanced</source>
        <translation>Avançado</translation>
    </message>
    <message>
        <source>Tag colour</source>
        <translation>Cor da etiqueta</translation>
    </message>
    <message>
        <source>redis://user:password@host:6379/0 or rediss://…</source>
        <translation>redis://user:password@host:6379/0 ou rediss://…</translation>
    </message>
    <message>
        <source>Fill in</source>
        <translation>Preencher</translation>
    </message>
    <message>
        <source>e.g. Billing production</source>
        <translation>ex.: Faturamento produção</translation>
    </message>
    <message>
        <source>none (e.g. myapp: for redis-namespace)</source>
        <translation>nenhum (ex.: myapp: para redis-namespace)</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>Nome:</translation>
    </message>
    <message>
        <source>Environment:</source>
        <translation>Ambiente:</translation>
    </message>
    <message>
        <source>URL:</source>
        <translation>URL:</translation>
    </message>
    <message>
        <source>Database:</source>
        <translation>Banco de dados:</translation>
    </message>
    <message>
        <source>Namespace prefix:</source>
        <translation>Prefixo de namespace:</translation>
    </message>
    <message>
        <source>default</source>
        <translation>padrão</translation>
    </message>
    <message>
        <source>not saved: asked when connecting</source>
        <translation>não salva: pedida ao conectar</translation>
    </message>
    <message>
        <source>Authentication</source>
        <translation>Autenticação</translation>
    </message>
    <message>
        <source>Username:</source>
        <translation>Usuário:</translation>
    </message>
    <message>
        <source>Password:</source>
        <translation>Senha:</translation>
    </message>
    <message>
        <source>none (CLIENT SETNAME is skipped)</source>
        <translation>nenhum (CLIENT SETNAME não é enviado)</translation>
    </message>
    <message>
        <source>Connect timeout:</source>
        <translation>Tempo limite de conexão:</translation>
    </message>
    <message>
        <source>Command timeout:</source>
        <translation>Tempo limite de comando:</translation>
    </message>
    <message>
        <source>Connection attempts:</source>
        <translation>Tentativas de conexão:</translation>
    </message>
    <message>
        <source>First retry after:</source>
        <translation>Primeira nova tentativa após:</translation>
    </message>
    <message>
        <source>Client name:</source>
        <translation>Nome do cliente:</translation>
    </message>
    <message>
        <source>Cannot read this URL: %1</source>
        <translation>Não foi possível ler esta URL: %1</translation>
    </message>
    <message>
        <source>Testing %1…</source>
        <translation>Testando %1…</translation>
    </message>
    <message>
        <source>Connection failed: %1</source>
        <translation>Falha na conexão: %1</translation>
    </message>
    <message>
        <source>Connected; PING answered in %1. INFO is not allowed for this user: %2</source>
        <translation>Conectado; PING respondeu em %1. INFO não é permitido para este usuário: %2</translation>
    </message>
    <message>
        <source>Connected to Redis %1 (%2); round trip %3.</source>
        <translation>Conectado ao Redis %1 (%2); ida e volta %3.</translation>
    </message>
    <message>
        <source>Read-only: writes need arming with a reason</source>
        <translation>Somente leitura: gravações precisam ser habilitadas com um motivo</translation>
    </message>
    <message>
        <source> min</source>
        <translation> min</translation>
    </message>
    <message>
        <source>Arm for:</source>
        <translation>Habilitar por:</translation>
    </message>
    <message>
        <source>Writes:</source>
        <translation>Gravações:</translation>
    </message>
    <message>
        <source>Production deployments always open read-only.</source>
        <translation>Implantações de produção sempre abrem em somente leitura.</translation>
    </message>
    <message>
        <source>Open this deployment read-only, as production is.</source>
        <translation>Abrir esta implantação em somente leitura, como a produção.</translation>
    </message>
    <message>
        <source> entries</source>
        <translation> entradas</translation>
    </message>
    <message>
        <source>The shared audit trail (the kiqdesk:audit stream in this deployment&apos;s Redis) keeps about this many entries; older ones are trimmed. About 1 KB each.</source>
        <translation>A trilha de auditoria compartilhada (o stream kiqdesk:audit no Redis desta implantação) mantém cerca desta quantidade de entradas; as mais antigas são removidas. Cerca de 1 KB cada.</translation>
    </message>
    <message>
        <source>Audit trail keeps about:</source>
        <translation>A trilha de auditoria mantém cerca de:</translation>
    </message>
    <message>
        <source>&amp;Diagnose…</source>
        <translation>&amp;Diagnosticar…</translation>
    </message>
    <message>
        <source>Take the connection apart step by step and say what to fix</source>
        <translation>Examinar a conexão passo a passo e dizer o que corrigir</translation>
    </message>
    <message>
        <source>Finding the step that fails…</source>
        <translation>Procurando a etapa que falha…</translation>
    </message>
    <message>
        <source>Diagnose… shows every step.</source>
        <translation>Diagnosticar… mostra cada etapa.</translation>
    </message>
    <message>
        <source>As the environment: production 25%, staging 50%, else 100%</source>
        <translation>Conforme o ambiente: produção 25%, staging 50%, senão 100%</translation>
    </message>
    <message>
        <source>%1% of Redis time</source>
        <translation>%1% do tempo do Redis</translation>
    </message>
    <message>
        <source>Unlimited (fastest, heaviest on other clients)</source>
        <translation>Ilimitado (mais rápido, mais pesado para outros clientes)</translation>
    </message>
    <message>
        <source>Bulk actions, job index builds and the security audit&apos;s sample keep Redis busy at most this share of each second, so the apps sharing it keep their latency. They slow down further while the server answers late.</source>
        <translation>Ações em massa, a construção do índice de jobs e a amostra da auditoria de segurança ocupam o Redis no máximo esta fração de cada segundo, para que os apps que o compartilham mantenham sua latência. Eles desaceleram ainda mais quando o servidor responde com atraso.</translation>
    </message>
    <message>
        <source>Long operations may take:</source>
        <translation>Operações longas podem usar:</translation>
    </message>
    <message>
        <source>Redis runs one command at a time: every other client waits while one of ours runs. Calls are sized by measured time to hold it about this long.</source>
        <translation>O Redis executa um comando por vez: todos os outros clientes esperam enquanto um dos nossos roda. As chamadas são dimensionadas pelo tempo medido para ocupá-lo mais ou menos esse tempo.</translation>
    </message>
    <message>
        <source>One call holds Redis about:</source>
        <translation>Uma chamada ocupa o Redis cerca de:</translation>
    </message>
    <message>
        <source>Post this deployment&apos;s alerts to a webhook (its URL comes from the source above)</source>
        <translation>Enviar os alertas desta implantação para um webhook (a URL vem da origem acima)</translation>
    </message>
    <message>
        <source>Each alert as a JSON POST, for chat tools. The URL holds the tool&apos;s token: it is kept like a password, never in the profile file.</source>
        <translation>Cada alerta como um POST JSON, para ferramentas de chat. A URL contém o token da ferramenta: é guardada como uma senha, nunca no arquivo de perfis.</translation>
    </message>
</context>
<context>
    <name>kiq::ui::DailyHistoryChart</name>
    <message>
        <source>Processed</source>
        <translation>Processados</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Falhos</translation>
    </message>
    <message>
        <source>Daily history (Sidekiq, UTC days)</source>
        <translation>Histórico diário (Sidekiq, dias UTC)</translation>
    </message>
    <message>
        <source>%1 (UTC): %2 processed, %3 failed</source>
        <translation>%1 (UTC): %2 processados, %3 com falha</translation>
    </message>
</context>
<context>
    <name>kiq::ui::Deployment</name>
    <message>
        <source>Not connected</source>
        <translation>Não conectado</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Conectando…</translation>
    </message>
    <message>
        <source>Reachable</source>
        <translation>Acessível</translation>
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
        <translation>habilite as gravações com um motivo primeiro</translation>
    </message>
    <message>
        <source>%1. Try again (or press F5) to enter the password again.</source>
        <translation>%1. Tente novamente (ou pressione F5) para digitar a senha de novo.</translation>
    </message>
    <message>
        <source>Server certificate</source>
        <translation>Certificado do servidor</translation>
    </message>
    <message>
        <source>CA certificate</source>
        <translation>Certificado da CA</translation>
    </message>
    <message>
        <source>Client certificate</source>
        <translation>Certificado do cliente</translation>
    </message>
    <message numerus="yes">
        <source>%1 “%2” expired %n day(s) ago (%3)</source>
        <translation>
            <numerusform>%1 “%2” expirou há %n dia (%3)</numerusform>
            <numerusform>%1 “%2” expirou há %n dias (%3)</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 “%2” expires today (%3)</source>
        <translation>%1 “%2” expira hoje (%3)</translation>
    </message>
    <message numerus="yes">
        <source>%1 “%2” expires in %n day(s) (%3)</source>
        <translation>
            <numerusform>%1 “%2” expira em %n dia (%3)</numerusform>
            <numerusform>%1 “%2” expira em %n dias (%3)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>kiq::ui::DeploymentPage</name>
    <message>
        <source>This page has no write path.</source>
        <translation>Esta página não faz gravações.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Undo failed:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;Falha ao desfazer:&lt;/b&gt; %1</translation>
    </message>
    <message numerus="yes">
        <source>Put back %1 job(s), %2 already there</source>
        <translation>
            <numerusform>%1 job devolvido, %2 já estavam lá</numerusform>
            <numerusform>%1 jobs devolvidos, %2 já estavam lá</numerusform>
        </translation>
    </message>
    <message>
        <source>Copied the command; replace the --arm placeholder with the reason before running it.</source>
        <translation>Comando copiado; substitua o marcador de --arm pelo motivo antes de executá-lo.</translation>
    </message>
    <message>
        <source>Copied the command: %1</source>
        <translation>Comando copiado: %1</translation>
    </message>
    <message>
        <source>Not permitted for user %1: needs %2</source>
        <translation>Não permitido para o usuário %1: precisa de %2</translation>
    </message>
    <message>
        <source>&lt;b&gt;Export failed:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;Falha ao exportar:&lt;/b&gt; %1</translation>
    </message>
    <message>
        <source>&lt;b&gt;Could not write %1:&lt;/b&gt; %2</source>
        <translation>&lt;b&gt;Não foi possível gravar %1:&lt;/b&gt; %2</translation>
    </message>
    <message>
        <source> · %1 no longer there</source>
        <translation> · %1 não estão mais lá</translation>
    </message>
    <message>
        <source> · arguments as they are (recorded in the audit trail)</source>
        <translation> · argumentos como estão (registrado na trilha de auditoria)</translation>
    </message>
    <message>
        <source> · redacted: for reading, not for import</source>
        <translation> · ocultado: para leitura, não para importação</translation>
    </message>
    <message>
        <source>&lt;b&gt;Could not read %1:&lt;/b&gt; %2</source>
        <translation>&lt;b&gt;Não foi possível ler %1:&lt;/b&gt; %2</translation>
    </message>
    <message>
        <source>%1 is a redacted export: its arguments are masked, so its jobs cannot be imported. Export them again with the arguments as they are.</source>
        <translation>%1 é uma exportação ocultada: seus argumentos estão mascarados, então seus jobs não podem ser importados. Exporte-os novamente com os argumentos como estão.</translation>
    </message>
    <message>
        <source>No jobs in %1%2</source>
        <translation>Nenhum job em %1%2</translation>
    </message>
    <message>
        <source>Import jobs</source>
        <translation>Importar jobs</translation>
    </message>
    <message>
        <source>&lt;b&gt;Import failed:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;Falha ao importar:&lt;/b&gt; %1</translation>
    </message>
    <message>
        <source>Job file</source>
        <translation>Arquivo de jobs</translation>
    </message>
    <message>
        <source>Export jobs</source>
        <translation>Exportar jobs</translation>
    </message>
    <message>
        <source>Job files (*.jsonl);;All files (*)</source>
        <translation>Arquivos de jobs (*.jsonl);;Todos os arquivos (*)</translation>
    </message>
    <message>
        <source>Export selected…</source>
        <translation>Exportar seleção…</translation>
    </message>
    <message>
        <source>Export selected with arguments as they are…</source>
        <translation>Exportar seleção com os argumentos como estão…</translation>
    </message>
    <message>
        <source>Byte-exact, for import elsewhere; recorded in the audit trail</source>
        <translation>Exato byte a byte, para importar em outro lugar; registrado na trilha de auditoria</translation>
    </message>
    <message>
        <source>Import jobs…</source>
        <translation>Importar jobs…</translation>
    </message>
    <message numerus="yes">
        <source>Exported %1 job(s) to %2</source>
        <translation>
            <numerusform>%1 job exportado para %2</numerusform>
            <numerusform>%1 jobs exportados para %2</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Import %1 job(s) from %2 into %3?</source>
        <translation>
            <numerusform>Importar %1 job de %2 para %3?</numerusform>
            <numerusform>Importar %1 jobs de %2 para %3?</numerusform>
        </translation>
    </message>
    <message>
        <source>Lines that could not be read, left out: %1; the first: %2</source>
        <translation>Linhas que não puderam ser lidas, deixadas de fora: %1; a primeira: %2</translation>
    </message>
    <message numerus="yes">
        <source>Imported %1 job(s), %2 already there, %3 not jobs, %4 unreadable lines</source>
        <translation>
            <numerusform>%1 job importado, %2 já estavam lá, %3 não são jobs, %4 linhas ilegíveis</numerusform>
            <numerusform>%1 jobs importados, %2 já estavam lá, %3 não são jobs, %4 linhas ilegíveis</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>kiq::ui::DeploymentView</name>
    <message>
        <source>Connect…</source>
        <translation>Conectar…</translation>
    </message>
    <message>
        <source>&lt;b&gt;Warning:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;Aviso:&lt;/b&gt; %1</translation>
    </message>
    <message>
        <source>Try again…</source>
        <translation>Tentar novamente…</translation>
    </message>
    <message>
        <source>Read-only</source>
        <translation>Somente leitura</translation>
    </message>
    <message>
        <source>Writes to this deployment are refused until you arm them with a reason.</source>
        <translation>As gravações nesta implantação são recusadas até que você as habilite com um motivo.</translation>
    </message>
    <message>
        <source>Arm writes…</source>
        <translation>Habilitar gravações…</translation>
    </message>
    <message>
        <source>Allow writes for a while, with a reason</source>
        <translation>Permitir gravações por um tempo, com um motivo</translation>
    </message>
    <message>
        <source>until disarmed</source>
        <translation>até desabilitar</translation>
    </message>
    <message>
        <source>%1:%2 left</source>
        <translation>faltam %1:%2</translation>
    </message>
    <message>
        <source>Writes armed: %1</source>
        <translation>Gravações habilitadas: %1</translation>
    </message>
    <message>
        <source>Armed by %1 at %2: %3</source>
        <translation>Habilitado por %1 às %2: %3</translation>
    </message>
    <message>
        <source>Disarm</source>
        <translation>Desabilitar</translation>
    </message>
    <message>
        <source>Back to read-only now</source>
        <translation>Voltar a somente leitura agora</translation>
    </message>
</context>
<context>
    <name>kiq::ui::DoctorDialog</name>
    <message>
        <source>Run &amp;again</source>
        <translation>&amp;Executar de novo</translation>
    </message>
    <message>
        <source>&amp;Copy report</source>
        <translation>&amp;Copiar relatório</translation>
    </message>
    <message>
        <source>Connection doctor — %1</source>
        <translation>Diagnóstico de conexão — %1</translation>
    </message>
    <message>
        <source>Sentinel</source>
        <translation>Sentinel</translation>
    </message>
    <message>
        <source>Name lookup</source>
        <translation>Resolução de nome</translation>
    </message>
    <message>
        <source>TCP connection</source>
        <translation>Conexão TCP</translation>
    </message>
    <message>
        <source>Certificate files</source>
        <translation>Arquivos de certificado</translation>
    </message>
    <message>
        <source>TLS handshake</source>
        <translation>Handshake TLS</translation>
    </message>
    <message>
        <source>Server certificate</source>
        <translation>Certificado do servidor</translation>
    </message>
    <message>
        <source>Client certificate</source>
        <translation>Certificado de cliente</translation>
    </message>
    <message>
        <source>Authentication</source>
        <translation>Autenticação</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>Servidor</translation>
    </message>
    <message>
        <source>Reading Sidekiq&apos;s data</source>
        <translation>Leitura dos dados do Sidekiq</translation>
    </message>
    <message>
        <source>Writing (armed)</source>
        <translation>Escrita (armada)</translation>
    </message>
    <message>
        <source>Examining %1…</source>
        <translation>Examinando %1…</translation>
    </message>
    <message>
        <source>The credential helper failed: %1</source>
        <translation>O auxiliar de credenciais falhou: %1</translation>
    </message>
    <message>
        <source>No password is at hand: the doctor connects without it.</source>
        <translation>Nenhuma senha disponível: o diagnóstico conecta sem ela.</translation>
    </message>
    <message>
        <source>No Sentinel password is at hand: the doctor connects without it.</source>
        <translation>Nenhuma senha do Sentinel disponível: o diagnóstico conecta sem ela.</translation>
    </message>
    <message>
        <source>No passphrase for the client key is at hand: the doctor loads the key without it.</source>
        <translation>Nenhuma frase secreta para a chave de cliente: o diagnóstico carrega a chave sem ela.</translation>
    </message>
    <message>
        <source>pass</source>
        <translation>ok</translation>
    </message>
    <message>
        <source>warn</source>
        <translation>aviso</translation>
    </message>
    <message>
        <source>fail</source>
        <translation>falha</translation>
    </message>
    <message>
        <source>skipped</source>
        <translation>ignorado</translation>
    </message>
    <message>
        <source>Fix:</source>
        <translation>Correção:</translation>
    </message>
    <message numerus="yes">
        <source>%n step(s) failed</source>
        <translation>
            <numerusform>%n etapa falhou</numerusform>
            <numerusform>%n etapas falharam</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>, %n warning(s)</source>
        <translation>
            <numerusform>, %n aviso</numerusform>
            <numerusform>, %n avisos</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The connection works, with %n warning(s)</source>
        <translation>
            <numerusform>A conexão funciona, com %n aviso</numerusform>
            <numerusform>A conexão funciona, com %n avisos</numerusform>
        </translation>
    </message>
    <message>
        <source>Every step passed</source>
        <translation>Todas as etapas passaram</translation>
    </message>
</context>
<context>
    <name>kiq::ui::Environment</name>
    <message>
        <source>Development</source>
        <translation>Desenvolvimento</translation>
    </message>
    <message>
        <source>Staging</source>
        <translation>Homologação</translation>
    </message>
    <message>
        <source>Production</source>
        <translation>Produção</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>Outro</translation>
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
        <translation>Tempos de execução de %1 (jobs bem-sucedidos)</translation>
    </message>
    <message>
        <source>Execution times</source>
        <translation>Tempos de execução</translation>
    </message>
    <message>
        <source>over %1</source>
        <translation>acima de %1</translation>
    </message>
    <message>
        <source>under %1</source>
        <translation>abaixo de %1</translation>
    </message>
    <message numerus="yes">
        <source>%1: %2 job(s)</source>
        <translation>
            <numerusform>%1: %2 job</numerusform>
            <numerusform>%1: %2 jobs</numerusform>
        </translation>
    </message>
    <message>
        <source>Execution time, up to</source>
        <translation>Tempo de execução, até</translation>
    </message>
</context>
<context>
    <name>kiq::ui::FailureGroupModel</name>
    <message>
        <source>(no error)</source>
        <translation>(sem erro)</translation>
    </message>
    <message>
        <source>Jobs</source>
        <translation>Jobs</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Erro</translation>
    </message>
    <message>
        <source>Message (normalised)</source>
        <translation>Mensagem (normalizada)</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>Job</translation>
    </message>
    <message>
        <source>First seen</source>
        <translation>Visto pela primeira vez</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>Visto por último</translation>
    </message>
</context>
<context>
    <name>kiq::ui::FirstRunDialog</name>
    <message>
        <source>Welcome to Kiqdesk</source>
        <translation>Bem-vindo ao Kiqdesk</translation>
    </message>
    <message>
        <source>Kiqdesk watches Sidekiq job systems on Redis. There is no connection yet.</source>
        <translation>O Kiqdesk monitora sistemas de jobs Sidekiq no Redis. Ainda não há nenhuma conexão.</translation>
    </message>
    <message>
        <source>Start a local sandbox</source>
        <translation>Iniciar um sandbox local</translation>
    </message>
    <message>
        <source>A private Redis on this computer, gone when Kiqdesk quits. Nothing you do there touches a real deployment.</source>
        <translation>Um Redis privado neste computador, que some quando o Kiqdesk é fechado. Nada do que você fizer nele afeta uma implantação real.</translation>
    </message>
    <message>
        <source>Add a connection</source>
        <translation>Adicionar uma conexão</translation>
    </message>
    <message>
        <source>Connect to your own Redis: standalone, Sentinel or Cluster, with or without TLS.</source>
        <translation>Conecte-se ao seu próprio Redis: standalone, Sentinel ou Cluster, com ou sem TLS.</translation>
    </message>
    <message>
        <source>Not now</source>
        <translation>Agora não</translation>
    </message>
</context>
<context>
    <name>kiq::ui::FleetModel</name>
    <message>
        <source>Deployment</source>
        <translation>Implantação</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Enqueued</source>
        <translation>Enfileirados</translation>
    </message>
    <message>
        <source>Max latency</source>
        <translation>Latência máx.</translation>
    </message>
    <message>
        <source>Busy</source>
        <translation>Ocupados</translation>
    </message>
    <message>
        <source>Processes</source>
        <translation>Processos</translation>
    </message>
    <message>
        <source>Retries</source>
        <translation>Novas tentativas</translation>
    </message>
    <message>
        <source>Dead</source>
        <translation>Mortos</translation>
    </message>
    <message>
        <source>Dead, last hour</source>
        <translation>Mortos, última hora</translation>
    </message>
    <message>
        <source>Redis memory</source>
        <translation>Memória do Redis</translation>
    </message>
    <message>
        <source>Queue “%1”</source>
        <translation>Fila “%1”</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Erro</translation>
    </message>
    <message>
        <source>Reachable</source>
        <translation>Acessível</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Não conectado</translation>
    </message>
    <message>
        <source>no jobs waiting</source>
        <translation>nenhum job aguardando</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 de %2</translation>
    </message>
    <message>
        <source>Jobs that died since %1 and are still in the dead set</source>
        <translation>Jobs que morreram desde %1 e ainda estão no conjunto de mortos</translation>
    </message>
    <message>
        <source>Security</source>
        <translation>Segurança</translation>
    </message>
    <message>
        <source>auditing…</source>
        <translation>auditando…</translation>
    </message>
    <message>
        <source>%1 fail · %2 warn</source>
        <translation>%1 falhas · %2 avisos</translation>
    </message>
    <message>
        <source>%1 fail</source>
        <translation>%1 falhas</translation>
    </message>
    <message>
        <source>%1 warn</source>
        <translation>%1 avisos</translation>
    </message>
    <message>
        <source>pass</source>
        <translation>ok</translation>
    </message>
    <message>
        <source>Not audited yet: Audit all, or the deployment&apos;s Security page</source>
        <translation>Ainda não auditado: «Auditar tudo» ou a página Segurança da implantação</translation>
    </message>
    <message>
        <source>Audited %1: %2 fail, %3 warn, %4 could not check, %5 pass</source>
        <translation>Auditado %1: %2 falhas, %3 avisos, %4 não verificáveis, %5 ok</translation>
    </message>
    <message>
        <source>Forecast</source>
        <translation>Previsão</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>measuring…</source>
        <translation>medindo…</translation>
    </message>
    <message>
        <source>All queues: %1 jobs/min arrive, %2 jobs/min done.</source>
        <translation>Todas as filas: chegam %1 jobs/min, %2 jobs/min concluídos.</translation>
    </message>
    <message>
        <source>%1 of Sidekiq&apos;s cap of %2 dead jobs (%3 %)</source>
        <translation>%1 do limite do Sidekiq de %2 jobs mortos (%3%)</translation>
    </message>
    <message>
        <source>At the cap: each new dead job drops the oldest.</source>
        <translation>No limite: cada novo job morto descarta o mais antigo.</translation>
    </message>
    <message numerus="yes">
        <source>About %1 dropped in the last hour (by the cap, or removed by hand).</source>
        <translation>
            <numerusform>Cerca de %1 descartado na última hora (pelo limite, ou removido à mão).</numerusform>
            <numerusform>Cerca de %1 descartados na última hora (pelo limite, ou removidos à mão).</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>kiq::ui::FleetSearchDialog</name>
    <message>
        <source>&amp;Search</source>
        <translation>&amp;Pesquisar</translation>
    </message>
    <message>
        <source>S&amp;top</source>
        <translation>P&amp;arar</translation>
    </message>
    <message>
        <source>Find in all deployments</source>
        <translation>Procurar em todas as implantações</translation>
    </message>
    <message>
        <source>A JID, or text in a job&apos;s class, arguments or error</source>
        <translation>Um JID, ou texto na classe, nos argumentos ou no erro de um job</translation>
    </message>
    <message>
        <source>Deployment</source>
        <translation>Implantação</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>Progresso</translation>
    </message>
    <message>
        <source>Hits</source>
        <translation>Resultados</translation>
    </message>
    <message>
        <source>Arguments and messages are matched as each deployment&apos;s redaction rules show them. Open a hit (double-click or Enter) to see it on its page.</source>
        <translation>Argumentos e mensagens são comparados como as regras de ocultação de cada implantação os mostram. Abra um resultado (clique duplo ou Enter) para vê-lo na sua página.</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Não conectado</translation>
    </message>
    <message>
        <source>The connection was reset</source>
        <translation>A conexão foi redefinida</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>Parada</translation>
    </message>
    <message>
        <source>%1 (after %2 of %3 jobs)</source>
        <translation>%1 (após %2 de %3 jobs)</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Iniciando…</translation>
    </message>
    <message>
        <source>Reading %1: %2 of %3 jobs</source>
        <translation>Lendo %1: %2 de %3 jobs</translation>
    </message>
    <message>
        <source>Stopped at %1 hits: narrow the search</source>
        <translation>Parada em %1 resultados: refine a pesquisa</translation>
    </message>
    <message>
        <source>Done: %1 jobs in %2</source>
        <translation>Concluído: %1 jobs em %2</translation>
    </message>
    <message>
        <source>Type a JID or some text, then Enter.</source>
        <translation>Digite um JID ou um texto e pressione Enter.</translation>
    </message>
    <message numerus="yes">
        <source>%1 hit(s)</source>
        <translation>
            <numerusform>%1 resultado</numerusform>
            <numerusform>%1 resultados</numerusform>
        </translation>
    </message>
    <message>
        <source>Searching %1 of %2 deployments… %3 so far, %4 jobs examined</source>
        <translation>Pesquisando %1 de %2 implantações… %3 até agora, %4 jobs examinados</translation>
    </message>
    <message>
        <source>%1 in %2 jobs</source>
        <translation>%1 em %2 jobs</translation>
    </message>
</context>
<context>
    <name>kiq::ui::FleetSearchModel</name>
    <message>
        <source>Busy on %1</source>
        <translation>Em execução em %1</translation>
    </message>
    <message>
        <source>Queue %1</source>
        <translation>Fila %1</translation>
    </message>
    <message>
        <source>Scheduled</source>
        <translation>Agendados</translation>
    </message>
    <message>
        <source>Retries</source>
        <translation>Novas tentativas</translation>
    </message>
    <message>
        <source>Dead</source>
        <translation>Mortos</translation>
    </message>
    <message>
        <source>Malformed: %1</source>
        <translation>Malformado: %1</translation>
    </message>
    <message>
        <source>Deployment</source>
        <translation>Implantação</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>Onde</translation>
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
        <translation>Erro</translation>
    </message>
    <message>
        <source>Arguments</source>
        <translation>Argumentos</translation>
    </message>
</context>
<context>
    <name>kiq::ui::FleetView</name>
    <message>
        <source>Fleet overview</source>
        <translation>Visão da frota</translation>
    </message>
    <message numerus="yes">
        <source>Every deployment, refreshed every %n second(s). Double-click a row to open it.</source>
        <translation>
            <numerusform>Todas as implantações, atualizadas a cada %n segundo. Clique duas vezes em uma linha para abri-la.</numerusform>
            <numerusform>Todas as implantações, atualizadas a cada %n segundos. Clique duas vezes em uma linha para abri-la.</numerusform>
        </translation>
    </message>
    <message>
        <source>Updated at %1</source>
        <translation>Atualizado às %1</translation>
    </message>
    <message>
        <source>Audit all</source>
        <translation>Auditar tudo</translation>
    </message>
    <message>
        <source>Run the security audit of every connected deployment (reads only)</source>
        <translation>Executar a auditoria de segurança de cada implantação conectada (somente leitura)</translation>
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
        <translation>%1 d</translation>
    </message>
    <message>
        <source>over %1 SLO</source>
        <translation>acima do SLO de %1</translation>
    </message>
    <message>
        <source>breaches %1 SLO in ~%2</source>
        <translation>ultrapassa o SLO de %1 em ~%2</translation>
    </message>
    <message>
        <source>measuring…</source>
        <translation>medindo…</translation>
    </message>
    <message>
        <source>keeps up</source>
        <translation>acompanha</translation>
    </message>
    <message>
        <source>empty in ~%1</source>
        <translation>vazia em ~%1</translation>
    </message>
    <message>
        <source>growing %1/min</source>
        <translation>cresce %1/min</translation>
    </message>
    <message>
        <source>A forecast needs a few refreshes of history.</source>
        <translation>Uma previsão precisa do histórico de algumas atualizações.</translation>
    </message>
    <message>
        <source>Empty.</source>
        <translation>Vazia.</translation>
    </message>
    <message>
        <source>Draining %1 jobs/min.</source>
        <translation>Esvaziando %1 jobs/min.</translation>
    </message>
    <message>
        <source>Growing %1 jobs/min.</source>
        <translation>Crescendo %1 jobs/min.</translation>
    </message>
    <message>
        <source>Arrivals and completions about even.</source>
        <translation>Chegadas e conclusões praticamente iguais.</translation>
    </message>
    <message>
        <source>Latency %1, rising %2/min.</source>
        <translation>Latência %1, subindo %2/min.</translation>
    </message>
    <message>
        <source>Latency %1, falling %2/min.</source>
        <translation>Latência %1, caindo %2/min.</translation>
    </message>
    <message>
        <source>In 5 min: %1 · in 15 min: %2.</source>
        <translation>Em 5 min: %1 · em 15 min: %2.</translation>
    </message>
    <message>
        <source>Over its %1 SLO.</source>
        <translation>Acima do seu SLO de %1.</translation>
    </message>
    <message>
        <source>Breaches the %1 SLO in ~%2.</source>
        <translation>Ultrapassa o SLO de %1 em ~%2.</translation>
    </message>
</context>
<context>
    <name>kiq::ui::Formatting</name>
    <message>
        <source>%1 d %2 h</source>
        <translation>%1 d %2 h</translation>
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
            <numerusform>%n ano</numerusform>
            <numerusform>%n anos</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 (clock skew or bad timestamp?)</source>
        <translation>%1 (relógio dessincronizado ou timestamp inválido?)</translation>
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
        <translation>Fila</translation>
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
        <translation>Iniciado</translation>
    </message>
    <message>
        <source>Running for</source>
        <translation>Duração</translation>
    </message>
    <message>
        <source>Replay of %1 from %2 (%3), which failed with %4</source>
        <translation>Reprodução de %1 de %2 (%3), que falhou com %4</translation>
    </message>
</context>
<context>
    <name>kiq::ui::IndexedJobBrowser</name>
    <message>
        <source>&lt;b&gt;Failures by cause&lt;/b&gt; (select one to filter the jobs to it)</source>
        <translation>&lt;b&gt;Falhas por causa&lt;/b&gt; (selecione uma para filtrar os jobs por ela)</translation>
    </message>
</context>
<context>
    <name>kiq::ui::IndexedJobModel</name>
    <message>
        <source>(unreadable job)</source>
        <translation>(job ilegível)</translation>
    </message>
    <message>
        <source>Unreadable payload (open it to see why)</source>
        <translation>Payload ilegível (abra-o para ver o motivo)</translation>
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
        <translation>Tentar novamente</translation>
    </message>
    <message>
        <source>Enqueue now</source>
        <translation>Enfileirar agora</translation>
    </message>
    <message>
        <source>Move</source>
        <translation>Mover</translation>
    </message>
    <message>
        <source>Kill</source>
        <translation>Matar</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Excluir</translation>
    </message>
</context>
<context>
    <name>kiq::ui::JobInspector</name>
    <message>
        <source>Copy JID</source>
        <translation>Copiar JID</translation>
    </message>
    <message>
        <source>Copy payload</source>
        <translation>Copiar payload</translation>
    </message>
    <message>
        <source>&lt;i&gt;This job is no longer in the set (retried, deleted or moved since it was listed).&lt;/i&gt;</source>
        <translation>&lt;i&gt;Este job não está mais no conjunto (foi tentado novamente, excluído ou movido depois de listado).&lt;/i&gt;</translation>
    </message>
    <message>
        <source>&lt;i&gt;Select a job to see it in full.&lt;/i&gt;</source>
        <translation>&lt;i&gt;Selecione um job para vê-lo por completo.&lt;/i&gt;</translation>
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
            <numerusform>%n d</numerusform>
            <numerusform>%n d</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>%1 ago</source>
        <translation>há %1</translation>
    </message>
    <message>
        <source>in %1</source>
        <translation>em %1</translation>
    </message>
    <message>
        <source>This payload could not be read:</source>
        <translation>Não foi possível ler este payload:</translation>
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
        <translation>Fila</translation>
    </message>
    <message>
        <source>Score time</source>
        <translation>Hora da pontuação</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Criado</translation>
    </message>
    <message>
        <source>Enqueued</source>
        <translation>Enfileirados</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Falhos</translation>
    </message>
    <message>
        <source>Retried</source>
        <translation>Nova tentativa em</translation>
    </message>
    <message>
        <source>Retry count</source>
        <translation>Número de tentativas</translation>
    </message>
    <message>
        <source>Arguments</source>
        <translation>Argumentos</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Erro</translation>
    </message>
    <message>
        <source>Backtrace</source>
        <translation>Backtrace</translation>
    </message>
    <message>
        <source>Could not decode: %1</source>
        <translation>Não foi possível decodificar: %1</translation>
    </message>
    <message>
        <source>Payload</source>
        <translation>Payload</translation>
    </message>
    <message>
        <source>Decoding…</source>
        <translation>Decodificando…</translation>
    </message>
    <message>
        <source>Reveal</source>
        <translation>Revelar</translation>
    </message>
    <message>
        <source>Show this job&apos;s arguments as they are, without the profile&apos;s redaction rules. Recorded in the audit trail.</source>
        <translation>Mostra os argumentos deste job como estão, sem as regras de ocultação do perfil. Registrado na trilha de auditoria.</translation>
    </message>
    <message>
        <source>succeeded %1</source>
        <translation>concluído %1</translation>
    </message>
    <message>
        <source>failed %1:</source>
        <translation>falhou %1:</translation>
    </message>
    <message>
        <source>no outcome noted on this machine yet</source>
        <translation>nenhum resultado registrado nesta máquina ainda</translation>
    </message>
    <message>
        <source>Replay of</source>
        <translation>Reprodução de</translation>
    </message>
    <message>
        <source>%1 from %2 (%3)</source>
        <translation>%1 de %2 (%3)</translation>
    </message>
    <message>
        <source>Original failure</source>
        <translation>Falha original</translation>
    </message>
    <message>
        <source>This run</source>
        <translation>Esta execução</translation>
    </message>
    <message>
        <source>Replayed</source>
        <translation>Reproduzido</translation>
    </message>
    <message>
        <source>into %1, queue %2, %3 as %4: %5</source>
        <translation>em %1, fila %2, %3 como %4: %5</translation>
    </message>
</context>
<context>
    <name>kiq::ui::JobPageStatus</name>
    <message numerus="yes">
        <source>%1 match(es) the filter</source>
        <translation>
            <numerusform>%1 corresponde ao filtro</numerusform>
            <numerusform>%1 correspondem ao filtro</numerusform>
        </translation>
    </message>
    <message>
        <source> · %1 more not checked: their args are over %2 bytes or their error message over %3 bytes, longer than the index keeps (%4)</source>
        <translation> · mais %1 não verificados: seus argumentos passam de %2 bytes ou a mensagem de erro passa de %3 bytes, mais do que o índice guarda (%4)</translation>
    </message>
</context>
<context>
    <name>kiq::ui::JobSetPage</name>
    <message>
        <source>Next retry</source>
        <translation>Próxima tentativa</translation>
    </message>
    <message>
        <source>Died</source>
        <translation>Morreu</translation>
    </message>
    <message>
        <source>Runs at</source>
        <translation>Executa às</translation>
    </message>
    <message>
        <source>Reload</source>
        <translation>Recarregar</translation>
    </message>
    <message>
        <source>Enqueue now</source>
        <translation>Enfileirar agora</translation>
    </message>
    <message>
        <source>Retry now</source>
        <translation>Tentar agora</translation>
    </message>
    <message>
        <source>Move to queue…</source>
        <translation>Mover para a fila…</translation>
    </message>
    <message>
        <source>Kill</source>
        <translation>Matar</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Excluir</translation>
    </message>
    <message>
        <source>All matching…</source>
        <translation>Todos os correspondentes…</translation>
    </message>
    <message>
        <source>Act on every job in the set that matches the filter, not only the selected rows</source>
        <translation>Age sobre todos os jobs do conjunto que correspondem ao filtro, não apenas as linhas selecionadas</translation>
    </message>
    <message>
        <source>%1 all in group…</source>
        <translation>%1: todos do grupo…</translation>
    </message>
    <message>
        <source>Focus the filter</source>
        <translation>Focar o filtro</translation>
    </message>
    <message>
        <source>Retries</source>
        <translation>Novas tentativas</translation>
    </message>
    <message>
        <source>Dead</source>
        <translation>Mortos</translation>
    </message>
    <message>
        <source>Scheduled</source>
        <translation>Agendados</translation>
    </message>
    <message>
        <source>&lt;b&gt;Could not read the job:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;Não foi possível ler o job:&lt;/b&gt; %1</translation>
    </message>
    <message>
        <source>%1 jobs are selected; above %2, use “All matching…” with a filter instead.</source>
        <translation>%1 jobs estão selecionados; acima de %2, use “Todos os correspondentes…” com um filtro.</translation>
    </message>
    <message>
        <source>Move to queue</source>
        <translation>Mover para a fila</translation>
    </message>
    <message>
        <source>Queue name:</source>
        <translation>Nome da fila:</translation>
    </message>
    <message numerus="yes">
        <source>%1 %n selected job(s) in %2?</source>
        <translation>
            <numerusform>%1: %n job selecionado em %2?</numerusform>
            <numerusform>%1: %n jobs selecionados em %2?</numerusform>
        </translation>
    </message>
    <message>
        <source>Working…</source>
        <translation>Em andamento…</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1 failed:&lt;/b&gt; %2</source>
        <translation>&lt;b&gt;%1 falhou:&lt;/b&gt; %2</translation>
    </message>
    <message>
        <source>%1: %2 done, %3 already gone, %4 skipped</source>
        <translation>%1: %2 feitos, %3 já não existiam, %4 ignorados</translation>
    </message>
    <message>
        <source>Fix the filter first: “all matching” uses it.</source>
        <translation>Corrija o filtro primeiro: “todos os correspondentes” o utiliza.</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>Não conectado.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Could not read the set:&lt;/b&gt; %1 (retrying)</source>
        <translation>&lt;b&gt;Não foi possível ler o conjunto:&lt;/b&gt; %1 (tentando novamente)</translation>
    </message>
    <message>
        <source>Reload (F5)</source>
        <translation>Recarregar (F5)</translation>
    </message>
    <message>
        <source>The filter no longer names the selected failure group: select the group again.</source>
        <translation>O filtro não corresponde mais ao grupo de falhas selecionado: selecione o grupo novamente.</translation>
    </message>
    <message>
        <source>%1: %2 (%3)</source>
        <translation>%1: %2 (%3)</translation>
    </message>
    <message>
        <source>Failure group: %1</source>
        <translation>Grupo de falhas: %1</translation>
    </message>
    <message>
        <source>No filter: every job in %1.</source>
        <translation>Sem filtro: todos os jobs em %1.</translation>
    </message>
    <message>
        <source>Filter: %1</source>
        <translation>Filtro: %1</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Não conectado</translation>
    </message>
    <message>
        <source>Select jobs in the table first</source>
        <translation>Selecione jobs na tabela primeiro</translation>
    </message>
    <message>
        <source>Select a failure group first</source>
        <translation>Selecione um grupo de falhas primeiro</translation>
    </message>
    <message>
        <source>Fix the filter first: “all matching” uses it</source>
        <translation>Corrija o filtro primeiro: “todos os correspondentes” o utiliza</translation>
    </message>
    <message numerus="yes">
        <source>Indexing the set… %1 of %2 job(s) read (%3%)</source>
        <translation>
            <numerusform>Indexando o conjunto… %1 de %2 job lido (%3%)</numerusform>
            <numerusform>Indexando o conjunto… %1 de %2 jobs lidos (%3%)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Indexing the set… %1 job(s) read so far</source>
        <translation>
            <numerusform>Indexando o conjunto… %1 job lido até agora</numerusform>
            <numerusform>Indexando o conjunto… %1 jobs lidos até agora</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 job(s) in the set</source>
        <translation>
            <numerusform>%1 job no conjunto</numerusform>
            <numerusform>%1 jobs no conjunto</numerusform>
        </translation>
    </message>
    <message>
        <source>Restoring…</source>
        <translation>Restaurando…</translation>
    </message>
    <message>
        <source>“All matching…” checks them</source>
        <translation>“Todos os correspondentes…” os verifica</translation>
    </message>
    <message>
        <source>Copy as command</source>
        <translation>Copiar como comando</translation>
    </message>
    <message>
        <source>List the matching jobs</source>
        <translation>Listar os jobs correspondentes</translation>
    </message>
    <message>
        <source>Selected jobs</source>
        <translation>Jobs selecionados</translation>
    </message>
    <message>
        <source>All matching the filter</source>
        <translation>Todos os que correspondem ao filtro</translation>
    </message>
    <message>
        <source>Copy the kiqdesk-cli command that does an action of this page</source>
        <translation>Copiar o comando kiqdesk-cli que faz uma ação desta página</translation>
    </message>
    <message>
        <source>Select jobs in the table first.</source>
        <translation>Selecione jobs na tabela primeiro.</translation>
    </message>
    <message>
        <source>Select the jobs to export first.</source>
        <translation>Selecione primeiro os jobs a exportar.</translation>
    </message>
    <message>
        <source>Replay in…</source>
        <translation>Reproduzir em…</translation>
    </message>
    <message>
        <source>Replay group in…</source>
        <translation>Reproduzir o grupo em…</translation>
    </message>
    <message>
        <source>Copy the selected jobs into a development or staging deployment and run them there</source>
        <translation>Copiar os jobs selecionados para uma implantação de desenvolvimento ou homologação e executá-los lá</translation>
    </message>
</context>
<context>
    <name>kiq::ui::MainWindow</name>
    <message>
        <source>Deployments</source>
        <translation>Implantações</translation>
    </message>
    <message>
        <source>New connection (%1)</source>
        <translation>Nova conexão (%1)</translation>
    </message>
    <message>
        <source>No connection yet.</source>
        <translation>Ainda não há nenhuma conexão.</translation>
    </message>
    <message>
        <source>Add a connection…</source>
        <translation>Adicionar uma conexão…</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Arquivo</translation>
    </message>
    <message>
        <source>&amp;New connection…</source>
        <translation>&amp;Nova conexão…</translation>
    </message>
    <message>
        <source>&amp;Edit connection…</source>
        <translation>&amp;Editar conexão…</translation>
    </message>
    <message>
        <source>&amp;Remove connection</source>
        <translation>&amp;Remover conexão</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>Sa&amp;ir</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>E&amp;xibir</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>&amp;Atualizar</translation>
    </message>
    <message>
        <source>&amp;Theme</source>
        <translation>&amp;Tema</translation>
    </message>
    <message>
        <source>&amp;System</source>
        <translation>&amp;Sistema</translation>
    </message>
    <message>
        <source>&amp;Light</source>
        <translation>&amp;Claro</translation>
    </message>
    <message>
        <source>&amp;Dark</source>
        <translation>&amp;Escuro</translation>
    </message>
    <message>
        <source>Switch to deployment %1</source>
        <translation>Ir para a implantação %1</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>Aj&amp;uda</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>Atalhos de &amp;teclado</translation>
    </message>
    <message>
        <source>&amp;About Kiqdesk</source>
        <translation>&amp;Sobre o Kiqdesk</translation>
    </message>
    <message>
        <source>the default user</source>
        <translation>o usuário padrão</translation>
    </message>
    <message>
        <source>Connect to %1</source>
        <translation>Conectar a %1</translation>
    </message>
    <message>
        <source>%1 on %2</source>
        <translation>%1 em %2</translation>
    </message>
    <message>
        <source>the sentinels of %1</source>
        <translation>os sentinels de %1</translation>
    </message>
    <message>
        <source>New connection</source>
        <translation>Nova conexão</translation>
    </message>
    <message>
        <source>Edit %1</source>
        <translation>Editar %1</translation>
    </message>
    <message>
        <source>Remove connection</source>
        <translation>Remover conexão</translation>
    </message>
    <message>
        <source>Remove “%1” from Kiqdesk? The Redis server and its data are not touched.</source>
        <translation>Remover “%1” do Kiqdesk? O servidor Redis e seus dados não são afetados.</translation>
    </message>
    <message>
        <source>Ctrl+1 … Ctrl+9</source>
        <translation>Ctrl+1 … Ctrl+9</translation>
    </message>
    <message>
        <source>Switch to deployment 1 to 9</source>
        <translation>Ir para a implantação 1 a 9</translation>
    </message>
    <message>
        <source>About Kiqdesk</source>
        <translation>Sobre o Kiqdesk</translation>
    </message>
    <message>
        <source>&lt;b&gt;Kiqdesk&lt;/b&gt; %1&lt;br&gt;A desktop console for Sidekiq job systems on Redis.</source>
        <translation>&lt;b&gt;Kiqdesk&lt;/b&gt; %1&lt;br&gt;Um console desktop para sistemas de jobs Sidekiq no Redis.</translation>
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
        <translation>Frota</translation>
    </message>
    <message>
        <source>Fleet overview: every deployment at a glance (%1)</source>
        <translation>Visão da frota: todas as implantações num relance (%1)</translation>
    </message>
    <message>
        <source>&amp;Fleet overview</source>
        <translation>Visão da &amp;frota</translation>
    </message>
    <message>
        <source>R</source>
        <translation>R</translation>
    </message>
    <message>
        <source>Retry the selected jobs (Scheduled: enqueue now)</source>
        <translation>Tentar novamente os jobs selecionados (Agendados: enfileirar agora)</translation>
    </message>
    <message>
        <source>Del</source>
        <translation>Del</translation>
    </message>
    <message>
        <source>Delete the selected jobs</source>
        <translation>Excluir os jobs selecionados</translation>
    </message>
    <message>
        <source>Ctrl+F</source>
        <translation>Ctrl+F</translation>
    </message>
    <message>
        <source>Focus the job filter</source>
        <translation>Focar o filtro de jobs</translation>
    </message>
    <message>
        <source>Fleet overview — Kiqdesk</source>
        <translation>Visão da frota — Kiqdesk</translation>
    </message>
    <message>
        <source>Next page</source>
        <translation>Próxima página</translation>
    </message>
    <message>
        <source>Previous page</source>
        <translation>Página anterior</translation>
    </message>
    <message>
        <source>Next tab in the page</source>
        <translation>Próxima aba da página</translation>
    </message>
    <message>
        <source>Previous tab in the page</source>
        <translation>Aba anterior da página</translation>
    </message>
    <message>
        <source>There is no connection yet</source>
        <translation>Ainda não há nenhuma conexão</translation>
    </message>
    <message>
        <source>Select a connection in the sidebar first</source>
        <translation>Selecione uma conexão na barra lateral primeiro</translation>
    </message>
    <message>
        <source>Edit the selected connection</source>
        <translation>Editar a conexão selecionada</translation>
    </message>
    <message>
        <source>Remove the selected connection from Kiqdesk</source>
        <translation>Remover a conexão selecionada do Kiqdesk</translation>
    </message>
    <message>
        <source>Tab, Shift+Tab</source>
        <translation>Tab, Shift+Tab</translation>
    </message>
    <message>
        <source>Next or previous control (a table is one stop: arrows move inside it)</source>
        <translation>Controle seguinte ou anterior (uma tabela é uma parada só: as setas movem dentro dela)</translation>
    </message>
    <message>
        <source>M</source>
        <translation>M</translation>
    </message>
    <message>
        <source>Move the selected jobs to a queue</source>
        <translation>Mover os jobs selecionados para uma fila</translation>
    </message>
    <message>
        <source>K</source>
        <translation>K</translation>
    </message>
    <message>
        <source>Kill the selected jobs (Retries, Scheduled)</source>
        <translation>Matar os jobs selecionados (Novas tentativas, Agendados)</translation>
    </message>
    <message>
        <source>Shift+R</source>
        <translation>Shift+R</translation>
    </message>
    <message>
        <source>Retry all in the selected failure group</source>
        <translation>Tentar novamente todos do grupo de falhas selecionado</translation>
    </message>
    <message>
        <source>Shift+Del</source>
        <translation>Shift+Del</translation>
    </message>
    <message>
        <source>Delete all in the selected failure group</source>
        <translation>Excluir todos do grupo de falhas selecionado</translation>
    </message>
    <message>
        <source>Takes effect after restart</source>
        <translation>Vale após reiniciar</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>Idioma do sistema</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>&amp;Idioma</translation>
    </message>
    <message>
        <source>E&amp;xport profiles…</source>
        <translation>E&amp;xportar perfis…</translation>
    </message>
    <message>
        <source>&amp;Import profiles…</source>
        <translation>&amp;Importar perfis…</translation>
    </message>
    <message>
        <source>Profiles travel without their secrets: only where each comes from</source>
        <translation>Os perfis viajam sem seus segredos: apenas com a origem de cada um</translation>
    </message>
    <message>
        <source>Export profiles</source>
        <translation>Exportar perfis</translation>
    </message>
    <message>
        <source>Kiqdesk profiles (*.json)</source>
        <translation>Perfis do Kiqdesk (*.json)</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n profile(s) to %1</source>
        <translation>
            <numerusform>%n perfil exportado para %1</numerusform>
            <numerusform>%n perfis exportados para %1</numerusform>
        </translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>Não foi possível gravar %1: %2</translation>
    </message>
    <message>
        <source>Import profiles</source>
        <translation>Importar perfis</translation>
    </message>
    <message>
        <source>Kiqdesk profiles (*.json);;All files (*)</source>
        <translation>Perfis do Kiqdesk (*.json);;Todos os arquivos (*)</translation>
    </message>
    <message>
        <source>Could not import %1: %2</source>
        <translation>Não foi possível importar %1: %2</translation>
    </message>
    <message>
        <source>New: %1</source>
        <translation>Novo: %1</translation>
    </message>
    <message>
        <source>Replaced: %1 (%2)</source>
        <translation>Substituído: %1 (%2)</translation>
    </message>
    <message>
        <source>Unchanged: %1</source>
        <translation>Sem alterações: %1</translation>
    </message>
    <message>
        <source>Every profile in %1 is saved already.</source>
        <translation>Todos os perfis de %1 já estão salvos.</translation>
    </message>
    <message numerus="yes">
        <source>Import %n profile(s) from %1?</source>
        <translation>
            <numerusform>Importar %n perfil de %1?</numerusform>
            <numerusform>Importar %n perfis de %1?</numerusform>
        </translation>
    </message>
    <message>
        <source>Import</source>
        <translation>Importar</translation>
    </message>
    <message>
        <source>&amp;Diagnose connection…</source>
        <translation>&amp;Diagnosticar conexão…</translation>
    </message>
    <message>
        <source>Take the selected connection apart step by step: DNS, TCP, TLS, certificates, AUTH, permissions</source>
        <translation>Examinar a conexão selecionada passo a passo: DNS, TCP, TLS, certificados, AUTH, permissões</translation>
    </message>
    <message>
        <source>&amp;Command palette…</source>
        <translation>Paleta de &amp;comandos…</translation>
    </message>
    <message>
        <source>Deployment: %1</source>
        <translation>Implantação: %1</translation>
    </message>
    <message>
        <source>Page: %1</source>
        <translation>Página: %1</translation>
    </message>
    <message>
        <source>Find in &amp;all deployments…</source>
        <translation>Procurar em &amp;todas as implantações…</translation>
    </message>
    <message>
        <source>Incident &amp;snapshot…</source>
        <translation>&amp;Instantâneo de incidente…</translation>
    </message>
    <message>
        <source>Last 15 minutes</source>
        <translation>Últimos 15 minutos</translation>
    </message>
    <message>
        <source>Last hour</source>
        <translation>Última hora</translation>
    </message>
    <message>
        <source>Last 6 hours</source>
        <translation>Últimas 6 horas</translation>
    </message>
    <message>
        <source>Last 24 hours</source>
        <translation>Últimas 24 horas</translation>
    </message>
    <message>
        <source>Incident snapshot</source>
        <translation>Instantâneo de incidente</translation>
    </message>
    <message>
        <source>Counters, failures, slow log and audit entries of:</source>
        <translation>Contadores, falhas, slow log e entradas de auditoria de:</translation>
    </message>
    <message>
        <source>Save incident snapshot</source>
        <translation>Salvar instantâneo de incidente</translation>
    </message>
    <message>
        <source>Compressed archives (*.tar.gz)</source>
        <translation>Arquivos compactados (*.tar.gz)</translation>
    </message>
    <message>
        <source>Taking the incident snapshot of %1…</source>
        <translation>Gerando o instantâneo de incidente de %1…</translation>
    </message>
    <message>
        <source>The incident snapshot was not written: %1</source>
        <translation>O instantâneo de incidente não foi gravado: %1</translation>
    </message>
    <message>
        <source>Incident snapshot written to %1</source>
        <translation>Instantâneo de incidente gravado em %1</translation>
    </message>
    <message>
        <source>Incident snapshot written to %1, without: %2</source>
        <translation>Instantâneo de incidente gravado em %1, sem: %2</translation>
    </message>
    <message>
        <source>Counters, charts, failure groups, processes, INFO, slow log, clients, audit entries and health checks of the selected connection, redacted, in one .tar.gz</source>
        <translation>Contadores, gráficos, grupos de falhas, processos, INFO, slow log, clientes, entradas de auditoria e verificações de saúde da conexão escolhida, ocultados, em um .tar.gz</translation>
    </message>
    <message>
        <source>Acknowledge</source>
        <translation>Reconhecer</translation>
    </message>
    <message>
        <source>Snooze 1 hour</source>
        <translation>Adiar 1 hora</translation>
    </message>
    <message>
        <source>Alert webhook failed: %1</source>
        <translation>Falha no webhook de alertas: %1</translation>
    </message>
</context>
<context>
    <name>kiq::ui::MetricsClassModel</name>
    <message>
        <source>%1 %</source>
        <translation>%1%</translation>
    </message>
    <message>
        <source>Mean execution time of the jobs that succeeded</source>
        <translation>Tempo médio de execução dos jobs bem-sucedidos</translation>
    </message>
    <message>
        <source>Job class</source>
        <translation>Classe do job</translation>
    </message>
    <message>
        <source>Processed</source>
        <translation>Processados</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Falhos</translation>
    </message>
    <message>
        <source>Failure rate</source>
        <translation>Taxa de falhas</translation>
    </message>
    <message>
        <source>Mean time</source>
        <translation>Tempo médio</translation>
    </message>
    <message>
        <source>Total time</source>
        <translation>Tempo total</translation>
    </message>
</context>
<context>
    <name>kiq::ui::MetricsPage</name>
    <message>
        <source>Executions</source>
        <translation>Execuções</translation>
    </message>
    <message numerus="yes">
        <source>Last %n hour(s)</source>
        <translation>
            <numerusform>Última %n hora</numerusform>
            <numerusform>Últimas %n horas</numerusform>
        </translation>
    </message>
    <message>
        <source>Filter by job class</source>
        <translation>Filtrar por classe do job</translation>
    </message>
    <message>
        <source>Processed</source>
        <translation>Processados</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Falhos</translation>
    </message>
    <message>
        <source>Mean time</source>
        <translation>Tempo médio</translation>
    </message>
    <message>
        <source>Jobs</source>
        <translation>Jobs</translation>
    </message>
    <message>
        <source>&amp;Period:</source>
        <translation>&amp;Período:</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>Não conectado.</translation>
    </message>
    <message>
        <source>Metrics</source>
        <translation>Métricas</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Carregando…</translation>
    </message>
    <message>
        <source>No job metrics in this period. Sidekiq writes them from version 7.0 on, for jobs that ran; no Sidekiq process is running here.</source>
        <translation>Não há métricas de jobs neste período. O Sidekiq as grava a partir da versão 7.0, para os jobs executados; nenhum processo do Sidekiq está rodando aqui.</translation>
    </message>
    <message>
        <source>No job metrics in this period. Sidekiq writes them from version 7.0 on, for jobs that ran; the processes here run Sidekiq %1.</source>
        <translation>Não há métricas de jobs neste período. O Sidekiq as grava a partir da versão 7.0, para os jobs executados; os processos daqui executam o Sidekiq %1.</translation>
    </message>
    <message numerus="yes">
        <source>Sidekiq %1 metrics, %2 to %3, in %n-minute buckets.</source>
        <translation>
            <numerusform>Métricas do Sidekiq %1, de %2 a %3, em intervalos de %n minuto.</numerusform>
            <numerusform>Métricas do Sidekiq %1, de %2 a %3, em intervalos de %n minutos.</numerusform>
        </translation>
    </message>
    <message>
        <source>Sidekiq 7 keeps metrics for 8 hours: showing those.</source>
        <translation>O Sidekiq 7 guarda as métricas por 8 horas: mostrando essas.</translation>
    </message>
    <message numerus="yes">
        <source>%n deploy(s) marked.</source>
        <translation>
            <numerusform>%n publicação marcada.</numerusform>
            <numerusform>%n publicações marcadas.</numerusform>
        </translation>
    </message>
    <message>
        <source>Executions of %1</source>
        <translation>Execuções de %1</translation>
    </message>
    <message>
        <source>Sidekiq keeps execution-time histograms for 8 hours: choose 8 hours or less</source>
        <translation>O Sidekiq guarda os histogramas de tempo de execução por 8 horas: escolha 8 horas ou menos</translation>
    </message>
    <message>
        <source>Execution times: %1</source>
        <translation>Tempos de execução: %1</translation>
    </message>
</context>
<context>
    <name>kiq::ui::OverviewPage</name>
    <message>
        <source>Pause</source>
        <translation>Pausar</translation>
    </message>
    <message>
        <source>Processed</source>
        <translation>Processados</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Falhos</translation>
    </message>
    <message>
        <source>Enqueued</source>
        <translation>Enfileirados</translation>
    </message>
    <message>
        <source>Scheduled</source>
        <translation>Agendados</translation>
    </message>
    <message>
        <source>Retries</source>
        <translation>Novas tentativas</translation>
    </message>
    <message>
        <source>Dead</source>
        <translation>Mortos</translation>
    </message>
    <message>
        <source>Processes</source>
        <translation>Processos</translation>
    </message>
    <message>
        <source>Busy</source>
        <translation>Ocupados</translation>
    </message>
    <message>
        <source>Default queue latency</source>
        <translation>Latência (default)</translation>
    </message>
    <message>
        <source>Throughput</source>
        <translation>Vazão</translation>
    </message>
    <message>
        <source>Enqueued and busy</source>
        <translation>Enfileirados e ocupados</translation>
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
        <translation>Com que frequência a página recarrega enquanto está visível</translation>
    </message>
    <message>
        <source>Last 10 minutes</source>
        <translation>Últimos 10 minutos</translation>
    </message>
    <message>
        <source>Last hour</source>
        <translation>Última hora</translation>
    </message>
    <message>
        <source>Last 6 hours</source>
        <translation>Últimas 6 horas</translation>
    </message>
    <message>
        <source>Last 24 hours</source>
        <translation>Últimas 24 horas</translation>
    </message>
    <message>
        <source>Processed/s</source>
        <translation>Processados/s</translation>
    </message>
    <message>
        <source>Failed/s</source>
        <translation>Falhos/s</translation>
    </message>
    <message>
        <source>jobs/s</source>
        <translation>jobs/s</translation>
    </message>
    <message>
        <source>enqueued</source>
        <translation>na fila</translation>
    </message>
    <message>
        <source>busy</source>
        <translation>ocupados</translation>
    </message>
    <message>
        <source>Memory (MiB)</source>
        <translation>Memória (MiB)</translation>
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
        <translation>Atualizar a cada</translation>
    </message>
    <message>
        <source>Overview</source>
        <translation>Visão geral</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>Não conectado.</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Carregando…</translation>
    </message>
    <message>
        <source>%1/s</source>
        <translation>%1/s</translation>
    </message>
    <message numerus="yes">
        <source>%n queue(s)</source>
        <translation>
            <numerusform>%n fila</numerusform>
            <numerusform>%n filas</numerusform>
        </translation>
    </message>
    <message>
        <source>Updated at %1</source>
        <translation>Atualizado às %1</translation>
    </message>
    <message>
        <source>empty</source>
        <translation>vazia</translation>
    </message>
    <message>
        <source>%1 · Redis memory and commands/s: %2</source>
        <translation>%1 · Memória do Redis e comandos/s: %2</translation>
    </message>
</context>
<context>
    <name>kiq::ui::PasswordPrompt</name>
    <message>
        <source>Password for %1:</source>
        <translation>Senha de %1:</translation>
    </message>
    <message>
        <source>Passphrase of the client key %1:</source>
        <translation>Senha da chave do cliente %1:</translation>
    </message>
    <message>
        <source>Webhook URL for the alerts of %1:</source>
        <translation>URL do webhook para os alertas de %1:</translation>
    </message>
</context>
<context>
    <name>kiq::ui::PathField</name>
    <message>
        <source>Browse…</source>
        <translation>Procurar…</translation>
    </message>
    <message>
        <source>PEM files (*.pem *.crt *.cer *.key);;All files (*)</source>
        <translation>Arquivos PEM (*.pem *.crt *.cer *.key);;Todos os arquivos (*)</translation>
    </message>
</context>
<context>
    <name>kiq::ui::ProcessListModel</name>
    <message>
        <source>%1 (quiet)</source>
        <translation>%1 (silenciado)</translation>
    </message>
    <message>
        <source>no heartbeat</source>
        <translation>sem heartbeat</translation>
    </message>
    <message numerus="yes">
        <source>%n s ago</source>
        <translation>
            <numerusform>há %n s</numerusform>
            <numerusform>há %n s</numerusform>
        </translation>
    </message>
    <message>
        <source>No heartbeat for a minute: the process may have crashed.</source>
        <translation>Sem heartbeat há um minuto: o processo pode ter travado.</translation>
    </message>
    <message>
        <source>Process</source>
        <translation>Processo</translation>
    </message>
    <message>
        <source>Tag</source>
        <translation>Etiqueta</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>Versão</translation>
    </message>
    <message>
        <source>Threads</source>
        <translation>Threads</translation>
    </message>
    <message>
        <source>Busy</source>
        <translation>Ocupados</translation>
    </message>
    <message>
        <source>Queues</source>
        <translation>Filas</translation>
    </message>
    <message>
        <source>RSS</source>
        <translation>RSS</translation>
    </message>
    <message>
        <source>Last beat</source>
        <translation>Último heartbeat</translation>
    </message>
    <message numerus="yes">
        <source>Capsule %1: %n thread(s), %2: %3</source>
        <translation>
            <numerusform>Cápsula %1: %n thread, %2: %3</numerusform>
            <numerusform>Cápsula %1: %n threads, %2: %3</numerusform>
        </translation>
    </message>
    <message>
        <source>Sidekiq reports its version from 7.0.2 on: this is 6.x, or 7.0.0 or 7.0.1</source>
        <translation>O Sidekiq informa sua versão a partir da 7.0.2: esta é 6.x, 7.0.0 ou 7.0.1</translation>
    </message>
</context>
<context>
    <name>kiq::ui::ProfileListModel</name>
    <message>
        <source>Sidekiq deletes a profile a day after the job ran.</source>
        <translation>O Sidekiq apaga um perfil um dia depois que o job rodou.</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>Job</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Iniciado</translation>
    </message>
    <message>
        <source>Elapsed</source>
        <translation>Duração</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Tamanho</translation>
    </message>
    <message>
        <source>Expires in</source>
        <translation>Expira em</translation>
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
        <translation>&amp;Salvar perfil…</translation>
    </message>
    <message>
        <source>Save profile…</source>
        <translation>Salvar perfil…</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>Não conectado.</translation>
    </message>
    <message>
        <source>Profiles</source>
        <translation>Perfis</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Carregando…</translation>
    </message>
    <message>
        <source>No job profiles. Sidekiq 8 profiles a job pushed with &quot;profile&quot; set and keeps the profile for a day.</source>
        <translation>Nenhum perfil de job. O Sidekiq 8 perfila um job enfileirado com &quot;profile&quot; e guarda o perfil por um dia.</translation>
    </message>
    <message numerus="yes">
        <source>%1 profile(s), newest first.</source>
        <translation>
            <numerusform>%1 perfil, o mais recente primeiro.</numerusform>
            <numerusform>%1 perfis, os mais recentes primeiro.</numerusform>
        </translation>
    </message>
    <message>
        <source>Only the newest %1 are listed.</source>
        <translation>Apenas os %1 mais recentes são listados.</translation>
    </message>
    <message numerus="yes">
        <source>%1 expired profile(s) not shown (Sidekiq removes them; this page does not write).</source>
        <translation>
            <numerusform>%1 perfil expirado não exibido (o Sidekiq o remove; esta página não grava).</numerusform>
            <numerusform>%1 perfis expirados não exibidos (o Sidekiq os remove; esta página não grava).</numerusform>
        </translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Não conectado</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Salvando…</translation>
    </message>
    <message>
        <source>Select a profile first</source>
        <translation>Selecione um perfil primeiro</translation>
    </message>
    <message>
        <source>Write the profile to a file for the Firefox Profiler; nothing is uploaded</source>
        <translation>Grava o perfil em um arquivo para o Firefox Profiler; nada é enviado</translation>
    </message>
    <message>
        <source>Save profile</source>
        <translation>Salvar perfil</translation>
    </message>
    <message>
        <source>Firefox Profiler files (*.json.gz)</source>
        <translation>Arquivos do Firefox Profiler (*.json.gz)</translation>
    </message>
    <message>
        <source>Saving the profile of %1…</source>
        <translation>Salvando o perfil de %1…</translation>
    </message>
    <message>
        <source>The profile could not be read:</source>
        <translation>Não foi possível ler o perfil:</translation>
    </message>
    <message>
        <source>it is no longer in Redis (Sidekiq keeps profiles for a day).</source>
        <translation>ele não está mais no Redis (o Sidekiq guarda perfis por um dia).</translation>
    </message>
    <message>
        <source>The profile could not be saved to %1:</source>
        <translation>Não foi possível salvar o perfil em %1:</translation>
    </message>
    <message>
        <source>Saved %1 (%2). Open it in the Firefox Profiler (Load a profile from file); nothing was uploaded.</source>
        <translation>%1 salvo (%2). Abra-o no Firefox Profiler (Load a profile from file); nada foi enviado.</translation>
    </message>
</context>
<context>
    <name>kiq::ui::QueueLatencyChart</name>
    <message>
        <source>Latency (s)</source>
        <translation>Latência (s)</translation>
    </message>
    <message>
        <source>Top %1 queues by latency</source>
        <translation>As %1 filas com maior latência</translation>
    </message>
    <message>
        <source>%1: empty</source>
        <translation>%1: vazia</translation>
    </message>
    <message>
        <source>%1: %2 · %3 waiting</source>
        <translation>%1: %2 · %3 aguardando</translation>
    </message>
    <message>
        <source>%1: latency %2, %3 waiting</source>
        <translation>%1: latência %2, %3 aguardando</translation>
    </message>
</context>
<context>
    <name>kiq::ui::QueueListModel</name>
    <message>
        <source>%1 (unreadable)</source>
        <translation>%1 (ilegível)</translation>
    </message>
    <message>
        <source>%1 (paused)</source>
        <translation>%1 (pausada)</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>Fila</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Tamanho</translation>
    </message>
    <message>
        <source>Latency</source>
        <translation>Latência</translation>
    </message>
    <message>
        <source>empty</source>
        <translation>vazia</translation>
    </message>
    <message>
        <source>Forecast</source>
        <translation>Previsão</translation>
    </message>
</context>
<context>
    <name>kiq::ui::QueuesPage</name>
    <message>
        <source>Enqueued</source>
        <translation>Enfileirados</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Excluir</translation>
    </message>
    <message>
        <source>Move to queue…</source>
        <translation>Mover para a fila…</translation>
    </message>
    <message>
        <source>Pause queue</source>
        <translation>Pausar fila</translation>
    </message>
    <message>
        <source>Clear queue…</source>
        <translation>Limpar fila…</translation>
    </message>
    <message>
        <source>Reload</source>
        <translation>Recarregar</translation>
    </message>
    <message>
        <source>Paused queues are not fetched by Kiqdesk&apos;s local pool (nor by Sidekiq Pro or Sidekiq 8.1+)</source>
        <translation>Filas pausadas não são buscadas pelo pool local do Kiqdesk (nem pelo Sidekiq Pro ou Sidekiq 8.1+)</translation>
    </message>
    <message>
        <source>Focus the filter</source>
        <translation>Focar o filtro</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>Não conectado.</translation>
    </message>
    <message>
        <source>Queues</source>
        <translation>Filas</translation>
    </message>
    <message numerus="yes">
        <source>%n queue(s). Select one to see its jobs.</source>
        <translation>
            <numerusform>%n fila. Selecione uma para ver seus jobs.</numerusform>
            <numerusform>%n filas. Selecione uma para ver seus jobs.</numerusform>
        </translation>
    </message>
    <message>
        <source>Loading %1…</source>
        <translation>Carregando %1…</translation>
    </message>
    <message numerus="yes">
        <source>Delete %n selected job(s) from %1?</source>
        <translation>
            <numerusform>Excluir %n job selecionado de %1?</numerusform>
            <numerusform>Excluir %n jobs selecionados de %1?</numerusform>
        </translation>
    </message>
    <message>
        <source>Move to queue</source>
        <translation>Mover para a fila</translation>
    </message>
    <message numerus="yes">
        <source>Move %n selected job(s) from %1 to:</source>
        <translation>
            <numerusform>Mover %n job selecionado de %1 para:</numerusform>
            <numerusform>Mover %n jobs selecionados de %1 para:</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n had already been taken by a worker.</source>
        <translation>
            <numerusform>%n já tinha sido pego por um worker.</numerusform>
            <numerusform>%n já tinham sido pegos por um worker.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n could not be parsed and stayed.</source>
        <translation>
            <numerusform>%n não pôde ser lido e ficou.</numerusform>
            <numerusform>%n não puderam ser lidos e ficaram.</numerusform>
        </translation>
    </message>
    <message>
        <source>Move failed:</source>
        <translation>Falha ao mover:</translation>
    </message>
    <message>
        <source>Resume queue</source>
        <translation>Retomar fila</translation>
    </message>
    <message>
        <source>%1 is paused: Kiqdesk&apos;s pool no longer fetches from it.</source>
        <translation>%1 está pausada: o pool do Kiqdesk não busca mais jobs nela.</translation>
    </message>
    <message>
        <source>%1 is resumed.</source>
        <translation>%1 foi retomada.</translation>
    </message>
    <message>
        <source>Pause failed:</source>
        <translation>Falha ao pausar:</translation>
    </message>
    <message>
        <source>Resume failed:</source>
        <translation>Falha ao retomar:</translation>
    </message>
    <message>
        <source>Clear queue</source>
        <translation>Limpar fila</translation>
    </message>
    <message numerus="yes">
        <source>%1: %2 job(s)</source>
        <translation>
            <numerusform>%1: %2 job</numerusform>
            <numerusform>%1: %2 jobs</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Deleted %1 of %2 job(s) (the others were already taken by a worker).</source>
        <translation>
            <numerusform>%1 de %2 job excluído (os outros já tinham sido pegos por um worker).</numerusform>
            <numerusform>%1 de %2 jobs excluídos (os outros já tinham sido pegos por um worker).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Moved %1 of %2 job(s) to %3.</source>
        <translation>
            <numerusform>%1 de %2 job movido para %3.</numerusform>
            <numerusform>%1 de %2 jobs movidos para %3.</numerusform>
        </translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Não conectado</translation>
    </message>
    <message>
        <source>Select a queue first</source>
        <translation>Selecione uma fila primeiro</translation>
    </message>
    <message>
        <source>Select jobs in the table first</source>
        <translation>Selecione jobs na tabela primeiro</translation>
    </message>
    <message>
        <source>Delete every job in this queue</source>
        <translation>Excluir todos os jobs desta fila</translation>
    </message>
    <message>
        <source>Delete the selected jobs</source>
        <translation>Excluir os jobs selecionados</translation>
    </message>
    <message>
        <source>Move the selected jobs to another queue</source>
        <translation>Mover os jobs selecionados para outra fila</translation>
    </message>
    <message>
        <source>&lt;b&gt;Could not read the job:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;Não foi possível ler o job:&lt;/b&gt; %1</translation>
    </message>
    <message>
        <source>%1 jobs are selected; at most %2 can be acted on at once.</source>
        <translation>%1 jobs estão selecionados; no máximo %2 podem ser processados de uma vez.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Delete failed:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;Falha ao excluir:&lt;/b&gt; %1</translation>
    </message>
    <message>
        <source>&lt;b&gt;Could not read %1:&lt;/b&gt; %2 (retrying)</source>
        <translation>&lt;b&gt;Não foi possível ler %1:&lt;/b&gt; %2 (tentando novamente)</translation>
    </message>
    <message numerus="yes">
        <source>Indexing %1… %2 of %3 job(s) read (%4%)</source>
        <translation>
            <numerusform>Indexando %1… %2 de %3 job lido (%4%)</numerusform>
            <numerusform>Indexando %1… %2 de %3 jobs lidos (%4%)</numerusform>
        </translation>
    </message>
    <message>
        <source>they are not listed</source>
        <translation>eles não são listados</translation>
    </message>
    <message>
        <source>Copy as command</source>
        <translation>Copiar como comando</translation>
    </message>
    <message>
        <source>List the matching jobs</source>
        <translation>Listar os jobs correspondentes</translation>
    </message>
    <message>
        <source>Move the selected jobs…</source>
        <translation>Mover os jobs selecionados…</translation>
    </message>
    <message>
        <source>Pause or resume the queue</source>
        <translation>Pausar ou retomar a fila</translation>
    </message>
    <message>
        <source>Clear the queue</source>
        <translation>Limpar a fila</translation>
    </message>
    <message numerus="yes">
        <source>Delete all %1 job(s) in %2? Undo history can put them back.</source>
        <translation>
            <numerusform>Excluir o %1 job em %2? O histórico para desfazer pode devolvê-lo.</numerusform>
            <numerusform>Excluir todos os %1 jobs em %2? O histórico para desfazer pode devolvê-los.</numerusform>
        </translation>
    </message>
    <message>
        <source>&lt;b&gt;Clear failed:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;Falha ao limpar:&lt;/b&gt; %1</translation>
    </message>
    <message numerus="yes">
        <source>%1 is cleared: %n job(s) deleted.</source>
        <translation>
            <numerusform>%1 foi limpa: %n job excluído.</numerusform>
            <numerusform>%1 foi limpa: %n jobs excluídos.</numerusform>
        </translation>
    </message>
    <message>
        <source>Restoring…</source>
        <translation>Restaurando…</translation>
    </message>
    <message>
        <source>Select a queue first.</source>
        <translation>Selecione uma fila primeiro.</translation>
    </message>
    <message>
        <source>Fix the filter first.</source>
        <translation>Corrija o filtro primeiro.</translation>
    </message>
    <message>
        <source>Select jobs in the table first.</source>
        <translation>Selecione jobs na tabela primeiro.</translation>
    </message>
    <message>
        <source>Queue name:</source>
        <translation>Nome da fila:</translation>
    </message>
    <message>
        <source>Select the jobs to export first.</source>
        <translation>Selecione primeiro os jobs a exportar.</translation>
    </message>
    <message>
        <source>Open the queue to import into first.</source>
        <translation>Abra primeiro a fila para onde importar.</translation>
    </message>
</context>
<context>
    <name>kiq::ui::RedactionBox</name>
    <message>
        <source>Hide secrets in job arguments</source>
        <translation>Ocultar segredos nos argumentos dos jobs</translation>
    </message>
    <message>
        <source>Values that look like secrets: tokens (JWT), private keys, card numbers, AWS keys</source>
        <translation>Valores que parecem segredos: tokens (JWT), chaves privadas, números de cartão, chaves AWS</translation>
    </message>
    <message>
        <source>E-mail addresses</source>
        <translation>Endereços de e-mail</translation>
    </message>
    <message>
        <source>A value whose key is one of these is hidden, whatever it holds. Keys are compared by words: &quot;token&quot; also hides access_token and refreshToken.</source>
        <translation>Um valor cuja chave seja uma destas é ocultado, seja qual for o conteúdo. As chaves são comparadas por palavras: &quot;token&quot; também oculta access_token e refreshToken.</translation>
    </message>
    <message>
        <source>e.g. args[1], args[*].iban</source>
        <translation>ex.: args[1], args[*].iban</translation>
    </message>
    <message>
        <source>Positional arguments have no key: args[1] hides the second argument of every job.</source>
        <translation>Argumentos posicionais não têm chave: args[1] oculta o segundo argumento de todos os jobs.</translation>
    </message>
    <message>
        <source>Key names:</source>
        <translation>Nomes de chave:</translation>
    </message>
    <message>
        <source>Paths:</source>
        <translation>Caminhos:</translation>
    </message>
    <message>
        <source>Paths: %1</source>
        <translation>Caminhos: %1</translation>
    </message>
</context>
<context>
    <name>kiq::ui::RedisPage</name>
    <message>
        <source>Redis version</source>
        <translation>Versão do Redis</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Papel</translation>
    </message>
    <message>
        <source>Uptime</source>
        <translation>Tempo ativo</translation>
    </message>
    <message>
        <source>Memory used</source>
        <translation>Memória usada</translation>
    </message>
    <message>
        <source>Connected clients</source>
        <translation>Clientes conectados</translation>
    </message>
    <message>
        <source>Operations per second</source>
        <translation>Operações por segundo</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>Chaves</translation>
    </message>
    <message>
        <source>Eviction policy</source>
        <translation>Política de remoção</translation>
    </message>
    <message>
        <source>Slow log</source>
        <translation>Slow log</translation>
    </message>
    <message>
        <source>Clients</source>
        <translation>Clientes</translation>
    </message>
    <message>
        <source>Redis</source>
        <translation>Redis</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>Não conectado.</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Carregando…</translation>
    </message>
    <message>
        <source>%1 mode</source>
        <translation>modo %1</translation>
    </message>
    <message>
        <source>replicas: %1</source>
        <translation>réplicas: %1</translation>
    </message>
    <message>
        <source>since %1</source>
        <translation>desde %1</translation>
    </message>
    <message>
        <source>no limit</source>
        <translation>sem limite</translation>
    </message>
    <message>
        <source>of %1</source>
        <translation>de %1</translation>
    </message>
    <message>
        <source>%1 blocked</source>
        <translation>%1 bloqueados</translation>
    </message>
    <message>
        <source>%1 since start</source>
        <translation>%1 desde o início</translation>
    </message>
    <message>
        <source>Sidekiq needs noeviction</source>
        <translation>O Sidekiq precisa de noeviction</translation>
    </message>
    <message>
        <source>db%1: %2</source>
        <translation>db%1: %2</translation>
    </message>
    <message>
        <source>No slow commands logged.</source>
        <translation>Nenhum comando lento registrado.</translation>
    </message>
    <message>
        <source>Updated at %1 · round trip %2</source>
        <translation>Atualizado às %1 · ida e volta %2</translation>
    </message>
    <message numerus="yes">
        <source>%1 key(s) evicted</source>
        <translation>
            <numerusform>%1 chave removida</numerusform>
            <numerusform>%1 chaves removidas</numerusform>
        </translation>
    </message>
    <message>
        <source>The slow log is not available:</source>
        <translation>O slow log não está disponível:</translation>
    </message>
    <message>
        <source>The client list is not available:</source>
        <translation>A lista de clientes não está disponível:</translation>
    </message>
    <message>
        <source>Server details are not available:</source>
        <translation>Os detalhes do servidor não estão disponíveis:</translation>
    </message>
    <message numerus="yes">
        <source>%1 connection(s)</source>
        <translation>
            <numerusform>%1 conexão</numerusform>
            <numerusform>%1 conexões</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>from %1 host(s)</source>
        <translation>
            <numerusform>de %1 host</numerusform>
            <numerusform>de %1 hosts</numerusform>
        </translation>
    </message>
    <message>
        <source>Sidekiq %1: %2</source>
        <translation>Sidekiq %1: %2</translation>
    </message>
    <message>
        <source>not identified: %1</source>
        <translation>não identificados: %1</translation>
    </message>
    <message>
        <source>By host and client</source>
        <translation>Por host e cliente</translation>
    </message>
    <message>
        <source>Connections</source>
        <translation>Conexões</translation>
    </message>
</context>
<context>
    <name>kiq::ui::ReplayDialog</name>
    <message>
        <source>Replay</source>
        <translation>Reproduzir</translation>
    </message>
    <message>
        <source>Replay in another deployment</source>
        <translation>Reproduzir em outra implantação</translation>
    </message>
    <message>
        <source>each job&apos;s own queue</source>
        <translation>a própria fila de cada job</translation>
    </message>
    <message>
        <source>Copies of the jobs go to a development or staging deployment, redacted by the rules of %1, with new JIDs, no retry history and a link back (replayed_from). They run once there. %1 is only read.</source>
        <translation>Cópias dos jobs vão para uma implantação de desenvolvimento ou homologação, ocultadas pelas regras de %1, com novos JIDs, sem histórico de tentativas e com um link para o original (replayed_from). Elas rodam lá uma vez. %1 é apenas lido.</translation>
    </message>
    <message>
        <source>Target:</source>
        <translation>Destino:</translation>
    </message>
    <message>
        <source>Queue:</source>
        <translation>Fila:</translation>
    </message>
    <message>
        <source>Arguments (JSON):</source>
        <translation>Argumentos (JSON):</translation>
    </message>
    <message>
        <source>Changes against the original:</source>
        <translation>Alterações em relação ao original:</translation>
    </message>
    <message numerus="yes">
        <source>Reading %1 job(s) from %2…</source>
        <translation>
            <numerusform>Lendo %1 job de %2…</numerusform>
            <numerusform>Lendo %1 jobs de %2…</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 is not connected.</source>
        <translation>%1 não está conectado.</translation>
    </message>
    <message>
        <source>Could not read the jobs: %1</source>
        <translation>Não foi possível ler os jobs: %1</translation>
    </message>
    <message>
        <source>The selected jobs have all left %1 since they were listed.</source>
        <translation>Todos os jobs selecionados saíram de %1 desde que foram listados.</translation>
    </message>
    <message numerus="yes">
        <source>%1 of the selected job(s) left the set since they were listed; the others are here.</source>
        <translation>
            <numerusform>%1 dos jobs selecionados saiu do conjunto desde que foi listado; os outros estão aqui.</numerusform>
            <numerusform>%1 dos jobs selecionados saíram do conjunto desde que foram listados; os outros estão aqui.</numerusform>
        </translation>
    </message>
    <message>
        <source>Type %1 to confirm:</source>
        <translation>Digite %1 para confirmar:</translation>
    </message>
    <message>
        <source>As on the source, redacted: masked values stay masked unless you replace them.</source>
        <translation>Como na origem, ocultados: valores mascarados continuam mascarados a menos que você os substitua.</translation>
    </message>
    <message>
        <source>These arguments replace those of all %1 copies.</source>
        <translation>Estes argumentos substituem os de todas as %1 cópias.</translation>
    </message>
    <message>
        <source>Edited: the copy gets these arguments.</source>
        <translation>Editado: a cópia recebe estes argumentos.</translation>
    </message>
    <message>
        <source>&lt;i&gt;No changes.&lt;/i&gt;</source>
        <translation>&lt;i&gt;Sem alterações.&lt;/i&gt;</translation>
    </message>
    <message>
        <source>The first of %1 copies, as it will be written (JID and times are made anew at Replay):</source>
        <translation>A primeira de %1 cópias, como será gravada (JID e horários são gerados de novo ao reproduzir):</translation>
    </message>
    <message>
        <source>The copy, as it will be written (JID and times are made anew at Replay):</source>
        <translation>A cópia, como será gravada (JID e horários são gerados de novo ao reproduzir):</translation>
    </message>
    <message>
        <source>The copy, as it will be written:</source>
        <translation>A cópia, como será gravada:</translation>
    </message>
    <message>
        <source>No deployment tagged development or staging: add one, or start the local sandbox.</source>
        <translation>Nenhuma implantação marcada como desenvolvimento ou homologação: adicione uma ou inicie o sandbox local.</translation>
    </message>
    <message>
        <source>Reading the jobs…</source>
        <translation>Lendo os jobs…</translation>
    </message>
    <message>
        <source>Nothing to replay.</source>
        <translation>Nada para reproduzir.</translation>
    </message>
    <message>
        <source>Fix the arguments first.</source>
        <translation>Corrija os argumentos primeiro.</translation>
    </message>
    <message>
        <source>Type the number of jobs to confirm.</source>
        <translation>Digite o número de jobs para confirmar.</translation>
    </message>
    <message>
        <source>Replaying…</source>
        <translation>Reproduzindo…</translation>
    </message>
    <message>
        <source>Not replayed: %1</source>
        <translation>Não reproduzido: %1</translation>
    </message>
    <message numerus="yes">
        <source>Replayed %1 job(s) into %2.</source>
        <translation>
            <numerusform>%1 job reproduzido em %2.</numerusform>
            <numerusform>%1 jobs reproduzidos em %2.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 skipped: %2</source>
        <translation>
            <numerusform>%1 ignorado: %2</numerusform>
            <numerusform>%1 ignorados: %2</numerusform>
        </translation>
    </message>
    <message>
        <source>Its outcome will not be shown: %1</source>
        <translation>O resultado não será exibido: %1</translation>
    </message>
</context>
<context>
    <name>kiq::ui::SecretSourceBox</name>
    <message>
        <source>Where secrets come from</source>
        <translation>De onde vêm os segredos</translation>
    </message>
    <message>
        <source>Password:</source>
        <translation>Senha:</translation>
    </message>
    <message>
        <source>Sentinel password:</source>
        <translation>Senha do Sentinel:</translation>
    </message>
    <message>
        <source>Client key passphrase:</source>
        <translation>Frase secreta da chave do cliente:</translation>
    </message>
    <message>
        <source>Ask when connecting (kept until Kiqdesk quits)</source>
        <translation>Perguntar ao conectar (mantida até o Kiqdesk fechar)</translation>
    </message>
    <message>
        <source>OS keychain</source>
        <translation>Chaveiro do sistema</translation>
    </message>
    <message>
        <source>Credential helper</source>
        <translation>Auxiliar de credenciais</translation>
    </message>
    <message>
        <source>command and arguments, e.g. vault read -field=password secret/redis</source>
        <translation>comando e argumentos, ex.: vault read -field=password secret/redis</translation>
    </message>
    <message>
        <source>Run without a shell when connecting and before its token expires. It prints the secret, or JSON {&quot;password&quot;, &quot;username&quot;, &quot;expires_at&quot;}.</source>
        <translation>Executado sem shell ao conectar e antes de o token expirar. Imprime o segredo, ou JSON {&quot;password&quot;, &quot;username&quot;, &quot;expires_at&quot;}.</translation>
    </message>
    <message>
        <source>Checking the OS keychain…</source>
        <translation>Verificando o chaveiro do sistema…</translation>
    </message>
    <message>
        <source>No OS keychain is reachable (%1). A secret set to come from it is asked for when connecting instead; it is never stored in a file.</source>
        <translation>Nenhum chaveiro do sistema está acessível (%1). Um segredo que viria dele é pedido ao conectar; nunca é gravado em arquivo.</translation>
    </message>
    <message>
        <source>The OS keychain is reachable: a secret typed once is kept there.</source>
        <translation>O chaveiro do sistema está acessível: um segredo digitado uma vez fica guardado nele.</translation>
    </message>
    <message>
        <source>A credential helper needs a command.</source>
        <translation>Um auxiliar de credenciais precisa de um comando.</translation>
    </message>
    <message>
        <source>Alert webhook URL:</source>
        <translation>URL do webhook de alertas:</translation>
    </message>
</context>
<context>
    <name>kiq::ui::SecurityPage</name>
    <message>
        <source>Run audit</source>
        <translation>Executar auditoria</translation>
    </message>
    <message>
        <source>Export Markdown…</source>
        <translation>Exportar Markdown…</translation>
    </message>
    <message>
        <source>Export JSON…</source>
        <translation>Exportar JSON…</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>Verificação</translation>
    </message>
    <message>
        <source>Evidence</source>
        <translation>Evidência</translation>
    </message>
    <message>
        <source>Fix</source>
        <translation>Correção</translation>
    </message>
    <message>
        <source>Reads the server&apos;s settings, users, rights and a sample of the jobs; changes nothing</source>
        <translation>Lê as configurações, usuários, permissões e uma amostra dos jobs do servidor; não altera nada</translation>
    </message>
    <message>
        <source>Export the security audit</source>
        <translation>Exportar a auditoria de segurança</translation>
    </message>
    <message>
        <source>Markdown (*.md);;All files (*)</source>
        <translation>Markdown (*.md);;Todos os arquivos (*)</translation>
    </message>
    <message>
        <source>JSON (*.json);;All files (*)</source>
        <translation>JSON (*.json);;Todos os arquivos (*)</translation>
    </message>
    <message>
        <source>Security</source>
        <translation>Segurança</translation>
    </message>
    <message>
        <source>pass</source>
        <translation>ok</translation>
    </message>
    <message>
        <source>warn</source>
        <translation>aviso</translation>
    </message>
    <message>
        <source>fail</source>
        <translation>falha</translation>
    </message>
    <message>
        <source>could not check</source>
        <translation>não verificável</translation>
    </message>
    <message>
        <source>info</source>
        <translation>info</translation>
    </message>
    <message>
        <source>Server identity</source>
        <translation>Identidade do servidor</translation>
    </message>
    <message>
        <source>Transport</source>
        <translation>Transporte</translation>
    </message>
    <message>
        <source>Authentication</source>
        <translation>Autenticação</translation>
    </message>
    <message>
        <source>Authorization</source>
        <translation>Autorização</translation>
    </message>
    <message>
        <source>Server configuration</source>
        <translation>Configuração do servidor</translation>
    </message>
    <message>
        <source>Job data</source>
        <translation>Dados dos jobs</translation>
    </message>
    <message>
        <source>Operations</source>
        <translation>Operações</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Não conectado</translation>
    </message>
    <message>
        <source>Auditing… (reads only)</source>
        <translation>Auditando… (somente leitura)</translation>
    </message>
    <message>
        <source>The audit failed:</source>
        <translation>A auditoria falhou:</translation>
    </message>
    <message>
        <source>%1 fail, %2 warn, %3 could not check, %4 pass · audited %5</source>
        <translation>%1 falhas, %2 avisos, %3 não verificáveis, %4 ok · auditado %5</translation>
    </message>
    <message>
        <source>Why it matters:</source>
        <translation>Por que importa:</translation>
    </message>
    <message>
        <source>Fix:</source>
        <translation>Correção:</translation>
    </message>
    <message>
        <source>Exported to %1</source>
        <translation>Exportado para %1</translation>
    </message>
    <message>
        <source>Could not write %1:</source>
        <translation>Não foi possível gravar %1:</translation>
    </message>
</context>
<context>
    <name>kiq::ui::ShortcutsDialog</name>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Atalhos de teclado</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>Chaves</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Ação</translation>
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
        <translation>Hora</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Duração</translation>
    </message>
    <message>
        <source>Command</source>
        <translation>Comando</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>Cliente</translation>
    </message>
</context>
<context>
    <name>kiq::ui::Status</name>
    <message>
        <source>Reachable</source>
        <translation>Acessível</translation>
    </message>
    <message>
        <source>Unreachable</source>
        <translation>Inacessível</translation>
    </message>
    <message>
        <source>Connecting</source>
        <translation>Conectando</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Não conectado</translation>
    </message>
</context>
<context>
    <name>kiq::ui::StatusLine</name>
    <message>
        <source>Could not load:</source>
        <translation>Não foi possível carregar:</translation>
    </message>
    <message>
        <source>&lt;b&gt;Could not refresh:&lt;/b&gt; %1 (showing data from %2 s ago)</source>
        <translation>&lt;b&gt;Não foi possível atualizar:&lt;/b&gt; %1 (exibindo dados de %2 s atrás)</translation>
    </message>
</context>
<context>
    <name>kiq::ui::TimeSeriesChart</name>
    <message>
        <source>%1 (times in %2)</source>
        <translation>%1 (horários em %2)</translation>
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
        <translation>Usar TLS</translation>
    </message>
    <message>
        <source>System certificate store</source>
        <translation>Repositório de certificados do sistema</translation>
    </message>
    <message>
        <source>CA file:</source>
        <translation>Arquivo da CA:</translation>
    </message>
    <message>
        <source>CA directory:</source>
        <translation>Diretório da CA:</translation>
    </message>
    <message>
        <source>Choose the CA certificate file</source>
        <translation>Escolha o arquivo do certificado da CA</translation>
    </message>
    <message>
        <source>Choose the CA directory</source>
        <translation>Escolha o diretório da CA</translation>
    </message>
    <message>
        <source>Choose the client certificate</source>
        <translation>Escolha o certificado do cliente</translation>
    </message>
    <message>
        <source>Choose the client key</source>
        <translation>Escolha a chave do cliente</translation>
    </message>
    <message>
        <source>Verify the server&apos;s certificate</source>
        <translation>Verificar o certificado do servidor</translation>
    </message>
    <message>
        <source>Verify that the certificate matches the host name</source>
        <translation>Verificar se o certificado corresponde ao nome do host</translation>
    </message>
    <message>
        <source>only for servers that require client certificates</source>
        <translation>apenas para servidores que exigem certificados de cliente</translation>
    </message>
    <message>
        <source>default: the host name</source>
        <translation>padrão: o nome do host</translation>
    </message>
    <message>
        <source>Trust:</source>
        <translation>Confiança:</translation>
    </message>
    <message>
        <source>Client certificate:</source>
        <translation>Certificado do cliente:</translation>
    </message>
    <message>
        <source>Client key:</source>
        <translation>Chave do cliente:</translation>
    </message>
    <message>
        <source>Server name (SNI):</source>
        <translation>Nome do servidor (SNI):</translation>
    </message>
    <message>
        <source>The key is encrypted: ask for its passphrase when connecting</source>
        <translation>A chave é criptografada: pedir a senha dela ao conectar</translation>
    </message>
    <message>
        <source>only for an encrypted key; not saved: asked when connecting</source>
        <translation>apenas para uma chave criptografada; não salva: pedida ao conectar</translation>
    </message>
    <message>
        <source>Key passphrase:</source>
        <translation>Senha da chave:</translation>
    </message>
</context>
<context>
    <name>kiq::ui::TopologyBox</name>
    <message>
        <source>Server</source>
        <translation>Servidor</translation>
    </message>
    <message>
        <source>The sentinels need a password (asked when connecting)</source>
        <translation>Os sentinels precisam de senha (pedida ao conectar)</translation>
    </message>
    <message>
        <source>Standalone (or a replica)</source>
        <translation>Standalone (ou uma réplica)</translation>
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
        <translation>não salva</translation>
    </message>
    <message>
        <source>Host:</source>
        <translation>Host:</translation>
    </message>
    <message>
        <source>Port:</source>
        <translation>Porta:</translation>
    </message>
    <message>
        <source>Master name:</source>
        <translation>Nome do master:</translation>
    </message>
    <message>
        <source>Sentinels (host:port):</source>
        <translation>Sentinels (host:port):</translation>
    </message>
    <message>
        <source>Sentinel user:</source>
        <translation>Usuário do Sentinel:</translation>
    </message>
    <message>
        <source>Sentinel password:</source>
        <translation>Senha do Sentinel:</translation>
    </message>
    <message>
        <source>Seed nodes (host:port):</source>
        <translation>Nós semente (host:port):</translation>
    </message>
    <message>
        <source>Topology:</source>
        <translation>Topologia:</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a host:port address</source>
        <translation>&apos;%1&apos; não é um endereço host:port</translation>
    </message>
</context>
<context>
    <name>kiq::ui::TrayIcon</name>
    <message>
        <source>all checks OK</source>
        <translation>todas as verificações OK</translation>
    </message>
    <message>
        <source>warning</source>
        <translation>aviso</translation>
    </message>
    <message>
        <source>critical</source>
        <translation>crítico</translation>
    </message>
    <message>
        <source>no deployment watched</source>
        <translation>nenhuma implantação monitorada</translation>
    </message>
    <message>
        <source>Show Kiqdesk</source>
        <translation>Mostrar Kiqdesk</translation>
    </message>
    <message>
        <source>Acknowledge all alerts</source>
        <translation>Reconhecer todos os alertas</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Sair</translation>
    </message>
    <message>
        <source>Kiqdesk: %1</source>
        <translation>Kiqdesk: %1</translation>
    </message>
    <message numerus="yes">
        <source>… and %n more</source>
        <translation>
            <numerusform>… e mais %n</numerusform>
            <numerusform>… e mais %n</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n alert(s) open</source>
        <translation>
            <numerusform>%n alerta aberto</numerusform>
            <numerusform>%n alertas abertos</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>kiq::ui::UndoOffer</name>
    <message>
        <source>Undo</source>
        <translation>Desfazer</translation>
    </message>
    <message numerus="yes">
        <source>Undo: put the %1 job(s) back</source>
        <translation>
            <numerusform>Desfazer: devolver %1 job</numerusform>
            <numerusform>Desfazer: devolver os %1 jobs</numerusform>
        </translation>
    </message>
    <message>
        <source>Put the jobs back where they were (Undo history has every action)</source>
        <translation>Devolver os jobs para onde estavam (o histórico para desfazer tem cada ação)</translation>
    </message>
</context>
<context>
    <name>kiq::ui::UndoPage</name>
    <message>
        <source>When</source>
        <translation>Quando</translation>
    </message>
    <message>
        <source>What was removed</source>
        <translation>O que foi removido</translation>
    </message>
    <message>
        <source>Jobs</source>
        <translation>Jobs</translation>
    </message>
    <message>
        <source>Not restored</source>
        <translation>Não restaurado</translation>
    </message>
    <message>
        <source>By</source>
        <translation>Por</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Motivo</translation>
    </message>
    <message>
        <source>Reload</source>
        <translation>Recarregar</translation>
    </message>
    <message>
        <source>Restore</source>
        <translation>Restaurar</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>Não conectado.</translation>
    </message>
    <message>
        <source>Undo history</source>
        <translation>Histórico para desfazer</translation>
    </message>
    <message numerus="yes">
        <source>%1 job(s) killed from %2 at %3</source>
        <translation>
            <numerusform>%1 job morto em %2 às %3</numerusform>
            <numerusform>%1 jobs mortos em %2 às %3</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 job(s) cleared from %2 at %3</source>
        <translation>
            <numerusform>%1 job limpo de %2 às %3</numerusform>
            <numerusform>%1 jobs limpos de %2 às %3</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 job(s) deleted from %2 at %3</source>
        <translation>
            <numerusform>%1 job excluído de %2 às %3</numerusform>
            <numerusform>%1 jobs excluídos de %2 às %3</numerusform>
        </translation>
    </message>
    <message>
        <source>Nothing to undo: deletes, kills and queue clears on this server are kept here for 7 days.</source>
        <translation>Nada para desfazer: exclusões, jobs mortos e filas limpas neste servidor ficam guardados aqui por 7 dias.</translation>
    </message>
    <message numerus="yes">
        <source>%1 action(s) kept for 7 days</source>
        <translation>
            <numerusform>%1 ação guardada por 7 dias</numerusform>
            <numerusform>%1 ações guardadas por 7 dias</numerusform>
        </translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Não conectado</translation>
    </message>
    <message>
        <source>Select an action in the list first</source>
        <translation>Selecione uma ação na lista primeiro</translation>
    </message>
    <message>
        <source>Its jobs were restored already</source>
        <translation>Seus jobs já foram restaurados</translation>
    </message>
    <message>
        <source>Put back the %1</source>
        <translation>Devolver: %1</translation>
    </message>
    <message>
        <source>Restoring…</source>
        <translation>Restaurando…</translation>
    </message>
    <message>
        <source>Restore failed:</source>
        <translation>Falha ao restaurar:</translation>
    </message>
    <message numerus="yes">
        <source>Restored %1 job(s), %2 already there (%3)</source>
        <translation>
            <numerusform>%1 job restaurado, %2 já estava lá (%3)</numerusform>
            <numerusform>%1 jobs restaurados, %2 já estavam lá (%3)</numerusform>
        </translation>
    </message>
    <message>
        <source>Copy as command</source>
        <translation>Copiar como comando</translation>
    </message>
</context>
<context>
    <name>kiq::ui::WorkersPage</name>
    <message>
        <source>Queues</source>
        <translation>Filas</translation>
    </message>
    <message>
        <source>Concurrency</source>
        <translation>Concorrência</translation>
    </message>
    <message>
        <source>Handler file</source>
        <translation>Arquivo de handlers</translation>
    </message>
    <message>
        <source>Shutdown timeout</source>
        <translation>Espera ao parar</translation>
    </message>
    <message>
        <source>Pool settings</source>
        <translation>Configurações do pool</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Iniciar</translation>
    </message>
    <message>
        <source>Quiet</source>
        <translation>Silenciar</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Parar</translation>
    </message>
    <message>
        <source>Processed</source>
        <translation>Processados</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Falhos</translation>
    </message>
    <message>
        <source>Busy</source>
        <translation>Ocupados</translation>
    </message>
    <message>
        <source>Running for</source>
        <translation>Duração</translation>
    </message>
    <message>
        <source>critical,2 default</source>
        <translation>critical,2 default</translation>
    </message>
    <message>
        <source>Queues separated by spaces, as Sidekiq&apos;s -q: &quot;name&quot; or &quot;name,weight&quot;. Without weights the order is strict; with weights a heavier queue is tried first more often.</source>
        <translation>Filas separadas por espaços, como no -q do Sidekiq: &quot;name&quot; ou &quot;name,weight&quot;. Sem pesos a ordem é estrita; com pesos, uma fila mais pesada é tentada primeiro com mais frequência.</translation>
    </message>
    <message>
        <source>TOML file mapping job classes to commands (optional)</source>
        <translation>Arquivo TOML que associa classes de job a comandos (opcional)</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Procurar…</translation>
    </message>
    <message>
        <source>DEBUG also logs the start and end of every job.</source>
        <translation>DEBUG também registra o início e o fim de cada job.</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>How long Stop waits for running jobs before pushing them back to their queues.</source>
        <translation>Quanto tempo Parar espera pelos jobs em execução antes de devolvê-los às suas filas.</translation>
    </message>
    <message>
        <source>Log level</source>
        <translation>Nível de log</translation>
    </message>
    <message>
        <source>Finish the running jobs and fetch no new ones.</source>
        <translation>Termina os jobs em execução e não busca novos.</translation>
    </message>
    <message>
        <source>All lines</source>
        <translation>Todas as linhas</translation>
    </message>
    <message>
        <source>Info and above</source>
        <translation>Info e acima</translation>
    </message>
    <message>
        <source>Warnings and errors</source>
        <translation>Avisos e erros</translation>
    </message>
    <message>
        <source>Errors only</source>
        <translation>Somente erros</translation>
    </message>
    <message>
        <source>Jobs in flight</source>
        <translation>Jobs em andamento</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>Log</translation>
    </message>
    <message>
        <source>Local workers</source>
        <translation>Workers locais</translation>
    </message>
    <message>
        <source>Writes to this deployment are disarmed, but this pool keeps working jobs until you stop it.</source>
        <translation>As gravações nesta implantação estão desabilitadas, mas este pool continua processando jobs até você pará-lo.</translation>
    </message>
    <message>
        <source>Stopped.</source>
        <translation>Parado.</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>Não conectado.</translation>
    </message>
    <message numerus="yes">
        <source>Stopped. The last run processed %n job(s).</source>
        <translation>
            <numerusform>Parado. A última execução processou %n job.</numerusform>
            <numerusform>Parado. A última execução processou %n jobs.</numerusform>
        </translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Iniciando…</translation>
    </message>
    <message numerus="yes">
        <source>Running %n thread(s) on %1 (strict order).</source>
        <translation>
            <numerusform>Executando %n thread em %1 (ordem estrita).</numerusform>
            <numerusform>Executando %n threads em %1 (ordem estrita).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Running %n thread(s) on %1 (weighted).</source>
        <translation>
            <numerusform>Executando %n thread em %1 (com pesos).</numerusform>
            <numerusform>Executando %n threads em %1 (com pesos).</numerusform>
        </translation>
    </message>
    <message>
        <source>Quiet: running jobs finish, no new jobs are fetched.</source>
        <translation>Silenciado: os jobs em execução terminam, nenhum job novo é buscado.</translation>
    </message>
    <message>
        <source>Stopping: waiting for the running jobs…</source>
        <translation>Parando: aguardando os jobs em execução…</translation>
    </message>
    <message>
        <source>Could not start: %1</source>
        <translation>Não foi possível iniciar: %1</translation>
    </message>
    <message>
        <source>Started by %1.</source>
        <translation>Iniciado por %1.</translation>
    </message>
    <message>
        <source>Process %1 on %2</source>
        <translation>Processo %1 em %2</translation>
    </message>
    <message numerus="yes">
        <source>of %n thread(s)</source>
        <translation>
            <numerusform>de %n thread</numerusform>
            <numerusform>de %n threads</numerusform>
        </translation>
    </message>
    <message>
        <source>TOML files (*.toml);;All files (*)</source>
        <translation>Arquivos TOML (*.toml);;Todos os arquivos (*)</translation>
    </message>
    <message>
        <source>Built-in demo handlers</source>
        <translation>Handlers de demonstração</translation>
    </message>
    <message>
        <source>Kiqdesk::Sleep, Kiqdesk::Fail and Kiqdesk::Echo</source>
        <translation>Kiqdesk::Sleep, Kiqdesk::Fail e Kiqdesk::Echo</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Não conectado</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <comment>class (hand-backs)</comment>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>No handler here for %1: their jobs went back to their queues unchanged (no retry used, no error written), for the workers that run them.</source>
        <translation>Nenhum handler aqui para %1: seus jobs voltaram para as filas sem alteração (nenhuma tentativa usada, nenhum erro gravado), para os workers que os executam.</translation>
    </message>
    <message>
        <source>%1:</source>
        <translation>%1:</translation>
    </message>
    <message>
        <source>Start workers on %1</source>
        <translation>Iniciar workers em %1</translation>
    </message>
    <message>
        <source>Start a worker pool on &lt;b&gt;%1&lt;/b&gt;, a &lt;b&gt;%2&lt;/b&gt; deployment?&lt;br&gt;&lt;br&gt;It takes jobs from %3 and runs them on this computer.</source>
        <translation>Iniciar um pool de workers em &lt;b&gt;%1&lt;/b&gt;, uma implantação de &lt;b&gt;%2&lt;/b&gt;?&lt;br&gt;&lt;br&gt;Ele pega jobs de %3 e os executa neste computador.</translation>
    </message>
    <message>
        <source>Start on %1</source>
        <translation>Iniciar em %1</translation>
    </message>
    <message>
        <source>Not started.</source>
        <translation>Não iniciado.</translation>
    </message>
    <message>
        <source>Looking at the jobs waiting in %1…</source>
        <translation>Verificando os jobs aguardando em %1…</translation>
    </message>
    <message>
        <source>Not started: could not look at the queues:</source>
        <translation>Não iniciado: não foi possível verificar as filas:</translation>
    </message>
    <message>
        <source>Jobs without a handler</source>
        <translation>Jobs sem handler</translation>
    </message>
    <message>
        <source>These jobs wait in the chosen queues, and this pool has no handler for their class (counted among the newest %1 jobs of each queue):</source>
        <translation>Estes jobs aguardam nas filas escolhidas, e este pool não tem handler para a classe deles (contados entre os %1 jobs mais recentes de cada fila):</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>Fila</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>Classe</translation>
    </message>
    <message>
        <source>Jobs</source>
        <translation>Jobs</translation>
    </message>
    <message>
        <source>What should the pool do with them?</source>
        <translation>O que o pool deve fazer com eles?</translation>
    </message>
    <message>
        <source>Handed back, a job goes back to its queue unchanged (no retry used, no error written) for the workers that have its class. Failed, it uses a retry and gets NameError as its error, as a Sidekiq without that class would do.</source>
        <translation>Devolvido, um job volta para sua fila sem alteração (nenhuma tentativa usada, nenhum erro gravado) para os workers que têm a sua classe. Com falha, ele usa uma tentativa e recebe NameError como erro, como faria um Sidekiq sem essa classe.</translation>
    </message>
    <message>
        <source>Hand them back (leave them for their own workers)</source>
        <translation>Devolvê-los (deixá-los para seus próprios workers)</translation>
    </message>
    <message>
        <source>Fail them like Sidekiq does</source>
        <translation>Marcá-los como falha, como o Sidekiq faz</translation>
    </message>
    <message>
        <source>Not started:</source>
        <translation>Não iniciado:</translation>
    </message>
    <message>
        <source>Not started: the deployment was disconnected.</source>
        <translation>Não iniciado: a implantação foi desconectada.</translation>
    </message>
    <message>
        <source>Copy as command</source>
        <translation>Copiar como comando</translation>
    </message>
    <message>
        <source>Copy the kiqdesk-cli command that starts this pool, for a script or a server</source>
        <translation>Copiar o comando kiqdesk-cli que inicia este pool, para um script ou um servidor</translation>
    </message>
</context>
</TS>
