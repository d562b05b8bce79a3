; SQ-Inspect for Windows: Inno Setup 6 script, compiled by build-dist.ps1 (which passes
; /DAppVersion, /DStage, /DOutDir, /DBundle). The staged tree carries an embeddable Python with
; every wheel already installed, so the station needs no network, no Python and no pip.
;
; Install: per machine into Program Files; data and settings in %ProgramData%\SQ-Inspect (all
; users may write; kept on uninstall). Upgrade: run a newer setup; the old runtime is replaced,
; the database is backed up and migrated. Silent: SQ-Inspect-X-setup.exe /VERYSILENT /NORESTART

#ifndef AppVersion
  #error Compile with build-dist.ps1 (it defines AppVersion, Stage, OutDir and Bundle)
#endif

[Setup]
AppId={{5C7E2B8A-3F41-4D6C-9B0E-7A1D2C3E4F50}
AppName=SQ-Inspect
AppVersion={#AppVersion}
AppPublisher=SQ-Inspect
AppComments=On-premise visual inspection with a self-questioning vision-language model
DefaultDirName={autopf}\SQ-Inspect
DefaultGroupName=SQ-Inspect
DisableProgramGroupPage=yes
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir={#OutDir}
OutputBaseFilename=SQ-Inspect-{#AppVersion}-setup
SetupIconFile={#Stage}\sq-inspect.ico
UninstallDisplayIcon={app}\sq-inspect.ico
LicenseFile={#Stage}\LICENSE.txt
Compression=lzma2/fast
SolidCompression=yes
ChangesEnvironment=yes
CloseApplications=yes
WizardStyle=modern

[Languages]
Name: "en"; MessagesFile: "compiler:Default.isl"
Name: "ja"; MessagesFile: "compiler:Languages\Japanese.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Dirs]
; Shared by every inspector of the station; never removed by the uninstaller (quality records).
Name: "{commonappdata}\SQ-Inspect"; Flags: uninsneveruninstall
Name: "{commonappdata}\SQ-Inspect\data"; Permissions: users-modify; Flags: uninsneveruninstall
Name: "{commonappdata}\SQ-Inspect\config"; Permissions: users-modify; Flags: uninsneveruninstall

[InstallDelete]
; An upgrade replaces the runtime whole: no package of the old version is left behind.
Type: filesandordirs; Name: "{app}\python"

[Files]
Source: "{#Stage}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Registry]
Root: HKLM; Subkey: "SYSTEM\CurrentControlSet\Control\Session Manager\Environment"; ValueType: string; \
  ValueName: "SQINSPECT_DATA_DIR"; ValueData: "{commonappdata}\SQ-Inspect\data"; Flags: uninsdeletevalue
Root: HKLM; Subkey: "SYSTEM\CurrentControlSet\Control\Session Manager\Environment"; ValueType: string; \
  ValueName: "SQINSPECT_CONFIG_DIR"; ValueData: "{commonappdata}\SQ-Inspect\config"; Flags: uninsdeletevalue
Root: HKLM; Subkey: "SYSTEM\CurrentControlSet\Control\Session Manager\Environment"; ValueType: expandsz; \
  ValueName: "Path"; ValueData: "{olddata};{app}\bin"; Check: NeedsAddPath(ExpandConstant('{app}\bin'))

[Icons]
Name: "{group}\SQ-Inspect"; Filename: "{app}\python\pythonw.exe"; Parameters: "-m app.cli gui"; \
  WorkingDir: "{commonappdata}\SQ-Inspect"; IconFilename: "{app}\sq-inspect.ico"
Name: "{group}\SQ-Inspect station check (doctor)"; Filename: "{cmd}"; \
  Parameters: "/k ""{app}\bin\sqinspect.cmd"" doctor"; IconFilename: "{app}\sq-inspect.ico"
Name: "{group}\{cm:UninstallProgram,SQ-Inspect}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\SQ-Inspect"; Filename: "{app}\python\pythonw.exe"; Parameters: "-m app.cli gui"; \
  WorkingDir: "{commonappdata}\SQ-Inspect"; IconFilename: "{app}\sq-inspect.ico"; Tasks: desktopicon

[Run]
; Upgrade of an existing station database: a consistent backup first, then the new version opens
; it (which applies its schema migrations, each in one transaction).
Filename: "{app}\python\python.exe"; \
  Parameters: """{app}\upgrade_db.py"" ""{commonappdata}\SQ-Inspect\data\inspections.db"" ""{commonappdata}\SQ-Inspect\data\backups\pre-install-{#AppVersion}\inspections.db"""; \
  StatusMsg: "Backing up the inspection database..."; Flags: runhidden waituntilterminated; Check: HasDatabase
Filename: "{app}\python\python.exe"; \
  Parameters: "-m app.cli db info --db ""{commonappdata}\SQ-Inspect\data\inspections.db"""; \
  StatusMsg: "Migrating the inspection database..."; Flags: runhidden waituntilterminated; Check: HasDatabase
Filename: "{cmd}"; Parameters: "/k ""{app}\bin\sqinspect.cmd"" doctor"; Description: "Check this station now (sqinspect doctor)"; \
  Flags: postinstall skipifsilent nowait unchecked

[Code]
function HasDatabase: Boolean;
begin
  Result := FileExists(ExpandConstant('{commonappdata}\SQ-Inspect\data\inspections.db'));
end;

function NeedsAddPath(Dir: string): Boolean;
var
  Path: string;
begin
  if not RegQueryStringValue(HKEY_LOCAL_MACHINE,
      'SYSTEM\CurrentControlSet\Control\Session Manager\Environment', 'Path', Path) then
  begin
    Result := True;
    exit;
  end;
  Result := Pos(';' + Uppercase(Dir) + ';', ';' + Uppercase(Path) + ';') = 0;
end;
