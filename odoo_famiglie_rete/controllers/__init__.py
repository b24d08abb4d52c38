from . import portal
from . import calendar_meeting
