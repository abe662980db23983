"""年报数据: the numbers inside annual reports' statistics tables, read, checked and compared.

`model` (what the tables hold), `parse` (rows of cells, as `reading.tables` gives them from
HTML, DOCX, XLSX or text → values, by labels), `prose` (figures stated in sentences),
`checks` (勾稽关系 and checks across years), `stats` (the archive's reports brought up to
date), `export` (CSV). A stage of its own: it reads the archive and writes its results there.
"""
