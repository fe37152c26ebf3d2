"""One module per verb: plain functions that orchestrate store → core → render; no typer."""
