"""Reading a page: the parsers (sources/), the HTML to Markdown conversion, dates, encodings."""
