#!/usr/bin/env bash
# ------------------------------------------------------------------------------------------
#  zusammenfassung_erstellen.sh – Zusammenfassung (Excel) des Ampel-Masters erstellen
#  (Linux/macOS; das Gegenstück zu Zusammenfassung_erstellen.cmd unter Windows)
#
#  Welcher Master wird genommen? In dieser Reihenfolge:
#    1. die als Argument übergebene Datei:  ./zusammenfassung_erstellen.sh Mein-Master.xlsx
#    2. "Ampel-Master.xlsx" im selben Ordner wie dieses Skript;
#    3. "Ampel-Master.xlsx" im Ordner darüber (z. B. Skript im Unterordner "scripts").
#  Die Zusammenfassung entsteht neben dem Master: "Ampel-Master_Zusammenfassung.xlsx".
#  Enthält der Master Fehler, entsteht statt der Zusammenfassung der Prüfbericht
#  "Ampel-Master_Prüfbericht.xlsx" neben dem Master (im Terminal wird er geöffnet); ein Klick
#  auf eine Fundstelle dort öffnet den Master an der Zelle.
#
#  Aus dem Dateimanager gestartet („In Terminal ausführen“; unter macOS die Datei in
#  „….command“ umbenennen, dann öffnet ein Doppelklick das Terminal) bleibt das Fenster offen,
#  bis die Eingabetaste gedrückt wird. AMPEL_NO_PAUSE=1 schaltet das ab.
# ------------------------------------------------------------------------------------------
set -u

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

pause() {
    if [ -t 0 ] && [ -z "${AMPEL_NO_PAUSE:-}" ]; then
        echo
        read -r -p "Zum Schließen die Eingabetaste drücken … " _ || true
    fi
}

master="${1:-}"
if [ -z "$master" ]; then
    for candidate in "$here/Ampel-Master.xlsx" "$here/../Ampel-Master.xlsx"; do
        if [ -f "$candidate" ]; then
            master="$(cd "$(dirname "$candidate")" && pwd)/Ampel-Master.xlsx"
            break
        fi
    done
fi
if [ -z "$master" ]; then
    echo "Kein Master gefunden."
    echo "Legen Sie „Ampel-Master.xlsx“ in den Ordner „$here“ oder in den Ordner darüber,"
    echo "oder geben Sie den Master an: $0 Mein-Master.xlsx"
    pause
    exit 2
fi

# Which ampel-xl runs here? Only one that really runs counts: "import ampel_xl" alone succeeds
# without the libraries it needs (and then the summary fails). In this order: "ampel-xl" on the
# PATH, the virtual environment ".venv" of the README's install (in the folder above or beside
# this script), then python3 / python.
root="$(cd "$here/.." && pwd)"
libraries="import ampel_xl.pipeline, click, defusedxml, docx, matplotlib, openpyxl, pandas, PIL, xlsxwriter"
runs_python() {
    "$1" -m ampel_xl --version >/dev/null 2>&1 && "$1" -c "$libraries" >/dev/null 2>&1
}
find_program() {
    run=()
    if command -v ampel-xl >/dev/null 2>&1 && ampel-xl --version >/dev/null 2>&1; then
        run=(ampel-xl)
        return 0
    fi
    for py in "$root/.venv/bin/python" "$here/.venv/bin/python" python3 python; do
        if command -v "$py" >/dev/null 2>&1 && runs_python "$py"; then
            run=("$py" -m ampel_xl)
            return 0
        fi
    done
    return 1
}

if ! find_program; then
    echo "ampel-xl ist auf diesem Rechner nicht (vollständig) installiert: Es wurde kein Programm gefunden,"
    echo "das sich starten lässt (weder „ampel-xl“ noch ein Python mit ampel_xl und allen nötigen Bibliotheken)."
    if [ -f "$root/pyproject.toml" ] && command -v python3 >/dev/null 2>&1 && [ -t 0 ] \
            && [ -z "${AMPEL_NO_PAUSE:-}" ]; then
        read -r -p "Jetzt in „$root/.venv“ installieren (braucht Internet, etwa eine Minute)? [j/N] " answer || answer=""
        case "$answer" in
            j|J|ja|Ja) (cd "$root" && python3 -m venv .venv && .venv/bin/pip install .) && find_program ;;
        esac
    fi
fi
if [ ${#run[@]} -eq 0 ]; then
    echo "So installieren Sie es (einmalig, im Ordner von ampel_xl, siehe README):"
    echo "    python3 -m venv .venv && .venv/bin/pip install ."
    echo "(Debian/Ubuntu brauchen dafür das Paket python3-venv: sudo apt install python3-venv.)"
    echo "Danach dieses Skript erneut starten. Bei Fragen wenden Sie sich an die Betreuung von ampel_xl."
    pause
    exit 3
fi

echo "Zusammenfassung wird erstellt aus: $master"
echo
"${run[@]}" summary "$master"
rc=$?
echo
case $rc in
    0) echo "Fertig: Die Zusammenfassung liegt neben dem Master." ;;
    1) echo "Die Zusammenfassung wurde NICHT erstellt: Der Master enthält Fehler."
       pruef="${master%.*}_Prüfbericht.xlsx"
       if [ -f "$pruef" ]; then
           echo "Der Prüfbericht liegt neben dem Master: $pruef"
           echo "Ein Klick auf eine Fundstelle öffnet den Master an der Zelle."
           if [ -t 0 ] && [ -z "${AMPEL_NO_PAUSE:-}" ]; then
               if command -v xdg-open >/dev/null 2>&1; then
                   xdg-open "$pruef" >/dev/null 2>&1 &
               elif command -v open >/dev/null 2>&1; then
                   open "$pruef" >/dev/null 2>&1 &
               fi
           fi
       fi
       echo "Bitte korrigieren Sie den Master und starten Sie dieses Skript erneut." ;;
    *) echo "Die Zusammenfassung wurde NICHT erstellt. Die Meldung oben nennt den Grund." ;;
esac
pause
exit $rc
