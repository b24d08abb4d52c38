from . import test_family_case
from . import test_family_plan
from . import test_family_review
from . import test_family_referral
from . import test_family_intervention
from . import test_family_protocol
