from . import family_case_share_revoke
from . import family_siuss_build
from . import family_case_close
from . import family_settings
