@echo off
rem SQ-Inspect launcher (installed by SQ-Inspect-VERSION-setup.exe into {app}\bin).
setlocal
rem The installer sets these machine-wide; the defaults keep a copied tree working too.
if not defined SQINSPECT_DATA_DIR set "SQINSPECT_DATA_DIR=%ProgramData%\SQ-Inspect\data"
if not defined SQINSPECT_CONFIG_DIR set "SQINSPECT_CONFIG_DIR=%ProgramData%\SQ-Inspect\config"
rem Only the runtime's own packages, never a user's.
set "PYTHONNOUSERSITE=1"
"%~dp0..\python\python.exe" -m app.cli %*
exit /b %ERRORLEVEL%
