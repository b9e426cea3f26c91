"""Product facts for the GMP, national-rule, incentive and document tests: each classifies to a known
EU outcome (checked in test_checklist.py), and ``make`` adds a manufacturing or development block."""

from __future__ import annotations

import copy
from typing import Any

from atmpnav.facts import ProductFacts, parse_facts

_COMMON = {"for_human_administration": True, "product_role": "finished_product",
           "vaccine_against_infectious_disease": False, "biological_active_substance": True,
           "special_category": "none"}

BASES: dict[str, tuple[dict[str, Any], str]] = {
    # Autologous CAR-T (ex vivo lentiviral modification): GTMP.
    "car_t": ({**_COMMON, "name": "Autologous anti-CD19 CAR-T cells", "claimed_purpose": "treat_prevent_diagnose",
               "indication": "relapsed B-cell acute lymphoblastic leukaemia",
               "nucleic_acid": {"origin": "recombinant", "vehicle": "modified_cells", "acts_on_genetic_sequence": True,
                                "effect_from_sequence": True, "transgene_role": "therapeutic",
                                "genome_editing": "none"},
               "cells_or_tissues": {"form": "intact_cells", "source": "autologous", "viability": "viable",
                                    "blood_component": False, "manipulations": ["cell_separation", "activation",
                                    "genetic_modification", "expansion", "cryopreservation"],
                                    "same_essential_function": False, "tissue_origin": "peripheral_blood"}},
              "GTMP"),
    # In vivo AAV gene therapy (no cells): GTMP.
    "aav": ({**_COMMON, "name": "rAAV2-RPE65", "claimed_purpose": "treat_prevent_diagnose",
             "indication": "inherited retinal dystrophy",
             "nucleic_acid": {"origin": "recombinant", "vehicle": "viral_vector", "acts_on_genetic_sequence": True,
                              "effect_from_sequence": True, "transgene_role": "therapeutic",
                              "genome_editing": "none"}}, "GTMP"),
    # Oncolytic virus: GTMP, replication-competent.
    "oncolytic": ({**_COMMON, "name": "Oncolytic HSV-1 expressing GM-CSF", "claimed_purpose": "treat_prevent_diagnose",
                   "indication": "melanoma",
                   "nucleic_acid": {"origin": "recombinant", "vehicle": "oncolytic_virus",
                                    "acts_on_genetic_sequence": True, "effect_from_sequence": True,
                                    "transgene_role": "therapeutic", "genome_editing": "none"}}, "GTMP"),
    # Allogeneic expanded mesenchymal stromal cells: sCTMP.
    "msc": ({**_COMMON, "name": "Allogeneic adipose MSC", "claimed_purpose": "treat_prevent_diagnose",
             "indication": "perianal fistulas in Crohn's disease",
             "cells_or_tissues": {"form": "intact_cells", "source": "allogeneic", "viability": "viable",
                                  "blood_component": False, "manipulations": ["enzymatic_digestion", "expansion"],
                                  "same_essential_function": False,
                                  "mode_of_action": "pharmacological_immunological_metabolic",
                                  "tissue_origin": "adipose", "structural_tissue": False}}, "sCTMP"),
    # Bone-marrow cells, only separated, used for a different function: sCTMP without substantial manipulation.
    "non_homologous": ({**_COMMON, "name": "Autologous bone-marrow mononuclear cells for cardiac repair",
                        "claimed_purpose": "treat_prevent_diagnose", "indication": "chronic ischaemic heart failure",
                        "cells_or_tissues": {"form": "intact_cells", "source": "autologous", "viability": "viable",
                                             "blood_component": False, "manipulations": ["cell_separation"],
                                             "same_essential_function": False,
                                             "mode_of_action": "pharmacological_immunological_metabolic",
                                             "tissue_origin": "bone_marrow"}}, "sCTMP"),
    # Porcine islets in alginate: xenogeneic sCTMP.
    "xeno": ({**_COMMON, "name": "Alginate-encapsulated porcine islets", "claimed_purpose": "treat_prevent_diagnose",
              "indication": "type 1 diabetes",
              "cells_or_tissues": {"form": "intact_cells", "source": "xenogeneic", "viability": "viable",
                                   "blood_component": False, "manipulations": ["enzymatic_digestion", "purification",
                                                                                 "encapsulation"],
                                   "substantially_manipulated": True, "same_essential_function": True,
                                   "mode_of_action": "pharmacological_immunological_metabolic",
                                   "tissue_origin": "pancreatic_islets"},
              "device": {"integral": True, "own_medical_purpose": False, "kind": "capsule"}}, "sCTMP"),
    # Autologous chondrocytes on a CE-markable membrane: combined TEP.
    "chondrocytes": ({**_COMMON, "name": "Autologous chondrocytes on a collagen membrane",
                      "claimed_purpose": "regenerate_repair_replace", "indication": "knee cartilage defects",
                      "cells_or_tissues": {"form": "intact_cells", "source": "autologous", "viability": "viable",
                                           "blood_component": False, "manipulations": ["enzymatic_digestion",
                                                                                         "expansion"],
                                           "same_essential_function": True, "tissue_origin": "cartilage",
                                           "structural_tissue": True},
                      "device": {"integral": True, "own_medical_purpose": True, "kind": "membrane"}}, "TEP"),
    # Minimally manipulated HSC for haematopoietic reconstitution: not an ATMP.
    "hsc": ({**_COMMON, "name": "Allogeneic CD34-selected HSC", "claimed_purpose": "treat_prevent_diagnose",
             "indication": "haematopoietic reconstitution",
             "cells_or_tissues": {"form": "intact_cells", "source": "allogeneic", "viability": "viable",
                                  "blood_component": False, "manipulations": ["cell_separation", "cryopreservation"],
                                  "same_essential_function": True, "tissue_origin": "peripheral_blood",
                                  "structural_tissue": False}},
            "not ATMP"),
}


def make(base: str, manufacturing: dict[str, Any] | None = None, development: dict[str, Any] | None = None,
         **changes: Any) -> ProductFacts:
    data = copy.deepcopy(BASES[base][0])
    for path, value in changes.items():
        block, _, name = path.partition("__")
        if name:
            data.setdefault(block, {})[name] = value
        else:
            data[block] = value
    if manufacturing is not None:
        data["manufacturing"] = manufacturing
    if development is not None:
        data["development"] = development
    return parse_facts(data)
