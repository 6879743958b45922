<#
.SYNOPSIS
    Builds the Windows installer of CA Desk: dist\CADesk-Setup-<version>.exe

.DESCRIPTION
    Run from anywhere (the script works in the repository root):
        powershell -ExecutionPolicy Bypass -File packaging\build_windows.ps1

    1. a fresh virtual environment in build\venv (64-bit CPython 3.11 or later)
    2. pip install . pyinstaller            (the program exactly as pyproject.toml declares it)
    3. pyinstaller packaging\cadesk.spec    -> dist\CADesk\ (cadesk.exe, cadesk-admin.exe, _internal\)
    4. smoke test of the frozen admin tool: create a database in a temporary folder, run the
       migrations, compute a deadline over the National Day holiday (proves the migration
       scripts and the holiday data are inside the bundle)
    5. iscc packaging\cadesk.iss            -> dist\CADesk-Setup-<version>.exe (Inno Setup 6.3+)

    Needs: Python 3.11+ (python.org installer, with the py launcher) and Inno Setup 6.3 or later.
    This file is ASCII on purpose: Windows PowerShell 5.1 misreads UTF-8 without a BOM.

.PARAMETER Python
    The Python interpreter to build with (default: "py -3" via the launcher, else python on PATH).

.PARAMETER Iscc
    Path of ISCC.exe (default: on PATH, else the usual Inno Setup 6 install folders).

.PARAMETER SkipInstaller
    Stop after the PyInstaller build and the smoke test (no Inno Setup needed).

.PARAMETER ReuseVenv
    Keep an existing build\venv instead of creating a fresh one (faster repeated builds).
#>
[CmdletBinding()]
param(
    [string]$Python = "",
    [string]$Iscc = "",
    [switch]$SkipInstaller,
    [switch]$ReuseVenv
)

$ErrorActionPreference = "Stop"
Set-StrictMode -Version Latest

$Root = Split-Path -Parent $PSScriptRoot
Set-Location $Root

function Invoke-Checked {
    # Native programs do not throw on failure: check the exit code of each one.
    param([string]$Exe, [string[]]$Arguments)
    Write-Host ">> $Exe $($Arguments -join ' ')" -ForegroundColor Cyan
    & $Exe @Arguments
    if ($LASTEXITCODE -ne 0) {
        throw "$Exe failed with exit code $LASTEXITCODE"
    }
}

function Find-Python {
    if ($Python) { return $Python }
    $py = Get-Command py -ErrorAction SilentlyContinue
    if ($py) {
        $exe = & py -3 -c "import sys; print(sys.executable)"
        if ($LASTEXITCODE -eq 0 -and $exe) { return $exe.Trim() }
    }
    $python = Get-Command python -ErrorAction SilentlyContinue
    if ($python) { return $python.Source }
    throw "Python 3.11 or later not found: install it from python.org or pass -Python C:\path\to\python.exe"
}

function Find-Iscc {
    if ($Iscc) { return $Iscc }
    $cmd = Get-Command iscc -ErrorAction SilentlyContinue
    if ($cmd) { return $cmd.Source }
    $candidates = @(
        (Join-Path ${env:ProgramFiles(x86)} "Inno Setup 6\ISCC.exe"),
        (Join-Path $env:ProgramFiles "Inno Setup 6\ISCC.exe"),
        (Join-Path $env:LOCALAPPDATA "Programs\Inno Setup 6\ISCC.exe")
    )
    foreach ($c in $candidates) {
        if ($c -and (Test-Path $c)) { return $c }
    }
    throw "ISCC.exe (Inno Setup 6.3+) not found: install Inno Setup 6 or pass -Iscc C:\path\to\ISCC.exe"
}

# -- 1. virtual environment -----------------------------------------------------------------
$BasePython = Find-Python
$Venv = Join-Path $Root "build\venv"
$VenvPython = Join-Path $Venv "Scripts\python.exe"
Invoke-Checked $BasePython @("-c", "import sys, struct; assert sys.version_info >= (3, 11), 'Python 3.11+ needed'; assert struct.calcsize('P') == 8, '64-bit Python needed'")
if ((Test-Path $Venv) -and -not $ReuseVenv) {
    Remove-Item -Recurse -Force $Venv
}
if (-not (Test-Path $VenvPython)) {
    Invoke-Checked $BasePython @("-m", "venv", $Venv)
}

# -- 2. the program and PyInstaller ---------------------------------------------------------
Invoke-Checked $VenvPython @("-m", "pip", "install", "--upgrade", "pip")
Invoke-Checked $VenvPython @("-m", "pip", "install", ".", "pyinstaller>=6.6")

# One version for the program, its exe resources and the installer: pyproject.toml's, which
# must match desk.__version__ (the GUI's About box and the CLI show that one).
$Version = (& $VenvPython -c "import tomllib; print(tomllib.load(open('pyproject.toml', 'rb'))['project']['version'])").Trim()
if ($LASTEXITCODE -ne 0 -or -not $Version) { throw "could not read the version from pyproject.toml" }
$DeskVersion = (& $VenvPython -c "import desk; print(desk.__version__)").Trim()
if ($Version -ne $DeskVersion) {
    throw "pyproject.toml says $Version but desk.__version__ says $DeskVersion: make them equal first"
}
$VersionNum = (& $VenvPython -c "import sys; sys.path.insert(0, 'packaging'); import bundle; print('.'.join(map(str, bundle.version_tuple('$Version'))))").Trim()
Write-Host "CA Desk version $Version ($VersionNum)" -ForegroundColor Green

# -- 3. PyInstaller -------------------------------------------------------------------------
Invoke-Checked $VenvPython @("-m", "PyInstaller", "packaging\cadesk.spec", "--noconfirm", "--clean")
$Bundle = Join-Path $Root "dist\CADesk"
foreach ($exe in @("cadesk.exe", "cadesk-admin.exe")) {
    if (-not (Test-Path (Join-Path $Bundle $exe))) { throw "the build produced no $exe" }
}

# -- 4. smoke test of the frozen admin tool -------------------------------------------------
$Smoke = Join-Path ([System.IO.Path]::GetTempPath()) ("cadesk-smoke-" + [guid]::NewGuid().ToString("N"))
New-Item -ItemType Directory -Path $Smoke | Out-Null
$OldHome = $env:CADESK_HOME
try {
    $env:CADESK_HOME = $Smoke  # logs and settings of the test stay in the temporary folder
    $Db = "sqlite:///" + ((Join-Path $Smoke "smoke.sqlite3") -replace "\\", "/")
    $Admin = Join-Path $Bundle "cadesk-admin.exe"
    Invoke-Checked $Admin @("--db", $Db, "init")
    $out = & $Admin --db $Db calendar add-working-days 2025-09-30 7
    if ($LASTEXITCODE -ne 0) { throw "cadesk-admin calendar failed with exit code $LASTEXITCODE" }
    $last = ($out | Select-Object -Last 1).Trim()
    if ($last -ne "2025-10-16") { throw "frozen deadline check: expected 2025-10-16, got '$last'" }
    Write-Host "smoke test passed: 7 working days after 2025-09-30 is $last" -ForegroundColor Green
}
finally {
    $env:CADESK_HOME = $OldHome
    Remove-Item -Recurse -Force $Smoke -ErrorAction SilentlyContinue
}

$size = (Get-ChildItem -Recurse $Bundle | Measure-Object -Property Length -Sum).Sum / 1MB
Write-Host ("dist\CADesk: {0:N0} MB" -f $size)

if ($SkipInstaller) {
    Write-Host "installer skipped (-SkipInstaller)"
    exit 0
}

# -- 5. Inno Setup --------------------------------------------------------------------------
$IsccExe = Find-Iscc
Invoke-Checked $IsccExe @("/DAppVersion=$Version", "/DAppVersionNum=$VersionNum", "packaging\cadesk.iss")
$Setup = Join-Path $Root "dist\CADesk-Setup-$Version.exe"
if (-not (Test-Path $Setup)) { throw "Inno Setup produced no $Setup" }
Write-Host ("built {0} ({1:N0} MB)" -f $Setup, ((Get-Item $Setup).Length / 1MB)) -ForegroundColor Green
