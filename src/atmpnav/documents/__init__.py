"""The documents room: drafts of the forms a team files (EMA Art 17 classification request, FDA
Pre-RFD and RFD) and the PDF assessment report, fed by facts, verdicts and saved assessments.
Templates are files in ``documents/templates/``; ``law/`` and ``engine.py`` never import this package."""
