<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es_ES">
<context>
    <name>JobColumns</name>
    <message>
        <source>Queue</source>
        <translation>Cola</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>Trabajo</translation>
    </message>
    <message>
        <source>Arguments</source>
        <translation>Argumentos</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Error</translation>
    </message>
    <message>
        <source>Retries</source>
        <translation>Reintentos</translation>
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
        <translation>Filtro, en el carácter %1: %2. No se muestra ningún trabajo hasta que se corrija.</translation>
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
        <translation>Consola de escritorio para sistemas de trabajos Sidekiq sobre Redis.</translation>
    </message>
    <message>
        <source>Start a local sandbox Redis and show it.</source>
        <translation>Iniciar un Redis sandbox local y mostrarlo.</translation>
    </message>
    <message>
        <source>Save a picture of the window to &lt;file&gt; and quit.</source>
        <translation>Guardar una imagen de la ventana en &lt;archivo&gt; y salir.</translation>
    </message>
    <message>
        <source>file</source>
        <translation>archivo</translation>
    </message>
    <message>
        <source>Wait &lt;ms&gt; before taking the screenshot (default 3000).</source>
        <translation>Esperar &lt;ms&gt; antes de la captura de pantalla (3000 por defecto).</translation>
    </message>
    <message>
        <source>ms</source>
        <translation>ms</translation>
    </message>
    <message>
        <source>Use &lt;theme&gt; (system, light, dark) for this run.</source>
        <translation>Usar &lt;tema&gt; (system, light, dark) en esta ejecución.</translation>
    </message>
    <message>
        <source>theme</source>
        <translation>tema</translation>
    </message>
    <message>
        <source>Kiqdesk</source>
        <translation>Kiqdesk</translation>
    </message>
    <message>
        <source>cannot write the screenshot to %1</source>
        <translation>no se puede escribir la captura de pantalla en %1</translation>
    </message>
    <message>
        <source>the local sandbox (demo handlers)</source>
        <translation>el sandbox local (manejadores de demostración)</translation>
    </message>
    <message>
        <source>The sandbox started but demo data could not be written: %1</source>
        <translation>El sandbox se inició, pero no se pudieron escribir los datos de demostración: %1</translation>
    </message>
    <message>
        <source>Open the window at &lt;width&gt;x&lt;height&gt; pixels.</source>
        <translation>Abrir la ventana a &lt;ancho&gt;x&lt;alto&gt; píxeles.</translation>
    </message>
    <message>
        <source>size</source>
        <translation>tamaño</translation>
    </message>
    <message>
        <source>Show the deployment&apos;s page &lt;n&gt; (0 is the first tab).</source>
        <translation>Mostrar la página &lt;n&gt; del despliegue (0 es la primera pestaña).</translation>
    </message>
    <message>
        <source>n</source>
        <translation>n</translation>
    </message>
    <message>
        <source>--size takes &lt;width&gt;x&lt;height&gt;, e.g. 1024x700</source>
        <translation>--size admite &lt;ancho&gt;x&lt;alto&gt;, p. ej. 1024x700</translation>
    </message>
    <message>
        <source>Your saved connections were not loaded.

%1</source>
        <translation>Sus conexiones guardadas no se cargaron.

%1</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <source>%1 is not connected</source>
        <translation>%1 no está conectado</translation>
    </message>
</context>
<context>
    <name>kiq::ui</name>
    <message>
        <source>Type %1 to confirm.</source>
        <translation>Escriba %1 para confirmar.</translation>
    </message>
</context>
<context>
    <name>kiq::ui::AclLogModel</name>
    <message>
        <source>%1 ago</source>
        <translation>hace %1</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Usuario</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Motivo</translation>
    </message>
    <message>
        <source>Denied</source>
        <translation>Denegado</translation>
    </message>
    <message>
        <source>Context</source>
        <translation>Contexto</translation>
    </message>
    <message>
        <source>Count</source>
        <translation>Cantidad</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>Visto por última vez</translation>
    </message>
    <message>
        <source>Node</source>
        <translation>Nodo</translation>
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
        <translation>primario</translation>
    </message>
    <message>
        <source>replica</source>
        <translation>réplica</translation>
    </message>
    <message>
        <source>New user…</source>
        <translation>Nuevo usuario…</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>Editar…</translation>
    </message>
    <message>
        <source>Enable</source>
        <translation>Habilitar</translation>
    </message>
    <message>
        <source>Disable</source>
        <translation>Deshabilitar</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>Eliminar…</translation>
    </message>
    <message>
        <source>Apply Sidekiq role…</source>
        <translation>Aplicar rol de Sidekiq…</translation>
    </message>
    <message>
        <source>Reset log</source>
        <translation>Restablecer registro</translation>
    </message>
    <message>
        <source>Delete ACL user</source>
        <translation>Eliminar usuario ACL</translation>
    </message>
    <message>
        <source>Delete the ACL user &apos;%1&apos; on every node? Clients logged in as it are disconnected.</source>
        <translation>¿Eliminar el usuario ACL «%1» en todos los nodos? Los clientes conectados con él se desconectan.</translation>
    </message>
    <message>
        <source>Reset ACL log</source>
        <translation>Restablecer registro ACL</translation>
    </message>
    <message>
        <source>Clear the ACL log on every node?</source>
        <translation>¿Vaciar el registro ACL en todos los nodos?</translation>
    </message>
    <message>
        <source>Users</source>
        <translation>Usuarios</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>Registro</translation>
    </message>
    <message>
        <source>The result of each change appears here, per node, with the role checks.</source>
        <translation>El resultado de cada cambio aparece aquí, por nodo, con las comprobaciones del rol.</translation>
    </message>
    <message>
        <source>ACL</source>
        <translation>ACL</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>No conectado.</translation>
    </message>
    <message numerus="yes">
        <source>%n user(s) with risky rights (in red; hover for why).</source>
        <translation>
            <numerusform>%n usuario con permisos de riesgo (en rojo; pase el ratón para ver por qué).</numerusform>
            <numerusform>%n usuarios con permisos de riesgo (en rojo; pase el ratón para ver por qué).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n user(s), none with risky rights.</source>
        <translation>
            <numerusform>%n usuario, ninguno con permisos de riesgo.</numerusform>
            <numerusform>%n usuarios, ninguno con permisos de riesgo.</numerusform>
        </translation>
    </message>
    <message>
        <source>Could not apply the rules of %1: %2</source>
        <translation>No se pudieron aplicar las reglas de %1: %2</translation>
    </message>
    <message>
        <source>ACL SETUSER %1
</source>
        <translation>ACL SETUSER %1
</translation>
    </message>
    <message>
        <source>Could not apply the role to %1: %2</source>
        <translation>No se pudo aplicar el rol a %1: %2</translation>
    </message>
    <message>
        <source>ok</source>
        <translation>ok</translation>
    </message>
    <message>
        <source>FAILED</source>
        <translation>FALLÓ</translation>
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
        <translation>denegar</translation>
    </message>
    <message>
        <source>Could not delete %1: %2</source>
        <translation>No se pudo eliminar %1: %2</translation>
    </message>
    <message>
        <source>ACL DELUSER %1
</source>
        <translation>ACL DELUSER %1
</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>No conectado</translation>
    </message>
    <message>
        <source>Select a user first</source>
        <translation>Seleccione primero un usuario</translation>
    </message>
    <message>
        <source>Cannot read ACL users:</source>
        <translation>No se pueden leer los usuarios ACL:</translation>
    </message>
    <message>
        <source>Select a user first.</source>
        <translation>Seleccione primero un usuario.</translation>
    </message>
    <message>
        <source>Enable the selected user</source>
        <translation>Habilitar el usuario seleccionado</translation>
    </message>
    <message>
        <source>Disable the selected user</source>
        <translation>Deshabilitar el usuario seleccionado</translation>
    </message>
    <message>
        <source>Delete the selected user</source>
        <translation>Eliminar el usuario seleccionado</translation>
    </message>
    <message>
        <source>Reset the log</source>
        <translation>Restablecer el registro</translation>
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
        <translation>Habilitado</translation>
    </message>
    <message>
        <source>Remove the existing passwords</source>
        <translation>Quitar las contraseñas existentes</translation>
    </message>
    <message>
        <source>No password (nopass): anyone can log in as this user</source>
        <translation>Sin contraseña (nopass): cualquiera puede iniciar sesión como este usuario</translation>
    </message>
    <message>
        <source>Edit ACL user %1</source>
        <translation>Editar usuario ACL %1</translation>
    </message>
    <message>
        <source>New ACL user</source>
        <translation>Nuevo usuario ACL</translation>
    </message>
    <message>
        <source>Leave empty to keep the current passwords</source>
        <translation>Dejar vacío para conservar las contraseñas actuales</translation>
    </message>
    <message>
        <source>One pattern per line: ~queue:*  %R~stat:*  %W~tmp:*</source>
        <translation>Un patrón por línea: ~queue:*  %R~stat:*  %W~tmp:*</translation>
    </message>
    <message>
        <source>One pattern per line: &amp;events:*</source>
        <translation>Un patrón por línea: &amp;events:*</translation>
    </message>
    <message>
        <source>e.g. -flushall +client|setname</source>
        <translation>p. ej. -flushall +client|setname</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>New password</source>
        <translation>Nueva contraseña</translation>
    </message>
    <message>
        <source>Key patterns</source>
        <translation>Patrones de claves</translation>
    </message>
    <message>
        <source>Channels</source>
        <translation>Canales</translation>
    </message>
    <message>
        <source>Command categories</source>
        <translation>Categorías de comandos</translation>
    </message>
    <message>
        <source>Extra command rules</source>
        <translation>Reglas de comandos adicionales</translation>
    </message>
    <message>
        <source>Apply to every node</source>
        <translation>Aplicar a todos los nodos</translation>
    </message>
    <message>
        <source>Will run:</source>
        <translation>Se ejecutará:</translation>
    </message>
    <message>
        <source>The name must be one word.</source>
        <translation>El nombre debe ser una sola palabra.</translation>
    </message>
    <message>
        <source>A new user needs a password (or nopass, which is not recommended).</source>
        <translation>Un usuario nuevo necesita una contraseña (o nopass, que no se recomienda).</translation>
    </message>
    <message>
        <source>No change.</source>
        <translation>Sin cambios.</translation>
    </message>
    <message>
        <source>Changes:
</source>
        <translation>Cambios:
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
        <translation>activo</translation>
    </message>
    <message>
        <source>off</source>
        <translation>inactivo</translation>
    </message>
    <message>
        <source>none (nopass)</source>
        <translation>ninguna (nopass)</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Usuario</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>Passwords</source>
        <translation>Contraseñas</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>Claves</translation>
    </message>
    <message>
        <source>Channels</source>
        <translation>Canales</translation>
    </message>
    <message>
        <source>Commands</source>
        <translation>Comandos</translation>
    </message>
    <message>
        <source>Risks</source>
        <translation>Riesgos</translation>
    </message>
</context>
<context>
    <name>kiq::ui::ApplyRoleDialog</name>
    <message>
        <source>Apply a Sidekiq role</source>
        <translation>Aplicar un rol de Sidekiq</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rol</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>Nombre de usuario</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Contraseña</translation>
    </message>
    <message>
        <source>Apply and verify</source>
        <translation>Aplicar y verificar</translation>
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
        <translation>Habilitar escrituras</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; is read-only. Arming allows every write (job actions, queue changes, quiet and stop, ACL changes, local workers) until the time below runs out or you disarm.&lt;br&gt;Type the deployment&apos;s name &lt;b&gt;%2&lt;/b&gt; to confirm.</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; es de solo lectura. Habilitar las escrituras permite cualquier escritura (acciones sobre trabajos, cambios en colas, silenciar y detener, cambios de ACL, workers locales) hasta que se agote el tiempo indicado abajo o las deshabilite.&lt;br&gt;Escriba el nombre del despliegue &lt;b&gt;%2&lt;/b&gt; para confirmar.</translation>
    </message>
    <message>
        <source>Why: free text or a ticket id</source>
        <translation>Por qué: texto libre o un número de ticket</translation>
    </message>
    <message>
        <source> min</source>
        <translation> min</translation>
    </message>
    <message>
        <source>Deployment name:</source>
        <translation>Nombre del despliegue:</translation>
    </message>
    <message>
        <source>Reason:</source>
        <translation>Motivo:</translation>
    </message>
    <message>
        <source>Writes allowed for:</source>
        <translation>Escrituras permitidas durante:</translation>
    </message>
</context>
<context>
    <name>kiq::ui::AuditPage</name>
    <message>
        <source>Reload</source>
        <translation>Recargar</translation>
    </message>
    <message>
        <source>Verify chain</source>
        <translation>Verificar cadena</translation>
    </message>
    <message>
        <source>Export JSONL…</source>
        <translation>Exportar JSONL…</translation>
    </message>
    <message>
        <source>Any user (OS or ACL user)</source>
        <translation>Cualquier usuario (del SO o ACL)</translation>
    </message>
    <message>
        <source>Any action</source>
        <translation>Cualquier acción</translation>
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
        <translation>Últimos 7 días</translation>
    </message>
    <message>
        <source>All</source>
        <translation>Todo</translation>
    </message>
    <message>
        <source>Recompute every entry&apos;s hash and check the chain: deleted, edited or forged entries are marked</source>
        <translation>Recalcular el hash de cada entrada y comprobar la cadena: se marcan las entradas eliminadas, editadas o falsificadas</translation>
    </message>
    <message>
        <source>Every entry of the trail, oldest first, as JSON lines</source>
        <translation>Todas las entradas del registro, de la más antigua a la más reciente, como líneas JSON</translation>
    </message>
    <message>
        <source>Export the audit trail</source>
        <translation>Exportar el registro de auditoría</translation>
    </message>
    <message>
        <source>JSON lines (*.jsonl);;All files (*)</source>
        <translation>Líneas JSON (*.jsonl);;Todos los archivos (*)</translation>
    </message>
    <message>
        <source>Audit trail</source>
        <translation>Registro de auditoría</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>No conectado</translation>
    </message>
    <message>
        <source>No entries match.</source>
        <translation>Ninguna entrada coincide.</translation>
    </message>
    <message numerus="yes">
        <source>The newest %n matching entries.</source>
        <translation>
            <numerusform>Entradas coincidentes más recientes: %n.</numerusform>
            <numerusform>Entradas coincidentes más recientes: %n.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n matching entries.</source>
        <translation>
            <numerusform>%n entrada coincidente.</numerusform>
            <numerusform>%n entradas coincidentes.</numerusform>
        </translation>
    </message>
    <message>
        <source>Verifying the chain…</source>
        <translation>Verificando la cadena…</translation>
    </message>
    <message>
        <source>Could not verify:</source>
        <translation>No se pudo verificar:</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>Exportando…</translation>
    </message>
    <message>
        <source>Could not export:</source>
        <translation>No se pudo exportar:</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n entries to %1.</source>
        <translation>
            <numerusform>%n entrada exportada a %1.</numerusform>
            <numerusform>%n entradas exportadas a %1.</numerusform>
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
        <translation>Detalle: %1</translation>
    </message>
    <message>
        <source>Jobs: %1</source>
        <translation>Trabajos: %1</translation>
    </message>
    <message>
        <source>Chain broken here: %1</source>
        <translation>Cadena rota aquí: %1</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Hora</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Usuario</translation>
    </message>
    <message>
        <source>ACL user</source>
        <translation>Usuario ACL</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Acción</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>Destino</translation>
    </message>
    <message>
        <source>Asked / done / skipped</source>
        <translation>Pedidos / hechos / omitidos</translation>
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
        <translation>Filtro / detalle</translation>
    </message>
</context>
<context>
    <name>kiq::ui::BulkActionFlow</name>
    <message>
        <source>Not connected.</source>
        <translation>No conectado.</translation>
    </message>
    <message>
        <source>Scanning the set…</source>
        <translation>Recorriendo el conjunto…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <source>&lt;b&gt;Preview failed:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;Falló la vista previa:&lt;/b&gt; %1</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>Cancelado.</translation>
    </message>
    <message>
        <source>Nothing done.</source>
        <translation>No se hizo nada.</translation>
    </message>
    <message numerus="yes">
        <source>%1 %n matching job(s)?</source>
        <translation>
            <numerusform>%1: ¿%n trabajo coincidente?</numerusform>
            <numerusform>%1: ¿%n trabajos coincidentes?</numerusform>
        </translation>
    </message>
    <message>
        <source>%1: working…</source>
        <translation>%1: en curso…</translation>
    </message>
    <message>
        <source>&lt;b&gt;Failed:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;Falló:&lt;/b&gt; %1</translation>
    </message>
    <message>
        <source>%1: %2 done, %3 already gone, %4 skipped%5</source>
        <translation>%1: %2 hechos, %3 ya no estaban, %4 omitidos%5</translation>
    </message>
    <message>
        <source> (cancelled; can be resumed)</source>
        <translation> (cancelado; se puede reanudar)</translation>
    </message>
    <message>
        <source>%1: %2 done, %3 scanned</source>
        <translation>%1: %2 hechos, %3 recorridos</translation>
    </message>
    <message>
        <source>%1 jobs/s</source>
        <translation>%1 trabajos/s</translation>
    </message>
    <message>
        <source>Redis busy %1% of the time</source>
        <translation>Redis ocupado el %1 % del tiempo</translation>
    </message>
    <message>
        <source>about %1 left</source>
        <translation>quedan unos %1</translation>
    </message>
    <message>
        <source>slowed down: the server answers in %1</source>
        <translation>ralentizado: el servidor responde en %1</translation>
    </message>
</context>
<context>
    <name>kiq::ui::BulkPreviewDialog</name>
    <message numerus="yes">
        <source>… and %n more</source>
        <translation>
            <numerusform>… y %n más</numerusform>
            <numerusform>… y %n más</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 all matching jobs</source>
        <translation>%1: todos los trabajos coincidentes</translation>
    </message>
    <message>
        <source>Group</source>
        <translation>Grupo</translation>
    </message>
    <message>
        <source>Jobs</source>
        <translation>Trabajos</translation>
    </message>
    <message>
        <source>By class</source>
        <translation>Por clase</translation>
    </message>
    <message>
        <source>By queue</source>
        <translation>Por cola</translation>
    </message>
    <message>
        <source>By error</source>
        <translation>Por error</translation>
    </message>
    <message>
        <source>no limit</source>
        <translation>sin límite</translation>
    </message>
    <message>
        <source> jobs/s</source>
        <translation> trabajos/s</translation>
    </message>
    <message>
        <source>Rate limit:</source>
        <translation>Límite de ritmo:</translation>
    </message>
    <message>
        <source>Continue…</source>
        <translation>Continuar…</translation>
    </message>
    <message numerus="yes">
        <source>&lt;b&gt;%1&lt;/b&gt; of %2 job(s) match and would be affected by &lt;b&gt;%3&lt;/b&gt;.</source>
        <translation>
            <numerusform>&lt;b&gt;%1&lt;/b&gt; de %2 trabajo coincide y se vería afectado por &lt;b&gt;%3&lt;/b&gt;.</numerusform>
            <numerusform>&lt;b&gt;%1&lt;/b&gt; de %2 trabajos coinciden y se verían afectados por &lt;b&gt;%3&lt;/b&gt;.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>kiq::ui::BusyJobModel</name>
    <message>
        <source>(unreadable job)</source>
        <translation>(trabajo ilegible)</translation>
    </message>
    <message>
        <source>Process</source>
        <translation>Proceso</translation>
    </message>
    <message>
        <source>Thread</source>
        <translation>Hilo</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>Cola</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>Trabajo</translation>
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
        <translation>Duración</translation>
    </message>
    <message>
        <source>cancelled %1 ago</source>
        <translation>cancelado hace %1</translation>
    </message>
    <message>
        <source>execution %1 · %2 iterating · cursor %3</source>
        <translation>ejecución %1 · %2 iterando · cursor %3</translation>
    </message>
    <message>
        <source>Cursor: %1</source>
        <translation>Cursor: %1</translation>
    </message>
    <message>
        <source>Iteration</source>
        <translation>Iteración</translation>
    </message>
</context>
<context>
    <name>kiq::ui::BusyPage</name>
    <message>
        <source>Reload</source>
        <translation>Recargar</translation>
    </message>
    <message>
        <source>Quiet selected</source>
        <translation>Silenciar seleccionados</translation>
    </message>
    <message>
        <source>Stop selected</source>
        <translation>Detener seleccionados</translation>
    </message>
    <message>
        <source>Quiet all</source>
        <translation>Silenciar todos</translation>
    </message>
    <message>
        <source>Stop all</source>
        <translation>Detener todos</translation>
    </message>
    <message>
        <source>Processes</source>
        <translation>Procesos</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>No conectado.</translation>
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
        <translation>Detener</translation>
    </message>
    <message numerus="yes">
        <source>Quiet %n process(es)? They finish their current jobs and fetch no new ones.</source>
        <translation>
            <numerusform>¿Silenciar %n proceso? Termina sus trabajos actuales y no toma otros nuevos.</numerusform>
            <numerusform>¿Silenciar %n procesos? Terminan sus trabajos actuales y no toman otros nuevos.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Stop %n process(es)? They shut down; unfinished jobs go back to their queues.</source>
        <translation>
            <numerusform>¿Detener %n proceso? Se apaga; los trabajos sin terminar vuelven a sus colas.</numerusform>
            <numerusform>¿Detener %n procesos? Se apagan; los trabajos sin terminar vuelven a sus colas.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 sent to %n process(es); they act at their next heartbeat.</source>
        <translation>
            <numerusform>%1 enviado a %n proceso; actúa en su próximo latido.</numerusform>
            <numerusform>%1 enviado a %n procesos; actúan en su próximo latido.</numerusform>
        </translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>No conectado</translation>
    </message>
    <message>
        <source>No Sidekiq process is running</source>
        <translation>No hay ningún proceso de Sidekiq en ejecución</translation>
    </message>
    <message>
        <source>Select processes in the table first</source>
        <translation>Seleccione primero procesos en la tabla</translation>
    </message>
    <message>
        <source>Stop fetching new jobs; running jobs finish</source>
        <translation>Dejar de tomar trabajos nuevos; los trabajos en ejecución terminan</translation>
    </message>
    <message>
        <source>Shut the selected processes down</source>
        <translation>Apagar los procesos seleccionados</translation>
    </message>
    <message>
        <source>Quiet every listed process</source>
        <translation>Silenciar todos los procesos listados</translation>
    </message>
    <message>
        <source>Shut every listed process down</source>
        <translation>Apagar todos los procesos listados</translation>
    </message>
    <message>
        <source>%1, %2</source>
        <translation>%1, %2</translation>
    </message>
    <message numerus="yes">
        <source>%Ln process(es)</source>
        <translation>
            <numerusform>%Ln proceso</numerusform>
            <numerusform>%Ln procesos</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln job(s) running</source>
        <translation>
            <numerusform>%Ln trabajo en ejecución</numerusform>
            <numerusform>%Ln trabajos en ejecución</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 failed:</source>
        <translation>%1 falló:</translation>
    </message>
    <message>
        <source>Copy as command</source>
        <translation>Copiar como comando</translation>
    </message>
    <message>
        <source>Select processes first.</source>
        <translation>Seleccione primero procesos.</translation>
    </message>
    <message>
        <source>Cancel iteration</source>
        <translation>Cancelar iteración</translation>
    </message>
    <message>
        <source>Select a running iterable job first</source>
        <translation>Seleccione primero un trabajo iterable en ejecución</translation>
    </message>
    <message>
        <source>Only iterable jobs (Sidekiq 7.3 and later) can be cancelled; this one is not</source>
        <translation>Solo se pueden cancelar los trabajos iterables (Sidekiq 7.3 y posteriores); este no lo es</translation>
    </message>
    <message>
        <source>Cancelled already: it stops at its next state save</source>
        <translation>Ya cancelado: se detiene en el próximo guardado de su estado</translation>
    </message>
    <message>
        <source>Ask the job to stop at its next state save (about every 5 s)</source>
        <translation>Pedir al trabajo que se detenga en el próximo guardado de su estado (cada 5 s aprox.)</translation>
    </message>
    <message>
        <source>Cancel %1 (%2) on %3? It stops at its next state save and runs its on_cancel callback; this cannot be undone.</source>
        <translation>¿Cancelar %1 (%2) en %3? Se detiene en el próximo guardado de su estado y ejecuta su callback on_cancel; no se puede deshacer.</translation>
    </message>
    <message>
        <source>Cancel failed:</source>
        <translation>Error al cancelar:</translation>
    </message>
    <message>
        <source>%1 is cancelled; it stops at its next state save.</source>
        <translation>%1 está cancelado; se detiene en el próximo guardado de su estado.</translation>
    </message>
    <message>
        <source>Filter running jobs by process, queue, job class, arguments or JID</source>
        <translation>Filtrar trabajos en curso por proceso, cola, clase, argumentos o JID</translation>
    </message>
    <message numerus="yes">
        <source>%Ln shown</source>
        <translation>
            <numerusform>%Ln mostrado</numerusform>
            <numerusform>%Ln mostrados</numerusform>
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
        <translation>Archivos CSV (*.csv)</translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>No se pudo escribir %1: %2</translation>
    </message>
</context>
<context>
    <name>kiq::ui::ClientCensusModel</name>
    <message>
        <source>not identified</source>
        <translation>sin identificar</translation>
    </message>
    <message>
        <source>%1 more</source>
        <translation>%1 más</translation>
    </message>
    <message>
        <source>Connections waiting in a blocking command, such as Sidekiq&apos;s fetchers in BRPOP.</source>
        <translation>Conexiones que esperan en un comando bloqueante, como los fetchers de Sidekiq en BRPOP.</translation>
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
        <translation>Conexiones</translation>
    </message>
    <message>
        <source>Blocked</source>
        <translation>Bloqueadas</translation>
    </message>
    <message>
        <source>Oldest</source>
        <translation>Más antigua</translation>
    </message>
    <message>
        <source>Names</source>
        <translation>Nombres</translation>
    </message>
    <message>
        <source>These clients sent no CLIENT SETINFO (Redis 7.2+), so their library and version are unknown. Sidekiq 6 (redis-rb 4) and every client on Redis before 7.2 look like this; Sidekiq 8.1.5+ identifies itself.</source>
        <translation>Estos clientes no enviaron CLIENT SETINFO (Redis 7.2+), así que su biblioteca y versión son desconocidas. Sidekiq 6 (redis-rb 4) y todo cliente en Redis anterior a 7.2 se ven así; Sidekiq 8.1.5+ se identifica.</translation>
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
        <translation>Nombre</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Dirección</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Usuario</translation>
    </message>
    <message>
        <source>Connected for</source>
        <translation>Conectado desde hace</translation>
    </message>
    <message>
        <source>Idle</source>
        <translation>Inactivo</translation>
    </message>
    <message>
        <source>DB</source>
        <translation>BD</translation>
    </message>
    <message>
        <source>Last command</source>
        <translation>Último comando</translation>
    </message>
    <message>
        <source>Flags</source>
        <translation>Indicadores</translation>
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
        <translation>Escriba una acción, un despliegue o una página…</translation>
    </message>
</context>
<context>
    <name>kiq::ui::ConnectionDialog</name>
    <message>
        <source>Enter the server&apos;s host name or address.</source>
        <translation>Introduzca el nombre de host o la dirección del servidor.</translation>
    </message>
    <message>
        <source>Ask for the password when connecting</source>
        <translation>Pedir la contraseña al conectar</translation>
    </message>
    <message>
        <source> ms</source>
        <translation> ms</translation>
    </message>
    <message>
        <source>&amp;Test connection</source>
        <translation>&amp;Probar conexión</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>Conexión</translation>
    </message>
    <message>
        <source>Security</source>
        <translation>Seguridad</translation>
    </message>
    <message>
        <source>Advanced</source>
        <translation>Avanzado</translation>
    </message>
    <message>
        <source>Tag colour</source>
        <translation>Color de etiqueta</translation>
    </message>
    <message>
        <source>redis://user:password@host:6379/0 or rediss://…</source>
        <translation>redis://user:password@host:6379/0 o rediss://…</translation>
    </message>
    <message>
        <source>Fill in</source>
        <translation>Rellenar</translation>
    </message>
    <message>
        <source>e.g. Billing production</source>
        <translation>p. ej. Facturación producción</translation>
    </message>
    <message>
        <source>none (e.g. myapp: for redis-namespace)</source>
        <translation>ninguno (p. ej. myapp: para redis-namespace)</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>Nombre:</translation>
    </message>
    <message>
        <source>Environment:</source>
        <translation>Entorno:</translation>
    </message>
    <message>
        <source>URL:</source>
        <translation>URL:</translation>
    </message>
    <message>
        <source>Database:</source>
        <translation>Base de datos:</translation>
    </message>
    <message>
        <source>Namespace prefix:</source>
        <translation>Prefijo de espacio de nombres:</translation>
    </message>
    <message>
        <source>default</source>
        <translation>default</translation>
    </message>
    <message>
        <source>not saved: asked when connecting</source>
        <translation>no se guarda: se pide al conectar</translation>
    </message>
    <message>
        <source>Authentication</source>
        <translation>Autenticación</translation>
    </message>
    <message>
        <source>Username:</source>
        <translation>Nombre de usuario:</translation>
    </message>
    <message>
        <source>Password:</source>
        <translation>Contraseña:</translation>
    </message>
    <message>
        <source>none (CLIENT SETNAME is skipped)</source>
        <translation>ninguno (se omite CLIENT SETNAME)</translation>
    </message>
    <message>
        <source>Connect timeout:</source>
        <translation>Tiempo de espera de conexión:</translation>
    </message>
    <message>
        <source>Command timeout:</source>
        <translation>Tiempo de espera de comandos:</translation>
    </message>
    <message>
        <source>Connection attempts:</source>
        <translation>Intentos de conexión:</translation>
    </message>
    <message>
        <source>First retry after:</source>
        <translation>Primer reintento tras:</translation>
    </message>
    <message>
        <source>Client name:</source>
        <translation>Nombre del cliente:</translation>
    </message>
    <message>
        <source>Cannot read this URL: %1</source>
        <translation>No se puede leer esta URL: %1</translation>
    </message>
    <message>
        <source>Testing %1…</source>
        <translation>Probando %1…</translation>
    </message>
    <message>
        <source>Connection failed: %1</source>
        <translation>Falló la conexión: %1</translation>
    </message>
    <message>
        <source>Connected; PING answered in %1. INFO is not allowed for this user: %2</source>
        <translation>Conectado; PING respondió en %1. INFO no está permitido para este usuario: %2</translation>
    </message>
    <message>
        <source>Connected to Redis %1 (%2); round trip %3.</source>
        <translation>Conectado a Redis %1 (%2); ida y vuelta %3.</translation>
    </message>
    <message>
        <source>Read-only: writes need arming with a reason</source>
        <translation>Solo lectura: las escrituras deben habilitarse con un motivo</translation>
    </message>
    <message>
        <source> min</source>
        <translation> min</translation>
    </message>
    <message>
        <source>Arm for:</source>
        <translation>Habilitar durante:</translation>
    </message>
    <message>
        <source>Writes:</source>
        <translation>Escrituras:</translation>
    </message>
    <message>
        <source>Production deployments always open read-only.</source>
        <translation>Los despliegues de producción siempre se abren en solo lectura.</translation>
    </message>
    <message>
        <source>Open this deployment read-only, as production is.</source>
        <translation>Abrir este despliegue en solo lectura, como producción.</translation>
    </message>
    <message>
        <source> entries</source>
        <translation> entradas</translation>
    </message>
    <message>
        <source>The shared audit trail (the kiqdesk:audit stream in this deployment&apos;s Redis) keeps about this many entries; older ones are trimmed. About 1 KB each.</source>
        <translation>El registro de auditoría compartido (el stream kiqdesk:audit en el Redis de este despliegue) conserva aproximadamente esta cantidad de entradas; las más antiguas se recortan. Alrededor de 1 KB cada una.</translation>
    </message>
    <message>
        <source>Audit trail keeps about:</source>
        <translation>El registro de auditoría conserva unas:</translation>
    </message>
    <message>
        <source>&amp;Diagnose…</source>
        <translation>&amp;Diagnosticar…</translation>
    </message>
    <message>
        <source>Take the connection apart step by step and say what to fix</source>
        <translation>Examinar la conexión paso a paso y decir qué corregir</translation>
    </message>
    <message>
        <source>Finding the step that fails…</source>
        <translation>Buscando el paso que falla…</translation>
    </message>
    <message>
        <source>Diagnose… shows every step.</source>
        <translation>Diagnosticar… muestra cada paso.</translation>
    </message>
    <message>
        <source>As the environment: production 25%, staging 50%, else 100%</source>
        <translation>Según el entorno: producción 25 %, staging 50 %, si no 100 %</translation>
    </message>
    <message>
        <source>%1% of Redis time</source>
        <translation>%1 % del tiempo de Redis</translation>
    </message>
    <message>
        <source>Unlimited (fastest, heaviest on other clients)</source>
        <translation>Sin límite (lo más rápido, lo más pesado para otros clientes)</translation>
    </message>
    <message>
        <source>Bulk actions, job index builds and the security audit&apos;s sample keep Redis busy at most this share of each second, so the apps sharing it keep their latency. They slow down further while the server answers late.</source>
        <translation>Las acciones masivas, la construcción del índice de trabajos y la muestra de la auditoría de seguridad ocupan Redis como mucho esta parte de cada segundo, para que las aplicaciones que lo comparten mantengan su latencia. Van aún más despacio cuando el servidor responde tarde.</translation>
    </message>
    <message>
        <source>Long operations may take:</source>
        <translation>Las operaciones largas pueden usar:</translation>
    </message>
    <message>
        <source>Redis runs one command at a time: every other client waits while one of ours runs. Calls are sized by measured time to hold it about this long.</source>
        <translation>Redis ejecuta un comando a la vez: todos los demás clientes esperan mientras se ejecuta uno de los nuestros. Las llamadas se dimensionan según el tiempo medido para ocuparlo más o menos este tiempo.</translation>
    </message>
    <message>
        <source>One call holds Redis about:</source>
        <translation>Una llamada ocupa Redis unos:</translation>
    </message>
    <message>
        <source>Post this deployment&apos;s alerts to a webhook (its URL comes from the source above)</source>
        <translation>Enviar las alertas de este despliegue a un webhook (su URL viene del origen indicado arriba)</translation>
    </message>
    <message>
        <source>Each alert as a JSON POST, for chat tools. The URL holds the tool&apos;s token: it is kept like a password, never in the profile file.</source>
        <translation>Cada alerta como un POST JSON, para herramientas de chat. La URL contiene el token de la herramienta: se guarda como una contraseña, nunca en el archivo de perfiles.</translation>
    </message>
</context>
<context>
    <name>kiq::ui::DailyHistoryChart</name>
    <message>
        <source>Processed</source>
        <translation>Procesados</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fallidos</translation>
    </message>
    <message>
        <source>Daily history (Sidekiq, UTC days)</source>
        <translation>Historial diario (Sidekiq, días UTC)</translation>
    </message>
    <message>
        <source>%1 (UTC): %2 processed, %3 failed</source>
        <translation>%1 (UTC): %2 procesados, %3 fallidos</translation>
    </message>
</context>
<context>
    <name>kiq::ui::Deployment</name>
    <message>
        <source>Not connected</source>
        <translation>No conectado</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Conectando…</translation>
    </message>
    <message>
        <source>Reachable</source>
        <translation>Accesible</translation>
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
        <translation>habilite primero las escrituras con un motivo</translation>
    </message>
    <message>
        <source>%1. Try again (or press F5) to enter the password again.</source>
        <translation>%1. Vuelva a intentarlo (o pulse F5) para introducir de nuevo la contraseña.</translation>
    </message>
    <message>
        <source>Server certificate</source>
        <translation>Certificado del servidor</translation>
    </message>
    <message>
        <source>CA certificate</source>
        <translation>Certificado de la CA</translation>
    </message>
    <message>
        <source>Client certificate</source>
        <translation>Certificado de cliente</translation>
    </message>
    <message numerus="yes">
        <source>%1 “%2” expired %n day(s) ago (%3)</source>
        <translation>
            <numerusform>%1 «%2» caducó hace %n día (%3)</numerusform>
            <numerusform>%1 «%2» caducó hace %n días (%3)</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 “%2” expires today (%3)</source>
        <translation>%1 «%2» caduca hoy (%3)</translation>
    </message>
    <message numerus="yes">
        <source>%1 “%2” expires in %n day(s) (%3)</source>
        <translation>
            <numerusform>%1 «%2» caduca en %n día (%3)</numerusform>
            <numerusform>%1 «%2» caduca en %n días (%3)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>kiq::ui::DeploymentPage</name>
    <message>
        <source>This page has no write path.</source>
        <translation>Esta página no puede escribir.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Undo failed:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;Falló deshacer:&lt;/b&gt; %1</translation>
    </message>
    <message numerus="yes">
        <source>Put back %1 job(s), %2 already there</source>
        <translation>
            <numerusform>%1 trabajo devuelto, %2 ya estaban</numerusform>
            <numerusform>%1 trabajos devueltos, %2 ya estaban</numerusform>
        </translation>
    </message>
    <message>
        <source>Copied the command; replace the --arm placeholder with the reason before running it.</source>
        <translation>Comando copiado; sustituya el marcador de --arm por el motivo antes de ejecutarlo.</translation>
    </message>
    <message>
        <source>Copied the command: %1</source>
        <translation>Comando copiado: %1</translation>
    </message>
    <message>
        <source>Not permitted for user %1: needs %2</source>
        <translation>No permitido para el usuario %1: necesita %2</translation>
    </message>
    <message>
        <source>&lt;b&gt;Export failed:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;Error al exportar:&lt;/b&gt; %1</translation>
    </message>
    <message>
        <source>&lt;b&gt;Could not write %1:&lt;/b&gt; %2</source>
        <translation>&lt;b&gt;No se pudo escribir %1:&lt;/b&gt; %2</translation>
    </message>
    <message>
        <source> · %1 no longer there</source>
        <translation> · %1 ya no están</translation>
    </message>
    <message>
        <source> · arguments as they are (recorded in the audit trail)</source>
        <translation> · argumentos tal cual (registrado en el registro de auditoría)</translation>
    </message>
    <message>
        <source> · redacted: for reading, not for import</source>
        <translation> · ocultado: para leer, no para importar</translation>
    </message>
    <message>
        <source>&lt;b&gt;Could not read %1:&lt;/b&gt; %2</source>
        <translation>&lt;b&gt;No se pudo leer %1:&lt;/b&gt; %2</translation>
    </message>
    <message>
        <source>%1 is a redacted export: its arguments are masked, so its jobs cannot be imported. Export them again with the arguments as they are.</source>
        <translation>%1 es una exportación ocultada: sus argumentos están enmascarados, así que sus trabajos no se pueden importar. Vuelva a exportarlos con los argumentos tal cual.</translation>
    </message>
    <message>
        <source>No jobs in %1%2</source>
        <translation>No hay trabajos en %1%2</translation>
    </message>
    <message>
        <source>Import jobs</source>
        <translation>Importar trabajos</translation>
    </message>
    <message>
        <source>&lt;b&gt;Import failed:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;Error al importar:&lt;/b&gt; %1</translation>
    </message>
    <message>
        <source>Job file</source>
        <translation>Archivo de trabajos</translation>
    </message>
    <message>
        <source>Export jobs</source>
        <translation>Exportar trabajos</translation>
    </message>
    <message>
        <source>Job files (*.jsonl);;All files (*)</source>
        <translation>Archivos de trabajos (*.jsonl);;Todos los archivos (*)</translation>
    </message>
    <message>
        <source>Export selected…</source>
        <translation>Exportar la selección…</translation>
    </message>
    <message>
        <source>Export selected with arguments as they are…</source>
        <translation>Exportar la selección con los argumentos tal cual…</translation>
    </message>
    <message>
        <source>Byte-exact, for import elsewhere; recorded in the audit trail</source>
        <translation>Exacto byte a byte, para importar en otro lugar; registrado en el registro de auditoría</translation>
    </message>
    <message>
        <source>Import jobs…</source>
        <translation>Importar trabajos…</translation>
    </message>
    <message numerus="yes">
        <source>Exported %1 job(s) to %2</source>
        <translation>
            <numerusform>%1 trabajo exportado a %2</numerusform>
            <numerusform>%1 trabajos exportados a %2</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Import %1 job(s) from %2 into %3?</source>
        <translation>
            <numerusform>¿Importar %1 trabajo de %2 en %3?</numerusform>
            <numerusform>¿Importar %1 trabajos de %2 en %3?</numerusform>
        </translation>
    </message>
    <message>
        <source>Lines that could not be read, left out: %1; the first: %2</source>
        <translation>Líneas que no se pudieron leer, omitidas: %1; la primera: %2</translation>
    </message>
    <message numerus="yes">
        <source>Imported %1 job(s), %2 already there, %3 not jobs, %4 unreadable lines</source>
        <translation>
            <numerusform>%1 trabajo importado, %2 ya estaban, %3 no son trabajos, %4 líneas ilegibles</numerusform>
            <numerusform>%1 trabajos importados, %2 ya estaban, %3 no son trabajos, %4 líneas ilegibles</numerusform>
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
        <translation>&lt;b&gt;Advertencia:&lt;/b&gt; %1</translation>
    </message>
    <message>
        <source>Try again…</source>
        <translation>Reintentar…</translation>
    </message>
    <message>
        <source>Read-only</source>
        <translation>Solo lectura</translation>
    </message>
    <message>
        <source>Writes to this deployment are refused until you arm them with a reason.</source>
        <translation>Las escrituras en este despliegue se rechazan hasta que las habilite con un motivo.</translation>
    </message>
    <message>
        <source>Arm writes…</source>
        <translation>Habilitar escrituras…</translation>
    </message>
    <message>
        <source>Allow writes for a while, with a reason</source>
        <translation>Permitir escrituras durante un tiempo, con un motivo</translation>
    </message>
    <message>
        <source>until disarmed</source>
        <translation>hasta deshabilitarlas</translation>
    </message>
    <message>
        <source>%1:%2 left</source>
        <translation>quedan %1:%2</translation>
    </message>
    <message>
        <source>Writes armed: %1</source>
        <translation>Escrituras habilitadas: %1</translation>
    </message>
    <message>
        <source>Armed by %1 at %2: %3</source>
        <translation>Habilitadas por %1 a las %2: %3</translation>
    </message>
    <message>
        <source>Disarm</source>
        <translation>Deshabilitar</translation>
    </message>
    <message>
        <source>Back to read-only now</source>
        <translation>Volver ahora a solo lectura</translation>
    </message>
</context>
<context>
    <name>kiq::ui::DoctorDialog</name>
    <message>
        <source>Run &amp;again</source>
        <translation>&amp;Repetir</translation>
    </message>
    <message>
        <source>&amp;Copy report</source>
        <translation>&amp;Copiar informe</translation>
    </message>
    <message>
        <source>Connection doctor — %1</source>
        <translation>Diagnóstico de conexión — %1</translation>
    </message>
    <message>
        <source>Sentinel</source>
        <translation>Sentinel</translation>
    </message>
    <message>
        <source>Name lookup</source>
        <translation>Resolución de nombre</translation>
    </message>
    <message>
        <source>TCP connection</source>
        <translation>Conexión TCP</translation>
    </message>
    <message>
        <source>Certificate files</source>
        <translation>Archivos de certificado</translation>
    </message>
    <message>
        <source>TLS handshake</source>
        <translation>Negociación TLS</translation>
    </message>
    <message>
        <source>Server certificate</source>
        <translation>Certificado del servidor</translation>
    </message>
    <message>
        <source>Client certificate</source>
        <translation>Certificado de cliente</translation>
    </message>
    <message>
        <source>Authentication</source>
        <translation>Autenticación</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>Servidor</translation>
    </message>
    <message>
        <source>Reading Sidekiq&apos;s data</source>
        <translation>Lectura de los datos de Sidekiq</translation>
    </message>
    <message>
        <source>Writing (armed)</source>
        <translation>Escritura (armada)</translation>
    </message>
    <message>
        <source>Examining %1…</source>
        <translation>Examinando %1…</translation>
    </message>
    <message>
        <source>The credential helper failed: %1</source>
        <translation>El asistente de credenciales falló: %1</translation>
    </message>
    <message>
        <source>No password is at hand: the doctor connects without it.</source>
        <translation>No hay contraseña disponible: el diagnóstico se conecta sin ella.</translation>
    </message>
    <message>
        <source>No Sentinel password is at hand: the doctor connects without it.</source>
        <translation>No hay contraseña de Sentinel disponible: el diagnóstico se conecta sin ella.</translation>
    </message>
    <message>
        <source>No passphrase for the client key is at hand: the doctor loads the key without it.</source>
        <translation>No hay frase de contraseña para la clave de cliente: el diagnóstico carga la clave sin ella.</translation>
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
        <translation>fallo</translation>
    </message>
    <message>
        <source>skipped</source>
        <translation>omitido</translation>
    </message>
    <message>
        <source>Fix:</source>
        <translation>Solución:</translation>
    </message>
    <message numerus="yes">
        <source>%n step(s) failed</source>
        <translation>
            <numerusform>%n paso falló</numerusform>
            <numerusform>%n pasos fallaron</numerusform>
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
            <numerusform>La conexión funciona, con %n aviso</numerusform>
            <numerusform>La conexión funciona, con %n avisos</numerusform>
        </translation>
    </message>
    <message>
        <source>Every step passed</source>
        <translation>Todos los pasos se superaron</translation>
    </message>
</context>
<context>
    <name>kiq::ui::Environment</name>
    <message>
        <source>Development</source>
        <translation>Desarrollo</translation>
    </message>
    <message>
        <source>Staging</source>
        <translation>Staging</translation>
    </message>
    <message>
        <source>Production</source>
        <translation>Producción</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>Otro</translation>
    </message>
</context>
<context>
    <name>kiq::ui::ExecutionHistogramChart</name>
    <message>
        <source>Jobs</source>
        <translation>Trabajos</translation>
    </message>
    <message>
        <source>Execution times of %1 (successful jobs)</source>
        <translation>Tiempos de ejecución de %1 (trabajos correctos)</translation>
    </message>
    <message>
        <source>Execution times</source>
        <translation>Tiempos de ejecución</translation>
    </message>
    <message>
        <source>over %1</source>
        <translation>más de %1</translation>
    </message>
    <message>
        <source>under %1</source>
        <translation>menos de %1</translation>
    </message>
    <message numerus="yes">
        <source>%1: %2 job(s)</source>
        <translation>
            <numerusform>%1: %2 trabajo</numerusform>
            <numerusform>%1: %2 trabajos</numerusform>
        </translation>
    </message>
    <message>
        <source>Execution time, up to</source>
        <translation>Tiempo de ejecución, hasta</translation>
    </message>
</context>
<context>
    <name>kiq::ui::FailureGroupModel</name>
    <message>
        <source>(no error)</source>
        <translation>(sin error)</translation>
    </message>
    <message>
        <source>Jobs</source>
        <translation>Trabajos</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Error</translation>
    </message>
    <message>
        <source>Message (normalised)</source>
        <translation>Mensaje (normalizado)</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>Trabajo</translation>
    </message>
    <message>
        <source>First seen</source>
        <translation>Visto por primera vez</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>Visto por última vez</translation>
    </message>
</context>
<context>
    <name>kiq::ui::FirstRunDialog</name>
    <message>
        <source>Welcome to Kiqdesk</source>
        <translation>Bienvenido a Kiqdesk</translation>
    </message>
    <message>
        <source>Kiqdesk watches Sidekiq job systems on Redis. There is no connection yet.</source>
        <translation>Kiqdesk vigila sistemas de trabajos Sidekiq sobre Redis. Todavía no hay ninguna conexión.</translation>
    </message>
    <message>
        <source>Start a local sandbox</source>
        <translation>Iniciar un sandbox local</translation>
    </message>
    <message>
        <source>A private Redis on this computer, gone when Kiqdesk quits. Nothing you do there touches a real deployment.</source>
        <translation>Un Redis privado en este equipo, que desaparece al cerrar Kiqdesk. Nada de lo que haga allí afecta a un despliegue real.</translation>
    </message>
    <message>
        <source>Add a connection</source>
        <translation>Añadir una conexión</translation>
    </message>
    <message>
        <source>Connect to your own Redis: standalone, Sentinel or Cluster, with or without TLS.</source>
        <translation>Conectarse a su propio Redis: independiente, Sentinel o Cluster, con o sin TLS.</translation>
    </message>
    <message>
        <source>Not now</source>
        <translation>Ahora no</translation>
    </message>
</context>
<context>
    <name>kiq::ui::FleetModel</name>
    <message>
        <source>Deployment</source>
        <translation>Despliegue</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>Enqueued</source>
        <translation>En cola</translation>
    </message>
    <message>
        <source>Max latency</source>
        <translation>Latencia máx.</translation>
    </message>
    <message>
        <source>Busy</source>
        <translation>Ocupados</translation>
    </message>
    <message>
        <source>Processes</source>
        <translation>Procesos</translation>
    </message>
    <message>
        <source>Retries</source>
        <translation>Reintentos</translation>
    </message>
    <message>
        <source>Dead</source>
        <translation>Muertos</translation>
    </message>
    <message>
        <source>Dead, last hour</source>
        <translation>Muertos, última hora</translation>
    </message>
    <message>
        <source>Redis memory</source>
        <translation>Memoria de Redis</translation>
    </message>
    <message>
        <source>Queue “%1”</source>
        <translation>Cola «%1»</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Error</translation>
    </message>
    <message>
        <source>Reachable</source>
        <translation>Accesible</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>No conectado</translation>
    </message>
    <message>
        <source>no jobs waiting</source>
        <translation>ningún trabajo en espera</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 de %2</translation>
    </message>
    <message>
        <source>Jobs that died since %1 and are still in the dead set</source>
        <translation>Trabajos que murieron desde %1 y siguen en el conjunto de muertos</translation>
    </message>
    <message>
        <source>Security</source>
        <translation>Seguridad</translation>
    </message>
    <message>
        <source>auditing…</source>
        <translation>auditando…</translation>
    </message>
    <message>
        <source>%1 fail · %2 warn</source>
        <translation>%1 fallos · %2 avisos</translation>
    </message>
    <message>
        <source>%1 fail</source>
        <translation>%1 fallos</translation>
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
        <translation>Aún sin auditar: «Auditar todo» o la página Seguridad del despliegue</translation>
    </message>
    <message>
        <source>Audited %1: %2 fail, %3 warn, %4 could not check, %5 pass</source>
        <translation>Auditado %1: %2 fallos, %3 avisos, %4 sin comprobar, %5 ok</translation>
    </message>
    <message>
        <source>Forecast</source>
        <translation>Previsión</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>measuring…</source>
        <translation>midiendo…</translation>
    </message>
    <message>
        <source>All queues: %1 jobs/min arrive, %2 jobs/min done.</source>
        <translation>Todas las colas: llegan %1 trabajos/min, se completan %2 trabajos/min.</translation>
    </message>
    <message>
        <source>%1 of Sidekiq&apos;s cap of %2 dead jobs (%3 %)</source>
        <translation>%1 del límite de Sidekiq de %2 trabajos muertos (%3 %)</translation>
    </message>
    <message>
        <source>At the cap: each new dead job drops the oldest.</source>
        <translation>En el límite: cada nuevo trabajo muerto descarta el más antiguo.</translation>
    </message>
    <message numerus="yes">
        <source>About %1 dropped in the last hour (by the cap, or removed by hand).</source>
        <translation>
            <numerusform>Unos %1 descartado en la última hora (por el límite, o quitado a mano).</numerusform>
            <numerusform>Unos %1 descartados en la última hora (por el límite, o quitados a mano).</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>kiq::ui::FleetSearchDialog</name>
    <message>
        <source>&amp;Search</source>
        <translation>&amp;Buscar</translation>
    </message>
    <message>
        <source>S&amp;top</source>
        <translation>&amp;Detener</translation>
    </message>
    <message>
        <source>Find in all deployments</source>
        <translation>Buscar en todos los despliegues</translation>
    </message>
    <message>
        <source>A JID, or text in a job&apos;s class, arguments or error</source>
        <translation>Un JID, o texto en la clase, los argumentos o el error de un trabajo</translation>
    </message>
    <message>
        <source>Deployment</source>
        <translation>Despliegue</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>Progreso</translation>
    </message>
    <message>
        <source>Hits</source>
        <translation>Coincidencias</translation>
    </message>
    <message>
        <source>Arguments and messages are matched as each deployment&apos;s redaction rules show them. Open a hit (double-click or Enter) to see it on its page.</source>
        <translation>Los argumentos y mensajes se comparan tal como los muestran las reglas de ocultación de cada despliegue. Abra una coincidencia (doble clic o Intro) para verla en su página.</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>No conectado</translation>
    </message>
    <message>
        <source>The connection was reset</source>
        <translation>La conexión se restableció</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>Detenida</translation>
    </message>
    <message>
        <source>%1 (after %2 of %3 jobs)</source>
        <translation>%1 (tras %2 de %3 trabajos)</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Iniciando…</translation>
    </message>
    <message>
        <source>Reading %1: %2 of %3 jobs</source>
        <translation>Leyendo %1: %2 de %3 trabajos</translation>
    </message>
    <message>
        <source>Stopped at %1 hits: narrow the search</source>
        <translation>Detenida en %1 coincidencias: acote la búsqueda</translation>
    </message>
    <message>
        <source>Done: %1 jobs in %2</source>
        <translation>Hecho: %1 trabajos en %2</translation>
    </message>
    <message>
        <source>Type a JID or some text, then Enter.</source>
        <translation>Escriba un JID o un texto y pulse Intro.</translation>
    </message>
    <message numerus="yes">
        <source>%1 hit(s)</source>
        <translation>
            <numerusform>%1 coincidencia</numerusform>
            <numerusform>%1 coincidencias</numerusform>
        </translation>
    </message>
    <message>
        <source>Searching %1 of %2 deployments… %3 so far, %4 jobs examined</source>
        <translation>Buscando en %1 de %2 despliegues… %3 hasta ahora, %4 trabajos examinados</translation>
    </message>
    <message>
        <source>%1 in %2 jobs</source>
        <translation>%1 en %2 trabajos</translation>
    </message>
</context>
<context>
    <name>kiq::ui::FleetSearchModel</name>
    <message>
        <source>Busy on %1</source>
        <translation>En curso en %1</translation>
    </message>
    <message>
        <source>Queue %1</source>
        <translation>Cola %1</translation>
    </message>
    <message>
        <source>Scheduled</source>
        <translation>Programados</translation>
    </message>
    <message>
        <source>Retries</source>
        <translation>Reintentos</translation>
    </message>
    <message>
        <source>Dead</source>
        <translation>Muertos</translation>
    </message>
    <message>
        <source>Malformed: %1</source>
        <translation>Mal formado: %1</translation>
    </message>
    <message>
        <source>Deployment</source>
        <translation>Despliegue</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>Dónde</translation>
    </message>
    <message>
        <source>JID</source>
        <translation>JID</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>Clase</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Error</translation>
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
        <translation>Vista de la flota</translation>
    </message>
    <message numerus="yes">
        <source>Every deployment, refreshed every %n second(s). Double-click a row to open it.</source>
        <translation>
            <numerusform>Todos los despliegues, actualizados cada %n segundo. Haga doble clic en una fila para abrirla.</numerusform>
            <numerusform>Todos los despliegues, actualizados cada %n segundos. Haga doble clic en una fila para abrirla.</numerusform>
        </translation>
    </message>
    <message>
        <source>Updated at %1</source>
        <translation>Actualizado a las %1</translation>
    </message>
    <message>
        <source>Audit all</source>
        <translation>Auditar todo</translation>
    </message>
    <message>
        <source>Run the security audit of every connected deployment (reads only)</source>
        <translation>Ejecutar la auditoría de seguridad de cada despliegue conectado (solo lectura)</translation>
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
        <translation>supera el SLO de %1</translation>
    </message>
    <message>
        <source>breaches %1 SLO in ~%2</source>
        <translation>supera el SLO de %1 en ~%2</translation>
    </message>
    <message>
        <source>measuring…</source>
        <translation>midiendo…</translation>
    </message>
    <message>
        <source>keeps up</source>
        <translation>da abasto</translation>
    </message>
    <message>
        <source>empty in ~%1</source>
        <translation>vacía en ~%1</translation>
    </message>
    <message>
        <source>growing %1/min</source>
        <translation>crece %1/min</translation>
    </message>
    <message>
        <source>A forecast needs a few refreshes of history.</source>
        <translation>Una previsión necesita el historial de algunas actualizaciones.</translation>
    </message>
    <message>
        <source>Empty.</source>
        <translation>Vacía.</translation>
    </message>
    <message>
        <source>Draining %1 jobs/min.</source>
        <translation>Se vacía a %1 trabajos/min.</translation>
    </message>
    <message>
        <source>Growing %1 jobs/min.</source>
        <translation>Crece %1 trabajos/min.</translation>
    </message>
    <message>
        <source>Arrivals and completions about even.</source>
        <translation>Llegadas y finalizaciones más o menos iguales.</translation>
    </message>
    <message>
        <source>Latency %1, rising %2/min.</source>
        <translation>Latencia %1, sube %2/min.</translation>
    </message>
    <message>
        <source>Latency %1, falling %2/min.</source>
        <translation>Latencia %1, baja %2/min.</translation>
    </message>
    <message>
        <source>In 5 min: %1 · in 15 min: %2.</source>
        <translation>En 5 min: %1 · en 15 min: %2.</translation>
    </message>
    <message>
        <source>Over its %1 SLO.</source>
        <translation>Por encima de su SLO de %1.</translation>
    </message>
    <message>
        <source>Breaches the %1 SLO in ~%2.</source>
        <translation>Supera el SLO de %1 en ~%2.</translation>
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
            <numerusform>%n año</numerusform>
            <numerusform>%n años</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 (clock skew or bad timestamp?)</source>
        <translation>%1 (¿desfase de reloj o marca de tiempo errónea?)</translation>
    </message>
</context>
<context>
    <name>kiq::ui::InFlightJobModel</name>
    <message>
        <source>Thread</source>
        <translation>Hilo</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>Cola</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>Trabajo</translation>
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
        <translation>Duración</translation>
    </message>
    <message>
        <source>Replay of %1 from %2 (%3), which failed with %4</source>
        <translation>Reproducción de %1 desde %2 (%3), que falló con %4</translation>
    </message>
</context>
<context>
    <name>kiq::ui::IndexedJobBrowser</name>
    <message>
        <source>&lt;b&gt;Failures by cause&lt;/b&gt; (select one to filter the jobs to it)</source>
        <translation>&lt;b&gt;Fallos por causa&lt;/b&gt; (seleccione una para filtrar los trabajos por ella)</translation>
    </message>
</context>
<context>
    <name>kiq::ui::IndexedJobModel</name>
    <message>
        <source>(unreadable job)</source>
        <translation>(trabajo ilegible)</translation>
    </message>
    <message>
        <source>Unreadable payload (open it to see why)</source>
        <translation>Payload ilegible (ábralo para ver por qué)</translation>
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
        <translation>Reintentar</translation>
    </message>
    <message>
        <source>Enqueue now</source>
        <translation>Encolar ahora</translation>
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
        <translation>Eliminar</translation>
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
        <translation>&lt;i&gt;Este trabajo ya no está en el conjunto (reintentado, eliminado o movido desde que se listó).&lt;/i&gt;</translation>
    </message>
    <message>
        <source>&lt;i&gt;Select a job to see it in full.&lt;/i&gt;</source>
        <translation>&lt;i&gt;Seleccione un trabajo para verlo completo.&lt;/i&gt;</translation>
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
        <translation>hace %1</translation>
    </message>
    <message>
        <source>in %1</source>
        <translation>dentro de %1</translation>
    </message>
    <message>
        <source>This payload could not be read:</source>
        <translation>No se pudo leer este payload:</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>Clase</translation>
    </message>
    <message>
        <source>JID</source>
        <translation>JID</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>Cola</translation>
    </message>
    <message>
        <source>Score time</source>
        <translation>Hora del score</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Creado</translation>
    </message>
    <message>
        <source>Enqueued</source>
        <translation>Encolado</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fallido</translation>
    </message>
    <message>
        <source>Retried</source>
        <translation>Reintentado</translation>
    </message>
    <message>
        <source>Retry count</source>
        <translation>Número de reintentos</translation>
    </message>
    <message>
        <source>Arguments</source>
        <translation>Argumentos</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Error</translation>
    </message>
    <message>
        <source>Backtrace</source>
        <translation>Backtrace</translation>
    </message>
    <message>
        <source>Could not decode: %1</source>
        <translation>No se pudo decodificar: %1</translation>
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
        <translation>Mostrar los argumentos de este trabajo tal como son, sin las reglas de ocultación del perfil. Queda anotado en el registro de auditoría.</translation>
    </message>
    <message>
        <source>succeeded %1</source>
        <translation>correcto %1</translation>
    </message>
    <message>
        <source>failed %1:</source>
        <translation>falló %1:</translation>
    </message>
    <message>
        <source>no outcome noted on this machine yet</source>
        <translation>aún no hay resultado anotado en esta máquina</translation>
    </message>
    <message>
        <source>Replay of</source>
        <translation>Reproducción de</translation>
    </message>
    <message>
        <source>%1 from %2 (%3)</source>
        <translation>%1 desde %2 (%3)</translation>
    </message>
    <message>
        <source>Original failure</source>
        <translation>Fallo original</translation>
    </message>
    <message>
        <source>This run</source>
        <translation>Esta ejecución</translation>
    </message>
    <message>
        <source>Replayed</source>
        <translation>Reproducido</translation>
    </message>
    <message>
        <source>into %1, queue %2, %3 as %4: %5</source>
        <translation>en %1, cola %2, %3 como %4: %5</translation>
    </message>
</context>
<context>
    <name>kiq::ui::JobPageStatus</name>
    <message numerus="yes">
        <source>%1 match(es) the filter</source>
        <translation>
            <numerusform>%1 coincide con el filtro</numerusform>
            <numerusform>%1 coinciden con el filtro</numerusform>
        </translation>
    </message>
    <message>
        <source> · %1 more not checked: their args are over %2 bytes or their error message over %3 bytes, longer than the index keeps (%4)</source>
        <translation> · %1 más sin comprobar: sus argumentos superan %2 bytes o su mensaje de error %3 bytes, más de lo que guarda el índice (%4)</translation>
    </message>
</context>
<context>
    <name>kiq::ui::JobSetPage</name>
    <message>
        <source>Next retry</source>
        <translation>Próximo reintento</translation>
    </message>
    <message>
        <source>Died</source>
        <translation>Murió</translation>
    </message>
    <message>
        <source>Runs at</source>
        <translation>Ejecución</translation>
    </message>
    <message>
        <source>Reload</source>
        <translation>Recargar</translation>
    </message>
    <message>
        <source>Enqueue now</source>
        <translation>Encolar ahora</translation>
    </message>
    <message>
        <source>Retry now</source>
        <translation>Reintentar ahora</translation>
    </message>
    <message>
        <source>Move to queue…</source>
        <translation>Mover a la cola…</translation>
    </message>
    <message>
        <source>Kill</source>
        <translation>Matar</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Eliminar</translation>
    </message>
    <message>
        <source>All matching…</source>
        <translation>Todos los coincidentes…</translation>
    </message>
    <message>
        <source>Act on every job in the set that matches the filter, not only the selected rows</source>
        <translation>Actuar sobre cada trabajo del conjunto que coincide con el filtro, no solo sobre las filas seleccionadas</translation>
    </message>
    <message>
        <source>%1 all in group…</source>
        <translation>%1: todo el grupo…</translation>
    </message>
    <message>
        <source>Focus the filter</source>
        <translation>Ir al filtro</translation>
    </message>
    <message>
        <source>Retries</source>
        <translation>Reintentos</translation>
    </message>
    <message>
        <source>Dead</source>
        <translation>Muertos</translation>
    </message>
    <message>
        <source>Scheduled</source>
        <translation>Programados</translation>
    </message>
    <message>
        <source>&lt;b&gt;Could not read the job:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;No se pudo leer el trabajo:&lt;/b&gt; %1</translation>
    </message>
    <message>
        <source>%1 jobs are selected; above %2, use “All matching…” with a filter instead.</source>
        <translation>Hay %1 trabajos seleccionados; por encima de %2, use «Todos los coincidentes…» con un filtro.</translation>
    </message>
    <message>
        <source>Move to queue</source>
        <translation>Mover a la cola</translation>
    </message>
    <message>
        <source>Queue name:</source>
        <translation>Nombre de la cola:</translation>
    </message>
    <message numerus="yes">
        <source>%1 %n selected job(s) in %2?</source>
        <translation>
            <numerusform>%1: ¿%n trabajo seleccionado en %2?</numerusform>
            <numerusform>%1: ¿%n trabajos seleccionados en %2?</numerusform>
        </translation>
    </message>
    <message>
        <source>Working…</source>
        <translation>En curso…</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1 failed:&lt;/b&gt; %2</source>
        <translation>&lt;b&gt;%1 falló:&lt;/b&gt; %2</translation>
    </message>
    <message>
        <source>%1: %2 done, %3 already gone, %4 skipped</source>
        <translation>%1: %2 hechos, %3 ya no estaban, %4 omitidos</translation>
    </message>
    <message>
        <source>Fix the filter first: “all matching” uses it.</source>
        <translation>Corrija primero el filtro: «todos los coincidentes» lo usa.</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>No conectado.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Could not read the set:&lt;/b&gt; %1 (retrying)</source>
        <translation>&lt;b&gt;No se pudo leer el conjunto:&lt;/b&gt; %1 (reintentando)</translation>
    </message>
    <message>
        <source>Reload (F5)</source>
        <translation>Recargar (F5)</translation>
    </message>
    <message>
        <source>The filter no longer names the selected failure group: select the group again.</source>
        <translation>El filtro ya no nombra el grupo de fallos seleccionado: seleccione de nuevo el grupo.</translation>
    </message>
    <message>
        <source>%1: %2 (%3)</source>
        <translation>%1: %2 (%3)</translation>
    </message>
    <message>
        <source>Failure group: %1</source>
        <translation>Grupo de fallos: %1</translation>
    </message>
    <message>
        <source>No filter: every job in %1.</source>
        <translation>Sin filtro: todos los trabajos de %1.</translation>
    </message>
    <message>
        <source>Filter: %1</source>
        <translation>Filtro: %1</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>No conectado</translation>
    </message>
    <message>
        <source>Select jobs in the table first</source>
        <translation>Seleccione primero trabajos en la tabla</translation>
    </message>
    <message>
        <source>Select a failure group first</source>
        <translation>Seleccione primero un grupo de fallos</translation>
    </message>
    <message>
        <source>Fix the filter first: “all matching” uses it</source>
        <translation>Corrija primero el filtro: «todos los coincidentes» lo usa</translation>
    </message>
    <message numerus="yes">
        <source>Indexing the set… %1 of %2 job(s) read (%3%)</source>
        <translation>
            <numerusform>Indexando el conjunto… %1 de %2 trabajo leído (%3%)</numerusform>
            <numerusform>Indexando el conjunto… %1 de %2 trabajos leídos (%3%)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Indexing the set… %1 job(s) read so far</source>
        <translation>
            <numerusform>Indexando el conjunto… %1 trabajo leído hasta ahora</numerusform>
            <numerusform>Indexando el conjunto… %1 trabajos leídos hasta ahora</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 job(s) in the set</source>
        <translation>
            <numerusform>%1 trabajo en el conjunto</numerusform>
            <numerusform>%1 trabajos en el conjunto</numerusform>
        </translation>
    </message>
    <message>
        <source>Restoring…</source>
        <translation>Restaurando…</translation>
    </message>
    <message>
        <source>“All matching…” checks them</source>
        <translation>«Todos los coincidentes…» los comprueba</translation>
    </message>
    <message>
        <source>Copy as command</source>
        <translation>Copiar como comando</translation>
    </message>
    <message>
        <source>List the matching jobs</source>
        <translation>Listar los trabajos coincidentes</translation>
    </message>
    <message>
        <source>Selected jobs</source>
        <translation>Trabajos seleccionados</translation>
    </message>
    <message>
        <source>All matching the filter</source>
        <translation>Todos los que coinciden con el filtro</translation>
    </message>
    <message>
        <source>Copy the kiqdesk-cli command that does an action of this page</source>
        <translation>Copiar el comando de kiqdesk-cli que hace una acción de esta página</translation>
    </message>
    <message>
        <source>Select jobs in the table first.</source>
        <translation>Seleccione primero trabajos en la tabla.</translation>
    </message>
    <message>
        <source>Select the jobs to export first.</source>
        <translation>Seleccione primero los trabajos que quiere exportar.</translation>
    </message>
    <message>
        <source>Replay in…</source>
        <translation>Reproducir en…</translation>
    </message>
    <message>
        <source>Replay group in…</source>
        <translation>Reproducir el grupo en…</translation>
    </message>
    <message>
        <source>Copy the selected jobs into a development or staging deployment and run them there</source>
        <translation>Copiar los trabajos seleccionados a un despliegue de desarrollo o staging y ejecutarlos allí</translation>
    </message>
</context>
<context>
    <name>kiq::ui::MainWindow</name>
    <message>
        <source>Deployments</source>
        <translation>Despliegues</translation>
    </message>
    <message>
        <source>New connection (%1)</source>
        <translation>Nueva conexión (%1)</translation>
    </message>
    <message>
        <source>No connection yet.</source>
        <translation>Todavía no hay ninguna conexión.</translation>
    </message>
    <message>
        <source>Add a connection…</source>
        <translation>Añadir una conexión…</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Archivo</translation>
    </message>
    <message>
        <source>&amp;New connection…</source>
        <translation>&amp;Nueva conexión…</translation>
    </message>
    <message>
        <source>&amp;Edit connection…</source>
        <translation>&amp;Editar conexión…</translation>
    </message>
    <message>
        <source>&amp;Remove connection</source>
        <translation>E&amp;liminar conexión</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Salir</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ver</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>&amp;Actualizar</translation>
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
        <translation>&amp;Oscuro</translation>
    </message>
    <message>
        <source>Switch to deployment %1</source>
        <translation>Cambiar al despliegue %1</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>A&amp;yuda</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>&amp;Atajos de teclado</translation>
    </message>
    <message>
        <source>&amp;About Kiqdesk</source>
        <translation>Acerca &amp;de Kiqdesk</translation>
    </message>
    <message>
        <source>the default user</source>
        <translation>el usuario predeterminado</translation>
    </message>
    <message>
        <source>Connect to %1</source>
        <translation>Conectar a %1</translation>
    </message>
    <message>
        <source>%1 on %2</source>
        <translation>%1 en %2</translation>
    </message>
    <message>
        <source>the sentinels of %1</source>
        <translation>los sentinels de %1</translation>
    </message>
    <message>
        <source>New connection</source>
        <translation>Nueva conexión</translation>
    </message>
    <message>
        <source>Edit %1</source>
        <translation>Editar %1</translation>
    </message>
    <message>
        <source>Remove connection</source>
        <translation>Eliminar conexión</translation>
    </message>
    <message>
        <source>Remove “%1” from Kiqdesk? The Redis server and its data are not touched.</source>
        <translation>¿Quitar «%1» de Kiqdesk? El servidor Redis y sus datos no se tocan.</translation>
    </message>
    <message>
        <source>Ctrl+1 … Ctrl+9</source>
        <translation>Ctrl+1 … Ctrl+9</translation>
    </message>
    <message>
        <source>Switch to deployment 1 to 9</source>
        <translation>Cambiar al despliegue 1 a 9</translation>
    </message>
    <message>
        <source>About Kiqdesk</source>
        <translation>Acerca de Kiqdesk</translation>
    </message>
    <message>
        <source>&lt;b&gt;Kiqdesk&lt;/b&gt; %1&lt;br&gt;A desktop console for Sidekiq job systems on Redis.</source>
        <translation>&lt;b&gt;Kiqdesk&lt;/b&gt; %1&lt;br&gt;Una consola de escritorio para sistemas de trabajos Sidekiq sobre Redis.</translation>
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
        <translation>Flota</translation>
    </message>
    <message>
        <source>Fleet overview: every deployment at a glance (%1)</source>
        <translation>Vista de la flota: todos los despliegues de un vistazo (%1)</translation>
    </message>
    <message>
        <source>&amp;Fleet overview</source>
        <translation>Vista de la &amp;flota</translation>
    </message>
    <message>
        <source>R</source>
        <translation>R</translation>
    </message>
    <message>
        <source>Retry the selected jobs (Scheduled: enqueue now)</source>
        <translation>Reintentar los trabajos seleccionados (Programados: encolar ahora)</translation>
    </message>
    <message>
        <source>Del</source>
        <translation>Del</translation>
    </message>
    <message>
        <source>Delete the selected jobs</source>
        <translation>Eliminar los trabajos seleccionados</translation>
    </message>
    <message>
        <source>Ctrl+F</source>
        <translation>Ctrl+F</translation>
    </message>
    <message>
        <source>Focus the job filter</source>
        <translation>Ir al filtro de trabajos</translation>
    </message>
    <message>
        <source>Fleet overview — Kiqdesk</source>
        <translation>Vista de la flota — Kiqdesk</translation>
    </message>
    <message>
        <source>Next page</source>
        <translation>Página siguiente</translation>
    </message>
    <message>
        <source>Previous page</source>
        <translation>Página anterior</translation>
    </message>
    <message>
        <source>Next tab in the page</source>
        <translation>Pestaña siguiente de la página</translation>
    </message>
    <message>
        <source>Previous tab in the page</source>
        <translation>Pestaña anterior de la página</translation>
    </message>
    <message>
        <source>There is no connection yet</source>
        <translation>Todavía no hay ninguna conexión</translation>
    </message>
    <message>
        <source>Select a connection in the sidebar first</source>
        <translation>Seleccione primero una conexión en la barra lateral</translation>
    </message>
    <message>
        <source>Edit the selected connection</source>
        <translation>Editar la conexión seleccionada</translation>
    </message>
    <message>
        <source>Remove the selected connection from Kiqdesk</source>
        <translation>Quitar la conexión seleccionada de Kiqdesk</translation>
    </message>
    <message>
        <source>Tab, Shift+Tab</source>
        <translation>Tab, Shift+Tab</translation>
    </message>
    <message>
        <source>Next or previous control (a table is one stop: arrows move inside it)</source>
        <translation>Control siguiente o anterior (una tabla es una sola parada: las flechas se mueven dentro)</translation>
    </message>
    <message>
        <source>M</source>
        <translation>M</translation>
    </message>
    <message>
        <source>Move the selected jobs to a queue</source>
        <translation>Mover los trabajos seleccionados a una cola</translation>
    </message>
    <message>
        <source>K</source>
        <translation>K</translation>
    </message>
    <message>
        <source>Kill the selected jobs (Retries, Scheduled)</source>
        <translation>Matar los trabajos seleccionados (Reintentos, Programados)</translation>
    </message>
    <message>
        <source>Shift+R</source>
        <translation>Shift+R</translation>
    </message>
    <message>
        <source>Retry all in the selected failure group</source>
        <translation>Reintentar todo el grupo de fallos seleccionado</translation>
    </message>
    <message>
        <source>Shift+Del</source>
        <translation>Shift+Del</translation>
    </message>
    <message>
        <source>Delete all in the selected failure group</source>
        <translation>Eliminar todo el grupo de fallos seleccionado</translation>
    </message>
    <message>
        <source>Takes effect after restart</source>
        <translation>Se aplica al reiniciar</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>Idioma del sistema</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>&amp;Idioma</translation>
    </message>
    <message>
        <source>E&amp;xport profiles…</source>
        <translation>E&amp;xportar perfiles…</translation>
    </message>
    <message>
        <source>&amp;Import profiles…</source>
        <translation>&amp;Importar perfiles…</translation>
    </message>
    <message>
        <source>Profiles travel without their secrets: only where each comes from</source>
        <translation>Los perfiles viajan sin sus secretos: solo con el origen de cada uno</translation>
    </message>
    <message>
        <source>Export profiles</source>
        <translation>Exportar perfiles</translation>
    </message>
    <message>
        <source>Kiqdesk profiles (*.json)</source>
        <translation>Perfiles de Kiqdesk (*.json)</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n profile(s) to %1</source>
        <translation>
            <numerusform>%n perfil exportado a %1</numerusform>
            <numerusform>%n perfiles exportados a %1</numerusform>
        </translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>No se pudo escribir %1: %2</translation>
    </message>
    <message>
        <source>Import profiles</source>
        <translation>Importar perfiles</translation>
    </message>
    <message>
        <source>Kiqdesk profiles (*.json);;All files (*)</source>
        <translation>Perfiles de Kiqdesk (*.json);;Todos los archivos (*)</translation>
    </message>
    <message>
        <source>Could not import %1: %2</source>
        <translation>No se pudo importar %1: %2</translation>
    </message>
    <message>
        <source>New: %1</source>
        <translation>Nuevo: %1</translation>
    </message>
    <message>
        <source>Replaced: %1 (%2)</source>
        <translation>Reemplazado: %1 (%2)</translation>
    </message>
    <message>
        <source>Unchanged: %1</source>
        <translation>Sin cambios: %1</translation>
    </message>
    <message>
        <source>Every profile in %1 is saved already.</source>
        <translation>Todos los perfiles de %1 ya están guardados.</translation>
    </message>
    <message numerus="yes">
        <source>Import %n profile(s) from %1?</source>
        <translation>
            <numerusform>¿Importar %n perfil desde %1?</numerusform>
            <numerusform>¿Importar %n perfiles desde %1?</numerusform>
        </translation>
    </message>
    <message>
        <source>Import</source>
        <translation>Importar</translation>
    </message>
    <message>
        <source>&amp;Diagnose connection…</source>
        <translation>&amp;Diagnosticar conexión…</translation>
    </message>
    <message>
        <source>Take the selected connection apart step by step: DNS, TCP, TLS, certificates, AUTH, permissions</source>
        <translation>Examinar la conexión seleccionada paso a paso: DNS, TCP, TLS, certificados, AUTH, permisos</translation>
    </message>
    <message>
        <source>&amp;Command palette…</source>
        <translation>Paleta de &amp;comandos…</translation>
    </message>
    <message>
        <source>Deployment: %1</source>
        <translation>Despliegue: %1</translation>
    </message>
    <message>
        <source>Page: %1</source>
        <translation>Página: %1</translation>
    </message>
    <message>
        <source>Find in &amp;all deployments…</source>
        <translation>Buscar en &amp;todos los despliegues…</translation>
    </message>
    <message>
        <source>Incident &amp;snapshot…</source>
        <translation>&amp;Instantánea de incidente…</translation>
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
        <translation>Instantánea de incidente</translation>
    </message>
    <message>
        <source>Counters, failures, slow log and audit entries of:</source>
        <translation>Contadores, fallos, slow log y entradas de auditoría de:</translation>
    </message>
    <message>
        <source>Save incident snapshot</source>
        <translation>Guardar instantánea de incidente</translation>
    </message>
    <message>
        <source>Compressed archives (*.tar.gz)</source>
        <translation>Archivos comprimidos (*.tar.gz)</translation>
    </message>
    <message>
        <source>Taking the incident snapshot of %1…</source>
        <translation>Tomando la instantánea de incidente de %1…</translation>
    </message>
    <message>
        <source>The incident snapshot was not written: %1</source>
        <translation>La instantánea de incidente no se escribió: %1</translation>
    </message>
    <message>
        <source>Incident snapshot written to %1</source>
        <translation>Instantánea de incidente escrita en %1</translation>
    </message>
    <message>
        <source>Incident snapshot written to %1, without: %2</source>
        <translation>Instantánea de incidente escrita en %1, sin: %2</translation>
    </message>
    <message>
        <source>Counters, charts, failure groups, processes, INFO, slow log, clients, audit entries and health checks of the selected connection, redacted, in one .tar.gz</source>
        <translation>Contadores, gráficos, grupos de fallos, procesos, INFO, slow log, clientes, entradas de auditoría y comprobaciones de salud de la conexión elegida, ocultados, en un .tar.gz</translation>
    </message>
    <message>
        <source>Acknowledge</source>
        <translation>Confirmar</translation>
    </message>
    <message>
        <source>Snooze 1 hour</source>
        <translation>Posponer 1 hora</translation>
    </message>
    <message>
        <source>Alert webhook failed: %1</source>
        <translation>Falló el webhook de alertas: %1</translation>
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
        <translation>Tiempo medio de ejecución de los trabajos correctos</translation>
    </message>
    <message>
        <source>Job class</source>
        <translation>Clase de trabajo</translation>
    </message>
    <message>
        <source>Processed</source>
        <translation>Procesados</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fallidos</translation>
    </message>
    <message>
        <source>Failure rate</source>
        <translation>Tasa de fallos</translation>
    </message>
    <message>
        <source>Mean time</source>
        <translation>Tiempo medio</translation>
    </message>
    <message>
        <source>Total time</source>
        <translation>Tiempo total</translation>
    </message>
</context>
<context>
    <name>kiq::ui::MetricsPage</name>
    <message>
        <source>Executions</source>
        <translation>Ejecuciones</translation>
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
        <translation>Filtrar por clase de trabajo</translation>
    </message>
    <message>
        <source>Processed</source>
        <translation>Procesados</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fallidos</translation>
    </message>
    <message>
        <source>Mean time</source>
        <translation>Tiempo medio</translation>
    </message>
    <message>
        <source>Jobs</source>
        <translation>Trabajos</translation>
    </message>
    <message>
        <source>&amp;Period:</source>
        <translation>&amp;Periodo:</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>No conectado.</translation>
    </message>
    <message>
        <source>Metrics</source>
        <translation>Métricas</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Cargando…</translation>
    </message>
    <message>
        <source>No job metrics in this period. Sidekiq writes them from version 7.0 on, for jobs that ran; no Sidekiq process is running here.</source>
        <translation>No hay métricas de trabajos en este periodo. Sidekiq las escribe desde la versión 7.0, para los trabajos ejecutados; aquí no se ejecuta ningún proceso de Sidekiq.</translation>
    </message>
    <message>
        <source>No job metrics in this period. Sidekiq writes them from version 7.0 on, for jobs that ran; the processes here run Sidekiq %1.</source>
        <translation>No hay métricas de trabajos en este periodo. Sidekiq las escribe desde la versión 7.0, para los trabajos ejecutados; los procesos de aquí ejecutan Sidekiq %1.</translation>
    </message>
    <message numerus="yes">
        <source>Sidekiq %1 metrics, %2 to %3, in %n-minute buckets.</source>
        <translation>
            <numerusform>Métricas de Sidekiq %1, de %2 a %3, en intervalos de %n minuto.</numerusform>
            <numerusform>Métricas de Sidekiq %1, de %2 a %3, en intervalos de %n minutos.</numerusform>
        </translation>
    </message>
    <message>
        <source>Sidekiq 7 keeps metrics for 8 hours: showing those.</source>
        <translation>Sidekiq 7 conserva las métricas 8 horas: se muestran esas.</translation>
    </message>
    <message numerus="yes">
        <source>%n deploy(s) marked.</source>
        <translation>
            <numerusform>%n publicación marcada.</numerusform>
            <numerusform>%n publicaciones marcadas.</numerusform>
        </translation>
    </message>
    <message>
        <source>Executions of %1</source>
        <translation>Ejecuciones de %1</translation>
    </message>
    <message>
        <source>Sidekiq keeps execution-time histograms for 8 hours: choose 8 hours or less</source>
        <translation>Sidekiq conserva los histogramas de tiempo de ejecución 8 horas: elija 8 horas o menos</translation>
    </message>
    <message>
        <source>Execution times: %1</source>
        <translation>Tiempos de ejecución: %1</translation>
    </message>
</context>
<context>
    <name>kiq::ui::OverviewPage</name>
    <message>
        <source>Pause</source>
        <translation>Pausa</translation>
    </message>
    <message>
        <source>Processed</source>
        <translation>Procesados</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fallidos</translation>
    </message>
    <message>
        <source>Enqueued</source>
        <translation>En cola</translation>
    </message>
    <message>
        <source>Scheduled</source>
        <translation>Programados</translation>
    </message>
    <message>
        <source>Retries</source>
        <translation>Reintentos</translation>
    </message>
    <message>
        <source>Dead</source>
        <translation>Muertos</translation>
    </message>
    <message>
        <source>Processes</source>
        <translation>Procesos</translation>
    </message>
    <message>
        <source>Busy</source>
        <translation>Ocupados</translation>
    </message>
    <message>
        <source>Default queue latency</source>
        <translation>Latencia (default)</translation>
    </message>
    <message>
        <source>Throughput</source>
        <translation>Rendimiento</translation>
    </message>
    <message>
        <source>Enqueued and busy</source>
        <translation>En cola y ocupados</translation>
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
        <translation>Cada cuánto se recarga la página mientras está visible</translation>
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
        <translation>Procesados/s</translation>
    </message>
    <message>
        <source>Failed/s</source>
        <translation>Fallidos/s</translation>
    </message>
    <message>
        <source>jobs/s</source>
        <translation>trabajos/s</translation>
    </message>
    <message>
        <source>enqueued</source>
        <translation>en cola</translation>
    </message>
    <message>
        <source>busy</source>
        <translation>ocupados</translation>
    </message>
    <message>
        <source>Memory (MiB)</source>
        <translation>Memoria (MiB)</translation>
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
        <translation>Actualizar cada</translation>
    </message>
    <message>
        <source>Overview</source>
        <translation>Resumen</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>No conectado.</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Cargando…</translation>
    </message>
    <message>
        <source>%1/s</source>
        <translation>%1/s</translation>
    </message>
    <message numerus="yes">
        <source>%n queue(s)</source>
        <translation>
            <numerusform>%n cola</numerusform>
            <numerusform>%n colas</numerusform>
        </translation>
    </message>
    <message>
        <source>Updated at %1</source>
        <translation>Actualizado a las %1</translation>
    </message>
    <message>
        <source>empty</source>
        <translation>vacía</translation>
    </message>
    <message>
        <source>%1 · Redis memory and commands/s: %2</source>
        <translation>%1 · Memoria de Redis y comandos/s: %2</translation>
    </message>
</context>
<context>
    <name>kiq::ui::PasswordPrompt</name>
    <message>
        <source>Password for %1:</source>
        <translation>Contraseña de %1:</translation>
    </message>
    <message>
        <source>Passphrase of the client key %1:</source>
        <translation>Frase de contraseña de la clave de cliente %1:</translation>
    </message>
    <message>
        <source>Webhook URL for the alerts of %1:</source>
        <translation>URL del webhook para las alertas de %1:</translation>
    </message>
</context>
<context>
    <name>kiq::ui::PathField</name>
    <message>
        <source>Browse…</source>
        <translation>Examinar…</translation>
    </message>
    <message>
        <source>PEM files (*.pem *.crt *.cer *.key);;All files (*)</source>
        <translation>Archivos PEM (*.pem *.crt *.cer *.key);;Todos los archivos (*)</translation>
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
        <translation>sin latido</translation>
    </message>
    <message numerus="yes">
        <source>%n s ago</source>
        <translation>
            <numerusform>hace %n s</numerusform>
            <numerusform>hace %n s</numerusform>
        </translation>
    </message>
    <message>
        <source>No heartbeat for a minute: the process may have crashed.</source>
        <translation>Sin latido desde hace un minuto: puede que el proceso haya fallado.</translation>
    </message>
    <message>
        <source>Process</source>
        <translation>Proceso</translation>
    </message>
    <message>
        <source>Tag</source>
        <translation>Etiqueta</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>Versión</translation>
    </message>
    <message>
        <source>Threads</source>
        <translation>Hilos</translation>
    </message>
    <message>
        <source>Busy</source>
        <translation>Ocupados</translation>
    </message>
    <message>
        <source>Queues</source>
        <translation>Colas</translation>
    </message>
    <message>
        <source>RSS</source>
        <translation>RSS</translation>
    </message>
    <message>
        <source>Last beat</source>
        <translation>Último latido</translation>
    </message>
    <message numerus="yes">
        <source>Capsule %1: %n thread(s), %2: %3</source>
        <translation>
            <numerusform>Cápsula %1: %n hilo, %2: %3</numerusform>
            <numerusform>Cápsula %1: %n hilos, %2: %3</numerusform>
        </translation>
    </message>
    <message>
        <source>Sidekiq reports its version from 7.0.2 on: this is 6.x, or 7.0.0 or 7.0.1</source>
        <translation>Sidekiq informa de su versión desde 7.0.2: esta es 6.x, 7.0.0 o 7.0.1</translation>
    </message>
</context>
<context>
    <name>kiq::ui::ProfileListModel</name>
    <message>
        <source>Sidekiq deletes a profile a day after the job ran.</source>
        <translation>Sidekiq borra un perfil un día después de que se ejecutó el trabajo.</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>Trabajo</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Iniciado</translation>
    </message>
    <message>
        <source>Elapsed</source>
        <translation>Duración</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Tamaño</translation>
    </message>
    <message>
        <source>Expires in</source>
        <translation>Caduca en</translation>
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
        <translation>&amp;Guardar perfil…</translation>
    </message>
    <message>
        <source>Save profile…</source>
        <translation>Guardar perfil…</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>No conectado.</translation>
    </message>
    <message>
        <source>Profiles</source>
        <translation>Perfiles</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Cargando…</translation>
    </message>
    <message>
        <source>No job profiles. Sidekiq 8 profiles a job pushed with &quot;profile&quot; set and keeps the profile for a day.</source>
        <translation>No hay perfiles de trabajos. Sidekiq 8 perfila un trabajo encolado con &quot;profile&quot; y guarda el perfil un día.</translation>
    </message>
    <message numerus="yes">
        <source>%1 profile(s), newest first.</source>
        <translation>
            <numerusform>%1 perfil, el más reciente primero.</numerusform>
            <numerusform>%1 perfiles, los más recientes primero.</numerusform>
        </translation>
    </message>
    <message>
        <source>Only the newest %1 are listed.</source>
        <translation>Solo se listan los %1 más recientes.</translation>
    </message>
    <message numerus="yes">
        <source>%1 expired profile(s) not shown (Sidekiq removes them; this page does not write).</source>
        <translation>
            <numerusform>%1 perfil caducado no se muestra (Sidekiq lo elimina; esta página no escribe).</numerusform>
            <numerusform>%1 perfiles caducados no se muestran (Sidekiq los elimina; esta página no escribe).</numerusform>
        </translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>No conectado</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Guardando…</translation>
    </message>
    <message>
        <source>Select a profile first</source>
        <translation>Selecciona primero un perfil</translation>
    </message>
    <message>
        <source>Write the profile to a file for the Firefox Profiler; nothing is uploaded</source>
        <translation>Escribe el perfil en un archivo para el Firefox Profiler; no se sube nada</translation>
    </message>
    <message>
        <source>Save profile</source>
        <translation>Guardar perfil</translation>
    </message>
    <message>
        <source>Firefox Profiler files (*.json.gz)</source>
        <translation>Archivos de Firefox Profiler (*.json.gz)</translation>
    </message>
    <message>
        <source>Saving the profile of %1…</source>
        <translation>Guardando el perfil de %1…</translation>
    </message>
    <message>
        <source>The profile could not be read:</source>
        <translation>No se pudo leer el perfil:</translation>
    </message>
    <message>
        <source>it is no longer in Redis (Sidekiq keeps profiles for a day).</source>
        <translation>ya no está en Redis (Sidekiq guarda los perfiles un día).</translation>
    </message>
    <message>
        <source>The profile could not be saved to %1:</source>
        <translation>No se pudo guardar el perfil en %1:</translation>
    </message>
    <message>
        <source>Saved %1 (%2). Open it in the Firefox Profiler (Load a profile from file); nothing was uploaded.</source>
        <translation>%1 guardado (%2). Ábrelo en el Firefox Profiler (Load a profile from file); no se subió nada.</translation>
    </message>
</context>
<context>
    <name>kiq::ui::QueueLatencyChart</name>
    <message>
        <source>Latency (s)</source>
        <translation>Latencia (s)</translation>
    </message>
    <message>
        <source>Top %1 queues by latency</source>
        <translation>Las %1 colas con mayor latencia</translation>
    </message>
    <message>
        <source>%1: empty</source>
        <translation>%1: vacía</translation>
    </message>
    <message>
        <source>%1: %2 · %3 waiting</source>
        <translation>%1: %2 · %3 en espera</translation>
    </message>
    <message>
        <source>%1: latency %2, %3 waiting</source>
        <translation>%1: latencia %2, %3 en espera</translation>
    </message>
</context>
<context>
    <name>kiq::ui::QueueListModel</name>
    <message>
        <source>%1 (unreadable)</source>
        <translation>%1 (ilegible)</translation>
    </message>
    <message>
        <source>%1 (paused)</source>
        <translation>%1 (en pausa)</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>Cola</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Tamaño</translation>
    </message>
    <message>
        <source>Latency</source>
        <translation>Latencia</translation>
    </message>
    <message>
        <source>empty</source>
        <translation>vacía</translation>
    </message>
    <message>
        <source>Forecast</source>
        <translation>Previsión</translation>
    </message>
</context>
<context>
    <name>kiq::ui::QueuesPage</name>
    <message>
        <source>Enqueued</source>
        <translation>En cola</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Eliminar</translation>
    </message>
    <message>
        <source>Move to queue…</source>
        <translation>Mover a la cola…</translation>
    </message>
    <message>
        <source>Pause queue</source>
        <translation>Pausar cola</translation>
    </message>
    <message>
        <source>Clear queue…</source>
        <translation>Vaciar cola…</translation>
    </message>
    <message>
        <source>Reload</source>
        <translation>Recargar</translation>
    </message>
    <message>
        <source>Paused queues are not fetched by Kiqdesk&apos;s local pool (nor by Sidekiq Pro or Sidekiq 8.1+)</source>
        <translation>El pool local de Kiqdesk no toma trabajos de las colas en pausa (tampoco Sidekiq Pro ni Sidekiq 8.1+)</translation>
    </message>
    <message>
        <source>Focus the filter</source>
        <translation>Ir al filtro</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>No conectado.</translation>
    </message>
    <message>
        <source>Queues</source>
        <translation>Colas</translation>
    </message>
    <message numerus="yes">
        <source>%n queue(s). Select one to see its jobs.</source>
        <translation>
            <numerusform>%n cola. Seleccione una para ver sus trabajos.</numerusform>
            <numerusform>%n colas. Seleccione una para ver sus trabajos.</numerusform>
        </translation>
    </message>
    <message>
        <source>Loading %1…</source>
        <translation>Cargando %1…</translation>
    </message>
    <message numerus="yes">
        <source>Delete %n selected job(s) from %1?</source>
        <translation>
            <numerusform>¿Eliminar %n trabajo seleccionado de %1?</numerusform>
            <numerusform>¿Eliminar %n trabajos seleccionados de %1?</numerusform>
        </translation>
    </message>
    <message>
        <source>Move to queue</source>
        <translation>Mover a la cola</translation>
    </message>
    <message numerus="yes">
        <source>Move %n selected job(s) from %1 to:</source>
        <translation>
            <numerusform>Mover %n trabajo seleccionado de %1 a:</numerusform>
            <numerusform>Mover %n trabajos seleccionados de %1 a:</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n had already been taken by a worker.</source>
        <translation>
            <numerusform>%n ya lo había tomado un worker.</numerusform>
            <numerusform>%n ya los había tomado un worker.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n could not be parsed and stayed.</source>
        <translation>
            <numerusform>%n no se pudo analizar y se quedó.</numerusform>
            <numerusform>%n no se pudieron analizar y se quedaron.</numerusform>
        </translation>
    </message>
    <message>
        <source>Move failed:</source>
        <translation>Falló el movimiento:</translation>
    </message>
    <message>
        <source>Resume queue</source>
        <translation>Reanudar cola</translation>
    </message>
    <message>
        <source>%1 is paused: Kiqdesk&apos;s pool no longer fetches from it.</source>
        <translation>%1 está en pausa: el pool de Kiqdesk ya no toma trabajos de ella.</translation>
    </message>
    <message>
        <source>%1 is resumed.</source>
        <translation>%1 se ha reanudado.</translation>
    </message>
    <message>
        <source>Pause failed:</source>
        <translation>Falló la pausa:</translation>
    </message>
    <message>
        <source>Resume failed:</source>
        <translation>Falló la reanudación:</translation>
    </message>
    <message>
        <source>Clear queue</source>
        <translation>Vaciar cola</translation>
    </message>
    <message numerus="yes">
        <source>%1: %2 job(s)</source>
        <translation>
            <numerusform>%1: %2 trabajo</numerusform>
            <numerusform>%1: %2 trabajos</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Deleted %1 of %2 job(s) (the others were already taken by a worker).</source>
        <translation>
            <numerusform>Eliminado %1 de %2 trabajo (los demás ya los había tomado un worker).</numerusform>
            <numerusform>Eliminados %1 de %2 trabajos (los demás ya los había tomado un worker).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Moved %1 of %2 job(s) to %3.</source>
        <translation>
            <numerusform>Movido %1 de %2 trabajo a %3.</numerusform>
            <numerusform>Movidos %1 de %2 trabajos a %3.</numerusform>
        </translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>No conectado</translation>
    </message>
    <message>
        <source>Select a queue first</source>
        <translation>Seleccione primero una cola</translation>
    </message>
    <message>
        <source>Select jobs in the table first</source>
        <translation>Seleccione primero trabajos en la tabla</translation>
    </message>
    <message>
        <source>Delete every job in this queue</source>
        <translation>Eliminar todos los trabajos de esta cola</translation>
    </message>
    <message>
        <source>Delete the selected jobs</source>
        <translation>Eliminar los trabajos seleccionados</translation>
    </message>
    <message>
        <source>Move the selected jobs to another queue</source>
        <translation>Mover los trabajos seleccionados a otra cola</translation>
    </message>
    <message>
        <source>&lt;b&gt;Could not read the job:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;No se pudo leer el trabajo:&lt;/b&gt; %1</translation>
    </message>
    <message>
        <source>%1 jobs are selected; at most %2 can be acted on at once.</source>
        <translation>Hay %1 trabajos seleccionados; como máximo se puede actuar sobre %2 a la vez.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Delete failed:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;Falló la eliminación:&lt;/b&gt; %1</translation>
    </message>
    <message>
        <source>&lt;b&gt;Could not read %1:&lt;/b&gt; %2 (retrying)</source>
        <translation>&lt;b&gt;No se pudo leer %1:&lt;/b&gt; %2 (reintentando)</translation>
    </message>
    <message numerus="yes">
        <source>Indexing %1… %2 of %3 job(s) read (%4%)</source>
        <translation>
            <numerusform>Indexando %1… %2 de %3 trabajo leído (%4%)</numerusform>
            <numerusform>Indexando %1… %2 de %3 trabajos leídos (%4%)</numerusform>
        </translation>
    </message>
    <message>
        <source>they are not listed</source>
        <translation>no se listan</translation>
    </message>
    <message>
        <source>Copy as command</source>
        <translation>Copiar como comando</translation>
    </message>
    <message>
        <source>List the matching jobs</source>
        <translation>Listar los trabajos coincidentes</translation>
    </message>
    <message>
        <source>Move the selected jobs…</source>
        <translation>Mover los trabajos seleccionados…</translation>
    </message>
    <message>
        <source>Pause or resume the queue</source>
        <translation>Pausar o reanudar la cola</translation>
    </message>
    <message>
        <source>Clear the queue</source>
        <translation>Vaciar la cola</translation>
    </message>
    <message numerus="yes">
        <source>Delete all %1 job(s) in %2? Undo history can put them back.</source>
        <translation>
            <numerusform>¿Eliminar el %1 trabajo de %2? El historial para deshacer puede devolverlo.</numerusform>
            <numerusform>¿Eliminar los %1 trabajos de %2? El historial para deshacer puede devolverlos.</numerusform>
        </translation>
    </message>
    <message>
        <source>&lt;b&gt;Clear failed:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;Falló el vaciado:&lt;/b&gt; %1</translation>
    </message>
    <message numerus="yes">
        <source>%1 is cleared: %n job(s) deleted.</source>
        <translation>
            <numerusform>%1 está vacía: %n trabajo eliminado.</numerusform>
            <numerusform>%1 está vacía: %n trabajos eliminados.</numerusform>
        </translation>
    </message>
    <message>
        <source>Restoring…</source>
        <translation>Restaurando…</translation>
    </message>
    <message>
        <source>Select a queue first.</source>
        <translation>Seleccione primero una cola.</translation>
    </message>
    <message>
        <source>Fix the filter first.</source>
        <translation>Corrija primero el filtro.</translation>
    </message>
    <message>
        <source>Select jobs in the table first.</source>
        <translation>Seleccione primero trabajos en la tabla.</translation>
    </message>
    <message>
        <source>Queue name:</source>
        <translation>Nombre de la cola:</translation>
    </message>
    <message>
        <source>Select the jobs to export first.</source>
        <translation>Seleccione primero los trabajos que quiere exportar.</translation>
    </message>
    <message>
        <source>Open the queue to import into first.</source>
        <translation>Abra primero la cola en la que importar.</translation>
    </message>
</context>
<context>
    <name>kiq::ui::RedactionBox</name>
    <message>
        <source>Hide secrets in job arguments</source>
        <translation>Ocultar secretos en los argumentos de los trabajos</translation>
    </message>
    <message>
        <source>Values that look like secrets: tokens (JWT), private keys, card numbers, AWS keys</source>
        <translation>Valores que parecen secretos: tokens (JWT), claves privadas, números de tarjeta, claves de AWS</translation>
    </message>
    <message>
        <source>E-mail addresses</source>
        <translation>Direcciones de correo electrónico</translation>
    </message>
    <message>
        <source>A value whose key is one of these is hidden, whatever it holds. Keys are compared by words: &quot;token&quot; also hides access_token and refreshToken.</source>
        <translation>Se oculta un valor cuya clave sea una de estas, contenga lo que contenga. Las claves se comparan por palabras: «token» también oculta access_token y refreshToken.</translation>
    </message>
    <message>
        <source>e.g. args[1], args[*].iban</source>
        <translation>p. ej. args[1], args[*].iban</translation>
    </message>
    <message>
        <source>Positional arguments have no key: args[1] hides the second argument of every job.</source>
        <translation>Los argumentos posicionales no tienen clave: args[1] oculta el segundo argumento de cada trabajo.</translation>
    </message>
    <message>
        <source>Key names:</source>
        <translation>Nombres de claves:</translation>
    </message>
    <message>
        <source>Paths:</source>
        <translation>Rutas:</translation>
    </message>
    <message>
        <source>Paths: %1</source>
        <translation>Rutas: %1</translation>
    </message>
</context>
<context>
    <name>kiq::ui::RedisPage</name>
    <message>
        <source>Redis version</source>
        <translation>Versión de Redis</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rol</translation>
    </message>
    <message>
        <source>Uptime</source>
        <translation>Tiempo activo</translation>
    </message>
    <message>
        <source>Memory used</source>
        <translation>Memoria usada</translation>
    </message>
    <message>
        <source>Connected clients</source>
        <translation>Clientes conectados</translation>
    </message>
    <message>
        <source>Operations per second</source>
        <translation>Operaciones por segundo</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>Claves</translation>
    </message>
    <message>
        <source>Eviction policy</source>
        <translation>Política de desalojo</translation>
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
        <translation>No conectado.</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Cargando…</translation>
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
        <translation>sin límite</translation>
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
        <translation>%1 desde el inicio</translation>
    </message>
    <message>
        <source>Sidekiq needs noeviction</source>
        <translation>Sidekiq necesita noeviction</translation>
    </message>
    <message>
        <source>db%1: %2</source>
        <translation>db%1: %2</translation>
    </message>
    <message>
        <source>No slow commands logged.</source>
        <translation>No hay comandos lentos registrados.</translation>
    </message>
    <message>
        <source>Updated at %1 · round trip %2</source>
        <translation>Actualizado a las %1 · ida y vuelta %2</translation>
    </message>
    <message numerus="yes">
        <source>%1 key(s) evicted</source>
        <translation>
            <numerusform>%1 clave desalojada</numerusform>
            <numerusform>%1 claves desalojadas</numerusform>
        </translation>
    </message>
    <message>
        <source>The slow log is not available:</source>
        <translation>El slow log no está disponible:</translation>
    </message>
    <message>
        <source>The client list is not available:</source>
        <translation>La lista de clientes no está disponible:</translation>
    </message>
    <message>
        <source>Server details are not available:</source>
        <translation>Los detalles del servidor no están disponibles:</translation>
    </message>
    <message numerus="yes">
        <source>%1 connection(s)</source>
        <translation>
            <numerusform>%1 conexión</numerusform>
            <numerusform>%1 conexiones</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>from %1 host(s)</source>
        <translation>
            <numerusform>desde %1 host</numerusform>
            <numerusform>desde %1 hosts</numerusform>
        </translation>
    </message>
    <message>
        <source>Sidekiq %1: %2</source>
        <translation>Sidekiq %1: %2</translation>
    </message>
    <message>
        <source>not identified: %1</source>
        <translation>sin identificar: %1</translation>
    </message>
    <message>
        <source>By host and client</source>
        <translation>Por host y cliente</translation>
    </message>
    <message>
        <source>Connections</source>
        <translation>Conexiones</translation>
    </message>
</context>
<context>
    <name>kiq::ui::ReplayDialog</name>
    <message>
        <source>Replay</source>
        <translation>Reproducir</translation>
    </message>
    <message>
        <source>Replay in another deployment</source>
        <translation>Reproducir en otro despliegue</translation>
    </message>
    <message>
        <source>each job&apos;s own queue</source>
        <translation>la cola propia de cada trabajo</translation>
    </message>
    <message>
        <source>Copies of the jobs go to a development or staging deployment, redacted by the rules of %1, with new JIDs, no retry history and a link back (replayed_from). They run once there. %1 is only read.</source>
        <translation>Las copias de los trabajos van a un despliegue de desarrollo o staging, ocultadas según las reglas de %1, con JID nuevos, sin historial de reintentos y con un enlace al original (replayed_from). Se ejecutan allí una vez. %1 solo se lee.</translation>
    </message>
    <message>
        <source>Target:</source>
        <translation>Destino:</translation>
    </message>
    <message>
        <source>Queue:</source>
        <translation>Cola:</translation>
    </message>
    <message>
        <source>Arguments (JSON):</source>
        <translation>Argumentos (JSON):</translation>
    </message>
    <message>
        <source>Changes against the original:</source>
        <translation>Cambios respecto al original:</translation>
    </message>
    <message numerus="yes">
        <source>Reading %1 job(s) from %2…</source>
        <translation>
            <numerusform>Leyendo %1 trabajo de %2…</numerusform>
            <numerusform>Leyendo %1 trabajos de %2…</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 is not connected.</source>
        <translation>%1 no está conectado.</translation>
    </message>
    <message>
        <source>Could not read the jobs: %1</source>
        <translation>No se pudieron leer los trabajos: %1</translation>
    </message>
    <message>
        <source>The selected jobs have all left %1 since they were listed.</source>
        <translation>Todos los trabajos seleccionados han salido de %1 desde que se listaron.</translation>
    </message>
    <message numerus="yes">
        <source>%1 of the selected job(s) left the set since they were listed; the others are here.</source>
        <translation>
            <numerusform>%1 de los trabajos seleccionados salió del conjunto desde que se listó; los demás están aquí.</numerusform>
            <numerusform>%1 de los trabajos seleccionados salieron del conjunto desde que se listaron; los demás están aquí.</numerusform>
        </translation>
    </message>
    <message>
        <source>Type %1 to confirm:</source>
        <translation>Escriba %1 para confirmar:</translation>
    </message>
    <message>
        <source>As on the source, redacted: masked values stay masked unless you replace them.</source>
        <translation>Como en el origen, ocultados: los valores ocultos siguen ocultos salvo que los reemplace.</translation>
    </message>
    <message>
        <source>These arguments replace those of all %1 copies.</source>
        <translation>Estos argumentos reemplazan los de las %1 copias.</translation>
    </message>
    <message>
        <source>Edited: the copy gets these arguments.</source>
        <translation>Editado: la copia recibe estos argumentos.</translation>
    </message>
    <message>
        <source>&lt;i&gt;No changes.&lt;/i&gt;</source>
        <translation>&lt;i&gt;Sin cambios.&lt;/i&gt;</translation>
    </message>
    <message>
        <source>The first of %1 copies, as it will be written (JID and times are made anew at Replay):</source>
        <translation>La primera de %1 copias, tal como se escribirá (el JID y las horas se generan de nuevo al reproducir):</translation>
    </message>
    <message>
        <source>The copy, as it will be written (JID and times are made anew at Replay):</source>
        <translation>La copia, tal como se escribirá (el JID y las horas se generan de nuevo al reproducir):</translation>
    </message>
    <message>
        <source>The copy, as it will be written:</source>
        <translation>La copia, tal como se escribirá:</translation>
    </message>
    <message>
        <source>No deployment tagged development or staging: add one, or start the local sandbox.</source>
        <translation>No hay ningún despliegue etiquetado como desarrollo o staging: añada uno o inicie el sandbox local.</translation>
    </message>
    <message>
        <source>Reading the jobs…</source>
        <translation>Leyendo los trabajos…</translation>
    </message>
    <message>
        <source>Nothing to replay.</source>
        <translation>Nada que reproducir.</translation>
    </message>
    <message>
        <source>Fix the arguments first.</source>
        <translation>Corrija primero los argumentos.</translation>
    </message>
    <message>
        <source>Type the number of jobs to confirm.</source>
        <translation>Escriba el número de trabajos para confirmar.</translation>
    </message>
    <message>
        <source>Replaying…</source>
        <translation>Reproduciendo…</translation>
    </message>
    <message>
        <source>Not replayed: %1</source>
        <translation>No reproducido: %1</translation>
    </message>
    <message numerus="yes">
        <source>Replayed %1 job(s) into %2.</source>
        <translation>
            <numerusform>%1 trabajo reproducido en %2.</numerusform>
            <numerusform>%1 trabajos reproducidos en %2.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 skipped: %2</source>
        <translation>
            <numerusform>%1 omitido: %2</numerusform>
            <numerusform>%1 omitidos: %2</numerusform>
        </translation>
    </message>
    <message>
        <source>Its outcome will not be shown: %1</source>
        <translation>Su resultado no se mostrará: %1</translation>
    </message>
</context>
<context>
    <name>kiq::ui::SecretSourceBox</name>
    <message>
        <source>Where secrets come from</source>
        <translation>De dónde vienen los secretos</translation>
    </message>
    <message>
        <source>Password:</source>
        <translation>Contraseña:</translation>
    </message>
    <message>
        <source>Sentinel password:</source>
        <translation>Contraseña de Sentinel:</translation>
    </message>
    <message>
        <source>Client key passphrase:</source>
        <translation>Frase de contraseña de la clave de cliente:</translation>
    </message>
    <message>
        <source>Ask when connecting (kept until Kiqdesk quits)</source>
        <translation>Preguntar al conectar (se guarda hasta cerrar Kiqdesk)</translation>
    </message>
    <message>
        <source>OS keychain</source>
        <translation>Llavero del sistema</translation>
    </message>
    <message>
        <source>Credential helper</source>
        <translation>Asistente de credenciales</translation>
    </message>
    <message>
        <source>command and arguments, e.g. vault read -field=password secret/redis</source>
        <translation>comando y argumentos, p. ej. vault read -field=password secret/redis</translation>
    </message>
    <message>
        <source>Run without a shell when connecting and before its token expires. It prints the secret, or JSON {&quot;password&quot;, &quot;username&quot;, &quot;expires_at&quot;}.</source>
        <translation>Se ejecuta sin shell al conectar y antes de que caduque su token. Imprime el secreto, o JSON {&quot;password&quot;, &quot;username&quot;, &quot;expires_at&quot;}.</translation>
    </message>
    <message>
        <source>Checking the OS keychain…</source>
        <translation>Comprobando el llavero del sistema…</translation>
    </message>
    <message>
        <source>No OS keychain is reachable (%1). A secret set to come from it is asked for when connecting instead; it is never stored in a file.</source>
        <translation>No se puede acceder a ningún llavero del sistema (%1). Un secreto que debía venir de él se pide al conectar; nunca se guarda en un archivo.</translation>
    </message>
    <message>
        <source>The OS keychain is reachable: a secret typed once is kept there.</source>
        <translation>El llavero del sistema está accesible: un secreto escrito una vez se guarda allí.</translation>
    </message>
    <message>
        <source>A credential helper needs a command.</source>
        <translation>Un asistente de credenciales necesita un comando.</translation>
    </message>
    <message>
        <source>Alert webhook URL:</source>
        <translation>URL del webhook de alertas:</translation>
    </message>
</context>
<context>
    <name>kiq::ui::SecurityPage</name>
    <message>
        <source>Run audit</source>
        <translation>Ejecutar auditoría</translation>
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
        <translation>Estado</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>Comprobación</translation>
    </message>
    <message>
        <source>Evidence</source>
        <translation>Evidencia</translation>
    </message>
    <message>
        <source>Fix</source>
        <translation>Solución</translation>
    </message>
    <message>
        <source>Reads the server&apos;s settings, users, rights and a sample of the jobs; changes nothing</source>
        <translation>Lee la configuración, los usuarios, los permisos y una muestra de los jobs del servidor; no cambia nada</translation>
    </message>
    <message>
        <source>Export the security audit</source>
        <translation>Exportar la auditoría de seguridad</translation>
    </message>
    <message>
        <source>Markdown (*.md);;All files (*)</source>
        <translation>Markdown (*.md);;Todos los archivos (*)</translation>
    </message>
    <message>
        <source>JSON (*.json);;All files (*)</source>
        <translation>JSON (*.json);;Todos los archivos (*)</translation>
    </message>
    <message>
        <source>Security</source>
        <translation>Seguridad</translation>
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
        <translation>fallo</translation>
    </message>
    <message>
        <source>could not check</source>
        <translation>sin comprobar</translation>
    </message>
    <message>
        <source>info</source>
        <translation>info</translation>
    </message>
    <message>
        <source>Server identity</source>
        <translation>Identidad del servidor</translation>
    </message>
    <message>
        <source>Transport</source>
        <translation>Transporte</translation>
    </message>
    <message>
        <source>Authentication</source>
        <translation>Autenticación</translation>
    </message>
    <message>
        <source>Authorization</source>
        <translation>Autorización</translation>
    </message>
    <message>
        <source>Server configuration</source>
        <translation>Configuración del servidor</translation>
    </message>
    <message>
        <source>Job data</source>
        <translation>Datos de los jobs</translation>
    </message>
    <message>
        <source>Operations</source>
        <translation>Operaciones</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>No conectado</translation>
    </message>
    <message>
        <source>Auditing… (reads only)</source>
        <translation>Auditando… (solo lectura)</translation>
    </message>
    <message>
        <source>The audit failed:</source>
        <translation>La auditoría falló:</translation>
    </message>
    <message>
        <source>%1 fail, %2 warn, %3 could not check, %4 pass · audited %5</source>
        <translation>%1 fallos, %2 avisos, %3 sin comprobar, %4 ok · auditado %5</translation>
    </message>
    <message>
        <source>Why it matters:</source>
        <translation>Por qué importa:</translation>
    </message>
    <message>
        <source>Fix:</source>
        <translation>Solución:</translation>
    </message>
    <message>
        <source>Exported to %1</source>
        <translation>Exportado a %1</translation>
    </message>
    <message>
        <source>Could not write %1:</source>
        <translation>No se pudo escribir %1:</translation>
    </message>
</context>
<context>
    <name>kiq::ui::ShortcutsDialog</name>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Atajos de teclado</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>Teclas</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Acción</translation>
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
        <translation>Duración</translation>
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
        <translation>Accesible</translation>
    </message>
    <message>
        <source>Unreachable</source>
        <translation>Inaccesible</translation>
    </message>
    <message>
        <source>Connecting</source>
        <translation>Conectando</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>No conectado</translation>
    </message>
</context>
<context>
    <name>kiq::ui::StatusLine</name>
    <message>
        <source>Could not load:</source>
        <translation>No se pudo cargar:</translation>
    </message>
    <message>
        <source>&lt;b&gt;Could not refresh:&lt;/b&gt; %1 (showing data from %2 s ago)</source>
        <translation>&lt;b&gt;No se pudo actualizar:&lt;/b&gt; %1 (se muestran datos de hace %2 s)</translation>
    </message>
</context>
<context>
    <name>kiq::ui::TimeSeriesChart</name>
    <message>
        <source>%1 (times in %2)</source>
        <translation>%1 (horas en %2)</translation>
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
        <translation>Almacén de certificados del sistema</translation>
    </message>
    <message>
        <source>CA file:</source>
        <translation>Archivo de CA:</translation>
    </message>
    <message>
        <source>CA directory:</source>
        <translation>Directorio de CA:</translation>
    </message>
    <message>
        <source>Choose the CA certificate file</source>
        <translation>Elegir el archivo de certificado de CA</translation>
    </message>
    <message>
        <source>Choose the CA directory</source>
        <translation>Elegir el directorio de CA</translation>
    </message>
    <message>
        <source>Choose the client certificate</source>
        <translation>Elegir el certificado de cliente</translation>
    </message>
    <message>
        <source>Choose the client key</source>
        <translation>Elegir la clave de cliente</translation>
    </message>
    <message>
        <source>Verify the server&apos;s certificate</source>
        <translation>Verificar el certificado del servidor</translation>
    </message>
    <message>
        <source>Verify that the certificate matches the host name</source>
        <translation>Verificar que el certificado coincide con el nombre de host</translation>
    </message>
    <message>
        <source>only for servers that require client certificates</source>
        <translation>solo para servidores que exigen certificados de cliente</translation>
    </message>
    <message>
        <source>default: the host name</source>
        <translation>por defecto: el nombre de host</translation>
    </message>
    <message>
        <source>Trust:</source>
        <translation>Confianza:</translation>
    </message>
    <message>
        <source>Client certificate:</source>
        <translation>Certificado de cliente:</translation>
    </message>
    <message>
        <source>Client key:</source>
        <translation>Clave de cliente:</translation>
    </message>
    <message>
        <source>Server name (SNI):</source>
        <translation>Nombre del servidor (SNI):</translation>
    </message>
    <message>
        <source>The key is encrypted: ask for its passphrase when connecting</source>
        <translation>La clave está cifrada: pedir su frase de contraseña al conectar</translation>
    </message>
    <message>
        <source>only for an encrypted key; not saved: asked when connecting</source>
        <translation>solo para una clave cifrada; no se guarda: se pide al conectar</translation>
    </message>
    <message>
        <source>Key passphrase:</source>
        <translation>Frase de contraseña de la clave:</translation>
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
        <translation>Los sentinels necesitan una contraseña (se pide al conectar)</translation>
    </message>
    <message>
        <source>Standalone (or a replica)</source>
        <translation>Independiente (o una réplica)</translation>
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
        <translation>no se guarda</translation>
    </message>
    <message>
        <source>Host:</source>
        <translation>Host:</translation>
    </message>
    <message>
        <source>Port:</source>
        <translation>Puerto:</translation>
    </message>
    <message>
        <source>Master name:</source>
        <translation>Nombre del master:</translation>
    </message>
    <message>
        <source>Sentinels (host:port):</source>
        <translation>Sentinels (host:port):</translation>
    </message>
    <message>
        <source>Sentinel user:</source>
        <translation>Usuario de Sentinel:</translation>
    </message>
    <message>
        <source>Sentinel password:</source>
        <translation>Contraseña de Sentinel:</translation>
    </message>
    <message>
        <source>Seed nodes (host:port):</source>
        <translation>Nodos semilla (host:port):</translation>
    </message>
    <message>
        <source>Topology:</source>
        <translation>Topología:</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a host:port address</source>
        <translation>«%1» no es una dirección host:port</translation>
    </message>
</context>
<context>
    <name>kiq::ui::TrayIcon</name>
    <message>
        <source>all checks OK</source>
        <translation>todas las comprobaciones OK</translation>
    </message>
    <message>
        <source>warning</source>
        <translation>advertencia</translation>
    </message>
    <message>
        <source>critical</source>
        <translation>crítico</translation>
    </message>
    <message>
        <source>no deployment watched</source>
        <translation>ningún despliegue vigilado</translation>
    </message>
    <message>
        <source>Show Kiqdesk</source>
        <translation>Mostrar Kiqdesk</translation>
    </message>
    <message>
        <source>Acknowledge all alerts</source>
        <translation>Confirmar todas las alertas</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Salir</translation>
    </message>
    <message>
        <source>Kiqdesk: %1</source>
        <translation>Kiqdesk: %1</translation>
    </message>
    <message numerus="yes">
        <source>… and %n more</source>
        <translation>
            <numerusform>… y %n más</numerusform>
            <numerusform>… y %n más</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n alert(s) open</source>
        <translation>
            <numerusform>%n alerta abierta</numerusform>
            <numerusform>%n alertas abiertas</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>kiq::ui::UndoOffer</name>
    <message>
        <source>Undo</source>
        <translation>Deshacer</translation>
    </message>
    <message numerus="yes">
        <source>Undo: put the %1 job(s) back</source>
        <translation>
            <numerusform>Deshacer: devolver %1 trabajo</numerusform>
            <numerusform>Deshacer: devolver los %1 trabajos</numerusform>
        </translation>
    </message>
    <message>
        <source>Put the jobs back where they were (Undo history has every action)</source>
        <translation>Devolver los trabajos a donde estaban (el historial para deshacer tiene cada acción)</translation>
    </message>
</context>
<context>
    <name>kiq::ui::UndoPage</name>
    <message>
        <source>When</source>
        <translation>Cuándo</translation>
    </message>
    <message>
        <source>What was removed</source>
        <translation>Qué se quitó</translation>
    </message>
    <message>
        <source>Jobs</source>
        <translation>Trabajos</translation>
    </message>
    <message>
        <source>Not restored</source>
        <translation>Sin restaurar</translation>
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
        <translation>Recargar</translation>
    </message>
    <message>
        <source>Restore</source>
        <translation>Restaurar</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>No conectado.</translation>
    </message>
    <message>
        <source>Undo history</source>
        <translation>Historial para deshacer</translation>
    </message>
    <message numerus="yes">
        <source>%1 job(s) killed from %2 at %3</source>
        <translation>
            <numerusform>%1 trabajo matado de %2 a las %3</numerusform>
            <numerusform>%1 trabajos matados de %2 a las %3</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 job(s) cleared from %2 at %3</source>
        <translation>
            <numerusform>%1 trabajo vaciado de %2 a las %3</numerusform>
            <numerusform>%1 trabajos vaciados de %2 a las %3</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 job(s) deleted from %2 at %3</source>
        <translation>
            <numerusform>%1 trabajo eliminado de %2 a las %3</numerusform>
            <numerusform>%1 trabajos eliminados de %2 a las %3</numerusform>
        </translation>
    </message>
    <message>
        <source>Nothing to undo: deletes, kills and queue clears on this server are kept here for 7 days.</source>
        <translation>Nada que deshacer: las eliminaciones, los trabajos matados y las colas vaciadas en este servidor se guardan aquí durante 7 días.</translation>
    </message>
    <message numerus="yes">
        <source>%1 action(s) kept for 7 days</source>
        <translation>
            <numerusform>%1 acción guardada durante 7 días</numerusform>
            <numerusform>%1 acciones guardadas durante 7 días</numerusform>
        </translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>No conectado</translation>
    </message>
    <message>
        <source>Select an action in the list first</source>
        <translation>Seleccione primero una acción en la lista</translation>
    </message>
    <message>
        <source>Its jobs were restored already</source>
        <translation>Sus trabajos ya se restauraron</translation>
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
        <translation>Falló la restauración:</translation>
    </message>
    <message numerus="yes">
        <source>Restored %1 job(s), %2 already there (%3)</source>
        <translation>
            <numerusform>%1 trabajo restaurado, %2 ya estaban (%3)</numerusform>
            <numerusform>%1 trabajos restaurados, %2 ya estaban (%3)</numerusform>
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
        <translation>Colas</translation>
    </message>
    <message>
        <source>Concurrency</source>
        <translation>Concurrencia</translation>
    </message>
    <message>
        <source>Handler file</source>
        <translation>Archivo de manejadores</translation>
    </message>
    <message>
        <source>Shutdown timeout</source>
        <translation>Espera al detener</translation>
    </message>
    <message>
        <source>Pool settings</source>
        <translation>Ajustes del pool</translation>
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
        <translation>Detener</translation>
    </message>
    <message>
        <source>Processed</source>
        <translation>Procesados</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fallidos</translation>
    </message>
    <message>
        <source>Busy</source>
        <translation>Ocupados</translation>
    </message>
    <message>
        <source>Running for</source>
        <translation>Duración</translation>
    </message>
    <message>
        <source>critical,2 default</source>
        <translation>critical,2 default</translation>
    </message>
    <message>
        <source>Queues separated by spaces, as Sidekiq&apos;s -q: &quot;name&quot; or &quot;name,weight&quot;. Without weights the order is strict; with weights a heavier queue is tried first more often.</source>
        <translation>Colas separadas por espacios, como el -q de Sidekiq: «name» o «name,weight». Sin pesos el orden es estricto; con pesos, una cola más pesada se prueba primero más a menudo.</translation>
    </message>
    <message>
        <source>TOML file mapping job classes to commands (optional)</source>
        <translation>Archivo TOML que asocia clases de trabajo con comandos (opcional)</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Examinar…</translation>
    </message>
    <message>
        <source>DEBUG also logs the start and end of every job.</source>
        <translation>DEBUG registra también el inicio y el fin de cada trabajo.</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>How long Stop waits for running jobs before pushing them back to their queues.</source>
        <translation>Cuánto espera Detener a los trabajos en ejecución antes de devolverlos a sus colas.</translation>
    </message>
    <message>
        <source>Log level</source>
        <translation>Nivel de registro</translation>
    </message>
    <message>
        <source>Finish the running jobs and fetch no new ones.</source>
        <translation>Terminar los trabajos en ejecución y no tomar otros nuevos.</translation>
    </message>
    <message>
        <source>All lines</source>
        <translation>Todas las líneas</translation>
    </message>
    <message>
        <source>Info and above</source>
        <translation>Info y superior</translation>
    </message>
    <message>
        <source>Warnings and errors</source>
        <translation>Advertencias y errores</translation>
    </message>
    <message>
        <source>Errors only</source>
        <translation>Solo errores</translation>
    </message>
    <message>
        <source>Jobs in flight</source>
        <translation>Trabajos en curso</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>Registro</translation>
    </message>
    <message>
        <source>Local workers</source>
        <translation>Workers locales</translation>
    </message>
    <message>
        <source>Writes to this deployment are disarmed, but this pool keeps working jobs until you stop it.</source>
        <translation>Las escrituras en este despliegue están deshabilitadas, pero este pool sigue procesando trabajos hasta que lo detenga.</translation>
    </message>
    <message>
        <source>Stopped.</source>
        <translation>Detenido.</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>No conectado.</translation>
    </message>
    <message numerus="yes">
        <source>Stopped. The last run processed %n job(s).</source>
        <translation>
            <numerusform>Detenido. La última ejecución procesó %n trabajo.</numerusform>
            <numerusform>Detenido. La última ejecución procesó %n trabajos.</numerusform>
        </translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Iniciando…</translation>
    </message>
    <message numerus="yes">
        <source>Running %n thread(s) on %1 (strict order).</source>
        <translation>
            <numerusform>Ejecutando %n hilo sobre %1 (orden estricto).</numerusform>
            <numerusform>Ejecutando %n hilos sobre %1 (orden estricto).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Running %n thread(s) on %1 (weighted).</source>
        <translation>
            <numerusform>Ejecutando %n hilo sobre %1 (ponderado).</numerusform>
            <numerusform>Ejecutando %n hilos sobre %1 (ponderado).</numerusform>
        </translation>
    </message>
    <message>
        <source>Quiet: running jobs finish, no new jobs are fetched.</source>
        <translation>Silenciado: los trabajos en ejecución terminan, no se toman trabajos nuevos.</translation>
    </message>
    <message>
        <source>Stopping: waiting for the running jobs…</source>
        <translation>Deteniendo: esperando a los trabajos en ejecución…</translation>
    </message>
    <message>
        <source>Could not start: %1</source>
        <translation>No se pudo iniciar: %1</translation>
    </message>
    <message>
        <source>Started by %1.</source>
        <translation>Iniciado por %1.</translation>
    </message>
    <message>
        <source>Process %1 on %2</source>
        <translation>Proceso %1 en %2</translation>
    </message>
    <message numerus="yes">
        <source>of %n thread(s)</source>
        <translation>
            <numerusform>de %n hilo</numerusform>
            <numerusform>de %n hilos</numerusform>
        </translation>
    </message>
    <message>
        <source>TOML files (*.toml);;All files (*)</source>
        <translation>Archivos TOML (*.toml);;Todos los archivos (*)</translation>
    </message>
    <message>
        <source>Built-in demo handlers</source>
        <translation>Manejadores de demo integrados</translation>
    </message>
    <message>
        <source>Kiqdesk::Sleep, Kiqdesk::Fail and Kiqdesk::Echo</source>
        <translation>Kiqdesk::Sleep, Kiqdesk::Fail y Kiqdesk::Echo</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>No conectado</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <comment>class (hand-backs)</comment>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>No handler here for %1: their jobs went back to their queues unchanged (no retry used, no error written), for the workers that run them.</source>
        <translation>No hay manejador aquí para %1: sus trabajos volvieron sin cambios a sus colas (sin gastar reintento ni escribir error), para los workers que los ejecutan.</translation>
    </message>
    <message>
        <source>%1:</source>
        <translation>%1:</translation>
    </message>
    <message>
        <source>Start workers on %1</source>
        <translation>Iniciar workers en %1</translation>
    </message>
    <message>
        <source>Start a worker pool on &lt;b&gt;%1&lt;/b&gt;, a &lt;b&gt;%2&lt;/b&gt; deployment?&lt;br&gt;&lt;br&gt;It takes jobs from %3 and runs them on this computer.</source>
        <translation>¿Iniciar un pool de workers en &lt;b&gt;%1&lt;/b&gt;, un despliegue de &lt;b&gt;%2&lt;/b&gt;?&lt;br&gt;&lt;br&gt;Toma trabajos de %3 y los ejecuta en este equipo.</translation>
    </message>
    <message>
        <source>Start on %1</source>
        <translation>Iniciar en %1</translation>
    </message>
    <message>
        <source>Not started.</source>
        <translation>No iniciado.</translation>
    </message>
    <message>
        <source>Looking at the jobs waiting in %1…</source>
        <translation>Examinando los trabajos en espera en %1…</translation>
    </message>
    <message>
        <source>Not started: could not look at the queues:</source>
        <translation>No iniciado: no se pudieron examinar las colas:</translation>
    </message>
    <message>
        <source>Jobs without a handler</source>
        <translation>Trabajos sin manejador</translation>
    </message>
    <message>
        <source>These jobs wait in the chosen queues, and this pool has no handler for their class (counted among the newest %1 jobs of each queue):</source>
        <translation>Estos trabajos esperan en las colas elegidas y este pool no tiene manejador para su clase (contados entre los %1 trabajos más recientes de cada cola):</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>Cola</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>Clase</translation>
    </message>
    <message>
        <source>Jobs</source>
        <translation>Trabajos</translation>
    </message>
    <message>
        <source>What should the pool do with them?</source>
        <translation>¿Qué debe hacer el pool con ellos?</translation>
    </message>
    <message>
        <source>Handed back, a job goes back to its queue unchanged (no retry used, no error written) for the workers that have its class. Failed, it uses a retry and gets NameError as its error, as a Sidekiq without that class would do.</source>
        <translation>Si se devuelve, un trabajo vuelve sin cambios a su cola (sin gastar reintento ni escribir error) para los workers que tienen su clase. Si falla, gasta un reintento y recibe NameError como error, como haría un Sidekiq sin esa clase.</translation>
    </message>
    <message>
        <source>Hand them back (leave them for their own workers)</source>
        <translation>Devolverlos (dejarlos para sus propios workers)</translation>
    </message>
    <message>
        <source>Fail them like Sidekiq does</source>
        <translation>Hacerlos fallar como Sidekiq</translation>
    </message>
    <message>
        <source>Not started:</source>
        <translation>No iniciado:</translation>
    </message>
    <message>
        <source>Not started: the deployment was disconnected.</source>
        <translation>No iniciado: el despliegue se desconectó.</translation>
    </message>
    <message>
        <source>Copy as command</source>
        <translation>Copiar como comando</translation>
    </message>
    <message>
        <source>Copy the kiqdesk-cli command that starts this pool, for a script or a server</source>
        <translation>Copiar el comando de kiqdesk-cli que inicia este pool, para un script o un servidor</translation>
    </message>
</context>
</TS>
