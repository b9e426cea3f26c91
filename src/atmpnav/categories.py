"""The four ATMP categories and the not-ATMP regimes: plain definitions, legal basis, examples."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Category:
    code: str
    name: str
    kind: str  # "ATMP" | "modifier" | "not ATMP"
    definition: str
    basis: str
    examples: tuple[str, ...]


CATEGORIES: tuple[Category, ...] = (
    Category(
        "GTMP", "Gene therapy medicinal product", "ATMP",
        "A biological medicine whose active substance contains a recombinant nucleic acid used to regulate, "
        "repair, replace, add or delete a genetic sequence, and whose effect comes directly from that sequence "
        "or the protein it makes. Vaccines against infectious diseases are excluded. Cells modified this way "
        "(e.g. CAR-T) are GTMPs too: gene therapy prevails over cell therapy (Art 2(5)).",
        "Directive 2001/83/EC, Annex I, Part IV, 2.1; Regulation (EC) No 1394/2007, Art 2(1)(a), Art 2(5)",
        ("Luxturna (AAV vector carrying RPE65, inherited retinal dystrophy)",
         "Kymriah, Yescarta (CAR-T cells: autologous T cells given a CAR gene)",
         "Imlygic (oncolytic herpes virus expressing GM-CSF)"),
    ),
    Category(
        "sCTMP", "Somatic cell therapy medicinal product", "ATMP",
        "A biological medicine of cells or tissues that were substantially manipulated or are used for a "
        "different essential function than in the donor, presented to treat, prevent or diagnose a disease "
        "through the pharmacological, immunological or metabolic action of the cells.",
        "Directive 2001/83/EC, Annex I, Part IV, 2.2; Regulation (EC) No 1394/2007, Art 2(1)(a)",
        ("Alofisel (expanded donor adipose stem cells for complex perianal fistulas in Crohn's disease)",
         "Provenge (activated autologous blood cells for prostate cancer)",
         "Ebvallo (donor EBV-specific T cells)"),
    ),
    Category(
        "TEP", "Tissue engineered product", "ATMP",
        "A product of engineered cells or tissues (substantially manipulated, or not used for the same essential "
        "function) presented to regenerate, repair or replace a human tissue. Cells may be human or animal, "
        "viable or not; scaffolds and matrices may be part of it. Non-viable products acting only physically are "
        "excluded. Where a product could be both TEP and sCTMP, it is a TEP (Art 2(4)).",
        "Regulation (EC) No 1394/2007, Art 2(1)(b)-(c), Art 2(4)",
        ("Holoclar (expanded limbal stem cells to repair the cornea)",
         "Spherox, ChondroCelect (cultured chondrocytes for knee cartilage defects)",
         "engineered cartilage constructs and cultured skin substitutes for burns"),
    ),
    Category(
        "combined", "Combined ATMP (a modifier of the three categories)", "modifier",
        "An ATMP that incorporates a medical device as an integral part, where the cellular part contains viable "
        "cells or its non-viable cells act primarily. Note: combining gene, cell and tissue elements does not make "
        "a 'combined ATMP' in law (the source article uses the word loosely); the device is what counts.",
        "Regulation (EC) No 1394/2007, Art 2(1)(d); Regulation (EU) 2017/745",
        ("MACI (autologous chondrocytes on a porcine collagen membrane, 2013: the first combined ATMP)",
         "3-D bio-printed pancreas of islets in a porcine matrix (CAT recommendation)"),
    ),
    Category("tissues_cells", "Tissues and cells (SoHO from 7 Aug 2027)", "not ATMP",
             "Human cells or tissues that are neither substantially manipulated nor used for another essential "
             "function.", "Directive 2004/23/EC; Regulation (EU) 2024/1938 from 7 Aug 2027",
             ("haematopoietic stem cell transplant for blood reconstitution", "amniotic membrane graft")),
    Category("blood", "Blood and blood components", "not ATMP",
             "Whole blood, blood components, platelet-rich plasma, unmanipulated donor lymphocytes.",
             "Directive 2002/98/EC; Regulation (EU) 2024/1938 from 7 Aug 2027",
             ("platelet-rich plasma", "donor lymphocyte infusion")),
    Category("medical_device", "Medical device", "not ATMP",
             "Non-viable animal tissue or non-viable derivatives of human tissue acting physically; scaffolds "
             "alone.", "Regulation (EU) 2017/745, Art 1(6), Art 1(10)", ("decellularised porcine skin matrix",)),
    Category("biological_medicinal_product", "Other biological medicinal product", "not ATMP",
             "Biological medicines without recombinant nucleic acid or intact cells: proteins, vesicles, lysates, "
             "wild-type viruses.", "Directive 2001/83/EC, Annex I, Part I 3.2.1.1(b)",
             ("enzyme replacement therapy", "MSC-derived extracellular vesicles", "natural bacteriophages")),
    Category("chemical_medicinal_product", "Chemical medicinal product", "not ATMP",
             "Chemically synthesised active substances, including antisense oligonucleotides and siRNAs.",
             "Directive 2001/83/EC", ("nusinersen-type antisense oligonucleotide", "siRNA in lipid nanoparticles")),
    Category("vaccine", "Vaccine against an infectious disease", "not ATMP",
             "Vaccines against infectious diseases, whatever their technology (mRNA, viral vector, DNA, live).",
             "Directive 2001/83/EC, Annex I, Part IV, 2.1", ("mRNA COVID-19 vaccine", "adenovirus-vector vaccine")),
    Category("organ_transplant", "Organ for transplantation", "not ATMP", "Human organs for transplantation.",
             "Directive 2010/53/EU", ("kidney transplant",)),
    Category("starting_material", "Starting or raw material", "not ATMP",
             "Materials used to make an ATMP but not its active substance.",
             "Directive 2001/83/EC, Annex I, Part IV, 3.2.1.3 to 3.2.1.5",
             ("lentiviral vector used ex vivo to make CAR-T",)),
    Category("not_for_human_administration", "Not administered to humans", "not ATMP",
             "Reagents, enzymes and devices used only outside the body.", "Regulation (EC) No 1394/2007, Art 2(1)(a)",
             ("enzyme used inside a closed tissue-processing device",)),
    Category("cosmetic", "Cosmetic", "not ATMP",
             "Cosmetics; note that products with human cells can never be cosmetics.",
             "Regulation (EC) No 1223/2009, Annex II", ()),
    Category("other", "Other regime", "not ATMP",
             "Outside the categories above, e.g. faecal microbiota under national rules until 2027, or a matrix "
             "with no medical claim of its own.", "Directive 2001/83/EC, Art 1(2); national law",
             ("faecal microbiota transplant",)),
)


def as_dicts() -> list[dict[str, object]]:
    return [asdict(c) for c in CATEGORIES]
