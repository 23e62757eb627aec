"""Letters and emails: which ones exist and fit a case (catalogue), filling and layout (compose), PDF rendering (pdf), the pages (views)."""
