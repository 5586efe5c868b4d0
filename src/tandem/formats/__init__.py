"""Tandem's date formats per language (``FORMAT_MODULE_PATH``); numbers follow Django's locales.

Pages name the month in words, which reads the same in every country where 03/04 does not:
"22 Mar 2027" in English, "22 mrt 2027" in Dutch (Dutch writes month names in lower case).
"""
