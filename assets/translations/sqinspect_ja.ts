<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="ja_JP">
<context>
    <name>ChartsPanel</name>
    <message>
        <location filename="../../app/gui/review/charts.py" line="434" />
        <source>Reading the statistics...</source>
        <translation>統計を読み込んでいます...</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/charts.py" line="436" />
        <source>Could not read the statistics: %1</source>
        <translation>統計を読み込めません: %1</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/charts.py" line="439" />
        <source>%1 inspections · fail rate %2 · disagreement rate %3 · reviewed %4 · rejected images %5</source>
        <translation>検査 %1 件 · 不合格率 %2 · 判定変更率 %3 · レビュー済み %4 · 却下画像 %5</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/charts.py" line="447" />
        <source>Pass</source>
        <translation>合格</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/charts.py" line="447" />
        <source>Fail</source>
        <translation>不合格</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/charts.py" line="448" />
        <source>Rejected image</source>
        <translation>却下画像</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/charts.py" line="454" />
        <location filename="../../app/gui/review/charts.py" line="479" />
        <source>Disagreements</source>
        <translation>判定変更</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/charts.py" line="459" />
        <source>%1
%2 inspections: %3 pass, %4 fail, %5 rejected
fail rate %6
disagreements %7 (%8), of which by the inspector %9</source>
        <translation>%1
検査 %2 件: 合格 %3、不合格 %4、却下 %5
不合格率 %6
判定変更 %7 (%8)、うち検査員によるもの %9</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/charts.py" line="473" />
        <source>No inspections match the filters.</source>
        <translation>条件に合う検査はありません。</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/charts.py" line="474" />
        <source>Inspections and fail rate per day</source>
        <translation>日別の検査件数と不合格率</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/charts.py" line="474" />
        <location filename="../../app/gui/review/charts.py" line="477" />
        <source>Inspections</source>
        <translation>検査件数</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/charts.py" line="475" />
        <location filename="../../app/gui/review/charts.py" line="477" />
        <source>Fail rate</source>
        <translation>不合格率</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/charts.py" line="476" />
        <source>Inspections and fail rate per station</source>
        <translation>ステーション別の検査件数と不合格率</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/charts.py" line="478" />
        <source>Disagreement with the model per day</source>
        <translation>日別のモデル判定変更</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/charts.py" line="479" />
        <source>Disagreement rate</source>
        <translation>判定変更率</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/charts.py" line="481" />
        <source>Defect words most often named in answers (number of inspections)</source>
        <translation>回答で多く挙がった欠陥の語 (検査件数)</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/charts.py" line="482" />
        <source>No defect words in the answers of these inspections.</source>
        <translation>これらの検査の回答には欠陥の語がありません。</translation>
    </message>
</context>
<context>
    <name>DetailPane</name>
    <message>
        <location filename="../../app/gui/review/detail.py" line="227" />
        <source>Signed in as %1 (%2): only QA and admin users review inspections.</source>
        <translation>サインイン中: %1 (%2)。検査をレビューできるのは品質保証と管理者のみです。</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/detail.py" line="230" />
        <source>You made the inspector's decision on this part; another QA user must review it.</source>
        <translation>この部品の検査員判断はあなたが行いました。別の品質保証担当がレビューしてください。</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/detail.py" line="234" />
        <source>Confirm keeps the outcome %1. An override needs a reason and is recorded in the audit log.</source>
        <translation>確認すると結果 %1 のままです。変更には理由が必要で、監査ログに記録されます。</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/detail.py" line="238" />
        <source>&amp;Confirm %1</source>
        <translation>%1 を確認(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/detail.py" line="239" />
        <source>&amp;Confirm</source>
        <translation>確認(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/detail.py" line="246" />
        <source>An override needs a reason: write what you saw.</source>
        <translation>変更には理由が必要です。確認した内容を書いてください。</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/detail.py" line="256" />
        <source>Select an inspection in the list</source>
        <translation>一覧から検査を選択してください</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/detail.py" line="259" />
        <source>The image file is missing</source>
        <translation>画像ファイルがありません</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/detail.py" line="260" />
        <source>The image file cannot be read</source>
        <translation>画像ファイルを読み込めません</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/detail.py" line="264" />
        <source>%1 × %2 px</source>
        <translation>%1 × %2 px</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/detail.py" line="271" />
        <source>No inspection selected</source>
        <translation>検査が選択されていません</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/detail.py" line="279" />
        <source>Inspection %1</source>
        <translation>検査 %1</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/detail.py" line="281" />
        <source>inspector %1</source>
        <translation>検査員 %1</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/detail.py" line="283" />
        <source>serial %1</source>
        <translation>シリアル %1</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/detail.py" line="285" />
        <source>lot %1</source>
        <translation>ロット %1</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/detail.py" line="288" />
        <source>p %1 (threshold %2)</source>
        <translation>p %1 (しきい値 %2)</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/detail.py" line="293" />
        <source>%1 by %2</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/detail.py" line="297" />
        <source>no decision recorded</source>
        <translation>判断の記録なし</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/detail.py" line="319" />
        <source>audit record %1, hash %2…</source>
        <translation>監査記録 %1、ハッシュ %2…</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/detail.py" line="328" />
        <source>Model bundle</source>
        <translation>モデルバンドル</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/detail.py" line="329" />
        <source>Inference time</source>
        <translation>推論時間</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/detail.py" line="329" />
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/detail.py" line="330" />
        <source>Source</source>
        <translation>入力元</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/detail.py" line="331" />
        <source>Image SHA-256</source>
        <translation>画像 SHA-256</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/detail.py" line="341" />
        <source>(system)</source>
        <translation>(システム)</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/detail.py" line="345" />
        <source>%1 inspected the part: model %2, p %3</source>
        <translation>%1 が部品を検査: モデル %2、p %3</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/detail.py" line="350" />
        <source>%1 accepted the model's verdict</source>
        <translation>%1 がモデルの判定を承認</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/detail.py" line="352" />
        <source>%1 overrode the model to %2</source>
        <translation>%1 がモデルの判定を %2 に変更</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/detail.py" line="355" />
        <source>%1 rejected the image as unusable</source>
        <translation>%1 が画像を使用不可として却下</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/detail.py" line="358" />
        <source>%1 confirmed the outcome %2 (QA review)</source>
        <translation>%1 が結果 %2 を確認 (品質レビュー)</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/detail.py" line="361" />
        <source>%1 overrode the outcome to %2 (QA review)</source>
        <translation>%1 が結果を %2 に変更 (品質レビュー)</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/detail.py" line="368" />
        <source>Fit</source>
        <translation>全体</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/detail.py" line="369" />
        <source>Fit the image to the view (0)</source>
        <translation>画像を表示領域に合わせる (0)</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/detail.py" line="370" />
        <source>100 %</source>
        <translation>100 %</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/detail.py" line="371" />
        <source>One image pixel per screen pixel (1)</source>
        <translation>画像の1画素を画面の1画素で表示 (1)</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/detail.py" line="373" />
        <source>Zoom out (-)</source>
        <translation>縮小 (-)</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/detail.py" line="374" />
        <source>Zoom out</source>
        <translation>縮小</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/detail.py" line="376" />
        <source>Zoom in (+)</source>
        <translation>拡大 (+)</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/detail.py" line="377" />
        <source>Zoom in</source>
        <translation>拡大</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/detail.py" line="378" />
        <source>Model</source>
        <translation>モデル</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/detail.py" line="379" />
        <source>Inspector decision</source>
        <translation>検査員の判断</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/detail.py" line="380" />
        <source>Outcome</source>
        <translation>結果</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/detail.py" line="381" />
        <source>QA review</source>
        <translation>品質レビュー</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/detail.py" line="382" />
        <source>R&amp;eason (needed for an override):</source>
        <translation>理由 (変更時は必須)(&amp;E):</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/detail.py" line="383" />
        <source>What you saw, e.g. a burr at the bore under the lamp</source>
        <translation>確認した内容 (例: 照明下で穴の縁にバリ)</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/detail.py" line="384" />
        <source>Override to P&amp;ASS</source>
        <translation>合格に変更(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/detail.py" line="385" />
        <source>Override to FAI&amp;L</source>
        <translation>不合格に変更(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/detail.py" line="386" />
        <source>Confirm the current outcome (Ctrl+Enter)</source>
        <translation>現在の結果を確認 (Ctrl+Enter)</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/detail.py" line="387" />
        <source>Inspection details</source>
        <translation>検査の詳細</translation>
    </message>
</context>
<context>
    <name>FilterBar</name>
    <message>
        <location filename="../../app/gui/review/filters.py" line="198" />
        <location filename="../../app/gui/review/filters.py" line="258" />
        <source>All stations</source>
        <translation>全ステーション</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/filters.py" line="252" />
        <source>Today</source>
        <translation>今日</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/filters.py" line="252" />
        <source>Last 7 days</source>
        <translation>過去 7 日</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/filters.py" line="252" />
        <source>Last 30 days</source>
        <translation>過去 30 日</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/filters.py" line="253" />
        <source>Last 90 days</source>
        <translation>過去 90 日</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/filters.py" line="253" />
        <source>All dates</source>
        <translation>全期間</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/filters.py" line="253" />
        <source>Custom range</source>
        <translation>期間を指定</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/filters.py" line="255" />
        <location filename="../../app/gui/review/filters.py" line="256" />
        <source>Any</source>
        <translation>すべて</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/filters.py" line="255" />
        <location filename="../../app/gui/review/filters.py" line="256" />
        <source>PASS</source>
        <translation>合格</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/filters.py" line="255" />
        <location filename="../../app/gui/review/filters.py" line="256" />
        <source>FAIL</source>
        <translation>不合格</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/filters.py" line="259" />
        <source>&amp;Period:</source>
        <translation>期間(&amp;P):</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/filters.py" line="260" />
        <source>to</source>
        <translation>～</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/filters.py" line="261" />
        <source>&amp;Station:</source>
        <translation>ステーション(&amp;S):</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/filters.py" line="262" />
        <source>&amp;Model:</source>
        <translation>モデル(&amp;M):</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/filters.py" line="263" />
        <source>The model's verdict</source>
        <translation>モデルの判定</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/filters.py" line="264" />
        <source>O&amp;utcome:</source>
        <translation>結果(&amp;U):</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/filters.py" line="265" />
        <source>The current outcome: the latest QA review, else the inspector's decision, else the model's verdict</source>
        <translation>現在の結果: 最新の品質レビュー、なければ検査員の判断、なければモデルの判定</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/filters.py" line="267" />
        <source>&amp;Disagreed with model</source>
        <translation>モデルと不一致(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/filters.py" line="268" />
        <source>Only inspections where the inspector or a QA review overrode the model's verdict</source>
        <translation>検査員または品質レビューがモデルの判定を変更した検査のみ</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/filters.py" line="270" />
        <source>&amp;Not yet reviewed</source>
        <translation>未レビュー(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/filters.py" line="271" />
        <source>Only inspections without a QA review</source>
        <translation>品質レビューのない検査のみ</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/filters.py" line="272" />
        <source>Search description, questions and answers (Ctrl+F)</source>
        <translation>説明・質問・回答を検索 (Ctrl+F)</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/filters.py" line="273" />
        <source>Search text</source>
        <translation>検索文字列</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/filters.py" line="274" />
        <source>Reset filters</source>
        <translation>条件をリセット</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/filters.py" line="275" />
        <source>Last 30 days, all stations, no other filter</source>
        <translation>過去 30 日、全ステーション、その他の条件なし</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/filters.py" line="276" />
        <source>First day</source>
        <translation>開始日</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/filters.py" line="277" />
        <source>Last day</source>
        <translation>終了日</translation>
    </message>
</context>
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
        <location filename="../../app/gui/history.py" line="75" />
        <source>decided</source>
        <translation>判断済み</translation>
    </message>
    <message>
        <location filename="../../app/gui/history.py" line="75" />
        <source>no decision yet</source>
        <translation>未判断</translation>
    </message>
    <message>
        <location filename="../../app/gui/history.py" line="76" />
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
    <name>InspectionTableModel</name>
    <message>
        <location filename="../../app/gui/review/model.py" line="184" />
        <source>Defect probability %1 (threshold %2)</source>
        <translation>欠陥確率 %1 (しきい値 %2)</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/model.py" line="187" />
        <location filename="../../app/gui/review/model.py" line="189" />
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/model.py" line="191" />
        <source>The inspector or a QA review overrode the model's verdict</source>
        <translation>検査員または品質レビューがモデルの判定を変更した</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/model.py" line="197" />
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/model.py" line="197" />
        <source>Time</source>
        <translation>日時</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/model.py" line="197" />
        <source>Station</source>
        <translation>ステーション</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/model.py" line="198" />
        <source>Inspector</source>
        <translation>検査員</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/model.py" line="198" />
        <source>Serial</source>
        <translation>シリアル</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/model.py" line="198" />
        <source>Lot</source>
        <translation>ロット</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/model.py" line="199" />
        <source>Model</source>
        <translation>モデル</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/model.py" line="199" />
        <source>P(defect)</source>
        <translation>P(欠陥)</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/model.py" line="199" />
        <source>Decision</source>
        <translation>判断</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/model.py" line="200" />
        <source>QA review</source>
        <translation>品質レビュー</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/model.py" line="200" />
        <source>Outcome</source>
        <translation>結果</translation>
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
        <location filename="../../app/gui/result_panel.py" line="177" />
        <source>Ready</source>
        <translation>準備完了</translation>
    </message>
    <message>
        <location filename="../../app/gui/result_panel.py" line="179" />
        <source>Place a part and press Space or INSPECT</source>
        <translation>部品を置いて Space または「検査」を押してください</translation>
    </message>
    <message>
        <location filename="../../app/gui/result_panel.py" line="192" />
        <source>Defect probability %1 (threshold %2) - model verdict %3</source>
        <translation>欠陥確率 %1 (しきい値 %2) - モデル判定 %3</translation>
    </message>
    <message>
        <location filename="../../app/gui/result_panel.py" line="194" />
        <source>(no description)</source>
        <translation>(説明なし)</translation>
    </message>
    <message>
        <location filename="../../app/gui/result_panel.py" line="201" />
        <source>Inspection #%1</source>
        <translation>検査 #%1</translation>
    </message>
    <message>
        <location filename="../../app/gui/result_panel.py" line="203" />
        <source>model %1 ms</source>
        <translation>モデル %1 ms</translation>
    </message>
    <message>
        <location filename="../../app/gui/result_panel.py" line="207" />
        <source>accepted</source>
        <translation>承認</translation>
    </message>
    <message>
        <location filename="../../app/gui/result_panel.py" line="207" />
        <source>overridden</source>
        <translation>判定変更</translation>
    </message>
    <message>
        <location filename="../../app/gui/result_panel.py" line="208" />
        <source>rejected</source>
        <translation>却下</translation>
    </message>
    <message>
        <location filename="../../app/gui/result_panel.py" line="209" />
        <source>Decision: %1 by %2</source>
        <translation>判断: %1 (%2)</translation>
    </message>
    <message>
        <location filename="../../app/gui/result_panel.py" line="214" />
        <source>Waiting for your decision</source>
        <translation>判断を待っています</translation>
    </message>
    <message>
        <location filename="../../app/gui/result_panel.py" line="227" />
        <source>Override the model's verdict</source>
        <translation>モデルの判定を覆す</translation>
    </message>
    <message>
        <location filename="../../app/gui/result_panel.py" line="228" />
        <source>Defect the model missed</source>
        <translation>モデルが見逃した欠陥</translation>
    </message>
    <message>
        <location filename="../../app/gui/result_panel.py" line="228" />
        <source>No defect: false alarm</source>
        <translation>欠陥なし: 誤検出</translation>
    </message>
    <message>
        <location filename="../../app/gui/result_panel.py" line="229" />
        <source>Defect within tolerance</source>
        <translation>許容範囲内の欠陥</translation>
    </message>
    <message>
        <location filename="../../app/gui/result_panel.py" line="231" />
        <source>Reject this inspection</source>
        <translation>この検査を却下</translation>
    </message>
    <message>
        <location filename="../../app/gui/result_panel.py" line="232" />
        <source>Wrong part under the camera</source>
        <translation>カメラの下の部品が違う</translation>
    </message>
    <message>
        <location filename="../../app/gui/result_panel.py" line="232" />
        <source>Bad image: blur, glare or part cut off</source>
        <translation>画像不良: ぼけ、反射、部品の見切れ</translation>
    </message>
    <message>
        <location filename="../../app/gui/result_panel.py" line="233" />
        <source>Part moved during capture</source>
        <translation>撮影中に部品が動いた</translation>
    </message>
    <message>
        <location filename="../../app/gui/result_panel.py" line="234" />
        <source>Reason (choose or type):</source>
        <translation>理由 (選択または入力):</translation>
    </message>
</context>
<context>
    <name>ReviewText</name>
    <message>
        <location filename="../../app/gui/review/text.py" line="47" />
        <source>PASS</source>
        <translation>合格</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/text.py" line="49" />
        <source>FAIL</source>
        <translation>不合格</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/text.py" line="50" />
        <source>NO OUTCOME</source>
        <translation>結果なし</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/text.py" line="59" />
        <source>accepted</source>
        <translation>承認</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/text.py" line="61" />
        <location filename="../../app/gui/review/text.py" line="73" />
        <source>overrode to %1</source>
        <translation>%1 に変更</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/text.py" line="62" />
        <source>rejected image</source>
        <translation>却下画像</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/text.py" line="71" />
        <source>confirmed</source>
        <translation>確認済み</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/text.py" line="76" />
        <source>%1, %2 reviews</source>
        <translation>%1、レビュー %2 件</translation>
    </message>
</context>
<context>
    <name>ReviewWindow</name>
    <message>
        <location filename="../../app/gui/review/window.py" line="138" />
        <source>Could not read the inspections: %1</source>
        <translation>検査を読み込めません: %1</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/window.py" line="269" />
        <source>Could not read the stations: %1</source>
        <translation>ステーションを読み込めません: %1</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/window.py" line="284" />
        <source>Page %1 of %2 · %3–%4 of %5 inspections</source>
        <translation>%1 / %2 ページ · 検査 %5 件中 %3–%4</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/window.py" line="288" />
        <source>No inspections match the filters</source>
        <translation>条件に合う検査はありません</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/window.py" line="303" />
        <source>New inspections have been recorded: press F5 to show them.</source>
        <translation>新しい検査が記録されました。F5 で表示します。</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/window.py" line="352" />
        <source>Could not read inspection %1: %2</source>
        <translation>検査 %1 を読み込めません: %2</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/window.py" line="368" />
        <source>Not recorded: %1</source>
        <translation>記録されませんでした: %1</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/window.py" line="379" />
        <source>Inspection %1: outcome confirmed.</source>
        <translation>検査 %1: 結果を確認しました。</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/window.py" line="380" />
        <source>Inspection %1: outcome overridden.</source>
        <translation>検査 %1: 結果を変更しました。</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/window.py" line="392" />
        <source>Export the filtered inspections</source>
        <translation>絞り込んだ検査を出力</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/window.py" line="393" />
        <source>CSV files (*.csv)</source>
        <translation>CSV ファイル (*.csv)</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/window.py" line="406" />
        <source>Export failed: %1</source>
        <translation>出力に失敗しました: %1</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/window.py" line="409" />
        <source>Exported %1 inspections to %2</source>
        <translation>検査 %1 件を %2 に出力しました</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/window.py" line="446" />
        <source>SQ-Inspect - QA review - %1</source>
        <translation>SQ-Inspect - 品質レビュー - %1</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/window.py" line="447" />
        <location filename="../../app/gui/review/window.py" line="468" />
        <source>&amp;Inspections</source>
        <translation>検査一覧(&amp;I)</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/window.py" line="448" />
        <source>C&amp;harts</source>
        <translation>グラフ(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/window.py" line="449" />
        <location filename="../../app/gui/review/window.py" line="455" />
        <source>First page</source>
        <translation>最初のページ</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/window.py" line="450" />
        <source>Previous</source>
        <translation>前へ</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/window.py" line="451" />
        <source>Previous page (Ctrl+PgUp)</source>
        <translation>前のページ (Ctrl+PgUp)</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/window.py" line="452" />
        <source>Next</source>
        <translation>次へ</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/window.py" line="453" />
        <source>Next page (Ctrl+PgDown)</source>
        <translation>次のページ (Ctrl+PgDown)</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/window.py" line="454" />
        <location filename="../../app/gui/review/window.py" line="456" />
        <source>Last page</source>
        <translation>最後のページ</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/window.py" line="457" />
        <source>Inspections</source>
        <translation>検査件数</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/window.py" line="460" />
        <source>Signed in as %1 (%2)</source>
        <translation>サインイン中: %1 (%2)</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/window.py" line="461" />
        <source>&amp;File</source>
        <translation>ファイル(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/window.py" line="462" />
        <source>&amp;Export filtered inspections as CSV...</source>
        <translation>絞り込んだ検査を CSV に出力(&amp;E)...</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/window.py" line="463" />
        <source>&amp;Close</source>
        <translation>閉じる(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/window.py" line="464" />
        <source>&amp;View</source>
        <translation>表示(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/window.py" line="465" />
        <source>&amp;Refresh</source>
        <translation>更新(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/window.py" line="466" />
        <source>&amp;Search...</source>
        <translation>検索(&amp;S)...</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/window.py" line="467" />
        <source>Reset &amp;filters</source>
        <translation>条件をリセット(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/window.py" line="469" />
        <source>&amp;Charts</source>
        <translation>グラフ(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/window.py" line="470" />
        <source>&amp;Previous page</source>
        <translation>前のページ(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/window.py" line="471" />
        <source>&amp;Next page</source>
        <translation>次のページ(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/window.py" line="472" />
        <source>Zoom &amp;in</source>
        <translation>拡大(&amp;I)</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/window.py" line="473" />
        <source>Zoom &amp;out</source>
        <translation>縮小(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/window.py" line="474" />
        <source>&amp;Fit image</source>
        <translation>画像を全体表示(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/window.py" line="475" />
        <source>&amp;Review</source>
        <translation>レビュー(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/window.py" line="476" />
        <source>&amp;Confirm outcome</source>
        <translation>結果を確認(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/window.py" line="477" />
        <source>&amp;Override outcome</source>
        <translation>結果を変更(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../app/gui/review/window.py" line="478" />
        <source>Write a &amp;reason</source>
        <translation>理由を入力(&amp;R)</translation>
    </message>
</context>
<context>
    <name>Role</name>
    <message>
        <location filename="../../app/gui/verdicts.py" line="40" />
        <source>inspector</source>
        <translation>検査員</translation>
    </message>
    <message>
        <location filename="../../app/gui/verdicts.py" line="40" />
        <source>QA</source>
        <translation>品質保証</translation>
    </message>
    <message>
        <location filename="../../app/gui/verdicts.py" line="41" />
        <source>admin</source>
        <translation>管理者</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="152" />
        <source>Video file</source>
        <translation>動画ファイル</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="153" />
        <source>Videos (*.mp4 *.avi *.mkv *.mov);;All files (*)</source>
        <translation>動画 (*.mp4 *.avi *.mkv *.mov);;すべてのファイル (*)</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="158" />
        <source>Choose a folder</source>
        <translation>フォルダを選択</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="165" />
        <source>Verifying...</source>
        <translation>検証中...</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="174" />
        <source>Verified: %1</source>
        <translation>検証済み: %1</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="174" />
        <source>NOT usable: %1</source>
        <translation>使用できません: %1</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="219" />
        <source>User not added</source>
        <translation>ユーザーを追加できませんでした</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="236" />
        <source>User not changed</source>
        <translation>ユーザーを変更できませんでした</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="247" />
        <source>SQ-Inspect - Settings</source>
        <translation>SQ-Inspect - 設定</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="248" />
        <source>&amp;Station</source>
        <translation>ステーション(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="249" />
        <source>&amp;Users</source>
        <translation>ユーザー(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="250" />
        <source>&amp;Camera source</source>
        <translation>カメラ入力(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="250" />
        <source>&amp;Resolution</source>
        <translation>解像度(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="250" />
        <source>Model &amp;bundle</source>
        <translation>モデルバンドル(&amp;B)</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="250" />
        <source>Bundle status</source>
        <translation>バンドルの状態</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="251" />
        <source>&amp;Threshold (0 = the bundle's)</source>
        <translation>しきい値 (0 = バンドルの値)(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="251" />
        <source>Re&amp;view band (log-odds)</source>
        <translation>要確認の幅 (対数オッズ)(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="252" />
        <source>Self-&amp;questions per part</source>
        <translation>部品ごとの自己質問数(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="252" />
        <source>Station &amp;name</source>
        <translation>ステーション名(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="252" />
        <source>&amp;Data folder</source>
        <translation>データフォルダ(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="253" />
        <source>&amp;Language</source>
        <translation>言語(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="256" />
        <source>device index (0), video file, image folder or rtsp:// URL; empty = sample video</source>
        <translation>デバイス番号 (0)、動画ファイル、画像フォルダまたは rtsp:// URL。空欄 = サンプル動画</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="257" />
        <source>Video...</source>
        <translation>動画...</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="258" />
        <source>Folder...</source>
        <translation>フォルダ...</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="259" />
        <source>empty = the default bundle</source>
        <translation>空欄 = 既定のバンドル</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="260" />
        <location filename="../../app/gui/settings_dialog.py" line="262" />
        <source>Browse...</source>
        <translation>参照...</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="261" />
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
        <source>User</source>
        <translation>ユーザー</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="266" />
        <source>Role</source>
        <translation>役割</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="266" />
        <source>State</source>
        <translation>状態</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="267" />
        <source>new user name</source>
        <translation>新しいユーザー名</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="268" />
        <source>password or PIN</source>
        <translation>パスワードまたはPIN</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="269" />
        <source>&amp;Add user</source>
        <translation>ユーザーを追加(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="270" />
        <source>Disable / enable the selected user</source>
        <translation>選択したユーザーを無効化 / 有効化</translation>
    </message>
</context>
<context>
    <name>StationWindow</name>
    <message>
        <location filename="../../app/gui/station.py" line="166" />
        <source>SQ-Inspect - Station %1</source>
        <translation>SQ-Inspect - ステーション %1</translation>
    </message>
    <message>
        <location filename="../../app/gui/station.py" line="167" />
        <source>&amp;Serial</source>
        <translation>シリアル(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../app/gui/station.py" line="168" />
        <source>&amp;Lot</source>
        <translation>ロット(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../app/gui/station.py" line="169" />
        <source>scan the barcode (Enter inspects)</source>
        <translation>バーコードをスキャン (Enter で検査)</translation>
    </message>
    <message>
        <location filename="../../app/gui/station.py" line="170" />
        <source>optional</source>
        <translation>任意</translation>
    </message>
    <message>
        <location filename="../../app/gui/station.py" line="171" />
        <location filename="../../app/gui/station.py" line="270" />
        <source>Inspecting...</source>
        <translation>検査中...</translation>
    </message>
    <message>
        <location filename="../../app/gui/station.py" line="171" />
        <location filename="../../app/gui/station.py" line="283" />
        <source>INSPECT  (Space)</source>
        <translation>検査  (Space)</translation>
    </message>
    <message>
        <location filename="../../app/gui/station.py" line="172" />
        <source>Recent parts (click to reopen)</source>
        <translation>最近の部品 (クリックで再表示)</translation>
    </message>
    <message>
        <location filename="../../app/gui/station.py" line="173" />
        <source>&amp;File</source>
        <translation>ファイル(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../app/gui/station.py" line="174" />
        <source>Sign &amp;out</source>
        <translation>サインアウト(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../app/gui/station.py" line="175" />
        <source>&amp;Quit</source>
        <translation>終了(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../app/gui/station.py" line="176" />
        <source>&amp;Tools</source>
        <translation>ツール(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../app/gui/station.py" line="177" />
        <source>QA &amp;review...</source>
        <translation>品質レビュー(&amp;R)...</translation>
    </message>
    <message>
        <location filename="../../app/gui/station.py" line="178" />
        <source>&amp;Settings...</source>
        <translation>設定(&amp;S)...</translation>
    </message>
    <message>
        <location filename="../../app/gui/station.py" line="179" />
        <source>&amp;Language</source>
        <translation>言語(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../app/gui/station.py" line="224" />
        <source>Camera lost: %1</source>
        <translation>カメラが切断されました: %1</translation>
    </message>
    <message>
        <location filename="../../app/gui/station.py" line="226" />
        <source>Connecting to the camera...</source>
        <translation>カメラに接続しています...</translation>
    </message>
    <message>
        <location filename="../../app/gui/station.py" line="236" />
        <source>Model not loaded: %1</source>
        <translation>モデルを読み込めません: %1</translation>
    </message>
    <message>
        <location filename="../../app/gui/station.py" line="240" />
        <source>Signed in: %1 (%2)</source>
        <translation>サインイン中: %1 (%2)</translation>
    </message>
    <message>
        <location filename="../../app/gui/station.py" line="243" />
        <source>Camera live, %1 fps</source>
        <translation>カメラ稼働中 %1 fps</translation>
    </message>
    <message>
        <location filename="../../app/gui/station.py" line="244" />
        <source>Camera lost</source>
        <translation>カメラ切断</translation>
    </message>
    <message>
        <location filename="../../app/gui/station.py" line="244" />
        <source>Camera connecting</source>
        <translation>カメラ接続中</translation>
    </message>
    <message>
        <location filename="../../app/gui/station.py" line="248" />
        <source>Model %1 on %2</source>
        <translation>モデル %1 (%2)</translation>
    </message>
    <message>
        <location filename="../../app/gui/station.py" line="251" />
        <source>Model loading...</source>
        <translation>モデル読み込み中...</translation>
    </message>
    <message>
        <location filename="../../app/gui/station.py" line="259" />
        <source>Still inspecting the previous part.</source>
        <translation>前の部品を検査中です。</translation>
    </message>
    <message>
        <location filename="../../app/gui/station.py" line="261" />
        <source>The model is not loaded yet.</source>
        <translation>モデルがまだ読み込まれていません。</translation>
    </message>
    <message>
        <location filename="../../app/gui/station.py" line="263" />
        <source>No camera picture to inspect.</source>
        <translation>検査するカメラ画像がありません。</translation>
    </message>
    <message>
        <location filename="../../app/gui/station.py" line="298" />
        <source>Inspection failed: %1</source>
        <translation>検査に失敗しました: %1</translation>
    </message>
    <message>
        <location filename="../../app/gui/station.py" line="308" />
        <source>Decision not saved</source>
        <translation>判断を保存できませんでした</translation>
    </message>
    <message>
        <location filename="../../app/gui/station.py" line="369" />
        <source>The new data folder is used from the next start.</source>
        <translation>新しいデータフォルダは次回起動時から使われます。</translation>
    </message>
</context>
<context>
    <name>Verdict</name>
    <message>
        <location filename="../../app/gui/verdicts.py" line="32" />
        <source>PASS</source>
        <translation>合格</translation>
    </message>
    <message>
        <location filename="../../app/gui/verdicts.py" line="32" />
        <source>FAIL</source>
        <translation>不合格</translation>
    </message>
    <message>
        <location filename="../../app/gui/verdicts.py" line="33" />
        <source>REVIEW</source>
        <translation>要確認</translation>
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