; Inno Setup 6 script: cswb-desktop for Windows 10 and 11, installed for the current user only.
; No administrator rights: the program goes to %LOCALAPPDATA%\Programs\cswb-desktop, the
; Start-menu entry to the user's own menu, and the .cswb file type to HKCU\Software\Classes.
;
; Built by `python installers\build.py windows`, which passes:
;   /DAppVersion=0.1.0  /DSourceDir=<the PyInstaller folder>  /DIconDir=<rendered icons>  /DOutputDir=<dist>

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#ifndef SourceDir
  #define SourceDir "..\..\build\installers\frozen\cswb-desktop"
#endif
#ifndef IconDir
  #define IconDir "..\..\build\installers\icons"
#endif
#ifndef OutputDir
  #define OutputDir "..\..\dist\installers"
#endif
#define AppName "cswb-desktop"
#define ProgId "cswbdesktop.plan"

[Setup]
; The AppId ties updates and the uninstaller together: never change it.
AppId={{3681E904-7F64-4242-A21F-AE1BECDC656D}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=cswb-desktop
AppComments=Community Safety and Well-Being planning, offline
PrivilegesRequired=lowest
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
DisableDirPage=auto
UninstallDisplayName={#AppName}
UninstallDisplayIcon={app}\cswb-desktop.exe
SetupIconFile={#IconDir}\cswb-desktop.ico
OutputDir={#OutputDir}
OutputBaseFilename={#AppName}-{#AppVersion}-windows-x64-setup
Compression=lzma2/max
SolidCompression=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
ChangesAssociations=yes
WizardStyle=modern
CloseApplications=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"
Name: "french"; MessagesFile: "compiler:Languages\French.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
; The whole PyInstaller folder: cswb-desktop.exe (the window), cswb.exe (the command line), _internal\.
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
Source: "{#IconDir}\cswb-plan.ico"; DestDir: "{app}"; Flags: ignoreversion

[InstallDelete]
; An update replaces the bundled libraries wholesale, so no stale module from an old version stays.
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\cswb-desktop.exe"; Comment: "Community Safety and Well-Being planning"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\cswb-desktop.exe"; Tasks: desktopicon

[Registry]
; .cswb opens in cswb-desktop and shows the plan icon. HKCU: this user only, no administrator.
Root: HKCU; Subkey: "Software\Classes\.cswb"; ValueType: string; ValueName: ""; ValueData: "{#ProgId}"; Flags: uninsdeletevalue
Root: HKCU; Subkey: "Software\Classes\.cswb"; ValueType: string; ValueName: "Content Type"; ValueData: "application/x-cswb-plan"; Flags: uninsdeletevalue
Root: HKCU; Subkey: "Software\Classes\.cswb\OpenWithProgids"; ValueType: string; ValueName: "{#ProgId}"; ValueData: ""; Flags: uninsdeletevalue
Root: HKCU; Subkey: "Software\Classes\{#ProgId}"; ValueType: string; ValueName: ""; ValueData: "CSWB plan"; Flags: uninsdeletekey
Root: HKCU; Subkey: "Software\Classes\{#ProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\cswb-plan.ico,0"
Root: HKCU; Subkey: "Software\Classes\{#ProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\cswb-desktop.exe"" ""%1"""
Root: HKCU; Subkey: "Software\Classes\Applications\cswb-desktop.exe"; ValueType: string; ValueName: "FriendlyAppName"; ValueData: "{#AppName}"; Flags: uninsdeletekey
Root: HKCU; Subkey: "Software\Classes\Applications\cswb-desktop.exe\SupportedTypes"; ValueType: string; ValueName: ".cswb"; ValueData: ""

[Run]
Filename: "{app}\cswb-desktop.exe"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
