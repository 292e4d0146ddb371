@echo off
rem Install Convener from this folder, with no network: double-click it, or run it in a terminal.
rem Finds Python 3.13, 3.12 or 3.11 through the py launcher (or python on the PATH),
rem then install.py checks the version and does the work.
setlocal
set "PY="
for %%V in (3.13 3.12 3.11) do (
    if not defined PY (
        py -%%V -c "import sys" >nul 2>&1
        if not errorlevel 1 set "PY=py -%%V"
    )
)
if not defined PY (
    python -c "import sys" >nul 2>&1
    if not errorlevel 1 set "PY=python"
)
if not defined PY (
    echo Convener needs Python 3.11, 3.12 or 3.13, and none was found.
    echo Run the Python installer from python.org ^(on this USB stick^), tick "Add python.exe to PATH",
    echo then run install.bat again.
    pause
    exit /b 1
)
%PY% "%~dp0install.py" %*
set "CODE=%ERRORLEVEL%"
pause
exit /b %CODE%
