"""Local facts kept right by the people who use them: a volunteer reports a fact as wrong or
outdated from the page where it shows; a coordinator records a correction for this instance (with
its source and the date it was checked, shown beside the plugin's fact, never in its place) or
dismisses the report; corrections go back to the plugin's maintainers as a YAML patch."""
