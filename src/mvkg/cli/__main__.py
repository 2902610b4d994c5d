import sys

from mvkg.cli import main

sys.exit(main())
