"""Entry script for the frozen app (PyInstaller runs this file)."""
import sys

from musicrec_gui.app import main

if __name__ == "__main__":
    sys.exit(main())
