"""The final report and open data, the authority's official answers, follow-up and feeds."""
