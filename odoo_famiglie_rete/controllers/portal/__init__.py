from . import common
from . import families
from . import interventions
from . import reviews
from . import statements
from . import notifications
from . import monitoring
