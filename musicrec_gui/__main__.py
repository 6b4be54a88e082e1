import sys

from musicrec_gui.app import main

sys.exit(main())
