from . import test_family_case
from . import test_family_intervention
from . import test_family_protocol
