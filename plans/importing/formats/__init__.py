"""Readers for the formats a government office sends besides plain text and web pages: Word (.docx, and
.doc/.wps through LibreOffice), PDF with a text layer, Excel task sheets, and scans read by OCR.

Each reader returns a ``Read`` (formats.base): the text one block a line, the document's blocks in order
(a paragraph, or a table as rows of cells) for the task-division table reader, and what OCR doubted.
"""
