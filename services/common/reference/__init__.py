"""Reference data shipped with the project (GeoNames places, ESCO occupations and skills, ISCO-08).

Pure lookups: each file is read once on first use and cached. Provenance and licences
are in `data/PROVENANCE.md`.
"""

from services.common.reference import geo, occupations, places, sampling, skills

__all__ = ["geo", "occupations", "places", "sampling", "skills"]
