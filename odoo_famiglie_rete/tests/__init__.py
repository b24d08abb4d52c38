from . import test_family_case
