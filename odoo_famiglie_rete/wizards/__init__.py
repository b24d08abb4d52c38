from . import family_case_share_revoke
