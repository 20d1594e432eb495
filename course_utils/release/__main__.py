import sys

from course_utils.release.cli import main

sys.exit(main())
