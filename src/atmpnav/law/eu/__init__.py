"""EU rule set: Regulation (EC) No 1394/2007 and Directive 2001/83/EC, Annex I, Part IV.

One module per topic; each rule's ``test`` reads facts and returns an Answer, and
``procedure.procedure`` asks the rules in the order of the decision procedure. Importing this
package registers every rule on ``EU``.
"""

from atmpnav.law.eu import (  # noqa: F401 (each module registers its rules on EU)
    cell_therapy,
    combined,
    common,
    demarcation,
    essential_function,
    gene_therapy,
    manipulation,
    pathway,
    procedure,
    scope,
    tissue_engineering,
)
from atmpnav.law.eu.common import EU

__all__ = ["EU"]

# Part IV rules also answer for 30 Dec 2008 - 4 Apr 2010 (Directive 2003/63/EC wording, tagged U).
common.add_early_part_iv_versions(EU)
