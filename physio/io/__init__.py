"""Files in and out: the handout PDF, the log workbook, and exporting them for one patient or many."""
