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

if command -v ampel-xl >/dev/null 2>&1; then
    run=(ampel-xl)
elif command -v python3 >/dev/null 2>&1 && python3 -c "import ampel_xl" >/dev/null 2>&1; then
    run=(python3 -m ampel_xl)
elif command -v python >/dev/null 2>&1 && python -c "import ampel_xl" >/dev/null 2>&1; then
    run=(python -m ampel_xl)
else
    echo "ampel-xl ist auf diesem Rechner nicht installiert (weder „ampel-xl“ noch ein Python mit ampel_xl gefunden)."
    echo "Bitte wenden Sie sich an die Betreuung von ampel_xl."
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
