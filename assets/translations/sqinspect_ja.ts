<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="ja_JP">
<context>
    <name>FirstAdminDialog</name>
    <message>
        <location filename="../../app/gui/login.py" line="102" />
        <source>SQ-Inspect - New station</source>
        <translation>SQ-Inspect - 新しいステーション</translation>
    </message>
    <message>
        <location filename="../../app/gui/login.py" line="103" />
        <source>Create the administrator account</source>
        <translation>管理者アカウントの作成</translation>
    </message>
    <message>
        <location filename="../../app/gui/login.py" line="104" />
        <source>This station has no users yet. The first account is the administrator, who adds inspectors and QA staff in Settings.</source>
        <translation>このステーションにはまだユーザーがいません。最初のアカウントは管理者で、設定で検査員と品質保証担当を追加します。</translation>
    </message>
    <message>
        <location filename="../../app/gui/login.py" line="106" />
        <source>&amp;User</source>
        <translation>ユーザー(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../app/gui/login.py" line="107" />
        <source>&amp;Password</source>
        <translation>パスワード(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../app/gui/login.py" line="108" />
        <source>&amp;Repeat password</source>
        <translation>パスワード再入力(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../app/gui/login.py" line="112" />
        <source>The two passwords differ.</source>
        <translation>2つのパスワードが一致しません。</translation>
    </message>
</context>
<context>
    <name>HistoryModel</name>
    <message>
        <location filename="../../app/gui/history.py" line="70" />
        <source>decided</source>
        <translation>判断済み</translation>
    </message>
    <message>
        <location filename="../../app/gui/history.py" line="70" />
        <source>no decision yet</source>
        <translation>未判断</translation>
    </message>
    <message>
        <location filename="../../app/gui/history.py" line="71" />
        <source>Inspection #%1: %2, defect probability %3 (%4)</source>
        <translation>検査 #%1: %2、欠陥確率 %3 (%4)</translation>
    </message>
</context>
<context>
    <name>ImageView</name>
    <message>
        <location filename="../../app/gui/image_view.py" line="200" />
        <source>Part image</source>
        <translation>部品画像</translation>
    </message>
    <message>
        <location filename="../../app/gui/image_view.py" line="201" />
        <source>Wheel or + and - to zoom, drag or arrow keys to pan, 0 to fit, 1 for 100 %</source>
        <translation>ホイールまたは + と - で拡大縮小、ドラッグまたは矢印キーで移動、0 で全体表示、1 で 100 %</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <location filename="../../app/gui/login.py" line="73" />
        <source>SQ-Inspect - Sign in</source>
        <translation>SQ-Inspect - サインイン</translation>
    </message>
    <message>
        <location filename="../../app/gui/login.py" line="74" />
        <source>Sign in</source>
        <translation>サインイン</translation>
    </message>
    <message>
        <location filename="../../app/gui/login.py" line="75" />
        <source>Station database: %1</source>
        <translation>ステーションのデータベース: %1</translation>
    </message>
    <message>
        <location filename="../../app/gui/login.py" line="76" />
        <source>&amp;User</source>
        <translation>ユーザー(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../app/gui/login.py" line="77" />
        <source>&amp;Password or PIN</source>
        <translation>パスワードまたはPIN(&amp;P)</translation>
    </message>
</context>
<context>
    <name>QAModel</name>
    <message>
        <location filename="../../app/gui/result_panel.py" line="55" />
        <source>Question the model asked itself</source>
        <translation>モデルが自ら立てた質問</translation>
    </message>
    <message>
        <location filename="../../app/gui/result_panel.py" line="55" />
        <source>Answer</source>
        <translation>回答</translation>
    </message>
</context>
<context>
    <name>ResultPanel</name>
    <message>
        <location filename="../../app/gui/result_panel.py" line="138" />
        <source>Description</source>
        <translation>説明</translation>
    </message>
    <message>
        <location filename="../../app/gui/result_panel.py" line="139" />
        <source>Self-questions and answers</source>
        <translation>自己質問と回答</translation>
    </message>
    <message>
        <location filename="../../app/gui/result_panel.py" line="140" />
        <source>&amp;Accept verdict</source>
        <translation>判定を承認(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../app/gui/result_panel.py" line="141" />
        <source>&amp;Override...</source>
        <translation>判定を覆す(&amp;O)...</translation>
    </message>
    <message>
        <location filename="../../app/gui/result_panel.py" line="142" />
        <source>Re&amp;ject image...</source>
        <translation>画像を却下(&amp;J)...</translation>
    </message>
    <message>
        <location filename="../../app/gui/result_panel.py" line="143" />
        <source>The model's verdict is right (A)</source>
        <translation>モデルの判定は正しい (A)</translation>
    </message>
    <message>
        <location filename="../../app/gui/result_panel.py" line="144" />
        <source>The model's verdict is wrong; give the reason (O)</source>
        <translation>モデルの判定は誤り。理由を入力 (O)</translation>
    </message>
    <message>
        <location filename="../../app/gui/result_panel.py" line="145" />
        <source>The inspection is unusable: wrong part, bad image (J)</source>
        <translation>検査が使えない: 部品違い、画像不良 (J)</translation>
    </message>
    <message>
        <location filename="../../app/gui/result_panel.py" line="176" />
        <source>PASS</source>
        <translation>合格</translation>
    </message>
    <message>
        <location filename="../../app/gui/result_panel.py" line="176" />
        <source>FAIL</source>
        <translation>不合格</translation>
    </message>
    <message>
        <location filename="../../app/gui/result_panel.py" line="176" />
        <source>REVIEW</source>
        <translation>要確認</translation>
    </message>
    <message>
        <location filename="../../app/gui/result_panel.py" line="178" />
        <source>Ready</source>
        <translation>準備完了</translation>
    </message>
    <message>
        <location filename="../../app/gui/result_panel.py" line="180" />
        <source>Place a part and press Space or INSPECT</source>
        <translation>部品を置いて Space または「検査」を押してください</translation>
    </message>
    <message>
        <location filename="../../app/gui/result_panel.py" line="193" />
        <source>Defect probability %1 (threshold %2) - model verdict %3</source>
        <translation>欠陥確率 %1 (しきい値 %2) - モデル判定 %3</translation>
    </message>
    <message>
        <location filename="../../app/gui/result_panel.py" line="195" />
        <source>(no description)</source>
        <translation>(説明なし)</translation>
    </message>
    <message>
        <location filename="../../app/gui/result_panel.py" line="202" />
        <source>Inspection #%1</source>
        <translation>検査 #%1</translation>
    </message>
    <message>
        <location filename="../../app/gui/result_panel.py" line="204" />
        <source>model %1 ms</source>
        <translation>モデル %1 ms</translation>
    </message>
    <message>
        <location filename="../../app/gui/result_panel.py" line="208" />
        <source>accepted</source>
        <translation>承認</translation>
    </message>
    <message>
        <location filename="../../app/gui/result_panel.py" line="208" />
        <source>overridden</source>
        <translation>判定変更</translation>
    </message>
    <message>
        <location filename="../../app/gui/result_panel.py" line="209" />
        <source>rejected</source>
        <translation>却下</translation>
    </message>
    <message>
        <location filename="../../app/gui/result_panel.py" line="210" />
        <source>Decision: %1 by %2</source>
        <translation>判断: %1 (%2)</translation>
    </message>
    <message>
        <location filename="../../app/gui/result_panel.py" line="215" />
        <source>Waiting for your decision</source>
        <translation>判断を待っています</translation>
    </message>
    <message>
        <location filename="../../app/gui/result_panel.py" line="228" />
        <source>Override the model's verdict</source>
        <translation>モデルの判定を覆す</translation>
    </message>
    <message>
        <location filename="../../app/gui/result_panel.py" line="229" />
        <source>Defect the model missed</source>
        <translation>モデルが見逃した欠陥</translation>
    </message>
    <message>
        <location filename="../../app/gui/result_panel.py" line="229" />
        <source>No defect: false alarm</source>
        <translation>欠陥なし: 誤検出</translation>
    </message>
    <message>
        <location filename="../../app/gui/result_panel.py" line="230" />
        <source>Defect within tolerance</source>
        <translation>許容範囲内の欠陥</translation>
    </message>
    <message>
        <location filename="../../app/gui/result_panel.py" line="232" />
        <source>Reject this inspection</source>
        <translation>この検査を却下</translation>
    </message>
    <message>
        <location filename="../../app/gui/result_panel.py" line="233" />
        <source>Wrong part under the camera</source>
        <translation>カメラの下の部品が違う</translation>
    </message>
    <message>
        <location filename="../../app/gui/result_panel.py" line="233" />
        <source>Bad image: blur, glare or part cut off</source>
        <translation>画像不良: ぼけ、反射、部品の見切れ</translation>
    </message>
    <message>
        <location filename="../../app/gui/result_panel.py" line="234" />
        <source>Part moved during capture</source>
        <translation>撮影中に部品が動いた</translation>
    </message>
    <message>
        <location filename="../../app/gui/result_panel.py" line="235" />
        <source>Reason (choose or type):</source>
        <translation>理由 (選択または入力):</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="150" />
        <source>Video file</source>
        <translation>動画ファイル</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="151" />
        <source>Videos (*.mp4 *.avi *.mkv *.mov);;All files (*)</source>
        <translation>動画 (*.mp4 *.avi *.mkv *.mov);;すべてのファイル (*)</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="156" />
        <source>Choose a folder</source>
        <translation>フォルダを選択</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="163" />
        <source>Verifying...</source>
        <translation>検証中...</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="172" />
        <source>Verified: %1</source>
        <translation>検証済み: %1</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="172" />
        <source>NOT usable: %1</source>
        <translation>使用できません: %1</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="216" />
        <source>User not added</source>
        <translation>ユーザーを追加できませんでした</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="233" />
        <source>User not changed</source>
        <translation>ユーザーを変更できませんでした</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="244" />
        <source>SQ-Inspect - Settings</source>
        <translation>SQ-Inspect - 設定</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="245" />
        <source>&amp;Station</source>
        <translation>ステーション(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="246" />
        <source>&amp;Users</source>
        <translation>ユーザー(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="247" />
        <source>&amp;Camera source</source>
        <translation>カメラ入力(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="247" />
        <source>&amp;Resolution</source>
        <translation>解像度(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="247" />
        <source>Model &amp;bundle</source>
        <translation>モデルバンドル(&amp;B)</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="247" />
        <source>Bundle status</source>
        <translation>バンドルの状態</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="248" />
        <source>&amp;Threshold (0 = the bundle's)</source>
        <translation>しきい値 (0 = バンドルの値)(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="248" />
        <source>Re&amp;view band (log-odds)</source>
        <translation>要確認の幅 (対数オッズ)(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="249" />
        <source>Self-&amp;questions per part</source>
        <translation>部品ごとの自己質問数(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="249" />
        <source>Station &amp;name</source>
        <translation>ステーション名(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="249" />
        <source>&amp;Data folder</source>
        <translation>データフォルダ(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="250" />
        <source>&amp;Language</source>
        <translation>言語(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="253" />
        <source>device index (0), video file, image folder or rtsp:// URL; empty = sample video</source>
        <translation>デバイス番号 (0)、動画ファイル、画像フォルダまたは rtsp:// URL。空欄 = サンプル動画</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="254" />
        <source>Video...</source>
        <translation>動画...</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="255" />
        <source>Folder...</source>
        <translation>フォルダ...</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="256" />
        <source>empty = the default bundle</source>
        <translation>空欄 = 既定のバンドル</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="257" />
        <location filename="../../app/gui/settings_dialog.py" line="259" />
        <source>Browse...</source>
        <translation>参照...</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="258" />
        <source>empty = the platform's data folder</source>
        <translation>空欄 = プラットフォームのデータフォルダ</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="263" />
        <source>camera default</source>
        <translation>カメラの既定値</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="266" />
        <source>inspector</source>
        <translation>検査員</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="266" />
        <source>QA</source>
        <translation>品質保証</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="266" />
        <source>admin</source>
        <translation>管理者</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="269" />
        <source>User</source>
        <translation>ユーザー</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="269" />
        <source>Role</source>
        <translation>役割</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="269" />
        <source>State</source>
        <translation>状態</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="270" />
        <source>new user name</source>
        <translation>新しいユーザー名</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="271" />
        <source>password or PIN</source>
        <translation>パスワードまたはPIN</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="272" />
        <source>&amp;Add user</source>
        <translation>ユーザーを追加(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="273" />
        <source>Disable / enable the selected user</source>
        <translation>選択したユーザーを無効化 / 有効化</translation>
    </message>
</context>
<context>
    <name>StationWindow</name>
    <message>
        <location filename="../../app/gui/station.py" line="165" />
        <source>SQ-Inspect - Station %1</source>
        <translation>SQ-Inspect - ステーション %1</translation>
    </message>
    <message>
        <location filename="../../app/gui/station.py" line="166" />
        <source>&amp;Serial</source>
        <translation>シリアル(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../app/gui/station.py" line="167" />
        <source>&amp;Lot</source>
        <translation>ロット(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../app/gui/station.py" line="168" />
        <source>scan the barcode (Enter inspects)</source>
        <translation>バーコードをスキャン (Enter で検査)</translation>
    </message>
    <message>
        <location filename="../../app/gui/station.py" line="169" />
        <source>optional</source>
        <translation>任意</translation>
    </message>
    <message>
        <location filename="../../app/gui/station.py" line="170" />
        <location filename="../../app/gui/station.py" line="268" />
        <source>Inspecting...</source>
        <translation>検査中...</translation>
    </message>
    <message>
        <location filename="../../app/gui/station.py" line="170" />
        <location filename="../../app/gui/station.py" line="281" />
        <source>INSPECT  (Space)</source>
        <translation>検査  (Space)</translation>
    </message>
    <message>
        <location filename="../../app/gui/station.py" line="171" />
        <source>Recent parts (click to reopen)</source>
        <translation>最近の部品 (クリックで再表示)</translation>
    </message>
    <message>
        <location filename="../../app/gui/station.py" line="172" />
        <source>&amp;File</source>
        <translation>ファイル(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../app/gui/station.py" line="173" />
        <source>Sign &amp;out</source>
        <translation>サインアウト(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../app/gui/station.py" line="174" />
        <source>&amp;Quit</source>
        <translation>終了(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../app/gui/station.py" line="175" />
        <source>&amp;Tools</source>
        <translation>ツール(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../app/gui/station.py" line="176" />
        <source>QA &amp;review...</source>
        <translation>品質レビュー(&amp;R)...</translation>
    </message>
    <message>
        <location filename="../../app/gui/station.py" line="177" />
        <source>&amp;Settings...</source>
        <translation>設定(&amp;S)...</translation>
    </message>
    <message>
        <location filename="../../app/gui/station.py" line="178" />
        <source>&amp;Language</source>
        <translation>言語(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../app/gui/station.py" line="222" />
        <source>Camera lost: %1</source>
        <translation>カメラが切断されました: %1</translation>
    </message>
    <message>
        <location filename="../../app/gui/station.py" line="224" />
        <source>Connecting to the camera...</source>
        <translation>カメラに接続しています...</translation>
    </message>
    <message>
        <location filename="../../app/gui/station.py" line="234" />
        <source>Model not loaded: %1</source>
        <translation>モデルを読み込めません: %1</translation>
    </message>
    <message>
        <location filename="../../app/gui/station.py" line="238" />
        <source>Signed in: %1 (%2)</source>
        <translation>サインイン中: %1 (%2)</translation>
    </message>
    <message>
        <location filename="../../app/gui/station.py" line="241" />
        <source>Camera live, %1 fps</source>
        <translation>カメラ稼働中 %1 fps</translation>
    </message>
    <message>
        <location filename="../../app/gui/station.py" line="242" />
        <source>Camera lost</source>
        <translation>カメラ切断</translation>
    </message>
    <message>
        <location filename="../../app/gui/station.py" line="242" />
        <source>Camera connecting</source>
        <translation>カメラ接続中</translation>
    </message>
    <message>
        <location filename="../../app/gui/station.py" line="246" />
        <source>Model %1 on %2</source>
        <translation>モデル %1 (%2)</translation>
    </message>
    <message>
        <location filename="../../app/gui/station.py" line="249" />
        <source>Model loading...</source>
        <translation>モデル読み込み中...</translation>
    </message>
    <message>
        <location filename="../../app/gui/station.py" line="257" />
        <source>Still inspecting the previous part.</source>
        <translation>前の部品を検査中です。</translation>
    </message>
    <message>
        <location filename="../../app/gui/station.py" line="259" />
        <source>The model is not loaded yet.</source>
        <translation>モデルがまだ読み込まれていません。</translation>
    </message>
    <message>
        <location filename="../../app/gui/station.py" line="261" />
        <source>No camera picture to inspect.</source>
        <translation>検査するカメラ画像がありません。</translation>
    </message>
    <message>
        <location filename="../../app/gui/station.py" line="296" />
        <source>Inspection failed: %1</source>
        <translation>検査に失敗しました: %1</translation>
    </message>
    <message>
        <location filename="../../app/gui/station.py" line="306" />
        <source>Decision not saved</source>
        <translation>判断を保存できませんでした</translation>
    </message>
    <message>
        <location filename="../../app/gui/station.py" line="367" />
        <source>The new data folder is used from the next start.</source>
        <translation>新しいデータフォルダは次回起動時から使われます。</translation>
    </message>
</context>
<context>
    <name>VideoView</name>
    <message>
        <location filename="../../app/gui/video_view.py" line="41" />
        <source>Live camera view</source>
        <translation>ライブカメラ映像</translation>
    </message>
</context>
</TS>