"""English: "22 Mar 2027", "22 Mar 2027 14:05", "22 March", "Mar 2027"."""

DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "M Y"
