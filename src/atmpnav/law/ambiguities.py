"""Points where the law itself is open (A1-A20): a title and one plain sentence each, shown wherever a
verdict flags one. The wording is ours, summarising the open question; the rules that meet it cite
the legal texts."""

from __future__ import annotations

from dataclasses import dataclass

from atmpnav.errors import UnknownNameError


@dataclass(frozen=True)
class Ambiguity:
    id: str
    title: str
    explanation: str
    rules: tuple[str, ...]


_ROWS = [
    ("A1", "Is a step outside Annex I substantial?",
     "Steps Annex I does not list (e.g. enzymatic digestion, brief cytokine exposure) are substantial only if they "
     "change characteristics relevant to the intended use; that is judged case by case.", ("EU-M3", "EU-M4")),
    ("A2", "Which essential function do the cells have?",
     "Many cell types have several functions, and the CAT's view that marrow cells repairing the heart are not used "
     "for their essential function is contested.", ("EU-F1", "EU-F2", "EU-F3", "EU-F5")),
    ("A3", "Tissue engineered or somatic cell therapy?",
     "The class follows the claim (repair of tissue vs treatment through the cells' action); where a product is "
     "presented as both, Art 2(4) makes it a TEP.", ("EU-T1", "EU-C3", "EU-P3")),
    ("A4", "What does the transgene do?",
     "Whether a genetic modification drives the effect (gene therapy) or only serves as a switch, marker or tool "
     "(cell therapy) decides the class.", ("EU-G4", "EU-G8")),
    ("A5", "Where does 'recombinant' end?",
     "In vitro transcribed mRNA counts as recombinant in CAT practice; fully synthetic or enzymatically amplified "
     "nucleic acids sit on the boundary.", ("EU-G2", "EU-G6", "EU-G7")),
    ("A6", "Genome editors not delivered as recombinant nucleic acid",
     "Editors given as protein or RNP with synthetic guides, or encoded by synthetic RNA, fall outside the literal "
     "current definition; the pharma-package proposal would include them.", ("EU-G11",)),
    ("A7", "Edges of the vaccine exclusion",
     "Only vaccines against infectious diseases are excluded; products for an infection that do not work as a "
     "vaccine (vectored antibodies, siRNA) and therapeutic vaccines for chronic infections are not settled.",
     ("EU-G5", "EU-G9")),
    ("A8", "Is the device part integral and a device in its own right?",
     "A combined ATMP needs a medical device that has its own medical purpose and forms one product with the cells.",
     ("EU-D1", "EU-D2", "EU-D3")),
    ("A9", "How do non-viable cells or tissues act?",
     "Non-viable material acting principally by pharmacological, immunological or metabolic action can be an ATMP; "
     "acting physically, it cannot.", ("EU-T3", "EU-X1", "EU-D4")),
    ("A10", "Animal cells, tissues and organs",
     "Minimally manipulated animal cells used for the same function, and genetically modified animal organs, have "
     "no settled place.", ("EU-X11", "EU-X13")),
    ("A11", "Anucleate and enucleated products",
     "Cells without a nucleus (e.g. in vitro red cells or platelets) are not 'cells' in the CAT's reading; "
     "products that mix them with nucleated cells are less clear.", ("EU-C6", "EU-X12")),
    ("A12", "Cell-free derivatives",
     "Vesicles, lysates and secretomes cannot be cell therapies; engineered or nucleic-acid-loaded ones may be "
     "gene therapies.", ("EU-X9", "EU-X10")),
    ("A13", "Engineered phages and bacteria",
     "The gene therapy definition speaks of a genetic sequence 'in human beings'; whether acting on bacterial "
     "genomes is enough is open.", ("EU-G3", "EU-X7", "EU-X8")),
    ("A14", "Feeder, packaging and other ancillary cells",
     "Allogeneic raw materials do not make an autologous product allogeneic unless they are part of the active "
     "substance.", ("EU-P2", "EU-S3")),
    ("A15", "Point-of-care processing devices",
     "A CE-marked processing device does not decide the status of the cells it produces; there is no EU "
     "same-surgery exemption for ATMPs.", ("EU-X16", "EU-M4")),
    ("A16", "Hospital exemption in practice",
     "Member States read 'non-routine' and 'specific quality standards' differently; the exemption never changes "
     "the classification.", ("EU-H1",)),
    ("A17", "Which law applies on the date",
     "The SoHO Regulation applies from 7 August 2027; the pharma package is agreed but not in force; the Part IV "
     "GMP revision and the UK definition are pending.", ()),
    ("A18", "National divergence",
     "CAT recommendations are not binding; national authorities and courts may classify borderline products "
     "differently.", ("EU-H2",)),
    ("A19", "Presentation and function",
     "Claims can make a product a medicinal product by presentation; with no claim, the function limb and the "
     "product's use decide, and the class may stay open.", ("EU-S1",)),
    ("A20", "Same product, different indication",
     "Classification is indication-specific: the same cells can be outside the ATMP rules for one use and a TEP "
     "for another.", ("EU-F2",)),
]
AMBIGUITIES: dict[str, Ambiguity] = {row[0]: Ambiguity(*row) for row in _ROWS}


def ambiguity(code: str) -> Ambiguity:
    try:
        return AMBIGUITIES[code.upper()]
    except KeyError:
        raise UnknownNameError("ambiguity", code, list(AMBIGUITIES)) from None
