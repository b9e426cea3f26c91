"""Combined ATMPs: Regulation (EC) No 1394/2007, Art 2(1)(d)."""

from __future__ import annotations

from atmpnav.facts import CellSource, Viability
from atmpnav.law.base import Answer, Inquiry
from atmpnav.law.eu.common import (
    ATMP_REGULATION,
    EU,
    MDD,
    MDR,
    MDR_APPLIES,
    REG,
    _yes_no,
    add_device_directive_version,
    rule,
)

# --- Combined ATMP -----------------------------------------------------------


@rule(
    "EU-D1",
    title="Combined ATMP",
    question="Does the product incorporate a medical device as an integral part, with viable cells or with "
    "non-viable cells whose action is primary to the device's?",
    citation=f"{REG}, Art 2(1)(d); {MDR}, Art 2(1) and (4) (references to the Directives read under Art 122)",
    confidence="K",
    valid_from=ATMP_REGULATION,
    ambiguities=("A8",),
)
def combined(c: Inquiry) -> Answer:
    viability = c.fact("cells_or_tissues.viability")
    if viability in {Viability.viable, Viability.mixed}:
        return Answer(True, "An integral device with viable cells: a combined ATMP.",
                      ("device.integral", "device.own_medical_purpose", "cells_or_tissues.viability"))
    primary = c.fact("device.cells_primary_action")
    return _yes_no(primary, "device.cells_primary_action",
                   "The non-viable cells' action is primary to the device's: a combined ATMP.",
                   "The device's action is primary to that of the non-viable cells.",
                   "Whether the non-viable cells' action is primary to the device's is not known.")


@rule(
    "EU-D2",
    title="The device part must be a device in its own right",
    question="Does the non-cellular component have a medical purpose of its own (is it itself a medical device)?",
    citation=f"{REG}, Art 2(1)(d)(i); EMA classification summary (resorbable 3-D matrix assessed alone)",
    confidence="U",
    valid_from=ATMP_REGULATION,
    ambiguities=("A8",),
    reading="[U] Generalised from one EMA summary: a scaffold with no medical claim of its own does not make the "
    "product combined.",
)
def device_in_own_right(c: Inquiry) -> Answer:
    return _yes_no(c.fact("device.own_medical_purpose"), "device.own_medical_purpose",
                   "The component has a medical purpose of its own: it is a medical device.",
                   "The component has no medical purpose of its own: not a device, so not combined.",
                   "Whether the component is a medical device in its own right is not known.")


@rule(
    "EU-D3",
    title="Integral part",
    question="Do the device and the cells form a single product used together?",
    citation=f"{REG}, Art 2(1)(d)(i); CAT Reflection paper Rev.1, §2.2.4",
    confidence="U",
    valid_from=ATMP_REGULATION,
    ambiguities=("A8",),
)
def integral(c: Inquiry) -> Answer:
    return _yes_no(c.fact("device.integral"), "device.integral",
                   "The device is an integral part of the product.",
                   "The device is separate (e.g. an administration aid): not an integral part.",
                   "Whether the device is an integral part of the product is not known.")


@rule(
    "EU-D4",
    title="Device action primary over non-viable cells",
    question="Is the device's action primary to that of non-viable cells or tissues?",
    citation=f"{MDR}, Art 1(10); Directive 2004/23/EC",
    confidence="K",
    valid_from=ATMP_REGULATION,
    ambiguities=("A9",),
)
def device_primary(c: Inquiry) -> Answer:
    facts = ("device.cells_primary_action", "cells_or_tissues.source")
    if c.as_of >= MDR_APPLIES or c.fact("cells_or_tissues.source") == CellSource.xenogeneic:
        return Answer(True, "Non-viable tissue with an action ancillary to the device's: the product is assessed as "
                      "a medical device (human tissue under MDR Art 1(10), with Directive 2004/23/EC for donation, "
                      "procurement and testing; animal tissue rendered non-viable is within the device rules), not "
                      "as a combined ATMP.", facts)
    return Answer(False, "Before the MDR, the device Directives did not apply to products incorporating human "
                  "tissues or cells (Directive 93/42/EEC, Art 1(5)(f)): not a device; tissues and cells law "
                  "applies.", facts)


@rule(
    "EU-D5",
    title="GTMP with a device",
    question="Is a gene therapy combined with a device (e.g. a vector-coated stent) a combined ATMP?",
    citation=f"{REG}, Art 2(1)(d) (a cellular or tissue part is required); {MDR}, Art 1(8) and (9), Art 117",
    confidence="K",
    valid_from=ATMP_REGULATION,
)
def gtmp_device(c: Inquiry) -> Answer:
    return Answer(False, "Not a combined ATMP: Art 2(1)(d) requires a cellular or tissue part. A gene therapy with "
                  "an integral device stays a GTMP; the device part must meet the device requirements (MDR "
                  "Art 1(8) and (9)) and the dossier needs a notified body's opinion on it (Art 117).",
                  ("device.present", "cells_or_tissues.present"))


add_device_directive_version(EU, "EU-D1", f"{REG}, Art 2(1)(d) (devices as defined in Directive 93/42/EEC, "
                             "Art 1(2)(a), and Directive 90/385/EEC, Art 1(2)(c))")
add_device_directive_version(EU, "EU-D4", f"{MDD}: Directive 93/42/EEC, Art 1(5)(f) and (g)")
