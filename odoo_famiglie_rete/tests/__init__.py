from . import test_family_case
from . import test_family_case_member
from . import test_family_case_performance
from . import test_family_case_ui
