from . import portal
from . import calendar_meeting
from . import siuss_waas
from . import transparency
from . import case_export
