from . import test_family_case
from . import test_access
from . import test_family_plan
from . import test_family_review
from . import test_family_referral
from . import test_retention
from . import test_share_views
from . import test_gdpr
