"""年报数据: the numbers inside annual reports' statistics tables, read, checked and compared.

`model` (what the tables hold), `tables` (rows of cells from HTML, DOCX, XLSX or text),
`parse` (rows → values, by labels), `prose` (figures stated in sentences), `checks` (勾稽关系
and checks across years), `stats` (the archive's reports brought up to date).
"""
