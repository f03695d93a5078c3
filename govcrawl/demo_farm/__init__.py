"""The demo farm: simulated government portals on 127.0.0.1 that serve reports with known content.

Content lives in `reports` (generated reports and their ground truth), `render` (one report into
HTML, PDF, DOCX, DOC, XLSX and text) and `seeds` (the five real seed pages rebuilt). The sites
and server wrap that content in the chrome and URL shapes of real CMSes. Nothing here imports
the crawler's stages: the farm is the world outside.
"""
