"""The XlsxWriter output: every workbook ampel_xl writes, built from shared pieces.

Shared pieces (each defined once):

* :mod:`.formats` – fonts, colours and the cached cell formats (colours from the vocabulary);
* :mod:`.page` – the A4 print setup (header, footer, page numbers) and the page-break planning;
* :mod:`.cells` – sheet-name sanitising, text clipping, row-height estimation, the plural helper.

One module per kind of sheet: :mod:`.overview` (Übersicht), :mod:`.field` (one field),
:mod:`.measures` (Maßnahmen), :mod:`.findings` (Prüfbericht), :mod:`.changes`
(Entwicklung/Veränderungen), :mod:`.history` (Verlauf). The workbooks are put together in
:mod:`.summary` (Zusammenfassung), :mod:`.changes` (Veränderungen), :mod:`.history` (Verlauf),
:mod:`.findings` (Prüfbericht); :mod:`.master` writes a new Ampel-Master (the template).

Nothing is imported here, so that importing one piece stays light.
"""
