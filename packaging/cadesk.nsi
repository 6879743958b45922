; CA Desk (消协工作台) installer. Built by packaging/winbuild.py, which passes:
;   VERSION VERSION4 STAGE OUTFILE ICON COMPRESSOR SIZE_KB
;
; Command line (for offices that deploy by script):
;   CADesk-Setup-X.exe /S                 silent, per user (%LOCALAPPDATA%\Programs\CADesk)
;   CADesk-Setup-X.exe /S /ALLUSERS       silent, all users (Program Files; run as administrator)
;   CADesk-Setup-X.exe /S /NODESKTOP      without the desktop shortcut
;   CADesk-Setup-X.exe /S /WAITCLOSE=300  wait up to 5 minutes for a running program (default 60 s)
;   CADesk-Setup-X.exe /S /D=D:\CADesk    another folder (must be last, no quotes)
;   uninstall.exe /S                      silent uninstall; the data is always kept
; Exit codes: 0 done, 1 cancelled or failed, 2 the program stayed running, 3 needs Windows 10,
; 4 /ALLUSERS without administrator rights.
;
; Identity: the key "CADesk" under ...\Uninstall and the folder it records never change, so a
; new version installs over the old one in place. User data (database, backups, logs, saved
; connection: %LOCALAPPDATA%\CADesk\CADesk; window settings: HKCU\Software\CADesk\CADesk) is
; never under the program folder, and the uninstaller deletes it only when the user says so twice.

Unicode true
Target amd64-unicode
!ifndef COMPRESSOR
  !define COMPRESSOR lzma
!endif
SetCompressor /SOLID ${COMPRESSOR}
ManifestDPIAware true
ManifestSupportedOS Win10
RequestExecutionLevel user

!define APPNAME "消协工作台"
!define APPKEY "CADesk"
!define UNINSTKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APPKEY}"
!define INSTKEY "Software\CADesk\Install"
!define PUBLISHER "消协工作台开发组"
; Created by the running program (desk/instance.py); the installer waits for it to go.
!define RUNNING_MUTEX "Local\CADesk.Running"

Name "${APPNAME} ${VERSION}"
OutFile "${OUTFILE}"
BrandingText "${APPNAME} ${VERSION}"
ShowInstDetails show
ShowUninstDetails show

VIProductVersion "${VERSION4}"
VIFileVersion "${VERSION4}"
VIAddVersionKey /LANG=2052 "ProductName" "${APPNAME} CA Desk"
VIAddVersionKey /LANG=2052 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=2052 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=2052 "FileDescription" "${APPNAME} ${VERSION} 安装程序"
VIAddVersionKey /LANG=2052 "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=2052 "LegalCopyright" "${PUBLISHER}"

!include "MUI2.nsh"
!include "LogicLib.nsh"
!include "FileFunc.nsh"
!include "WinVer.nsh"
!include "nsDialogs.nsh"
!include "Sections.nsh"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING

Var AllUsers        ; 1: Program Files, every user's start menu
Var Upgrade         ; 1: a copy is installed already (its folder and mode are kept)
Var ModeCurrent
Var ModeAll
Var WaitSecs        ; /WAITCLOSE=N: how long a silent run waits for the program to close (60)

!insertmacro MUI_PAGE_WELCOME
Page custom ModePage ModePageLeave
!define MUI_PAGE_CUSTOMFUNCTION_PRE SkipOnUpgrade
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_INSTFILES
!define MUI_FINISHPAGE_RUN "$INSTDIR\cadesk.exe"
!define MUI_FINISHPAGE_RUN_TEXT "启动消协工作台"
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "SimpChinese"

; ---------------------------------------------------------------------------------------------
; Shared by installer and uninstaller: wait until the program is closed.
!macro WAIT_CLOSED un
Function ${un}WaitClosed
  StrCpy $1 0
  ${Do}
    System::Call 'kernel32::OpenMutexW(i 0x00100000, i 0, w "${RUNNING_MUTEX}") p .r0'
    ${If} $0 P= 0
      ${Break}
    ${EndIf}
    System::Call 'kernel32::CloseHandle(p r0)'
    ${If} ${Silent}
      ; Scripted deployment: give a user who is closing it a minute, then give up untouched.
      ${If} $1 >= $WaitSecs
        SetErrorLevel 2
        Quit
      ${EndIf}
      IntOp $1 $1 + 1
      Sleep 1000
    ${Else}
      MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION \
        "消协工作台正在运行。$\r$\n$\r$\n请先在程序中保存正在编辑的内容并退出程序（包括其他已登录的窗口），然后点“重试”。" \
        IDRETRY retry
      SetErrorLevel 2
      Quit
      retry:
    ${EndIf}
  ${Loop}
FunctionEnd
!macroend
!insertmacro WAIT_CLOSED ""
!insertmacro WAIT_CLOSED "un."

!macro READ_WAIT un
Function ${un}ReadWait
  ${${un}GetParameters} $R0
  StrCpy $WaitSecs 60
  ClearErrors
  ${${un}GetOptions} $R0 "/WAITCLOSE=" $R1
  ${IfNot} ${Errors}
    IntOp $WaitSecs $R1 + 0
  ${EndIf}
FunctionEnd
!macroend
!insertmacro READ_WAIT ""
!insertmacro READ_WAIT "un."

!macro SET_CONTEXT
  ${If} $AllUsers == 1
    SetShellVarContext all
  ${Else}
    SetShellVarContext current
  ${EndIf}
!macroend

Function ModePage
  ${If} $Upgrade == 1
    Abort
  ${EndIf}
  !insertmacro MUI_HEADER_TEXT "安装方式" "选择为谁安装消协工作台。"
  nsDialogs::Create 1018
  Pop $0
  ${NSD_CreateLabel} 0 0 100% 24u "数据（数据库、备份、日志）始终保存在每个用户自己的文件夹中，不在程序文件夹内，卸载或升级时不会被删除。"
  Pop $0
  ${NSD_CreateRadioButton} 0 34u 100% 12u "仅为我安装（推荐，不需要管理员权限）"
  Pop $ModeCurrent
  ${NSD_CreateRadioButton} 0 52u 100% 12u "为这台电脑的所有用户安装（需要管理员权限）"
  Pop $ModeAll
  ${If} $AllUsers == 1
    ${NSD_Check} $ModeAll
  ${Else}
    ${NSD_Check} $ModeCurrent
  ${EndIf}
  nsDialogs::Show
FunctionEnd

Function ModePageLeave
  ${NSD_GetState} $ModeAll $0
  ${If} $0 == ${BST_CHECKED}
    UserInfo::GetAccountType
    Pop $1
    ${If} $1 != "Admin"
      ExecShell "runas" "$EXEPATH" "/ALLUSERS"
      Quit
    ${EndIf}
    StrCpy $AllUsers 1
  ${Else}
    StrCpy $AllUsers 0
  ${EndIf}
  StrCpy $INSTDIR ""
  Call SetMode
FunctionEnd

Function SkipOnUpgrade
  ${If} $Upgrade == 1
    Abort
  ${EndIf}
FunctionEnd

Section "消协工作台" SecMain
  SectionIn RO
  Call WaitClosed
  !insertmacro SET_CONTEXT
  SetOutPath "$INSTDIR"
  ; Nothing of the old version may stay behind to be imported by the new one.
  RMDir /r "$INSTDIR\runtime"
  Delete "$INSTDIR\cadesk.exe"
  Delete "$INSTDIR\cadesk-admin.exe"
  File /r "${STAGE}/*"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateDirectory "$SMPROGRAMS\${APPNAME}"
  CreateShortcut "$SMPROGRAMS\${APPNAME}\${APPNAME}.lnk" "$INSTDIR\cadesk.exe" "" "$INSTDIR\cadesk.exe" 0
  ; The admin tool opens a command window in Documents with its help on screen.
  SetOutPath "$DOCUMENTS"
  CreateShortcut "$SMPROGRAMS\${APPNAME}\${APPNAME} 管理工具.lnk" "$SYSDIR\cmd.exe" \
    '/k ""$INSTDIR\cadesk-admin.exe" --help"' "$INSTDIR\cadesk-admin.exe" 0
  SetOutPath "$INSTDIR"
  CreateShortcut "$SMPROGRAMS\${APPNAME}\卸载${APPNAME}.lnk" "$INSTDIR\uninstall.exe"

  WriteRegStr SHCTX "${UNINSTKEY}" "DisplayName" "${APPNAME}"
  WriteRegStr SHCTX "${UNINSTKEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr SHCTX "${UNINSTKEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr SHCTX "${UNINSTKEY}" "DisplayIcon" "$INSTDIR\cadesk.exe,0"
  WriteRegStr SHCTX "${UNINSTKEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr SHCTX "${UNINSTKEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr SHCTX "${UNINSTKEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD SHCTX "${UNINSTKEY}" "NoModify" 1
  WriteRegDWORD SHCTX "${UNINSTKEY}" "NoRepair" 1
  WriteRegDWORD SHCTX "${UNINSTKEY}" "EstimatedSize" ${SIZE_KB}
  WriteRegStr SHCTX "${INSTKEY}" "Version" "${VERSION}"
  WriteRegStr SHCTX "${INSTKEY}" "AllUsers" "$AllUsers"
SectionEnd

Section "桌面快捷方式" SecDesktop
  !insertmacro SET_CONTEXT
  CreateShortcut "$DESKTOP\${APPNAME}.lnk" "$INSTDIR\cadesk.exe" "" "$INSTDIR\cadesk.exe" 0
SectionEnd

Function .onInit
  ${IfNot} ${AtLeastWin10}
    MessageBox MB_OK|MB_ICONSTOP "消协工作台需要 Windows 10 或更高版本。" /SD IDOK
    SetErrorLevel 3
    Quit
  ${EndIf}
  Call ReadWait
  ${GetParameters} $R0
  StrCpy $AllUsers 0
  ClearErrors
  ${GetOptions} $R0 "/ALLUSERS" $R1
  ${IfNot} ${Errors}
    StrCpy $AllUsers 1
  ${EndIf}
  ${IfNot} ${Silent}
    ${If} $AllUsers == 0
      ; A copy for all users is upgraded for all users: never a second copy per user.
      ReadRegStr $R2 HKLM "${UNINSTKEY}" "InstallLocation"
      ReadRegStr $R3 HKCU "${UNINSTKEY}" "InstallLocation"
      ${If} $R2 != ""
      ${AndIf} $R3 == ""
        StrCpy $AllUsers 1
      ${EndIf}
    ${EndIf}
  ${EndIf}
  ${If} $AllUsers == 1
    UserInfo::GetAccountType
    Pop $R1
    ${If} $R1 != "Admin"
      ${If} ${Silent}
        SetErrorLevel 4
        Quit
      ${EndIf}
      ; Ask Windows for administrator rights by starting this installer again elevated.
      ExecShell "runas" "$EXEPATH" "/ALLUSERS"
      Quit
    ${EndIf}
  ${EndIf}
  ClearErrors
  ${GetOptions} $R0 "/NODESKTOP" $R1
  ${IfNot} ${Errors}
    !insertmacro UnselectSection ${SecDesktop}
  ${EndIf}
  Call SetMode
FunctionEnd

; $INSTDIR: /D= if given, else the installed copy's folder, else the default of the mode.
Function SetMode
  !insertmacro SET_CONTEXT
  StrCpy $Upgrade 0
  ${If} $AllUsers == 1
    ReadRegStr $R1 HKLM "${UNINSTKEY}" "InstallLocation"
  ${Else}
    ReadRegStr $R1 HKCU "${UNINSTKEY}" "InstallLocation"
  ${EndIf}
  ${If} $R1 != ""
  ${AndIf} ${FileExists} "$R1\cadesk.exe"
    StrCpy $Upgrade 1
    StrCpy $INSTDIR $R1
  ${ElseIf} $INSTDIR == ""
    ${If} $AllUsers == 1
      StrCpy $INSTDIR "$PROGRAMFILES64\CADesk"
    ${Else}
      StrCpy $INSTDIR "$LOCALAPPDATA\Programs\CADesk"
    ${EndIf}
  ${EndIf}
FunctionEnd


!insertmacro MUI_FUNCTION_DESCRIPTION_BEGIN
  !insertmacro MUI_DESCRIPTION_TEXT ${SecMain} "程序本身（必需）。"
  !insertmacro MUI_DESCRIPTION_TEXT ${SecDesktop} "在桌面上放一个消协工作台的快捷方式。"
!insertmacro MUI_FUNCTION_DESCRIPTION_END

; ---------------------------------------------------------------------------------------------
Function un.onInit
  Call un.ReadWait
  ReadRegStr $AllUsers HKLM "${INSTKEY}" "AllUsers"
  ${If} $AllUsers == 1
    ; Only a copy in the folder this uninstaller sits in is an all-users copy.
    ReadRegStr $R1 HKLM "${UNINSTKEY}" "InstallLocation"
    ${If} $R1 != $INSTDIR
      StrCpy $AllUsers 0
    ${EndIf}
  ${Else}
    StrCpy $AllUsers 0
  ${EndIf}
  ${If} $AllUsers == 1
    UserInfo::GetAccountType
    Pop $R1
    ${If} $R1 != "Admin"
      MessageBox MB_OK|MB_ICONSTOP "消协工作台是为所有用户安装的，请以管理员身份运行卸载程序。" /SD IDOK
      SetErrorLevel 4
      Quit
    ${EndIf}
  ${EndIf}
  !insertmacro SET_CONTEXT
FunctionEnd

Section "Uninstall"
  Call un.WaitClosed
  !insertmacro SET_CONTEXT
  Delete "$INSTDIR\cadesk.exe"
  Delete "$INSTDIR\cadesk-admin.exe"
  RMDir /r "$INSTDIR\runtime"
  Delete "$INSTDIR\uninstall.exe"
  ; Only if empty: the user may have put files of their own in the folder.
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\${APPNAME}\${APPNAME}.lnk"
  Delete "$SMPROGRAMS\${APPNAME}\${APPNAME} 管理工具.lnk"
  Delete "$SMPROGRAMS\${APPNAME}\卸载${APPNAME}.lnk"
  RMDir "$SMPROGRAMS\${APPNAME}"
  Delete "$DESKTOP\${APPNAME}.lnk"
  DeleteRegKey SHCTX "${UNINSTKEY}"
  DeleteRegKey SHCTX "${INSTKEY}"
  DeleteRegKey /ifempty SHCTX "Software\CADesk"

  ; The office's records: kept unless the user says twice that they should go. Silent: kept.
  ; They are the uninstalling user's own, whichever way the program was installed.
  SetShellVarContext current
  StrCpy $0 "$LOCALAPPDATA\CADesk\CADesk"
  ${If} ${FileExists} "$0\*.*"
    MessageBox MB_YESNO|MB_DEFBUTTON2|MB_ICONQUESTION \
      "是否同时删除本机保存的消协工作台数据？$\r$\n$\r$\n$0$\r$\n（数据库、自动备份、日志和连接设置）$\r$\n$\r$\n选择“否”将保留数据，重新安装后可继续使用。" \
      /SD IDNO IDYES ask_again
    Goto keep
    ask_again:
    MessageBox MB_YESNO|MB_DEFBUTTON2|MB_ICONEXCLAMATION \
      "删除后无法恢复。没有另外备份的投诉记录将永久丢失。$\r$\n$\r$\n确定要删除这些数据吗？" \
      /SD IDNO IDYES wipe
    Goto keep
    wipe:
    RMDir /r "$0"
    RMDir "$LOCALAPPDATA\CADesk"
    DeleteRegKey HKCU "Software\CADesk\CADesk"
    DetailPrint "已删除数据：$0"
    Goto done
    keep:
    DetailPrint "数据已保留：$0"
    done:
  ${EndIf}
SectionEnd
