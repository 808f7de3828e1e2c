<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja_JP">
<context>
    <name>JobColumns</name>
    <message>
        <source>Queue</source>
        <translation>キュー</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>ジョブ</translation>
    </message>
    <message>
        <source>Arguments</source>
        <translation>引数</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>エラー</translation>
    </message>
    <message>
        <source>Retries</source>
        <translation>再試行</translation>
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
        <translation>フィルター: class=HardJob error~timeout age&gt;2h queue=default malformed</translation>
    </message>
    <message>
        <source>Filter, at character %1: %2. No jobs are shown until it is fixed.</source>
        <translation>フィルターの %1 文字目: %2。修正されるまでジョブは表示されません。</translation>
    </message>
</context>
<context>
    <name>Main</name>
    <message>
        <source>Local sandbox</source>
        <translation>ローカルサンドボックス</translation>
    </message>
    <message>
        <source>Desktop console for Sidekiq job systems on Redis.</source>
        <translation>Redis 上の Sidekiq ジョブシステム用デスクトップコンソール。</translation>
    </message>
    <message>
        <source>Start a local sandbox Redis and show it.</source>
        <translation>ローカルサンドボックスの Redis を起動して表示します。</translation>
    </message>
    <message>
        <source>Save a picture of the window to &lt;file&gt; and quit.</source>
        <translation>ウィンドウの画像を &lt;file&gt; に保存して終了します。</translation>
    </message>
    <message>
        <source>file</source>
        <translation>file</translation>
    </message>
    <message>
        <source>Wait &lt;ms&gt; before taking the screenshot (default 3000).</source>
        <translation>スクリーンショットを撮る前に &lt;ms&gt; 待ちます (既定値 3000)。</translation>
    </message>
    <message>
        <source>ms</source>
        <translation>ms</translation>
    </message>
    <message>
        <source>Use &lt;theme&gt; (system, light, dark) for this run.</source>
        <translation>この実行で &lt;theme&gt; (system, light, dark) を使います。</translation>
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
        <translation>スクリーンショットを %1 に書き込めません</translation>
    </message>
    <message>
        <source>the local sandbox (demo handlers)</source>
        <translation>ローカルサンドボックス (デモハンドラー)</translation>
    </message>
    <message>
        <source>The sandbox started but demo data could not be written: %1</source>
        <translation>サンドボックスは起動しましたが、デモデータを書き込めませんでした: %1</translation>
    </message>
    <message>
        <source>Open the window at &lt;width&gt;x&lt;height&gt; pixels.</source>
        <translation>ウィンドウを &lt;width&gt;x&lt;height&gt; ピクセルで開きます。</translation>
    </message>
    <message>
        <source>size</source>
        <translation>size</translation>
    </message>
    <message>
        <source>Show the deployment&apos;s page &lt;n&gt; (0 is the first tab).</source>
        <translation>デプロイメントのページ &lt;n&gt; を表示します (0 が最初のタブ)。</translation>
    </message>
    <message>
        <source>n</source>
        <translation>n</translation>
    </message>
    <message>
        <source>--size takes &lt;width&gt;x&lt;height&gt;, e.g. 1024x700</source>
        <translation>--size には &lt;width&gt;x&lt;height&gt; を指定します (例: 1024x700)</translation>
    </message>
    <message>
        <source>Your saved connections were not loaded.

%1</source>
        <translation>保存済みの接続は読み込まれませんでした。

%1</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <source>%1 is not connected</source>
        <translation>%1 は接続されていません</translation>
    </message>
</context>
<context>
    <name>kiq::ui</name>
    <message>
        <source>Type %1 to confirm.</source>
        <translation>確認のため %1 と入力してください。</translation>
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
        <translation>ユーザー</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>理由</translation>
    </message>
    <message>
        <source>Denied</source>
        <translation>拒否</translation>
    </message>
    <message>
        <source>Context</source>
        <translation>コンテキスト</translation>
    </message>
    <message>
        <source>Count</source>
        <translation>回数</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>最終確認</translation>
    </message>
    <message>
        <source>Node</source>
        <translation>ノード</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>クライアント</translation>
    </message>
</context>
<context>
    <name>kiq::ui::AclPage</name>
    <message>
        <source>primary</source>
        <translation>プライマリ</translation>
    </message>
    <message>
        <source>replica</source>
        <translation>レプリカ</translation>
    </message>
    <message>
        <source>New user…</source>
        <translation>新規ユーザー…</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>編集…</translation>
    </message>
    <message>
        <source>Enable</source>
        <translation>有効化</translation>
    </message>
    <message>
        <source>Disable</source>
        <translation>無効化</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>削除…</translation>
    </message>
    <message>
        <source>Apply Sidekiq role…</source>
        <translation>Sidekiq ロールを適用…</translation>
    </message>
    <message>
        <source>Reset log</source>
        <translation>ログをリセット</translation>
    </message>
    <message>
        <source>Delete ACL user</source>
        <translation>ACL ユーザーの削除</translation>
    </message>
    <message>
        <source>Delete the ACL user &apos;%1&apos; on every node? Clients logged in as it are disconnected.</source>
        <translation>すべてのノードで ACL ユーザー &apos;%1&apos; を削除しますか? このユーザーでログイン中のクライアントは切断されます。</translation>
    </message>
    <message>
        <source>Reset ACL log</source>
        <translation>ACL ログのリセット</translation>
    </message>
    <message>
        <source>Clear the ACL log on every node?</source>
        <translation>すべてのノードで ACL ログを消去しますか?</translation>
    </message>
    <message>
        <source>Users</source>
        <translation>ユーザー</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>ログ</translation>
    </message>
    <message>
        <source>The result of each change appears here, per node, with the role checks.</source>
        <translation>各変更の結果が、ノードごとにロールのチェックとともにここに表示されます。</translation>
    </message>
    <message>
        <source>ACL</source>
        <translation>ACL</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>未接続です。</translation>
    </message>
    <message numerus="yes">
        <source>%n user(s) with risky rights (in red; hover for why).</source>
        <translation>
            <numerusform>危険な権限を持つユーザーが %n 人います (赤色。理由はカーソルを合わせると表示)。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n user(s), none with risky rights.</source>
        <translation>
            <numerusform>ユーザー %n 人、危険な権限を持つユーザーはいません。</numerusform>
        </translation>
    </message>
    <message>
        <source>Could not apply the rules of %1: %2</source>
        <translation>%1 のルールを適用できませんでした: %2</translation>
    </message>
    <message>
        <source>ACL SETUSER %1
</source>
        <translation>ACL SETUSER %1
</translation>
    </message>
    <message>
        <source>Could not apply the role to %1: %2</source>
        <translation>%1 にロールを適用できませんでした: %2</translation>
    </message>
    <message>
        <source>ok</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>FAILED</source>
        <translation>失敗</translation>
    </message>
    <message>
        <source>%1 %2 %3%4</source>
        <translation>%1 %2 %3%4</translation>
    </message>
    <message>
        <source>allow</source>
        <translation>許可</translation>
    </message>
    <message>
        <source>deny</source>
        <translation>拒否</translation>
    </message>
    <message>
        <source>Could not delete %1: %2</source>
        <translation>%1 を削除できませんでした: %2</translation>
    </message>
    <message>
        <source>ACL DELUSER %1
</source>
        <translation>ACL DELUSER %1
</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>未接続</translation>
    </message>
    <message>
        <source>Select a user first</source>
        <translation>先にユーザーを選択してください</translation>
    </message>
    <message>
        <source>Cannot read ACL users:</source>
        <translation>ACL ユーザーを読み取れません:</translation>
    </message>
    <message>
        <source>Select a user first.</source>
        <translation>先にユーザーを選択してください。</translation>
    </message>
    <message>
        <source>Enable the selected user</source>
        <translation>選択したユーザーを有効化</translation>
    </message>
    <message>
        <source>Disable the selected user</source>
        <translation>選択したユーザーを無効化</translation>
    </message>
    <message>
        <source>Delete the selected user</source>
        <translation>選択したユーザーを削除</translation>
    </message>
    <message>
        <source>Reset the log</source>
        <translation>ログをリセット</translation>
    </message>
    <message>
        <source>Copy as command</source>
        <translation>コマンドとしてコピー</translation>
    </message>
</context>
<context>
    <name>kiq::ui::AclUserEditor</name>
    <message>
        <source>Enabled</source>
        <translation>有効</translation>
    </message>
    <message>
        <source>Remove the existing passwords</source>
        <translation>既存のパスワードを削除</translation>
    </message>
    <message>
        <source>No password (nopass): anyone can log in as this user</source>
        <translation>パスワードなし (nopass): 誰でもこのユーザーとしてログインできます</translation>
    </message>
    <message>
        <source>Edit ACL user %1</source>
        <translation>ACL ユーザー %1 の編集</translation>
    </message>
    <message>
        <source>New ACL user</source>
        <translation>新規 ACL ユーザー</translation>
    </message>
    <message>
        <source>Leave empty to keep the current passwords</source>
        <translation>現在のパスワードを維持する場合は空欄のままにします</translation>
    </message>
    <message>
        <source>One pattern per line: ~queue:*  %R~stat:*  %W~tmp:*</source>
        <translation>1 行に 1 パターン: ~queue:*  %R~stat:*  %W~tmp:*</translation>
    </message>
    <message>
        <source>One pattern per line: &amp;events:*</source>
        <translation>1 行に 1 パターン: &amp;events:*</translation>
    </message>
    <message>
        <source>e.g. -flushall +client|setname</source>
        <translation>例: -flushall +client|setname</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名前</translation>
    </message>
    <message>
        <source>New password</source>
        <translation>新しいパスワード</translation>
    </message>
    <message>
        <source>Key patterns</source>
        <translation>キーパターン</translation>
    </message>
    <message>
        <source>Channels</source>
        <translation>チャンネル</translation>
    </message>
    <message>
        <source>Command categories</source>
        <translation>コマンドカテゴリ</translation>
    </message>
    <message>
        <source>Extra command rules</source>
        <translation>追加のコマンドルール</translation>
    </message>
    <message>
        <source>Apply to every node</source>
        <translation>すべてのノードに適用</translation>
    </message>
    <message>
        <source>Will run:</source>
        <translation>実行内容:</translation>
    </message>
    <message>
        <source>The name must be one word.</source>
        <translation>名前は 1 語にしてください。</translation>
    </message>
    <message>
        <source>A new user needs a password (or nopass, which is not recommended).</source>
        <translation>新規ユーザーにはパスワードが必要です (または nopass。非推奨)。</translation>
    </message>
    <message>
        <source>No change.</source>
        <translation>変更はありません。</translation>
    </message>
    <message>
        <source>Changes:
</source>
        <translation>変更内容:
</translation>
    </message>
    <message>
        <source>Copy as command</source>
        <translation>コマンドとしてコピー</translation>
    </message>
</context>
<context>
    <name>kiq::ui::AclUsersModel</name>
    <message>
        <source>on</source>
        <translation>オン</translation>
    </message>
    <message>
        <source>off</source>
        <translation>オフ</translation>
    </message>
    <message>
        <source>none (nopass)</source>
        <translation>なし (nopass)</translation>
    </message>
    <message>
        <source>User</source>
        <translation>ユーザー</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状態</translation>
    </message>
    <message>
        <source>Passwords</source>
        <translation>パスワード</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>キー</translation>
    </message>
    <message>
        <source>Channels</source>
        <translation>チャンネル</translation>
    </message>
    <message>
        <source>Commands</source>
        <translation>コマンド</translation>
    </message>
    <message>
        <source>Risks</source>
        <translation>リスク</translation>
    </message>
</context>
<context>
    <name>kiq::ui::ApplyRoleDialog</name>
    <message>
        <source>Apply a Sidekiq role</source>
        <translation>Sidekiq ロールの適用</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>ロール</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>ユーザー名</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>パスワード</translation>
    </message>
    <message>
        <source>Apply and verify</source>
        <translation>適用して検証</translation>
    </message>
    <message>
        <source>Copy as command</source>
        <translation>コマンドとしてコピー</translation>
    </message>
</context>
<context>
    <name>kiq::ui::ArmDialog</name>
    <message>
        <source>Arm writes</source>
        <translation>書き込みを有効化</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; is read-only. Arming allows every write (job actions, queue changes, quiet and stop, ACL changes, local workers) until the time below runs out or you disarm.&lt;br&gt;Type the deployment&apos;s name &lt;b&gt;%2&lt;/b&gt; to confirm.</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; は読み取り専用です。有効化すると、下の時間が切れるか無効化するまで、すべての書き込み (ジョブ操作、キューの変更、静止と停止、ACL の変更、ローカルワーカー) が許可されます。&lt;br&gt;確認のため、デプロイメント名 &lt;b&gt;%2&lt;/b&gt; を入力してください。</translation>
    </message>
    <message>
        <source>Why: free text or a ticket id</source>
        <translation>理由: 自由記述またはチケット ID</translation>
    </message>
    <message>
        <source> min</source>
        <translation> min</translation>
    </message>
    <message>
        <source>Deployment name:</source>
        <translation>デプロイメント名:</translation>
    </message>
    <message>
        <source>Reason:</source>
        <translation>理由:</translation>
    </message>
    <message>
        <source>Writes allowed for:</source>
        <translation>書き込みを許可する時間:</translation>
    </message>
</context>
<context>
    <name>kiq::ui::AuditPage</name>
    <message>
        <source>Reload</source>
        <translation>再読み込み</translation>
    </message>
    <message>
        <source>Verify chain</source>
        <translation>チェーンを検証</translation>
    </message>
    <message>
        <source>Export JSONL…</source>
        <translation>JSONL をエクスポート…</translation>
    </message>
    <message>
        <source>Any user (OS or ACL user)</source>
        <translation>すべてのユーザー (OS または ACL ユーザー)</translation>
    </message>
    <message>
        <source>Any action</source>
        <translation>すべての操作</translation>
    </message>
    <message>
        <source>Last hour</source>
        <translation>過去 1 時間</translation>
    </message>
    <message>
        <source>Last 24 hours</source>
        <translation>過去 24 時間</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>過去 7 日間</translation>
    </message>
    <message>
        <source>All</source>
        <translation>すべて</translation>
    </message>
    <message>
        <source>Recompute every entry&apos;s hash and check the chain: deleted, edited or forged entries are marked</source>
        <translation>各エントリのハッシュを再計算してチェーンを検証します: 削除・編集・偽造されたエントリに印が付きます</translation>
    </message>
    <message>
        <source>Every entry of the trail, oldest first, as JSON lines</source>
        <translation>監査ログの全エントリを古い順に JSON Lines で</translation>
    </message>
    <message>
        <source>Export the audit trail</source>
        <translation>監査ログのエクスポート</translation>
    </message>
    <message>
        <source>JSON lines (*.jsonl);;All files (*)</source>
        <translation>JSON Lines (*.jsonl);;すべてのファイル (*)</translation>
    </message>
    <message>
        <source>Audit trail</source>
        <translation>監査ログ</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>未接続</translation>
    </message>
    <message>
        <source>No entries match.</source>
        <translation>一致するエントリはありません。</translation>
    </message>
    <message numerus="yes">
        <source>The newest %n matching entries.</source>
        <translation>
            <numerusform>一致する最新の %n 件のエントリ。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n matching entries.</source>
        <translation>
            <numerusform>一致するエントリ %n 件。</numerusform>
        </translation>
    </message>
    <message>
        <source>Verifying the chain…</source>
        <translation>チェーンを検証中…</translation>
    </message>
    <message>
        <source>Could not verify:</source>
        <translation>検証できませんでした:</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>エクスポート中…</translation>
    </message>
    <message>
        <source>Could not export:</source>
        <translation>エクスポートできませんでした:</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n entries to %1.</source>
        <translation>
            <numerusform>%n 件のエントリを %1 にエクスポートしました。</numerusform>
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
        <translation>%1 (%2 が有効化)</translation>
    </message>
    <message>
        <source>ok</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>Entry %1</source>
        <translation>エントリ %1</translation>
    </message>
    <message>
        <source>Detail: %1</source>
        <translation>詳細: %1</translation>
    </message>
    <message>
        <source>Jobs: %1</source>
        <translation>ジョブ: %1</translation>
    </message>
    <message>
        <source>Chain broken here: %1</source>
        <translation>ここでチェーンが壊れています: %1</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>時刻</translation>
    </message>
    <message>
        <source>User</source>
        <translation>ユーザー</translation>
    </message>
    <message>
        <source>ACL user</source>
        <translation>ACL ユーザー</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>対象</translation>
    </message>
    <message>
        <source>Asked / done / skipped</source>
        <translation>要求 / 完了 / スキップ</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>理由</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>結果</translation>
    </message>
    <message>
        <source>Reason: %1</source>
        <translation>理由: %1</translation>
    </message>
    <message>
        <source>Outcome: %1</source>
        <translation>結果: %1</translation>
    </message>
    <message>
        <source>Filter / detail</source>
        <translation>フィルター / 詳細</translation>
    </message>
</context>
<context>
    <name>kiq::ui::BulkActionFlow</name>
    <message>
        <source>Not connected.</source>
        <translation>未接続です。</translation>
    </message>
    <message>
        <source>Scanning the set…</source>
        <translation>セットをスキャン中…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <source>&lt;b&gt;Preview failed:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;プレビューに失敗しました:&lt;/b&gt; %1</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>キャンセルしました。</translation>
    </message>
    <message>
        <source>Nothing done.</source>
        <translation>何も実行されませんでした。</translation>
    </message>
    <message numerus="yes">
        <source>%1 %n matching job(s)?</source>
        <translation>
            <numerusform>一致する %n 件のジョブに「%1」を実行しますか?</numerusform>
        </translation>
    </message>
    <message>
        <source>%1: working…</source>
        <translation>%1: 処理中…</translation>
    </message>
    <message>
        <source>&lt;b&gt;Failed:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;失敗:&lt;/b&gt; %1</translation>
    </message>
    <message>
        <source>%1: %2 done, %3 already gone, %4 skipped%5</source>
        <translation>%1: 完了 %2、既になし %3、スキップ %4%5</translation>
    </message>
    <message>
        <source> (cancelled; can be resumed)</source>
        <translation> (キャンセル済み。再開できます)</translation>
    </message>
    <message>
        <source>%1: %2 done, %3 scanned</source>
        <translation>%1: 完了 %2、スキャン済み %3</translation>
    </message>
    <message>
        <source>%1 jobs/s</source>
        <translation>%1 ジョブ/秒</translation>
    </message>
    <message>
        <source>Redis busy %1% of the time</source>
        <translation>Redis の使用率 %1%</translation>
    </message>
    <message>
        <source>about %1 left</source>
        <translation>残り約 %1</translation>
    </message>
    <message>
        <source>slowed down: the server answers in %1</source>
        <translation>減速中: サーバーの応答に %1</translation>
    </message>
</context>
<context>
    <name>kiq::ui::BulkPreviewDialog</name>
    <message numerus="yes">
        <source>… and %n more</source>
        <translation>
            <numerusform>… ほか %n 件</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 all matching jobs</source>
        <translation>%1: 一致するすべてのジョブ</translation>
    </message>
    <message>
        <source>Group</source>
        <translation>グループ</translation>
    </message>
    <message>
        <source>Jobs</source>
        <translation>ジョブ</translation>
    </message>
    <message>
        <source>By class</source>
        <translation>クラス別</translation>
    </message>
    <message>
        <source>By queue</source>
        <translation>キュー別</translation>
    </message>
    <message>
        <source>By error</source>
        <translation>エラー別</translation>
    </message>
    <message>
        <source>no limit</source>
        <translation>制限なし</translation>
    </message>
    <message>
        <source> jobs/s</source>
        <translation> ジョブ/s</translation>
    </message>
    <message>
        <source>Rate limit:</source>
        <translation>速度制限:</translation>
    </message>
    <message>
        <source>Continue…</source>
        <translation>続行…</translation>
    </message>
    <message numerus="yes">
        <source>&lt;b&gt;%1&lt;/b&gt; of %2 job(s) match and would be affected by &lt;b&gt;%3&lt;/b&gt;.</source>
        <translation>
            <numerusform>%2 件中 &lt;b&gt;%1&lt;/b&gt; 件のジョブが一致し、&lt;b&gt;%3&lt;/b&gt; の対象になります。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>kiq::ui::BusyJobModel</name>
    <message>
        <source>(unreadable job)</source>
        <translation>(読み取れないジョブ)</translation>
    </message>
    <message>
        <source>Process</source>
        <translation>プロセス</translation>
    </message>
    <message>
        <source>Thread</source>
        <translation>スレッド</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>キュー</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>ジョブ</translation>
    </message>
    <message>
        <source>Arguments</source>
        <translation>引数</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>開始</translation>
    </message>
    <message>
        <source>Running for</source>
        <translation>実行時間</translation>
    </message>
    <message>
        <source>cancelled %1 ago</source>
        <translation>%1 前にキャンセル</translation>
    </message>
    <message>
        <source>execution %1 · %2 iterating · cursor %3</source>
        <translation>実行 %1 回目 · 反復 %2 · カーソル %3</translation>
    </message>
    <message>
        <source>Cursor: %1</source>
        <translation>カーソル: %1</translation>
    </message>
    <message>
        <source>Iteration</source>
        <translation>反復</translation>
    </message>
</context>
<context>
    <name>kiq::ui::BusyPage</name>
    <message>
        <source>Reload</source>
        <translation>再読み込み</translation>
    </message>
    <message>
        <source>Quiet selected</source>
        <translation>選択を静止</translation>
    </message>
    <message>
        <source>Stop selected</source>
        <translation>選択を停止</translation>
    </message>
    <message>
        <source>Quiet all</source>
        <translation>すべて静止</translation>
    </message>
    <message>
        <source>Stop all</source>
        <translation>すべて停止</translation>
    </message>
    <message>
        <source>Processes</source>
        <translation>プロセス</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>未接続です。</translation>
    </message>
    <message>
        <source>Busy</source>
        <translation>実行中</translation>
    </message>
    <message>
        <source>Quiet</source>
        <translation>静止</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message numerus="yes">
        <source>Quiet %n process(es)? They finish their current jobs and fetch no new ones.</source>
        <translation>
            <numerusform>%n 個のプロセスを静止しますか? 現在のジョブを終えた後、新しいジョブを取得しなくなります。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Stop %n process(es)? They shut down; unfinished jobs go back to their queues.</source>
        <translation>
            <numerusform>%n 個のプロセスを停止しますか? プロセスは終了し、未完了のジョブはキューに戻ります。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 sent to %n process(es); they act at their next heartbeat.</source>
        <translation>
            <numerusform>%1 を %n 個のプロセスに送信しました。次のハートビートで反映されます。</numerusform>
        </translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>未接続</translation>
    </message>
    <message>
        <source>No Sidekiq process is running</source>
        <translation>Sidekiq プロセスは実行されていません</translation>
    </message>
    <message>
        <source>Select processes in the table first</source>
        <translation>先に表でプロセスを選択してください</translation>
    </message>
    <message>
        <source>Stop fetching new jobs; running jobs finish</source>
        <translation>新しいジョブの取得を停止します。実行中のジョブは完了します</translation>
    </message>
    <message>
        <source>Shut the selected processes down</source>
        <translation>選択したプロセスを終了します</translation>
    </message>
    <message>
        <source>Quiet every listed process</source>
        <translation>一覧のすべてのプロセスを静止します</translation>
    </message>
    <message>
        <source>Shut every listed process down</source>
        <translation>一覧のすべてのプロセスを終了します</translation>
    </message>
    <message>
        <source>%1, %2</source>
        <translation>%1、%2</translation>
    </message>
    <message numerus="yes">
        <source>%Ln process(es)</source>
        <translation>
            <numerusform>%Ln 個のプロセス</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln job(s) running</source>
        <translation>
            <numerusform>%Ln 件のジョブが実行中</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 failed:</source>
        <translation>%1 が失敗しました:</translation>
    </message>
    <message>
        <source>Copy as command</source>
        <translation>コマンドとしてコピー</translation>
    </message>
    <message>
        <source>Select processes first.</source>
        <translation>先にプロセスを選択してください。</translation>
    </message>
    <message>
        <source>Cancel iteration</source>
        <translation>反復をキャンセル</translation>
    </message>
    <message>
        <source>Select a running iterable job first</source>
        <translation>まず実行中の反復ジョブを選択してください</translation>
    </message>
    <message>
        <source>Only iterable jobs (Sidekiq 7.3 and later) can be cancelled; this one is not</source>
        <translation>キャンセルできるのは反復ジョブ (Sidekiq 7.3 以降) だけです。このジョブは違います</translation>
    </message>
    <message>
        <source>Cancelled already: it stops at its next state save</source>
        <translation>キャンセル済みです。次の状態保存で停止します</translation>
    </message>
    <message>
        <source>Ask the job to stop at its next state save (about every 5 s)</source>
        <translation>次の状態保存 (約 5 s ごと) で停止するようジョブに依頼します</translation>
    </message>
    <message>
        <source>Cancel %1 (%2) on %3? It stops at its next state save and runs its on_cancel callback; this cannot be undone.</source>
        <translation>%3 の %1 (%2) をキャンセルしますか? 次の状態保存で停止し、on_cancel コールバックを実行します。元に戻すことはできません。</translation>
    </message>
    <message>
        <source>Cancel failed:</source>
        <translation>キャンセルに失敗しました:</translation>
    </message>
    <message>
        <source>%1 is cancelled; it stops at its next state save.</source>
        <translation>%1 をキャンセルしました。次の状態保存で停止します。</translation>
    </message>
    <message>
        <source>Filter running jobs by process, queue, job class, arguments or JID</source>
        <translation>実行中のジョブをプロセス・キュー・ジョブクラス・引数・JID で絞り込み</translation>
    </message>
    <message numerus="yes">
        <source>%Ln shown</source>
        <translation>
            <numerusform>%Ln 件表示</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>kiq::ui::ChartExport</name>
    <message>
        <source>Export as CSV…</source>
        <translation>CSV としてエクスポート…</translation>
    </message>
    <message>
        <source>Export as CSV</source>
        <translation>CSV としてエクスポート</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV ファイル (*.csv)</translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>%1 を書き込めませんでした: %2</translation>
    </message>
</context>
<context>
    <name>kiq::ui::ClientCensusModel</name>
    <message>
        <source>not identified</source>
        <translation>不明</translation>
    </message>
    <message>
        <source>%1 more</source>
        <translation>他 %1 件</translation>
    </message>
    <message>
        <source>Connections waiting in a blocking command, such as Sidekiq&apos;s fetchers in BRPOP.</source>
        <translation>ブロッキングコマンドで待機中の接続（BRPOP 中の Sidekiq のフェッチャーなど）。</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>ホスト</translation>
    </message>
    <message>
        <source>Client library</source>
        <translation>クライアントライブラリ</translation>
    </message>
    <message>
        <source>Sidekiq</source>
        <translation>Sidekiq</translation>
    </message>
    <message>
        <source>Connections</source>
        <translation>接続</translation>
    </message>
    <message>
        <source>Blocked</source>
        <translation>ブロック中</translation>
    </message>
    <message>
        <source>Oldest</source>
        <translation>最長</translation>
    </message>
    <message>
        <source>Names</source>
        <translation>名前</translation>
    </message>
    <message>
        <source>These clients sent no CLIENT SETINFO (Redis 7.2+), so their library and version are unknown. Sidekiq 6 (redis-rb 4) and every client on Redis before 7.2 look like this; Sidekiq 8.1.5+ identifies itself.</source>
        <translation>これらのクライアントは CLIENT SETINFO（Redis 7.2+）を送っていないため、ライブラリとバージョンは不明です。Sidekiq 6（redis-rb 4）と Redis 7.2 未満のすべてのクライアントはこう表示されます。Sidekiq 8.1.5+ は自身を名乗ります。</translation>
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
        <translation>名前</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>アドレス</translation>
    </message>
    <message>
        <source>User</source>
        <translation>ユーザー</translation>
    </message>
    <message>
        <source>Connected for</source>
        <translation>接続時間</translation>
    </message>
    <message>
        <source>Idle</source>
        <translation>アイドル</translation>
    </message>
    <message>
        <source>DB</source>
        <translation>DB</translation>
    </message>
    <message>
        <source>Last command</source>
        <translation>最後のコマンド</translation>
    </message>
    <message>
        <source>Flags</source>
        <translation>フラグ</translation>
    </message>
</context>
<context>
    <name>kiq::ui::CommandPalette</name>
    <message>
        <source>Command palette</source>
        <translation>コマンドパレット</translation>
    </message>
    <message>
        <source>Type an action, a deployment or a page…</source>
        <translation>操作、デプロイメント、ページの名前を入力…</translation>
    </message>
</context>
<context>
    <name>kiq::ui::ConnectionDialog</name>
    <message>
        <source>Enter the server&apos;s host name or address.</source>
        <translation>サーバーのホスト名またはアドレスを入力してください。</translation>
    </message>
    <message>
        <source>Ask for the password when connecting</source>
        <translation>接続時にパスワードを尋ねる</translation>
    </message>
    <message>
        <source> ms</source>
        <translation> ms</translation>
    </message>
    <message>
        <source>&amp;Test connection</source>
        <translation>接続をテスト(&amp;T)</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>接続</translation>
    </message>
    <message>
        <source>Security</source>
        <translation>セキュリティ</translation>
    </message>
    <message>
        <source>Advanced</source>
        <translation>詳細設定</translation>
    </message>
    <message>
        <source>Tag colour</source>
        <translation>タグの色</translation>
    </message>
    <message>
        <source>redis://user:password@host:6379/0 or rediss://…</source>
        <translation>redis://user:password@host:6379/0 または rediss://…</translation>
    </message>
    <message>
        <source>Fill in</source>
        <translation>入力</translation>
    </message>
    <message>
        <source>e.g. Billing production</source>
        <translation>例: 請求システム本番</translation>
    </message>
    <message>
        <source>none (e.g. myapp: for redis-namespace)</source>
        <translation>なし (例: redis-namespace 用の myapp:)</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>名前:</translation>
    </message>
    <message>
        <source>Environment:</source>
        <translation>環境:</translation>
    </message>
    <message>
        <source>URL:</source>
        <translation>URL:</translation>
    </message>
    <message>
        <source>Database:</source>
        <translation>データベース:</translation>
    </message>
    <message>
        <source>Namespace prefix:</source>
        <translation>名前空間プレフィックス:</translation>
    </message>
    <message>
        <source>default</source>
        <translation>既定</translation>
    </message>
    <message>
        <source>not saved: asked when connecting</source>
        <translation>保存されません: 接続時に尋ねます</translation>
    </message>
    <message>
        <source>Authentication</source>
        <translation>認証</translation>
    </message>
    <message>
        <source>Username:</source>
        <translation>ユーザー名:</translation>
    </message>
    <message>
        <source>Password:</source>
        <translation>パスワード:</translation>
    </message>
    <message>
        <source>none (CLIENT SETNAME is skipped)</source>
        <translation>なし (CLIENT SETNAME は送信しません)</translation>
    </message>
    <message>
        <source>Connect timeout:</source>
        <translation>接続タイムアウト:</translation>
    </message>
    <message>
        <source>Command timeout:</source>
        <translation>コマンドタイムアウト:</translation>
    </message>
    <message>
        <source>Connection attempts:</source>
        <translation>接続試行回数:</translation>
    </message>
    <message>
        <source>First retry after:</source>
        <translation>最初の再試行までの時間:</translation>
    </message>
    <message>
        <source>Client name:</source>
        <translation>クライアント名:</translation>
    </message>
    <message>
        <source>Cannot read this URL: %1</source>
        <translation>この URL を読み取れません: %1</translation>
    </message>
    <message>
        <source>Testing %1…</source>
        <translation>%1 をテスト中…</translation>
    </message>
    <message>
        <source>Connection failed: %1</source>
        <translation>接続に失敗しました: %1</translation>
    </message>
    <message>
        <source>Connected; PING answered in %1. INFO is not allowed for this user: %2</source>
        <translation>接続しました。PING の応答時間は %1 です。このユーザーには INFO が許可されていません: %2</translation>
    </message>
    <message>
        <source>Connected to Redis %1 (%2); round trip %3.</source>
        <translation>Redis %1 (%2) に接続しました。往復時間 %3。</translation>
    </message>
    <message>
        <source>Read-only: writes need arming with a reason</source>
        <translation>読み取り専用: 書き込みには理由を添えた有効化が必要です</translation>
    </message>
    <message>
        <source> min</source>
        <translation> min</translation>
    </message>
    <message>
        <source>Arm for:</source>
        <translation>有効化の時間:</translation>
    </message>
    <message>
        <source>Writes:</source>
        <translation>書き込み:</translation>
    </message>
    <message>
        <source>Production deployments always open read-only.</source>
        <translation>本番のデプロイメントは常に読み取り専用で開きます。</translation>
    </message>
    <message>
        <source>Open this deployment read-only, as production is.</source>
        <translation>本番と同様に、このデプロイメントを読み取り専用で開きます。</translation>
    </message>
    <message>
        <source> entries</source>
        <translation> 件</translation>
    </message>
    <message>
        <source>The shared audit trail (the kiqdesk:audit stream in this deployment&apos;s Redis) keeps about this many entries; older ones are trimmed. About 1 KB each.</source>
        <translation>共有の監査ログ（このデプロイメントの Redis にある kiqdesk:audit ストリーム）は、およそこの件数のエントリを保持し、古いものは削除されます。1 件あたり約 1 KB です。</translation>
    </message>
    <message>
        <source>Audit trail keeps about:</source>
        <translation>監査ログの保持件数（目安）:</translation>
    </message>
    <message>
        <source>&amp;Diagnose…</source>
        <translation>診断(&amp;D)…</translation>
    </message>
    <message>
        <source>Take the connection apart step by step and say what to fix</source>
        <translation>接続を段階ごとに調べ、何を直すべきかを示します</translation>
    </message>
    <message>
        <source>Finding the step that fails…</source>
        <translation>失敗しているステップを調べています…</translation>
    </message>
    <message>
        <source>Diagnose… shows every step.</source>
        <translation>「診断…」ですべてのステップを表示します。</translation>
    </message>
    <message>
        <source>As the environment: production 25%, staging 50%, else 100%</source>
        <translation>環境に従う: 本番 25%、ステージング 50%、その他 100%</translation>
    </message>
    <message>
        <source>%1% of Redis time</source>
        <translation>Redis 時間の %1%</translation>
    </message>
    <message>
        <source>Unlimited (fastest, heaviest on other clients)</source>
        <translation>無制限 (最速、他のクライアントへの負荷が最大)</translation>
    </message>
    <message>
        <source>Bulk actions, job index builds and the security audit&apos;s sample keep Redis busy at most this share of each second, so the apps sharing it keep their latency. They slow down further while the server answers late.</source>
        <translation>一括操作、ジョブインデックスの構築、セキュリティ監査のサンプル読み取りは、毎秒この割合までしか Redis を占有しません。Redis を共有するアプリのレイテンシを守るためです。サーバーの応答が遅いときはさらに減速します。</translation>
    </message>
    <message>
        <source>Long operations may take:</source>
        <translation>長い処理が使える時間:</translation>
    </message>
    <message>
        <source>Redis runs one command at a time: every other client waits while one of ours runs. Calls are sized by measured time to hold it about this long.</source>
        <translation>Redis はコマンドを 1 つずつ実行します。こちらのコマンドの実行中は他のクライアントがすべて待ちます。各呼び出しは、測定した時間をもとにおよそこの長さだけ Redis を占有するよう分割されます。</translation>
    </message>
    <message>
        <source>One call holds Redis about:</source>
        <translation>1 回の呼び出しで Redis を占有する時間:</translation>
    </message>
    <message>
        <source>Post this deployment&apos;s alerts to a webhook (its URL comes from the source above)</source>
        <translation>このデプロイメントのアラートを Webhook に送信する（URL は上のソースから取得）</translation>
    </message>
    <message>
        <source>Each alert as a JSON POST, for chat tools. The URL holds the tool&apos;s token: it is kept like a password, never in the profile file.</source>
        <translation>各アラートを JSON の POST で送信します（チャットツール向け）。URL にはツールのトークンが含まれるため、パスワードと同様に保管され、プロファイルファイルには保存されません。</translation>
    </message>
</context>
<context>
    <name>kiq::ui::DailyHistoryChart</name>
    <message>
        <source>Processed</source>
        <translation>処理済み</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失敗</translation>
    </message>
    <message>
        <source>Daily history (Sidekiq, UTC days)</source>
        <translation>日別の履歴 (Sidekiq、UTC 日)</translation>
    </message>
    <message>
        <source>%1 (UTC): %2 processed, %3 failed</source>
        <translation>%1 (UTC): 処理 %2、失敗 %3</translation>
    </message>
</context>
<context>
    <name>kiq::ui::Deployment</name>
    <message>
        <source>Not connected</source>
        <translation>未接続</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>接続中…</translation>
    </message>
    <message>
        <source>Reachable</source>
        <translation>到達可能</translation>
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
        <translation>先に理由を添えて書き込みを有効化してください</translation>
    </message>
    <message>
        <source>%1. Try again (or press F5) to enter the password again.</source>
        <translation>%1。パスワードを再入力するには、もう一度試してください (または F5 を押します)。</translation>
    </message>
    <message>
        <source>Server certificate</source>
        <translation>サーバー証明書</translation>
    </message>
    <message>
        <source>CA certificate</source>
        <translation>CA 証明書</translation>
    </message>
    <message>
        <source>Client certificate</source>
        <translation>クライアント証明書</translation>
    </message>
    <message numerus="yes">
        <source>%1 “%2” expired %n day(s) ago (%3)</source>
        <translation>
            <numerusform>%1 “%2” は %n 日前に期限切れになりました (%3)</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 “%2” expires today (%3)</source>
        <translation>%1 “%2” は本日期限切れになります (%3)</translation>
    </message>
    <message numerus="yes">
        <source>%1 “%2” expires in %n day(s) (%3)</source>
        <translation>
            <numerusform>%1 “%2” はあと %n 日で期限切れになります (%3)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>kiq::ui::DeploymentPage</name>
    <message>
        <source>This page has no write path.</source>
        <translation>このページには書き込み操作がありません。</translation>
    </message>
    <message>
        <source>&lt;b&gt;Undo failed:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;元に戻せませんでした:&lt;/b&gt; %1</translation>
    </message>
    <message numerus="yes">
        <source>Put back %1 job(s), %2 already there</source>
        <translation>
            <numerusform>%1 件のジョブを戻しました（%2 件は既に存在）</numerusform>
        </translation>
    </message>
    <message>
        <source>Copied the command; replace the --arm placeholder with the reason before running it.</source>
        <translation>コマンドをコピーしました。実行する前に --arm のプレースホルダーを理由に置き換えてください。</translation>
    </message>
    <message>
        <source>Copied the command: %1</source>
        <translation>コマンドをコピーしました: %1</translation>
    </message>
    <message>
        <source>Not permitted for user %1: needs %2</source>
        <translation>ユーザー %1 には許可されていません: %2 が必要です</translation>
    </message>
    <message>
        <source>&lt;b&gt;Export failed:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;エクスポートに失敗しました:&lt;/b&gt; %1</translation>
    </message>
    <message>
        <source>&lt;b&gt;Could not write %1:&lt;/b&gt; %2</source>
        <translation>&lt;b&gt;%1 を書き込めませんでした:&lt;/b&gt; %2</translation>
    </message>
    <message>
        <source> · %1 no longer there</source>
        <translation> · %1 件はもうありません</translation>
    </message>
    <message>
        <source> · arguments as they are (recorded in the audit trail)</source>
        <translation> · 引数はそのまま (監査証跡に記録)</translation>
    </message>
    <message>
        <source> · redacted: for reading, not for import</source>
        <translation> · 秘匿済み: 閲覧用、インポート不可</translation>
    </message>
    <message>
        <source>&lt;b&gt;Could not read %1:&lt;/b&gt; %2</source>
        <translation>&lt;b&gt;%1 を読み込めませんでした:&lt;/b&gt; %2</translation>
    </message>
    <message>
        <source>%1 is a redacted export: its arguments are masked, so its jobs cannot be imported. Export them again with the arguments as they are.</source>
        <translation>%1 は秘匿済みのエクスポートです。引数が伏せられているため、ジョブをインポートできません。引数をそのままにして再度エクスポートしてください。</translation>
    </message>
    <message>
        <source>No jobs in %1%2</source>
        <translation>%1 にジョブがありません%2</translation>
    </message>
    <message>
        <source>Import jobs</source>
        <translation>ジョブをインポート</translation>
    </message>
    <message>
        <source>&lt;b&gt;Import failed:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;インポートに失敗しました:&lt;/b&gt; %1</translation>
    </message>
    <message>
        <source>Job file</source>
        <translation>ジョブファイル</translation>
    </message>
    <message>
        <source>Export jobs</source>
        <translation>ジョブをエクスポート</translation>
    </message>
    <message>
        <source>Job files (*.jsonl);;All files (*)</source>
        <translation>ジョブファイル (*.jsonl);;すべてのファイル (*)</translation>
    </message>
    <message>
        <source>Export selected…</source>
        <translation>選択をエクスポート…</translation>
    </message>
    <message>
        <source>Export selected with arguments as they are…</source>
        <translation>選択を引数そのままでエクスポート…</translation>
    </message>
    <message>
        <source>Byte-exact, for import elsewhere; recorded in the audit trail</source>
        <translation>バイト単位で正確、他の場所へのインポート用。監査証跡に記録されます</translation>
    </message>
    <message>
        <source>Import jobs…</source>
        <translation>ジョブをインポート…</translation>
    </message>
    <message numerus="yes">
        <source>Exported %1 job(s) to %2</source>
        <translation>
            <numerusform>%1 件のジョブを %2 にエクスポートしました</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Import %1 job(s) from %2 into %3?</source>
        <translation>
            <numerusform>%2 から %1 件のジョブを %3 にインポートしますか?</numerusform>
        </translation>
    </message>
    <message>
        <source>Lines that could not be read, left out: %1; the first: %2</source>
        <translation>読み込めずに除外した行: %1。最初の行: %2</translation>
    </message>
    <message numerus="yes">
        <source>Imported %1 job(s), %2 already there, %3 not jobs, %4 unreadable lines</source>
        <translation>
            <numerusform>%1 件のジョブをインポート、%2 件は既存、%3 件はジョブではない、読めない行 %4</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>kiq::ui::DeploymentView</name>
    <message>
        <source>Connect…</source>
        <translation>接続…</translation>
    </message>
    <message>
        <source>&lt;b&gt;Warning:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;警告:&lt;/b&gt; %1</translation>
    </message>
    <message>
        <source>Try again…</source>
        <translation>再試行…</translation>
    </message>
    <message>
        <source>Read-only</source>
        <translation>読み取り専用</translation>
    </message>
    <message>
        <source>Writes to this deployment are refused until you arm them with a reason.</source>
        <translation>理由を添えて有効化するまで、このデプロイメントへの書き込みは拒否されます。</translation>
    </message>
    <message>
        <source>Arm writes…</source>
        <translation>書き込みを有効化…</translation>
    </message>
    <message>
        <source>Allow writes for a while, with a reason</source>
        <translation>理由を添えて一定時間書き込みを許可します</translation>
    </message>
    <message>
        <source>until disarmed</source>
        <translation>無効化するまで</translation>
    </message>
    <message>
        <source>%1:%2 left</source>
        <translation>残り %1:%2</translation>
    </message>
    <message>
        <source>Writes armed: %1</source>
        <translation>書き込み有効: %1</translation>
    </message>
    <message>
        <source>Armed by %1 at %2: %3</source>
        <translation>%1 が %2 に有効化: %3</translation>
    </message>
    <message>
        <source>Disarm</source>
        <translation>無効化</translation>
    </message>
    <message>
        <source>Back to read-only now</source>
        <translation>今すぐ読み取り専用に戻します</translation>
    </message>
</context>
<context>
    <name>kiq::ui::DoctorDialog</name>
    <message>
        <source>Run &amp;again</source>
        <translation>再実行(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Copy report</source>
        <translation>レポートをコピー(&amp;C)</translation>
    </message>
    <message>
        <source>Connection doctor — %1</source>
        <translation>接続診断 — %1</translation>
    </message>
    <message>
        <source>Sentinel</source>
        <translation>Sentinel</translation>
    </message>
    <message>
        <source>Name lookup</source>
        <translation>名前解決</translation>
    </message>
    <message>
        <source>TCP connection</source>
        <translation>TCP 接続</translation>
    </message>
    <message>
        <source>Certificate files</source>
        <translation>証明書ファイル</translation>
    </message>
    <message>
        <source>TLS handshake</source>
        <translation>TLS ハンドシェイク</translation>
    </message>
    <message>
        <source>Server certificate</source>
        <translation>サーバー証明書</translation>
    </message>
    <message>
        <source>Client certificate</source>
        <translation>クライアント証明書</translation>
    </message>
    <message>
        <source>Authentication</source>
        <translation>認証</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>サーバー</translation>
    </message>
    <message>
        <source>Reading Sidekiq&apos;s data</source>
        <translation>Sidekiq データの読み取り</translation>
    </message>
    <message>
        <source>Writing (armed)</source>
        <translation>書き込み(アーム時)</translation>
    </message>
    <message>
        <source>Examining %1…</source>
        <translation>%1 を調べています…</translation>
    </message>
    <message>
        <source>The credential helper failed: %1</source>
        <translation>認証情報ヘルパーが失敗しました: %1</translation>
    </message>
    <message>
        <source>No password is at hand: the doctor connects without it.</source>
        <translation>パスワードがありません: 診断はパスワードなしで接続します。</translation>
    </message>
    <message>
        <source>No Sentinel password is at hand: the doctor connects without it.</source>
        <translation>Sentinel のパスワードがありません: 診断はパスワードなしで接続します。</translation>
    </message>
    <message>
        <source>No passphrase for the client key is at hand: the doctor loads the key without it.</source>
        <translation>クライアント鍵のパスフレーズがありません: 診断はパスフレーズなしで鍵を読み込みます。</translation>
    </message>
    <message>
        <source>pass</source>
        <translation>合格</translation>
    </message>
    <message>
        <source>warn</source>
        <translation>警告</translation>
    </message>
    <message>
        <source>fail</source>
        <translation>失敗</translation>
    </message>
    <message>
        <source>skipped</source>
        <translation>スキップ</translation>
    </message>
    <message>
        <source>Fix:</source>
        <translation>対処:</translation>
    </message>
    <message numerus="yes">
        <source>%n step(s) failed</source>
        <translation>
            <numerusform>%n 個のステップが失敗しました</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>, %n warning(s)</source>
        <translation>
            <numerusform>、警告 %n 件</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The connection works, with %n warning(s)</source>
        <translation>
            <numerusform>接続は動作しています(警告 %n 件)</numerusform>
        </translation>
    </message>
    <message>
        <source>Every step passed</source>
        <translation>すべてのステップに合格しました</translation>
    </message>
</context>
<context>
    <name>kiq::ui::Environment</name>
    <message>
        <source>Development</source>
        <translation>開発</translation>
    </message>
    <message>
        <source>Staging</source>
        <translation>ステージング</translation>
    </message>
    <message>
        <source>Production</source>
        <translation>本番</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>その他</translation>
    </message>
</context>
<context>
    <name>kiq::ui::ExecutionHistogramChart</name>
    <message>
        <source>Jobs</source>
        <translation>ジョブ</translation>
    </message>
    <message>
        <source>Execution times of %1 (successful jobs)</source>
        <translation>%1 の実行時間（成功したジョブ）</translation>
    </message>
    <message>
        <source>Execution times</source>
        <translation>実行時間</translation>
    </message>
    <message>
        <source>over %1</source>
        <translation>%1 超</translation>
    </message>
    <message>
        <source>under %1</source>
        <translation>%1 未満</translation>
    </message>
    <message numerus="yes">
        <source>%1: %2 job(s)</source>
        <translation>
            <numerusform>%1: %2 件のジョブ</numerusform>
        </translation>
    </message>
    <message>
        <source>Execution time, up to</source>
        <translation>実行時間（上限）</translation>
    </message>
</context>
<context>
    <name>kiq::ui::FailureGroupModel</name>
    <message>
        <source>(no error)</source>
        <translation>(エラーなし)</translation>
    </message>
    <message>
        <source>Jobs</source>
        <translation>ジョブ</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>エラー</translation>
    </message>
    <message>
        <source>Message (normalised)</source>
        <translation>メッセージ (正規化済み)</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>ジョブ</translation>
    </message>
    <message>
        <source>First seen</source>
        <translation>初回確認</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>最終確認</translation>
    </message>
</context>
<context>
    <name>kiq::ui::FirstRunDialog</name>
    <message>
        <source>Welcome to Kiqdesk</source>
        <translation>Kiqdesk へようこそ</translation>
    </message>
    <message>
        <source>Kiqdesk watches Sidekiq job systems on Redis. There is no connection yet.</source>
        <translation>Kiqdesk は Redis 上の Sidekiq ジョブシステムを監視します。まだ接続がありません。</translation>
    </message>
    <message>
        <source>Start a local sandbox</source>
        <translation>ローカルサンドボックスを起動</translation>
    </message>
    <message>
        <source>A private Redis on this computer, gone when Kiqdesk quits. Nothing you do there touches a real deployment.</source>
        <translation>このコンピューター上の専用 Redis で、Kiqdesk の終了時に消えます。そこでの操作が実際のデプロイメントに影響することはありません。</translation>
    </message>
    <message>
        <source>Add a connection</source>
        <translation>接続を追加</translation>
    </message>
    <message>
        <source>Connect to your own Redis: standalone, Sentinel or Cluster, with or without TLS.</source>
        <translation>自分の Redis に接続します: スタンドアロン、Sentinel、Cluster、TLS の有無を問いません。</translation>
    </message>
    <message>
        <source>Not now</source>
        <translation>後で</translation>
    </message>
</context>
<context>
    <name>kiq::ui::FleetModel</name>
    <message>
        <source>Deployment</source>
        <translation>デプロイメント</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状態</translation>
    </message>
    <message>
        <source>Enqueued</source>
        <translation>キュー内</translation>
    </message>
    <message>
        <source>Max latency</source>
        <translation>最大レイテンシ</translation>
    </message>
    <message>
        <source>Busy</source>
        <translation>実行中</translation>
    </message>
    <message>
        <source>Processes</source>
        <translation>プロセス</translation>
    </message>
    <message>
        <source>Retries</source>
        <translation>再試行</translation>
    </message>
    <message>
        <source>Dead</source>
        <translation>デッド</translation>
    </message>
    <message>
        <source>Dead, last hour</source>
        <translation>デッド (過去 1 時間)</translation>
    </message>
    <message>
        <source>Redis memory</source>
        <translation>Redis メモリ</translation>
    </message>
    <message>
        <source>Queue “%1”</source>
        <translation>キュー “%1”</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>エラー</translation>
    </message>
    <message>
        <source>Reachable</source>
        <translation>到達可能</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>未接続</translation>
    </message>
    <message>
        <source>no jobs waiting</source>
        <translation>待機中のジョブなし</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <source>Jobs that died since %1 and are still in the dead set</source>
        <translation>%1 以降にデッドになり、まだデッドセットにあるジョブ</translation>
    </message>
    <message>
        <source>Security</source>
        <translation>セキュリティ</translation>
    </message>
    <message>
        <source>auditing…</source>
        <translation>監査中…</translation>
    </message>
    <message>
        <source>%1 fail · %2 warn</source>
        <translation>失敗 %1 · 警告 %2</translation>
    </message>
    <message>
        <source>%1 fail</source>
        <translation>失敗 %1</translation>
    </message>
    <message>
        <source>%1 warn</source>
        <translation>警告 %1</translation>
    </message>
    <message>
        <source>pass</source>
        <translation>合格</translation>
    </message>
    <message>
        <source>Not audited yet: Audit all, or the deployment&apos;s Security page</source>
        <translation>まだ監査されていません: 「すべて監査」またはデプロイメントのセキュリティページから</translation>
    </message>
    <message>
        <source>Audited %1: %2 fail, %3 warn, %4 could not check, %5 pass</source>
        <translation>監査 %1: 失敗 %2、警告 %3、確認不可 %4、合格 %5</translation>
    </message>
    <message>
        <source>Forecast</source>
        <translation>予測</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>measuring…</source>
        <translation>計測中…</translation>
    </message>
    <message>
        <source>All queues: %1 jobs/min arrive, %2 jobs/min done.</source>
        <translation>全キュー: 到着 %1 ジョブ/分、完了 %2 ジョブ/分。</translation>
    </message>
    <message>
        <source>%1 of Sidekiq&apos;s cap of %2 dead jobs (%3 %)</source>
        <translation>Sidekiq の上限 %2 件のデッドジョブのうち %1 件 (%3%)</translation>
    </message>
    <message>
        <source>At the cap: each new dead job drops the oldest.</source>
        <translation>上限に達しています。新しいデッドジョブが入るたびに最も古いものが削除されます。</translation>
    </message>
    <message numerus="yes">
        <source>About %1 dropped in the last hour (by the cap, or removed by hand).</source>
        <translation>
            <numerusform>直近 1 時間に約 %1 件が削除されました (上限によるもの、または手動で削除)。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>kiq::ui::FleetSearchDialog</name>
    <message>
        <source>&amp;Search</source>
        <translation>検索(&amp;S)</translation>
    </message>
    <message>
        <source>S&amp;top</source>
        <translation>停止(&amp;T)</translation>
    </message>
    <message>
        <source>Find in all deployments</source>
        <translation>すべてのデプロイメントで検索</translation>
    </message>
    <message>
        <source>A JID, or text in a job&apos;s class, arguments or error</source>
        <translation>JID、またはジョブのクラス・引数・エラー内のテキスト</translation>
    </message>
    <message>
        <source>Deployment</source>
        <translation>デプロイメント</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>進行状況</translation>
    </message>
    <message>
        <source>Hits</source>
        <translation>ヒット</translation>
    </message>
    <message>
        <source>Arguments and messages are matched as each deployment&apos;s redaction rules show them. Open a hit (double-click or Enter) to see it on its page.</source>
        <translation>引数とメッセージは各デプロイメントの秘匿ルールで表示されるとおりに照合されます。ヒットを開く（ダブルクリックまたは Enter）と、そのページで表示されます。</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>未接続</translation>
    </message>
    <message>
        <source>The connection was reset</source>
        <translation>接続がリセットされました</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>停止しました</translation>
    </message>
    <message>
        <source>%1 (after %2 of %3 jobs)</source>
        <translation>%1（%3 件中 %2 件のジョブの後）</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>開始しています…</translation>
    </message>
    <message>
        <source>Reading %1: %2 of %3 jobs</source>
        <translation>%1 を読み取り中: %3 件中 %2 件のジョブ</translation>
    </message>
    <message>
        <source>Stopped at %1 hits: narrow the search</source>
        <translation>%1 件のヒットで停止しました: 検索を絞り込んでください</translation>
    </message>
    <message>
        <source>Done: %1 jobs in %2</source>
        <translation>完了: %2 で %1 件のジョブ</translation>
    </message>
    <message>
        <source>Type a JID or some text, then Enter.</source>
        <translation>JID またはテキストを入力して Enter を押してください。</translation>
    </message>
    <message numerus="yes">
        <source>%1 hit(s)</source>
        <translation>
            <numerusform>%1 件のヒット</numerusform>
        </translation>
    </message>
    <message>
        <source>Searching %1 of %2 deployments… %3 so far, %4 jobs examined</source>
        <translation>%2 個中 %1 個のデプロイメントを検索中… これまでに %3、%4 件のジョブを確認</translation>
    </message>
    <message>
        <source>%1 in %2 jobs</source>
        <translation>%2 件のジョブ中 %1</translation>
    </message>
</context>
<context>
    <name>kiq::ui::FleetSearchModel</name>
    <message>
        <source>Busy on %1</source>
        <translation>%1 で実行中</translation>
    </message>
    <message>
        <source>Queue %1</source>
        <translation>キュー %1</translation>
    </message>
    <message>
        <source>Scheduled</source>
        <translation>予定</translation>
    </message>
    <message>
        <source>Retries</source>
        <translation>再試行</translation>
    </message>
    <message>
        <source>Dead</source>
        <translation>デッド</translation>
    </message>
    <message>
        <source>Malformed: %1</source>
        <translation>不正な形式: %1</translation>
    </message>
    <message>
        <source>Deployment</source>
        <translation>デプロイメント</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>場所</translation>
    </message>
    <message>
        <source>JID</source>
        <translation>JID</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>クラス</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>エラー</translation>
    </message>
    <message>
        <source>Arguments</source>
        <translation>引数</translation>
    </message>
</context>
<context>
    <name>kiq::ui::FleetView</name>
    <message>
        <source>Fleet overview</source>
        <translation>フリート概要</translation>
    </message>
    <message numerus="yes">
        <source>Every deployment, refreshed every %n second(s). Double-click a row to open it.</source>
        <translation>
            <numerusform>すべてのデプロイメントを %n 秒ごとに更新します。行をダブルクリックすると開きます。</numerusform>
        </translation>
    </message>
    <message>
        <source>Updated at %1</source>
        <translation>%1 に更新</translation>
    </message>
    <message>
        <source>Audit all</source>
        <translation>すべて監査</translation>
    </message>
    <message>
        <source>Run the security audit of every connected deployment (reads only)</source>
        <translation>接続中のすべてのデプロイメントでセキュリティ監査を実行します(読み取りのみ)</translation>
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
        <translation>%1 分</translation>
    </message>
    <message>
        <source>%1 h</source>
        <translation>%1 時間</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 時間 %2 分</translation>
    </message>
    <message>
        <source>%1 d</source>
        <translation>%1 日</translation>
    </message>
    <message>
        <source>over %1 SLO</source>
        <translation>SLO %1 超過</translation>
    </message>
    <message>
        <source>breaches %1 SLO in ~%2</source>
        <translation>約 %2 後に SLO %1 超過</translation>
    </message>
    <message>
        <source>measuring…</source>
        <translation>計測中…</translation>
    </message>
    <message>
        <source>keeps up</source>
        <translation>追いついている</translation>
    </message>
    <message>
        <source>empty in ~%1</source>
        <translation>約 %1 で空</translation>
    </message>
    <message>
        <source>growing %1/min</source>
        <translation>%1/分 で増加</translation>
    </message>
    <message>
        <source>A forecast needs a few refreshes of history.</source>
        <translation>予測には数回分の更新履歴が必要です。</translation>
    </message>
    <message>
        <source>Empty.</source>
        <translation>空です。</translation>
    </message>
    <message>
        <source>Draining %1 jobs/min.</source>
        <translation>%1 ジョブ/分 で減少中。</translation>
    </message>
    <message>
        <source>Growing %1 jobs/min.</source>
        <translation>%1 ジョブ/分 で増加中。</translation>
    </message>
    <message>
        <source>Arrivals and completions about even.</source>
        <translation>到着と完了がほぼ同じです。</translation>
    </message>
    <message>
        <source>Latency %1, rising %2/min.</source>
        <translation>レイテンシ %1、%2/分 で上昇中。</translation>
    </message>
    <message>
        <source>Latency %1, falling %2/min.</source>
        <translation>レイテンシ %1、%2/分 で低下中。</translation>
    </message>
    <message>
        <source>In 5 min: %1 · in 15 min: %2.</source>
        <translation>5 分後: %1 · 15 分後: %2。</translation>
    </message>
    <message>
        <source>Over its %1 SLO.</source>
        <translation>SLO %1 を超過しています。</translation>
    </message>
    <message>
        <source>Breaches the %1 SLO in ~%2.</source>
        <translation>約 %2 後に SLO %1 を超過します。</translation>
    </message>
</context>
<context>
    <name>kiq::ui::Formatting</name>
    <message>
        <source>%1 d %2 h</source>
        <translation>%1 日 %2 h</translation>
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
        <translation>%1 (時計のずれか、不正なタイムスタンプ?)</translation>
    </message>
</context>
<context>
    <name>kiq::ui::InFlightJobModel</name>
    <message>
        <source>Thread</source>
        <translation>スレッド</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>キュー</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>ジョブ</translation>
    </message>
    <message>
        <source>JID</source>
        <translation>JID</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>開始</translation>
    </message>
    <message>
        <source>Running for</source>
        <translation>実行時間</translation>
    </message>
    <message>
        <source>Replay of %1 from %2 (%3), which failed with %4</source>
        <translation>%2 (%3) の %1 の再実行 (元は %4 で失敗)</translation>
    </message>
</context>
<context>
    <name>kiq::ui::IndexedJobBrowser</name>
    <message>
        <source>&lt;b&gt;Failures by cause&lt;/b&gt; (select one to filter the jobs to it)</source>
        <translation>&lt;b&gt;原因別の失敗&lt;/b&gt; (選択するとそのジョブに絞り込みます)</translation>
    </message>
</context>
<context>
    <name>kiq::ui::IndexedJobModel</name>
    <message>
        <source>(unreadable job)</source>
        <translation>(読み取れないジョブ)</translation>
    </message>
    <message>
        <source>Unreadable payload (open it to see why)</source>
        <translation>読み取れないペイロード (開くと理由を表示)</translation>
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
        <translation>再試行</translation>
    </message>
    <message>
        <source>Enqueue now</source>
        <translation>今すぐキューに入れる</translation>
    </message>
    <message>
        <source>Move</source>
        <translation>移動</translation>
    </message>
    <message>
        <source>Kill</source>
        <translation>キル</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>削除</translation>
    </message>
</context>
<context>
    <name>kiq::ui::JobInspector</name>
    <message>
        <source>Copy JID</source>
        <translation>JID をコピー</translation>
    </message>
    <message>
        <source>Copy payload</source>
        <translation>ペイロードをコピー</translation>
    </message>
    <message>
        <source>&lt;i&gt;This job is no longer in the set (retried, deleted or moved since it was listed).&lt;/i&gt;</source>
        <translation>&lt;i&gt;このジョブはもうセットにありません (一覧表示後に再試行、削除、または移動されました)。&lt;/i&gt;</translation>
    </message>
    <message>
        <source>&lt;i&gt;Select a job to see it in full.&lt;/i&gt;</source>
        <translation>&lt;i&gt;ジョブを選択すると全体が表示されます。&lt;/i&gt;</translation>
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
            <numerusform>%n 日</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>%1 ago</source>
        <translation>%1 前</translation>
    </message>
    <message>
        <source>in %1</source>
        <translation>%1 後</translation>
    </message>
    <message>
        <source>This payload could not be read:</source>
        <translation>このペイロードは読み取れませんでした:</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>クラス</translation>
    </message>
    <message>
        <source>JID</source>
        <translation>JID</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>キュー</translation>
    </message>
    <message>
        <source>Score time</source>
        <translation>スコア時刻</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>作成</translation>
    </message>
    <message>
        <source>Enqueued</source>
        <translation>キュー内</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失敗</translation>
    </message>
    <message>
        <source>Retried</source>
        <translation>再試行日時</translation>
    </message>
    <message>
        <source>Retry count</source>
        <translation>再試行回数</translation>
    </message>
    <message>
        <source>Arguments</source>
        <translation>引数</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>エラー</translation>
    </message>
    <message>
        <source>Backtrace</source>
        <translation>バックトレース</translation>
    </message>
    <message>
        <source>Could not decode: %1</source>
        <translation>デコードできませんでした: %1</translation>
    </message>
    <message>
        <source>Payload</source>
        <translation>ペイロード</translation>
    </message>
    <message>
        <source>Decoding…</source>
        <translation>デコード中…</translation>
    </message>
    <message>
        <source>Reveal</source>
        <translation>表示</translation>
    </message>
    <message>
        <source>Show this job&apos;s arguments as they are, without the profile&apos;s redaction rules. Recorded in the audit trail.</source>
        <translation>このジョブの引数を、プロファイルの秘匿化ルールを適用せずにそのまま表示します。監査ログに記録されます。</translation>
    </message>
    <message>
        <source>succeeded %1</source>
        <translation>成功 %1</translation>
    </message>
    <message>
        <source>failed %1:</source>
        <translation>失敗 %1:</translation>
    </message>
    <message>
        <source>no outcome noted on this machine yet</source>
        <translation>このマシンではまだ結果が記録されていません</translation>
    </message>
    <message>
        <source>Replay of</source>
        <translation>再実行元</translation>
    </message>
    <message>
        <source>%1 from %2 (%3)</source>
        <translation>%2 (%3) の %1</translation>
    </message>
    <message>
        <source>Original failure</source>
        <translation>元の失敗</translation>
    </message>
    <message>
        <source>This run</source>
        <translation>今回の実行</translation>
    </message>
    <message>
        <source>Replayed</source>
        <translation>再実行</translation>
    </message>
    <message>
        <source>into %1, queue %2, %3 as %4: %5</source>
        <translation>%1 のキュー %2 へ、%3、%4 として: %5</translation>
    </message>
</context>
<context>
    <name>kiq::ui::JobPageStatus</name>
    <message numerus="yes">
        <source>%1 match(es) the filter</source>
        <translation>
            <numerusform>%1 件がフィルターに一致</numerusform>
        </translation>
    </message>
    <message>
        <source> · %1 more not checked: their args are over %2 bytes or their error message over %3 bytes, longer than the index keeps (%4)</source>
        <translation> · ほか %1 件は未チェック: 引数が %2 バイト超、またはエラーメッセージが %3 バイト超で、インデックスの保持上限を超えています (%4)</translation>
    </message>
</context>
<context>
    <name>kiq::ui::JobSetPage</name>
    <message>
        <source>Next retry</source>
        <translation>次回の再試行</translation>
    </message>
    <message>
        <source>Died</source>
        <translation>デッド日時</translation>
    </message>
    <message>
        <source>Runs at</source>
        <translation>実行予定</translation>
    </message>
    <message>
        <source>Reload</source>
        <translation>再読み込み</translation>
    </message>
    <message>
        <source>Enqueue now</source>
        <translation>今すぐキューに入れる</translation>
    </message>
    <message>
        <source>Retry now</source>
        <translation>今すぐ再試行</translation>
    </message>
    <message>
        <source>Move to queue…</source>
        <translation>キューへ移動…</translation>
    </message>
    <message>
        <source>Kill</source>
        <translation>キル</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>削除</translation>
    </message>
    <message>
        <source>All matching…</source>
        <translation>一致するすべて…</translation>
    </message>
    <message>
        <source>Act on every job in the set that matches the filter, not only the selected rows</source>
        <translation>選択した行だけでなく、フィルターに一致するセット内のすべてのジョブに対して操作します</translation>
    </message>
    <message>
        <source>%1 all in group…</source>
        <translation>%1: グループ内のすべて…</translation>
    </message>
    <message>
        <source>Focus the filter</source>
        <translation>フィルターにフォーカス</translation>
    </message>
    <message>
        <source>Retries</source>
        <translation>再試行</translation>
    </message>
    <message>
        <source>Dead</source>
        <translation>デッド</translation>
    </message>
    <message>
        <source>Scheduled</source>
        <translation>予定</translation>
    </message>
    <message>
        <source>&lt;b&gt;Could not read the job:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;ジョブを読み取れませんでした:&lt;/b&gt; %1</translation>
    </message>
    <message>
        <source>%1 jobs are selected; above %2, use “All matching…” with a filter instead.</source>
        <translation>%1 件のジョブが選択されています。%2 件を超える場合は、フィルターと「一致するすべて…」を使ってください。</translation>
    </message>
    <message>
        <source>Move to queue</source>
        <translation>キューへ移動</translation>
    </message>
    <message>
        <source>Queue name:</source>
        <translation>キュー名:</translation>
    </message>
    <message numerus="yes">
        <source>%1 %n selected job(s) in %2?</source>
        <translation>
            <numerusform>%2 の選択した %n 件のジョブに「%1」を実行しますか?</numerusform>
        </translation>
    </message>
    <message>
        <source>Working…</source>
        <translation>処理中…</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1 failed:&lt;/b&gt; %2</source>
        <translation>&lt;b&gt;%1 が失敗しました:&lt;/b&gt; %2</translation>
    </message>
    <message>
        <source>%1: %2 done, %3 already gone, %4 skipped</source>
        <translation>%1: 完了 %2、既になし %3、スキップ %4</translation>
    </message>
    <message>
        <source>Fix the filter first: “all matching” uses it.</source>
        <translation>先にフィルターを修正してください:「一致するすべて」はフィルターを使います。</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>未接続です。</translation>
    </message>
    <message>
        <source>&lt;b&gt;Could not read the set:&lt;/b&gt; %1 (retrying)</source>
        <translation>&lt;b&gt;セットを読み取れませんでした:&lt;/b&gt; %1 (再試行中)</translation>
    </message>
    <message>
        <source>Reload (F5)</source>
        <translation>再読み込み (F5)</translation>
    </message>
    <message>
        <source>The filter no longer names the selected failure group: select the group again.</source>
        <translation>フィルターが選択中の失敗グループを指さなくなりました: もう一度グループを選択してください。</translation>
    </message>
    <message>
        <source>%1: %2 (%3)</source>
        <translation>%1: %2 (%3)</translation>
    </message>
    <message>
        <source>Failure group: %1</source>
        <translation>失敗グループ: %1</translation>
    </message>
    <message>
        <source>No filter: every job in %1.</source>
        <translation>フィルターなし: %1 のすべてのジョブ。</translation>
    </message>
    <message>
        <source>Filter: %1</source>
        <translation>フィルター: %1</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>未接続</translation>
    </message>
    <message>
        <source>Select jobs in the table first</source>
        <translation>先に表でジョブを選択してください</translation>
    </message>
    <message>
        <source>Select a failure group first</source>
        <translation>先に失敗グループを選択してください</translation>
    </message>
    <message>
        <source>Fix the filter first: “all matching” uses it</source>
        <translation>先にフィルターを修正してください:「一致するすべて」はフィルターを使います</translation>
    </message>
    <message numerus="yes">
        <source>Indexing the set… %1 of %2 job(s) read (%3%)</source>
        <translation>
            <numerusform>セットをインデックス中… %2 件中 %1 件のジョブを読み取り済み (%3%)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Indexing the set… %1 job(s) read so far</source>
        <translation>
            <numerusform>セットをインデックス中… これまでに %1 件のジョブを読み取り済み</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 job(s) in the set</source>
        <translation>
            <numerusform>セット内のジョブ %1 件</numerusform>
        </translation>
    </message>
    <message>
        <source>Restoring…</source>
        <translation>復元中…</translation>
    </message>
    <message>
        <source>“All matching…” checks them</source>
        <translation>「一致するすべて…」でチェックされます</translation>
    </message>
    <message>
        <source>Copy as command</source>
        <translation>コマンドとしてコピー</translation>
    </message>
    <message>
        <source>List the matching jobs</source>
        <translation>一致するジョブを一覧表示</translation>
    </message>
    <message>
        <source>Selected jobs</source>
        <translation>選択したジョブ</translation>
    </message>
    <message>
        <source>All matching the filter</source>
        <translation>フィルターに一致するすべて</translation>
    </message>
    <message>
        <source>Copy the kiqdesk-cli command that does an action of this page</source>
        <translation>このページの操作を行う kiqdesk-cli コマンドをコピー</translation>
    </message>
    <message>
        <source>Select jobs in the table first.</source>
        <translation>先に表でジョブを選択してください。</translation>
    </message>
    <message>
        <source>Select the jobs to export first.</source>
        <translation>先にエクスポートするジョブを選択してください。</translation>
    </message>
    <message>
        <source>Replay in…</source>
        <translation>別の環境で再実行…</translation>
    </message>
    <message>
        <source>Replay group in…</source>
        <translation>グループを別の環境で再実行…</translation>
    </message>
    <message>
        <source>Copy the selected jobs into a development or staging deployment and run them there</source>
        <translation>選択したジョブを開発またはステージング環境にコピーしてそこで実行します</translation>
    </message>
</context>
<context>
    <name>kiq::ui::MainWindow</name>
    <message>
        <source>Deployments</source>
        <translation>デプロイメント</translation>
    </message>
    <message>
        <source>New connection (%1)</source>
        <translation>新しい接続 (%1)</translation>
    </message>
    <message>
        <source>No connection yet.</source>
        <translation>まだ接続がありません。</translation>
    </message>
    <message>
        <source>Add a connection…</source>
        <translation>接続を追加…</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>ファイル(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;New connection…</source>
        <translation>新しい接続(&amp;N)…</translation>
    </message>
    <message>
        <source>&amp;Edit connection…</source>
        <translation>接続を編集(&amp;E)…</translation>
    </message>
    <message>
        <source>&amp;Remove connection</source>
        <translation>接続を削除(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>終了(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>表示(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>更新(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Theme</source>
        <translation>テーマ(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;System</source>
        <translation>システム(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Light</source>
        <translation>ライト(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Dark</source>
        <translation>ダーク(&amp;D)</translation>
    </message>
    <message>
        <source>Switch to deployment %1</source>
        <translation>デプロイメント %1 に切り替え</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>ヘルプ(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>キーボードショートカット(&amp;K)</translation>
    </message>
    <message>
        <source>&amp;About Kiqdesk</source>
        <translation>Kiqdesk について(&amp;A)</translation>
    </message>
    <message>
        <source>the default user</source>
        <translation>既定のユーザー</translation>
    </message>
    <message>
        <source>Connect to %1</source>
        <translation>%1 に接続</translation>
    </message>
    <message>
        <source>%1 on %2</source>
        <translation>%2 上の %1</translation>
    </message>
    <message>
        <source>the sentinels of %1</source>
        <translation>%1 のセンチネル</translation>
    </message>
    <message>
        <source>New connection</source>
        <translation>新しい接続</translation>
    </message>
    <message>
        <source>Edit %1</source>
        <translation>%1 を編集</translation>
    </message>
    <message>
        <source>Remove connection</source>
        <translation>接続の削除</translation>
    </message>
    <message>
        <source>Remove “%1” from Kiqdesk? The Redis server and its data are not touched.</source>
        <translation>“%1” を Kiqdesk から削除しますか? Redis サーバーとそのデータには影響しません。</translation>
    </message>
    <message>
        <source>Ctrl+1 … Ctrl+9</source>
        <translation>Ctrl+1 … Ctrl+9</translation>
    </message>
    <message>
        <source>Switch to deployment 1 to 9</source>
        <translation>デプロイメント 1〜9 に切り替え</translation>
    </message>
    <message>
        <source>About Kiqdesk</source>
        <translation>Kiqdesk について</translation>
    </message>
    <message>
        <source>&lt;b&gt;Kiqdesk&lt;/b&gt; %1&lt;br&gt;A desktop console for Sidekiq job systems on Redis.</source>
        <translation>&lt;b&gt;Kiqdesk&lt;/b&gt; %1&lt;br&gt;Redis 上の Sidekiq ジョブシステム用デスクトップコンソール。</translation>
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
        <translation>フリート</translation>
    </message>
    <message>
        <source>Fleet overview: every deployment at a glance (%1)</source>
        <translation>フリート概要: すべてのデプロイメントを一目で (%1)</translation>
    </message>
    <message>
        <source>&amp;Fleet overview</source>
        <translation>フリート概要(&amp;F)</translation>
    </message>
    <message>
        <source>R</source>
        <translation>R</translation>
    </message>
    <message>
        <source>Retry the selected jobs (Scheduled: enqueue now)</source>
        <translation>選択したジョブを再試行 (予定: 今すぐキューに入れる)</translation>
    </message>
    <message>
        <source>Del</source>
        <translation>Del</translation>
    </message>
    <message>
        <source>Delete the selected jobs</source>
        <translation>選択したジョブを削除</translation>
    </message>
    <message>
        <source>Ctrl+F</source>
        <translation>Ctrl+F</translation>
    </message>
    <message>
        <source>Focus the job filter</source>
        <translation>ジョブフィルターにフォーカス</translation>
    </message>
    <message>
        <source>Fleet overview — Kiqdesk</source>
        <translation>フリート概要 — Kiqdesk</translation>
    </message>
    <message>
        <source>Next page</source>
        <translation>次のページ</translation>
    </message>
    <message>
        <source>Previous page</source>
        <translation>前のページ</translation>
    </message>
    <message>
        <source>Next tab in the page</source>
        <translation>ページ内の次のタブ</translation>
    </message>
    <message>
        <source>Previous tab in the page</source>
        <translation>ページ内の前のタブ</translation>
    </message>
    <message>
        <source>There is no connection yet</source>
        <translation>まだ接続がありません</translation>
    </message>
    <message>
        <source>Select a connection in the sidebar first</source>
        <translation>先にサイドバーで接続を選択してください</translation>
    </message>
    <message>
        <source>Edit the selected connection</source>
        <translation>選択した接続を編集します</translation>
    </message>
    <message>
        <source>Remove the selected connection from Kiqdesk</source>
        <translation>選択した接続を Kiqdesk から削除します</translation>
    </message>
    <message>
        <source>Tab, Shift+Tab</source>
        <translation>Tab, Shift+Tab</translation>
    </message>
    <message>
        <source>Next or previous control (a table is one stop: arrows move inside it)</source>
        <translation>次または前のコントロール (表は 1 つの停止位置: 表内は矢印キーで移動)</translation>
    </message>
    <message>
        <source>M</source>
        <translation>M</translation>
    </message>
    <message>
        <source>Move the selected jobs to a queue</source>
        <translation>選択したジョブをキューへ移動</translation>
    </message>
    <message>
        <source>K</source>
        <translation>K</translation>
    </message>
    <message>
        <source>Kill the selected jobs (Retries, Scheduled)</source>
        <translation>選択したジョブをキル (再試行、予定)</translation>
    </message>
    <message>
        <source>Shift+R</source>
        <translation>Shift+R</translation>
    </message>
    <message>
        <source>Retry all in the selected failure group</source>
        <translation>選択した失敗グループのすべてを再試行</translation>
    </message>
    <message>
        <source>Shift+Del</source>
        <translation>Shift+Del</translation>
    </message>
    <message>
        <source>Delete all in the selected failure group</source>
        <translation>選択した失敗グループのすべてを削除</translation>
    </message>
    <message>
        <source>Takes effect after restart</source>
        <translation>再起動後に有効になります</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>システムの言語</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>言語(&amp;L)</translation>
    </message>
    <message>
        <source>E&amp;xport profiles…</source>
        <translation>プロファイルをエクスポート(&amp;X)…</translation>
    </message>
    <message>
        <source>&amp;Import profiles…</source>
        <translation>プロファイルをインポート(&amp;I)…</translation>
    </message>
    <message>
        <source>Profiles travel without their secrets: only where each comes from</source>
        <translation>プロファイルはシークレットを含まずに移動します。各シークレットの取得元だけが含まれます</translation>
    </message>
    <message>
        <source>Export profiles</source>
        <translation>プロファイルのエクスポート</translation>
    </message>
    <message>
        <source>Kiqdesk profiles (*.json)</source>
        <translation>Kiqdesk プロファイル (*.json)</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n profile(s) to %1</source>
        <translation>
            <numerusform>%n 件のプロファイルを %1 にエクスポートしました</numerusform>
        </translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>%1 に書き込めませんでした: %2</translation>
    </message>
    <message>
        <source>Import profiles</source>
        <translation>プロファイルのインポート</translation>
    </message>
    <message>
        <source>Kiqdesk profiles (*.json);;All files (*)</source>
        <translation>Kiqdesk プロファイル (*.json);;すべてのファイル (*)</translation>
    </message>
    <message>
        <source>Could not import %1: %2</source>
        <translation>%1 をインポートできませんでした: %2</translation>
    </message>
    <message>
        <source>New: %1</source>
        <translation>新規: %1</translation>
    </message>
    <message>
        <source>Replaced: %1 (%2)</source>
        <translation>置き換え: %1 (%2)</translation>
    </message>
    <message>
        <source>Unchanged: %1</source>
        <translation>変更なし: %1</translation>
    </message>
    <message>
        <source>Every profile in %1 is saved already.</source>
        <translation>%1 のプロファイルはすべて保存済みです。</translation>
    </message>
    <message numerus="yes">
        <source>Import %n profile(s) from %1?</source>
        <translation>
            <numerusform>%1 から %n 件のプロファイルをインポートしますか？</numerusform>
        </translation>
    </message>
    <message>
        <source>Import</source>
        <translation>インポート</translation>
    </message>
    <message>
        <source>&amp;Diagnose connection…</source>
        <translation>接続を診断(&amp;D)…</translation>
    </message>
    <message>
        <source>Take the selected connection apart step by step: DNS, TCP, TLS, certificates, AUTH, permissions</source>
        <translation>選択した接続を段階ごとに調べます: DNS、TCP、TLS、証明書、AUTH、権限</translation>
    </message>
    <message>
        <source>&amp;Command palette…</source>
        <translation>コマンドパレット(&amp;C)…</translation>
    </message>
    <message>
        <source>Deployment: %1</source>
        <translation>デプロイメント: %1</translation>
    </message>
    <message>
        <source>Page: %1</source>
        <translation>ページ: %1</translation>
    </message>
    <message>
        <source>Find in &amp;all deployments…</source>
        <translation>すべてのデプロイメントで検索(&amp;A)…</translation>
    </message>
    <message>
        <source>Incident &amp;snapshot…</source>
        <translation>インシデントのスナップショット(&amp;S)…</translation>
    </message>
    <message>
        <source>Last 15 minutes</source>
        <translation>直近 15 分</translation>
    </message>
    <message>
        <source>Last hour</source>
        <translation>直近 1 時間</translation>
    </message>
    <message>
        <source>Last 6 hours</source>
        <translation>直近 6 時間</translation>
    </message>
    <message>
        <source>Last 24 hours</source>
        <translation>直近 24 時間</translation>
    </message>
    <message>
        <source>Incident snapshot</source>
        <translation>インシデントのスナップショット</translation>
    </message>
    <message>
        <source>Counters, failures, slow log and audit entries of:</source>
        <translation>次の期間のカウンター、失敗、スローログ、監査エントリ:</translation>
    </message>
    <message>
        <source>Save incident snapshot</source>
        <translation>インシデントのスナップショットを保存</translation>
    </message>
    <message>
        <source>Compressed archives (*.tar.gz)</source>
        <translation>圧縮アーカイブ (*.tar.gz)</translation>
    </message>
    <message>
        <source>Taking the incident snapshot of %1…</source>
        <translation>%1 のインシデントのスナップショットを作成中…</translation>
    </message>
    <message>
        <source>The incident snapshot was not written: %1</source>
        <translation>インシデントのスナップショットは書き込まれませんでした: %1</translation>
    </message>
    <message>
        <source>Incident snapshot written to %1</source>
        <translation>インシデントのスナップショットを %1 に書き込みました</translation>
    </message>
    <message>
        <source>Incident snapshot written to %1, without: %2</source>
        <translation>インシデントのスナップショットを %1 に書き込みました（含まれないもの: %2）</translation>
    </message>
    <message>
        <source>Counters, charts, failure groups, processes, INFO, slow log, clients, audit entries and health checks of the selected connection, redacted, in one .tar.gz</source>
        <translation>選択した接続のカウンター、グラフ、失敗グループ、プロセス、INFO、スローログ、クライアント、監査エントリ、ヘルスチェックを秘匿して 1 つの .tar.gz に</translation>
    </message>
    <message>
        <source>Acknowledge</source>
        <translation>確認済みにする</translation>
    </message>
    <message>
        <source>Snooze 1 hour</source>
        <translation>1 時間スヌーズ</translation>
    </message>
    <message>
        <source>Alert webhook failed: %1</source>
        <translation>アラート Webhook に失敗しました: %1</translation>
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
        <translation>成功したジョブの平均実行時間</translation>
    </message>
    <message>
        <source>Job class</source>
        <translation>ジョブクラス</translation>
    </message>
    <message>
        <source>Processed</source>
        <translation>処理済み</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失敗</translation>
    </message>
    <message>
        <source>Failure rate</source>
        <translation>失敗率</translation>
    </message>
    <message>
        <source>Mean time</source>
        <translation>平均時間</translation>
    </message>
    <message>
        <source>Total time</source>
        <translation>合計時間</translation>
    </message>
</context>
<context>
    <name>kiq::ui::MetricsPage</name>
    <message>
        <source>Executions</source>
        <translation>実行</translation>
    </message>
    <message numerus="yes">
        <source>Last %n hour(s)</source>
        <translation>
            <numerusform>過去 %n 時間</numerusform>
        </translation>
    </message>
    <message>
        <source>Filter by job class</source>
        <translation>ジョブクラスでフィルター</translation>
    </message>
    <message>
        <source>Processed</source>
        <translation>処理済み</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失敗</translation>
    </message>
    <message>
        <source>Mean time</source>
        <translation>平均時間</translation>
    </message>
    <message>
        <source>Jobs</source>
        <translation>ジョブ</translation>
    </message>
    <message>
        <source>&amp;Period:</source>
        <translation>期間(&amp;P):</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>未接続です。</translation>
    </message>
    <message>
        <source>Metrics</source>
        <translation>メトリクス</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>読み込み中…</translation>
    </message>
    <message>
        <source>No job metrics in this period. Sidekiq writes them from version 7.0 on, for jobs that ran; no Sidekiq process is running here.</source>
        <translation>この期間のジョブメトリクスはありません。Sidekiq はバージョン 7.0 以降、実行されたジョブについて書き込みます。ここでは Sidekiq のプロセスが動いていません。</translation>
    </message>
    <message>
        <source>No job metrics in this period. Sidekiq writes them from version 7.0 on, for jobs that ran; the processes here run Sidekiq %1.</source>
        <translation>この期間のジョブメトリクスはありません。Sidekiq はバージョン 7.0 以降、実行されたジョブについて書き込みます。ここのプロセスは Sidekiq %1 です。</translation>
    </message>
    <message numerus="yes">
        <source>Sidekiq %1 metrics, %2 to %3, in %n-minute buckets.</source>
        <translation>
            <numerusform>Sidekiq %1 のメトリクス、%2 〜 %3、%n 分単位。</numerusform>
        </translation>
    </message>
    <message>
        <source>Sidekiq 7 keeps metrics for 8 hours: showing those.</source>
        <translation>Sidekiq 7 はメトリクスを 8 時間保持します。その分を表示しています。</translation>
    </message>
    <message numerus="yes">
        <source>%n deploy(s) marked.</source>
        <translation>
            <numerusform>%n 件のデプロイを表示。</numerusform>
        </translation>
    </message>
    <message>
        <source>Executions of %1</source>
        <translation>%1 の実行</translation>
    </message>
    <message>
        <source>Sidekiq keeps execution-time histograms for 8 hours: choose 8 hours or less</source>
        <translation>Sidekiq は実行時間のヒストグラムを 8 時間保持します。8 時間以下を選んでください</translation>
    </message>
    <message>
        <source>Execution times: %1</source>
        <translation>実行時間: %1</translation>
    </message>
</context>
<context>
    <name>kiq::ui::OverviewPage</name>
    <message>
        <source>Pause</source>
        <translation>一時停止</translation>
    </message>
    <message>
        <source>Processed</source>
        <translation>処理済み</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失敗</translation>
    </message>
    <message>
        <source>Enqueued</source>
        <translation>キュー内</translation>
    </message>
    <message>
        <source>Scheduled</source>
        <translation>予定</translation>
    </message>
    <message>
        <source>Retries</source>
        <translation>再試行</translation>
    </message>
    <message>
        <source>Dead</source>
        <translation>デッド</translation>
    </message>
    <message>
        <source>Processes</source>
        <translation>プロセス</translation>
    </message>
    <message>
        <source>Busy</source>
        <translation>実行中</translation>
    </message>
    <message>
        <source>Default queue latency</source>
        <translation>default レイテンシ</translation>
    </message>
    <message>
        <source>Throughput</source>
        <translation>スループット</translation>
    </message>
    <message>
        <source>Enqueued and busy</source>
        <translation>キュー内と実行中</translation>
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
        <translation>ページ表示中に再読み込みする間隔</translation>
    </message>
    <message>
        <source>Last 10 minutes</source>
        <translation>過去 10 分</translation>
    </message>
    <message>
        <source>Last hour</source>
        <translation>過去 1 時間</translation>
    </message>
    <message>
        <source>Last 6 hours</source>
        <translation>過去 6 時間</translation>
    </message>
    <message>
        <source>Last 24 hours</source>
        <translation>過去 24 時間</translation>
    </message>
    <message>
        <source>Processed/s</source>
        <translation>処理済み/s</translation>
    </message>
    <message>
        <source>Failed/s</source>
        <translation>失敗/s</translation>
    </message>
    <message>
        <source>jobs/s</source>
        <translation>ジョブ/s</translation>
    </message>
    <message>
        <source>enqueued</source>
        <translation>キュー内</translation>
    </message>
    <message>
        <source>busy</source>
        <translation>実行中</translation>
    </message>
    <message>
        <source>Memory (MiB)</source>
        <translation>メモリ (MiB)</translation>
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
        <translation>更新間隔</translation>
    </message>
    <message>
        <source>Overview</source>
        <translation>概要</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>未接続です。</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>読み込み中…</translation>
    </message>
    <message>
        <source>%1/s</source>
        <translation>%1/s</translation>
    </message>
    <message numerus="yes">
        <source>%n queue(s)</source>
        <translation>
            <numerusform>%n 個のキュー</numerusform>
        </translation>
    </message>
    <message>
        <source>Updated at %1</source>
        <translation>%1 に更新</translation>
    </message>
    <message>
        <source>empty</source>
        <translation>空</translation>
    </message>
    <message>
        <source>%1 · Redis memory and commands/s: %2</source>
        <translation>%1 · Redis のメモリとコマンド/秒: %2</translation>
    </message>
</context>
<context>
    <name>kiq::ui::PasswordPrompt</name>
    <message>
        <source>Password for %1:</source>
        <translation>%1 のパスワード:</translation>
    </message>
    <message>
        <source>Passphrase of the client key %1:</source>
        <translation>クライアント鍵 %1 のパスフレーズ:</translation>
    </message>
    <message>
        <source>Webhook URL for the alerts of %1:</source>
        <translation>%1 のアラート用 Webhook URL:</translation>
    </message>
</context>
<context>
    <name>kiq::ui::PathField</name>
    <message>
        <source>Browse…</source>
        <translation>参照…</translation>
    </message>
    <message>
        <source>PEM files (*.pem *.crt *.cer *.key);;All files (*)</source>
        <translation>PEM ファイル (*.pem *.crt *.cer *.key);;すべてのファイル (*)</translation>
    </message>
</context>
<context>
    <name>kiq::ui::ProcessListModel</name>
    <message>
        <source>%1 (quiet)</source>
        <translation>%1 (静止)</translation>
    </message>
    <message>
        <source>no heartbeat</source>
        <translation>ハートビートなし</translation>
    </message>
    <message numerus="yes">
        <source>%n s ago</source>
        <translation>
            <numerusform>%n 秒前</numerusform>
        </translation>
    </message>
    <message>
        <source>No heartbeat for a minute: the process may have crashed.</source>
        <translation>1 分間ハートビートがありません: プロセスがクラッシュした可能性があります。</translation>
    </message>
    <message>
        <source>Process</source>
        <translation>プロセス</translation>
    </message>
    <message>
        <source>Tag</source>
        <translation>タグ</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>バージョン</translation>
    </message>
    <message>
        <source>Threads</source>
        <translation>スレッド</translation>
    </message>
    <message>
        <source>Busy</source>
        <translation>実行中</translation>
    </message>
    <message>
        <source>Queues</source>
        <translation>キュー</translation>
    </message>
    <message>
        <source>RSS</source>
        <translation>RSS</translation>
    </message>
    <message>
        <source>Last beat</source>
        <translation>最終ハートビート</translation>
    </message>
    <message numerus="yes">
        <source>Capsule %1: %n thread(s), %2: %3</source>
        <translation>
            <numerusform>カプセル %1: %n スレッド、%2: %3</numerusform>
        </translation>
    </message>
    <message>
        <source>Sidekiq reports its version from 7.0.2 on: this is 6.x, or 7.0.0 or 7.0.1</source>
        <translation>Sidekiq がバージョンを報告するのは 7.0.2 以降です。これは 6.x、7.0.0 または 7.0.1 です</translation>
    </message>
</context>
<context>
    <name>kiq::ui::ProfileListModel</name>
    <message>
        <source>Sidekiq deletes a profile a day after the job ran.</source>
        <translation>Sidekiq はジョブの実行から 1 日後にプロファイルを削除します。</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>ジョブ</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>開始</translation>
    </message>
    <message>
        <source>Elapsed</source>
        <translation>所要時間</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>サイズ</translation>
    </message>
    <message>
        <source>Expires in</source>
        <translation>期限まで</translation>
    </message>
    <message>
        <source>JID</source>
        <translation>JID</translation>
    </message>
    <message>
        <source>Token</source>
        <translation>トークン</translation>
    </message>
</context>
<context>
    <name>kiq::ui::ProfilesPage</name>
    <message>
        <source>&amp;Save profile…</source>
        <translation>プロファイルを保存(&amp;S)…</translation>
    </message>
    <message>
        <source>Save profile…</source>
        <translation>プロファイルを保存…</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>未接続です。</translation>
    </message>
    <message>
        <source>Profiles</source>
        <translation>プロファイル</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>読み込み中…</translation>
    </message>
    <message>
        <source>No job profiles. Sidekiq 8 profiles a job pushed with &quot;profile&quot; set and keeps the profile for a day.</source>
        <translation>ジョブのプロファイルはありません。Sidekiq 8 は &quot;profile&quot; を指定して投入されたジョブをプロファイルし、1 日保持します。</translation>
    </message>
    <message numerus="yes">
        <source>%1 profile(s), newest first.</source>
        <translation>
            <numerusform>%1 件のプロファイル（新しい順）。</numerusform>
        </translation>
    </message>
    <message>
        <source>Only the newest %1 are listed.</source>
        <translation>新しい %1 件のみ表示しています。</translation>
    </message>
    <message numerus="yes">
        <source>%1 expired profile(s) not shown (Sidekiq removes them; this page does not write).</source>
        <translation>
            <numerusform>期限切れのプロファイル %1 件は非表示です（Sidekiq が削除します。このページは書き込みません）。</numerusform>
        </translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>未接続</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>保存中…</translation>
    </message>
    <message>
        <source>Select a profile first</source>
        <translation>先にプロファイルを選択してください</translation>
    </message>
    <message>
        <source>Write the profile to a file for the Firefox Profiler; nothing is uploaded</source>
        <translation>Firefox Profiler 用にプロファイルをファイルへ書き出します。何もアップロードしません</translation>
    </message>
    <message>
        <source>Save profile</source>
        <translation>プロファイルを保存</translation>
    </message>
    <message>
        <source>Firefox Profiler files (*.json.gz)</source>
        <translation>Firefox Profiler ファイル (*.json.gz)</translation>
    </message>
    <message>
        <source>Saving the profile of %1…</source>
        <translation>%1 のプロファイルを保存中…</translation>
    </message>
    <message>
        <source>The profile could not be read:</source>
        <translation>プロファイルを読み込めませんでした:</translation>
    </message>
    <message>
        <source>it is no longer in Redis (Sidekiq keeps profiles for a day).</source>
        <translation>Redis にもうありません（Sidekiq はプロファイルを 1 日保持します）。</translation>
    </message>
    <message>
        <source>The profile could not be saved to %1:</source>
        <translation>プロファイルを %1 に保存できませんでした:</translation>
    </message>
    <message>
        <source>Saved %1 (%2). Open it in the Firefox Profiler (Load a profile from file); nothing was uploaded.</source>
        <translation>%1 を保存しました（%2）。Firefox Profiler で開いてください（Load a profile from file）。何もアップロードしていません。</translation>
    </message>
</context>
<context>
    <name>kiq::ui::QueueLatencyChart</name>
    <message>
        <source>Latency (s)</source>
        <translation>レイテンシ (s)</translation>
    </message>
    <message>
        <source>Top %1 queues by latency</source>
        <translation>レイテンシ上位 %1 キュー</translation>
    </message>
    <message>
        <source>%1: empty</source>
        <translation>%1: 空</translation>
    </message>
    <message>
        <source>%1: %2 · %3 waiting</source>
        <translation>%1: %2 · %3 件待機中</translation>
    </message>
    <message>
        <source>%1: latency %2, %3 waiting</source>
        <translation>%1: レイテンシ %2、待機中 %3</translation>
    </message>
</context>
<context>
    <name>kiq::ui::QueueListModel</name>
    <message>
        <source>%1 (unreadable)</source>
        <translation>%1 (読み取り不可)</translation>
    </message>
    <message>
        <source>%1 (paused)</source>
        <translation>%1 (一時停止中)</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>キュー</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>サイズ</translation>
    </message>
    <message>
        <source>Latency</source>
        <translation>レイテンシ</translation>
    </message>
    <message>
        <source>empty</source>
        <translation>空</translation>
    </message>
    <message>
        <source>Forecast</source>
        <translation>予測</translation>
    </message>
</context>
<context>
    <name>kiq::ui::QueuesPage</name>
    <message>
        <source>Enqueued</source>
        <translation>キュー内</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>削除</translation>
    </message>
    <message>
        <source>Move to queue…</source>
        <translation>キューへ移動…</translation>
    </message>
    <message>
        <source>Pause queue</source>
        <translation>キューを一時停止</translation>
    </message>
    <message>
        <source>Clear queue…</source>
        <translation>キューを消去…</translation>
    </message>
    <message>
        <source>Reload</source>
        <translation>再読み込み</translation>
    </message>
    <message>
        <source>Paused queues are not fetched by Kiqdesk&apos;s local pool (nor by Sidekiq Pro or Sidekiq 8.1+)</source>
        <translation>一時停止中のキューからは、Kiqdesk のローカルプールはジョブを取得しません (Sidekiq Pro と Sidekiq 8.1 以降も同様)</translation>
    </message>
    <message>
        <source>Focus the filter</source>
        <translation>フィルターにフォーカス</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>未接続です。</translation>
    </message>
    <message>
        <source>Queues</source>
        <translation>キュー</translation>
    </message>
    <message numerus="yes">
        <source>%n queue(s). Select one to see its jobs.</source>
        <translation>
            <numerusform>%n 個のキュー。選択するとジョブが表示されます。</numerusform>
        </translation>
    </message>
    <message>
        <source>Loading %1…</source>
        <translation>%1 を読み込み中…</translation>
    </message>
    <message numerus="yes">
        <source>Delete %n selected job(s) from %1?</source>
        <translation>
            <numerusform>%1 から選択した %n 件のジョブを削除しますか?</numerusform>
        </translation>
    </message>
    <message>
        <source>Move to queue</source>
        <translation>キューへ移動</translation>
    </message>
    <message numerus="yes">
        <source>Move %n selected job(s) from %1 to:</source>
        <translation>
            <numerusform>選択した %n 件のジョブを %1 から次へ移動:</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n had already been taken by a worker.</source>
        <translation>
            <numerusform>%n 件は既にワーカーに取得されていました。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n could not be parsed and stayed.</source>
        <translation>
            <numerusform>%n 件は解析できず、そのまま残りました。</numerusform>
        </translation>
    </message>
    <message>
        <source>Move failed:</source>
        <translation>移動に失敗しました:</translation>
    </message>
    <message>
        <source>Resume queue</source>
        <translation>キューを再開</translation>
    </message>
    <message>
        <source>%1 is paused: Kiqdesk&apos;s pool no longer fetches from it.</source>
        <translation>%1 は一時停止中です: Kiqdesk のプールはここからジョブを取得しません。</translation>
    </message>
    <message>
        <source>%1 is resumed.</source>
        <translation>%1 を再開しました。</translation>
    </message>
    <message>
        <source>Pause failed:</source>
        <translation>一時停止に失敗しました:</translation>
    </message>
    <message>
        <source>Resume failed:</source>
        <translation>再開に失敗しました:</translation>
    </message>
    <message>
        <source>Clear queue</source>
        <translation>キューの消去</translation>
    </message>
    <message numerus="yes">
        <source>%1: %2 job(s)</source>
        <translation>
            <numerusform>%1: %2 件のジョブ</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Deleted %1 of %2 job(s) (the others were already taken by a worker).</source>
        <translation>
            <numerusform>%2 件中 %1 件のジョブを削除しました (残りは既にワーカーに取得されていました)。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Moved %1 of %2 job(s) to %3.</source>
        <translation>
            <numerusform>%2 件中 %1 件のジョブを %3 に移動しました。</numerusform>
        </translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>未接続</translation>
    </message>
    <message>
        <source>Select a queue first</source>
        <translation>先にキューを選択してください</translation>
    </message>
    <message>
        <source>Select jobs in the table first</source>
        <translation>先に表でジョブを選択してください</translation>
    </message>
    <message>
        <source>Delete every job in this queue</source>
        <translation>このキューのすべてのジョブを削除します</translation>
    </message>
    <message>
        <source>Delete the selected jobs</source>
        <translation>選択したジョブを削除</translation>
    </message>
    <message>
        <source>Move the selected jobs to another queue</source>
        <translation>選択したジョブを別のキューへ移動します</translation>
    </message>
    <message>
        <source>&lt;b&gt;Could not read the job:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;ジョブを読み取れませんでした:&lt;/b&gt; %1</translation>
    </message>
    <message>
        <source>%1 jobs are selected; at most %2 can be acted on at once.</source>
        <translation>%1 件のジョブが選択されています。一度に操作できるのは最大 %2 件です。</translation>
    </message>
    <message>
        <source>&lt;b&gt;Delete failed:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;削除に失敗しました:&lt;/b&gt; %1</translation>
    </message>
    <message>
        <source>&lt;b&gt;Could not read %1:&lt;/b&gt; %2 (retrying)</source>
        <translation>&lt;b&gt;%1 を読み取れませんでした:&lt;/b&gt; %2 (再試行中)</translation>
    </message>
    <message numerus="yes">
        <source>Indexing %1… %2 of %3 job(s) read (%4%)</source>
        <translation>
            <numerusform>%1 をインデックス中… %3 件中 %2 件のジョブを読み取り済み (%4%)</numerusform>
        </translation>
    </message>
    <message>
        <source>they are not listed</source>
        <translation>一覧には表示されません</translation>
    </message>
    <message>
        <source>Copy as command</source>
        <translation>コマンドとしてコピー</translation>
    </message>
    <message>
        <source>List the matching jobs</source>
        <translation>一致するジョブを一覧表示</translation>
    </message>
    <message>
        <source>Move the selected jobs…</source>
        <translation>選択したジョブを移動…</translation>
    </message>
    <message>
        <source>Pause or resume the queue</source>
        <translation>キューを一時停止または再開</translation>
    </message>
    <message>
        <source>Clear the queue</source>
        <translation>キューを消去</translation>
    </message>
    <message numerus="yes">
        <source>Delete all %1 job(s) in %2? Undo history can put them back.</source>
        <translation>
            <numerusform>%2 の %1 件のジョブをすべて削除しますか? 元に戻す履歴から戻せます。</numerusform>
        </translation>
    </message>
    <message>
        <source>&lt;b&gt;Clear failed:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;消去に失敗しました:&lt;/b&gt; %1</translation>
    </message>
    <message numerus="yes">
        <source>%1 is cleared: %n job(s) deleted.</source>
        <translation>
            <numerusform>%1 を消去しました: %n 件のジョブを削除。</numerusform>
        </translation>
    </message>
    <message>
        <source>Restoring…</source>
        <translation>復元中…</translation>
    </message>
    <message>
        <source>Select a queue first.</source>
        <translation>先にキューを選択してください。</translation>
    </message>
    <message>
        <source>Fix the filter first.</source>
        <translation>先にフィルターを修正してください。</translation>
    </message>
    <message>
        <source>Select jobs in the table first.</source>
        <translation>先に表でジョブを選択してください。</translation>
    </message>
    <message>
        <source>Queue name:</source>
        <translation>キュー名:</translation>
    </message>
    <message>
        <source>Select the jobs to export first.</source>
        <translation>先にエクスポートするジョブを選択してください。</translation>
    </message>
    <message>
        <source>Open the queue to import into first.</source>
        <translation>先にインポート先のキューを開いてください。</translation>
    </message>
</context>
<context>
    <name>kiq::ui::RedactionBox</name>
    <message>
        <source>Hide secrets in job arguments</source>
        <translation>ジョブ引数の秘密を隠す</translation>
    </message>
    <message>
        <source>Values that look like secrets: tokens (JWT), private keys, card numbers, AWS keys</source>
        <translation>秘密に見える値: トークン (JWT)、秘密鍵、カード番号、AWS キー</translation>
    </message>
    <message>
        <source>E-mail addresses</source>
        <translation>メールアドレス</translation>
    </message>
    <message>
        <source>A value whose key is one of these is hidden, whatever it holds. Keys are compared by words: &quot;token&quot; also hides access_token and refreshToken.</source>
        <translation>キーがこれらのいずれかである値は、内容にかかわらず隠されます。キーは単語単位で比較されます: &quot;token&quot; は access_token や refreshToken も隠します。</translation>
    </message>
    <message>
        <source>e.g. args[1], args[*].iban</source>
        <translation>例: args[1], args[*].iban</translation>
    </message>
    <message>
        <source>Positional arguments have no key: args[1] hides the second argument of every job.</source>
        <translation>位置引数にはキーがありません: args[1] はすべてのジョブの 2 番目の引数を隠します。</translation>
    </message>
    <message>
        <source>Key names:</source>
        <translation>キー名:</translation>
    </message>
    <message>
        <source>Paths:</source>
        <translation>パス:</translation>
    </message>
    <message>
        <source>Paths: %1</source>
        <translation>パス: %1</translation>
    </message>
</context>
<context>
    <name>kiq::ui::RedisPage</name>
    <message>
        <source>Redis version</source>
        <translation>Redis バージョン</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>ロール</translation>
    </message>
    <message>
        <source>Uptime</source>
        <translation>稼働時間</translation>
    </message>
    <message>
        <source>Memory used</source>
        <translation>使用メモリ</translation>
    </message>
    <message>
        <source>Connected clients</source>
        <translation>接続中のクライアント</translation>
    </message>
    <message>
        <source>Operations per second</source>
        <translation>毎秒の操作数</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>キー</translation>
    </message>
    <message>
        <source>Eviction policy</source>
        <translation>エビクションポリシー</translation>
    </message>
    <message>
        <source>Slow log</source>
        <translation>スローログ</translation>
    </message>
    <message>
        <source>Clients</source>
        <translation>クライアント</translation>
    </message>
    <message>
        <source>Redis</source>
        <translation>Redis</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>未接続です。</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>読み込み中…</translation>
    </message>
    <message>
        <source>%1 mode</source>
        <translation>%1 モード</translation>
    </message>
    <message>
        <source>replicas: %1</source>
        <translation>レプリカ: %1</translation>
    </message>
    <message>
        <source>since %1</source>
        <translation>%1 から</translation>
    </message>
    <message>
        <source>no limit</source>
        <translation>制限なし</translation>
    </message>
    <message>
        <source>of %1</source>
        <translation>/ %1</translation>
    </message>
    <message>
        <source>%1 blocked</source>
        <translation>%1 件ブロック中</translation>
    </message>
    <message>
        <source>%1 since start</source>
        <translation>起動以来 %1</translation>
    </message>
    <message>
        <source>Sidekiq needs noeviction</source>
        <translation>Sidekiq には noeviction が必要です</translation>
    </message>
    <message>
        <source>db%1: %2</source>
        <translation>db%1: %2</translation>
    </message>
    <message>
        <source>No slow commands logged.</source>
        <translation>記録された遅いコマンドはありません。</translation>
    </message>
    <message>
        <source>Updated at %1 · round trip %2</source>
        <translation>%1 に更新 · 往復時間 %2</translation>
    </message>
    <message numerus="yes">
        <source>%1 key(s) evicted</source>
        <translation>
            <numerusform>%1 個のキーが退避されました</numerusform>
        </translation>
    </message>
    <message>
        <source>The slow log is not available:</source>
        <translation>スローログを利用できません:</translation>
    </message>
    <message>
        <source>The client list is not available:</source>
        <translation>クライアント一覧を利用できません:</translation>
    </message>
    <message>
        <source>Server details are not available:</source>
        <translation>サーバーの詳細は利用できません:</translation>
    </message>
    <message numerus="yes">
        <source>%1 connection(s)</source>
        <translation>
            <numerusform>%1 接続</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>from %1 host(s)</source>
        <translation>
            <numerusform>（%1 ホストから）</numerusform>
        </translation>
    </message>
    <message>
        <source>Sidekiq %1: %2</source>
        <translation>Sidekiq %1: %2</translation>
    </message>
    <message>
        <source>not identified: %1</source>
        <translation>不明: %1</translation>
    </message>
    <message>
        <source>By host and client</source>
        <translation>ホスト・クライアント別</translation>
    </message>
    <message>
        <source>Connections</source>
        <translation>接続</translation>
    </message>
</context>
<context>
    <name>kiq::ui::ReplayDialog</name>
    <message>
        <source>Replay</source>
        <translation>再実行</translation>
    </message>
    <message>
        <source>Replay in another deployment</source>
        <translation>別の環境で再実行</translation>
    </message>
    <message>
        <source>each job&apos;s own queue</source>
        <translation>各ジョブ自身のキュー</translation>
    </message>
    <message>
        <source>Copies of the jobs go to a development or staging deployment, redacted by the rules of %1, with new JIDs, no retry history and a link back (replayed_from). They run once there. %1 is only read.</source>
        <translation>ジョブのコピーは %1 のルールで秘匿され、新しい JID、再試行履歴なし、元への参照 (replayed_from) 付きで開発またはステージング環境に送られ、そこで一度だけ実行されます。%1 は読み取るだけです。</translation>
    </message>
    <message>
        <source>Target:</source>
        <translation>送り先:</translation>
    </message>
    <message>
        <source>Queue:</source>
        <translation>キュー:</translation>
    </message>
    <message>
        <source>Arguments (JSON):</source>
        <translation>引数 (JSON):</translation>
    </message>
    <message>
        <source>Changes against the original:</source>
        <translation>元の引数との差分:</translation>
    </message>
    <message numerus="yes">
        <source>Reading %1 job(s) from %2…</source>
        <translation>
            <numerusform>%2 から %1 件のジョブを読み取り中…</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 is not connected.</source>
        <translation>%1 は接続されていません。</translation>
    </message>
    <message>
        <source>Could not read the jobs: %1</source>
        <translation>ジョブを読み取れませんでした: %1</translation>
    </message>
    <message>
        <source>The selected jobs have all left %1 since they were listed.</source>
        <translation>選択したジョブは一覧表示後にすべて %1 からなくなりました。</translation>
    </message>
    <message numerus="yes">
        <source>%1 of the selected job(s) left the set since they were listed; the others are here.</source>
        <translation>
            <numerusform>選択したジョブのうち %1 件は一覧表示後にセットからなくなりました。残りはここにあります。</numerusform>
        </translation>
    </message>
    <message>
        <source>Type %1 to confirm:</source>
        <translation>確認のため %1 と入力:</translation>
    </message>
    <message>
        <source>As on the source, redacted: masked values stay masked unless you replace them.</source>
        <translation>元のとおり秘匿済み: 置き換えない限り、隠された値は隠されたままです。</translation>
    </message>
    <message>
        <source>These arguments replace those of all %1 copies.</source>
        <translation>これらの引数が %1 件すべてのコピーの引数を置き換えます。</translation>
    </message>
    <message>
        <source>Edited: the copy gets these arguments.</source>
        <translation>編集済み: コピーはこれらの引数を受け取ります。</translation>
    </message>
    <message>
        <source>&lt;i&gt;No changes.&lt;/i&gt;</source>
        <translation>&lt;i&gt;変更なし。&lt;/i&gt;</translation>
    </message>
    <message>
        <source>The first of %1 copies, as it will be written (JID and times are made anew at Replay):</source>
        <translation>%1 件のコピーの最初の 1 件 (書き込まれる内容そのまま。JID と時刻は再実行時に新しく作られます):</translation>
    </message>
    <message>
        <source>The copy, as it will be written (JID and times are made anew at Replay):</source>
        <translation>書き込まれるコピーの内容 (JID と時刻は再実行時に新しく作られます):</translation>
    </message>
    <message>
        <source>The copy, as it will be written:</source>
        <translation>書き込まれるコピーの内容:</translation>
    </message>
    <message>
        <source>No deployment tagged development or staging: add one, or start the local sandbox.</source>
        <translation>開発またはステージングのタグが付いた環境がありません。追加するか、ローカルサンドボックスを起動してください。</translation>
    </message>
    <message>
        <source>Reading the jobs…</source>
        <translation>ジョブを読み取り中…</translation>
    </message>
    <message>
        <source>Nothing to replay.</source>
        <translation>再実行するものはありません。</translation>
    </message>
    <message>
        <source>Fix the arguments first.</source>
        <translation>先に引数を修正してください。</translation>
    </message>
    <message>
        <source>Type the number of jobs to confirm.</source>
        <translation>確認のためジョブの件数を入力してください。</translation>
    </message>
    <message>
        <source>Replaying…</source>
        <translation>再実行中…</translation>
    </message>
    <message>
        <source>Not replayed: %1</source>
        <translation>再実行されませんでした: %1</translation>
    </message>
    <message numerus="yes">
        <source>Replayed %1 job(s) into %2.</source>
        <translation>
            <numerusform>%1 件のジョブを %2 で再実行しました。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 skipped: %2</source>
        <translation>
            <numerusform>%1 件スキップ: %2</numerusform>
        </translation>
    </message>
    <message>
        <source>Its outcome will not be shown: %1</source>
        <translation>結果は表示されません: %1</translation>
    </message>
</context>
<context>
    <name>kiq::ui::SecretSourceBox</name>
    <message>
        <source>Where secrets come from</source>
        <translation>シークレットの取得元</translation>
    </message>
    <message>
        <source>Password:</source>
        <translation>パスワード:</translation>
    </message>
    <message>
        <source>Sentinel password:</source>
        <translation>Sentinel のパスワード:</translation>
    </message>
    <message>
        <source>Client key passphrase:</source>
        <translation>クライアント鍵のパスフレーズ:</translation>
    </message>
    <message>
        <source>Ask when connecting (kept until Kiqdesk quits)</source>
        <translation>接続時に尋ねる（Kiqdesk の終了まで保持）</translation>
    </message>
    <message>
        <source>OS keychain</source>
        <translation>OS のキーチェーン</translation>
    </message>
    <message>
        <source>Credential helper</source>
        <translation>認証情報ヘルパー</translation>
    </message>
    <message>
        <source>command and arguments, e.g. vault read -field=password secret/redis</source>
        <translation>コマンドと引数（例: vault read -field=password secret/redis）</translation>
    </message>
    <message>
        <source>Run without a shell when connecting and before its token expires. It prints the secret, or JSON {&quot;password&quot;, &quot;username&quot;, &quot;expires_at&quot;}.</source>
        <translation>接続時とトークンの期限切れ前に、シェルを介さずに実行します。シークレット、または JSON {&quot;password&quot;, &quot;username&quot;, &quot;expires_at&quot;} を出力します。</translation>
    </message>
    <message>
        <source>Checking the OS keychain…</source>
        <translation>OS のキーチェーンを確認しています…</translation>
    </message>
    <message>
        <source>No OS keychain is reachable (%1). A secret set to come from it is asked for when connecting instead; it is never stored in a file.</source>
        <translation>OS のキーチェーンに接続できません（%1）。そこから取得する設定のシークレットは、代わりに接続時に尋ねます。ファイルに保存されることはありません。</translation>
    </message>
    <message>
        <source>The OS keychain is reachable: a secret typed once is kept there.</source>
        <translation>OS のキーチェーンに接続できます。一度入力したシークレットはそこに保存されます。</translation>
    </message>
    <message>
        <source>A credential helper needs a command.</source>
        <translation>認証情報ヘルパーにはコマンドが必要です。</translation>
    </message>
    <message>
        <source>Alert webhook URL:</source>
        <translation>アラートの Webhook URL:</translation>
    </message>
</context>
<context>
    <name>kiq::ui::SecurityPage</name>
    <message>
        <source>Run audit</source>
        <translation>監査を実行</translation>
    </message>
    <message>
        <source>Export Markdown…</source>
        <translation>Markdown をエクスポート…</translation>
    </message>
    <message>
        <source>Export JSON…</source>
        <translation>JSON をエクスポート…</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状態</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>チェック</translation>
    </message>
    <message>
        <source>Evidence</source>
        <translation>根拠</translation>
    </message>
    <message>
        <source>Fix</source>
        <translation>対処</translation>
    </message>
    <message>
        <source>Reads the server&apos;s settings, users, rights and a sample of the jobs; changes nothing</source>
        <translation>サーバーの設定、ユーザー、権限、ジョブの一部を読み取ります。何も変更しません</translation>
    </message>
    <message>
        <source>Export the security audit</source>
        <translation>セキュリティ監査をエクスポート</translation>
    </message>
    <message>
        <source>Markdown (*.md);;All files (*)</source>
        <translation>Markdown (*.md);;すべてのファイル (*)</translation>
    </message>
    <message>
        <source>JSON (*.json);;All files (*)</source>
        <translation>JSON (*.json);;すべてのファイル (*)</translation>
    </message>
    <message>
        <source>Security</source>
        <translation>セキュリティ</translation>
    </message>
    <message>
        <source>pass</source>
        <translation>合格</translation>
    </message>
    <message>
        <source>warn</source>
        <translation>警告</translation>
    </message>
    <message>
        <source>fail</source>
        <translation>失敗</translation>
    </message>
    <message>
        <source>could not check</source>
        <translation>確認不可</translation>
    </message>
    <message>
        <source>info</source>
        <translation>情報</translation>
    </message>
    <message>
        <source>Server identity</source>
        <translation>サーバーの識別</translation>
    </message>
    <message>
        <source>Transport</source>
        <translation>通信経路</translation>
    </message>
    <message>
        <source>Authentication</source>
        <translation>認証</translation>
    </message>
    <message>
        <source>Authorization</source>
        <translation>認可</translation>
    </message>
    <message>
        <source>Server configuration</source>
        <translation>サーバー設定</translation>
    </message>
    <message>
        <source>Job data</source>
        <translation>ジョブデータ</translation>
    </message>
    <message>
        <source>Operations</source>
        <translation>運用</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>未接続</translation>
    </message>
    <message>
        <source>Auditing… (reads only)</source>
        <translation>監査中…(読み取りのみ)</translation>
    </message>
    <message>
        <source>The audit failed:</source>
        <translation>監査に失敗しました:</translation>
    </message>
    <message>
        <source>%1 fail, %2 warn, %3 could not check, %4 pass · audited %5</source>
        <translation>失敗 %1、警告 %2、確認不可 %3、合格 %4 · 監査 %5</translation>
    </message>
    <message>
        <source>Why it matters:</source>
        <translation>重要な理由:</translation>
    </message>
    <message>
        <source>Fix:</source>
        <translation>対処:</translation>
    </message>
    <message>
        <source>Exported to %1</source>
        <translation>%1 にエクスポートしました</translation>
    </message>
    <message>
        <source>Could not write %1:</source>
        <translation>%1 に書き込めませんでした:</translation>
    </message>
</context>
<context>
    <name>kiq::ui::ShortcutsDialog</name>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>キーボードショートカット</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>キー</translation>
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
        <translation>時刻</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>所要時間</translation>
    </message>
    <message>
        <source>Command</source>
        <translation>コマンド</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>クライアント</translation>
    </message>
</context>
<context>
    <name>kiq::ui::Status</name>
    <message>
        <source>Reachable</source>
        <translation>到達可能</translation>
    </message>
    <message>
        <source>Unreachable</source>
        <translation>到達不能</translation>
    </message>
    <message>
        <source>Connecting</source>
        <translation>接続中</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>未接続</translation>
    </message>
</context>
<context>
    <name>kiq::ui::StatusLine</name>
    <message>
        <source>Could not load:</source>
        <translation>読み込めませんでした:</translation>
    </message>
    <message>
        <source>&lt;b&gt;Could not refresh:&lt;/b&gt; %1 (showing data from %2 s ago)</source>
        <translation>&lt;b&gt;更新できませんでした:&lt;/b&gt; %1 (%2 秒前のデータを表示中)</translation>
    </message>
</context>
<context>
    <name>kiq::ui::TimeSeriesChart</name>
    <message>
        <source>%1 (times in %2)</source>
        <translation>%1 (時刻: %2)</translation>
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
        <translation>TLS を使用</translation>
    </message>
    <message>
        <source>System certificate store</source>
        <translation>システムの証明書ストア</translation>
    </message>
    <message>
        <source>CA file:</source>
        <translation>CA ファイル:</translation>
    </message>
    <message>
        <source>CA directory:</source>
        <translation>CA ディレクトリ:</translation>
    </message>
    <message>
        <source>Choose the CA certificate file</source>
        <translation>CA 証明書ファイルを選択</translation>
    </message>
    <message>
        <source>Choose the CA directory</source>
        <translation>CA ディレクトリを選択</translation>
    </message>
    <message>
        <source>Choose the client certificate</source>
        <translation>クライアント証明書を選択</translation>
    </message>
    <message>
        <source>Choose the client key</source>
        <translation>クライアント鍵を選択</translation>
    </message>
    <message>
        <source>Verify the server&apos;s certificate</source>
        <translation>サーバーの証明書を検証する</translation>
    </message>
    <message>
        <source>Verify that the certificate matches the host name</source>
        <translation>証明書がホスト名と一致することを検証する</translation>
    </message>
    <message>
        <source>only for servers that require client certificates</source>
        <translation>クライアント証明書を必要とするサーバーの場合のみ</translation>
    </message>
    <message>
        <source>default: the host name</source>
        <translation>既定: ホスト名</translation>
    </message>
    <message>
        <source>Trust:</source>
        <translation>信頼:</translation>
    </message>
    <message>
        <source>Client certificate:</source>
        <translation>クライアント証明書:</translation>
    </message>
    <message>
        <source>Client key:</source>
        <translation>クライアント鍵:</translation>
    </message>
    <message>
        <source>Server name (SNI):</source>
        <translation>サーバー名 (SNI):</translation>
    </message>
    <message>
        <source>The key is encrypted: ask for its passphrase when connecting</source>
        <translation>鍵は暗号化されています: 接続時にパスフレーズを尋ねる</translation>
    </message>
    <message>
        <source>only for an encrypted key; not saved: asked when connecting</source>
        <translation>暗号化された鍵の場合のみ。保存されません: 接続時に尋ねます</translation>
    </message>
    <message>
        <source>Key passphrase:</source>
        <translation>鍵のパスフレーズ:</translation>
    </message>
</context>
<context>
    <name>kiq::ui::TopologyBox</name>
    <message>
        <source>Server</source>
        <translation>サーバー</translation>
    </message>
    <message>
        <source>The sentinels need a password (asked when connecting)</source>
        <translation>センチネルにはパスワードが必要です (接続時に尋ねます)</translation>
    </message>
    <message>
        <source>Standalone (or a replica)</source>
        <translation>スタンドアロン (またはレプリカ)</translation>
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
        <translation>保存されません</translation>
    </message>
    <message>
        <source>Host:</source>
        <translation>ホスト:</translation>
    </message>
    <message>
        <source>Port:</source>
        <translation>ポート:</translation>
    </message>
    <message>
        <source>Master name:</source>
        <translation>マスター名:</translation>
    </message>
    <message>
        <source>Sentinels (host:port):</source>
        <translation>センチネル (host:port):</translation>
    </message>
    <message>
        <source>Sentinel user:</source>
        <translation>センチネルのユーザー:</translation>
    </message>
    <message>
        <source>Sentinel password:</source>
        <translation>センチネルのパスワード:</translation>
    </message>
    <message>
        <source>Seed nodes (host:port):</source>
        <translation>シードノード (host:port):</translation>
    </message>
    <message>
        <source>Topology:</source>
        <translation>トポロジー:</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a host:port address</source>
        <translation>&apos;%1&apos; は host:port 形式のアドレスではありません</translation>
    </message>
</context>
<context>
    <name>kiq::ui::TrayIcon</name>
    <message>
        <source>all checks OK</source>
        <translation>すべてのチェックが正常</translation>
    </message>
    <message>
        <source>warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <source>critical</source>
        <translation>重大</translation>
    </message>
    <message>
        <source>no deployment watched</source>
        <translation>監視中のデプロイメントなし</translation>
    </message>
    <message>
        <source>Show Kiqdesk</source>
        <translation>Kiqdesk を表示</translation>
    </message>
    <message>
        <source>Acknowledge all alerts</source>
        <translation>すべてのアラートを確認済みにする</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>終了</translation>
    </message>
    <message>
        <source>Kiqdesk: %1</source>
        <translation>Kiqdesk: %1</translation>
    </message>
    <message numerus="yes">
        <source>… and %n more</source>
        <translation>
            <numerusform>… 他 %n 件</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n alert(s) open</source>
        <translation>
            <numerusform>未解決のアラート %n 件</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>kiq::ui::UndoOffer</name>
    <message>
        <source>Undo</source>
        <translation>元に戻す</translation>
    </message>
    <message numerus="yes">
        <source>Undo: put the %1 job(s) back</source>
        <translation>
            <numerusform>元に戻す: %1 件のジョブを戻す</numerusform>
        </translation>
    </message>
    <message>
        <source>Put the jobs back where they were (Undo history has every action)</source>
        <translation>ジョブを元の場所に戻す（元に戻す履歴にすべての操作があります）</translation>
    </message>
</context>
<context>
    <name>kiq::ui::UndoPage</name>
    <message>
        <source>When</source>
        <translation>日時</translation>
    </message>
    <message>
        <source>What was removed</source>
        <translation>削除された内容</translation>
    </message>
    <message>
        <source>Jobs</source>
        <translation>ジョブ</translation>
    </message>
    <message>
        <source>Not restored</source>
        <translation>未復元</translation>
    </message>
    <message>
        <source>By</source>
        <translation>実行者</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>理由</translation>
    </message>
    <message>
        <source>Reload</source>
        <translation>再読み込み</translation>
    </message>
    <message>
        <source>Restore</source>
        <translation>復元</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>未接続です。</translation>
    </message>
    <message>
        <source>Undo history</source>
        <translation>元に戻す履歴</translation>
    </message>
    <message numerus="yes">
        <source>%1 job(s) killed from %2 at %3</source>
        <translation>
            <numerusform>%3 に %2 から %1 件のジョブをキル</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 job(s) cleared from %2 at %3</source>
        <translation>
            <numerusform>%3 に %2 から %1 件のジョブを消去</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 job(s) deleted from %2 at %3</source>
        <translation>
            <numerusform>%3 に %2 から %1 件のジョブを削除</numerusform>
        </translation>
    </message>
    <message>
        <source>Nothing to undo: deletes, kills and queue clears on this server are kept here for 7 days.</source>
        <translation>元に戻す対象はありません: このサーバーでの削除、キル、キューの消去は 7 日間ここに保持されます。</translation>
    </message>
    <message numerus="yes">
        <source>%1 action(s) kept for 7 days</source>
        <translation>
            <numerusform>%1 件の操作を 7 日間保持</numerusform>
        </translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>未接続</translation>
    </message>
    <message>
        <source>Select an action in the list first</source>
        <translation>先に一覧から操作を選択してください</translation>
    </message>
    <message>
        <source>Its jobs were restored already</source>
        <translation>そのジョブは既に復元されています</translation>
    </message>
    <message>
        <source>Put back the %1</source>
        <translation>%1 を戻す</translation>
    </message>
    <message>
        <source>Restoring…</source>
        <translation>復元中…</translation>
    </message>
    <message>
        <source>Restore failed:</source>
        <translation>復元に失敗しました:</translation>
    </message>
    <message numerus="yes">
        <source>Restored %1 job(s), %2 already there (%3)</source>
        <translation>
            <numerusform>%1 件のジョブを復元しました。%2 件は既に存在 (%3)</numerusform>
        </translation>
    </message>
    <message>
        <source>Copy as command</source>
        <translation>コマンドとしてコピー</translation>
    </message>
</context>
<context>
    <name>kiq::ui::WorkersPage</name>
    <message>
        <source>Queues</source>
        <translation>キュー</translation>
    </message>
    <message>
        <source>Concurrency</source>
        <translation>並行数</translation>
    </message>
    <message>
        <source>Handler file</source>
        <translation>ハンドラーファイル</translation>
    </message>
    <message>
        <source>Shutdown timeout</source>
        <translation>停止タイムアウト</translation>
    </message>
    <message>
        <source>Pool settings</source>
        <translation>プール設定</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>開始</translation>
    </message>
    <message>
        <source>Quiet</source>
        <translation>静止</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Processed</source>
        <translation>処理済み</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失敗</translation>
    </message>
    <message>
        <source>Busy</source>
        <translation>実行中</translation>
    </message>
    <message>
        <source>Running for</source>
        <translation>実行時間</translation>
    </message>
    <message>
        <source>critical,2 default</source>
        <translation>critical,2 default</translation>
    </message>
    <message>
        <source>Queues separated by spaces, as Sidekiq&apos;s -q: &quot;name&quot; or &quot;name,weight&quot;. Without weights the order is strict; with weights a heavier queue is tried first more often.</source>
        <translation>Sidekiq の -q と同じく、キューを空白で区切ります: &quot;name&quot; または &quot;name,weight&quot;。重みがなければ順序は厳密で、重みがあれば重いキューほど先に試される頻度が高くなります。</translation>
    </message>
    <message>
        <source>TOML file mapping job classes to commands (optional)</source>
        <translation>ジョブクラスをコマンドに対応付ける TOML ファイル (任意)</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>参照…</translation>
    </message>
    <message>
        <source>DEBUG also logs the start and end of every job.</source>
        <translation>DEBUG では各ジョブの開始と終了も記録します。</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>How long Stop waits for running jobs before pushing them back to their queues.</source>
        <translation>停止時に、実行中のジョブをキューに戻す前に待つ時間。</translation>
    </message>
    <message>
        <source>Log level</source>
        <translation>ログレベル</translation>
    </message>
    <message>
        <source>Finish the running jobs and fetch no new ones.</source>
        <translation>実行中のジョブを完了させ、新しいジョブを取得しません。</translation>
    </message>
    <message>
        <source>All lines</source>
        <translation>すべての行</translation>
    </message>
    <message>
        <source>Info and above</source>
        <translation>Info 以上</translation>
    </message>
    <message>
        <source>Warnings and errors</source>
        <translation>警告とエラー</translation>
    </message>
    <message>
        <source>Errors only</source>
        <translation>エラーのみ</translation>
    </message>
    <message>
        <source>Jobs in flight</source>
        <translation>実行中のジョブ</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>ログ</translation>
    </message>
    <message>
        <source>Local workers</source>
        <translation>ローカルワーカー</translation>
    </message>
    <message>
        <source>Writes to this deployment are disarmed, but this pool keeps working jobs until you stop it.</source>
        <translation>このデプロイメントへの書き込みは無効化されましたが、このプールは停止するまでジョブの処理を続けます。</translation>
    </message>
    <message>
        <source>Stopped.</source>
        <translation>停止しました。</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>未接続です。</translation>
    </message>
    <message numerus="yes">
        <source>Stopped. The last run processed %n job(s).</source>
        <translation>
            <numerusform>停止しました。前回の実行では %n 件のジョブを処理しました。</numerusform>
        </translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>開始中…</translation>
    </message>
    <message numerus="yes">
        <source>Running %n thread(s) on %1 (strict order).</source>
        <translation>
            <numerusform>%1 で %n スレッドを実行中 (厳密な順序)。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Running %n thread(s) on %1 (weighted).</source>
        <translation>
            <numerusform>%1 で %n スレッドを実行中 (重み付き)。</numerusform>
        </translation>
    </message>
    <message>
        <source>Quiet: running jobs finish, no new jobs are fetched.</source>
        <translation>静止: 実行中のジョブは完了し、新しいジョブは取得されません。</translation>
    </message>
    <message>
        <source>Stopping: waiting for the running jobs…</source>
        <translation>停止中: 実行中のジョブを待っています…</translation>
    </message>
    <message>
        <source>Could not start: %1</source>
        <translation>開始できませんでした: %1</translation>
    </message>
    <message>
        <source>Started by %1.</source>
        <translation>%1 が開始しました。</translation>
    </message>
    <message>
        <source>Process %1 on %2</source>
        <translation>%2 上のプロセス %1</translation>
    </message>
    <message numerus="yes">
        <source>of %n thread(s)</source>
        <translation>
            <numerusform>/ %n スレッド</numerusform>
        </translation>
    </message>
    <message>
        <source>TOML files (*.toml);;All files (*)</source>
        <translation>TOML ファイル (*.toml);;すべてのファイル (*)</translation>
    </message>
    <message>
        <source>Built-in demo handlers</source>
        <translation>組み込みのデモハンドラー</translation>
    </message>
    <message>
        <source>Kiqdesk::Sleep, Kiqdesk::Fail and Kiqdesk::Echo</source>
        <translation>Kiqdesk::Sleep、Kiqdesk::Fail、Kiqdesk::Echo</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>未接続</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <comment>class (hand-backs)</comment>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>No handler here for %1: their jobs went back to their queues unchanged (no retry used, no error written), for the workers that run them.</source>
        <translation>%1 のハンドラーがここにありません: これらのジョブは、実行できるワーカーのために、変更されずにキューに戻りました (再試行は消費されず、エラーも書き込まれていません)。</translation>
    </message>
    <message>
        <source>%1:</source>
        <translation>%1:</translation>
    </message>
    <message>
        <source>Start workers on %1</source>
        <translation>%1 でワーカーを開始</translation>
    </message>
    <message>
        <source>Start a worker pool on &lt;b&gt;%1&lt;/b&gt;, a &lt;b&gt;%2&lt;/b&gt; deployment?&lt;br&gt;&lt;br&gt;It takes jobs from %3 and runs them on this computer.</source>
        <translation>&lt;b&gt;%2&lt;/b&gt; のデプロイメントである &lt;b&gt;%1&lt;/b&gt; でワーカープールを開始しますか?&lt;br&gt;&lt;br&gt;%3 からジョブを取得し、このコンピューターで実行します。</translation>
    </message>
    <message>
        <source>Start on %1</source>
        <translation>%1 で開始</translation>
    </message>
    <message>
        <source>Not started.</source>
        <translation>開始されていません。</translation>
    </message>
    <message>
        <source>Looking at the jobs waiting in %1…</source>
        <translation>%1 で待機中のジョブを確認中…</translation>
    </message>
    <message>
        <source>Not started: could not look at the queues:</source>
        <translation>開始されていません: キューを確認できませんでした:</translation>
    </message>
    <message>
        <source>Jobs without a handler</source>
        <translation>ハンドラーのないジョブ</translation>
    </message>
    <message>
        <source>These jobs wait in the chosen queues, and this pool has no handler for their class (counted among the newest %1 jobs of each queue):</source>
        <translation>これらのジョブは選択したキューで待機していますが、このプールにはそのクラスのハンドラーがありません (各キューの最新 %1 件のジョブで集計):</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>キュー</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>クラス</translation>
    </message>
    <message>
        <source>Jobs</source>
        <translation>ジョブ</translation>
    </message>
    <message>
        <source>What should the pool do with them?</source>
        <translation>プールはこれらをどう扱いますか?</translation>
    </message>
    <message>
        <source>Handed back, a job goes back to its queue unchanged (no retry used, no error written) for the workers that have its class. Failed, it uses a retry and gets NameError as its error, as a Sidekiq without that class would do.</source>
        <translation>返却すると、ジョブはそのクラスを持つワーカーのために、変更されずにキューに戻ります (再試行は消費されず、エラーも書き込まれません)。失敗にすると、再試行を 1 回消費し、そのクラスを持たない Sidekiq と同様に NameError がエラーとして記録されます。</translation>
    </message>
    <message>
        <source>Hand them back (leave them for their own workers)</source>
        <translation>返却する (本来のワーカーに任せる)</translation>
    </message>
    <message>
        <source>Fail them like Sidekiq does</source>
        <translation>Sidekiq と同様に失敗させる</translation>
    </message>
    <message>
        <source>Not started:</source>
        <translation>開始されていません:</translation>
    </message>
    <message>
        <source>Not started: the deployment was disconnected.</source>
        <translation>開始されていません: デプロイメントが切断されました。</translation>
    </message>
    <message>
        <source>Copy as command</source>
        <translation>コマンドとしてコピー</translation>
    </message>
    <message>
        <source>Copy the kiqdesk-cli command that starts this pool, for a script or a server</source>
        <translation>このプールを起動する kiqdesk-cli コマンドをコピー（スクリプトやサーバー用）</translation>
    </message>
</context>
</TS>
