from . import family_member_data_report
