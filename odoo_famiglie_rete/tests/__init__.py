from . import test_family_case
from . import test_access
