from . import family_case_share_revoke
from . import family_settings
