<#
.SYNOPSIS
  Builds the Windows installer of SQ-Inspect (SQ-Inspect-VERSION-setup.exe) on a Windows build PC
  with internet access. The installer it makes needs no network on the station.

.DESCRIPTION
  1. the app's wheel (pip wheel);
  2. the runtime wheels for win_amd64 and the given Python, resolved with
     requirements\constraints.txt (pip download --platform win_amd64 --only-binary=:all:, the same
     way build_dist.py fetches the Linux ones; no torch);
  3. the embeddable Python of that version from python.org, with the wheels installed into it
     (so the station needs no Python and runs no pip);
  4. the default model bundle and the other assets beside the app package, the icon (.ico made
     from installer\share\sq-inspect.svg with the staged Qt), licences, upgrade_db.py, sqinspect.cmd;
  5. Inno Setup 6 (ISCC.exe) compiles installer\windows\sq-inspect.iss.

  Needs: Windows 10/11 x64, Python X.Y x64 on PATH as `py -X.Y` (the same minor version as the
  embeddable one), Inno Setup 6. Provided and documented; not run in this project's CI (Linux).

.EXAMPLE
  powershell -ExecutionPolicy Bypass -File installer\windows\build-dist.ps1
  powershell -ExecutionPolicy Bypass -File installer\windows\build-dist.ps1 -PythonVersion 3.12.10 -Gpu
#>
[CmdletBinding()]
param(
    [string]$PythonVersion = "3.11.9",          # embeddable CPython shipped to the stations
    [string]$EmbedSha256 = "",                  # optional: expected sha256 of the embeddable zip
    [string]$Bundle = "default-int8",
    [string]$Out = "dist",
    [string]$Iscc = "",                         # path to ISCC.exe (default: Inno Setup 6's usual place)
    [switch]$Gpu                                # also the CUDA/cuDNN/TensorRT wheels (several GB)
)
$ErrorActionPreference = "Stop"
Set-StrictMode -Version Latest

$Root = Resolve-Path (Join-Path $PSScriptRoot "..\..")
$Minor = ($PythonVersion -split "\.")[0..1] -join "."
$Work = Join-Path $Root "$Out\win-build"
$Stage = Join-Path $Work "stage"
$Wheels = Join-Path $Work "wheels"
$Py = @("py", "-$Minor")

function Step([string]$text) { $script:n++; Write-Host "[$script:n/7] $text" }
function Run([string[]]$cmd) {
    & $cmd[0] $cmd[1..($cmd.Length - 1)]
    if ($LASTEXITCODE -ne 0) { throw "failed (exit $LASTEXITCODE): $($cmd -join ' ')" }
}

$Version = (Select-String -Path (Join-Path $Root "pyproject.toml") -Pattern '^version\s*=\s*"([^"]+)"').Matches[0].Groups[1].Value
if (Test-Path $Work) { Remove-Item -Recurse -Force $Work }
New-Item -ItemType Directory -Force -Path $Stage, $Wheels | Out-Null
$n = 0

Step "building the app's wheel ($Version)"
Run ($Py + @("-m", "pip", "wheel", "--no-deps", "--quiet", "-w", $Wheels, $Root))
$AppWheel = Get-ChildItem $Wheels -Filter "sq_inspect-*.whl" | Select-Object -First 1

Step "downloading the runtime wheels for win_amd64, Python $Minor"
Run ($Py + @("-m", "pip", "download", "--only-binary=:all:", "--platform", "win_amd64", "--python-version", $Minor,
             "--implementation", "cp", "-c", (Join-Path $Root "requirements\constraints.txt"), "-d", $Wheels,
             "--quiet", $AppWheel.FullName, "pip"))
$Torch = Get-ChildItem $Wheels -Filter "*.whl" | Where-Object { $_.Name -match "^(torch|nvidia_|triton)" }
if ($Torch) { throw "the runtime wheelhouse must not hold $($Torch.Name -join ', ')" }
$Reqs = @("sq-inspect==$Version")
if ($Gpu) {
    $Reqs += Get-Content (Join-Path $Root "installer\gpu-requirements.txt") |
        ForEach-Object { ($_ -split "#")[0].Trim() } | Where-Object { $_ }
    Run ($Py + @("-m", "pip", "download", "--only-binary=:all:", "--platform", "win_amd64", "--python-version", $Minor,
                 "--implementation", "cp", "-c", (Join-Path $Root "requirements\constraints.txt"), "-d", $Wheels,
                 "--quiet") + $Reqs[1..($Reqs.Length - 1)])
}

Step "embedding Python $PythonVersion"
$Zip = Join-Path $Work "python-$PythonVersion-embed-amd64.zip"
Invoke-WebRequest -UseBasicParsing -Uri "https://www.python.org/ftp/python/$PythonVersion/python-$PythonVersion-embed-amd64.zip" -OutFile $Zip
if ($EmbedSha256 -and ((Get-FileHash $Zip -Algorithm SHA256).Hash -ne $EmbedSha256.ToUpper())) {
    throw "the embeddable Python's sha256 does not match -EmbedSha256"
}
$PyDir = Join-Path $Stage "python"
Expand-Archive $Zip -DestinationPath $PyDir
# The embeddable Python ignores site-packages until its ._pth file names it and imports site.
$Pth = Get-ChildItem $PyDir -Filter "python*._pth" | Select-Object -First 1
(Get-Content $Pth.FullName) -replace "^#\s*import site", "import site" | Set-Content $Pth.FullName -Encoding ascii
Add-Content $Pth.FullName "Lib\site-packages"
$Site = Join-Path $PyDir "Lib\site-packages"

Step "installing the wheels into it (no index)"
Run ($Py + @("-m", "pip", "install", "--no-index", "--find-links", $Wheels, "--only-binary=:all:", "--target", $Site,
             "--quiet") + $Reqs)

Step "adding the bundle $Bundle, the assets and the icon"
# The app finds its assets beside its package (site-packages\assets), as in a source checkout.
$Assets = Join-Path $Site "assets"
New-Item -ItemType Directory -Force -Path (Join-Path $Assets "bundles") | Out-Null
Copy-Item -Recurse (Join-Path $Root "assets\bundles\$Bundle") (Join-Path $Assets "bundles\$Bundle")
Get-ChildItem (Join-Path $Root "assets") -Directory | Where-Object { $_.Name -ne "bundles" } |
    ForEach-Object { Copy-Item -Recurse $_.FullName (Join-Path $Assets $_.Name) }
$env:QT_QPA_PLATFORM = "offscreen"
& (Join-Path $PyDir "python.exe") -c @"
import sys
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer
app = QGuiApplication(sys.argv)
svg = QSvgRenderer(sys.argv[1])
img = QImage(256, 256, QImage.Format.Format_ARGB32)
img.fill(Qt.GlobalColor.transparent)
p = QPainter(img); svg.render(p); p.end()
sys.exit(0 if img.save(sys.argv[2], 'ICO') else 1)
"@ (Join-Path $Root "installer\share\sq-inspect.svg") (Join-Path $Stage "sq-inspect.ico")
if ($LASTEXITCODE -ne 0) { throw "could not make the .ico from the SVG" }

Step "adding the launcher, licences and the database backup helper"
New-Item -ItemType Directory -Force -Path (Join-Path $Stage "bin") | Out-Null
Copy-Item (Join-Path $PSScriptRoot "sqinspect.cmd") (Join-Path $Stage "bin\sqinspect.cmd")
Copy-Item (Join-Path $Root "installer\upgrade_db.py") (Join-Path $Stage "upgrade_db.py")
Copy-Item (Join-Path $Root "installer\README.md") (Join-Path $Stage "README.md")
Set-Content (Join-Path $Stage "LICENSE.txt") -Encoding utf8 -Value @"
SQ-Inspect $Version
Licence: see your agreement with the supplier.

The bundled third-party packages keep their own licences: THIRD-PARTY-LICENSES.txt.
"@
Run ($Py + @((Join-Path $Root "installer\build_dist.py"), "--notices", $Wheels, (Join-Path $Stage "THIRD-PARTY-LICENSES.txt")))
# A smoke test of the staged runtime before it is packed: the bundle verifies on it.
Run @((Join-Path $PyDir "python.exe"), "-m", "app.cli", "verify", (Join-Path $Assets "bundles\$Bundle"))

Step "compiling the installer with Inno Setup"
if (-not $Iscc) { $Iscc = Join-Path ${env:ProgramFiles(x86)} "Inno Setup 6\ISCC.exe" }
if (-not (Test-Path $Iscc)) { throw "Inno Setup 6 not found at $Iscc (install it, or pass -Iscc PATH)" }
$OutDir = Join-Path $Root $Out
Run @($Iscc, "/Qp", "/DAppVersion=$Version", "/DStage=$Stage", "/DOutDir=$OutDir", "/DBundle=$Bundle",
      (Join-Path $PSScriptRoot "sq-inspect.iss"))
Write-Host "installer: $(Join-Path $OutDir "SQ-Inspect-$Version-setup.exe")"
