@echo off
rem ---------------------------------------------------------------------------------------
rem  Zusammenfassung_erstellen.cmd  -  Doppelklick: Zusammenfassung (Excel) des Ampel-Masters
rem
rem  Welcher Master wird genommen? In dieser Reihenfolge:
rem    1. eine Datei, die mit der Maus auf dieses Symbol gezogen wurde (oder das 1. Argument);
rem    2. "Ampel-Master.xlsx" im selben Ordner wie dieses Skript;
rem    3. "Ampel-Master.xlsx" im Ordner darueber (z. B. Skript im Unterordner "scripts").
rem  Die Zusammenfassung entsteht neben dem Master: "Ampel-Master_Zusammenfassung.xlsx".
rem  Enthaelt der Master Fehler, entsteht statt der Zusammenfassung der Pruefbericht
rem  "Ampel-Master_Prüfbericht.xlsx" neben dem Master; das Skript oeffnet ihn in Excel.
rem  Ein Klick auf eine Fundstelle dort oeffnet den Master an der Zelle.
rem  Das Fenster bleibt offen, bis eine Taste gedrueckt wird.
rem ---------------------------------------------------------------------------------------
setlocal
chcp 65001 >nul
set "HERE=%~dp0"
set "RC=0"
set "MASTER=%~1"
if not defined MASTER if exist "%HERE%Ampel-Master.xlsx" set "MASTER=%HERE%Ampel-Master.xlsx"
if not defined MASTER if exist "%HERE%..\Ampel-Master.xlsx" set "MASTER=%HERE%..\Ampel-Master.xlsx"
if not defined MASTER goto :kein_master

rem Nur ein Programm, das wirklich startet, zaehlt ("import ampel_xl" allein gelingt auch ohne die
rem noetigen Bibliotheken): "ampel-xl" im PATH, die virtuelle Umgebung ".venv" der Installation
rem laut README (im Ordner darueber oder neben dem Skript), dann py und python.
set "LIBS=import ampel_xl.pipeline, click, defusedxml, docx, matplotlib, openpyxl, pandas, PIL, xlsxwriter"
set "RUN="
ampel-xl --version >nul 2>nul && set "RUN=ampel-xl"
if not defined RUN call :probe "%HERE%..\.venv\Scripts\python.exe"
if not defined RUN call :probe "%HERE%.venv\Scripts\python.exe"
if not defined RUN call :probe py
if not defined RUN call :probe python
if not defined RUN goto :nicht_installiert

echo Zusammenfassung wird erstellt aus: "%MASTER%"
echo.
%RUN% summary "%MASTER%"
set "RC=%ERRORLEVEL%"
echo.
if "%RC%"=="0" goto :fertig
if "%RC%"=="1" goto :master_fehler
echo Die Zusammenfassung wurde NICHT erstellt. Die Meldung oben nennt den Grund.
goto :ende

:fertig
echo Fertig: Die Zusammenfassung liegt neben dem Master.
goto :ende

:master_fehler
echo Die Zusammenfassung wurde NICHT erstellt: Der Master enthält Fehler.
for %%F in ("%MASTER%") do set "PRUEF=%%~dpnF_Prüfbericht.xlsx"
if not exist "%PRUEF%" goto :ohne_pruefbericht
echo Der Prüfbericht liegt neben dem Master und wird jetzt geöffnet:
echo   "%PRUEF%"
echo Ein Klick auf eine Fundstelle öffnet den Master an der Zelle.
start "" "%PRUEF%"
:ohne_pruefbericht
echo Bitte korrigieren Sie den Master und starten Sie dieses Skript erneut.
goto :ende

:kein_master
echo Kein Master gefunden.
echo Legen Sie "Ampel-Master.xlsx" in den Ordner "%HERE%" oder in den Ordner darüber,
echo oder ziehen Sie Ihre Master-Datei mit der Maus auf dieses Symbol.
set "RC=2"
goto :ende

:nicht_installiert
echo ampel-xl ist auf diesem Rechner nicht (vollständig) installiert: Es wurde kein Programm gefunden,
echo das sich starten lässt (weder "ampel-xl" noch ein Python mit ampel_xl und allen nötigen Bibliotheken).
echo So installieren Sie es (einmalig, in der Eingabeaufforderung im Ordner von ampel_xl, siehe README):
echo     py -m venv .venv ^&^& .venv\Scripts\pip install .
echo Danach dieses Skript erneut starten. Bei Fragen wenden Sie sich an die Betreuung von ampel_xl.
set "RC=3"
goto :ende

:probe
rem %1 startet ampel_xl wirklich: Versionsnummer und alle Bibliotheken
%1 -m ampel_xl --version >nul 2>nul || exit /b 0
%1 -c "%LIBS%" >nul 2>nul || exit /b 0
set "RUN="%~1" -m ampel_xl"
exit /b 0

:ende
echo.
pause
exit /b %RC%
