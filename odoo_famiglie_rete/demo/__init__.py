from . import family_demo
