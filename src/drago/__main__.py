"""`python -m drago` runs the command line."""

from drago.cli import main

main()
