from . import family_member_data_report
from . import family_review_pack_report
from . import family_review_minutes_report
