"""Every write of the clusters app: start, cancel and delete a mapping run, create and edit cluster
records, attach a footprint found by a run to a cluster (new or existing) and detach it.

Each function takes the acting user, checks `clusters.policy`, validates, writes in one transaction and
raises `triplec.core.errors` (PermissionDenied, NotFound, ValidationFailed with field errors).
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from triplec.accounts.policy import require
from triplec.core.errors import NotFound, ValidationFailed
from triplec.core.tasks import cancel_queued, enqueue
from triplec.mapping import codes as codelists
from triplec.registry.models import SectorClassification, Territory

from . import messages, policy, registers, selectors
from .models import CANCELLED, MAPPING_FOLDER, Cluster, ClusterFootprint, MappingRun
from .run_sources import check_dataset_source, check_upload_source, chosen_dataset

TASK_NAME = "triplec.clusters.tasks.mapping_run"  # the module path rows store (django.tasks)
MAX_SIMS = 9999
MAX_DISTANCE_STEPS = 2000


class _Errors(dict):
    def add(self, field: str, message: str) -> None:
        self.setdefault(field, []).append(str(message))

    def raise_if_any(self) -> None:
        if self:
            raise ValidationFailed(self)


# Reads that raise ------------------------------------------------------------------------------------------

def get_run(user, pk) -> MappingRun:
    run = selectors.runs_for(user).filter(pk=pk).first()
    if run is None:
        raise NotFound(_("No such mapping run."))
    return run


def get_cluster(user, pk) -> Cluster:
    cluster = policy.visible_clusters(user).filter(pk=pk).first()
    if cluster is None:
        raise NotFound(_("No such cluster."))
    return cluster


# Mapping runs ----------------------------------------------------------------------------------------------

def _number(data: dict, key: str, errors: _Errors, *, integer: bool = False, default=None):
    value = data.get(key, default)
    if value is None or value == "":
        errors.add(key, _("This field is required."))
        return None
    try:
        number = int(value) if integer else float(value)
    except (TypeError, ValueError):
        errors.add(key, _("Enter a number.") if not integer else _("Enter a whole number."))
        return None
    if not integer and not math.isfinite(number):
        errors.add(key, _("Enter a finite number."))
        return None
    if integer and float(value) != number:
        errors.add(key, _("Enter a whole number."))
        return None
    return number


def _check_parameters(data: dict, errors: _Errors) -> dict:
    defaults = {f.name: f.default for f in MappingRun._meta.fields if f.name in
                ("r_max", "r_step", "sims", "alpha", "seed", "min_n")}
    r_max = _number(data, "r_max", errors, default=defaults["r_max"])
    r_step = _number(data, "r_step", errors, default=defaults["r_step"])
    sims = _number(data, "sims", errors, integer=True, default=defaults["sims"])
    alpha = _number(data, "alpha", errors, default=defaults["alpha"])
    seed = _number(data, "seed", errors, integer=True, default=defaults["seed"])
    min_n = _number(data, "min_n", errors, integer=True, default=defaults["min_n"])
    if r_max is not None and r_max <= 0:
        errors.add("r_max", _("The largest distance must be more than 0 km."))
    if r_step is not None and r_step <= 0:
        errors.add("r_step", _("The distance step must be more than 0 km."))
    if r_max and r_step and r_max > 0 and r_step > 0:
        if r_step > r_max:
            errors.add("r_step", _("The step cannot be larger than the largest distance (%(r)g km).") % {"r": r_max})
        elif r_max / r_step > MAX_DISTANCE_STEPS:
            errors.add("r_step", _("%(n)d distances are too many; use a step of at least %(s)g km.")
                       % {"n": math.ceil(r_max / r_step), "s": r_max / MAX_DISTANCE_STEPS})
    if sims is not None and not 0 <= sims <= MAX_SIMS:
        errors.add("sims", _("Use between 0 (curves only) and %(max)d simulations.") % {"max": MAX_SIMS})
    if alpha is not None and not 0 < alpha < 1:
        errors.add("alpha", _("The significance level must lie strictly between 0 and 1, e.g. 0.05."))
    elif alpha is not None and sims and sims * alpha < 1:  # the same test as the screen's
        errors.add("sims", _("%(sims)d simulations are too few for a level of %(alpha)g: simulations × level "
                             "must be at least 1, so use at least %(need)d simulations (or a level of at least "
                             "%(low).3f).") % {"sims": sims, "alpha": alpha, "need": math.ceil(1 / alpha - 1e-9),
                                               "low": math.ceil(1000 / sims) / 1000})
    if seed is not None and seed < 0:
        errors.add("seed", _("The seed must be 0 or more."))
    if min_n is not None and min_n < 2:
        errors.add("min_n", _("A sector needs at least 2 establishments to be tested."))
    return {"r_max": r_max, "r_step": r_step, "sims": sims, "alpha": alpha, "seed": seed, "min_n": min_n,
            "weighted": bool(data.get("weighted")), "fdr": bool(data.get("fdr", True)),
            "with_m": bool(data.get("with_m"))}


def _check_sectors(data: dict, errors: _Errors, required: bool) -> tuple[str, str]:
    classification = (data.get("classification") or "").strip()
    level = (data.get("sector_level") or "").strip()
    if classification and classification not in SectorClassification.values:
        errors.add("classification", _("Unknown classification %(c)r.") % {"c": classification})
        return classification, level
    if required and not classification:
        errors.add("classification", _("Choose the classification of the register's sector codes."))
        return classification, level
    try:
        registers.check_level(classification, level)
    except ValueError as exc:
        errors.add("sector_level", str(exc))
    return classification, level


def _territory(value, errors: _Errors) -> Territory | None:
    if value in (None, ""):
        return None
    if isinstance(value, Territory):
        return value
    territory = Territory.objects.filter(pk=value).first() if str(value).isdigit() else None
    if territory is None:
        errors.add("territory", _("No such territory."))
    return territory


def _check_register_source(user, data: dict, params: dict, classification: str, errors: _Errors) -> dict:
    country = (data.get("country") or "").strip().upper()
    if country and (len(country) != 2 or not country.isalpha()):
        errors.add("country", _("Give a two-letter country code (ISO 3166-1), e.g. BR."))
    territory = _territory(data.get("territory"), errors)
    sector_filter = (data.get("sector_filter") or "").strip()
    source = {"country": country, "territory": territory, "sector_filter": sector_filter}
    if errors or not classification:
        return source
    qs = registers.register_queryset(user, classification=classification, country=country,
                                     territory_id=territory.pk if territory else None, sector_filter=sector_filter)
    usable = qs.filter(latitude__isnull=False, longitude__isnull=False)
    if params["weighted"]:
        usable = usable.filter(employees__isnull=False)
    n = usable.count()
    if n < (params["min_n"] or 2):
        title = dict(SectorClassification.choices)[classification]
        what = _("with coordinates and employees") if params["weighted"] else _("with coordinates")
        if n == 0:
            message = _("No enterprise coded in %(title)s %(what)s matches this choice of register.")
        else:
            message = _("Only %(n)d enterprises coded in %(title)s %(what)s match this choice of register; "
                        "a sector needs at least %(min_n)d to be tested.")
        errors.add("__all__", message % {"n": n, "title": title, "what": what, "min_n": params["min_n"] or 2})
    return source


def validate_run(user, data: dict, upload=None) -> dict:
    """The fields of a new run from `data` (form-like: strings are fine), or ValidationFailed."""
    errors = _Errors()
    title = (data.get("title") or "").strip()
    if not title:
        errors.add("title", _("Give the run a title, e.g. “Manufacturing, Ceará, 2026”."))
    elif len(title) > 200:
        errors.add("title", _("Keep the title under 200 characters."))
    source = data.get("source") or MappingRun.Source.REGISTER
    if source not in MappingRun.Source.values:
        errors.add("source", _("Choose the register or an uploaded file."))
    params = _check_parameters(data, errors)
    dataset = chosen_dataset(data, errors) if source == MappingRun.Source.UPLOAD and upload is None else None
    if dataset is not None:
        data = {**data, "classification": dataset.classification}
    classification, level = _check_sectors(data, errors, required=source == MappingRun.Source.REGISTER)
    fields = {"title": title, "source": source, "classification": classification, "sector_level": level, **params}
    if source == MappingRun.Source.REGISTER:
        fields.update(_check_register_source(user, data, params, classification, errors))
    elif dataset is not None:
        fields.update(check_dataset_source(dataset, params))
        fields["_dataset"] = dataset
    elif source == MappingRun.Source.UPLOAD and not errors.get("dataset"):
        fields.update(check_upload_source(data, upload, params, errors))
    errors.raise_if_any()
    return fields


def start_run(user, data: dict, upload=None) -> MappingRun:
    """Validate, store the run (and its uploaded file) and queue its background task."""
    require(policy.can_run_mapping, user)
    fields = validate_run(user, data, upload)
    dataset = fields.pop("_dataset", None)
    folder = None
    try:
        with transaction.atomic():
            run = MappingRun.objects.create(created_by=user, **fields)
            run.output_dir = f"{MAPPING_FOLDER}/{run.pk}"
            folder = run.output_path
            if folder.exists():  # a folder left by a rolled-back run with the same id
                shutil.rmtree(folder)
            if upload is not None and run.source == MappingRun.Source.UPLOAD:
                name = get_valid_filename(Path(upload.name).name) or "register.csv"
                target = folder / "input" / name
                target.parent.mkdir(parents=True, exist_ok=True)
                upload.seek(0)
                with open(target, "wb") as out:
                    for chunk in upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(1 << 20), b""):
                        out.write(chunk)
                run.input_file = str(target.relative_to(settings.MEDIA_ROOT))
                run.input_name = Path(upload.name).name[:200]
            elif dataset is not None:  # a copy: deleting the run must not delete the data set
                target = folder / "input" / Path(dataset.file).name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(Path(settings.MEDIA_ROOT) / dataset.file, target)
                run.input_file = str(target.relative_to(settings.MEDIA_ROOT))
            from . import tasks  # the task module imports the mapping library: loaded when first needed

            run.task = enqueue(tasks.mapping_run, user=user, run_id=run.pk)
            run.save(update_fields=["output_dir", "input_file", "input_name", "task"])
    except Exception:
        if folder is not None and folder.exists():
            shutil.rmtree(folder, ignore_errors=True)
        raise
    return run


def _who(user) -> str:
    return (user.get_full_name() or user.username) if user is not None else "?"


def cancel_run(user, run: MappingRun) -> MappingRun:
    """Stop a queued or running run. A queued run is withdrawn from the queue at once (status
    "cancelled"); a running one is flagged and stops at its next progress report, within a second or
    so of simulations (the task checks the flag). Asking again while it stops changes nothing."""
    require(policy.can_cancel_mapping_run, user, run)
    with transaction.atomic():
        run = MappingRun.objects.select_for_update(of=("self",)).select_related("task").get(pk=run.pk)
        if run.is_finished:
            raise ValidationFailed({"__all__": [
                _("The run has already finished (%(status)s): there is nothing to cancel.")
                % {"status": _status_word(run.status)}]})
        if run.cancel_requested_at is None:
            run.cancel_requested_at = timezone.now()
            run.cancel_requested_by = user
            run.save(update_fields=["cancel_requested_at", "cancel_requested_by"])
            if run.task_id:
                # stored in English, translated where it is shown (messages.shown)
                cancel_queued(run.task_id, messages.CANCELLED_BEFORE_START % {"who": _who(user)})
    if run.task_id:
        run.task.refresh_from_db()
    return run


def _status_word(status: str) -> str:
    return {"done": _("done"), "failed": _("failed"), CANCELLED: _("cancelled"),
            "queued": _("queued"), "running": _("running")}.get(status, status)


def _run_folder(run: MappingRun) -> Path | None:
    """The run's own folder under MEDIA_ROOT/mapping, or None when the stored path points elsewhere
    (never delete outside the mapping folder, whatever the database says)."""
    root = (Path(settings.MEDIA_ROOT) / MAPPING_FOLDER).resolve()
    folder = run.output_path.resolve()
    if folder == root or root not in folder.parents:
        return None
    return folder


def delete_run(user, run: MappingRun) -> int:
    """Delete a finished (done, failed or cancelled) run, its task and its folder of input and output
    files. A queued or running run must be cancelled first. Footprints attached to cluster records are
    snapshots: they stay in their clusters, marked "run deleted". Returns how many stayed that way."""
    require(policy.can_delete_mapping_run, user, run)
    with transaction.atomic():
        run = MappingRun.objects.select_for_update(of=("self",)).select_related("task").get(pk=run.pk)
        if not run.is_finished:
            if run.is_stopping:
                message = _("The run is stopping after its cancellation; delete it once it has stopped.")
            else:
                message = _("The run is %(status)s: cancel it first, then delete it.") % {
                    "status": _status_word(run.status)}
            raise ValidationFailed({"__all__": [message]})
        kept = run.attached_footprints.count()
        folder = _run_folder(run)
        task = run.task
        run.delete()  # attached footprints: run set to null, their snapshot stays
        if task is not None:
            task.delete()
        if folder is not None:
            transaction.on_commit(lambda: shutil.rmtree(folder, ignore_errors=True))
    return kept


# Cluster records -----------------------------------------------------------------------------------------

def _normalised_codes(classification: str, raw: str, errors: _Errors) -> str:
    codes = [c.strip() for c in (raw or "").replace(";", ",").split(",") if c.strip()]
    if not classification:
        return ", ".join(dict.fromkeys(codes))
    out = []
    for code in codes:
        try:
            out.append(codelists.normalise_code(classification, code))
        except (KeyError, ValueError) as exc:
            errors.add("sector_codes", str(exc))
    return ", ".join(dict.fromkeys(out))


def _cluster_fields(data: dict, errors: _Errors, *, partial: bool = False) -> dict:
    fields = {}
    if not partial or "name" in data:
        name = (data.get("name") or "").strip()
        if not name:
            errors.add("name", _("Give the cluster a name."))
        elif len(name) > 200:
            errors.add("name", _("Keep the name under 200 characters."))
        fields["name"] = name
    classification = data.get("sector_classification")
    if classification is not None:
        classification = classification.strip()
        if classification and classification not in SectorClassification.values:
            errors.add("sector_classification", _("Unknown classification %(c)r.") % {"c": classification})
            classification = ""
        fields["sector_classification"] = classification
    if "sector_codes" in data:
        codes = _normalised_codes(fields.get("sector_classification", data.get("_classification", "")),
                                  data.get("sector_codes") or "", errors)
        if len(codes) > 200:
            errors.add("sector_codes", _("Too many codes for one cluster record."))
        fields["sector_codes"] = codes
    if "territory" in data:
        fields["territory"] = _territory(data.get("territory"), errors)
    for key in ("description", "notes"):
        if key in data:
            fields[key] = (data.get(key) or "").strip()
    return fields


def create_cluster(user, data: dict) -> Cluster:
    require(policy.can_create_clusters, user)
    errors = _Errors()
    fields = _cluster_fields({"sector_classification": "", "sector_codes": "", **data}, errors)
    errors.raise_if_any()
    with transaction.atomic():
        cluster = Cluster(created_by=user, **fields)
        cluster._history_user = user
        cluster.save()
    return cluster


def update_cluster(user, cluster: Cluster, data: dict) -> Cluster:
    require(policy.can_change_clusters, user)
    errors = _Errors()
    fields = _cluster_fields({**data, "_classification": cluster.sector_classification}, errors, partial=True)
    errors.raise_if_any()
    with transaction.atomic():
        cluster = Cluster.objects.select_for_update().get(pk=cluster.pk)
        for key, value in fields.items():
            setattr(cluster, key, value)
        cluster._history_user = user
        cluster.save()
    return cluster


def _default_cluster_name(run: MappingRun, props: dict, in_lonlat: bool) -> str:
    """'<sector> — <place>': the footprint's main place (its regions come main place first: most
    employment, else most establishments), else the main city near its centre (shipped GeoNames data)."""
    sector = str(props.get("sector", ""))
    label = registers.sector_label(run.classification, sector, get_language()) if run.classification else ""
    place = (props.get("regions") or [""])[0]
    if not place and in_lonlat:
        place = selectors.place_near(props.get("centroid_lat"), props.get("centroid_lon"))
    name = f"{label or _('Sector %(code)s') % {'code': sector}}"
    return f"{name} — {place}"[:200] if place else name[:200]


def attach_footprint(user, run: MappingRun, footprint_id: str, *, cluster: Cluster | None = None,
                     new_cluster: dict | None = None) -> ClusterFootprint:
    """Attach footprint `footprint_id` of `run` to `cluster`, or to a new cluster made from `new_cluster`
    (name etc.; defaults from the footprint). The footprint is copied as it is now: polygon, members,
    establishments and employment. A cluster keeps all its footprints (its trajectory)."""
    require(policy.can_attach_footprints, user)
    if not policy.visible_mapping_runs(user).filter(pk=run.pk).exists():
        raise NotFound(_("No such mapping run."))
    if run.status != "done":
        raise ValidationFailed({"__all__": [_("The run has not finished: there are no footprints to attach yet.")]})
    feature = selectors.footprint_feature(run, footprint_id)
    if feature is None:
        raise NotFound(_("Run %(run)s has no footprint %(fp)r.") % {"run": run.title, "fp": footprint_id})
    props = feature.get("properties") or {}
    sector = str(props.get("sector", ""))
    in_lonlat = "triplec:coordinates" not in selectors.footprint_collection_meta(run)
    with transaction.atomic():
        if cluster is None:
            data = {"name": _default_cluster_name(run, props, in_lonlat),
                    "sector_classification": run.classification,
                    "sector_codes": sector if run.classification else "",
                    "territory": run.territory_id,
                    "description": _("Found by the mapping run “%(run)s” (footprint %(fp)s).")
                    % {"run": run.title, "fp": footprint_id}}
            data.update({k: v for k, v in (new_cluster or {}).items() if v not in (None, "")})
            cluster = create_cluster(user, data)
        else:
            cluster = Cluster.objects.select_for_update().get(pk=cluster.pk)
            if not policy.visible_clusters(user).filter(pk=cluster.pk).exists():
                raise NotFound(_("No such cluster."))
            if ClusterFootprint.objects.filter(cluster=cluster, run=run, footprint_id=footprint_id).exists():
                raise ValidationFailed({"cluster": [_("Footprint %(fp)s is already attached to %(c)s.")
                                                    % {"fp": footprint_id, "c": cluster.name}]})
            if (run.classification and cluster.sector_classification == run.classification
                    and sector not in cluster.code_list):
                update_cluster(user, cluster, {"sector_codes": ", ".join(cluster.code_list + [sector])})
        centroid_lon, centroid_lat = props.get("centroid_lon"), props.get("centroid_lat")
        footprint = ClusterFootprint(
            cluster=cluster, run=run, run_title=run.title[:200], run_source=run.source,
            footprint_id=str(footprint_id)[:64],
            sector=sector[:32], observed_at=run.task.started_at or run.created_at, geometry=feature.get("geometry"),
            in_lonlat=in_lonlat, centroid_lon=centroid_lon, centroid_lat=centroid_lat,
            establishments=int(props.get("count") or 0), employment=props.get("employment"),
            sme_share=props.get("sme_share"), area_km2=props.get("area_km2"), eps_km=props.get("eps_km"),
            regions=list(props.get("regions") or []), member_ids=[str(v) for v in props.get("establishments") or []],
            attached_by=user)
        footprint._history_user = user
        footprint.save()
    return footprint


def detach_footprint(user, footprint: ClusterFootprint) -> None:
    require(policy.can_change_clusters, user)
    with transaction.atomic():
        footprint._history_user = user
        footprint.delete()
