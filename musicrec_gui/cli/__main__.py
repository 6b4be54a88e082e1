import sys

from musicrec_gui.cli import main

sys.exit(main())
