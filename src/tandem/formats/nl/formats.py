"""Dutch: "22 mrt 2027", "22 mrt 2027 14:05", "22 maart", "mrt 2027"."""

DATE_FORMAT = "j b Y"
DATETIME_FORMAT = "j b Y H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "b Y"
