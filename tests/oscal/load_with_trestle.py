"""Loads every OSCAL document in a folder with compliance-trestle, the OSCAL library compliance
teams use: the file name says the model (`NAME.catalog.json`, `NAME.assessment-results.yaml`).

Exit 0 when every file loads; otherwise prints each refusal and exits 1.
Run by the smm-oscal test `every_export_loads_in_compliance_trestle`.
"""

import pathlib
import sys

from trestle.oscal import OSCAL_VERSION
from trestle.oscal.assessment_results import AssessmentResults
from trestle.oscal.catalog import Catalog
from trestle.oscal.poam import PlanOfActionAndMilestones
from trestle.oscal.profile import Profile

MODELS = {
    "catalog": Catalog,
    "profile": Profile,
    "assessment-results": AssessmentResults,
    "plan-of-action-and-milestones": PlanOfActionAndMilestones,
}


def declared(document) -> str:
    """The oscal-version a loaded document declares (trestle wraps strings in root models)."""
    value = document.metadata.oscal_version
    while hasattr(value, "root"):
        value = value.root
    return str(value)


def main(folder: str) -> int:
    files = sorted(p for p in pathlib.Path(folder).iterdir() if p.suffix in (".json", ".yaml"))
    if not files:
        print(f"no OSCAL documents in {folder}", file=sys.stderr)
        return 1
    failed = 0
    for path in files:
        model = path.name.rsplit(".", 2)[-2]
        cls = MODELS.get(model)
        if cls is None:
            print(f"{path.name}: unknown model {model}", file=sys.stderr)
            failed += 1
            continue
        try:
            document = cls.oscal_read(path)
        except Exception as error:  # trestle raises several kinds; each is a refusal
            print(f"{path.name}: {error}", file=sys.stderr)
            failed += 1
            continue
        if document is None or declared(document) != OSCAL_VERSION:
            print(f"{path.name}: not read as OSCAL {OSCAL_VERSION}", file=sys.stderr)
            failed += 1
    print(f"compliance-trestle (OSCAL {OSCAL_VERSION}) loaded {len(files) - failed} of {len(files)} documents")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
