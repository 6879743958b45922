; Inno Setup 6 (6.3 or later) script for CA Desk (消协工作台).
;
; Input:  dist\CADesk\  (PyInstaller one-folder build of packaging\cadesk.spec)
; Output: dist\CADesk-Setup-<version>.exe
; Build:  packaging\build_windows.ps1 runs  iscc /DAppVersion=<version> packaging\cadesk.iss
;         (without /DAppVersion the version is read from dist\CADesk\cadesk.exe).
;
; Saved as UTF-8 with a BOM so every Inno Setup 6 release reads the Chinese text right.

#define AppName "消协工作台"
#define AppExe "cadesk.exe"
#define AdminExe "cadesk-admin.exe"
#define BuildDir AddBackslash(SourcePath) + "..\dist\CADesk"

#ifndef AppVersion
  #define AppVersion GetStringFileInfo(BuildDir + "\" + AppExe, "ProductVersion")
#endif
#if AppVersion == ""
  #error No version: run build_windows.ps1, or iscc /DAppVersion=x.y.z packaging\cadesk.iss
#endif
#ifndef AppVersionNum
  #define AppVersionNum AppVersion
#endif

[Setup]
; AppId is how Windows and every later installer recognise this program: an upgrade with the
; same AppId finds the installed copy (its folder, shortcuts, uninstaller) and installs in place.
; Generated once for CA Desk. NEVER CHANGE IT: a different AppId installs a second, separate
; copy beside the first. ("{{" is Inno's escape for a literal "{".)
AppId={{F01EE3CD-BECC-4F45-9C03-15A2A09BE79E}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=CADesk
AppComments=县消费者协会投诉、调解、名册与简报工作台
VersionInfoVersion={#AppVersionNum}
VersionInfoProductName={#AppName}
VersionInfoDescription={#AppName} 安装程序
; Program files only. The program keeps its database, backups and logs in the user's data
; folder (%LOCALAPPDATA%\CADesk\CADesk, desk/paths.py), never here: this folder is replaced on
; every upgrade and removed on uninstall.
DefaultDirName={autopf}\CADesk
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
UsePreviousAppDir=yes
; Per-user install needs no administrator; the dialog offers "all users" to those who have one.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\dist
OutputBaseFilename=CADesk-Setup-{#AppVersion}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; A running copy would keep its files locked: close it (Restart Manager) before replacing them.
CloseApplications=yes
RestartApplications=no
UninstallDisplayName={#AppName}
UninstallDisplayIcon={app}\{#AppExe}
SetupLogging=yes
#if FileExists(AddBackslash(SourcePath) + "..\resources\icons\cadesk.ico")
SetupIconFile=..\resources\icons\cadesk.ico
#endif

[Languages]
; Inno Setup's own Simplified Chinese wizard text is a contributed translation that not every
; installation has. Use it where it is found (compiler folder, or a copy placed beside this
; script); otherwise the wizard's buttons stay English, while everything this script adds
; (shortcuts, tasks, messages below) is Chinese either way.
#if FileExists(AddBackslash(CompilerPath) + "Languages\ChineseSimplified.isl")
Name: "zh"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
#elif FileExists(AddBackslash(CompilerPath) + "Languages\Unofficial\ChineseSimplified.isl")
Name: "zh"; MessagesFile: "compiler:Languages\Unofficial\ChineseSimplified.isl"
#elif FileExists(AddBackslash(SourcePath) + "ChineseSimplified.isl")
Name: "zh"; MessagesFile: "ChineseSimplified.isl"
#else
Name: "zh"; MessagesFile: "compiler:Default.isl"
#endif

[CustomMessages]
zh.DesktopIconTask=在桌面创建“{#AppName}”快捷方式
zh.ShortcutsGroup=快捷方式：
zh.AppComment=打开消协工作台
zh.AdminToolName={#AppName} 管理工具
zh.AdminToolComment=打开命令行窗口，使用 cadesk-admin（数据库初始化、升级、备份与恢复等）
zh.UninstallShortcut=卸载{#AppName}
zh.LaunchApp=立即启动{#AppName}
zh.DataKept=程序已卸载。%n%n您的数据（数据库、自动备份和日志）没有被删除，仍保存在：%n%1%n%n重新安装后可以继续使用这些数据。如果确定不再需要，可以手动删除这个文件夹。

[Tasks]
Name: "desktopicon"; Description: "{cm:DesktopIconTask}"; GroupDescription: "{cm:ShortcutsGroup}"

[InstallDelete]
; An upgrade replaces the whole runtime folder: a library or Qt plugin that the new version no
; longer ships must not be left behind to be loaded by mistake. Only program files live here.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#BuildDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{userdocs}"; Comment: "{cm:AppComment}"
; The administrator's tool is a console program: open a command window in the user's
; documents folder (where backups it writes are easy to find) and show its help there.
Name: "{group}\{cm:AdminToolName}"; Filename: "{cmd}"; Parameters: "/k """"{app}\{#AdminExe}"" --help"""; WorkingDir: "{userdocs}"; Comment: "{cm:AdminToolComment}"
Name: "{group}\{cm:UninstallShortcut}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{userdocs}"; Comment: "{cm:AppComment}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchApp}"; WorkingDir: "{userdocs}"; Flags: nowait postinstall skipifsilent

; No [UninstallDelete] entries: the uninstaller removes only what it installed. The user's data
; folder is never touched; the message below says where it is.

[Code]
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if (CurUninstallStep = usPostUninstall) and not UninstallSilent then
    MsgBox(FmtMessage(CustomMessage('DataKept'), [ExpandConstant('{localappdata}\CADesk\CADesk')]),
      mbInformation, MB_OK);
end;
