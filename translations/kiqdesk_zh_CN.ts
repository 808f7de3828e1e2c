<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>JobColumns</name>
    <message>
        <source>Queue</source>
        <translation>队列</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>Arguments</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>Retries</source>
        <translation>重试</translation>
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
        <translation>过滤器：class=HardJob error~timeout age&gt;2h queue=default malformed</translation>
    </message>
    <message>
        <source>Filter, at character %1: %2. No jobs are shown until it is fixed.</source>
        <translation>过滤器第 %1 个字符处：%2。修正之前不显示任何任务。</translation>
    </message>
</context>
<context>
    <name>Main</name>
    <message>
        <source>Local sandbox</source>
        <translation>本地沙盒</translation>
    </message>
    <message>
        <source>Desktop console for Sidekiq job systems on Redis.</source>
        <translation>Redis 上 Sidekiq 任务系统的桌面控制台。</translation>
    </message>
    <message>
        <source>Start a local sandbox Redis and show it.</source>
        <translation>启动一个本地沙盒 Redis 并显示它。</translation>
    </message>
    <message>
        <source>Save a picture of the window to &lt;file&gt; and quit.</source>
        <translation>将窗口截图保存到 &lt;file&gt; 后退出。</translation>
    </message>
    <message>
        <source>file</source>
        <translation>file</translation>
    </message>
    <message>
        <source>Wait &lt;ms&gt; before taking the screenshot (default 3000).</source>
        <translation>截图前等待 &lt;ms&gt; 毫秒（默认 3000）。</translation>
    </message>
    <message>
        <source>ms</source>
        <translation>ms</translation>
    </message>
    <message>
        <source>Use &lt;theme&gt; (system, light, dark) for this run.</source>
        <translation>本次运行使用 &lt;theme&gt;（system、light、dark）。</translation>
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
        <translation>无法将截图写入 %1</translation>
    </message>
    <message>
        <source>the local sandbox (demo handlers)</source>
        <translation>本地沙盒（演示处理程序）</translation>
    </message>
    <message>
        <source>The sandbox started but demo data could not be written: %1</source>
        <translation>沙盒已启动，但无法写入演示数据：%1</translation>
    </message>
    <message>
        <source>Open the window at &lt;width&gt;x&lt;height&gt; pixels.</source>
        <translation>以 &lt;width&gt;x&lt;height&gt; 像素打开窗口。</translation>
    </message>
    <message>
        <source>size</source>
        <translation>size</translation>
    </message>
    <message>
        <source>Show the deployment&apos;s page &lt;n&gt; (0 is the first tab).</source>
        <translation>显示部署的第 &lt;n&gt; 页（0 为第一个标签页）。</translation>
    </message>
    <message>
        <source>n</source>
        <translation>n</translation>
    </message>
    <message>
        <source>--size takes &lt;width&gt;x&lt;height&gt;, e.g. 1024x700</source>
        <translation>--size 的格式为 &lt;width&gt;x&lt;height&gt;，例如 1024x700</translation>
    </message>
    <message>
        <source>Your saved connections were not loaded.

%1</source>
        <translation>未加载已保存的连接。

%1</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <source>%1 is not connected</source>
        <translation>%1 未连接</translation>
    </message>
</context>
<context>
    <name>kiq::ui</name>
    <message>
        <source>Type %1 to confirm.</source>
        <translation>输入 %1 以确认。</translation>
    </message>
</context>
<context>
    <name>kiq::ui::AclLogModel</name>
    <message>
        <source>%1 ago</source>
        <translation>%1 前</translation>
    </message>
    <message>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Denied</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <source>Context</source>
        <translation>上下文</translation>
    </message>
    <message>
        <source>Count</source>
        <translation>次数</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>最后出现</translation>
    </message>
    <message>
        <source>Node</source>
        <translation>节点</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>客户端</translation>
    </message>
</context>
<context>
    <name>kiq::ui::AclPage</name>
    <message>
        <source>primary</source>
        <translation>主节点</translation>
    </message>
    <message>
        <source>replica</source>
        <translation>副本</translation>
    </message>
    <message>
        <source>New user…</source>
        <translation>新建用户…</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>编辑…</translation>
    </message>
    <message>
        <source>Enable</source>
        <translation>启用</translation>
    </message>
    <message>
        <source>Disable</source>
        <translation>禁用</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>删除…</translation>
    </message>
    <message>
        <source>Apply Sidekiq role…</source>
        <translation>应用 Sidekiq 角色…</translation>
    </message>
    <message>
        <source>Reset log</source>
        <translation>重置日志</translation>
    </message>
    <message>
        <source>Delete ACL user</source>
        <translation>删除 ACL 用户</translation>
    </message>
    <message>
        <source>Delete the ACL user &apos;%1&apos; on every node? Clients logged in as it are disconnected.</source>
        <translation>在所有节点上删除 ACL 用户“%1”？以该用户登录的客户端将被断开。</translation>
    </message>
    <message>
        <source>Reset ACL log</source>
        <translation>重置 ACL 日志</translation>
    </message>
    <message>
        <source>Clear the ACL log on every node?</source>
        <translation>清空所有节点上的 ACL 日志？</translation>
    </message>
    <message>
        <source>Users</source>
        <translation>用户</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>日志</translation>
    </message>
    <message>
        <source>The result of each change appears here, per node, with the role checks.</source>
        <translation>每项更改的结果会按节点显示在这里，并附带角色检查。</translation>
    </message>
    <message>
        <source>ACL</source>
        <translation>ACL</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>未连接。</translation>
    </message>
    <message numerus="yes">
        <source>%n user(s) with risky rights (in red; hover for why).</source>
        <translation>
            <numerusform>%n 个用户拥有高风险权限（红色显示；悬停查看原因）。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n user(s), none with risky rights.</source>
        <translation>
            <numerusform>%n 个用户，均无高风险权限。</numerusform>
        </translation>
    </message>
    <message>
        <source>Could not apply the rules of %1: %2</source>
        <translation>无法应用 %1 的规则：%2</translation>
    </message>
    <message>
        <source>ACL SETUSER %1
</source>
        <translation>ACL SETUSER %1
</translation>
    </message>
    <message>
        <source>Could not apply the role to %1: %2</source>
        <translation>无法将角色应用到 %1：%2</translation>
    </message>
    <message>
        <source>ok</source>
        <translation>成功</translation>
    </message>
    <message>
        <source>FAILED</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>%1 %2 %3%4</source>
        <translation>%1 %2 %3%4</translation>
    </message>
    <message>
        <source>allow</source>
        <translation>允许</translation>
    </message>
    <message>
        <source>deny</source>
        <translation>拒绝</translation>
    </message>
    <message>
        <source>Could not delete %1: %2</source>
        <translation>无法删除 %1：%2</translation>
    </message>
    <message>
        <source>ACL DELUSER %1
</source>
        <translation>ACL DELUSER %1
</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>未连接</translation>
    </message>
    <message>
        <source>Select a user first</source>
        <translation>请先选择一个用户</translation>
    </message>
    <message>
        <source>Cannot read ACL users:</source>
        <translation>无法读取 ACL 用户：</translation>
    </message>
    <message>
        <source>Select a user first.</source>
        <translation>请先选择一个用户。</translation>
    </message>
    <message>
        <source>Enable the selected user</source>
        <translation>启用所选用户</translation>
    </message>
    <message>
        <source>Disable the selected user</source>
        <translation>禁用所选用户</translation>
    </message>
    <message>
        <source>Delete the selected user</source>
        <translation>删除所选用户</translation>
    </message>
    <message>
        <source>Reset the log</source>
        <translation>重置日志</translation>
    </message>
    <message>
        <source>Copy as command</source>
        <translation>复制为命令</translation>
    </message>
</context>
<context>
    <name>kiq::ui::AclUserEditor</name>
    <message>
        <source>Enabled</source>
        <translation>已启用</translation>
    </message>
    <message>
        <source>Remove the existing passwords</source>
        <translation>移除现有密码</translation>
    </message>
    <message>
        <source>No password (nopass): anyone can log in as this user</source>
        <translation>无密码（nopass）：任何人都能以该用户登录</translation>
    </message>
    <message>
        <source>Edit ACL user %1</source>
        <translation>编辑 ACL 用户 %1</translation>
    </message>
    <message>
        <source>New ACL user</source>
        <translation>新建 ACL 用户</translation>
    </message>
    <message>
        <source>Leave empty to keep the current passwords</source>
        <translation>留空则保留当前密码</translation>
    </message>
    <message>
        <source>One pattern per line: ~queue:*  %R~stat:*  %W~tmp:*</source>
        <translation>每行一个模式：~queue:*  %R~stat:*  %W~tmp:*</translation>
    </message>
    <message>
        <source>One pattern per line: &amp;events:*</source>
        <translation>每行一个模式：&amp;events:*</translation>
    </message>
    <message>
        <source>e.g. -flushall +client|setname</source>
        <translation>例如 -flushall +client|setname</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>New password</source>
        <translation>新密码</translation>
    </message>
    <message>
        <source>Key patterns</source>
        <translation>键模式</translation>
    </message>
    <message>
        <source>Channels</source>
        <translation>频道</translation>
    </message>
    <message>
        <source>Command categories</source>
        <translation>命令类别</translation>
    </message>
    <message>
        <source>Extra command rules</source>
        <translation>额外命令规则</translation>
    </message>
    <message>
        <source>Apply to every node</source>
        <translation>应用到所有节点</translation>
    </message>
    <message>
        <source>Will run:</source>
        <translation>将执行：</translation>
    </message>
    <message>
        <source>The name must be one word.</source>
        <translation>名称必须是一个单词。</translation>
    </message>
    <message>
        <source>A new user needs a password (or nopass, which is not recommended).</source>
        <translation>新用户需要密码（或 nopass，不推荐）。</translation>
    </message>
    <message>
        <source>No change.</source>
        <translation>没有更改。</translation>
    </message>
    <message>
        <source>Changes:
</source>
        <translation>更改：
</translation>
    </message>
    <message>
        <source>Copy as command</source>
        <translation>复制为命令</translation>
    </message>
</context>
<context>
    <name>kiq::ui::AclUsersModel</name>
    <message>
        <source>on</source>
        <translation>开</translation>
    </message>
    <message>
        <source>off</source>
        <translation>关</translation>
    </message>
    <message>
        <source>none (nopass)</source>
        <translation>无（nopass）</translation>
    </message>
    <message>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Passwords</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>键</translation>
    </message>
    <message>
        <source>Channels</source>
        <translation>频道</translation>
    </message>
    <message>
        <source>Commands</source>
        <translation>命令</translation>
    </message>
    <message>
        <source>Risks</source>
        <translation>风险</translation>
    </message>
</context>
<context>
    <name>kiq::ui::ApplyRoleDialog</name>
    <message>
        <source>Apply a Sidekiq role</source>
        <translation>应用 Sidekiq 角色</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Apply and verify</source>
        <translation>应用并验证</translation>
    </message>
    <message>
        <source>Copy as command</source>
        <translation>复制为命令</translation>
    </message>
</context>
<context>
    <name>kiq::ui::ArmDialog</name>
    <message>
        <source>Arm writes</source>
        <translation>启用写入</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; is read-only. Arming allows every write (job actions, queue changes, quiet and stop, ACL changes, local workers) until the time below runs out or you disarm.&lt;br&gt;Type the deployment&apos;s name &lt;b&gt;%2&lt;/b&gt; to confirm.</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; 为只读。启用写入后，在下面的时间用完或你停用之前，允许所有写操作（任务操作、队列更改、静默和停止、ACL 更改、本地工作者）。&lt;br&gt;输入部署名称 &lt;b&gt;%2&lt;/b&gt; 以确认。</translation>
    </message>
    <message>
        <source>Why: free text or a ticket id</source>
        <translation>原因：自由文本或工单号</translation>
    </message>
    <message>
        <source> min</source>
        <translation> min</translation>
    </message>
    <message>
        <source>Deployment name:</source>
        <translation>部署名称：</translation>
    </message>
    <message>
        <source>Reason:</source>
        <translation>原因：</translation>
    </message>
    <message>
        <source>Writes allowed for:</source>
        <translation>允许写入时长：</translation>
    </message>
</context>
<context>
    <name>kiq::ui::AuditPage</name>
    <message>
        <source>Reload</source>
        <translation>重新加载</translation>
    </message>
    <message>
        <source>Verify chain</source>
        <translation>验证哈希链</translation>
    </message>
    <message>
        <source>Export JSONL…</source>
        <translation>导出 JSONL…</translation>
    </message>
    <message>
        <source>Any user (OS or ACL user)</source>
        <translation>任意用户（操作系统或 ACL 用户）</translation>
    </message>
    <message>
        <source>Any action</source>
        <translation>任意操作</translation>
    </message>
    <message>
        <source>Last hour</source>
        <translation>最近 1 小时</translation>
    </message>
    <message>
        <source>Last 24 hours</source>
        <translation>最近 24 小时</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>最近 7 天</translation>
    </message>
    <message>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Recompute every entry&apos;s hash and check the chain: deleted, edited or forged entries are marked</source>
        <translation>重新计算每条记录的哈希并检查哈希链：被删除、编辑或伪造的记录会被标出</translation>
    </message>
    <message>
        <source>Every entry of the trail, oldest first, as JSON lines</source>
        <translation>审计日志的所有记录，从旧到新，JSON Lines 格式</translation>
    </message>
    <message>
        <source>Export the audit trail</source>
        <translation>导出审计日志</translation>
    </message>
    <message>
        <source>JSON lines (*.jsonl);;All files (*)</source>
        <translation>JSON Lines (*.jsonl);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Audit trail</source>
        <translation>审计日志</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>未连接</translation>
    </message>
    <message>
        <source>No entries match.</source>
        <translation>没有匹配的记录。</translation>
    </message>
    <message numerus="yes">
        <source>The newest %n matching entries.</source>
        <translation>
            <numerusform>最新的 %n 条匹配记录。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n matching entries.</source>
        <translation>
            <numerusform>%n 条匹配记录。</numerusform>
        </translation>
    </message>
    <message>
        <source>Verifying the chain…</source>
        <translation>正在验证哈希链…</translation>
    </message>
    <message>
        <source>Could not verify:</source>
        <translation>无法验证：</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>正在导出…</translation>
    </message>
    <message>
        <source>Could not export:</source>
        <translation>无法导出：</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n entries to %1.</source>
        <translation>
            <numerusform>已将 %n 条记录导出到 %1。</numerusform>
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
        <translation>%1（由 %2 启用写入）</translation>
    </message>
    <message>
        <source>ok</source>
        <translation>成功</translation>
    </message>
    <message>
        <source>Entry %1</source>
        <translation>记录 %1</translation>
    </message>
    <message>
        <source>Detail: %1</source>
        <translation>详情：%1</translation>
    </message>
    <message>
        <source>Jobs: %1</source>
        <translation>任务：%1</translation>
    </message>
    <message>
        <source>Chain broken here: %1</source>
        <translation>哈希链在此断开：%1</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <source>ACL user</source>
        <translation>ACL 用户</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>目标</translation>
    </message>
    <message>
        <source>Asked / done / skipped</source>
        <translation>请求 / 完成 / 跳过</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Reason: %1</source>
        <translation>原因：%1</translation>
    </message>
    <message>
        <source>Outcome: %1</source>
        <translation>结果：%1</translation>
    </message>
    <message>
        <source>Filter / detail</source>
        <translation>过滤器 / 详情</translation>
    </message>
</context>
<context>
    <name>kiq::ui::BulkActionFlow</name>
    <message>
        <source>Not connected.</source>
        <translation>未连接。</translation>
    </message>
    <message>
        <source>Scanning the set…</source>
        <translation>正在扫描集合…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>&lt;b&gt;Preview failed:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;预览失败：&lt;/b&gt;%1</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <source>Nothing done.</source>
        <translation>未执行任何操作。</translation>
    </message>
    <message numerus="yes">
        <source>%1 %n matching job(s)?</source>
        <translation>
            <numerusform>对 %n 个匹配的任务执行“%1”？</numerusform>
        </translation>
    </message>
    <message>
        <source>%1: working…</source>
        <translation>%1：正在执行…</translation>
    </message>
    <message>
        <source>&lt;b&gt;Failed:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;失败：&lt;/b&gt;%1</translation>
    </message>
    <message>
        <source>%1: %2 done, %3 already gone, %4 skipped%5</source>
        <translation>%1：完成 %2，已不存在 %3，跳过 %4%5</translation>
    </message>
    <message>
        <source> (cancelled; can be resumed)</source>
        <translation>（已取消；可以继续）</translation>
    </message>
    <message>
        <source>%1: %2 done, %3 scanned</source>
        <translation>%1：完成 %2，已扫描 %3</translation>
    </message>
    <message>
        <source>%1 jobs/s</source>
        <translation>%1 个作业/秒</translation>
    </message>
    <message>
        <source>Redis busy %1% of the time</source>
        <translation>Redis 忙碌时间占 %1%</translation>
    </message>
    <message>
        <source>about %1 left</source>
        <translation>剩余约 %1</translation>
    </message>
    <message>
        <source>slowed down: the server answers in %1</source>
        <translation>已减速：服务器响应需 %1</translation>
    </message>
</context>
<context>
    <name>kiq::ui::BulkPreviewDialog</name>
    <message numerus="yes">
        <source>… and %n more</source>
        <translation>
            <numerusform>… 另有 %n 项</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 all matching jobs</source>
        <translation>%1：所有匹配的任务</translation>
    </message>
    <message>
        <source>Group</source>
        <translation>分组</translation>
    </message>
    <message>
        <source>Jobs</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>By class</source>
        <translation>按类</translation>
    </message>
    <message>
        <source>By queue</source>
        <translation>按队列</translation>
    </message>
    <message>
        <source>By error</source>
        <translation>按错误</translation>
    </message>
    <message>
        <source>no limit</source>
        <translation>不限</translation>
    </message>
    <message>
        <source> jobs/s</source>
        <translation> 任务/s</translation>
    </message>
    <message>
        <source>Rate limit:</source>
        <translation>速率限制：</translation>
    </message>
    <message>
        <source>Continue…</source>
        <translation>继续…</translation>
    </message>
    <message numerus="yes">
        <source>&lt;b&gt;%1&lt;/b&gt; of %2 job(s) match and would be affected by &lt;b&gt;%3&lt;/b&gt;.</source>
        <translation>
            <numerusform>%2 个任务中有 &lt;b&gt;%1&lt;/b&gt; 个匹配，将受 &lt;b&gt;%3&lt;/b&gt; 影响。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>kiq::ui::BusyJobModel</name>
    <message>
        <source>(unreadable job)</source>
        <translation>（无法读取的任务）</translation>
    </message>
    <message>
        <source>Process</source>
        <translation>进程</translation>
    </message>
    <message>
        <source>Thread</source>
        <translation>线程</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>队列</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>Arguments</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>开始时间</translation>
    </message>
    <message>
        <source>Running for</source>
        <translation>运行时长</translation>
    </message>
    <message>
        <source>cancelled %1 ago</source>
        <translation>%1 前已取消</translation>
    </message>
    <message>
        <source>execution %1 · %2 iterating · cursor %3</source>
        <translation>第 %1 次执行 · 已迭代 %2 · 游标 %3</translation>
    </message>
    <message>
        <source>Cursor: %1</source>
        <translation>游标：%1</translation>
    </message>
    <message>
        <source>Iteration</source>
        <translation>迭代</translation>
    </message>
</context>
<context>
    <name>kiq::ui::BusyPage</name>
    <message>
        <source>Reload</source>
        <translation>重新加载</translation>
    </message>
    <message>
        <source>Quiet selected</source>
        <translation>静默所选</translation>
    </message>
    <message>
        <source>Stop selected</source>
        <translation>停止所选</translation>
    </message>
    <message>
        <source>Quiet all</source>
        <translation>全部静默</translation>
    </message>
    <message>
        <source>Stop all</source>
        <translation>全部停止</translation>
    </message>
    <message>
        <source>Processes</source>
        <translation>进程</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>未连接。</translation>
    </message>
    <message>
        <source>Busy</source>
        <translation>运行中</translation>
    </message>
    <message>
        <source>Quiet</source>
        <translation>静默</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message numerus="yes">
        <source>Quiet %n process(es)? They finish their current jobs and fetch no new ones.</source>
        <translation>
            <numerusform>静默 %n 个进程？它们会完成当前任务，不再获取新任务。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Stop %n process(es)? They shut down; unfinished jobs go back to their queues.</source>
        <translation>
            <numerusform>停止 %n 个进程？它们将关闭；未完成的任务回到各自的队列。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 sent to %n process(es); they act at their next heartbeat.</source>
        <translation>
            <numerusform>已向 %n 个进程发送 %1；它们会在下一次心跳时执行。</numerusform>
        </translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>未连接</translation>
    </message>
    <message>
        <source>No Sidekiq process is running</source>
        <translation>没有正在运行的 Sidekiq 进程</translation>
    </message>
    <message>
        <source>Select processes in the table first</source>
        <translation>请先在表格中选择进程</translation>
    </message>
    <message>
        <source>Stop fetching new jobs; running jobs finish</source>
        <translation>停止获取新任务；正在运行的任务会完成</translation>
    </message>
    <message>
        <source>Shut the selected processes down</source>
        <translation>关闭所选进程</translation>
    </message>
    <message>
        <source>Quiet every listed process</source>
        <translation>静默列出的所有进程</translation>
    </message>
    <message>
        <source>Shut every listed process down</source>
        <translation>关闭列出的所有进程</translation>
    </message>
    <message>
        <source>%1, %2</source>
        <translation>%1，%2</translation>
    </message>
    <message numerus="yes">
        <source>%Ln process(es)</source>
        <translation>
            <numerusform>%Ln 个进程</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln job(s) running</source>
        <translation>
            <numerusform>%Ln 个任务正在运行</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 failed:</source>
        <translation>%1 失败：</translation>
    </message>
    <message>
        <source>Copy as command</source>
        <translation>复制为命令</translation>
    </message>
    <message>
        <source>Select processes first.</source>
        <translation>请先选择进程。</translation>
    </message>
    <message>
        <source>Cancel iteration</source>
        <translation>取消迭代</translation>
    </message>
    <message>
        <source>Select a running iterable job first</source>
        <translation>请先选择一个正在运行的可迭代任务</translation>
    </message>
    <message>
        <source>Only iterable jobs (Sidekiq 7.3 and later) can be cancelled; this one is not</source>
        <translation>只有可迭代任务（Sidekiq 7.3 及以上）可以取消；此任务不是</translation>
    </message>
    <message>
        <source>Cancelled already: it stops at its next state save</source>
        <translation>已取消：将在下次保存状态时停止</translation>
    </message>
    <message>
        <source>Ask the job to stop at its next state save (about every 5 s)</source>
        <translation>要求任务在下次保存状态时停止（约每 5 s 一次）</translation>
    </message>
    <message>
        <source>Cancel %1 (%2) on %3? It stops at its next state save and runs its on_cancel callback; this cannot be undone.</source>
        <translation>取消 %3 上的 %1 (%2)？它将在下次保存状态时停止并运行其 on_cancel 回调；此操作无法撤销。</translation>
    </message>
    <message>
        <source>Cancel failed:</source>
        <translation>取消失败：</translation>
    </message>
    <message>
        <source>%1 is cancelled; it stops at its next state save.</source>
        <translation>%1 已取消；将在下次保存状态时停止。</translation>
    </message>
    <message>
        <source>Filter running jobs by process, queue, job class, arguments or JID</source>
        <translation>按进程、队列、任务类、参数或 JID 筛选运行中的任务</translation>
    </message>
    <message numerus="yes">
        <source>%Ln shown</source>
        <translation>
            <numerusform>显示 %Ln 个</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>kiq::ui::ChartExport</name>
    <message>
        <source>Export as CSV…</source>
        <translation>导出为 CSV…</translation>
    </message>
    <message>
        <source>Export as CSV</source>
        <translation>导出为 CSV</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
</context>
<context>
    <name>kiq::ui::ClientCensusModel</name>
    <message>
        <source>not identified</source>
        <translation>未识别</translation>
    </message>
    <message>
        <source>%1 more</source>
        <translation>另外 %1 个</translation>
    </message>
    <message>
        <source>Connections waiting in a blocking command, such as Sidekiq&apos;s fetchers in BRPOP.</source>
        <translation>在阻塞命令中等待的连接，例如处于 BRPOP 的 Sidekiq 取件线程。</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>主机</translation>
    </message>
    <message>
        <source>Client library</source>
        <translation>客户端库</translation>
    </message>
    <message>
        <source>Sidekiq</source>
        <translation>Sidekiq</translation>
    </message>
    <message>
        <source>Connections</source>
        <translation>连接</translation>
    </message>
    <message>
        <source>Blocked</source>
        <translation>阻塞</translation>
    </message>
    <message>
        <source>Oldest</source>
        <translation>最久</translation>
    </message>
    <message>
        <source>Names</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>These clients sent no CLIENT SETINFO (Redis 7.2+), so their library and version are unknown. Sidekiq 6 (redis-rb 4) and every client on Redis before 7.2 look like this; Sidekiq 8.1.5+ identifies itself.</source>
        <translation>这些客户端未发送 CLIENT SETINFO（Redis 7.2+），因此其库和版本未知。Sidekiq 6（redis-rb 4）以及 Redis 7.2 之前的所有客户端都如此；Sidekiq 8.1.5+ 会标明自身。</translation>
    </message>
</context>
<context>
    <name>kiq::ui::ClientListModel</name>
    <message>
        <source>Id</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <source>Connected for</source>
        <translation>已连接</translation>
    </message>
    <message>
        <source>Idle</source>
        <translation>空闲</translation>
    </message>
    <message>
        <source>DB</source>
        <translation>DB</translation>
    </message>
    <message>
        <source>Last command</source>
        <translation>最后命令</translation>
    </message>
    <message>
        <source>Flags</source>
        <translation>标志</translation>
    </message>
</context>
<context>
    <name>kiq::ui::CommandPalette</name>
    <message>
        <source>Command palette</source>
        <translation>命令面板</translation>
    </message>
    <message>
        <source>Type an action, a deployment or a page…</source>
        <translation>输入操作、部署或页面…</translation>
    </message>
</context>
<context>
    <name>kiq::ui::ConnectionDialog</name>
    <message>
        <source>Enter the server&apos;s host name or address.</source>
        <translation>输入服务器的主机名或地址。</translation>
    </message>
    <message>
        <source>Ask for the password when connecting</source>
        <translation>连接时询问密码</translation>
    </message>
    <message>
        <source> ms</source>
        <translation> ms</translation>
    </message>
    <message>
        <source>&amp;Test connection</source>
        <translation>测试连接(&amp;T)</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>连接</translation>
    </message>
    <message>
        <source>Security</source>
        <translation>安全</translation>
    </message>
    <message>
        <source>Advanced</source>
        <translation>高级</translation>
    </message>
    <message>
        <source>Tag colour</source>
        <translation>标签颜色</translation>
    </message>
    <message>
        <source>redis://user:password@host:6379/0 or rediss://…</source>
        <translation>redis://user:password@host:6379/0 或 rediss://…</translation>
    </message>
    <message>
        <source>Fill in</source>
        <translation>填入</translation>
    </message>
    <message>
        <source>e.g. Billing production</source>
        <translation>例如 计费生产环境</translation>
    </message>
    <message>
        <source>none (e.g. myapp: for redis-namespace)</source>
        <translation>无（例如 redis-namespace 的 myapp:）</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>名称：</translation>
    </message>
    <message>
        <source>Environment:</source>
        <translation>环境：</translation>
    </message>
    <message>
        <source>URL:</source>
        <translation>URL：</translation>
    </message>
    <message>
        <source>Database:</source>
        <translation>数据库：</translation>
    </message>
    <message>
        <source>Namespace prefix:</source>
        <translation>命名空间前缀：</translation>
    </message>
    <message>
        <source>default</source>
        <translation>默认</translation>
    </message>
    <message>
        <source>not saved: asked when connecting</source>
        <translation>不保存：连接时询问</translation>
    </message>
    <message>
        <source>Authentication</source>
        <translation>认证</translation>
    </message>
    <message>
        <source>Username:</source>
        <translation>用户名：</translation>
    </message>
    <message>
        <source>Password:</source>
        <translation>密码：</translation>
    </message>
    <message>
        <source>none (CLIENT SETNAME is skipped)</source>
        <translation>无（跳过 CLIENT SETNAME）</translation>
    </message>
    <message>
        <source>Connect timeout:</source>
        <translation>连接超时：</translation>
    </message>
    <message>
        <source>Command timeout:</source>
        <translation>命令超时：</translation>
    </message>
    <message>
        <source>Connection attempts:</source>
        <translation>连接尝试次数：</translation>
    </message>
    <message>
        <source>First retry after:</source>
        <translation>首次重试间隔：</translation>
    </message>
    <message>
        <source>Client name:</source>
        <translation>客户端名称：</translation>
    </message>
    <message>
        <source>Cannot read this URL: %1</source>
        <translation>无法解析此 URL：%1</translation>
    </message>
    <message>
        <source>Testing %1…</source>
        <translation>正在测试 %1…</translation>
    </message>
    <message>
        <source>Connection failed: %1</source>
        <translation>连接失败：%1</translation>
    </message>
    <message>
        <source>Connected; PING answered in %1. INFO is not allowed for this user: %2</source>
        <translation>已连接；PING 响应用时 %1。该用户不允许使用 INFO：%2</translation>
    </message>
    <message>
        <source>Connected to Redis %1 (%2); round trip %3.</source>
        <translation>已连接到 Redis %1（%2）；往返 %3。</translation>
    </message>
    <message>
        <source>Read-only: writes need arming with a reason</source>
        <translation>只读：写入前需要填写原因并启用写入</translation>
    </message>
    <message>
        <source> min</source>
        <translation> min</translation>
    </message>
    <message>
        <source>Arm for:</source>
        <translation>启用时长：</translation>
    </message>
    <message>
        <source>Writes:</source>
        <translation>写入：</translation>
    </message>
    <message>
        <source>Production deployments always open read-only.</source>
        <translation>生产环境部署总是以只读方式打开。</translation>
    </message>
    <message>
        <source>Open this deployment read-only, as production is.</source>
        <translation>像生产环境一样以只读方式打开此部署。</translation>
    </message>
    <message>
        <source> entries</source>
        <translation> 条</translation>
    </message>
    <message>
        <source>The shared audit trail (the kiqdesk:audit stream in this deployment&apos;s Redis) keeps about this many entries; older ones are trimmed. About 1 KB each.</source>
        <translation>共享审计日志（此部署 Redis 中的 kiqdesk:audit 流）大约保留这么多条目，较旧的条目会被裁剪。每条约 1 KB。</translation>
    </message>
    <message>
        <source>Audit trail keeps about:</source>
        <translation>审计日志大约保留：</translation>
    </message>
    <message>
        <source>&amp;Diagnose…</source>
        <translation>诊断(&amp;D)…</translation>
    </message>
    <message>
        <source>Take the connection apart step by step and say what to fix</source>
        <translation>逐步检查连接并说明需要修复什么</translation>
    </message>
    <message>
        <source>Finding the step that fails…</source>
        <translation>正在查找失败的步骤…</translation>
    </message>
    <message>
        <source>Diagnose… shows every step.</source>
        <translation>“诊断…”会显示每个步骤。</translation>
    </message>
    <message>
        <source>As the environment: production 25%, staging 50%, else 100%</source>
        <translation>按环境：生产 25%，预发布 50%，其他 100%</translation>
    </message>
    <message>
        <source>%1% of Redis time</source>
        <translation>Redis 时间的 %1%</translation>
    </message>
    <message>
        <source>Unlimited (fastest, heaviest on other clients)</source>
        <translation>不限制（最快，对其他客户端影响最大）</translation>
    </message>
    <message>
        <source>Bulk actions, job index builds and the security audit&apos;s sample keep Redis busy at most this share of each second, so the apps sharing it keep their latency. They slow down further while the server answers late.</source>
        <translation>批量操作、作业索引构建和安全审计的抽样每秒最多占用 Redis 这一比例的时间，使共享它的应用保持其延迟。服务器响应变慢时会进一步减速。</translation>
    </message>
    <message>
        <source>Long operations may take:</source>
        <translation>长时间操作可占用：</translation>
    </message>
    <message>
        <source>Redis runs one command at a time: every other client waits while one of ours runs. Calls are sized by measured time to hold it about this long.</source>
        <translation>Redis 一次只执行一条命令：我们的命令运行时其他客户端都要等待。调用按实测时间划分，使每次大约占用这么长时间。</translation>
    </message>
    <message>
        <source>One call holds Redis about:</source>
        <translation>单次调用占用 Redis 约：</translation>
    </message>
    <message>
        <source>Post this deployment&apos;s alerts to a webhook (its URL comes from the source above)</source>
        <translation>将此部署的警报发送到 Webhook（其 URL 来自上面的来源）</translation>
    </message>
    <message>
        <source>Each alert as a JSON POST, for chat tools. The URL holds the tool&apos;s token: it is kept like a password, never in the profile file.</source>
        <translation>每条警报以 JSON POST 发送，供聊天工具使用。URL 含有该工具的令牌：它像密码一样保管，从不写入配置文件。</translation>
    </message>
</context>
<context>
    <name>kiq::ui::DailyHistoryChart</name>
    <message>
        <source>Processed</source>
        <translation>已处理</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Daily history (Sidekiq, UTC days)</source>
        <translation>每日历史（Sidekiq，UTC 日）</translation>
    </message>
    <message>
        <source>%1 (UTC): %2 processed, %3 failed</source>
        <translation>%1 (UTC)：已处理 %2，失败 %3</translation>
    </message>
</context>
<context>
    <name>kiq::ui::Deployment</name>
    <message>
        <source>Not connected</source>
        <translation>未连接</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <source>Reachable</source>
        <translation>可访问</translation>
    </message>
    <message>
        <source>Redis %1</source>
        <translation>Redis %1</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <source>arm writes with a reason first</source>
        <translation>请先填写原因并启用写入</translation>
    </message>
    <message>
        <source>%1. Try again (or press F5) to enter the password again.</source>
        <translation>%1。重试（或按 F5）以重新输入密码。</translation>
    </message>
    <message>
        <source>Server certificate</source>
        <translation>服务器证书</translation>
    </message>
    <message>
        <source>CA certificate</source>
        <translation>CA 证书</translation>
    </message>
    <message>
        <source>Client certificate</source>
        <translation>客户端证书</translation>
    </message>
    <message numerus="yes">
        <source>%1 “%2” expired %n day(s) ago (%3)</source>
        <translation>
            <numerusform>%1“%2”已于 %n 天前过期（%3）</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 “%2” expires today (%3)</source>
        <translation>%1“%2”今天过期（%3）</translation>
    </message>
    <message numerus="yes">
        <source>%1 “%2” expires in %n day(s) (%3)</source>
        <translation>
            <numerusform>%1“%2”将在 %n 天后过期（%3）</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>kiq::ui::DeploymentPage</name>
    <message>
        <source>This page has no write path.</source>
        <translation>此页面没有写入操作。</translation>
    </message>
    <message>
        <source>&lt;b&gt;Undo failed:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;撤销失败：&lt;/b&gt;%1</translation>
    </message>
    <message numerus="yes">
        <source>Put back %1 job(s), %2 already there</source>
        <translation>
            <numerusform>已放回 %1 个任务，%2 个已存在</numerusform>
        </translation>
    </message>
    <message>
        <source>Copied the command; replace the --arm placeholder with the reason before running it.</source>
        <translation>已复制命令；运行前请将 --arm 的占位符替换为原因。</translation>
    </message>
    <message>
        <source>Copied the command: %1</source>
        <translation>已复制命令：%1</translation>
    </message>
    <message>
        <source>Not permitted for user %1: needs %2</source>
        <translation>用户 %1 无权限：需要 %2</translation>
    </message>
    <message>
        <source>&lt;b&gt;Export failed:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;导出失败：&lt;/b&gt;%1</translation>
    </message>
    <message>
        <source>&lt;b&gt;Could not write %1:&lt;/b&gt; %2</source>
        <translation>&lt;b&gt;无法写入 %1：&lt;/b&gt;%2</translation>
    </message>
    <message>
        <source> · %1 no longer there</source>
        <translation> · %1 个已不存在</translation>
    </message>
    <message>
        <source> · arguments as they are (recorded in the audit trail)</source>
        <translation> · 参数保持原样（已记入审计记录）</translation>
    </message>
    <message>
        <source> · redacted: for reading, not for import</source>
        <translation> · 已脱敏：仅供阅读，不能导入</translation>
    </message>
    <message>
        <source>&lt;b&gt;Could not read %1:&lt;/b&gt; %2</source>
        <translation>&lt;b&gt;无法读取 %1：&lt;/b&gt;%2</translation>
    </message>
    <message>
        <source>%1 is a redacted export: its arguments are masked, so its jobs cannot be imported. Export them again with the arguments as they are.</source>
        <translation>%1 是已脱敏的导出：参数已被遮蔽，因此其任务无法导入。请以原样参数重新导出。</translation>
    </message>
    <message>
        <source>No jobs in %1%2</source>
        <translation>%1 中没有任务%2</translation>
    </message>
    <message>
        <source>Import jobs</source>
        <translation>导入任务</translation>
    </message>
    <message>
        <source>&lt;b&gt;Import failed:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;导入失败：&lt;/b&gt;%1</translation>
    </message>
    <message>
        <source>Job file</source>
        <translation>任务文件</translation>
    </message>
    <message>
        <source>Export jobs</source>
        <translation>导出任务</translation>
    </message>
    <message>
        <source>Job files (*.jsonl);;All files (*)</source>
        <translation>任务文件 (*.jsonl);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Export selected…</source>
        <translation>导出所选…</translation>
    </message>
    <message>
        <source>Export selected with arguments as they are…</source>
        <translation>以原样参数导出所选…</translation>
    </message>
    <message>
        <source>Byte-exact, for import elsewhere; recorded in the audit trail</source>
        <translation>逐字节一致，可在别处导入；记入审计记录</translation>
    </message>
    <message>
        <source>Import jobs…</source>
        <translation>导入任务…</translation>
    </message>
    <message numerus="yes">
        <source>Exported %1 job(s) to %2</source>
        <translation>
            <numerusform>已将 %1 个任务导出到 %2</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Import %1 job(s) from %2 into %3?</source>
        <translation>
            <numerusform>要从 %2 导入 %1 个任务到 %3 吗？</numerusform>
        </translation>
    </message>
    <message>
        <source>Lines that could not be read, left out: %1; the first: %2</source>
        <translation>无法读取而略过的行：%1；第一行：%2</translation>
    </message>
    <message numerus="yes">
        <source>Imported %1 job(s), %2 already there, %3 not jobs, %4 unreadable lines</source>
        <translation>
            <numerusform>已导入 %1 个任务，%2 个已存在，%3 个不是任务，%4 行无法读取</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>kiq::ui::DeploymentView</name>
    <message>
        <source>Connect…</source>
        <translation>连接…</translation>
    </message>
    <message>
        <source>&lt;b&gt;Warning:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;警告：&lt;/b&gt;%1</translation>
    </message>
    <message>
        <source>Try again…</source>
        <translation>重试…</translation>
    </message>
    <message>
        <source>Read-only</source>
        <translation>只读</translation>
    </message>
    <message>
        <source>Writes to this deployment are refused until you arm them with a reason.</source>
        <translation>在你填写原因并启用写入之前，对此部署的写入都会被拒绝。</translation>
    </message>
    <message>
        <source>Arm writes…</source>
        <translation>启用写入…</translation>
    </message>
    <message>
        <source>Allow writes for a while, with a reason</source>
        <translation>填写原因，在一段时间内允许写入</translation>
    </message>
    <message>
        <source>until disarmed</source>
        <translation>直到停用</translation>
    </message>
    <message>
        <source>%1:%2 left</source>
        <translation>剩余 %1:%2</translation>
    </message>
    <message>
        <source>Writes armed: %1</source>
        <translation>写入已启用：%1</translation>
    </message>
    <message>
        <source>Armed by %1 at %2: %3</source>
        <translation>%1 于 %2 启用写入：%3</translation>
    </message>
    <message>
        <source>Disarm</source>
        <translation>停用</translation>
    </message>
    <message>
        <source>Back to read-only now</source>
        <translation>立即恢复只读</translation>
    </message>
</context>
<context>
    <name>kiq::ui::DoctorDialog</name>
    <message>
        <source>Run &amp;again</source>
        <translation>重新运行(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Copy report</source>
        <translation>复制报告(&amp;C)</translation>
    </message>
    <message>
        <source>Connection doctor — %1</source>
        <translation>连接诊断 — %1</translation>
    </message>
    <message>
        <source>Sentinel</source>
        <translation>Sentinel</translation>
    </message>
    <message>
        <source>Name lookup</source>
        <translation>名称解析</translation>
    </message>
    <message>
        <source>TCP connection</source>
        <translation>TCP 连接</translation>
    </message>
    <message>
        <source>Certificate files</source>
        <translation>证书文件</translation>
    </message>
    <message>
        <source>TLS handshake</source>
        <translation>TLS 握手</translation>
    </message>
    <message>
        <source>Server certificate</source>
        <translation>服务器证书</translation>
    </message>
    <message>
        <source>Client certificate</source>
        <translation>客户端证书</translation>
    </message>
    <message>
        <source>Authentication</source>
        <translation>认证</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>服务器</translation>
    </message>
    <message>
        <source>Reading Sidekiq&apos;s data</source>
        <translation>读取 Sidekiq 数据</translation>
    </message>
    <message>
        <source>Writing (armed)</source>
        <translation>写入（已解锁）</translation>
    </message>
    <message>
        <source>Examining %1…</source>
        <translation>正在检查 %1…</translation>
    </message>
    <message>
        <source>The credential helper failed: %1</source>
        <translation>凭据助手失败：%1</translation>
    </message>
    <message>
        <source>No password is at hand: the doctor connects without it.</source>
        <translation>没有可用的密码：诊断将不带密码连接。</translation>
    </message>
    <message>
        <source>No Sentinel password is at hand: the doctor connects without it.</source>
        <translation>没有可用的 Sentinel 密码：诊断将不带密码连接。</translation>
    </message>
    <message>
        <source>No passphrase for the client key is at hand: the doctor loads the key without it.</source>
        <translation>没有客户端密钥的口令：诊断将不带口令加载密钥。</translation>
    </message>
    <message>
        <source>pass</source>
        <translation>通过</translation>
    </message>
    <message>
        <source>warn</source>
        <translation>警告</translation>
    </message>
    <message>
        <source>fail</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>skipped</source>
        <translation>已跳过</translation>
    </message>
    <message>
        <source>Fix:</source>
        <translation>修复：</translation>
    </message>
    <message numerus="yes">
        <source>%n step(s) failed</source>
        <translation>
            <numerusform>%n 个步骤失败</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>, %n warning(s)</source>
        <translation>
            <numerusform>，%n 个警告</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The connection works, with %n warning(s)</source>
        <translation>
            <numerusform>连接可用，有 %n 个警告</numerusform>
        </translation>
    </message>
    <message>
        <source>Every step passed</source>
        <translation>所有步骤均通过</translation>
    </message>
</context>
<context>
    <name>kiq::ui::Environment</name>
    <message>
        <source>Development</source>
        <translation>开发</translation>
    </message>
    <message>
        <source>Staging</source>
        <translation>预发布</translation>
    </message>
    <message>
        <source>Production</source>
        <translation>生产</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>其他</translation>
    </message>
</context>
<context>
    <name>kiq::ui::ExecutionHistogramChart</name>
    <message>
        <source>Jobs</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>Execution times of %1 (successful jobs)</source>
        <translation>%1 的执行时间（成功的任务）</translation>
    </message>
    <message>
        <source>Execution times</source>
        <translation>执行时间</translation>
    </message>
    <message>
        <source>over %1</source>
        <translation>超过 %1</translation>
    </message>
    <message>
        <source>under %1</source>
        <translation>低于 %1</translation>
    </message>
    <message numerus="yes">
        <source>%1: %2 job(s)</source>
        <translation>
            <numerusform>%1：%2 个任务</numerusform>
        </translation>
    </message>
    <message>
        <source>Execution time, up to</source>
        <translation>执行时间（上限）</translation>
    </message>
</context>
<context>
    <name>kiq::ui::FailureGroupModel</name>
    <message>
        <source>(no error)</source>
        <translation>（无错误）</translation>
    </message>
    <message>
        <source>Jobs</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>Message (normalised)</source>
        <translation>消息（已规范化）</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>First seen</source>
        <translation>首次出现</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>最后出现</translation>
    </message>
</context>
<context>
    <name>kiq::ui::FirstRunDialog</name>
    <message>
        <source>Welcome to Kiqdesk</source>
        <translation>欢迎使用 Kiqdesk</translation>
    </message>
    <message>
        <source>Kiqdesk watches Sidekiq job systems on Redis. There is no connection yet.</source>
        <translation>Kiqdesk 用于监视 Redis 上的 Sidekiq 任务系统。目前还没有连接。</translation>
    </message>
    <message>
        <source>Start a local sandbox</source>
        <translation>启动本地沙盒</translation>
    </message>
    <message>
        <source>A private Redis on this computer, gone when Kiqdesk quits. Nothing you do there touches a real deployment.</source>
        <translation>本机上的私有 Redis，Kiqdesk 退出时即消失。在其中的任何操作都不会影响真实部署。</translation>
    </message>
    <message>
        <source>Add a connection</source>
        <translation>添加连接</translation>
    </message>
    <message>
        <source>Connect to your own Redis: standalone, Sentinel or Cluster, with or without TLS.</source>
        <translation>连接到你自己的 Redis：单机、Sentinel 或 Cluster，可使用或不使用 TLS。</translation>
    </message>
    <message>
        <source>Not now</source>
        <translation>以后再说</translation>
    </message>
</context>
<context>
    <name>kiq::ui::FleetModel</name>
    <message>
        <source>Deployment</source>
        <translation>部署</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Enqueued</source>
        <translation>排队中</translation>
    </message>
    <message>
        <source>Max latency</source>
        <translation>最大延迟</translation>
    </message>
    <message>
        <source>Busy</source>
        <translation>运行中</translation>
    </message>
    <message>
        <source>Processes</source>
        <translation>进程</translation>
    </message>
    <message>
        <source>Retries</source>
        <translation>重试</translation>
    </message>
    <message>
        <source>Dead</source>
        <translation>死亡</translation>
    </message>
    <message>
        <source>Dead, last hour</source>
        <translation>死亡（最近 1 小时）</translation>
    </message>
    <message>
        <source>Redis memory</source>
        <translation>Redis 内存</translation>
    </message>
    <message>
        <source>Queue “%1”</source>
        <translation>队列“%1”</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>Reachable</source>
        <translation>可访问</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>未连接</translation>
    </message>
    <message>
        <source>no jobs waiting</source>
        <translation>没有等待中的任务</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <source>Jobs that died since %1 and are still in the dead set</source>
        <translation>自 %1 以来死亡且仍在死亡集合中的任务</translation>
    </message>
    <message>
        <source>Security</source>
        <translation>安全</translation>
    </message>
    <message>
        <source>auditing…</source>
        <translation>审计中…</translation>
    </message>
    <message>
        <source>%1 fail · %2 warn</source>
        <translation>%1 失败 · %2 警告</translation>
    </message>
    <message>
        <source>%1 fail</source>
        <translation>%1 失败</translation>
    </message>
    <message>
        <source>%1 warn</source>
        <translation>%1 警告</translation>
    </message>
    <message>
        <source>pass</source>
        <translation>通过</translation>
    </message>
    <message>
        <source>Not audited yet: Audit all, or the deployment&apos;s Security page</source>
        <translation>尚未审计：使用“全部审计”或部署的安全页面</translation>
    </message>
    <message>
        <source>Audited %1: %2 fail, %3 warn, %4 could not check, %5 pass</source>
        <translation>审计于 %1：%2 失败，%3 警告，%4 无法检查，%5 通过</translation>
    </message>
    <message>
        <source>Forecast</source>
        <translation>预测</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>measuring…</source>
        <translation>测量中…</translation>
    </message>
    <message>
        <source>All queues: %1 jobs/min arrive, %2 jobs/min done.</source>
        <translation>所有队列：每分钟到达 %1 个任务，完成 %2 个任务。</translation>
    </message>
    <message>
        <source>%1 of Sidekiq&apos;s cap of %2 dead jobs (%3 %)</source>
        <translation>Sidekiq 死亡任务上限 %2 中的 %1 (%3%)</translation>
    </message>
    <message>
        <source>At the cap: each new dead job drops the oldest.</source>
        <translation>已达上限：每个新的死亡任务都会挤掉最旧的一个。</translation>
    </message>
    <message numerus="yes">
        <source>About %1 dropped in the last hour (by the cap, or removed by hand).</source>
        <translation>
            <numerusform>过去一小时约有 %1 个被丢弃（因上限，或被手动移除）。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>kiq::ui::FleetSearchDialog</name>
    <message>
        <source>&amp;Search</source>
        <translation>搜索(&amp;S)</translation>
    </message>
    <message>
        <source>S&amp;top</source>
        <translation>停止(&amp;T)</translation>
    </message>
    <message>
        <source>Find in all deployments</source>
        <translation>在所有部署中查找</translation>
    </message>
    <message>
        <source>A JID, or text in a job&apos;s class, arguments or error</source>
        <translation>JID，或任务的类、参数或错误中的文本</translation>
    </message>
    <message>
        <source>Deployment</source>
        <translation>部署</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>进度</translation>
    </message>
    <message>
        <source>Hits</source>
        <translation>命中</translation>
    </message>
    <message>
        <source>Arguments and messages are matched as each deployment&apos;s redaction rules show them. Open a hit (double-click or Enter) to see it on its page.</source>
        <translation>参数和消息按各部署的脱敏规则显示的内容进行匹配。打开一个命中项（双击或回车）即可在其页面上查看。</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>未连接</translation>
    </message>
    <message>
        <source>The connection was reset</source>
        <translation>连接已重置</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>%1 (after %2 of %3 jobs)</source>
        <translation>%1（已检查 %3 个任务中的 %2 个）</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>正在开始…</translation>
    </message>
    <message>
        <source>Reading %1: %2 of %3 jobs</source>
        <translation>正在读取 %1：%3 个任务中的 %2 个</translation>
    </message>
    <message>
        <source>Stopped at %1 hits: narrow the search</source>
        <translation>已在 %1 个命中处停止：请缩小搜索范围</translation>
    </message>
    <message>
        <source>Done: %1 jobs in %2</source>
        <translation>完成：%2 内检查了 %1 个任务</translation>
    </message>
    <message>
        <source>Type a JID or some text, then Enter.</source>
        <translation>输入 JID 或一段文本，然后按回车。</translation>
    </message>
    <message numerus="yes">
        <source>%1 hit(s)</source>
        <translation>
            <numerusform>%1 个命中</numerusform>
        </translation>
    </message>
    <message>
        <source>Searching %1 of %2 deployments… %3 so far, %4 jobs examined</source>
        <translation>正在搜索 %2 个部署中的 %1 个… 目前 %3，已检查 %4 个任务</translation>
    </message>
    <message>
        <source>%1 in %2 jobs</source>
        <translation>%2 个任务中 %1</translation>
    </message>
</context>
<context>
    <name>kiq::ui::FleetSearchModel</name>
    <message>
        <source>Busy on %1</source>
        <translation>正在 %1 上运行</translation>
    </message>
    <message>
        <source>Queue %1</source>
        <translation>队列 %1</translation>
    </message>
    <message>
        <source>Scheduled</source>
        <translation>计划中</translation>
    </message>
    <message>
        <source>Retries</source>
        <translation>重试</translation>
    </message>
    <message>
        <source>Dead</source>
        <translation>死亡</translation>
    </message>
    <message>
        <source>Malformed: %1</source>
        <translation>格式错误：%1</translation>
    </message>
    <message>
        <source>Deployment</source>
        <translation>部署</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>位置</translation>
    </message>
    <message>
        <source>JID</source>
        <translation>JID</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>类</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>Arguments</source>
        <translation>参数</translation>
    </message>
</context>
<context>
    <name>kiq::ui::FleetView</name>
    <message>
        <source>Fleet overview</source>
        <translation>部署总览</translation>
    </message>
    <message numerus="yes">
        <source>Every deployment, refreshed every %n second(s). Double-click a row to open it.</source>
        <translation>
            <numerusform>所有部署，每 %n 秒刷新一次。双击一行即可打开。</numerusform>
        </translation>
    </message>
    <message>
        <source>Updated at %1</source>
        <translation>更新于 %1</translation>
    </message>
    <message>
        <source>Audit all</source>
        <translation>全部审计</translation>
    </message>
    <message>
        <source>Run the security audit of every connected deployment (reads only)</source>
        <translation>对每个已连接的部署运行安全审计（只读）</translation>
    </message>
</context>
<context>
    <name>kiq::ui::ForecastText</name>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 分钟</translation>
    </message>
    <message>
        <source>%1 h</source>
        <translation>%1 小时</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 小时 %2 分钟</translation>
    </message>
    <message>
        <source>%1 d</source>
        <translation>%1 天</translation>
    </message>
    <message>
        <source>over %1 SLO</source>
        <translation>超出 %1 SLO</translation>
    </message>
    <message>
        <source>breaches %1 SLO in ~%2</source>
        <translation>约 %2 后超出 %1 SLO</translation>
    </message>
    <message>
        <source>measuring…</source>
        <translation>测量中…</translation>
    </message>
    <message>
        <source>keeps up</source>
        <translation>处理及时</translation>
    </message>
    <message>
        <source>empty in ~%1</source>
        <translation>约 %1 后清空</translation>
    </message>
    <message>
        <source>growing %1/min</source>
        <translation>每分钟增长 %1</translation>
    </message>
    <message>
        <source>A forecast needs a few refreshes of history.</source>
        <translation>预测需要几次刷新的历史数据。</translation>
    </message>
    <message>
        <source>Empty.</source>
        <translation>为空。</translation>
    </message>
    <message>
        <source>Draining %1 jobs/min.</source>
        <translation>每分钟减少 %1 个任务。</translation>
    </message>
    <message>
        <source>Growing %1 jobs/min.</source>
        <translation>每分钟增加 %1 个任务。</translation>
    </message>
    <message>
        <source>Arrivals and completions about even.</source>
        <translation>到达与完成大致持平。</translation>
    </message>
    <message>
        <source>Latency %1, rising %2/min.</source>
        <translation>延迟 %1，每分钟上升 %2。</translation>
    </message>
    <message>
        <source>Latency %1, falling %2/min.</source>
        <translation>延迟 %1，每分钟下降 %2。</translation>
    </message>
    <message>
        <source>In 5 min: %1 · in 15 min: %2.</source>
        <translation>5 分钟后：%1 · 15 分钟后：%2。</translation>
    </message>
    <message>
        <source>Over its %1 SLO.</source>
        <translation>已超出其 %1 SLO。</translation>
    </message>
    <message>
        <source>Breaches the %1 SLO in ~%2.</source>
        <translation>约 %2 后超出 %1 SLO。</translation>
    </message>
</context>
<context>
    <name>kiq::ui::Formatting</name>
    <message>
        <source>%1 d %2 h</source>
        <translation>%1 天 %2 h</translation>
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
            <numerusform>%n 年</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 (clock skew or bad timestamp?)</source>
        <translation>%1（时钟偏差或时间戳有误？）</translation>
    </message>
</context>
<context>
    <name>kiq::ui::InFlightJobModel</name>
    <message>
        <source>Thread</source>
        <translation>线程</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>队列</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>JID</source>
        <translation>JID</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>开始时间</translation>
    </message>
    <message>
        <source>Running for</source>
        <translation>运行时长</translation>
    </message>
    <message>
        <source>Replay of %1 from %2 (%3), which failed with %4</source>
        <translation>重放自 %2 (%3) 的 %1，原作业因 %4 失败</translation>
    </message>
</context>
<context>
    <name>kiq::ui::IndexedJobBrowser</name>
    <message>
        <source>&lt;b&gt;Failures by cause&lt;/b&gt; (select one to filter the jobs to it)</source>
        <translation>&lt;b&gt;按原因分类的失败&lt;/b&gt;（选择一项即可筛选出对应的任务）</translation>
    </message>
</context>
<context>
    <name>kiq::ui::IndexedJobModel</name>
    <message>
        <source>(unreadable job)</source>
        <translation>（无法读取的任务）</translation>
    </message>
    <message>
        <source>Unreadable payload (open it to see why)</source>
        <translation>无法读取的负载（打开查看原因）</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
</context>
<context>
    <name>kiq::ui::JobActionLabel</name>
    <message>
        <source>Retry</source>
        <translation>重试</translation>
    </message>
    <message>
        <source>Enqueue now</source>
        <translation>立即入队</translation>
    </message>
    <message>
        <source>Move</source>
        <translation>移动</translation>
    </message>
    <message>
        <source>Kill</source>
        <translation>杀死</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
</context>
<context>
    <name>kiq::ui::JobInspector</name>
    <message>
        <source>Copy JID</source>
        <translation>复制 JID</translation>
    </message>
    <message>
        <source>Copy payload</source>
        <translation>复制负载</translation>
    </message>
    <message>
        <source>&lt;i&gt;This job is no longer in the set (retried, deleted or moved since it was listed).&lt;/i&gt;</source>
        <translation>&lt;i&gt;此任务已不在集合中（列出后已被重试、删除或移动）。&lt;/i&gt;</translation>
    </message>
    <message>
        <source>&lt;i&gt;Select a job to see it in full.&lt;/i&gt;</source>
        <translation>&lt;i&gt;选择一个任务以查看完整内容。&lt;/i&gt;</translation>
    </message>
    <message numerus="yes">
        <source>%n s</source>
        <translation>
            <numerusform>%n s</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n min</source>
        <translation>
            <numerusform>%n min</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n h</source>
        <translation>
            <numerusform>%n h</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n d</source>
        <translation>
            <numerusform>%n 天</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <source>%1 ago</source>
        <translation>%1 前</translation>
    </message>
    <message>
        <source>in %1</source>
        <translation>%1 后</translation>
    </message>
    <message>
        <source>This payload could not be read:</source>
        <translation>无法读取此负载：</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>类</translation>
    </message>
    <message>
        <source>JID</source>
        <translation>JID</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>队列</translation>
    </message>
    <message>
        <source>Score time</source>
        <translation>分数时间</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <source>Enqueued</source>
        <translation>排队中</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Retried</source>
        <translation>重试时间</translation>
    </message>
    <message>
        <source>Retry count</source>
        <translation>重试次数</translation>
    </message>
    <message>
        <source>Arguments</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>Backtrace</source>
        <translation>调用栈</translation>
    </message>
    <message>
        <source>Could not decode: %1</source>
        <translation>无法解码：%1</translation>
    </message>
    <message>
        <source>Payload</source>
        <translation>负载</translation>
    </message>
    <message>
        <source>Decoding…</source>
        <translation>正在解码…</translation>
    </message>
    <message>
        <source>Reveal</source>
        <translation>显示原文</translation>
    </message>
    <message>
        <source>Show this job&apos;s arguments as they are, without the profile&apos;s redaction rules. Recorded in the audit trail.</source>
        <translation>不经配置的脱敏规则，按原样显示此任务的参数。此操作会记录在审计日志中。</translation>
    </message>
    <message>
        <source>succeeded %1</source>
        <translation>成功 %1</translation>
    </message>
    <message>
        <source>failed %1:</source>
        <translation>失败 %1：</translation>
    </message>
    <message>
        <source>no outcome noted on this machine yet</source>
        <translation>本机尚未记录结果</translation>
    </message>
    <message>
        <source>Replay of</source>
        <translation>重放自</translation>
    </message>
    <message>
        <source>%1 from %2 (%3)</source>
        <translation>来自 %2 (%3) 的 %1</translation>
    </message>
    <message>
        <source>Original failure</source>
        <translation>原始失败</translation>
    </message>
    <message>
        <source>This run</source>
        <translation>本次运行</translation>
    </message>
    <message>
        <source>Replayed</source>
        <translation>已重放</translation>
    </message>
    <message>
        <source>into %1, queue %2, %3 as %4: %5</source>
        <translation>到 %1，队列 %2，%3，作为 %4：%5</translation>
    </message>
</context>
<context>
    <name>kiq::ui::JobPageStatus</name>
    <message numerus="yes">
        <source>%1 match(es) the filter</source>
        <translation>
            <numerusform>%1 个匹配过滤条件</numerusform>
        </translation>
    </message>
    <message>
        <source> · %1 more not checked: their args are over %2 bytes or their error message over %3 bytes, longer than the index keeps (%4)</source>
        <translation> · 另有 %1 个未检查：其参数超过 %2 字节或错误消息超过 %3 字节，超出索引保存的长度（%4）</translation>
    </message>
</context>
<context>
    <name>kiq::ui::JobSetPage</name>
    <message>
        <source>Next retry</source>
        <translation>下次重试</translation>
    </message>
    <message>
        <source>Died</source>
        <translation>死亡时间</translation>
    </message>
    <message>
        <source>Runs at</source>
        <translation>运行时间</translation>
    </message>
    <message>
        <source>Reload</source>
        <translation>重新加载</translation>
    </message>
    <message>
        <source>Enqueue now</source>
        <translation>立即入队</translation>
    </message>
    <message>
        <source>Retry now</source>
        <translation>立即重试</translation>
    </message>
    <message>
        <source>Move to queue…</source>
        <translation>移动到队列…</translation>
    </message>
    <message>
        <source>Kill</source>
        <translation>杀死</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>All matching…</source>
        <translation>所有匹配项…</translation>
    </message>
    <message>
        <source>Act on every job in the set that matches the filter, not only the selected rows</source>
        <translation>对集合中所有匹配过滤条件的任务执行操作，而不仅是所选行</translation>
    </message>
    <message>
        <source>%1 all in group…</source>
        <translation>%1：分组中的全部…</translation>
    </message>
    <message>
        <source>Focus the filter</source>
        <translation>聚焦过滤器</translation>
    </message>
    <message>
        <source>Retries</source>
        <translation>重试</translation>
    </message>
    <message>
        <source>Dead</source>
        <translation>死亡</translation>
    </message>
    <message>
        <source>Scheduled</source>
        <translation>计划中</translation>
    </message>
    <message>
        <source>&lt;b&gt;Could not read the job:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;无法读取任务：&lt;/b&gt;%1</translation>
    </message>
    <message>
        <source>%1 jobs are selected; above %2, use “All matching…” with a filter instead.</source>
        <translation>已选择 %1 个任务；超过 %2 个时，请改用过滤条件配合“所有匹配项…”。</translation>
    </message>
    <message>
        <source>Move to queue</source>
        <translation>移动到队列</translation>
    </message>
    <message>
        <source>Queue name:</source>
        <translation>队列名称：</translation>
    </message>
    <message numerus="yes">
        <source>%1 %n selected job(s) in %2?</source>
        <translation>
            <numerusform>对 %2 中所选的 %n 个任务执行“%1”？</numerusform>
        </translation>
    </message>
    <message>
        <source>Working…</source>
        <translation>正在执行…</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1 failed:&lt;/b&gt; %2</source>
        <translation>&lt;b&gt;%1 失败：&lt;/b&gt;%2</translation>
    </message>
    <message>
        <source>%1: %2 done, %3 already gone, %4 skipped</source>
        <translation>%1：完成 %2，已不存在 %3，跳过 %4</translation>
    </message>
    <message>
        <source>Fix the filter first: “all matching” uses it.</source>
        <translation>请先修正过滤条件：“所有匹配项”会用到它。</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>未连接。</translation>
    </message>
    <message>
        <source>&lt;b&gt;Could not read the set:&lt;/b&gt; %1 (retrying)</source>
        <translation>&lt;b&gt;无法读取集合：&lt;/b&gt;%1（正在重试）</translation>
    </message>
    <message>
        <source>Reload (F5)</source>
        <translation>重新加载 (F5)</translation>
    </message>
    <message>
        <source>The filter no longer names the selected failure group: select the group again.</source>
        <translation>过滤条件已不再对应所选的失败分组：请重新选择分组。</translation>
    </message>
    <message>
        <source>%1: %2 (%3)</source>
        <translation>%1：%2（%3）</translation>
    </message>
    <message>
        <source>Failure group: %1</source>
        <translation>失败分组：%1</translation>
    </message>
    <message>
        <source>No filter: every job in %1.</source>
        <translation>无过滤条件：%1 中的所有任务。</translation>
    </message>
    <message>
        <source>Filter: %1</source>
        <translation>过滤器：%1</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>未连接</translation>
    </message>
    <message>
        <source>Select jobs in the table first</source>
        <translation>请先在表格中选择任务</translation>
    </message>
    <message>
        <source>Select a failure group first</source>
        <translation>请先选择一个失败分组</translation>
    </message>
    <message>
        <source>Fix the filter first: “all matching” uses it</source>
        <translation>请先修正过滤条件：“所有匹配项”会用到它</translation>
    </message>
    <message numerus="yes">
        <source>Indexing the set… %1 of %2 job(s) read (%3%)</source>
        <translation>
            <numerusform>正在索引集合… 已读取 %1 / %2 个任务（%3%）</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Indexing the set… %1 job(s) read so far</source>
        <translation>
            <numerusform>正在索引集合… 目前已读取 %1 个任务</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 job(s) in the set</source>
        <translation>
            <numerusform>集合中有 %1 个任务</numerusform>
        </translation>
    </message>
    <message>
        <source>Restoring…</source>
        <translation>正在恢复…</translation>
    </message>
    <message>
        <source>“All matching…” checks them</source>
        <translation>“所有匹配项…”会检查它们</translation>
    </message>
    <message>
        <source>Copy as command</source>
        <translation>复制为命令</translation>
    </message>
    <message>
        <source>List the matching jobs</source>
        <translation>列出匹配的任务</translation>
    </message>
    <message>
        <source>Selected jobs</source>
        <translation>所选任务</translation>
    </message>
    <message>
        <source>All matching the filter</source>
        <translation>所有匹配过滤器的任务</translation>
    </message>
    <message>
        <source>Copy the kiqdesk-cli command that does an action of this page</source>
        <translation>复制执行本页某个操作的 kiqdesk-cli 命令</translation>
    </message>
    <message>
        <source>Select jobs in the table first.</source>
        <translation>请先在表格中选择任务。</translation>
    </message>
    <message>
        <source>Select the jobs to export first.</source>
        <translation>请先选择要导出的任务。</translation>
    </message>
    <message>
        <source>Replay in…</source>
        <translation>在其他部署中重放…</translation>
    </message>
    <message>
        <source>Replay group in…</source>
        <translation>在其他部署中重放该组…</translation>
    </message>
    <message>
        <source>Copy the selected jobs into a development or staging deployment and run them there</source>
        <translation>将所选作业复制到开发或预发布部署中并在那里运行</translation>
    </message>
</context>
<context>
    <name>kiq::ui::MainWindow</name>
    <message>
        <source>Deployments</source>
        <translation>部署</translation>
    </message>
    <message>
        <source>New connection (%1)</source>
        <translation>新建连接（%1）</translation>
    </message>
    <message>
        <source>No connection yet.</source>
        <translation>还没有连接。</translation>
    </message>
    <message>
        <source>Add a connection…</source>
        <translation>添加连接…</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;New connection…</source>
        <translation>新建连接(&amp;N)…</translation>
    </message>
    <message>
        <source>&amp;Edit connection…</source>
        <translation>编辑连接(&amp;E)…</translation>
    </message>
    <message>
        <source>&amp;Remove connection</source>
        <translation>移除连接(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>刷新(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Theme</source>
        <translation>主题(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;System</source>
        <translation>系统(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Light</source>
        <translation>浅色(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Dark</source>
        <translation>深色(&amp;D)</translation>
    </message>
    <message>
        <source>Switch to deployment %1</source>
        <translation>切换到部署 %1</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>键盘快捷键(&amp;K)</translation>
    </message>
    <message>
        <source>&amp;About Kiqdesk</source>
        <translation>关于 Kiqdesk(&amp;A)</translation>
    </message>
    <message>
        <source>the default user</source>
        <translation>默认用户</translation>
    </message>
    <message>
        <source>Connect to %1</source>
        <translation>连接到 %1</translation>
    </message>
    <message>
        <source>%1 on %2</source>
        <translation>%2 上的 %1</translation>
    </message>
    <message>
        <source>the sentinels of %1</source>
        <translation>%1 的哨兵</translation>
    </message>
    <message>
        <source>New connection</source>
        <translation>新建连接</translation>
    </message>
    <message>
        <source>Edit %1</source>
        <translation>编辑 %1</translation>
    </message>
    <message>
        <source>Remove connection</source>
        <translation>移除连接</translation>
    </message>
    <message>
        <source>Remove “%1” from Kiqdesk? The Redis server and its data are not touched.</source>
        <translation>从 Kiqdesk 中移除“%1”？Redis 服务器及其数据不受影响。</translation>
    </message>
    <message>
        <source>Ctrl+1 … Ctrl+9</source>
        <translation>Ctrl+1 … Ctrl+9</translation>
    </message>
    <message>
        <source>Switch to deployment 1 to 9</source>
        <translation>切换到部署 1 至 9</translation>
    </message>
    <message>
        <source>About Kiqdesk</source>
        <translation>关于 Kiqdesk</translation>
    </message>
    <message>
        <source>&lt;b&gt;Kiqdesk&lt;/b&gt; %1&lt;br&gt;A desktop console for Sidekiq job systems on Redis.</source>
        <translation>&lt;b&gt;Kiqdesk&lt;/b&gt; %1&lt;br&gt;Redis 上 Sidekiq 任务系统的桌面控制台。</translation>
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
        <translation>全部部署</translation>
    </message>
    <message>
        <source>Fleet overview: every deployment at a glance (%1)</source>
        <translation>部署总览：一眼看到所有部署（%1）</translation>
    </message>
    <message>
        <source>&amp;Fleet overview</source>
        <translation>部署总览(&amp;F)</translation>
    </message>
    <message>
        <source>R</source>
        <translation>R</translation>
    </message>
    <message>
        <source>Retry the selected jobs (Scheduled: enqueue now)</source>
        <translation>重试所选任务（计划中：立即入队）</translation>
    </message>
    <message>
        <source>Del</source>
        <translation>Del</translation>
    </message>
    <message>
        <source>Delete the selected jobs</source>
        <translation>删除所选任务</translation>
    </message>
    <message>
        <source>Ctrl+F</source>
        <translation>Ctrl+F</translation>
    </message>
    <message>
        <source>Focus the job filter</source>
        <translation>聚焦任务过滤器</translation>
    </message>
    <message>
        <source>Fleet overview — Kiqdesk</source>
        <translation>部署总览 — Kiqdesk</translation>
    </message>
    <message>
        <source>Next page</source>
        <translation>下一页</translation>
    </message>
    <message>
        <source>Previous page</source>
        <translation>上一页</translation>
    </message>
    <message>
        <source>Next tab in the page</source>
        <translation>页面中的下一个标签页</translation>
    </message>
    <message>
        <source>Previous tab in the page</source>
        <translation>页面中的上一个标签页</translation>
    </message>
    <message>
        <source>There is no connection yet</source>
        <translation>还没有连接</translation>
    </message>
    <message>
        <source>Select a connection in the sidebar first</source>
        <translation>请先在侧边栏中选择一个连接</translation>
    </message>
    <message>
        <source>Edit the selected connection</source>
        <translation>编辑所选连接</translation>
    </message>
    <message>
        <source>Remove the selected connection from Kiqdesk</source>
        <translation>从 Kiqdesk 中移除所选连接</translation>
    </message>
    <message>
        <source>Tab, Shift+Tab</source>
        <translation>Tab, Shift+Tab</translation>
    </message>
    <message>
        <source>Next or previous control (a table is one stop: arrows move inside it)</source>
        <translation>下一个或上一个控件（表格算一站：表格内用方向键移动）</translation>
    </message>
    <message>
        <source>M</source>
        <translation>M</translation>
    </message>
    <message>
        <source>Move the selected jobs to a queue</source>
        <translation>将所选任务移动到队列</translation>
    </message>
    <message>
        <source>K</source>
        <translation>K</translation>
    </message>
    <message>
        <source>Kill the selected jobs (Retries, Scheduled)</source>
        <translation>杀死所选任务（重试、计划中）</translation>
    </message>
    <message>
        <source>Shift+R</source>
        <translation>Shift+R</translation>
    </message>
    <message>
        <source>Retry all in the selected failure group</source>
        <translation>重试所选失败分组中的全部任务</translation>
    </message>
    <message>
        <source>Shift+Del</source>
        <translation>Shift+Del</translation>
    </message>
    <message>
        <source>Delete all in the selected failure group</source>
        <translation>删除所选失败分组中的全部任务</translation>
    </message>
    <message>
        <source>Takes effect after restart</source>
        <translation>重启后生效</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>系统语言</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>E&amp;xport profiles…</source>
        <translation>导出配置(&amp;X)…</translation>
    </message>
    <message>
        <source>&amp;Import profiles…</source>
        <translation>导入配置(&amp;I)…</translation>
    </message>
    <message>
        <source>Profiles travel without their secrets: only where each comes from</source>
        <translation>配置在传递时不含密钥：只保留每个密钥的来源</translation>
    </message>
    <message>
        <source>Export profiles</source>
        <translation>导出配置</translation>
    </message>
    <message>
        <source>Kiqdesk profiles (*.json)</source>
        <translation>Kiqdesk 配置 (*.json)</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n profile(s) to %1</source>
        <translation>
            <numerusform>已将 %n 个配置导出到 %1</numerusform>
        </translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <source>Import profiles</source>
        <translation>导入配置</translation>
    </message>
    <message>
        <source>Kiqdesk profiles (*.json);;All files (*)</source>
        <translation>Kiqdesk 配置 (*.json);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Could not import %1: %2</source>
        <translation>无法导入 %1：%2</translation>
    </message>
    <message>
        <source>New: %1</source>
        <translation>新增：%1</translation>
    </message>
    <message>
        <source>Replaced: %1 (%2)</source>
        <translation>替换：%1（%2）</translation>
    </message>
    <message>
        <source>Unchanged: %1</source>
        <translation>未更改：%1</translation>
    </message>
    <message>
        <source>Every profile in %1 is saved already.</source>
        <translation>%1 中的所有配置均已保存。</translation>
    </message>
    <message numerus="yes">
        <source>Import %n profile(s) from %1?</source>
        <translation>
            <numerusform>要从 %1 导入 %n 个配置吗？</numerusform>
        </translation>
    </message>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>&amp;Diagnose connection…</source>
        <translation>诊断连接(&amp;D)…</translation>
    </message>
    <message>
        <source>Take the selected connection apart step by step: DNS, TCP, TLS, certificates, AUTH, permissions</source>
        <translation>逐步检查所选连接：DNS、TCP、TLS、证书、AUTH、权限</translation>
    </message>
    <message>
        <source>&amp;Command palette…</source>
        <translation>命令面板(&amp;C)…</translation>
    </message>
    <message>
        <source>Deployment: %1</source>
        <translation>部署：%1</translation>
    </message>
    <message>
        <source>Page: %1</source>
        <translation>页面：%1</translation>
    </message>
    <message>
        <source>Find in &amp;all deployments…</source>
        <translation>在所有部署中查找(&amp;A)…</translation>
    </message>
    <message>
        <source>Incident &amp;snapshot…</source>
        <translation>事故快照(&amp;S)…</translation>
    </message>
    <message>
        <source>Last 15 minutes</source>
        <translation>最近 15 分钟</translation>
    </message>
    <message>
        <source>Last hour</source>
        <translation>最近 1 小时</translation>
    </message>
    <message>
        <source>Last 6 hours</source>
        <translation>最近 6 小时</translation>
    </message>
    <message>
        <source>Last 24 hours</source>
        <translation>最近 24 小时</translation>
    </message>
    <message>
        <source>Incident snapshot</source>
        <translation>事故快照</translation>
    </message>
    <message>
        <source>Counters, failures, slow log and audit entries of:</source>
        <translation>以下时间段的计数器、失败、慢日志和审计条目：</translation>
    </message>
    <message>
        <source>Save incident snapshot</source>
        <translation>保存事故快照</translation>
    </message>
    <message>
        <source>Compressed archives (*.tar.gz)</source>
        <translation>压缩归档 (*.tar.gz)</translation>
    </message>
    <message>
        <source>Taking the incident snapshot of %1…</source>
        <translation>正在生成 %1 的事故快照…</translation>
    </message>
    <message>
        <source>The incident snapshot was not written: %1</source>
        <translation>事故快照未写入：%1</translation>
    </message>
    <message>
        <source>Incident snapshot written to %1</source>
        <translation>事故快照已写入 %1</translation>
    </message>
    <message>
        <source>Incident snapshot written to %1, without: %2</source>
        <translation>事故快照已写入 %1，未包含：%2</translation>
    </message>
    <message>
        <source>Counters, charts, failure groups, processes, INFO, slow log, clients, audit entries and health checks of the selected connection, redacted, in one .tar.gz</source>
        <translation>所选连接的计数器、图表、失败分组、进程、INFO、慢日志、客户端、审计条目和健康检查，经脱敏后打包为一个 .tar.gz</translation>
    </message>
    <message>
        <source>Acknowledge</source>
        <translation>确认</translation>
    </message>
    <message>
        <source>Snooze 1 hour</source>
        <translation>暂停提醒 1 小时</translation>
    </message>
    <message>
        <source>Alert webhook failed: %1</source>
        <translation>警报 Webhook 失败：%1</translation>
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
        <translation>成功任务的平均执行时间</translation>
    </message>
    <message>
        <source>Job class</source>
        <translation>任务类</translation>
    </message>
    <message>
        <source>Processed</source>
        <translation>已处理</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Failure rate</source>
        <translation>失败率</translation>
    </message>
    <message>
        <source>Mean time</source>
        <translation>平均时间</translation>
    </message>
    <message>
        <source>Total time</source>
        <translation>总时间</translation>
    </message>
</context>
<context>
    <name>kiq::ui::MetricsPage</name>
    <message>
        <source>Executions</source>
        <translation>执行次数</translation>
    </message>
    <message numerus="yes">
        <source>Last %n hour(s)</source>
        <translation>
            <numerusform>最近 %n 小时</numerusform>
        </translation>
    </message>
    <message>
        <source>Filter by job class</source>
        <translation>按任务类过滤</translation>
    </message>
    <message>
        <source>Processed</source>
        <translation>已处理</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Mean time</source>
        <translation>平均时间</translation>
    </message>
    <message>
        <source>Jobs</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>&amp;Period:</source>
        <translation>时间段(&amp;P):</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>未连接。</translation>
    </message>
    <message>
        <source>Metrics</source>
        <translation>指标</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>No job metrics in this period. Sidekiq writes them from version 7.0 on, for jobs that ran; no Sidekiq process is running here.</source>
        <translation>此时间段内没有任务指标。Sidekiq 从 7.0 版起为已运行的任务写入指标；这里没有正在运行的 Sidekiq 进程。</translation>
    </message>
    <message>
        <source>No job metrics in this period. Sidekiq writes them from version 7.0 on, for jobs that ran; the processes here run Sidekiq %1.</source>
        <translation>此时间段内没有任务指标。Sidekiq 从 7.0 版起为已运行的任务写入指标；这里的进程运行的是 Sidekiq %1。</translation>
    </message>
    <message numerus="yes">
        <source>Sidekiq %1 metrics, %2 to %3, in %n-minute buckets.</source>
        <translation>
            <numerusform>Sidekiq %1 指标，%2 至 %3，每 %n 分钟一个区间。</numerusform>
        </translation>
    </message>
    <message>
        <source>Sidekiq 7 keeps metrics for 8 hours: showing those.</source>
        <translation>Sidekiq 7 只保留 8 小时的指标：显示的是这些。</translation>
    </message>
    <message numerus="yes">
        <source>%n deploy(s) marked.</source>
        <translation>
            <numerusform>已标记 %n 次发布。</numerusform>
        </translation>
    </message>
    <message>
        <source>Executions of %1</source>
        <translation>%1 的执行次数</translation>
    </message>
    <message>
        <source>Sidekiq keeps execution-time histograms for 8 hours: choose 8 hours or less</source>
        <translation>Sidekiq 只保留 8 小时的执行时间直方图：请选择 8 小时或更短</translation>
    </message>
    <message>
        <source>Execution times: %1</source>
        <translation>执行时间：%1</translation>
    </message>
</context>
<context>
    <name>kiq::ui::OverviewPage</name>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Processed</source>
        <translation>已处理</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Enqueued</source>
        <translation>排队中</translation>
    </message>
    <message>
        <source>Scheduled</source>
        <translation>计划中</translation>
    </message>
    <message>
        <source>Retries</source>
        <translation>重试</translation>
    </message>
    <message>
        <source>Dead</source>
        <translation>死亡</translation>
    </message>
    <message>
        <source>Processes</source>
        <translation>进程</translation>
    </message>
    <message>
        <source>Busy</source>
        <translation>运行中</translation>
    </message>
    <message>
        <source>Default queue latency</source>
        <translation>默认队列延迟</translation>
    </message>
    <message>
        <source>Throughput</source>
        <translation>吞吐量</translation>
    </message>
    <message>
        <source>Enqueued and busy</source>
        <translation>排队中与运行中</translation>
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
        <translation>页面可见时的重新加载间隔</translation>
    </message>
    <message>
        <source>Last 10 minutes</source>
        <translation>最近 10 分钟</translation>
    </message>
    <message>
        <source>Last hour</source>
        <translation>最近 1 小时</translation>
    </message>
    <message>
        <source>Last 6 hours</source>
        <translation>最近 6 小时</translation>
    </message>
    <message>
        <source>Last 24 hours</source>
        <translation>最近 24 小时</translation>
    </message>
    <message>
        <source>Processed/s</source>
        <translation>已处理/s</translation>
    </message>
    <message>
        <source>Failed/s</source>
        <translation>失败/s</translation>
    </message>
    <message>
        <source>jobs/s</source>
        <translation>任务/s</translation>
    </message>
    <message>
        <source>enqueued</source>
        <translation>排队中</translation>
    </message>
    <message>
        <source>busy</source>
        <translation>运行中</translation>
    </message>
    <message>
        <source>Memory (MiB)</source>
        <translation>内存 (MiB)</translation>
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
        <translation>刷新间隔</translation>
    </message>
    <message>
        <source>Overview</source>
        <translation>概览</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>未连接。</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>%1/s</source>
        <translation>%1/s</translation>
    </message>
    <message numerus="yes">
        <source>%n queue(s)</source>
        <translation>
            <numerusform>%n 个队列</numerusform>
        </translation>
    </message>
    <message>
        <source>Updated at %1</source>
        <translation>更新于 %1</translation>
    </message>
    <message>
        <source>empty</source>
        <translation>空</translation>
    </message>
    <message>
        <source>%1 · Redis memory and commands/s: %2</source>
        <translation>%1 · Redis 内存和命令/秒：%2</translation>
    </message>
</context>
<context>
    <name>kiq::ui::PasswordPrompt</name>
    <message>
        <source>Password for %1:</source>
        <translation>%1 的密码：</translation>
    </message>
    <message>
        <source>Passphrase of the client key %1:</source>
        <translation>客户端密钥 %1 的口令：</translation>
    </message>
    <message>
        <source>Webhook URL for the alerts of %1:</source>
        <translation>%1 警报的 Webhook URL：</translation>
    </message>
</context>
<context>
    <name>kiq::ui::PathField</name>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>PEM files (*.pem *.crt *.cer *.key);;All files (*)</source>
        <translation>PEM 文件 (*.pem *.crt *.cer *.key);;所有文件 (*)</translation>
    </message>
</context>
<context>
    <name>kiq::ui::ProcessListModel</name>
    <message>
        <source>%1 (quiet)</source>
        <translation>%1（静默）</translation>
    </message>
    <message>
        <source>no heartbeat</source>
        <translation>无心跳</translation>
    </message>
    <message numerus="yes">
        <source>%n s ago</source>
        <translation>
            <numerusform>%n 秒前</numerusform>
        </translation>
    </message>
    <message>
        <source>No heartbeat for a minute: the process may have crashed.</source>
        <translation>一分钟没有心跳：该进程可能已崩溃。</translation>
    </message>
    <message>
        <source>Process</source>
        <translation>进程</translation>
    </message>
    <message>
        <source>Tag</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <source>Threads</source>
        <translation>线程</translation>
    </message>
    <message>
        <source>Busy</source>
        <translation>运行中</translation>
    </message>
    <message>
        <source>Queues</source>
        <translation>队列</translation>
    </message>
    <message>
        <source>RSS</source>
        <translation>RSS</translation>
    </message>
    <message>
        <source>Last beat</source>
        <translation>最后心跳</translation>
    </message>
    <message numerus="yes">
        <source>Capsule %1: %n thread(s), %2: %3</source>
        <translation>
            <numerusform>胶囊 %1：%n 个线程，%2：%3</numerusform>
        </translation>
    </message>
    <message>
        <source>Sidekiq reports its version from 7.0.2 on: this is 6.x, or 7.0.0 or 7.0.1</source>
        <translation>Sidekiq 从 7.0.2 起才报告版本：这是 6.x、7.0.0 或 7.0.1</translation>
    </message>
</context>
<context>
    <name>kiq::ui::ProfileListModel</name>
    <message>
        <source>Sidekiq deletes a profile a day after the job ran.</source>
        <translation>Sidekiq 会在任务运行一天后删除性能分析。</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>开始时间</translation>
    </message>
    <message>
        <source>Elapsed</source>
        <translation>耗时</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>Expires in</source>
        <translation>剩余有效期</translation>
    </message>
    <message>
        <source>JID</source>
        <translation>JID</translation>
    </message>
    <message>
        <source>Token</source>
        <translation>令牌</translation>
    </message>
</context>
<context>
    <name>kiq::ui::ProfilesPage</name>
    <message>
        <source>&amp;Save profile…</source>
        <translation>保存性能分析(&amp;S)…</translation>
    </message>
    <message>
        <source>Save profile…</source>
        <translation>保存性能分析…</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>未连接。</translation>
    </message>
    <message>
        <source>Profiles</source>
        <translation>性能分析</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>No job profiles. Sidekiq 8 profiles a job pushed with &quot;profile&quot; set and keeps the profile for a day.</source>
        <translation>没有任务性能分析。Sidekiq 8 会对设置了 &quot;profile&quot; 的任务进行性能分析，并保留一天。</translation>
    </message>
    <message numerus="yes">
        <source>%1 profile(s), newest first.</source>
        <translation>
            <numerusform>%1 个性能分析，最新的在前。</numerusform>
        </translation>
    </message>
    <message>
        <source>Only the newest %1 are listed.</source>
        <translation>仅列出最新的 %1 个。</translation>
    </message>
    <message numerus="yes">
        <source>%1 expired profile(s) not shown (Sidekiq removes them; this page does not write).</source>
        <translation>
            <numerusform>%1 个已过期的性能分析未显示（由 Sidekiq 删除；此页面不写入）。</numerusform>
        </translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>未连接</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>正在保存…</translation>
    </message>
    <message>
        <source>Select a profile first</source>
        <translation>请先选择一个性能分析</translation>
    </message>
    <message>
        <source>Write the profile to a file for the Firefox Profiler; nothing is uploaded</source>
        <translation>将性能分析写入文件供 Firefox Profiler 使用；不会上传任何内容</translation>
    </message>
    <message>
        <source>Save profile</source>
        <translation>保存性能分析</translation>
    </message>
    <message>
        <source>Firefox Profiler files (*.json.gz)</source>
        <translation>Firefox Profiler 文件 (*.json.gz)</translation>
    </message>
    <message>
        <source>Saving the profile of %1…</source>
        <translation>正在保存 %1 的性能分析…</translation>
    </message>
    <message>
        <source>The profile could not be read:</source>
        <translation>无法读取性能分析：</translation>
    </message>
    <message>
        <source>it is no longer in Redis (Sidekiq keeps profiles for a day).</source>
        <translation>它已不在 Redis 中（Sidekiq 只保留性能分析一天）。</translation>
    </message>
    <message>
        <source>The profile could not be saved to %1:</source>
        <translation>无法将性能分析保存到 %1：</translation>
    </message>
    <message>
        <source>Saved %1 (%2). Open it in the Firefox Profiler (Load a profile from file); nothing was uploaded.</source>
        <translation>已保存 %1（%2）。请在 Firefox Profiler 中打开（Load a profile from file）；未上传任何内容。</translation>
    </message>
</context>
<context>
    <name>kiq::ui::QueueLatencyChart</name>
    <message>
        <source>Latency (s)</source>
        <translation>延迟 (s)</translation>
    </message>
    <message>
        <source>Top %1 queues by latency</source>
        <translation>延迟最高的 %1 个队列</translation>
    </message>
    <message>
        <source>%1: empty</source>
        <translation>%1：空</translation>
    </message>
    <message>
        <source>%1: %2 · %3 waiting</source>
        <translation>%1：%2 · %3 个等待中</translation>
    </message>
    <message>
        <source>%1: latency %2, %3 waiting</source>
        <translation>%1：延迟 %2，等待中 %3</translation>
    </message>
</context>
<context>
    <name>kiq::ui::QueueListModel</name>
    <message>
        <source>%1 (unreadable)</source>
        <translation>%1（无法读取）</translation>
    </message>
    <message>
        <source>%1 (paused)</source>
        <translation>%1（已暂停）</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>队列</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>Latency</source>
        <translation>延迟</translation>
    </message>
    <message>
        <source>empty</source>
        <translation>空</translation>
    </message>
    <message>
        <source>Forecast</source>
        <translation>预测</translation>
    </message>
</context>
<context>
    <name>kiq::ui::QueuesPage</name>
    <message>
        <source>Enqueued</source>
        <translation>排队中</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Move to queue…</source>
        <translation>移动到队列…</translation>
    </message>
    <message>
        <source>Pause queue</source>
        <translation>暂停队列</translation>
    </message>
    <message>
        <source>Clear queue…</source>
        <translation>清空队列…</translation>
    </message>
    <message>
        <source>Reload</source>
        <translation>重新加载</translation>
    </message>
    <message>
        <source>Paused queues are not fetched by Kiqdesk&apos;s local pool (nor by Sidekiq Pro or Sidekiq 8.1+)</source>
        <translation>Kiqdesk 的本地池不会从已暂停的队列获取任务（Sidekiq Pro 和 Sidekiq 8.1+ 也不会）</translation>
    </message>
    <message>
        <source>Focus the filter</source>
        <translation>聚焦过滤器</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>未连接。</translation>
    </message>
    <message>
        <source>Queues</source>
        <translation>队列</translation>
    </message>
    <message numerus="yes">
        <source>%n queue(s). Select one to see its jobs.</source>
        <translation>
            <numerusform>%n 个队列。选择一个以查看其任务。</numerusform>
        </translation>
    </message>
    <message>
        <source>Loading %1…</source>
        <translation>正在加载 %1…</translation>
    </message>
    <message numerus="yes">
        <source>Delete %n selected job(s) from %1?</source>
        <translation>
            <numerusform>从 %1 中删除所选的 %n 个任务？</numerusform>
        </translation>
    </message>
    <message>
        <source>Move to queue</source>
        <translation>移动到队列</translation>
    </message>
    <message numerus="yes">
        <source>Move %n selected job(s) from %1 to:</source>
        <translation>
            <numerusform>将所选的 %n 个任务从 %1 移动到：</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n had already been taken by a worker.</source>
        <translation>
            <numerusform>%n 个已被工作者取走。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n could not be parsed and stayed.</source>
        <translation>
            <numerusform>%n 个无法解析，留在原处。</numerusform>
        </translation>
    </message>
    <message>
        <source>Move failed:</source>
        <translation>移动失败：</translation>
    </message>
    <message>
        <source>Resume queue</source>
        <translation>恢复队列</translation>
    </message>
    <message>
        <source>%1 is paused: Kiqdesk&apos;s pool no longer fetches from it.</source>
        <translation>%1 已暂停：Kiqdesk 的池不再从中获取任务。</translation>
    </message>
    <message>
        <source>%1 is resumed.</source>
        <translation>%1 已恢复。</translation>
    </message>
    <message>
        <source>Pause failed:</source>
        <translation>暂停失败：</translation>
    </message>
    <message>
        <source>Resume failed:</source>
        <translation>恢复失败：</translation>
    </message>
    <message>
        <source>Clear queue</source>
        <translation>清空队列</translation>
    </message>
    <message numerus="yes">
        <source>%1: %2 job(s)</source>
        <translation>
            <numerusform>%1：%2 个任务</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Deleted %1 of %2 job(s) (the others were already taken by a worker).</source>
        <translation>
            <numerusform>已删除 %1 / %2 个任务（其余的已被工作者取走）。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Moved %1 of %2 job(s) to %3.</source>
        <translation>
            <numerusform>已将 %1 / %2 个任务移动到 %3。</numerusform>
        </translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>未连接</translation>
    </message>
    <message>
        <source>Select a queue first</source>
        <translation>请先选择一个队列</translation>
    </message>
    <message>
        <source>Select jobs in the table first</source>
        <translation>请先在表格中选择任务</translation>
    </message>
    <message>
        <source>Delete every job in this queue</source>
        <translation>删除此队列中的所有任务</translation>
    </message>
    <message>
        <source>Delete the selected jobs</source>
        <translation>删除所选任务</translation>
    </message>
    <message>
        <source>Move the selected jobs to another queue</source>
        <translation>将所选任务移动到另一个队列</translation>
    </message>
    <message>
        <source>&lt;b&gt;Could not read the job:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;无法读取任务：&lt;/b&gt;%1</translation>
    </message>
    <message>
        <source>%1 jobs are selected; at most %2 can be acted on at once.</source>
        <translation>已选择 %1 个任务；一次最多可操作 %2 个。</translation>
    </message>
    <message>
        <source>&lt;b&gt;Delete failed:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;删除失败：&lt;/b&gt;%1</translation>
    </message>
    <message>
        <source>&lt;b&gt;Could not read %1:&lt;/b&gt; %2 (retrying)</source>
        <translation>&lt;b&gt;无法读取 %1：&lt;/b&gt;%2（正在重试）</translation>
    </message>
    <message numerus="yes">
        <source>Indexing %1… %2 of %3 job(s) read (%4%)</source>
        <translation>
            <numerusform>正在索引 %1… 已读取 %2 / %3 个任务（%4%）</numerusform>
        </translation>
    </message>
    <message>
        <source>they are not listed</source>
        <translation>它们不会列出</translation>
    </message>
    <message>
        <source>Copy as command</source>
        <translation>复制为命令</translation>
    </message>
    <message>
        <source>List the matching jobs</source>
        <translation>列出匹配的任务</translation>
    </message>
    <message>
        <source>Move the selected jobs…</source>
        <translation>移动所选任务…</translation>
    </message>
    <message>
        <source>Pause or resume the queue</source>
        <translation>暂停或恢复队列</translation>
    </message>
    <message>
        <source>Clear the queue</source>
        <translation>清空队列</translation>
    </message>
    <message numerus="yes">
        <source>Delete all %1 job(s) in %2? Undo history can put them back.</source>
        <translation>
            <numerusform>删除 %2 中的全部 %1 个任务？撤销历史可以将它们放回。</numerusform>
        </translation>
    </message>
    <message>
        <source>&lt;b&gt;Clear failed:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;清空失败：&lt;/b&gt;%1</translation>
    </message>
    <message numerus="yes">
        <source>%1 is cleared: %n job(s) deleted.</source>
        <translation>
            <numerusform>%1 已清空：删除了 %n 个任务。</numerusform>
        </translation>
    </message>
    <message>
        <source>Restoring…</source>
        <translation>正在恢复…</translation>
    </message>
    <message>
        <source>Select a queue first.</source>
        <translation>请先选择一个队列。</translation>
    </message>
    <message>
        <source>Fix the filter first.</source>
        <translation>请先修正过滤条件。</translation>
    </message>
    <message>
        <source>Select jobs in the table first.</source>
        <translation>请先在表格中选择任务。</translation>
    </message>
    <message>
        <source>Queue name:</source>
        <translation>队列名称：</translation>
    </message>
    <message>
        <source>Select the jobs to export first.</source>
        <translation>请先选择要导出的任务。</translation>
    </message>
    <message>
        <source>Open the queue to import into first.</source>
        <translation>请先打开要导入到的队列。</translation>
    </message>
</context>
<context>
    <name>kiq::ui::RedactionBox</name>
    <message>
        <source>Hide secrets in job arguments</source>
        <translation>隐藏任务参数中的敏感信息</translation>
    </message>
    <message>
        <source>Values that look like secrets: tokens (JWT), private keys, card numbers, AWS keys</source>
        <translation>看起来像敏感信息的值：令牌（JWT）、私钥、卡号、AWS 密钥</translation>
    </message>
    <message>
        <source>E-mail addresses</source>
        <translation>电子邮件地址</translation>
    </message>
    <message>
        <source>A value whose key is one of these is hidden, whatever it holds. Keys are compared by words: &quot;token&quot; also hides access_token and refreshToken.</source>
        <translation>键名为其中之一的值无论内容如何都会被隐藏。键按单词比较：&quot;token&quot; 也会隐藏 access_token 和 refreshToken。</translation>
    </message>
    <message>
        <source>e.g. args[1], args[*].iban</source>
        <translation>例如 args[1], args[*].iban</translation>
    </message>
    <message>
        <source>Positional arguments have no key: args[1] hides the second argument of every job.</source>
        <translation>位置参数没有键：args[1] 会隐藏每个任务的第二个参数。</translation>
    </message>
    <message>
        <source>Key names:</source>
        <translation>键名：</translation>
    </message>
    <message>
        <source>Paths:</source>
        <translation>路径：</translation>
    </message>
    <message>
        <source>Paths: %1</source>
        <translation>路径：%1</translation>
    </message>
</context>
<context>
    <name>kiq::ui::RedisPage</name>
    <message>
        <source>Redis version</source>
        <translation>Redis 版本</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Uptime</source>
        <translation>运行时间</translation>
    </message>
    <message>
        <source>Memory used</source>
        <translation>已用内存</translation>
    </message>
    <message>
        <source>Connected clients</source>
        <translation>已连接客户端</translation>
    </message>
    <message>
        <source>Operations per second</source>
        <translation>每秒操作数</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>键</translation>
    </message>
    <message>
        <source>Eviction policy</source>
        <translation>淘汰策略</translation>
    </message>
    <message>
        <source>Slow log</source>
        <translation>慢日志</translation>
    </message>
    <message>
        <source>Clients</source>
        <translation>客户端</translation>
    </message>
    <message>
        <source>Redis</source>
        <translation>Redis</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>未连接。</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>%1 mode</source>
        <translation>%1 模式</translation>
    </message>
    <message>
        <source>replicas: %1</source>
        <translation>副本：%1</translation>
    </message>
    <message>
        <source>since %1</source>
        <translation>自 %1 起</translation>
    </message>
    <message>
        <source>no limit</source>
        <translation>不限</translation>
    </message>
    <message>
        <source>of %1</source>
        <translation>共 %1</translation>
    </message>
    <message>
        <source>%1 blocked</source>
        <translation>%1 个阻塞</translation>
    </message>
    <message>
        <source>%1 since start</source>
        <translation>启动以来 %1</translation>
    </message>
    <message>
        <source>Sidekiq needs noeviction</source>
        <translation>Sidekiq 需要 noeviction</translation>
    </message>
    <message>
        <source>db%1: %2</source>
        <translation>db%1: %2</translation>
    </message>
    <message>
        <source>No slow commands logged.</source>
        <translation>没有记录慢命令。</translation>
    </message>
    <message>
        <source>Updated at %1 · round trip %2</source>
        <translation>更新于 %1 · 往返 %2</translation>
    </message>
    <message numerus="yes">
        <source>%1 key(s) evicted</source>
        <translation>
            <numerusform>已淘汰 %1 个键</numerusform>
        </translation>
    </message>
    <message>
        <source>The slow log is not available:</source>
        <translation>慢日志不可用：</translation>
    </message>
    <message>
        <source>The client list is not available:</source>
        <translation>客户端列表不可用：</translation>
    </message>
    <message>
        <source>Server details are not available:</source>
        <translation>服务器详情不可用：</translation>
    </message>
    <message numerus="yes">
        <source>%1 connection(s)</source>
        <translation>
            <numerusform>%1 个连接</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>from %1 host(s)</source>
        <translation>
            <numerusform>来自 %1 台主机</numerusform>
        </translation>
    </message>
    <message>
        <source>Sidekiq %1: %2</source>
        <translation>Sidekiq %1：%2</translation>
    </message>
    <message>
        <source>not identified: %1</source>
        <translation>未识别：%1</translation>
    </message>
    <message>
        <source>By host and client</source>
        <translation>按主机和客户端</translation>
    </message>
    <message>
        <source>Connections</source>
        <translation>连接</translation>
    </message>
</context>
<context>
    <name>kiq::ui::ReplayDialog</name>
    <message>
        <source>Replay</source>
        <translation>重放</translation>
    </message>
    <message>
        <source>Replay in another deployment</source>
        <translation>在其他部署中重放</translation>
    </message>
    <message>
        <source>each job&apos;s own queue</source>
        <translation>每个作业自己的队列</translation>
    </message>
    <message>
        <source>Copies of the jobs go to a development or staging deployment, redacted by the rules of %1, with new JIDs, no retry history and a link back (replayed_from). They run once there. %1 is only read.</source>
        <translation>作业的副本按 %1 的规则脱敏后进入开发或预发布部署，带有新的 JID、不含重试历史，并带有指回原作业的链接 (replayed_from)。它们在那里运行一次。%1 只会被读取。</translation>
    </message>
    <message>
        <source>Target:</source>
        <translation>目标：</translation>
    </message>
    <message>
        <source>Queue:</source>
        <translation>队列：</translation>
    </message>
    <message>
        <source>Arguments (JSON):</source>
        <translation>参数 (JSON)：</translation>
    </message>
    <message>
        <source>Changes against the original:</source>
        <translation>相对原始内容的更改：</translation>
    </message>
    <message numerus="yes">
        <source>Reading %1 job(s) from %2…</source>
        <translation>
            <numerusform>正在从 %2 读取 %1 个作业…</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 is not connected.</source>
        <translation>%1 未连接。</translation>
    </message>
    <message>
        <source>Could not read the jobs: %1</source>
        <translation>无法读取作业：%1</translation>
    </message>
    <message>
        <source>The selected jobs have all left %1 since they were listed.</source>
        <translation>所选作业在列出后已全部离开 %1。</translation>
    </message>
    <message numerus="yes">
        <source>%1 of the selected job(s) left the set since they were listed; the others are here.</source>
        <translation>
            <numerusform>所选作业中有 %1 个在列出后已离开该集合；其余的都在这里。</numerusform>
        </translation>
    </message>
    <message>
        <source>Type %1 to confirm:</source>
        <translation>输入 %1 以确认：</translation>
    </message>
    <message>
        <source>As on the source, redacted: masked values stay masked unless you replace them.</source>
        <translation>与源相同，已脱敏：被遮盖的值会保持遮盖，除非您替换它们。</translation>
    </message>
    <message>
        <source>These arguments replace those of all %1 copies.</source>
        <translation>这些参数将替换全部 %1 个副本的参数。</translation>
    </message>
    <message>
        <source>Edited: the copy gets these arguments.</source>
        <translation>已编辑：副本将使用这些参数。</translation>
    </message>
    <message>
        <source>&lt;i&gt;No changes.&lt;/i&gt;</source>
        <translation>&lt;i&gt;无更改。&lt;/i&gt;</translation>
    </message>
    <message>
        <source>The first of %1 copies, as it will be written (JID and times are made anew at Replay):</source>
        <translation>%1 个副本中的第一个，即将写入的内容（JID 和时间在重放时重新生成）：</translation>
    </message>
    <message>
        <source>The copy, as it will be written (JID and times are made anew at Replay):</source>
        <translation>即将写入的副本（JID 和时间在重放时重新生成）：</translation>
    </message>
    <message>
        <source>The copy, as it will be written:</source>
        <translation>即将写入的副本：</translation>
    </message>
    <message>
        <source>No deployment tagged development or staging: add one, or start the local sandbox.</source>
        <translation>没有标记为开发或预发布的部署：请添加一个，或启动本地沙箱。</translation>
    </message>
    <message>
        <source>Reading the jobs…</source>
        <translation>正在读取作业…</translation>
    </message>
    <message>
        <source>Nothing to replay.</source>
        <translation>没有可重放的内容。</translation>
    </message>
    <message>
        <source>Fix the arguments first.</source>
        <translation>请先修正参数。</translation>
    </message>
    <message>
        <source>Type the number of jobs to confirm.</source>
        <translation>输入作业数量以确认。</translation>
    </message>
    <message>
        <source>Replaying…</source>
        <translation>正在重放…</translation>
    </message>
    <message>
        <source>Not replayed: %1</source>
        <translation>未重放：%1</translation>
    </message>
    <message numerus="yes">
        <source>Replayed %1 job(s) into %2.</source>
        <translation>
            <numerusform>已将 %1 个作业重放到 %2。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 skipped: %2</source>
        <translation>
            <numerusform>已跳过 %1 个：%2</numerusform>
        </translation>
    </message>
    <message>
        <source>Its outcome will not be shown: %1</source>
        <translation>其结果将不会显示：%1</translation>
    </message>
</context>
<context>
    <name>kiq::ui::SecretSourceBox</name>
    <message>
        <source>Where secrets come from</source>
        <translation>密钥来源</translation>
    </message>
    <message>
        <source>Password:</source>
        <translation>密码：</translation>
    </message>
    <message>
        <source>Sentinel password:</source>
        <translation>Sentinel 密码：</translation>
    </message>
    <message>
        <source>Client key passphrase:</source>
        <translation>客户端密钥口令：</translation>
    </message>
    <message>
        <source>Ask when connecting (kept until Kiqdesk quits)</source>
        <translation>连接时询问（保留到 Kiqdesk 退出）</translation>
    </message>
    <message>
        <source>OS keychain</source>
        <translation>系统钥匙串</translation>
    </message>
    <message>
        <source>Credential helper</source>
        <translation>凭据助手</translation>
    </message>
    <message>
        <source>command and arguments, e.g. vault read -field=password secret/redis</source>
        <translation>命令和参数，例如 vault read -field=password secret/redis</translation>
    </message>
    <message>
        <source>Run without a shell when connecting and before its token expires. It prints the secret, or JSON {&quot;password&quot;, &quot;username&quot;, &quot;expires_at&quot;}.</source>
        <translation>在连接时及其令牌过期前运行（不经过 shell）。它输出密钥，或 JSON {&quot;password&quot;, &quot;username&quot;, &quot;expires_at&quot;}。</translation>
    </message>
    <message>
        <source>Checking the OS keychain…</source>
        <translation>正在检查系统钥匙串…</translation>
    </message>
    <message>
        <source>No OS keychain is reachable (%1). A secret set to come from it is asked for when connecting instead; it is never stored in a file.</source>
        <translation>无法访问系统钥匙串（%1）。设置为从中获取的密钥将改为在连接时询问；它绝不会存储到文件中。</translation>
    </message>
    <message>
        <source>The OS keychain is reachable: a secret typed once is kept there.</source>
        <translation>系统钥匙串可访问：输入一次的密钥会保存在其中。</translation>
    </message>
    <message>
        <source>A credential helper needs a command.</source>
        <translation>凭据助手需要一个命令。</translation>
    </message>
    <message>
        <source>Alert webhook URL:</source>
        <translation>警报 Webhook URL：</translation>
    </message>
</context>
<context>
    <name>kiq::ui::SecurityPage</name>
    <message>
        <source>Run audit</source>
        <translation>运行审计</translation>
    </message>
    <message>
        <source>Export Markdown…</source>
        <translation>导出 Markdown…</translation>
    </message>
    <message>
        <source>Export JSON…</source>
        <translation>导出 JSON…</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>检查</translation>
    </message>
    <message>
        <source>Evidence</source>
        <translation>证据</translation>
    </message>
    <message>
        <source>Fix</source>
        <translation>修复</translation>
    </message>
    <message>
        <source>Reads the server&apos;s settings, users, rights and a sample of the jobs; changes nothing</source>
        <translation>读取服务器的设置、用户、权限和部分作业样本；不做任何更改</translation>
    </message>
    <message>
        <source>Export the security audit</source>
        <translation>导出安全审计</translation>
    </message>
    <message>
        <source>Markdown (*.md);;All files (*)</source>
        <translation>Markdown (*.md);;所有文件 (*)</translation>
    </message>
    <message>
        <source>JSON (*.json);;All files (*)</source>
        <translation>JSON (*.json);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Security</source>
        <translation>安全</translation>
    </message>
    <message>
        <source>pass</source>
        <translation>通过</translation>
    </message>
    <message>
        <source>warn</source>
        <translation>警告</translation>
    </message>
    <message>
        <source>fail</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>could not check</source>
        <translation>无法检查</translation>
    </message>
    <message>
        <source>info</source>
        <translation>信息</translation>
    </message>
    <message>
        <source>Server identity</source>
        <translation>服务器身份</translation>
    </message>
    <message>
        <source>Transport</source>
        <translation>传输</translation>
    </message>
    <message>
        <source>Authentication</source>
        <translation>认证</translation>
    </message>
    <message>
        <source>Authorization</source>
        <translation>授权</translation>
    </message>
    <message>
        <source>Server configuration</source>
        <translation>服务器配置</translation>
    </message>
    <message>
        <source>Job data</source>
        <translation>作业数据</translation>
    </message>
    <message>
        <source>Operations</source>
        <translation>运维</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>未连接</translation>
    </message>
    <message>
        <source>Auditing… (reads only)</source>
        <translation>审计中…（只读）</translation>
    </message>
    <message>
        <source>The audit failed:</source>
        <translation>审计失败：</translation>
    </message>
    <message>
        <source>%1 fail, %2 warn, %3 could not check, %4 pass · audited %5</source>
        <translation>%1 失败，%2 警告，%3 无法检查，%4 通过 · 审计于 %5</translation>
    </message>
    <message>
        <source>Why it matters:</source>
        <translation>为何重要：</translation>
    </message>
    <message>
        <source>Fix:</source>
        <translation>修复：</translation>
    </message>
    <message>
        <source>Exported to %1</source>
        <translation>已导出到 %1</translation>
    </message>
    <message>
        <source>Could not write %1:</source>
        <translation>无法写入 %1：</translation>
    </message>
</context>
<context>
    <name>kiq::ui::ShortcutsDialog</name>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>键</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>操作</translation>
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
        <translation>时间</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>耗时</translation>
    </message>
    <message>
        <source>Command</source>
        <translation>命令</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>客户端</translation>
    </message>
</context>
<context>
    <name>kiq::ui::Status</name>
    <message>
        <source>Reachable</source>
        <translation>可访问</translation>
    </message>
    <message>
        <source>Unreachable</source>
        <translation>不可访问</translation>
    </message>
    <message>
        <source>Connecting</source>
        <translation>正在连接</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>未连接</translation>
    </message>
</context>
<context>
    <name>kiq::ui::StatusLine</name>
    <message>
        <source>Could not load:</source>
        <translation>无法加载：</translation>
    </message>
    <message>
        <source>&lt;b&gt;Could not refresh:&lt;/b&gt; %1 (showing data from %2 s ago)</source>
        <translation>&lt;b&gt;无法刷新：&lt;/b&gt;%1（显示的是 %2 秒前的数据）</translation>
    </message>
</context>
<context>
    <name>kiq::ui::TimeSeriesChart</name>
    <message>
        <source>%1 (times in %2)</source>
        <translation>%1（时间：%2）</translation>
    </message>
    <message>
        <source>%1: %2
%3 %4</source>
        <translation>%1：%2
%3 %4</translation>
    </message>
</context>
<context>
    <name>kiq::ui::TlsBox</name>
    <message>
        <source>Use TLS</source>
        <translation>使用 TLS</translation>
    </message>
    <message>
        <source>System certificate store</source>
        <translation>系统证书存储</translation>
    </message>
    <message>
        <source>CA file:</source>
        <translation>CA 文件：</translation>
    </message>
    <message>
        <source>CA directory:</source>
        <translation>CA 目录：</translation>
    </message>
    <message>
        <source>Choose the CA certificate file</source>
        <translation>选择 CA 证书文件</translation>
    </message>
    <message>
        <source>Choose the CA directory</source>
        <translation>选择 CA 目录</translation>
    </message>
    <message>
        <source>Choose the client certificate</source>
        <translation>选择客户端证书</translation>
    </message>
    <message>
        <source>Choose the client key</source>
        <translation>选择客户端密钥</translation>
    </message>
    <message>
        <source>Verify the server&apos;s certificate</source>
        <translation>验证服务器证书</translation>
    </message>
    <message>
        <source>Verify that the certificate matches the host name</source>
        <translation>验证证书与主机名匹配</translation>
    </message>
    <message>
        <source>only for servers that require client certificates</source>
        <translation>仅用于要求客户端证书的服务器</translation>
    </message>
    <message>
        <source>default: the host name</source>
        <translation>默认：主机名</translation>
    </message>
    <message>
        <source>Trust:</source>
        <translation>信任：</translation>
    </message>
    <message>
        <source>Client certificate:</source>
        <translation>客户端证书：</translation>
    </message>
    <message>
        <source>Client key:</source>
        <translation>客户端密钥：</translation>
    </message>
    <message>
        <source>Server name (SNI):</source>
        <translation>服务器名称（SNI）：</translation>
    </message>
    <message>
        <source>The key is encrypted: ask for its passphrase when connecting</source>
        <translation>密钥已加密：连接时询问口令</translation>
    </message>
    <message>
        <source>only for an encrypted key; not saved: asked when connecting</source>
        <translation>仅用于加密的密钥；不保存：连接时询问</translation>
    </message>
    <message>
        <source>Key passphrase:</source>
        <translation>密钥口令：</translation>
    </message>
</context>
<context>
    <name>kiq::ui::TopologyBox</name>
    <message>
        <source>Server</source>
        <translation>服务器</translation>
    </message>
    <message>
        <source>The sentinels need a password (asked when connecting)</source>
        <translation>哨兵需要密码（连接时询问）</translation>
    </message>
    <message>
        <source>Standalone (or a replica)</source>
        <translation>单机（或副本）</translation>
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
        <translation>不保存</translation>
    </message>
    <message>
        <source>Host:</source>
        <translation>主机：</translation>
    </message>
    <message>
        <source>Port:</source>
        <translation>端口：</translation>
    </message>
    <message>
        <source>Master name:</source>
        <translation>主节点名称：</translation>
    </message>
    <message>
        <source>Sentinels (host:port):</source>
        <translation>哨兵（host:port）：</translation>
    </message>
    <message>
        <source>Sentinel user:</source>
        <translation>哨兵用户：</translation>
    </message>
    <message>
        <source>Sentinel password:</source>
        <translation>哨兵密码：</translation>
    </message>
    <message>
        <source>Seed nodes (host:port):</source>
        <translation>种子节点（host:port）：</translation>
    </message>
    <message>
        <source>Topology:</source>
        <translation>拓扑：</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a host:port address</source>
        <translation>“%1”不是 host:port 地址</translation>
    </message>
</context>
<context>
    <name>kiq::ui::TrayIcon</name>
    <message>
        <source>all checks OK</source>
        <translation>所有检查正常</translation>
    </message>
    <message>
        <source>warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <source>critical</source>
        <translation>严重</translation>
    </message>
    <message>
        <source>no deployment watched</source>
        <translation>未监视任何部署</translation>
    </message>
    <message>
        <source>Show Kiqdesk</source>
        <translation>显示 Kiqdesk</translation>
    </message>
    <message>
        <source>Acknowledge all alerts</source>
        <translation>确认所有警报</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>Kiqdesk: %1</source>
        <translation>Kiqdesk：%1</translation>
    </message>
    <message numerus="yes">
        <source>… and %n more</source>
        <translation>
            <numerusform>… 还有 %n 个</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n alert(s) open</source>
        <translation>
            <numerusform>%n 个未处理警报</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>kiq::ui::UndoOffer</name>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message numerus="yes">
        <source>Undo: put the %1 job(s) back</source>
        <translation>
            <numerusform>撤销：放回 %1 个任务</numerusform>
        </translation>
    </message>
    <message>
        <source>Put the jobs back where they were (Undo history has every action)</source>
        <translation>将任务放回原处（撤销历史包含每个操作）</translation>
    </message>
</context>
<context>
    <name>kiq::ui::UndoPage</name>
    <message>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>What was removed</source>
        <translation>移除的内容</translation>
    </message>
    <message>
        <source>Jobs</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>Not restored</source>
        <translation>未恢复</translation>
    </message>
    <message>
        <source>By</source>
        <translation>操作者</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Reload</source>
        <translation>重新加载</translation>
    </message>
    <message>
        <source>Restore</source>
        <translation>恢复</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>未连接。</translation>
    </message>
    <message>
        <source>Undo history</source>
        <translation>撤销历史</translation>
    </message>
    <message numerus="yes">
        <source>%1 job(s) killed from %2 at %3</source>
        <translation>
            <numerusform>%3 从 %2 杀死了 %1 个任务</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 job(s) cleared from %2 at %3</source>
        <translation>
            <numerusform>%3 从 %2 清空了 %1 个任务</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 job(s) deleted from %2 at %3</source>
        <translation>
            <numerusform>%3 从 %2 删除了 %1 个任务</numerusform>
        </translation>
    </message>
    <message>
        <source>Nothing to undo: deletes, kills and queue clears on this server are kept here for 7 days.</source>
        <translation>没有可撤销的操作：此服务器上的删除、杀死和清空队列操作会在这里保留 7 天。</translation>
    </message>
    <message numerus="yes">
        <source>%1 action(s) kept for 7 days</source>
        <translation>
            <numerusform>%1 个操作，保留 7 天</numerusform>
        </translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>未连接</translation>
    </message>
    <message>
        <source>Select an action in the list first</source>
        <translation>请先在列表中选择一个操作</translation>
    </message>
    <message>
        <source>Its jobs were restored already</source>
        <translation>其任务已经恢复过了</translation>
    </message>
    <message>
        <source>Put back the %1</source>
        <translation>放回 %1</translation>
    </message>
    <message>
        <source>Restoring…</source>
        <translation>正在恢复…</translation>
    </message>
    <message>
        <source>Restore failed:</source>
        <translation>恢复失败：</translation>
    </message>
    <message numerus="yes">
        <source>Restored %1 job(s), %2 already there (%3)</source>
        <translation>
            <numerusform>已恢复 %1 个任务，%2 个已在原处（%3）</numerusform>
        </translation>
    </message>
    <message>
        <source>Copy as command</source>
        <translation>复制为命令</translation>
    </message>
</context>
<context>
    <name>kiq::ui::WorkersPage</name>
    <message>
        <source>Queues</source>
        <translation>队列</translation>
    </message>
    <message>
        <source>Concurrency</source>
        <translation>并发数</translation>
    </message>
    <message>
        <source>Handler file</source>
        <translation>处理程序文件</translation>
    </message>
    <message>
        <source>Shutdown timeout</source>
        <translation>关闭超时</translation>
    </message>
    <message>
        <source>Pool settings</source>
        <translation>池设置</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>启动</translation>
    </message>
    <message>
        <source>Quiet</source>
        <translation>静默</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Processed</source>
        <translation>已处理</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Busy</source>
        <translation>运行中</translation>
    </message>
    <message>
        <source>Running for</source>
        <translation>运行时长</translation>
    </message>
    <message>
        <source>critical,2 default</source>
        <translation>critical,2 default</translation>
    </message>
    <message>
        <source>Queues separated by spaces, as Sidekiq&apos;s -q: &quot;name&quot; or &quot;name,weight&quot;. Without weights the order is strict; with weights a heavier queue is tried first more often.</source>
        <translation>队列以空格分隔，与 Sidekiq 的 -q 相同：&quot;name&quot; 或 &quot;name,weight&quot;。不带权重时严格按顺序；带权重时，权重越大的队列越常被优先尝试。</translation>
    </message>
    <message>
        <source>TOML file mapping job classes to commands (optional)</source>
        <translation>将任务类映射到命令的 TOML 文件（可选）</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>DEBUG also logs the start and end of every job.</source>
        <translation>DEBUG 还会记录每个任务的开始和结束。</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>How long Stop waits for running jobs before pushing them back to their queues.</source>
        <translation>停止时等待正在运行的任务多久，然后将它们放回各自的队列。</translation>
    </message>
    <message>
        <source>Log level</source>
        <translation>日志级别</translation>
    </message>
    <message>
        <source>Finish the running jobs and fetch no new ones.</source>
        <translation>完成正在运行的任务，不再获取新任务。</translation>
    </message>
    <message>
        <source>All lines</source>
        <translation>所有行</translation>
    </message>
    <message>
        <source>Info and above</source>
        <translation>Info 及以上</translation>
    </message>
    <message>
        <source>Warnings and errors</source>
        <translation>警告和错误</translation>
    </message>
    <message>
        <source>Errors only</source>
        <translation>仅错误</translation>
    </message>
    <message>
        <source>Jobs in flight</source>
        <translation>执行中的任务</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>日志</translation>
    </message>
    <message>
        <source>Local workers</source>
        <translation>本地工作者</translation>
    </message>
    <message>
        <source>Writes to this deployment are disarmed, but this pool keeps working jobs until you stop it.</source>
        <translation>此部署的写入已停用，但此池会继续处理任务，直到你停止它。</translation>
    </message>
    <message>
        <source>Stopped.</source>
        <translation>已停止。</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>未连接。</translation>
    </message>
    <message numerus="yes">
        <source>Stopped. The last run processed %n job(s).</source>
        <translation>
            <numerusform>已停止。上次运行处理了 %n 个任务。</numerusform>
        </translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>正在启动…</translation>
    </message>
    <message numerus="yes">
        <source>Running %n thread(s) on %1 (strict order).</source>
        <translation>
            <numerusform>在 %1 上运行 %n 个线程（严格顺序）。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Running %n thread(s) on %1 (weighted).</source>
        <translation>
            <numerusform>在 %1 上运行 %n 个线程（加权）。</numerusform>
        </translation>
    </message>
    <message>
        <source>Quiet: running jobs finish, no new jobs are fetched.</source>
        <translation>静默：正在运行的任务会完成，不再获取新任务。</translation>
    </message>
    <message>
        <source>Stopping: waiting for the running jobs…</source>
        <translation>正在停止：等待正在运行的任务…</translation>
    </message>
    <message>
        <source>Could not start: %1</source>
        <translation>无法启动：%1</translation>
    </message>
    <message>
        <source>Started by %1.</source>
        <translation>由 %1 启动。</translation>
    </message>
    <message>
        <source>Process %1 on %2</source>
        <translation>%2 上的进程 %1</translation>
    </message>
    <message numerus="yes">
        <source>of %n thread(s)</source>
        <translation>
            <numerusform>共 %n 个线程</numerusform>
        </translation>
    </message>
    <message>
        <source>TOML files (*.toml);;All files (*)</source>
        <translation>TOML 文件 (*.toml);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Built-in demo handlers</source>
        <translation>内置演示处理程序</translation>
    </message>
    <message>
        <source>Kiqdesk::Sleep, Kiqdesk::Fail and Kiqdesk::Echo</source>
        <translation>Kiqdesk::Sleep、Kiqdesk::Fail 和 Kiqdesk::Echo</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>未连接</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <comment>class (hand-backs)</comment>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <source>No handler here for %1: their jobs went back to their queues unchanged (no retry used, no error written), for the workers that run them.</source>
        <translation>这里没有 %1 的处理程序：它们的任务已原样交还到各自的队列（未消耗重试次数，未写入错误），留给能运行它们的工作者。</translation>
    </message>
    <message>
        <source>%1:</source>
        <translation>%1：</translation>
    </message>
    <message>
        <source>Start workers on %1</source>
        <translation>在 %1 上启动工作者</translation>
    </message>
    <message>
        <source>Start a worker pool on &lt;b&gt;%1&lt;/b&gt;, a &lt;b&gt;%2&lt;/b&gt; deployment?&lt;br&gt;&lt;br&gt;It takes jobs from %3 and runs them on this computer.</source>
        <translation>在 &lt;b&gt;%1&lt;/b&gt;（一个&lt;b&gt;%2&lt;/b&gt;部署）上启动工作者池？&lt;br&gt;&lt;br&gt;它会从 %3 获取任务并在本机运行。</translation>
    </message>
    <message>
        <source>Start on %1</source>
        <translation>在 %1 上启动</translation>
    </message>
    <message>
        <source>Not started.</source>
        <translation>未启动。</translation>
    </message>
    <message>
        <source>Looking at the jobs waiting in %1…</source>
        <translation>正在查看 %1 中等待的任务…</translation>
    </message>
    <message>
        <source>Not started: could not look at the queues:</source>
        <translation>未启动：无法查看队列：</translation>
    </message>
    <message>
        <source>Jobs without a handler</source>
        <translation>没有处理程序的任务</translation>
    </message>
    <message>
        <source>These jobs wait in the chosen queues, and this pool has no handler for their class (counted among the newest %1 jobs of each queue):</source>
        <translation>这些任务在所选队列中等待，而此池没有对应类的处理程序（统计的是每个队列最新的 %1 个任务）：</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>队列</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>类</translation>
    </message>
    <message>
        <source>Jobs</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>What should the pool do with them?</source>
        <translation>池应如何处理它们？</translation>
    </message>
    <message>
        <source>Handed back, a job goes back to its queue unchanged (no retry used, no error written) for the workers that have its class. Failed, it uses a retry and gets NameError as its error, as a Sidekiq without that class would do.</source>
        <translation>交还时，任务会原样回到其队列（不消耗重试次数，不写入错误），留给拥有该类的工作者。设为失败时，会消耗一次重试，并以 NameError 作为错误，与缺少该类的 Sidekiq 的行为相同。</translation>
    </message>
    <message>
        <source>Hand them back (leave them for their own workers)</source>
        <translation>交还（留给它们自己的工作者）</translation>
    </message>
    <message>
        <source>Fail them like Sidekiq does</source>
        <translation>像 Sidekiq 一样使其失败</translation>
    </message>
    <message>
        <source>Not started:</source>
        <translation>未启动：</translation>
    </message>
    <message>
        <source>Not started: the deployment was disconnected.</source>
        <translation>未启动：部署已断开连接。</translation>
    </message>
    <message>
        <source>Copy as command</source>
        <translation>复制为命令</translation>
    </message>
    <message>
        <source>Copy the kiqdesk-cli command that starts this pool, for a script or a server</source>
        <translation>复制启动此池的 kiqdesk-cli 命令，用于脚本或服务器</translation>
    </message>
</context>
</TS>
