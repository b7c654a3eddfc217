"""The Ampeldokument: the protocol's annex as Word and, with LibreOffice, as PDF.

* :mod:`.document` – builds the .docx from the figures (python-docx) and writes it;
* :mod:`.charts` – the charts of each field (matplotlib), in the document's typeface;
* :mod:`.libreoffice` – finding LibreOffice, the PDF conversion and reading page numbers back.

Nothing is imported here, so that importing one piece stays light.
"""
