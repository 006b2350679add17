"""Loads every OSCAL document in a folder with compliance-trestle, the OSCAL library compliance
teams use: the file name says the model (`NAME.catalog.json`, `NAME.assessment-results.yaml`).
Each profile is also resolved against the catalog it imports, and every parameter it sets must
carry the profile's values in the resolved catalog (the target's levels must survive resolution).

Exit 0 when every file loads and every profile resolves; otherwise prints each refusal, exits 1.
Run by the smm-oscal test `every_export_loads_in_compliance_trestle`.
"""

import os
import pathlib
import sys

from trestle.core.profile_resolver import ProfileResolver
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


def plain(value) -> str:
    """A string that trestle may have wrapped in root models."""
    while hasattr(value, "root"):
        value = value.root
    return str(value)


def controls(groups):
    for group in groups or []:
        yield from getattr(group, "controls", None) or []
        yield from controls(getattr(group, "groups", None))


def resolve(folder: pathlib.Path, path: pathlib.Path, profile) -> str:
    """Why the resolved profile does not carry the profile's parameter values, or ''."""
    catalog = ProfileResolver.get_resolved_profile_catalog(folder, str(path))
    resolved = {
        plain(param.id): [plain(v) for v in (param.values or [])]
        for control in list(controls(catalog.groups)) + list(catalog.controls or [])
        for param in control.params or []
    }
    sets = profile.modify.set_parameters if profile.modify else []
    for setting in sets or []:
        wanted = [plain(v) for v in setting.values or []]
        if resolved.get(plain(setting.param_id)) != wanted:
            return f"{plain(setting.param_id)} resolves to {resolved.get(plain(setting.param_id))}, the profile sets {wanted}"
    if not sets:
        return "the profile sets no parameter"
    return ""


def main(folder: str) -> int:
    # trestle reads a profile's relative catalog href from the working directory, and smm's
    # profiles name the catalog beside them.
    folder = str(pathlib.Path(folder).resolve())
    os.chdir(folder)
    files = sorted(p for p in pathlib.Path(folder).iterdir() if p.suffix in (".json", ".yaml"))
    if not files:
        print(f"no OSCAL documents in {folder}", file=sys.stderr)
        return 1
    failed = 0
    resolved_profiles = 0
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
            continue
        if model == "profile":
            # The resolver keeps a cache in the folder's .trestle directory.
            (pathlib.Path(folder) / ".trestle").mkdir(exist_ok=True)
            try:
                problem = resolve(pathlib.Path(folder), path, document)
            except Exception as error:
                problem = f"does not resolve: {error}"
            if problem:
                print(f"{path.name}: {problem}", file=sys.stderr)
                failed += 1
            else:
                resolved_profiles += 1
    print(
        f"compliance-trestle (OSCAL {OSCAL_VERSION}) loaded {len(files) - failed} of {len(files)} documents"
        f" and resolved {resolved_profiles} profiles"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
